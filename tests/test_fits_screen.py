"""Every section and dialog fits a 1280×720 screen (a 1920×1080 laptop at 150 %, and so also
1366×768) in every language, with the demo data's long names of centres and offices."""


import pytest
from gui_helpers import every_dialog

from kzmigdesk import i18n
from kzmigdesk.gui import qt_translations
from kzmigdesk.gui.main_window import SECTIONS, MainWindow

WIDTH, HEIGHT = 1280, 720


def assert_fits(widget, what: str) -> None:
    for size in (widget.minimumSizeHint(), widget.minimumSize()):
        assert size.width() <= WIDTH and size.height() <= HEIGHT, (what, size)



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

    dialogs = every_dialog(window, demo)
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
