"""The audit trail: append-only entries, each chained to the previous one by a SHA-256 hash,
so that editing, deleting or inserting an entry in the table breaks the chain (`verify`)."""

import datetime as dt
import enum
import hashlib
import json
import uuid
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kzmigdesk.domain.models import AuditEntry, utcnow
from kzmigdesk.i18n import N_
from kzmigdesk.services.auth import Actor

GENESIS_HASH = "0" * 64
# Writers of the trail take this PostgreSQL advisory lock, so that sequence numbers and the
# chain stay in order (SQLite write transactions are serial already).
POSTGRES_LOCK_KEY = 7_270_001


def jsonable(value):
    """A value as it is kept in an entry's `changes`: JSON types only."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime, uuid.UUID)):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [jsonable(v) for v in value]
    return value


def entry_hash(entry: AuditEntry) -> str:
    content = {
        "seq": entry.seq,
        "occurred_at": entry.occurred_at.isoformat(),
        "user_id": str(entry.user_id) if entry.user_id else None,
        "username": entry.username,
        "office_id": str(entry.office_id) if entry.office_id else None,
        "action": entry.action,
        "entity_type": entry.entity_type,
        "entity_id": entry.entity_id,
        "changes": entry.changes,
        "prev_hash": entry.prev_hash,
    }
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(session: Session, actor: Actor | None, action: str, entity_type: str | None = None,
           entity_id: object = None, changes: dict | None = None) -> AuditEntry:
    """Append an entry to the trail, in the caller's transaction."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": POSTGRES_LOCK_KEY})
    last = session.execute(
        select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
    ).first()
    entry = AuditEntry(
        seq=last.seq + 1 if last else 1,
        occurred_at=utcnow().replace(tzinfo=None),  # naive UTC: read back as written
        user_id=actor.user_id if actor else None,
        username=actor.username if actor else None,
        office_id=actor.office_id if actor else None,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id) if entity_id is not None else None,
        changes=jsonable(changes) if changes is not None else None,
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class ChainCheck:
    entries: int
    first_broken: int | None = None  # the seq of the first entry that fails
    reason: str | None = None  # msgid

    @property
    def intact(self) -> bool:
        return self.first_broken is None


def verify(session: Session) -> ChainCheck:
    """Walk the trail in order; report the first entry whose hash, link or number is wrong."""
    previous_hash, expected_seq, count = GENESIS_HASH, 1, 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)):
        count += 1
        if entry.seq != expected_seq:
            return ChainCheck(count, entry.seq, N_("an entry before it is missing"))
        if entry.prev_hash != previous_hash:
            return ChainCheck(count, entry.seq, N_("its link to the previous entry is broken"))
        if entry_hash(entry) != entry.hash:
            return ChainCheck(count, entry.seq, N_("its content was changed"))
        previous_hash, expected_seq = entry.hash, expected_seq + 1
    return ChainCheck(count)
