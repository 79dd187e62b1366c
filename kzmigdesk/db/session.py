"""Opening a database for the application: resolve, migrate, and hand out sessions."""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from kzmigdesk.db import files, keys, migrate
from kzmigdesk.db.engine import (
    describe_url,
    make_engine,
    make_session_factory,
    resolve_database_url,
)
from kzmigdesk.errors import StaleRecord

STALE = "Someone else has changed this record. Reload it and try again."


@dataclass
class Database:
    url: str
    engine: Engine
    factory: sessionmaker[Session]
    created_key: bytes | None = None
    """The key of an encrypted database that open_database has just created: shown once to
    the administrator (the recovery sheet), kept in the credential store (db/keys.py)."""
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
        except OperationalError as error:
            if files.is_read_only(error):
                raise files.ReadOnlyDatabase(describe_url(self.url)) from None
            raise

    def close(self) -> None:
        self.engine.dispose()


IN_LIST = 500  # values per IN (...) of a query, well under every database's limit


def in_chunks(values: list, size: int = IN_LIST) -> Iterable[list]:
    """`values` in slices short enough for one IN (...) each."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def open_database(db: str | None = None, upgrade: bool = True, create: bool = False,
                  encrypt: bool | None = None) -> Database:
    """Open the database named by `--db`, the environment or the default, migrating it.

    A SQLite file is checked first (files.check_file) and refused, untouched, unless it is a
    kzmigdesk database of this version or an older one; a missing file is created only when
    `create` is true (`kzmigdesk db init`, the first start, tests), encrypted with a new key
    when `encrypt` is true (None: keys.encrypt_new_databases()). An encrypted file opens
    with its key from the credential store. A database of any kind whose revision is newer
    than this version's migrations is refused."""
    url = resolve_database_url(db)
    path = files.sqlite_path(url)
    key = created_key = None
    if path is not None:
        new = not path.exists() or (create and path.is_file() and path.stat().st_size == 0)
        if new and not create:
            raise files.DatabaseFileError(path, "", files.NO_SUCH_DATABASE)
        if new:
            path.parent.mkdir(parents=True, exist_ok=True)
            if encrypt if encrypt is not None else keys.encrypt_new_databases():
                key = created_key = create_encrypted(path)
        else:
            check = files.check_file(path)
            if not check.ok:
                raise files.DatabaseFileError(path, check.problem)
            key = check.key
    try:
        engine = make_engine(url, key) if key is not None else make_engine(url)
    except ModuleNotFoundError as error:  # e.g. PostgreSQL without psycopg installed
        raise files.DatabaseFileError(describe_url(url), files.NO_DRIVER,
                                      module=error.name) from None
    try:
        if path is None:
            check_server_database(engine)
        if upgrade:
            migrate.upgrade(engine)
    except OperationalError as error:
        engine.dispose()
        if files.is_read_only(error):
            raise files.ReadOnlyDatabase(describe_url(url)) from None
        raise
    except BaseException:
        engine.dispose()
        raise
    return Database(url=url, engine=engine, factory=make_session_factory(engine),
                    created_key=created_key)


def create_encrypted(path: Path, key: bytes | None = None) -> bytes:
    """Make `path` an empty SQLCipher database with `key` (a new one if None) and keep the
    key in the credential store; the file is removed again if the key cannot be kept."""
    import sqlcipher3

    key = key or keys.key_for_new_database()
    connection = keys.open_encrypted(lambda: sqlcipher3.connect(str(path)), key,
                                     keys.NEW_FILES)[0]
    try:
        connection.execute("CREATE TABLE kzmigdesk_new (x)")  # writes the first page (salt)
        connection.execute("DROP TABLE kzmigdesk_new")
        connection.commit()
    finally:
        connection.close()
    try:
        keys.store_key(path, key)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return key


def check_server_database(engine: Engine) -> None:
    """Refuse a server's database (PostgreSQL) made by a newer version; a server that cannot
    be reached, or a missing database, is the server's own message, in one line."""
    database = describe_url(str(engine.url))
    try:
        with engine.connect():
            pass
    except OperationalError as error:
        lines = str(error.orig or error).strip().splitlines() or [""]
        raise files.DatabaseFileError(database, "{error}", error=lines[0]) from None
    revision = migrate.stored_revision(engine)
    if revision is not None and revision not in migrate.known_revisions():
        raise files.DatabaseFileError(database, files.NEWER)
