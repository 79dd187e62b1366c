"""Alembic environment. Used by `kzmigdesk db ...` (connection passed in) and by `alembic` CLI."""

from alembic import context

from kzmigdesk.db.engine import make_engine, resolve_database_url
from kzmigdesk.domain.models import Base

config = context.config
target_metadata = config.attributes.get("target_metadata", Base.metadata)


def run_with_connection(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things: recreate tables in batches
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        run_with_connection(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or resolve_database_url()
    with make_engine(url).connect() as conn:
        run_with_connection(conn)


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url") or resolve_database_url(),
        target_metadata=target_metadata,
        render_as_batch=True,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_online()
