"""Anchors of the audit trail (issue 22): each exchange package carries the sender's chain
head; the sender keeps the heads it sent, the receiver the heads and the entries it received.
An attacker holding the file who rewrites an entry and recomputes every later hash with the
project's own function, or cuts the trail's tail, passes the chain check alone, but not once
a package has carried a head past that point."""

import pytest
import test_exchange
from sqlalchemy import func, select
from tampering import unsealed
from test_exchange import DISTRICT, REGION, register, send

from kzmigdesk.cli import main
from kzmigdesk.domain.models import AuditAnchor, AuditEntry, PeerAuditEntry
from kzmigdesk.services import audit

offices = test_exchange.offices  # two offices exchanging packages (a fixture)


def rewrite_and_rehash(database, seq: int) -> None:
    """Edit entry `seq`, then give it and every later entry the hashes the project's own
    function computes, so the chain is whole again."""
    with database.transaction() as session, unsealed(session):
        entries = session.scalars(select(AuditEntry).where(AuditEntry.seq >= seq)
                                  .order_by(AuditEntry.seq)).all()
        previous = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == seq - 1)) \
            or audit.GENESIS_HASH
        entries[0].changes = {"surname": [None, "Someone else"]}
        for entry in entries:
            entry.prev_hash = previous
            entry.hash = previous = audit.entry_hash(entry)


def cut_tail(database, from_seq: int) -> None:
    with database.transaction() as session, unsealed(session):
        session.execute(AuditEntry.__table__.delete().where(AuditEntry.seq >= from_seq))


def verify(database, capsys, *peer) -> tuple[int, str, str]:
    code = main(["--db", database.url, "audit", "verify", *peer])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def last_seq(database) -> int:
    return audit.chain_head(database).seq


def test_before_any_anchor_a_rewritten_or_cut_trail_passes(offices, capsys):
    district, _region = offices
    for name in ("Әбенов", "Құрманов", "Иванов"):
        register(district, name)
    rewrite_and_rehash(district, 3)
    code, out, _err = verify(district, capsys)
    assert code == 0 and "No chain head was exchanged with another office yet" in out
    cut_tail(district, last_seq(district) - 2)
    assert verify(district, capsys)[0] == 0  # the limit this work removes for what was sent


def test_a_rewrite_and_rehash_before_a_sent_head_is_detected(offices, capsys):
    district, region = offices
    for name in ("Әбенов", "Құрманов", "Иванов"):
        register(district, name)
    send(district, region, REGION)
    code, out, _err = verify(district, capsys)
    assert code == 0
    assert f"Chain head checked: {REGION}, entry " in out
    register(district, "Кейін")  # after the anchor: not covered by it
    rewrite_and_rehash(district, 3)
    with district.sessions() as session:
        assert audit.verify(session).intact  # the chain alone is whole again
    code, _out, err = verify(district, capsys)
    assert code == 1
    assert err == (f"The audit trail does not pass through the chain head exchanged with "
                   f"{REGION} (entry {_anchor_seq(district)}, {_anchor_hash(district)[:16]}): "
                   "the entry it names has another hash: the trail was rewritten.\n")


def _anchor_seq(database) -> int:
    with database.sessions() as session:
        return session.scalar(select(AuditAnchor.seq).where(AuditAnchor.direction == "sent"))


def _anchor_hash(database) -> str:
    with database.sessions() as session:
        return session.scalar(select(AuditAnchor.hash).where(AuditAnchor.direction == "sent"))


def test_a_tail_cut_through_a_sent_head_is_detected(offices, capsys):
    district, region = offices
    for name in ("Әбенов", "Құрманов"):
        register(district, name)
    send(district, region, REGION)
    cut_tail(district, _anchor_seq(district) - 1)
    code, _out, err = verify(district, capsys)
    assert code == 1 and "the entry it names is missing: the trail was cut" in err


def test_the_region_keeps_each_districts_trail_and_verifies_it(offices, capsys):
    district, region = offices
    register(district, "Әбенов")
    send(district, region, REGION)
    register(district, "Құрманов")
    send(district, region, REGION)
    with district.sessions() as session:
        theirs = [(e.seq, e.hash) for e in session.scalars(
            select(AuditEntry).order_by(AuditEntry.seq))]
    with region.sessions() as session:
        kept = [(e.seq, e.hash) for e in session.scalars(
            select(PeerAuditEntry).order_by(PeerAuditEntry.seq))]
        received = session.scalar(select(func.count()).select_from(AuditAnchor).where(
            AuditAnchor.direction == "received"))
    assert kept == theirs[:len(kept)] and len(kept) >= len(theirs) - 1
    assert received == 2
    code, out, _err = verify(region, capsys, "--peer", DISTRICT)
    assert code == 0
    assert out.startswith(f"The audit trail of {DISTRICT}, as its packages brought it here, "
                          f"is intact: {len(kept)} entries.")
    assert out.count("Chain head checked:") == 2
    # the district rewrites what it sent and sends again: the region's copy shows it
    rewrite_and_rehash(district, 2)
    register(district, "Иванов")
    send(district, region, REGION)
    code, _out, err = verify(region, capsys, "--peer", DISTRICT)
    assert code == 1 and "The audit trail is broken at entry" in err
    assert "its link to the previous entry is broken" in err


def test_the_chain_head_for_the_monthly_summary(database):
    assert audit.chain_head(database) == audit.ChainHead(0, audit.GENESIS_HASH)
    with database.transaction() as session:
        audit.record(session, "print", None, None, None)
    with database.sessions() as session:
        entry = session.scalars(select(AuditEntry)).one()
    assert audit.chain_head(database) == audit.ChainHead(1, entry.hash)


def test_a_package_with_a_malformed_anchor_is_refused(offices):
    import io
    import json
    import zipfile

    from kzmigdesk.services import exchange

    district, region = offices
    register(district, "Әбенов")
    with district.transaction() as session:
        data = exchange.export_package(session, REGION).data
        key = exchange.peer_by_name(session, REGION).key
    archive = zipfile.ZipFile(io.BytesIO(data))
    manifest = json.loads(archive.read("manifest.json"))
    manifest["anchor"] = {"seq": -1, "hash": "x"}
    manifest["hmac"] = exchange._signature(key, manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("manifest.json", json.dumps(manifest))
        for name in exchange.MEMBERS:
            out.writestr(name, archive.read(name))
    with pytest.raises(exchange.PackageRefused) as refused:
        with region.transaction() as session:
            exchange.import_package(session, buffer.getvalue())
    assert refused.value.message() == ("The package's manifest is not valid: “anchor” is "
                                       "missing or wrong.")
    # and one of an earlier version, without an anchor, is still taken
    del manifest["anchor"]
    manifest["hmac"] = exchange._signature(key, manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("manifest.json", json.dumps(manifest))
        for name in exchange.MEMBERS:
            out.writestr(name, archive.read(name))
    with region.transaction() as session:
        assert exchange.import_package(session, buffer.getvalue()).applied >= 1


def test_a_peers_entries_are_kept_and_verified_on_either_database(database):
    """The entries of a package as audit.jsonl has them (here this database's own, as if a
    peer had sent them), kept and checked: on SQLite and on PostgreSQL."""
    from kzmigdesk.services import exchange

    with database.transaction() as session:
        exchange.set_office_name(session, REGION)
        exchange.add_peer(session, DISTRICT)
    register(database, "Әбенов")
    with database.transaction() as session:
        rows = [exchange.row_json(row) for row in session.execute(
            select(AuditEntry.__table__).order_by(AuditEntry.seq))]
        peer = exchange.peer_by_name(session, DISTRICT)
        head = audit.head(session)
        assert audit.anchor_received(session, peer, "p1", head.as_json(), rows) == len(rows)
        assert audit.anchor_received(session, peer, "p1", None, rows) == 0  # kept once
    with database.sessions() as session:
        check = audit.verify_peer(session, DISTRICT)
    assert check.intact and check.chain.entries == len(rows)
    assert check.anchors == ((DISTRICT, head.seq, head.hash),)
