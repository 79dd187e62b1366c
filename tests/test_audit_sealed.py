"""The audit trail is append-only in the database itself (migration 0019), on SQLite and on
PostgreSQL: a raw UPDATE, DELETE (or TRUNCATE) of its entries is refused."""

import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from tampering import unsealed

from kzmigdesk.domain.models import (
    AuditAnchor,
    AuditEntry,
    ExchangePeer,
    PeerAuditEntry,
    utcnow,
)
from kzmigdesk.services import audit

APPEND_ONLY = ("audit_entries", "audit_anchors", "peer_audit_entries")


def some_entries(database, count=3):
    with database.transaction() as session:
        for number in range(count):
            audit.record(session, "print", "persons", None, {"form": f"form {number}"})


@pytest.mark.parametrize("statement", [
    "UPDATE audit_entries SET username = 'someone' WHERE seq = 2",
    "UPDATE audit_entries SET username = 'someone'",
    "DELETE FROM audit_entries WHERE seq = 3",
    "DELETE FROM audit_entries",
])
def test_a_raw_update_or_delete_of_the_trail_is_refused(database, statement):
    some_entries(database)
    with pytest.raises(DBAPIError, match="audit_entries is append-only"):
        with database.transaction() as session:
            session.connection().exec_driver_sql(statement)
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 3
        assert audit.verify(session) == audit.ChainCheck(3)


@pytest.mark.parametrize("table", APPEND_ONLY)
def test_every_audit_table_refuses_update_and_delete(database, table):
    some_entries(database, 1)
    with database.transaction() as session:
        peer = ExchangePeer(name="Region", key="a" * 44, last_sent_seq=0)
        session.add(peer)
        session.flush()
        session.add(AuditAnchor(direction="sent", peer_id=peer.id, package_id="p", seq=1,
                                hash="0" * 64))
        session.add(PeerAuditEntry(peer_id=peer.id, seq=1, id=uuid.uuid4(),
                                   occurred_at=utcnow(), action="print", prev_hash="0" * 64,
                                   hash="1" * 64))
    for statement in (f"UPDATE {table} SET seq = seq + 1", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match=f"{table} is append-only"):
            with database.transaction() as session:
                session.connection().exec_driver_sql(statement)


def test_postgresql_refuses_truncate_and_public_has_no_update_or_delete(database):
    if database.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    some_entries(database)
    with pytest.raises(DBAPIError, match="audit_entries is append-only"):
        with database.transaction() as session:
            session.connection().exec_driver_sql("TRUNCATE audit_entries")
    with database.sessions() as session:
        rows = session.connection().exec_driver_sql(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE table_name = 'audit_entries' AND grantee = 'PUBLIC'").all()
        assert not {row[0] for row in rows} & {"UPDATE", "DELETE", "TRUNCATE"}


def test_appending_still_works_and_the_attacker_must_remove_the_triggers(database):
    """What the tests of `audit verify` do (tampering.unsealed): with the triggers gone, an
    edit is possible and the chain check finds it."""
    some_entries(database)
    with database.transaction() as session, unsealed(session):
        session.execute(AuditEntry.__table__.update().where(AuditEntry.seq == 2)
                        .values(username="someone"))
    with database.transaction() as session:
        assert audit.verify(session).first_broken == 2
        audit.record(session, "print", None, None, None)  # appending is never refused
    with pytest.raises(DBAPIError, match="append-only"):  # and the triggers are back
        with database.transaction() as session:
            session.connection().exec_driver_sql("DELETE FROM audit_entries")
