"""Alembic migrations run by the application itself (also from a wheel or a frozen bundle)."""

import tempfile
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData

from kzmigdesk.db.engine import make_engine
from kzmigdesk.domain.models import Base
from kzmigdesk.paths import data_dir


def alembic_config(
    connection: Connection | None = None, metadata: MetaData | None = None
) -> Config:
    config = Config()
    config.set_main_option("script_location", str(data_dir("migrations")))
    config.attributes["connection"] = connection
    config.attributes["target_metadata"] = metadata if metadata is not None else Base.metadata
    return config


def head_revision() -> str:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision`. On SQLite, foreign keys are off while tables are
    rebuilt in batch mode, and checked once a migration has committed (only then: the check
    reads the whole database)."""
    if current_revision(engine) == _target(revision):
        return
    is_sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        if is_sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        try:
            command.upgrade(alembic_config(connection), revision)
            connection.commit()
        finally:
            if is_sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        if is_sqlite:
            problems = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"foreign key violations after migration: {problems[:5]}")


def _target(revision: str) -> str:
    return head_revision() if revision == "head" else revision


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()


def schema_drift(engine: Engine, metadata: MetaData | None = None) -> list:
    """Differences between the models and the database's schema (empty: no drift)."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata if metadata is not None else Base.metadata)


def migrations_drift(metadata: MetaData | None = None) -> list:
    """Upgrade a scratch SQLite database to head and compare it with the models."""
    with tempfile.TemporaryDirectory(prefix="kzmigdesk-check-") as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'check.sqlite3'}")
        try:
            upgrade(engine)
            return schema_drift(engine, metadata)
        finally:
            engine.dispose()
