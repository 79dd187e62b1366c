"""Backups of the SQLite database: SQLite's online backup API (a consistent copy while the
application keeps writing), rotation keeping the newest N (at least the one just made), a
SHA-256 checksum beside each backup (NAME.sha256, in the format of `sha256sum`) that restore
and `verify` check, restore with the current file kept aside, and the check of a database file
at start (damaged or not ours).

An encrypted database (SQLCipher) is backed up encrypted with the same key; the backup file
has an identity of its own, under which the key is kept in the credential store too, so it
is checked and restored like any other. (Those entries stay when a backup is rotated away: a
database restored from it has the same identity.)

A PostgreSQL database is backed up on its server (pg_dump), not here.
"""

import datetime as dt
import hashlib
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from kzmigdesk.db import keys
from kzmigdesk.db.files import FileCheck, check_file, sqlite_path  # noqa: F401 (FileCheck)
from kzmigdesk.db.session import Database
from kzmigdesk.files import write_atomically
from kzmigdesk.i18n import N_, _
from kzmigdesk.paths import user_data_dir
from kzmigdesk.services.auth import Actor, Permission, require
from kzmigdesk.services.errors import ServiceError

PREFIX = "kzmigdesk-"
SUFFIX = ".sqlite3"
KEEP = 10  # automatic backups kept
DAILY = dt.timedelta(hours=24)


class BackupError(ServiceError):
    pass


def is_sqlite(database: Database) -> bool:
    """Whether `database` is a SQLite file, backed up here."""
    return make_url(database.url).get_backend_name() == "sqlite"


def default_folder() -> Path:
    return user_data_dir() / "backups"


def sqlite_file(url: str) -> Path:
    """The database file of a SQLite URL; BackupError for any other database."""
    path = sqlite_path(url)  # a `file:…?mode=ro` URL names its file too (issue 22)
    if path is None:
        raise BackupError(N_("Only a SQLite database is backed up here; back up a PostgreSQL "
                             "database on its server with pg_dump."))
    return path


def backups(folder: Path | None = None) -> list[Path]:
    """The backups in `folder`, newest first."""
    folder = folder or default_folder()
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}"), key=lambda p: p.name, reverse=True)


def backup_due(folder: Path | None = None, now: dt.datetime | None = None) -> bool:
    """Whether the newest backup in `folder` is older than a day (or there is none)."""
    found = backups(folder)
    if not found:
        return True
    now = now or dt.datetime.now()
    return now - dt.datetime.fromtimestamp(found[0].stat().st_mtime) >= DAILY


def checksum_file(backup_file: Path) -> Path:
    """The file beside a backup that holds its SHA-256: NAME.sha256."""
    return backup_file.with_name(backup_file.name + ".sha256")


def sha256(path: Path) -> str:
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def backup(url: str, folder: Path | None = None, keep: int | None = KEEP,
           now: dt.datetime | None = None) -> Path:
    """Copy the database into `folder` as kzmigdesk-YYYYMMDD-HHMMSS.sqlite3 with SQLite's
    online backup API, in one step, so the copy is one consistent state even while other
    connections write; once it is complete, write its checksum beside it (without which the
    backup is removed again). Then keep only the newest `keep` backups there (None: all); the
    one just made is always kept, whatever `keep` says."""
    source_path = sqlite_file(url)
    folder = folder or default_folder()
    folder.mkdir(parents=True, exist_ok=True)
    now = now or dt.datetime.now()
    target = folder / f"{PREFIX}{now:%Y%m%d-%H%M%S}{SUFFIX}"
    number = 1
    while target.exists():
        number += 1
        target = folder / f"{PREFIX}{now:%Y%m%d-%H%M%S}-{number}{SUFFIX}"
    partial = target.with_suffix(".partial")
    key = None
    if keys.looks_encrypted(source_path):
        check = check_file(source_path)
        if not check.ok:
            raise BackupError(check.problem)
        key = check.key
    try:
        source, settings = connect(source_path, key)
        with closing(source), closing(connect(partial, key, settings)[0]) as destination:
            source.backup(destination)  # all pages in one step: a consistent copy
    except database_errors(key) as error:  # a disk that fails or fills: no half copy stays
        partial.unlink(missing_ok=True)
        raise BackupError(N_("The file could not be written: {error}"), error=error) from None
    digest = sha256(partial)
    partial.replace(target)
    try:
        if key is not None:
            keys.store_key(target, key)
        write_atomically(checksum_file(target), f"{digest}  {target.name}\n".encode())
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if keep is not None:
        others = [path for path in backups(folder) if path != target]  # newest first
        for old in others[max(keep, 1) - 1:]:
            old.unlink(missing_ok=True)
            checksum_file(old).unlink(missing_ok=True)
    return target


def database_errors(key: bytes | None) -> tuple[type[Exception], ...]:
    """The errors of the connections connect() makes."""
    if key is None:
        return (sqlite3.Error,)
    import sqlcipher3

    return (sqlite3.Error, sqlcipher3.Error)


def connect(path: Path, key: bytes | None, settings: tuple | None = None):
    """(connection, its cipher settings) to the SQLite file `path`: SQLCipher's with `key`
    (and `settings`, else those that read the file: keys.open_encrypted), else sqlite3's."""
    if key is None:
        return sqlite3.connect(path, timeout=30), None
    import sqlcipher3

    return keys.open_encrypted(lambda: sqlcipher3.connect(str(path), timeout=30), key, settings)


def checksum_problem(backup_file: Path) -> str | None:
    """Why `backup_file` does not match the checksum beside it (a msgid with {file} and
    {checksum}), or None when it does."""
    try:
        written = checksum_file(backup_file).read_text(encoding="ascii").split()
    except FileNotFoundError:
        return N_("The backup {file} has no checksum file ({checksum}), so it cannot be "
                  "checked (backups made by earlier versions have none). To restore it anyway, "
                  "after SQLite's integrity check, run: kzmigdesk restore --no-checksum {file}")
    except (OSError, UnicodeDecodeError):
        written = []
    if not written or written[0].lower() != sha256(backup_file):
        return N_("The backup {file} does not match its checksum in {checksum}: it was changed "
                  "or damaged. Use another backup.")
    return None


@dataclass(frozen=True)
class Verdict:
    file: Path
    problem: str | None  # a msgid with {file} and {checksum}; None: the backup is intact

    def message(self) -> str | None:
        return None if self.problem is None else _(self.problem).format(
            file=self.file, checksum=checksum_file(self.file).name)


def verify(backup_file: Path) -> Verdict:
    """Check a backup against its checksum (an absent or unreadable backup is "missing")."""
    if not backup_file.is_file():
        return Verdict(backup_file, N_("The backup {file} is missing or not a file."))
    return Verdict(backup_file, checksum_problem(backup_file))


def verify_folder(folder: Path | None = None) -> list[Verdict]:
    """The verdict on every backup in `folder`, newest first."""
    return [verify(path) for path in backups(folder)]


def restore(url: str, backup_file: Path, actor: Actor | None,
            now: dt.datetime | None = None, without_checksum: bool = False) -> Path:
    """Replace the database by `backup_file`: an administrator's act, or anyone's when the
    database file is damaged or not ours (no one can sign in to it then). The backup is
    checked first: against its checksum (a backup without one only `without_checksum`), then
    by SQLite's integrity check; the current file is never overwritten but moved aside; its
    path is returned. The database must be closed (no open connection) while this runs."""
    target = sqlite_file(url)
    if check_file(target).ok:
        require(actor, Permission.RESTORE_BACKUP)
    if not backup_file.is_file() or backup_file.stat().st_size == 0:
        raise BackupError(N_("The backup cannot be used: it is missing, empty or damaged."))
    if not (without_checksum and not checksum_file(backup_file).exists()):
        problem = checksum_problem(backup_file)
        if problem is not None:
            raise BackupError(problem, file=backup_file, checksum=checksum_file(backup_file).name)
    if not check_file(backup_file, thorough=True).ok:
        raise BackupError(N_("The backup cannot be used: it is missing, empty or damaged."))
    now = now or dt.datetime.now()
    kept = target.with_name(f"{target.name}.before-restore-{now:%Y%m%d-%H%M%S}")
    if target.exists():
        target.replace(kept)
    for extra in ("-wal", "-shm"):
        companion = target.with_name(target.name + extra)
        if companion.exists():
            companion.replace(kept.with_name(kept.name + extra))
    partial = target.with_name(target.name + ".restoring")
    shutil.copyfile(backup_file, partial)
    partial.replace(target)
    return kept


def restore_open(database: Database, backup_file: Path) -> Path:
    """Restore `backup_file` over the open `database`, acting as its user (see restore): its
    connections are closed first and reopen on the restored file; the restore is recorded
    in the restored trail. The path of the previous file, kept aside."""
    database.engine.dispose()
    kept = restore(database.url, backup_file, database.actor)
    record(database, "restore", backup_file)
    return kept


def record(database, action: str, path: Path) -> None:
    """Note a backup ("backup") or a restore ("restore") in the database's audit trail."""
    from kzmigdesk.services import audit

    with database.transaction() as session:
        audit.record(session, action, None, None, {"file": str(path)})
