"""Start of the desktop application."""

import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

from kzmigdesk import demo, i18n
from kzmigdesk.demo import generate_demo_data
from kzmigdesk.gui import qt_translations
from kzmigdesk.gui.backup_actions import backup_at_exit, check_at_start
from kzmigdesk.gui.main_window import MainWindow
from kzmigdesk.gui.office_profile_dialog import ask_at_first_start
from kzmigdesk.gui.recovery_key_dialog import show_created_key
from kzmigdesk.gui.sign_in_dialog import ask_language, sign_in_as_login, sign_in_at_start
from kzmigdesk.gui.uiloader import load_ui
from kzmigdesk.gui.widgets.background import TaskOutcome, run_in_background
from kzmigdesk.i18n import _
from kzmigdesk.paths import data_dir
from kzmigdesk.services import access, backup, users
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.workspace import (
    Database,
    describe_url,
    is_default_database,
    open_database,
    resolve_database_url,
)
from kzmigdesk.settings import load_settings, save_settings, settings_path


def choose_language(lang: str) -> None:
    """Switch the interface language now and remember it for the next start."""
    i18n.set_language(lang)
    settings = load_settings()
    settings.language = lang
    save_settings(settings)


def language_at_first_start() -> None:
    """The first start on this computer (no settings saved yet) asks the language before
    anything else; the choice applies at once, with Qt's own texts, and is saved."""
    if settings_path().exists():
        return
    chosen = ask_language()
    if chosen is not None:
        choose_language(chosen)


def make_first_start_dialog(parent: QWidget | None) -> QDialog:
    dialog = load_ui("first_start", parent)
    dialog.demoButton.clicked.connect(dialog.accept)
    dialog.emptyButton.clicked.connect(dialog.reject)
    return dialog


def load_demo_data(parent: QWidget | None, database: Database, persons: int) -> TaskOutcome:
    def task(progress, cancelled):
        return generate_demo_data(database, persons=persons, progress=progress,
                                  cancelled=cancelled)

    return run_in_background(parent, _("Creating demo data…"), task)


def offer_demo_data(window: MainWindow, database: Database) -> None:
    """On an empty database, offer demo data; load it in the background if accepted."""
    if not demo.is_empty(database):
        return
    dialog = make_first_start_dialog(window)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    outcome = load_demo_data(window, database, dialog.personsSpin.value())
    if outcome.error is not None:
        QMessageBox.critical(window, _("Demo data"),
                             _("Demo data could not be created: {error}").format(
                                 error=outcome.error))
    window.refresh_current()


def run_gui(db: str | None = None, lang: str | None = None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("kzmigdesk")
    app.setWindowIcon(QIcon(str(data_dir("resources") / "icons" / "kzmigdesk.svg")))
    i18n.set_language(lang or load_settings().language)
    qt_translations.follow_language()
    if lang is None:
        language_at_first_start()
    go_on, restored = check_at_start(db)
    if not go_on:
        return 1
    if users.login_at_sign_in(resolve_database_url(db)):
        return run_signed_in(app, *(sign_in_as_login(resolve_database_url(db)) or (None, None)))
    try:  # a new database only at the first start: the default one, missing yet
        database = open_database(db, create=is_default_database(db))
    except Exception as error:  # shown to the person, who must know which file failed
        QMessageBox.critical(
            None, _("Cannot open the database"), error.message()
            if isinstance(error, ServiceError) else
            _("The database {database} cannot be opened: {error}").format(
                database=describe_url(resolve_database_url(db)), error=error))
        return 1
    if restored is not None:
        backup.record(database, "restore", restored)
    return run_signed_in(app, database, sign_in_at_start(database), db)


def run_signed_in(app: QApplication, database: Database | None, actor,
                  db: str | None = None) -> int:
    """The main window for `actor` on `database`, until it closes (0 when nobody signed in)."""
    if actor is None:
        if database is not None:
            database.close()
        return 0
    database.actor = actor  # every service acts as the signed-in user from now on
    window = MainWindow(database, on_language_chosen=choose_language)
    window.show()
    show_created_key(database, db, window)  # a new encrypted database's key, once (issue 22)
    ask_at_first_start(database, window)  # the office profile, once (issue 21)
    window.deadlines.start()  # certificates and permits past their dates expire now
    offer_demo_data(window, database)
    try:
        return app.exec()
    finally:
        access.flush(database)  # the reads still waiting in the access log's buffer
        backup_at_exit(database)
        database.close()


def main() -> int:
    return run_gui()
