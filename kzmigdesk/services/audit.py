"""The audit trail: append-only entries, each chained to the previous one by a SHA-256 hash,
so that editing, deleting or inserting an entry in the table breaks the chain (`verify`).

The database refuses UPDATE and DELETE on the trail (migration 0019), but whoever holds the
file can remove that, rewrite an entry and recompute every later hash with `entry_hash`, or
cut the tail: the chain alone still passes. Anchors catch that: every exchange package
carries the chain head (number and hash) at the time; the sender keeps each head it sent
(`verify_anchors` checks the trail still passes through them), the receiver keeps each head
it received and the entries themselves, per sending office (`verify_peer`). What is written
after the last anchor is protected by the chain only."""

import datetime as dt
import enum
import hashlib
import json
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import event, func, insert, select, text
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, sessionmaker

from kzmigdesk.db.session import Database
from kzmigdesk.domain.models import (
    AuditAnchor,
    AuditEntry,
    Entity,
    ExchangePeer,
    PeerAuditEntry,
    ordered_uuid,
    utcnow,
)
from kzmigdesk.i18n import N_, _
from kzmigdesk.services.auth import Permission, acting, require

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


def utc_naive(moment: dt.datetime) -> dt.datetime:
    """The moment in UTC without a zone: SQLite reads it back so, PostgreSQL with one."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def entry_hash(entry: AuditEntry) -> str:
    content = {
        "seq": entry.seq,
        "occurred_at": utc_naive(entry.occurred_at).isoformat(),
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


def _tail(session: Session) -> tuple[int, str]:
    """The last entry's seq and hash: the transaction's own, else the database's."""
    tail = session.info.get(TAIL)
    if tail is None:
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"),
                            {"key": POSTGRES_LOCK_KEY})
        with session.no_autoflush:
            last = session.execute(
                select(AuditEntry.seq, AuditEntry.hash).order_by(AuditEntry.seq.desc()).limit(1)
            ).first()
        tail = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    return tail


def record(session: Session, action: str, entity_type: str | None = None,
           entity_id: object = None, changes: dict | None = None) -> AuditEntry:
    """Append an entry to the trail in the caller's transaction (written at its next flush),
    under the session's acting user."""
    actor = acting(session)
    seq, previous = _tail(session)
    entry = AuditEntry(
        id=uuid.uuid4(),
        seq=seq + 1,
        occurred_at=utcnow(),  # hashed as naive UTC (utc_naive)
        user_id=actor.user_id if actor else None,
        username=actor.username if actor else None,
        office_id=actor.office_id if actor else None,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id) if entity_id is not None else None,
        changes=jsonable(changes) if changes is not None else None,
        prev_hash=previous,
    )
    entry.hash = entry_hash(entry)
    session.add(entry)
    session.info[TAIL] = (entry.seq, entry.hash)
    return entry


@dataclass
class _Entry:
    """An entry's values, as entry_hash reads them, without an ORM object."""

    id: uuid.UUID
    seq: int
    occurred_at: dt.datetime
    user_id: uuid.UUID | None
    username: str | None
    office_id: uuid.UUID | None
    action: str
    entity_type: str | None
    entity_id: str | None
    changes: dict | None
    prev_hash: str


def record_many(session: Session, action: str, entity_type: str,
                changes_by_id: list[tuple[object, dict]]) -> None:
    """`record` for many entities at once (a bulk import): the same entries, chained the
    same way, written with one INSERT instead of one ORM object each. The changes must hold
    JSON types only already (see jsonable)."""
    actor = acting(session)
    seq, previous = _tail(session)
    rows = []
    for entity_id, changes in changes_by_id:
        seq += 1
        row = dict(id=ordered_uuid(), seq=seq, occurred_at=utcnow(),
                   user_id=actor.user_id if actor else None,
                   username=actor.username if actor else None,
                   office_id=actor.office_id if actor else None, action=action,
                   entity_type=entity_type, entity_id=str(entity_id),
                   changes=changes, prev_hash=previous)
        row["hash"] = previous = entry_hash(_Entry(**row))
        rows.append(row)
    if rows:
        session.execute(insert(AuditEntry.__table__), rows)
        session.info[TAIL] = (seq, previous)


# --- every change of an entity, recorded at flush ------------------------------------------

TAIL = "audit_tail"
NOT_AUDITED = {"id", "created_at", "updated_at", "version", "sort_name"}
NOT_AUDITED_TABLES = {"person_name_tokens"}
SECRET = {"password_hash"}  # recorded as changed, never with its value


@contextmanager
def unaudited(session: Session):
    """Changes flushed in this block are not audited (bookkeeping such as sign-in counters)."""
    session.flush()
    session.info["audit"] = False
    try:
        yield
        session.flush()
    finally:
        session.info.pop("audit", None)


def _value(value):
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return jsonable(value)


def _columns(obj) -> list[str]:
    return [c.key for c in sa_inspect(obj).mapper.column_attrs if c.key not in NOT_AUDITED]


def _shown(key: str, value):
    return "***" if key in SECRET and value is not None else _value(value)


def _created(obj) -> dict:
    return {key: [None, _shown(key, getattr(obj, key))] for key in _columns(obj)
            if getattr(obj, key) is not None}


def _changed(obj) -> dict:
    state = sa_inspect(obj)
    changes = {}
    for key in _columns(obj):
        history = state.attrs[key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                changes[key] = [_shown(key, old), _shown(key, new)]
    return changes


def _audit_flush(session: Session, _context, _instances) -> None:
    """Every create, update (status changes included), soft or hard delete of an entity."""
    if session.info.get("audit") is False:
        return
    for obj in list(session.new):
        if isinstance(obj, Entity) and obj.__tablename__ not in NOT_AUDITED_TABLES:
            if obj.id is None:
                obj.id = uuid.uuid4()
            record(session, "create", obj.__tablename__, obj.id, _created(obj))
    for obj in list(session.dirty):
        if isinstance(obj, Entity) and session.is_modified(obj, include_collections=False):
            changes = _changed(obj)
            if not changes:
                continue
            if "deleted_at" in changes and changes["deleted_at"][1] is not None:
                action = "delete"
            elif "status" in changes:
                action = "status"
            else:
                action = "update"
            record(session, action, obj.__tablename__, obj.id, changes)
    for obj in list(session.deleted):
        if isinstance(obj, Entity):
            record(session, "delete", obj.__tablename__, obj.id, None)


def _forget_tail(session: Session, *_args) -> None:
    session.info.pop(TAIL, None)


LISTENERS = (("before_flush", _audit_flush), ("after_commit", _forget_tail),
             ("after_soft_rollback", _forget_tail))


INSTALLED = "_kzmigdesk_audit_installed"


def install(sessions: sessionmaker) -> None:
    """Record every change made in a session of `sessions` in the audit trail (once per
    factory). The mark is the factory's own: SQLAlchemy's `event.contains` answers by the id of
    the factory's session class, which a new factory may reuse once an old one is collected,
    and then a new database would silently record nothing."""
    if getattr(sessions, INSTALLED, False):
        return
    for name, listener in LISTENERS:
        event.listen(sessions, name, listener)
    setattr(sessions, INSTALLED, True)


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
    return _walk(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def _walk(entries) -> ChainCheck:
    previous_hash, expected_seq, count = GENESIS_HASH, 1, 0
    for entry in entries:
        count += 1
        if entry.seq != expected_seq:
            return ChainCheck(count, entry.seq, N_("an entry before it is missing"))
        if entry.prev_hash != previous_hash:
            return ChainCheck(count, entry.seq, N_("its link to the previous entry is broken"))
        if entry_hash(entry) != entry.hash:
            return ChainCheck(count, entry.seq, N_("its content was changed"))
        previous_hash, expected_seq = entry.hash, expected_seq + 1
    return ChainCheck(count)


# --- anchors: chain heads that left the office, and the peers' trails -----------------------


@dataclass(frozen=True)
class ChainHead:
    seq: int  # the last entry's number (0: the trail is empty)
    hash: str  # its hash (GENESIS_HASH for an empty trail)

    def as_json(self) -> dict:
        return {"seq": self.seq, "hash": self.hash}


def head(session: Session) -> ChainHead:
    """The trail's last entry, as it stands in the session's transaction."""
    last = session.execute(select(AuditEntry.seq, AuditEntry.hash)
                           .order_by(AuditEntry.seq.desc()).limit(1)).first()
    return ChainHead(last.seq, last.hash) if last else ChainHead(0, GENESIS_HASH)


def chain_head(database: Database) -> ChainHead:
    """The chain head now: printed in the monthly summary's approval block, so that the
    signed paper anchors the trail too (compare it later with `kzmigdesk audit verify`)."""
    with database.sessions() as session:
        return head(session)


def anchor_sent(session: Session, peer: ExchangePeer, package_id: str) -> dict:
    """At export: the head the package carries, kept as sent to `peer` (the manifest's
    "anchor")."""
    current = head(session)
    session.add(AuditAnchor(direction="sent", peer_id=peer.id, package_id=package_id,
                            seq=current.seq, hash=current.hash))
    return current.as_json()


def anchor_received(session: Session, peer: ExchangePeer, package_id: str,
                    anchor: dict | None, entries: list[dict]) -> int:
    """At import: keep the sender's head and its entries (as the package's audit.jsonl has
    them, every column of audit_entries), per sending office. An entry already kept is kept
    as it first arrived. The number of entries kept."""
    from kzmigdesk.services.exchange import from_json

    if anchor is not None:
        session.add(AuditAnchor(direction="received", peer_id=peer.id, package_id=package_id,
                                seq=anchor["seq"], hash=anchor["hash"]))
    numbers = [entry["seq"] for entry in entries]
    known = set(session.scalars(select(PeerAuditEntry.seq).where(
        PeerAuditEntry.peer_id == peer.id,
        PeerAuditEntry.seq.between(min(numbers), max(numbers))))) if numbers else set()
    columns = AuditEntry.__table__.columns
    rows = [{"peer_id": peer.id, **{c.name: from_json(c, entry.get(c.name)) for c in columns}}
            for entry in entries if entry["seq"] not in known]
    if rows:
        session.execute(insert(PeerAuditEntry.__table__), rows)
    return len(rows)


@dataclass(frozen=True)
class AnchorCheck:
    chain: ChainCheck  # the chain itself, as verify says
    anchors: tuple[tuple[str, int, str], ...]  # (peer, seq, hash) checked, in order of seq
    failed: tuple[str, int, str] | None = None  # the first anchor the trail does not pass
    reason: str | None = None  # msgid

    @property
    def intact(self) -> bool:
        return self.chain.intact and self.failed is None


def _check_anchors(session: Session, chain: ChainCheck, anchors, entry_model, where
                   ) -> AnchorCheck:
    checked, seen = [], set()
    for peer_name, seq, anchor_hash in anchors:
        if (seq, anchor_hash) in seen:
            continue
        seen.add((seq, anchor_hash))
        checked.append((peer_name, seq, anchor_hash))
        if seq == 0:
            continue  # sent while the trail was empty
        found = session.scalar(select(entry_model.hash).where(entry_model.seq == seq, *where))
        if found is None:
            return AnchorCheck(chain, tuple(checked), (peer_name, seq, anchor_hash),
                               N_("the entry it names is missing: the trail was cut"))
        if found != anchor_hash:
            return AnchorCheck(chain, tuple(checked), (peer_name, seq, anchor_hash),
                               N_("the entry it names has another hash: the trail was "
                                  "rewritten"))
    return AnchorCheck(chain, tuple(checked))


def _anchors(session: Session, direction: str, peer_id=None):
    query = (select(ExchangePeer.name, AuditAnchor.seq, AuditAnchor.hash)
             .join(ExchangePeer, ExchangePeer.id == AuditAnchor.peer_id)
             .where(AuditAnchor.direction == direction)
             .order_by(AuditAnchor.seq, AuditAnchor.recorded_at))
    if peer_id is not None:
        query = query.where(AuditAnchor.peer_id == peer_id)
    return [tuple(row) for row in session.execute(query)]


def verify_anchors(session: Session) -> AnchorCheck:
    """`verify`, and that the trail still passes through every head sent to a peer office
    (the entry it names is there, with that hash)."""
    return _check_anchors(session, verify(session), _anchors(session, "sent"), AuditEntry, ())


def verify_peer(session: Session, peer_name: str) -> AnchorCheck:
    """A peer office's trail as its packages brought it here (from its first entry, each
    linked to the one before), through every head it sent here."""
    from kzmigdesk.services.exchange import peer_by_name

    peer = peer_by_name(session, peer_name)
    entries = session.scalars(select(PeerAuditEntry).where(PeerAuditEntry.peer_id == peer.id)
                              .order_by(PeerAuditEntry.seq))
    chain = _walk(entries)
    return _check_anchors(session, chain, _anchors(session, "received", peer.id),
                          PeerAuditEntry, (PeerAuditEntry.peer_id == peer.id,))


# --- browsing the trail (supervisors) ------------------------------------------------------


@dataclass
class TrailFilter:
    username: str = ""  # the start of a user name, any case
    action: str | None = None  # "create", "update", "status", "delete", "login", ...
    entity_type: str | None = None  # a table name: "persons", "work_permits", ...
    entity_id: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None  # inclusive


def _filtered(session: Session, query, trail: TrailFilter):
    if trail.username.strip():
        # The user names the prefix begins (any case), found among the trail's few distinct
        # names: a name's entries are then read newest first from its index
        prefix = trail.username.strip().lower()
        names = [name for name in _distinct(session, "username")
                 if name.lower().startswith(prefix)]
        query = query.where(AuditEntry.username.in_(names))
    if trail.action:
        query = query.where(AuditEntry.action == trail.action)
    if trail.entity_type:
        query = query.where(AuditEntry.entity_type == trail.entity_type)
    if trail.entity_id:
        query = query.where(AuditEntry.entity_id == trail.entity_id.strip())
    if trail.start:
        query = query.where(AuditEntry.occurred_at >= dt.datetime.combine(trail.start,
                                                                          dt.time()))
    if trail.end:
        query = query.where(AuditEntry.occurred_at < dt.datetime.combine(
            trail.end + dt.timedelta(days=1), dt.time()))
    return query


def count_entries(session: Session, trail: TrailFilter) -> int:
    require(acting(session), Permission.VIEW_AUDIT)
    return session.scalar(_filtered(session, select(func.count()).select_from(AuditEntry), trail))


def fetch_entries(session: Session, trail: TrailFilter, offset: int,
                  limit: int) -> list[AuditEntry]:
    """The entries, newest first (supervisors only)."""
    require(acting(session), Permission.VIEW_AUDIT)
    # The page's numbers first, from an index alone (a deep OFFSET reads no entry), then
    # its entries.
    seqs = list(session.scalars(_filtered(session, select(AuditEntry.seq), trail)
                                .order_by(AuditEntry.seq.desc()).offset(offset).limit(limit)))
    return list(session.scalars(select(AuditEntry).where(AuditEntry.seq.in_(seqs))
                                .order_by(AuditEntry.seq.desc())))


def trail_choices(session: Session) -> tuple[list[str], list[str]]:
    """The actions and the record types that occur in the trail, for the filters."""
    require(acting(session), Permission.VIEW_AUDIT)
    return _distinct(session, "action"), _distinct(session, "entity_type")


def _distinct(session: Session, column: str) -> list[str]:
    """The distinct values of an indexed column of the trail, one index probe each (a
    DISTINCT would read all of millions of entries)."""
    return list(session.scalars(text(
        f"WITH RECURSIVE found(value) AS (SELECT min({column}) FROM audit_entries "
        f"UNION ALL SELECT (SELECT min({column}) FROM audit_entries WHERE {column} > value) "
        "FROM found WHERE value IS NOT NULL) SELECT value FROM found WHERE value IS NOT NULL")))


# --- for the trail's window: the database in, read models out -------------------------------


@dataclass(frozen=True)
class TrailEntry:
    seq: int
    occurred_at: dt.datetime  # UTC, without a zone
    username: str | None
    action: str
    entity_type: str | None
    entity_id: str | None
    changes: dict | None
    withheld: bool = False  # a purged person's record: its values are not shown (issue 23)


def check_trail_access(database: Database) -> None:
    """PermissionDenied unless the acting user may read the trail (nothing is read)."""
    require(database.actor, Permission.VIEW_AUDIT)


def count_trail(database: Database, trail: TrailFilter) -> int:
    with database.sessions() as session:
        return count_entries(session, trail)


def _trail_entries(session: Session, trail: TrailFilter, offset: int,
                   limit: int) -> list[TrailEntry]:
    from kzmigdesk.services import retention

    entries = fetch_entries(session, trail, offset, limit)
    hidden = retention.withheld(session, [(e.entity_type, e.entity_id) for e in entries
                                          if e.changes and not e.action.startswith(
                                              "retention.")])
    return [TrailEntry(e.seq, e.occurred_at, e.username, e.action, e.entity_type,
                       e.entity_id, None if e.entity_id in hidden else e.changes,
                       e.entity_id in hidden)
            for e in entries]


def trail_page(database: Database, trail: TrailFilter, offset: int, limit: int) -> list[TrailEntry]:
    with database.sessions() as session:
        return _trail_entries(session, trail, offset, limit)


def first_trail(database: Database, trail: TrailFilter, limit: int):
    """The first page and the count, exact up to COUNT_CAP, else that lower bound
    (list_pages.Listing) for count_trail to replace in the background."""
    from kzmigdesk.services.list_pages import first_listing

    with database.sessions() as session:
        rows = _trail_entries(session, trail, 0, limit)
        return first_listing(session, "", rows, limit,
                             lambda: _filtered(session, select(AuditEntry.seq), trail))


def trail_filter_choices(database: Database) -> tuple[list[str], list[str]]:
    with database.sessions() as session:
        return trail_choices(session)


# What the trail's codes are called (msgids): the actions (every `record(session, ACTION, ...)`
# and those of _audit_flush), the record types (tables, and the other names given to `record`)
# and the fields of the changes (columns, and the keys of the details some actions record).
ACTIONS = {
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
    "status": N_("status changed"),
    "login": N_("signed in"),
    "login.failed": N_("sign-in failed"),
    "login.locked": N_("account locked"),
    "deadlines": N_("expiry dates checked"),
    "import": N_("legacy list imported"),
    "export": N_("exported"),
    "print": N_("printed"),
    "backup": N_("backed up"),
    "restore": N_("restored from a backup"),
    "quota.override": N_("issued beyond the quota"),
    "employer.warning_acknowledged": N_("employer's violations acknowledged"),
    "exchange.import": N_("package imported"),
    "exchange.resolve": N_("exchange conflict resolved"),
    "settings": N_("settings changed"),
    "retention.rules": N_("retention rules changed"),  # issue 23
    "retention.purge": N_("purge approved"),
    "retention.anonymise": N_("anonymised by a purge"),
    "retention.delete": N_("deleted by a purge"),
}
RECORD_TYPES = {
    "persons": N_("Person"),
    "identity_documents": N_("Identity document"),
    "duplicate_decisions": N_("Possible duplicate"),
    "households": N_("Household"),
    "household_members": N_("Household member"),
    "repatriate_cases": N_("Repatriate case"),
    "repatriate_case": N_("Repatriate case"),
    "case_status_changes": N_("Case status change"),
    "employers": N_("Employer"),
    "economic_sectors": N_("Economic sector"),
    "labour_violations": N_("Labour violation"),
    "violation_workers": N_("Worker found at an inspection"),
    "work_permits": N_("Work permit"),
    "work_permit": N_("Work permit"),
    "permit_status_changes": N_("Permit status change"),
    "adaptation_centres": N_("Centre"),
    "service_types": N_("Service type"),
    "service_records": N_("Service"),
    "labour_quotas": N_("Foreign labour quota"),
    "kandas_quotas": N_("Kandas resettlement quota"),
    "users": N_("User"),
    "offices": N_("Office"),
    "regions": N_("Region"),
    "legacy_imports": N_("Import a legacy list"),
    "monthly_summary": N_("Monthly summary"),
    "office_profiles": N_("Office profile"),  # issue 21
    "outgoing_entries": N_("Outgoing register"),
    "change_requests": N_("Change request"),
    "scans": N_("Scan"),
    "local_settings": N_("Settings"),
    "owner_changes": N_("Change of owner"),
    "retention_rules": N_("Retention rules"),  # issue 23
    "person_legal_bases": N_("Legal basis for processing"),
    "retention_purges": N_("Purge of personal data"),
    "support_measures": N_("Support measure"),  # issue 24
    "support_norms": N_("Support norm"),
    "monthly_indices": N_("Monthly calculation index"),
    "support_applications": N_("Support application"),
}
FIELDS = {
    "surname": N_("Surname"),
    "given_name": N_("Given name"),
    "patronymic": N_("Patronymic"),
    "surname_latin": N_("Surname in Latin letters"),
    "given_name_latin": N_("Given name in Latin letters"),
    "sex": N_("Sex"),
    "birth_date": N_("Date of birth"),
    "citizenship": N_("Citizenship"),
    "iin": N_("IIN"),
    "bin": N_("BIN"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "region_id": N_("Region"),
    "district": N_("District"),
    "locality": N_("Locality"),
    "address": N_("Address"),
    "notes": N_("Notes"),
    "office_id": N_("Office"),
    "category": N_("Category"),
    "status": N_("Status"),
    "name": N_("Name"),
    "number": N_("Number"),
    "sector": N_("Sector"),
    "contact_person": N_("Contact person"),
    "profession": N_("Profession"),
    "valid_from": N_("Valid from"),
    "valid_to": N_("Valid to"),
    "quota_year": N_("Quota year"),
    "quota_override_reason": N_("Reason for going beyond the quota"),
    "reason": N_("Reason for going beyond the quota"),
    "comment": N_("Comment"),
    "full_name": N_("Full name"),
    "username": N_("User name"),
    "password_hash": N_("Password"),
    "role": N_("Role"),
    "language": N_("Language"),
    "active": N_("Active"),
    "year": N_("Year"),
    "amount": N_("Quota"),
    "beds": N_("Beds"),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "outcome": N_("Outcome"),
    "hours_attended": N_("Hours attended"),
    "completed": N_("Completed"),
    "doc_type": N_("Document type"),
    "issued_by": N_("Issued by"),
    "issue_date": N_("Date of issue"),
    "expiry_date": N_("Expiry date"),
    "issuing_country": N_("Issuing country"),
    "case_number": N_("Case number"),
    "certificate_number": N_("Certificate number"),
    "relation": N_("Relation"),
    "from_status": N_("Previous status"),
    "to_status": N_("New status"),
    "changed_on": N_("Date of the change"),
    "application_date": N_("Application date"),
    "arrival_date": N_("Arrival date"),
    "country_of_origin": N_("Country of origin"),
    "resettlement_region_id": N_("Region of resettlement"),
    "code": N_("Code"),
    "person_id": N_("Person"),
    "employer_id": N_("Employer"),
    "sector_id": N_("Economic sector"),
    "employer_warning": N_("Employer's violations acknowledged"),
    "found_on": N_("Date of the finding"),
    "inspecting_body": N_("Inspecting body"),
    "fine_amount": N_("Fine, tenge"),
    "fine_paid_on": N_("Fine paid on"),
    "decision": N_("Decision"),
    "warning": N_("Warning"),
    "centre_id": N_("Centre"),
    "service_type_id": N_("Service"),
    "staff_name": N_("Staff member"),
    "photo": N_("Photo"),
    "month": N_("Month"),
    "day": N_("Date"),
    "file": N_("File"),
    "form": N_("Form"),
    "format": N_("Format"),
    "owner_id": N_("Owner"),
    "owner_name": N_("Owner"),
    "changed_by": N_("Changed by"),
    "record_id": N_("Record"),
    "record_type": N_("Record type"),
    "planned_end_date": N_("Planned end"),
    "past_end_flagged_on": N_("Past its planned end since"),
    "purge": N_("Purge"),  # issue 23
    "persons": N_("Persons"),
    "rules": N_("Rules"),
    "approved_on": N_("Approved on"),
    "approved_by": N_("Approved by"),
    "case_closed": N_("Repatriate case, after it is closed"),
    "permit_ended": N_("Work permit, after it ends"),
    "service_ended": N_("Adaptation service, after it ends"),
    "person_inactive": N_("Person, after their record last changed"),
}


def action_label(action: str) -> str:
    """An action of the trail in the current language (an unknown code as it is)."""
    return _(ACTIONS[action]) if action in ACTIONS else action


def record_type_label(entity_type: str | None) -> str:
    """A record type of the trail in the current language (an unknown one as it is)."""
    if entity_type is None:
        return ""
    return _(RECORD_TYPES[entity_type]) if entity_type in RECORD_TYPES else entity_type


def describe_changes(changes: dict | None) -> str:
    """"Field: old → new; …" (a field set from nothing: "Field: new") for a table cell: the
    fields by their labels where they have one, the values as they are recorded."""
    if not changes:
        return ""
    parts = []
    for key, value in changes.items():
        field = _(FIELDS[key]) if key in FIELDS else key
        if isinstance(value, list) and len(value) == 2:
            old, new = value
            if old is None:
                parts.append(f"{field}: {new}")
            else:
                parts.append(f"{field}: {old} → {'' if new is None else new}")
        else:
            parts.append(f"{field}: {value}")
    return "; ".join(parts)
