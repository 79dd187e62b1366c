"""Whether a file may be opened as a kzmigdesk database, checked before anything writes to it.

The one check of a database file, used wherever one is opened (the command line, the window's
start, a backup's restore): it reads the file without changing it and leaves no companion file
(-wal, -shm, -journal) beside it."""

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from kzmigdesk.db import migrate
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
    if header != SQLITE_HEADER:
        return FileCheck(N_("The file is not a SQLite database."))
    try:
        connection = _read_only(path)
        try:
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not OUR_TABLES <= tables:
                return FileCheck(FOREIGN)
            revisions = [row[0] for row in connection.execute(
                "SELECT version_num FROM alembic_version")]
            if not set(revisions) <= migrate.known_revisions():
                return FileCheck(NEWER)
            if thorough:
                result = connection.execute("PRAGMA integrity_check").fetchone()[0]
                if result != "ok":
                    return FileCheck(N_("The database file is damaged."))
        finally:
            connection.close()
    except sqlite3.DatabaseError:
        return FileCheck(N_("The database file is damaged."))
    return FileCheck()


def _read_only(path: Path) -> sqlite3.Connection:
    """A connection that cannot change `path`. Without a -wal file beside it the file holds
    all its data and is read as immutable (SQLite would otherwise create -wal and -shm files
    for a database in WAL mode, even when reading only)."""
    wal = path.with_name(path.name + "-wal")
    mode = "mode=ro" if wal.exists() else "immutable=1"
    return sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True, timeout=30)
