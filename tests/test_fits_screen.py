"""Every section and dialog fits a 1280×720 screen (a 1920×1080 laptop at 150 %, and so also
1366×768) in every language, with the demo data's long names of centres and offices."""

import datetime as dt

import pytest

from kzmigdesk import i18n
from kzmigdesk.demo import generate_demo_data
from kzmigdesk.gui import qt_translations
from kzmigdesk.gui.main_window import SECTIONS, MainWindow
from kzmigdesk.services.labour import employer_choices
from kzmigdesk.services.quotas import QuotaKind

WIDTH, HEIGHT = 1280, 720


def assert_fits(widget, what: str) -> None:
    for size in (widget.minimumSizeHint(), widget.minimumSize()):
        assert size.width() <= WIDTH and size.height() <= HEIGHT, (what, size)


def first_id(page):
    return page.model.row(0).id


@pytest.fixture
def demo(database):
    generate_demo_data(database, persons=60, seed=5, today=dt.date.today())
    return database


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_section_and_dialog_fits_the_screen(qtbot, demo, language):
    i18n.set_language(language)
    qt_translations.follow_language()
    window = MainWindow(demo, on_language_chosen=i18n.set_language)
    qtbot.addWidget(window)
    window.resize(WIDTH, HEIGHT)
    window.show()
    for index, section in enumerate(SECTIONS):
        window.show_section(index)
        qtbot.wait(1)
        page = window.page(index)
        assert_fits(page, section.key)
        if hasattr(page, "table"):  # the default columns need no sideways scrolling
            assert page.table.horizontalScrollBar().maximum() == 0, section.key
    assert_fits(window, "main window")

    from kzmigdesk.gui.case_dialog import CaseDialog
    from kzmigdesk.gui.employer_dialog import EmployerDialog, EmployersDialog
    from kzmigdesk.gui.new_case_dialog import NewCaseDialog
    from kzmigdesk.gui.quotas_page import QuotaDialog

    persons, cases, workers, services, quotas = (window.page(i) for i in range(1, 6))
    employer_id = employer_choices(demo, "", limit=1)[0].id
    dialogs = {
        "person": lambda: window.open_person(first_id(persons)),
        "new person": lambda: window.open_person(None),
        "case": lambda: CaseDialog(demo, first_id(cases), window),
        "new case": lambda: NewCaseDialog(demo, window),
        "permit": lambda: workers.open_permit(first_id(workers)),
        "new permit": lambda: workers.open_permit(None),
        "employer": lambda: EmployerDialog(demo, employer_id, window),
        "employers": lambda: EmployersDialog(demo, window),
        "service": lambda: services.open_record(first_id(services)),
        "new service": services.open_new,
        "centres": services.open_centres,
        "catalogue": services.open_catalogue,
        "quota": lambda: QuotaDialog(demo, QuotaKind.LABOUR, 2026, None, window),
        "users": window.open_users,
        "settings": window.open_settings,
        "exchange": window.open_exchange,
        "legacy import": window.open_legacy_import,
        "audit trail": window.open_audit_trail,
    }
    del quotas
    for name, open_dialog in dialogs.items():
        dialog = open_dialog()
        dialog.show()
        qtbot.wait(1)
        assert_fits(dialog, name)
        dialog.close()


def test_minor_columns_are_hidden_until_shown_and_the_choice_is_kept(qtbot, demo):
    from kzmigdesk.gui.services_page import ServicesPage
    from kzmigdesk.settings import load_settings

    page = ServicesPage(demo)
    qtbot.addWidget(page)
    hours = page.model.COLUMNS.index("Hours attended")
    assert page.table.isColumnHidden(hours)
    menu = page.column_menu(None)
    menu.actions()[hours].setChecked(True)
    assert not page.table.isColumnHidden(hours)
    assert "Hours attended" not in load_settings().hidden_columns["services"]
    again = ServicesPage(demo)
    qtbot.addWidget(again)
    assert not again.table.isColumnHidden(hours)
    assert again.table.isColumnHidden(again.model.COLUMNS.index("End date"))
