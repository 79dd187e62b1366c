"""The database the window and the command line work on, as the services hand it out.

A `Database` is the unit-of-work factory every service use case takes: it carries the acting
user (bound at sign-in or by the command line), and the service opens its own session or
transaction with it. The GUI holds one and passes it on; it never opens a session itself."""

import datetime as dt
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kzmigdesk.db import files, keys
from kzmigdesk.db import session as db_session
from kzmigdesk.db.engine import describe_url, is_default_database, resolve_database_url
from kzmigdesk.db.files import (
    NEWER,
    NO_SUCH_DATABASE,
    UNREADABLE,
    DatabaseFileError,
    ReadOnlyDatabase,
    check_file,
    sqlite_path,
)
from kzmigdesk.db.session import Database
from kzmigdesk.i18n import N_
from kzmigdesk.services import audit

__all__ = ["NEWER", "NO_SUCH_DATABASE", "UNREADABLE", "Database", "DatabaseFileError",
           "ReadOnlyDatabase", "describe_url", "is_default_database", "open_database",
           "resolve_database_url"]


def open_database(db: str | None = None, upgrade: bool = True, create: bool = False,
                  encrypt: bool | None = None) -> Database:
    """Open (and migrate) the database named by `--db`, the environment or the default, with
    the audit trail recording every change made in its sessions. A file that is not a
    kzmigdesk database, or one of a newer version, is refused (DatabaseFileError) and left as
    it is; a missing one is created only when `create` is true, encrypted unless `encrypt`
    is false (None: encrypted where the key can be kept, see db/keys.py); then
    `database.created_key` is its key, to be shown once (the recovery sheet)."""
    database = db_session.open_database(db, upgrade, create, encrypt)
    audit.install(database.factory)
    return database


# --- encryption at rest (issue 22) ---------------------------------------------------------


@dataclass(frozen=True)
class Encrypted:
    path: Path  # the database, now encrypted
    key: bytes  # its key: show it once (the recovery sheet); it is in the credential store
    kept: Path  # the original, plain file, kept aside (remove it once the new one is in use)
    rows: int  # rows copied, counted in both


def encrypt_database(db: str | None = None, now: dt.datetime | None = None) -> Encrypted:
    """Convert a plain SQLite database in place into an encrypted one with a new key.

    The database must be closed everywhere. Its data is exported by SQLCipher
    (sqlcipher_export) into a new file beside it, which is checked (SQLite's integrity check,
    the rows of every table counted in both) and its key kept in the credential store; the
    original stays where it was (a second name, a hard link or a copy, for NAME.plain-DATE)
    until the new file replaces it in one atomic rename. Nothing changes on a failure."""
    import sqlcipher3

    url = resolve_database_url(db)
    path = sqlite_path(url)
    if path is None:
        raise DatabaseFileError(describe_url(url), N_(
            "Only a SQLite database file is encrypted here; a PostgreSQL server protects its "
            "data itself."))
    if not path.is_file():
        raise DatabaseFileError(path, "", NO_SUCH_DATABASE)
    if keys.looks_encrypted(path):
        raise DatabaseFileError(path, N_("It is encrypted already."))
    check = check_file(path, thorough=True)
    if not check.ok:
        raise DatabaseFileError(path, check.problem)
    plain = sqlite3.connect(path)
    try:  # the last connection folds the -wal file into the database and removes it
        plain.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        plain.close()
    for extra in ("-wal", "-journal"):
        companion = path.with_name(path.name + extra)
        if companion.exists() and companion.stat().st_size > 0:
            raise DatabaseFileError(path, N_("It is in use: close the application everywhere "
                                             "it is open and try again."))
    key = keys.key_for_new_database()
    new = path.with_name(path.name + ".encrypting")
    new.unlink(missing_ok=True)
    try:
        source = sqlcipher3.connect(str(path), isolation_level=None)
        try:
            source.execute(f"ATTACH DATABASE ? AS sealed KEY \"x'{key.hex()}'\"", (str(new),))
            for statement in keys.settings_pragmas(keys.NEW_FILES, "sealed"):
                source.execute(statement)
            source.execute("BEGIN IMMEDIATE")  # no one writes while it is copied and counted
            source.execute("SELECT sqlcipher_export('sealed')")
            version = source.execute("PRAGMA main.user_version").fetchone()[0]
            source.execute(f"PRAGMA sealed.user_version = {int(version)}")
            tables = [row[0] for row in source.execute(
                "SELECT name FROM main.sqlite_master WHERE type = 'table'")]
            counts = {t: source.execute(f'SELECT count(*) FROM main."{t}"').fetchone()[0]
                      for t in tables}
            source.execute("COMMIT")
            source.execute("DETACH DATABASE sealed")
        finally:
            source.close()
        copy = keys.open_encrypted(lambda: sqlcipher3.connect(str(new)), key, keys.NEW_FILES)[0]
        try:
            if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise DatabaseFileError(path, N_("The encrypted copy did not pass the integrity "
                                                 "check; nothing was changed."))
            for table, count in counts.items():
                if copy.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0] != count:
                    raise DatabaseFileError(path, N_(
                        "The encrypted copy does not hold every row of {table}; nothing was "
                        "changed."), table=table)
            copy.execute("PRAGMA journal_mode=WAL")
        finally:
            copy.close()
        keys.store_key(new, key)
        kept = path.with_name(f"{path.name}.plain-{(now or dt.datetime.now()):%Y%m%d-%H%M%S}")
        try:
            os.link(path, kept)
        except OSError:
            shutil.copy2(path, kept)
        os.replace(new, path)
    except BaseException:
        new.unlink(missing_ok=True)
        raise
    for extra in ("-wal", "-shm"):  # empty ones of the plain file
        path.with_name(path.name + extra).unlink(missing_ok=True)
    return Encrypted(path, key, kept, sum(counts.values()))


def key_of(db: str | None = None) -> bytes:
    """The key of an encrypted database, from the credential store (for the recovery sheet
    and `db key --show`); DatabaseFileError if it is not encrypted or has no key here."""
    url = resolve_database_url(db)
    path = sqlite_path(url)
    if path is None or not keys.looks_encrypted(path):
        raise DatabaseFileError(describe_url(url), N_("It is not encrypted."))
    check = check_file(path)
    if not check.ok:
        raise DatabaseFileError(path, check.problem)
    return check.key


def import_key(db: str | None, text: str) -> Path:
    """Keep the key typed from a recovery sheet for the encrypted database (or backup) `db`,
    once it is shown to open it; DatabaseFileError otherwise."""
    url = resolve_database_url(db)
    path = sqlite_path(url)
    if path is None or not keys.looks_encrypted(path):
        raise DatabaseFileError(describe_url(url), N_("It is not encrypted."))
    try:
        key = keys.parse_key(text)
    except ValueError:
        raise DatabaseFileError(path, N_("The key must be 64 letters and digits (0-9, A-F), "
                                         "as on the recovery sheet.")) from None
    try:
        files._read_only(path, key).close()
    except Exception:  # noqa: BLE001 (sqlcipher3's DatabaseError)
        raise DatabaseFileError(path, N_("This key does not open it; nothing was kept.")
                                ) from None
    keys.store_key(path, key)
    return path


def recovery_sheet(db: str | None, key: bytes, today: dt.date | None = None):
    """The recovery sheet's data (domain.documents.RecoverySheet) of the database `db` and
    its key: printing.recovery_sheet renders it. For the first start, which shows the key
    of the database it has just made (`Database.created_key`) once."""
    from kzmigdesk.domain.documents import RecoverySheet

    return RecoverySheet(database=describe_url(resolve_database_url(db)),
                         groups=tuple(keys.key_groups(key)), made_on=today or dt.date.today())
