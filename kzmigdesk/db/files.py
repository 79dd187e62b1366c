"""Whether a file may be opened as a kzmigdesk database, checked before anything writes to it.

The one check of a database file, used wherever one is opened (the command line, the window's
start, a backup's restore): it reads the file without changing it and leaves no companion file
(-wal, -shm, -journal) beside it."""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from kzmigdesk.db import keys, migrate
from kzmigdesk.errors import ServiceError
from kzmigdesk.i18n import N_, _

SQLITE_HEADER = b"SQLite format 3\x00"
OUR_TABLES = {"alembic_version", "persons", "audit_entries"}
CANNOT_USE = N_("The database {database} cannot be used: {problem}")
NO_SUCH_DATABASE = N_("There is no database {database}; create one with: kzmigdesk db init "
                      "{database}")
FOREIGN = N_("The file is a database of another program.")
UNREADABLE = N_("The file cannot be read; check its permissions.")
NO_DRIVER = N_("This installation has no driver for it ({module}); on a desk of an office "
                "with a PostgreSQL server, install kzmigdesk with the postgres extra.")
NEWER = N_("It was made by a newer version of kzmigdesk; open it with that version.")
NO_KEY = N_("It is encrypted, and its key is not on this computer. Type the key from the "
            "database's recovery sheet with: kzmigdesk db key --import")
WRONG_KEY = N_("It is encrypted, and the key kept for it does not open it (or the file is "
               "damaged). Type the key from the database's recovery sheet with: kzmigdesk db "
               "key --import")
NO_KEY_STORE = N_("It is encrypted, and this computer has no credential store to keep its "
                  "key: give the key in the environment variable KZMIGDESK_DATABASE_KEY.")
NO_CIPHER = N_("It is encrypted, and this installation cannot open encrypted databases (the "
               "sqlcipher3 module is missing).")


class DatabaseFileError(ServiceError):
    """The database named cannot be opened: `problem` (a msgid, filled with `details`) says
    why."""

    def __init__(self, database, problem: str, msgid: str = CANNOT_USE, **details):
        super().__init__(msgid, database=str(database), problem=problem, **details)

    def message(self) -> str:
        details = {k: v for k, v in self.params.items() if k not in ("database", "problem")}
        return _(self.msgid).format(database=self.params["database"],
                                    problem=_(self.params["problem"]).format(**details))


class ReadOnlyDatabase(ServiceError):
    """A change was refused because the database (its file) is read-only."""

    def __init__(self, database):
        super().__init__(N_("The database {database} is read-only: nothing was changed. Ask "
                            "for write access to it, or open a copy."), database=str(database))


def is_read_only(error: BaseException) -> bool:
    """Whether `error` (a DBAPI error, or SQLAlchemy's wrapping one) is a write refused by a
    read-only database."""
    orig = getattr(error, "orig", None) or error
    return (str(getattr(orig, "sqlite_errorname", "")).startswith("SQLITE_READONLY")
            or type(orig).__name__ == "ReadOnlySqlTransaction")


@dataclass(frozen=True)
class FileCheck:
    problem: str | None = None  # msgid; None: the file is a kzmigdesk database (or absent)
    key: bytes | None = None  # an encrypted database's key (from the credential store)

    @property
    def ok(self) -> bool:
        return self.problem is None


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite URL (None: another database, or one in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    name = parsed.database
    if parsed.query.get("uri") and name.startswith("file:"):
        name = name.removeprefix("file:").split("?")[0]
    return Path(name)


def check_file(path: Path, thorough: bool = False) -> FileCheck:
    """Is `path` a kzmigdesk database of this version or an older one? An absent file is fine
    (whether one may be created is the caller's decision). `thorough` runs SQLite's integrity
    check too (slow on a large file)."""
    try:
        if not path.exists():
            return FileCheck()
        if path.is_dir():
            return FileCheck(N_("It is a folder, not a database file."))
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
    except OSError:
        return FileCheck(UNREADABLE)
    if not header:
        return FileCheck(N_("The file is empty."))
    key = None
    if header != SQLITE_HEADER:
        if not keys.looks_encrypted(path):
            return FileCheck(N_("The file is not a SQLite database."))
        try:
            import sqlcipher3  # noqa: F401
        except ImportError:
            return FileCheck(NO_CIPHER)
        try:
            key = keys.stored_key(path)
        except keys.NoKeyStore:
            return FileCheck(NO_KEY_STORE)
        except ValueError:  # KZMIGDESK_DATABASE_KEY is not a key
            return FileCheck(WRONG_KEY)
        if key is None:
            return FileCheck(NO_KEY)
        try:
            _read_only(path, key).close()
        except Exception:  # noqa: BLE001 (sqlcipher3's DatabaseError: not this key)
            return FileCheck(WRONG_KEY)
    problem = _check_tables(path, key, thorough)
    return FileCheck(problem, key if problem is None else None)


def _check_tables(path: Path, key: bytes | None, thorough: bool) -> str | None:
    """Why the (readable) SQLite file is not a usable kzmigdesk database, or None."""
    problem = None
    try:
        connection = _read_only(path, key)
        try:
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not OUR_TABLES <= tables:
                problem = FOREIGN
            elif not {row[0] for row in connection.execute(
                    "SELECT version_num FROM alembic_version")} <= migrate.known_revisions():
                problem = NEWER
            elif thorough:
                result = connection.execute("PRAGMA integrity_check").fetchone()[0]
                if result != "ok":
                    problem = N_("The database file is damaged.")
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        problem = N_("The database file is damaged.")
    except Exception as error:  # sqlcipher3's errors are its own classes
        if type(error).__module__.startswith("sqlcipher3"):
            problem = N_("The database file is damaged.")
        else:
            raise
    return problem


def _read_only(path: Path, key: bytes | None = None):
    """A connection that cannot change `path` (SQLCipher's, with `key`, for an encrypted
    file). Without a -wal file beside it the file holds all its data and is read as
    immutable (SQLite would otherwise create -wal and -shm files for a database in WAL mode,
    even when reading only)."""
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() else "immutable=1"
    uri = f"{path.resolve().as_uri()}?{mode}"
    if key is None:
        return sqlite3.connect(uri, uri=True, timeout=30)
    import sqlcipher3

    return keys.open_encrypted(lambda: sqlcipher3.connect(uri, uri=True, timeout=30), key)[0]
