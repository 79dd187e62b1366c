"""A walk of the whole window for the tests of every widget: each section of the main window,
then each dialog (gui_helpers.every_dialog and the dialogs of the start), in one language."""

from collections.abc import Iterator
from contextlib import contextmanager

from gui_helpers import every_dialog, first_id

from kzmigdesk import i18n
from kzmigdesk.gui import qt_translations
from kzmigdesk.gui.main_window import SECTIONS, MainWindow

WIDTH, HEIGHT = 1280, 720


@contextmanager
def speaking(language: str):
    """The interface and Qt's own texts in `language`; English again afterwards."""
    qt_translations.follow_language()
    i18n.set_language(language)
    try:
        yield
    finally:
        i18n.set_language("en")
        i18n.remove_language_listener(qt_translations.apply)


def start_dialogs(window, database) -> dict:
    """The dialogs of the start and the timeline, beside every_dialog's."""
    from kzmigdesk.gui.app import make_first_start_dialog
    from kzmigdesk.gui.sign_in_dialog import (
        FirstAdministratorDialog,
        LanguageDialog,
        SignInDialog,
    )
    from kzmigdesk.gui.timeline_dialog import TimelineDialog

    return {
        "timeline": lambda: TimelineDialog(database, first_id(window.page(1)), "", window),
        "language": lambda: LanguageDialog(window),
        "sign in": lambda: SignInDialog(database, window),
        "first administrator": lambda: FirstAdministratorDialog(database, window),
        "first start": lambda: make_first_start_dialog(window),
    }


def open_window(qtbot, database) -> MainWindow:
    window = MainWindow(database, on_language_chosen=i18n.set_language)
    qtbot.addWidget(window)
    window.resize(WIDTH, HEIGHT)
    window.show()
    return window


def sections(qtbot, window) -> Iterator[tuple[str, object]]:
    for index, section in enumerate(SECTIONS):
        window.show_section(index)
        qtbot.wait(1)
        yield section.key, window.page(index)


def dialogs(qtbot, window, database) -> Iterator[tuple[str, object]]:
    """Each dialog shown at its default size, closed once the caller is done with it."""
    for name, open_dialog in (every_dialog(window, database)
                              | start_dialogs(window, database)).items():
        dialog = open_dialog()
        dialog.show()
        qtbot.wait(1)
        try:
            yield name, dialog
        finally:
            if hasattr(dialog, "ask_discard"):
                dialog.ask_discard = lambda: True
            dialog.close()


def everything(qtbot, window, database) -> Iterator[tuple[str, object]]:
    yield from sections(qtbot, window)
    yield from dialogs(qtbot, window, database)
