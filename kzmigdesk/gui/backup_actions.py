"""Backups from the window: automatic (at exit and daily, in the background), to a chosen
folder (a USB stick), restore with confirmation, and the check of the database file at start.
The work is done by services/backup.py."""

import datetime as dt
import threading
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from kzmigdesk.gui.widgets.background import run_in_background
from kzmigdesk.i18n import _
from kzmigdesk.services import backup
from kzmigdesk.services.backup import is_sqlite
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.workspace import (
    NEWER,
    NO_SUCH_DATABASE,
    UNREADABLE,
    Database,
    DatabaseFileError,
    describe_url,
    is_default_database,
    resolve_database_url,
)

CHECK_EVERY_MS = 60 * 60 * 1000  # whether the daily backup is due, every hour
NOT_RESTORED = (NEWER, UNREADABLE)  # a backup would not help: the file is refused as it is


class DailyBackup(QObject):
    """Backs the database up in a background thread when the last backup is a day old;
    checks at start and then every hour. `last` is the newest backup made here."""

    def __init__(self, database: Database, parent: QObject | None = None):
        super().__init__(parent)
        self.database = database
        self.last: Path | None = None
        self.error: str | None = None
        self.thread: threading.Thread | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.run_if_due)
        if is_sqlite(database):
            self.timer.start()
            QTimer.singleShot(60 * 1000, self.run_if_due)

    def run_if_due(self) -> bool:
        if self.thread is not None and self.thread.is_alive():
            return False
        if not backup.backup_due():
            return False
        self.thread = threading.Thread(target=self._work, name="kzmigdesk-backup",
                                       daemon=True)
        self.thread.start()
        return True

    def _work(self) -> None:
        try:
            self.last = backup.backup(self.database.url)
            backup.record(self.database, "backup", self.last)
        except (ServiceError, OSError) as error:  # shown in the status bar, retried later
            self.error = error.message() if isinstance(error, ServiceError) else str(error)


def backup_at_exit(database: Database) -> Path | None:
    """The automatic backup when the application closes, with a progress dialog."""
    if not is_sqlite(database):
        return None
    outcome = run_in_background(None, _("Backing up the database…"),
                                lambda progress, cancelled: backup.backup(database.url))
    if outcome.ok:
        backup.record(database, "backup", outcome.result)
        return outcome.result
    return None


def back_up_to_folder(parent: QWidget, database: Database,
                      folder: Path | None = None) -> Path | None:
    """A backup to a folder the user chooses (a USB stick, say); kept whole there."""
    if folder is None:
        chosen = QFileDialog.getExistingDirectory(parent, _("Back up to the folder"))
        if not chosen:
            return None
        folder = Path(chosen)
    outcome = run_in_background(parent, _("Backing up the database…"),
                                lambda progress, cancelled: backup.backup(database.url, folder,
                                                                          keep=None))
    if not outcome.ok:
        error = outcome.error
        QMessageBox.warning(parent, _("Backup"), _("The backup failed: {error}").format(
            error=error.message() if isinstance(error, ServiceError) else error))
        return None
    backup.record(database, "backup", outcome.result)
    return outcome.result


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text, QMessageBox.StandardButton.Yes
                                  | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


def restore_from_file(parent: QWidget, database: Database, file: Path | None = None,
                      ask=confirm) -> Path | None:
    """Replace the open database by a backup, after confirmation (administrators only); the
    current file is kept aside. The database's connections are closed and reopen on the
    restored file."""
    if file is None:
        chosen, _filter = QFileDialog.getOpenFileName(
            parent, _("Restore a backup"), str(backup.default_folder()),
            _("Backups (*.sqlite3);;All files (*)"))
        if not chosen:
            return None
        file = Path(chosen)
    if not ask(parent, _("Restore a backup"), _(
            "Replace the database {database} by the backup {file}? Changes made since that "
            "backup will no longer be in the database; the current file is kept aside.").format(
            database=describe_url(database.url), file=file)):
        return None
    try:
        return backup.restore_open(database, file)
    except ServiceError as error:
        QMessageBox.warning(parent, _("Restore a backup"), error.message())
        return None


def check_at_start(db: str | None, ask=confirm,
                   now: dt.datetime | None = None) -> tuple[bool, Path | None]:
    """Before opening: if the SQLite file is damaged or not a kzmigdesk database, say so and
    offer to restore the newest backup (the file itself is kept aside, never overwritten).
    A missing file is created only when it is the default database (the first start); a
    folder, an unreadable file or a newer version's database is refused, untouched.
    Returns whether the application may go on opening the database, and the backup restored
    (if one was)."""
    url = resolve_database_url(db)
    try:
        path = backup.sqlite_file(url)
    except backup.BackupError:
        return True, None  # PostgreSQL: its server looks after it
    if not path.exists() and not is_default_database(db):
        QMessageBox.critical(None, _("Cannot open the database"), DatabaseFileError(
            path, "", NO_SUCH_DATABASE).message())
        return False, None
    check = backup.check_file(path)
    if check.ok:
        return True, None
    text = DatabaseFileError(path, check.problem).message()
    newest = next(iter(backup.backups()), None)
    if not path.is_file() or check.problem in NOT_RESTORED:
        QMessageBox.critical(None, _("Cannot open the database"), text)
        return False, None
    if newest is None:
        QMessageBox.critical(None, _("Cannot open the database"), text + "\n\n" + _(
            "No backup was found. The file was left as it is."))
        return False, None
    if not ask(None, _("Cannot open the database"), text + "\n\n" + _(
            "Restore the newest backup, {file}? The file that cannot be used is kept aside."
            ).format(file=newest.name)):
        return False, None
    try:
        backup.restore(url, newest, None, now=now)
    except ServiceError as error:
        QMessageBox.critical(None, _("Cannot open the database"), error.message())
        return False, None
    return True, newest
