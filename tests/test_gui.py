import datetime as dt
import time

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QProgressDialog
from sqlalchemy import func

from kzmigdesk import i18n
from kzmigdesk.demo import database_is_empty
from kzmigdesk.domain.models import LabourQuota, Person
from kzmigdesk.gui.app import choose_language, load_demo_data, make_first_start_dialog
from kzmigdesk.gui.cases_page import CasesPage
from kzmigdesk.gui.foreign_workers_page import ForeignWorkersPage
from kzmigdesk.gui.main_window import SECTIONS, MainWindow
from kzmigdesk.gui.widgets.background import run_in_background
from kzmigdesk.settings import load_settings


def make_window(qtbot, database):
    window = MainWindow(database, on_language_chosen=choose_language)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    return window


def language_action(window, code):
    return next(a for a in window.language_actions.actions() if a.data() == code)


def test_main_window_switches_language_without_restart(qtbot, database, tmp_path):
    window = make_window(qtbot, database)
    assert window.navigation.item(0).text() == "Worklist (0)"
    assert window.navigation.item(1).text() == "Persons"
    assert window.file_menu.title() == "&File"
    assert "English" in window.language_label.text()
    assert str(database.engine.url.database) in window.database_label.text()

    language_action(window, "kk").trigger()
    assert i18n.current_language() == "kk"
    assert window.navigation.item(0).text() == i18n._("Worklist") + " (0)" != "Worklist (0)"
    assert window.navigation.item(1).text() == i18n._("Persons") != "Persons"
    assert window.section_actions.actions()[2].text() == i18n._("Repatriates")
    assert "Қазақша" in window.language_label.text()
    assert window.file_menu.title() != "&File"
    window.show_section(1)
    persons_page = window.pages.currentWidget()
    assert persons_page.search.placeholderText() == i18n._(
        "Search by name in any script, IIN or document number")
    assert persons_page.model.headerData(2, Qt.Orientation.Horizontal) == "Туған күні"
    assert load_settings().language == "kk"
    window.grab().save(str(tmp_path / "main-window-kk.png"))
    assert (tmp_path / "main-window-kk.png").stat().st_size > 5000

    language_action(window, "ru").trigger()
    assert window.navigation.item(3).text() == i18n._("Foreign workers") != "Foreign workers"
    assert "Русский" in window.language_label.text()
    assert language_action(window, "ru").isChecked()
    assert not language_action(window, "kk").isChecked()


def test_navigation_between_sections(qtbot, database):
    window = make_window(qtbot, database)
    assert len(SECTIONS) == window.pages.count() == window.navigation.count() == 8
    assert window.current_section().key == "worklist"  # the start page
    assert [a.shortcut().toString() for a in window.section_actions.actions()] == [
        f"Ctrl+{n}" for n in range(1, 9)]
    window.navigation.setCurrentRow(5)
    assert window.current_section().key == "quotas"
    assert window.section_actions.actions()[5].isChecked()
    window.section_actions.actions()[2].trigger()
    assert window.current_section().key == "repatriates"
    assert window.navigation.currentRow() == 2
    assert isinstance(window.pages.currentWidget(), CasesPage)
    window.section_actions.actions()[3].trigger()
    assert isinstance(window.pages.currentWidget(), ForeignWorkersPage)


def test_quotas_section_shows_the_demo_quotas(qtbot, database):
    from kzmigdesk.demo import generate_demo_data

    generate_demo_data(database, persons=60)
    window = make_window(qtbot, database)
    window.show_section(5)
    page = window.pages.currentWidget()
    with database.sessions() as session:
        quotas = session.query(func.count(LabourQuota.id), func.sum(LabourQuota.amount)).filter(
            LabourQuota.year == dt.date.today().year).one()
    assert page.table.rowCount() == quotas[0] > 0
    shown = sum(int(page.table.item(r, 3).text().replace(",", ""))
                for r in range(page.table.rowCount()))
    assert shown == quotas[1]
    language_action(window, "kk").trigger()
    categories = {page.table.item(r, 1).text() for r in range(page.table.rowCount())}
    assert i18n._("category 4: skilled workers") in categories
    assert "category 4: skilled workers" not in categories


def test_first_start_dialog_is_loaded_from_ui_and_translated(qtbot, database):
    i18n.set_language("kk")
    dialog = make_first_start_dialog(None)
    qtbot.addWidget(dialog)
    assert dialog.windowTitle() == i18n._("Welcome to kzmigdesk") != "Welcome to kzmigdesk"
    assert dialog.demoButton.text() == i18n._("&Load demo data")
    assert dialog.personsSpin.value() == 300
    dialog.show()
    dialog.demoButton.click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_demo_data_loads_in_the_background(qtbot, database):
    window = make_window(qtbot, database)
    with database.sessions() as session:
        assert database_is_empty(session)
    outcome = load_demo_data(window, database, persons=40)
    assert outcome.ok, outcome.error
    assert outcome.result.persons == 40
    with database.sessions() as session:
        assert not database_is_empty(session)


def test_background_task_can_be_cancelled_and_window_stays_responsive(qtbot):
    ticks = []

    def task(progress, cancelled):
        for step in range(1000):
            if cancelled():
                raise RuntimeError("stopped")
            progress(step, 1000)
            time.sleep(0.01)
        return "finished"

    def press_cancel():
        ticks.append("gui thread alive")
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, QProgressDialog) and widget.isVisible():
                widget.cancel()
                return
        QTimer.singleShot(50, press_cancel)

    QTimer.singleShot(400, press_cancel)
    outcome = run_in_background(None, "working", task)
    assert outcome.cancelled and outcome.result is None and outcome.error is None
    assert ticks


def test_background_task_error_is_reported(qtbot):
    def task(progress, cancelled):
        raise ValueError("bad row 7")

    outcome = run_in_background(None, "working", task)
    assert isinstance(outcome.error, ValueError) and not outcome.ok


def test_first_start_offers_demo_data_only_on_an_empty_database(qtbot, database):
    from kzmigdesk.gui.app import offer_demo_data

    window = make_window(qtbot, database)
    shown = []

    def accept_with_25_persons():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, accept_with_25_persons)
            return
        shown.append(dialog.windowTitle())
        dialog.personsSpin.setValue(25)
        dialog.demoButton.click()

    QTimer.singleShot(0, accept_with_25_persons)
    offer_demo_data(window, database)
    assert shown == ["Welcome to kzmigdesk"]
    with database.sessions() as session:
        assert session.query(Person).count() == 25
    offer_demo_data(window, database)  # not empty any more: returns without a dialog
    assert len(shown) == 1


def test_qt_bindings_do_not_leak_references_to_none(qtbot):
    """PySide6 6.12.0 dropped a reference to None on every void call, which aborted the
    interpreter ("none_dealloc") after long use; pyproject.toml keeps it out."""
    import sys

    app = QApplication.instance()
    before = sys.getrefcount(None)
    for _ in range(500):
        app.processEvents()
    assert sys.getrefcount(None) - before > -50


def test_ctrl_n_creates_the_record_of_the_current_section(qtbot, database):
    from kzmigdesk.gui.new_case_dialog import NewCaseDialog
    from kzmigdesk.gui.permit_dialog import PermitDialog
    from kzmigdesk.gui.person_dialog import PersonDialog

    window = make_window(qtbot, database)
    for section, expected in ((0, PersonDialog), (1, PersonDialog), (2, NewCaseDialog),
                              (3, PermitDialog), (4, PersonDialog)):
        window.show_section(section)
        window.activateWindow()
        qtbot.waitUntil(window.isActiveWindow)
        before = len(window.findChildren(expected))
        qtbot.keyClick(window.navigation, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        dialogs = window.findChildren(expected)
        assert len(dialogs) == before + 1
        for dialog in dialogs:
            dialog.close()


def test_a_section_page_is_built_when_first_shown(qtbot, database):
    """The window starts with the first section's page only (a fast start on big data)."""
    from kzmigdesk.gui.persons_page import PersonsPage
    from kzmigdesk.gui.worklist_page import WorklistPage

    window = make_window(qtbot, database)
    assert set(window.built_pages) == {0}
    assert isinstance(window.pages.currentWidget(), WorklistPage)
    assert not isinstance(window.pages.widget(1), PersonsPage)
    assert not isinstance(window.pages.widget(2), CasesPage)

    language_action(window, "ru").trigger()  # a page built later speaks the new language
    window.show_section(3)
    assert set(window.built_pages) == {0, 3}
    workers = window.pages.currentWidget()
    assert isinstance(workers, ForeignWorkersPage) and window.pages.indexOf(workers) == 3
    assert workers.search.placeholderText() == i18n._(
        "Search by permit number, employer BIN, or the worker's name, IIN or document number")
    assert workers.search.placeholderText().startswith("Поиск")
    window.show_section(3)  # shown again: the same page
    assert window.pages.currentWidget() is workers


def test_ask_path_opens_or_saves_and_cancel_gives_none(qtbot, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog, QWidget

    from kzmigdesk.gui.widgets.dialogs import ask_path

    parent = QWidget()
    qtbot.addWidget(parent)
    asked = []

    def answer(chosen):
        def ask(parent_, title, name, filters):
            asked.append((title, name, filters))
            return chosen, filters
        return ask

    monkeypatch.setattr(QFileDialog, "getOpenFileName", answer(str(tmp_path / "a.csv")))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", answer(""))
    assert ask_path(parent, "Open", "CSV (*.csv)") == tmp_path / "a.csv"
    assert ask_path(parent, "Save", "CSV (*.csv)", "b.csv", save=True) is None
    assert asked == [("Open", "", "CSV (*.csv)"), ("Save", "b.csv", "CSV (*.csv)")]


def test_one_navigation_with_icons(qtbot, database):
    """The sections appear once, in the left list, each with its icon; the View menu holds
    the same actions with their shortcuts."""
    from PySide6.QtWidgets import QToolBar

    window = make_window(qtbot, database)
    assert window.findChildren(QToolBar) == []
    assert window.navigation.count() == len(SECTIONS)
    for row in range(window.navigation.count()):
        icon = window.navigation.item(row).icon()
        assert not icon.isNull() and not icon.pixmap(24, 24).toImage().isNull()
    assert set(window.section_actions.actions()) <= set(window.view_menu.actions())


def test_a_dark_scheme_keeps_icons_and_highlighted_rows_readable(qtbot, database):
    """When the system's scheme turns dark, the icons are redrawn in the palette's text colour,
    and a highlighted row keeps dark text on its light background."""
    from PySide6.QtGui import QColor, QPalette

    window = make_window(qtbot, database)

    def darkest_pixel_lightness() -> int:
        image = window.navigation.item(1).icon().pixmap(24, 24).toImage()
        return min(image.pixelColor(x, y).lightness() for x in range(24) for y in range(24)
                   if image.pixelColor(x, y).alpha() > 128)

    assert darkest_pixel_lightness() < 100  # dark lines on a light window
    app = QApplication.instance()
    light = app.palette()
    dark = QPalette(light)
    dark.setColor(QPalette.ColorRole.Window, QColor("#202020"))
    dark.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    try:
        app.setPalette(dark)
        qtbot.waitUntil(lambda: darkest_pixel_lightness() > 150)  # light lines now
    finally:
        app.setPalette(light)
