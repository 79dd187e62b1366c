"""Alembic migrations run by the application itself (also from a wheel or a frozen bundle).

Alembic is imported only when it is needed: a database already at head is recognised with
one query, which keeps it out of the application's start."""

import functools
import re
import tempfile
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, MetaData, text
from sqlalchemy.exc import DatabaseError

from kzmigdesk.db.engine import make_engine
from kzmigdesk.domain.models import Base
from kzmigdesk.paths import data_dir

if TYPE_CHECKING:
    from alembic.config import Config


def alembic_config(
    connection: Connection | None = None, metadata: MetaData | None = None
) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(data_dir("migrations")))
    config.attributes["connection"] = connection
    config.attributes["target_metadata"] = metadata if metadata is not None else Base.metadata
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


REVISION_LINE = re.compile(r"^(revision|down_revision)\b[^=\n]*=\s*(?:'([^']+)'|None)", re.M)


@functools.cache
def revisions_in_files() -> tuple[frozenset[str], frozenset[str]]:
    """The revisions of the revision files and the revisions they follow, read from their
    lines `revision = ...` and `down_revision = ...` (without loading Alembic)."""
    revisions, parents = set(), set()
    for path in (data_dir("migrations") / "versions").glob("*.py"):
        for name, value in REVISION_LINE.findall(path.read_text(encoding="utf-8")):
            (revisions if name == "revision" else parents).add(value)
    return frozenset(revisions - {""}), frozenset(parents - {""})


def known_revisions() -> frozenset[str]:
    """Every revision this version's migrations know; a database at any other is newer."""
    return revisions_in_files()[0]


def head_in_files() -> str | None:
    """The head revision read from the revision files, or None unless they name exactly
    one head."""
    revisions, parents = revisions_in_files()
    heads = revisions - parents
    return next(iter(heads)) if len(heads) == 1 else None


def stored_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, read with one plain query."""
    try:
        with engine.connect() as connection:
            rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DatabaseError:  # no such table: a new database
        return None
    return rows[0][0] if len(rows) == 1 else None


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to `revision`. On SQLite, foreign keys are off while tables are
    rebuilt in batch mode, and checked once a migration has committed (only then: the check
    reads the whole database)."""
    if revision == "head" and stored_revision(engine) in {head_in_files()} - {None}:
        return  # already at head, known without loading Alembic's scripts (a faster start)
    if current_revision(engine) == _target(revision):
        return
    from alembic import command

    is_sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection, expression_indexes_unreflected():
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


@contextmanager
def expression_indexes_unreflected():
    """SQLite's indexes on expressions (ix_persons_arrivals) are neither reflected nor
    compared, and SQLAlchemy says so each time a table is reflected: by the drift check, and
    by a migration in batch mode for the tables its table refers to. Nothing for whoever runs
    `db init` or starts the window to act on (the reports' plan tests see that the index is
    there after the migrations)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*expression-based index")
        yield


def _target(revision: str) -> str:
    return head_revision() if revision == "head" else revision


def needs_upgrade(engine: Engine) -> bool:
    return current_revision(engine) != head_revision()


def schema_drift(engine: Engine, metadata: MetaData | None = None) -> list:
    """Differences between the models and the database's schema (empty: no drift)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    def include(obj, _name, type_, _reflected, _compare_to) -> bool:
        # An index of one back end only (its info["dialect"]) is no drift on another.
        return type_ != "index" or obj.info.get("dialect", engine.dialect.name) == \
            engine.dialect.name

    with engine.connect() as connection, expression_indexes_unreflected():
        context = MigrationContext.configure(connection, opts={
            "compare_type": True, "include_object": include})
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
