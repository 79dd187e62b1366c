"""Load the benchmark's SQLite database into PostgreSQL by COPY (issues 25 and 26).

    python benchmarks/pg_load.py --from bench.sqlite3 --db postgresql+psycopg://USER:PW@HOST/DB

The PostgreSQL database (empty, or already migrated) is migrated to this version and emptied
(the reference rows its migrations seed); then every table the two share is copied: its
secondary indexes dropped, the rows streamed by COPY from the SQLite file in chunks, the
indexes built again, the table vacuumed and analysed. With a superuser the foreign keys and
triggers are not checked during the load (session_replication_role); other users load the
tables in dependency order. Prints each table's rows and seconds."""

import argparse
import os
import sqlite3
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

CHUNK = 20_000


def secondary_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """The table's indexes that back no constraint: (name, CREATE INDEX statement)."""
    return cursor.execute(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.tablename = %s AND "
        "i.schemaname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))"
        "::regclass)", (table,)).fetchall()


def copy_table(source: sqlite3.Connection, target, table: str) -> int:
    cursor = target.cursor()
    theirs = [row[0] for row in cursor.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND "
        "table_schema = current_schema()", (table,)).fetchall()]
    ours = [row[1] for row in source.execute(f"PRAGMA table_info({table})")]
    columns = [name for name in ours if name in theirs]
    indexes = secondary_indexes(cursor, table)
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    names = ", ".join(f'"{name}"' for name in columns)
    rows = 0
    with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
        chunks = source.execute(f'SELECT {names} FROM "{table}"')
        while chunk := chunks.fetchmany(CHUNK):
            for row in chunk:
                copy.write_row(row)
            rows += len(chunk)
    for _, statement in indexes:
        cursor.execute(statement)
    for (column,) in cursor.execute(  # serial keys continue after the copied rows
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND "
            "table_schema = current_schema() AND column_default LIKE 'nextval%%'",
            (table,)).fetchall():
        cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                       f'coalesce(max("{column}"), 0) + 1, false) FROM "{table}"',
                       (table, column))
    target.commit()
    # Statistics, and the visibility map that lets an index-only scan skip the table (the
    # autovacuum of a live server does the same in time)
    target.autocommit = True
    cursor.execute(f'VACUUM (ANALYZE) "{table}"')
    target.autocommit = False
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--from", dest="source", type=Path, required=True)
    parser.add_argument("--db", required=True, help="the PostgreSQL database's URL")
    args = parser.parse_args()

    import psycopg
    from sqlalchemy import make_url

    from kzmigdesk.domain.models import Base
    from kzmigdesk.services.workspace import open_database

    if not args.source.is_file():
        raise OSError(f"There is no SQLite file {args.source}")
    source = sqlite3.connect(f"{args.source.resolve().as_uri()}?mode=ro", uri=True)
    open_database(args.db).close()  # the schema, migrated
    url = make_url(args.db)
    target = psycopg.connect(url.set(drivername="postgresql").render_as_string(
        hide_password=False))
    try:
        target.execute("SET session_replication_role = replica")
    except psycopg.errors.InsufficientPrivilege:
        target.rollback()
    have = {name for (name,) in source.execute("SELECT name FROM sqlite_master WHERE "
                                               "type = 'table'")}
    tables = [table.name for table in Base.metadata.sorted_tables if table.name in have]
    target.execute("TRUNCATE " + ", ".join(f'"{name}"' for name in tables))  # the seeded rows
    target.commit()
    for table in tables:
        start = time.perf_counter()
        rows = copy_table(source, target, table)
        print(f"{table}: {rows:,} rows in {time.perf_counter() - start:.1f} s", flush=True)
    target.close()
    source.close()
    return 0


if __name__ == "__main__":
    from floor import run

    raise SystemExit(run(main))
