"""Opening a database for the application: resolve, migrate, and hand out sessions."""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from kzmigdesk.db import migrate
from kzmigdesk.db.engine import make_engine, make_session_factory, resolve_database_url


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session whose work is committed together, or rolled back on any error.

        On SQLite it takes the write lock at once (BEGIN IMMEDIATE): what it reads stays true
        until it commits, so a check such as "is there a quota slot left?" cannot go stale,
        and a second writer waits (busy_timeout) instead of failing on a stale snapshot."""
        with self.sessions.begin() as session:
            if self.engine.dialect.name == "sqlite":
                session.execute(text("BEGIN IMMEDIATE"))
            yield session

    def close(self) -> None:
        self.engine.dispose()


def open_database(db: str | None = None, upgrade: bool = True) -> Database:
    """Open the database named by `--db`, the environment or the default, migrating it."""
    url = resolve_database_url(db)
    engine = make_engine(url)
    if upgrade:
        migrate.upgrade(engine)
    return Database(url=url, engine=engine, sessions=make_session_factory(engine))
