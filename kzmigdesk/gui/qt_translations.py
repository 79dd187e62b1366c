"""Qt's own texts in the interface's language: the buttons of dialog button boxes and message
boxes (OK, Cancel, Yes, No, Save, Discard, ...), the context menus of text fields and the
calendar. Qt's translations ship with PySide6 (translations/qtbase_kk.qm, qtbase_ru.qm) and are
bundled by build_installer.spec; they are loaded beside ours and follow every language switch.
"""

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QTranslator

from kzmigdesk import i18n

_installed: list[QTranslator] = []


def qt_translations_dir() -> str:
    return QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)


def apply(language: str) -> bool:
    """Replace Qt's translation by `language`'s; False when Qt has none for it (English, or a
    language Qt does not ship), and then Qt speaks English."""
    app = QCoreApplication.instance()
    while _installed:
        app.removeTranslator(_installed.pop())
    translator = QTranslator(app)
    if not translator.load(f"qtbase_{language}", qt_translations_dir()):
        return False
    app.installTranslator(translator)
    _installed.append(translator)
    return True


def follow_language() -> None:
    """Load Qt's translation of the current language now and after every switch."""
    apply(i18n.current_language())
    i18n.add_language_listener(apply)
