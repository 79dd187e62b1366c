"""Opening a database for the application: resolve, migrate, and hand out sessions."""

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from kzmigdesk.db import migrate
from kzmigdesk.db.engine import make_engine, make_session_factory, resolve_database_url
from kzmigdesk.services.errors import StaleRecord

STALE = "Someone else has changed this record. Reload it and try again."


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @property
    def actor(self) -> Any:
        """The signed-in user (services.auth.Actor): the acting user of every session and
        transaction that names no other. The services check its permissions with it and the
        audit trail records it."""
        return self.sessions.kw.get("info", {}).get("actor")

    @actor.setter
    def actor(self, actor: Any) -> None:
        self.sessions.configure(info={"actor": actor})

    @contextmanager
    def transaction(self, actor: Any = None) -> Iterator[Session]:
        """A session whose work is committed together, or rolled back on any error.

        On SQLite it takes the write lock at once (BEGIN IMMEDIATE): what it reads stays true
        until it commits, so a check such as "is there a quota slot left?" cannot go stale,
        and a second writer waits (busy_timeout) instead of failing on a stale snapshot."""
        try:
            with self.sessions.begin() as session:
                if actor is not None:
                    session.info["actor"] = actor
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


SessionSetup = Callable[[sessionmaker[Session]], None]
_session_setups: list[SessionSetup] = []


def on_open(setup: SessionSetup) -> None:
    """Have `setup(sessions)` called with the sessionmaker of every database opened from now
    on: how a program attaches the services' session listeners (the audit trail, see
    services.audit.install) to its databases, db importing no service."""
    if setup not in _session_setups:
        _session_setups.append(setup)


def open_database(db: str | None = None, upgrade: bool = True) -> Database:
    """Open the database named by `--db`, the environment or the default, migrating it."""
    url = resolve_database_url(db)
    engine = make_engine(url)
    if upgrade:
        migrate.upgrade(engine)
    sessions = make_session_factory(engine)
    for setup in _session_setups:
        setup(sessions)
    return Database(url=url, engine=engine, sessions=sessions)
