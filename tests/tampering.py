"""Tests that play an attacker holding the database file: the audit tables refuse UPDATE and
DELETE (migration 0019), so such a test first removes the triggers, as the attacker can."""

from contextlib import contextmanager

APPEND_ONLY = ("audit_entries", "audit_anchors", "peer_audit_entries")


@contextmanager
def unsealed(session):
    """The audit tables of `session`'s database accept UPDATE and DELETE in this block (its
    changes are flushed within it; the triggers are back after it, in the same transaction)."""
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    for table in APPEND_ONLY:
        if sqlite:
            for verb in ("update", "delete"):
                connection.exec_driver_sql(f"DROP TRIGGER {table}_no_{verb}")
        else:
            connection.exec_driver_sql(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
    try:
        yield session
        session.flush()
    finally:
        for table in APPEND_ONLY:
            if sqlite:
                for verb in ("update", "delete"):
                    connection.exec_driver_sql(
                        f"CREATE TRIGGER {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
            else:
                connection.exec_driver_sql(
                    f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")
