"""The database the window and the command line work on, as the services hand it out.

A `Database` is the unit-of-work factory every service use case takes: it carries the acting
user (bound at sign-in or by the command line), and the service opens its own session or
transaction with it. The GUI holds one and passes it on; it never opens a session itself."""

from kzmigdesk.db import session as db_session
from kzmigdesk.db.engine import describe_url, resolve_database_url
from kzmigdesk.db.session import Database
from kzmigdesk.services import audit

__all__ = ["Database", "describe_url", "open_database", "resolve_database_url"]


def open_database(db: str | None = None, upgrade: bool = True) -> Database:
    """Open (and migrate) the database named by `--db`, the environment or the default, with
    the audit trail recording every change made in its sessions."""
    database = db_session.open_database(db, upgrade)
    audit.install(database.factory)
    return database
