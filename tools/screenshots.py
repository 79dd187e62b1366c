"""Save the README's screenshots: the main window on a demo database, in each language.

    QT_QPA_PLATFORM=offscreen python tools/screenshots.py
"""

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from kzmigdesk import i18n  # noqa: E402
from kzmigdesk.demo import generate_demo_data  # noqa: E402
from kzmigdesk.domain.enums import UserRole  # noqa: E402
from kzmigdesk.gui.main_window import MainWindow  # noqa: E402
from kzmigdesk.services.auth import Actor  # noqa: E402
from kzmigdesk.services.workspace import open_database  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        database = open_database(str(Path(folder) / "demo.sqlite3"), create=True)
        generate_demo_data(database, persons=2000)
        supervisor = Actor(username="serik", role=UserRole.SUPERVISOR)
        database.actor = supervisor
        window = MainWindow(database, on_language_chosen=i18n.set_language)
        window.resize(1100, 640)
        window.show()
        for lang, section in (("kk", 1), ("ru", 2), ("en", 3)):
            i18n.set_language(lang)
            window.show_section(section)
            app.processEvents()
            window.grab().save(str(OUT / f"main-window-{lang}.png"))
        i18n.set_language("kk")
        window.show_section(1)
        person_id = window.persons_page.model.person_id(3)
        form = window.open_person(person_id)
        app.processEvents()
        form.grab().save(str(OUT / "person-form-kk.png"))
        form.ask_discard = lambda: True
        form.close()
        window.resize(1250, 640)
        for section, name in ((1, "persons-kk"), (2, "repatriates-kk"),
                              (3, "workers-kk"), (4, "services-kk"), (5, "quotas-kk")):
            window.show_section(section)
            app.processEvents()
            window.grab().save(str(OUT / f"{name}.png"))
        window.show_section(6)
        reports = window.pages.widget(6)
        reports.language.setCurrentIndex(reports.language.findData("kk"))
        reports.make_report()
        app.processEvents()
        window.grab().save(str(OUT / "reports-kk.png"))
        i18n.set_language("en")
        window.show_section(5)
        app.processEvents()
        window.grab().save(str(OUT / "quotas-en.png"))
        i18n.set_language("kk")
        cases = window.cases_page
        case = cases.show_case(cases.model.row(0).id)
        app.processEvents()
        case.grab().save(str(OUT / "case-dialog-kk.png"))
        case.close()
        workers = window.section_page("workers")
        permit = workers.open_permit(workers.model.row(0).id)
        app.processEvents()
        permit.grab().save(str(OUT / "permit-dialog-kk.png"))
        permit.close()
        window.close()
        database.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
