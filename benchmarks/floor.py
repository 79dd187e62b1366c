"""The floor's connection for benchmarks/run.py: the same SQL without Python's ORM, SQLAlchemy or
the GUI, through sqlite3 (SQLCipher for an encrypted file) or, for a PostgreSQL URL, psycopg.

Hand-written SQL uses `?` placeholders on both; statements recorded from the application are
replayed with the parameters SQLAlchemy gave the driver (a dict of `%(name)s` on psycopg)."""

import random
import sqlite3
import sys
import uuid
from pathlib import Path


def is_url(target: str) -> bool:
    return "://" in target


class PostgresFloor:
    """psycopg in autocommit, answering `execute(sql, args)` like sqlite3."""

    pg = True

    def __init__(self, url: str):
        import psycopg
        from sqlalchemy.engine import make_url

        url = make_url(url)
        self.connection = psycopg.connect(
            host=url.host or "localhost", port=url.port or 5432, dbname=url.database,
            user=url.username, password=url.password, autocommit=True)

    def execute(self, sql: str, args=()):
        if not isinstance(args, dict):
            sql = sql.replace("?", "%s")
        return self.connection.execute(sql, args or None)

    def commit(self) -> None:
        pass

    def close(self) -> None:
        self.connection.close()


def connect(target: str):
    """sqlite3 (or SQLCipher with the file's key from the credential store or
    KZMIGDESK_DATABASE_KEY) for a file, psycopg for a PostgreSQL URL."""
    if is_url(target):
        return PostgresFloor(target)
    from kzmigdesk.db import keys

    path = Path(target)
    if not path.is_file():  # sqlite3 would make an empty one
        raise OSError(f"There is no database file {path}")
    if not keys.looks_encrypted(path):
        return sqlite3.connect(path)
    import sqlcipher3

    return keys.open_encrypted(lambda: sqlcipher3.connect(str(path)), keys.stored_key(path))[0]


def random_persons(raw, columns: str, where: str, rng: random.Random) -> list[tuple]:
    """A random live person's `columns` (none if the one drawn fails `where`): by rowid on
    SQLite (the same persons as earlier runs), by the next id after a random UUID on
    PostgreSQL."""
    if getattr(raw, "pg", False):
        return raw.execute(f"SELECT {columns} FROM persons WHERE id >= ? AND {where} "
                           "ORDER BY id LIMIT 1", (uuid.UUID(int=rng.getrandbits(128)),)
                           ).fetchall()
    last = raw.execute("SELECT max(rowid) FROM persons").fetchone()[0]
    return raw.execute(f"SELECT {columns} FROM persons WHERE rowid = ? AND {where}",
                       (rng.randint(1, last),)).fetchall()


def run(main) -> int:
    """main() of a benchmark script, its failure one line (a database that cannot be opened,
    a file that cannot be read), not a traceback."""
    import psycopg

    from kzmigdesk.errors import ServiceError

    try:
        return main()
    except ServiceError as error:
        problem = error.message()
    except (psycopg.Error, sqlite3.Error, OSError) as error:
        problem = str(error).strip().splitlines()[0]
    print(f"error: {problem}", file=sys.stderr)
    return 1


def uuid_of(value) -> uuid.UUID:
    """An id as sqlite3 (text) or psycopg (UUID) reads it."""
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
