"""Save the README's screenshots at 1280×720 (a 1920×1080 laptop at 150 %) in kk, ru and en:
every section of the main window on a demo database, the person form, a case and a permit.

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py

Writes docs/screenshots/NAME-LANG.png; main-window-LANG.png is the window as it opens. In
Kazakh only: an employer with its sector, the support norms, the labour violations and the
quotas by sector (issue 24).
"""

import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QTableWidget  # noqa: E402

from kzmigdesk import i18n  # noqa: E402
from kzmigdesk.demo import generate_demo_data  # noqa: E402
from kzmigdesk.domain.enums import UserRole  # noqa: E402
from kzmigdesk.gui import qt_translations  # noqa: E402
from kzmigdesk.gui.main_window import SECTIONS, MainWindow  # noqa: E402
from kzmigdesk.services import access  # noqa: E402
from kzmigdesk.services.auth import Actor  # noqa: E402
from kzmigdesk.services.workspace import open_database  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
SIZE = (1280, 720)
SECTION_FILES = {"persons": "persons", "repatriates": "repatriates", "workers": "workers",
                 "services": "services", "quotas": "quotas", "reports": "reports",
                 "worklist": "worklist", "flows": "flows"}


def settle(app) -> None:
    """Let the posted work run: the columns fitted once shown, then the scroll bars."""
    deadline = time.monotonic() + 0.2
    while time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.01)


def shoot(app, widget, name: str, lang: str) -> None:
    settle(app)
    widget.grab().save(str(OUT / f"{name}-{lang}.png"))


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    OUT.mkdir(parents=True, exist_ok=True)
    qt_translations.follow_language()
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(str(Path(folder) / "demo.sqlite3"), create=True)
        generate_demo_data(database, persons=2000)
        database.actor = Actor(username="serik", role=UserRole.SUPERVISOR)
        window = MainWindow(database, on_language_chosen=i18n.set_language)
        window.resize(*SIZE)
        window.show()
        for lang in ("kk", "ru", "en"):
            i18n.set_language(lang)
            window.show_section(0)
            shoot(app, window, "main-window", lang)
            for index, section in enumerate(SECTIONS):
                window.show_section(index)
                if section.key == "reports":
                    reports = window.section_page("reports")
                    reports.language.setCurrentIndex(reports.language.findData(lang))
                    reports.make_report()
                shoot(app, window, SECTION_FILES.get(section.key, section.key), lang)
            persons = window.section_page("persons")
            form = window.open_person(persons.model.person_id(3))
            shoot(app, form, "person-form", lang)
            form.ask_discard = lambda: True
            form.close()
            cases = window.section_page("repatriates")
            case = cases.show_case(cases.model.row(0).id)
            shoot(app, case, "case-dialog", lang)
            case.close()
            workers = window.section_page("workers")
            permit = workers.open_permit(workers.model.row(0).id)
            shoot(app, permit, "permit-dialog", lang)
            permit.close()
        i18n.set_language("kk")
        issue_24_screens(app, window, database)
        window.close()
        access.flush(database)  # the reads of the forms shown, before the folder goes
        database.close()
    return 0


def issue_24_screens(app, window, database) -> None:
    from kzmigdesk.gui.employer_dialog import EmployerDialog
    from kzmigdesk.gui.support_norms_dialog import SupportNormsDialog
    from kzmigdesk.gui.violations_dialog import ViolationsDialog

    workers = window.section_page("workers")
    for dialog, name in (
            (EmployerDialog(database, workers.model.row(0).employer_id, window),
             "employer-sector"),
            (SupportNormsDialog(database, window), "support-norms"),
            (ViolationsDialog(database, window), "violations")):
        dialog.show()
        shoot(app, dialog, name, "kk")
        dialog.close()
    window.show_section([section.key for section in SECTIONS].index("quotas"))
    quotas = window.section_page("quotas")
    with_sector = next((number for number, row in enumerate(quotas.rows) if row.sector_code),
                       None)
    if with_sector is not None:  # from the region of the first quota of a sector
        region = quotas.rows[with_sector].region_name
        first = next(n for n, row in enumerate(quotas.rows) if row.region_name == region)
        quotas.table.scrollToItem(quotas.table.item(first, 0),
                                  QTableWidget.ScrollHint.PositionAtTop)
        quotas.table.selectRow(with_sector)
    shoot(app, window, "sectors-quotas", "kk")


if __name__ == "__main__":
    raise SystemExit(main())
