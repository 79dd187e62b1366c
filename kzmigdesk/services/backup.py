"""Backups of the SQLite database: SQLite's online backup API (a consistent copy while the
application keeps writing), rotation keeping the newest N, restore with the current file kept
aside, and the check of a database file at start (damaged or not ours).

A PostgreSQL database is backed up on its server (pg_dump), not here.
"""

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from kzmigdesk.db.files import FileCheck, check_file  # noqa: F401 (the check of a file)
from kzmigdesk.db.session import Database
from kzmigdesk.i18n import N_
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
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        raise BackupError(N_("Only a SQLite database is backed up here; back up a PostgreSQL "
                             "database on its server with pg_dump."))
    return Path(parsed.database)


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


def backup(url: str, folder: Path | None = None, keep: int | None = KEEP,
           now: dt.datetime | None = None) -> Path:
    """Copy the database into `folder` as kzmigdesk-YYYYMMDD-HHMMSS.sqlite3 with SQLite's
    online backup API, in one step, so the copy is one consistent state even while other
    connections write. Then keep only the newest `keep` backups there (None: all)."""
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
    source = sqlite3.connect(source_path, timeout=30)
    try:
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)  # all pages in one step: a consistent copy
        finally:
            destination.close()
    finally:
        source.close()
    partial.replace(target)
    if keep is not None:
        for old in backups(folder)[keep:]:
            old.unlink(missing_ok=True)
    return target


def restore(url: str, backup_file: Path, actor: Actor | None,
            now: dt.datetime | None = None) -> Path:
    """Replace the database by `backup_file`: an administrator's act, or anyone's when the
    database file is damaged or not ours (no one can sign in to it then). The backup is
    checked first; the current file is never overwritten but moved aside; its path is
    returned. The database must be closed (no open connection) while this runs."""
    target = sqlite_file(url)
    if check_file(target).ok:
        require(actor, Permission.RESTORE_BACKUP)
    check = check_file(backup_file, thorough=True)
    if not backup_file.is_file() or not check.ok or backup_file.stat().st_size == 0:
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
