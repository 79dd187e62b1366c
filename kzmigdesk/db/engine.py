"""Engine and sessions. SQLite by default (foreign keys on, WAL), encrypted with SQLCipher
when given a key (db/keys.py); PostgreSQL by URL."""

import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria

from kzmigdesk.domain.models import Entity
from kzmigdesk.paths import default_database_path

DATABASE_URL_ENV = "KZMIGDESK_DATABASE_URL"


def resolve_database_url(db: str | None = None) -> str:
    """`--db` (a URL or a file path) wins over the environment, then the user's data folder."""
    value = db or os.environ.get(DATABASE_URL_ENV)
    if not value:
        return f"sqlite:///{default_database_path()}"
    if "://" in value:
        return value
    return f"sqlite:///{Path(value).expanduser().resolve()}"


def is_default_database(db: str | None = None) -> bool:
    """Whether `db` names the default database in the user's data folder (the first start
    creates it)."""
    return resolve_database_url(db) == f"sqlite:///{default_database_path()}"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str, key: bytes | None = None) -> Engine:
    """An engine of `url`; a SQLite file with `key` is opened with SQLCipher (sqlcipher3 as
    the DBAPI module, each connection keyed before anything else), with the same pragmas."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if key is None:
            engine = create_engine(url)
        else:
            engine = _sqlcipher_engine(url, key)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


ENCRYPTED_CACHE_KIB = int(os.environ.get("KZMIGDESK_ENCRYPTED_CACHE_KIB", 131072))


def _sqlcipher_engine(url: str, key: bytes) -> Engine:
    import sqlcipher3

    from kzmigdesk.db import keys

    engine = create_engine(url, module=sqlcipher3)
    args, kwargs = engine.dialect.create_connect_args(engine.url)

    def connect():
        connection = keys.open_encrypted(lambda: sqlcipher3.connect(*args, **kwargs), key)[0]
        # Pages are decrypted (and their HMAC checked) when read into SQLite's own cache,
        # not from the operating system's: a larger cache keeps a working set decrypted.
        connection.execute(f"PRAGMA cache_size = -{ENCRYPTED_CACHE_KIB}")
        return connection

    engine.dispose()
    # The connection used last is taken first: its cache holds the pages it decrypted.
    return create_engine(url, module=sqlcipher3, creator=connect, pool_use_lifo=True)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions of `engine` that hide soft-deleted rows (the filter is this factory's own,
    not SQLAlchemy's global Session class's)."""
    factory = sessionmaker(engine, expire_on_commit=False)
    event.listen(factory, "do_orm_execute", _hide_soft_deleted)
    return factory


def _hide_soft_deleted(state: ORMExecuteState) -> None:
    """Soft-deleted rows are invisible unless a query asks for include_deleted=True."""
    if (
        state.is_select
        and not state.is_column_load
        and not state.is_relationship_load
        and not state.execution_options.get("include_deleted", False)
    ):
        state.statement = state.statement.options(
            with_loader_criteria(Entity, lambda cls: cls.deleted_at.is_(None), include_aliases=True)
        )


def describe_url(url: str) -> str:
    """The database as shown to a person: the file path, or the URL without its password."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return parsed.render_as_string(hide_password=True)
