"""The database the window and the command line work on, as the services hand it out.

A `Database` is the unit-of-work factory every service use case takes: it carries the acting
user (bound at sign-in or by the command line), and the service opens its own session or
transaction with it. The GUI holds one and passes it on; it never opens a session itself."""

from kzmigdesk.db import session as db_session
from kzmigdesk.db.engine import describe_url, is_default_database, resolve_database_url
from kzmigdesk.db.files import (
    NEWER,
    NO_SUCH_DATABASE,
    UNREADABLE,
    DatabaseFileError,
    ReadOnlyDatabase,
)
from kzmigdesk.db.session import Database
from kzmigdesk.services import audit

__all__ = ["NEWER", "NO_SUCH_DATABASE", "UNREADABLE", "Database", "DatabaseFileError",
           "ReadOnlyDatabase", "describe_url", "is_default_database", "open_database",
           "resolve_database_url"]


def open_database(db: str | None = None, upgrade: bool = True, create: bool = False
                  ) -> Database:
    """Open (and migrate) the database named by `--db`, the environment or the default, with
    the audit trail recording every change made in its sessions. A file that is not a
    kzmigdesk database, or one of a newer version, is refused (DatabaseFileError) and left as
    it is; a missing one is created only when `create` is true."""
    database = db_session.open_database(db, upgrade, create)
    audit.install(database.factory)
    return database
