"""Queries that another thread can stop: a list's search that a newer keystroke replaces.

A QueryHandle binds a Database: every session of the bound copy registers the DBAPI
connection it runs on, and QueryHandle.cancel() (from any thread) interrupts the statement
running there (SQLite: Connection.interrupt(); PostgreSQL: psycopg's Connection.cancel())
and makes any later statement of those sessions fail at once. A connection is unregistered
before it goes back to the pool, so a cancel never reaches another query."""

import threading
from dataclasses import replace

from sqlalchemy import event

from kzmigdesk.db.session import Database


class Cancelled(Exception):
    """The query was cancelled (raised instead of running a statement after a cancel)."""


_lock = threading.Lock()
_owners: dict[int, "QueryHandle"] = {}  # id of a checked-out DBAPI connection: its handle


def _interrupt(dbapi_connection) -> None:
    if hasattr(dbapi_connection, "interrupt"):  # sqlite3
        dbapi_connection.interrupt()
    else:  # psycopg 3
        getattr(dbapi_connection, "cancel_safe", dbapi_connection.cancel)()


def _checked_in(dbapi_connection, _record) -> None:
    with _lock:
        handle = _owners.pop(id(dbapi_connection), None)
        if handle is not None:
            handle._connections.pop(id(dbapi_connection), None)


class QueryHandle:
    """One cancellable piece of work (a count, a page); cancel() may come from any thread."""

    def __init__(self) -> None:
        self.cancelled = False
        self._connections: dict[int, object] = {}

    def cancel(self) -> None:
        with _lock:
            self.cancelled = True
            for dbapi_connection in self._connections.values():
                try:
                    _interrupt(dbapi_connection)
                except Exception:  # noqa: BLE001 (a connection closing meanwhile: nothing runs)
                    pass

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled()

    def bind(self, database: Database) -> Database:
        """The same database whose sessions this handle can cancel."""
        with _lock:
            if not event.contains(database.engine, "checkin", _checked_in):
                event.listen(database.engine, "checkin", _checked_in)
        return replace(database, factory=_Factory(database.factory, self))

    def _register(self, _session, _transaction, connection) -> None:
        dbapi_connection = connection.connection.dbapi_connection
        with _lock:
            self._connections[id(dbapi_connection)] = dbapi_connection
            _owners[id(dbapi_connection)] = self
        if not event.contains(connection, "before_cursor_execute", self._before_execute):
            event.listen(connection, "before_cursor_execute", self._before_execute)
        self.check()

    def _before_execute(self, *_args) -> None:
        self.check()


class _Factory:
    """A session factory whose sessions register their connections with a handle."""

    def __init__(self, factory, handle: QueryHandle):
        self.factory, self.handle = factory, handle

    def __call__(self, **options):
        session = self.factory(**options)
        event.listen(session, "after_begin", self.handle._register)
        return session
