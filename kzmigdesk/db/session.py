"""Opening a database for the application: resolve, migrate, and hand out sessions."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from kzmigdesk.db import migrate
from kzmigdesk.db.engine import make_engine, make_session_factory, resolve_database_url
from kzmigdesk.errors import StaleRecord

STALE = "Someone else has changed this record. Reload it and try again."


@dataclass
class Database:
    url: str
    engine: Engine
    factory: sessionmaker[Session]
    actor: Any = None
    """The signed-in user (services.auth.Actor), bound at sign-in or by the command line: the
    acting user of every session and transaction of this database. It is the one channel
    through which the services learn who acts (auth.acting) and the audit trail records it."""

    def acting_as(self, actor: Any) -> "Database":
        """The same database (engine and pool) for another acting user: a background job's
        system user, or a test's clerk."""
        return replace(self, actor=actor)

    def sessions(self) -> Session:
        """A session for reading (and for work committed by hand), acting as `actor`."""
        return self.factory(info={"actor": self.actor})

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed together, or rolled back on any error.

        On SQLite it takes the write lock at once (BEGIN IMMEDIATE): what it reads stays true
        until it commits, so a check such as "is there a quota slot left?" cannot go stale,
        and a second writer waits (busy_timeout) instead of failing on a stale snapshot."""
        try:
            with self.sessions() as session, session.begin():
                if self.engine.dialect.name == "sqlite":
                    session.execute(text("BEGIN IMMEDIATE"))
                yield session
        except StaleDataError:  # another clerk saved the same record first
            raise StaleRecord(STALE) from None

    def close(self) -> None:
        self.engine.dispose()


IN_LIST = 500  # values per IN (...) of a query, well under every database's limit


def in_chunks(values: list, size: int = IN_LIST) -> Iterable[list]:
    """`values` in slices short enough for one IN (...) each."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def open_database(db: str | None = None, upgrade: bool = True) -> Database:
    """Open the database named by `--db`, the environment or the default, migrating it."""
    url = resolve_database_url(db)
    engine = make_engine(url)
    if upgrade:
        migrate.upgrade(engine)
    return Database(url=url, engine=engine, factory=make_session_factory(engine))
