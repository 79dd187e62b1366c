"""Offline exchange between offices by file (a USB stick or e-mail).

A package is a ZIP file: `manifest.json` (who sends it to whom, when, a package id, the
SHA-256 of each other file, and an HMAC-SHA256 of the manifest with the key the two offices
share), `records.jsonl` (the current row of every record changed since the last package to
that peer, soft deletions included) and `audit.jsonl` (the sender's audit entries since then).
With a password, the whole ZIP is encrypted (scrypt and AES, `cryptography`'s Fernet).

Import checks the package before anything is written: readable (not truncated), HMAC right
(not tampered with, the right key), addressed to this office, not imported before. Then, in
one transaction, record by record, in the order of the tables' dependencies:
- a record new here is inserted;
- a record not changed here since the version both offices last had takes the newer one;
- a record changed here too becomes a conflict, kept with both sides for a supervisor,
  unless the sender has already seen this office's version (`based_on`);
- an older or equal version changes nothing, so importing twice, or an old package after a
  newer one, changes nothing.
"""

import base64
import datetime as dt
import enum
import hashlib
import hmac
import io
import json
import os
import secrets
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import JSON, Date, DateTime, LargeBinary, Uuid, select
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.models import (
    AuditEntry,
    Base,
    Entity,
    ExchangeConflict,
    ExchangePeer,
    ExchangeState,
    ImportedPackage,
    LocalSetting,
    utcnow,
)
from kzmigdesk.files import write_atomically
from kzmigdesk.i18n import N_
from kzmigdesk.services.auth import Permission, acting, require
from kzmigdesk.services.errors import FieldError, NotFound, ServiceError, ValidationFailed
from kzmigdesk.services.name_index import index_names, unindex

FORMAT = 1
OFFICE_NAME = "exchange.office_name"
ENCRYPTED_MAGIC = b"KZMX-ENC1"
SCRYPT = {"n": 2**15, "r": 8, "p": 1}


class PackageRefused(ServiceError):
    """The package was not imported; nothing changed."""


# --- this office and its peers --------------------------------------------------------------


def office_name(session: Session) -> str | None:
    setting = session.get(LocalSetting, OFFICE_NAME)
    return setting.value if setting else None


def set_office_name(session: Session, name: str) -> None:
    require(acting(session), Permission.MANAGE_USERS)
    name = name.strip()
    if not name:
        raise ValidationFailed([FieldError("name", N_("Office name"), N_("is required"))])
    setting = session.get(LocalSetting, OFFICE_NAME) or LocalSetting(key=OFFICE_NAME)
    setting.value = name
    session.add(setting)
    session.flush()


def new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def add_peer(session: Session, name: str, key: str | None = None) -> ExchangePeer:
    """Register a peer office and the key you share with it (a new one if not given: give
    it to the peer's administrator)."""
    require(acting(session), Permission.MANAGE_USERS)
    name = name.strip()
    if not name:
        raise ValidationFailed([FieldError("name", N_("Office name"), N_("is required"))])
    if session.scalars(select(ExchangePeer).where(ExchangePeer.name == name)).first():
        raise ValidationFailed([FieldError("name", N_("Office name"), N_("is already taken"))])
    peer = ExchangePeer(name=name, key=key or new_key(), last_sent_seq=0)
    session.add(peer)
    session.flush()
    return peer


def peer_by_name(session: Session, name: str) -> ExchangePeer:
    peer = session.scalars(select(ExchangePeer).where(ExchangePeer.name == name)).first()
    if peer is None:
        raise NotFound(N_("No peer office is called “{name}”."), name=name)
    return peer


def peers(session: Session) -> list[ExchangePeer]:
    return list(session.scalars(select(ExchangePeer).order_by(ExchangePeer.name)))


# --- rows as JSON ---------------------------------------------------------------------------


def synced_tables() -> list:
    """The tables of every entity, parents before children."""
    entity_tables = {mapper.local_table for mapper in Base.registry.mappers
                     if issubclass(mapper.class_, Entity)}
    return [table for table in Base.metadata.sorted_tables if table in entity_tables]


def to_json(value):
    if isinstance(value, enum.Enum):
        return value.value
    if value is None or isinstance(value, (bool, int, float, str, dict, list)):
        return value
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode()}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def from_json(column, value):
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, Uuid):
        return uuid.UUID(value)
    if isinstance(kind, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return dt.date.fromisoformat(value)
    if isinstance(kind, LargeBinary):
        return base64.b64decode(value["base64"])
    if isinstance(kind, SAEnum) and kind.enum_class is not None:
        return kind.enum_class(value)
    if isinstance(kind, JSON):
        return value
    return value


def row_json(row) -> dict:
    return {key: to_json(value) for key, value in row._mapping.items()}


def _content(row: dict) -> dict:
    """A row without the bookkeeping that differs between offices."""
    return {k: v for k, v in row.items() if k not in ("version", "updated_at")}


# --- export ---------------------------------------------------------------------------------


def _changed_ids(session: Session, peer: ExchangePeer) -> dict[str, set[str]]:
    """Per table, the ids of records changed since the last package to the peer (every
    record for the first package)."""
    if not peer.last_sent_seq:
        return {}
    changed: dict[str, set[str]] = {}
    for table, entity_id in session.execute(
            select(AuditEntry.entity_type, AuditEntry.entity_id)
            .where(AuditEntry.seq > peer.last_sent_seq, AuditEntry.entity_id.is_not(None))):
        changed.setdefault(table, set()).add(entity_id)
    return changed


def _states(session: Session, peer: ExchangePeer) -> dict[tuple[str, str], int]:
    return {(s.entity_type, str(s.entity_id)): s.version for s in session.scalars(
        select(ExchangeState).where(ExchangeState.peer_id == peer.id))}


def _set_state(session: Session, peer: ExchangePeer, table: str, entity_id, version: int):
    state = session.get(ExchangeState, (peer.id, table, uuid.UUID(str(entity_id))))
    if state is None:
        session.add(ExchangeState(peer_id=peer.id, entity_type=table,
                                  entity_id=uuid.UUID(str(entity_id)), version=version))
    else:
        state.version = version


@dataclass
class ExportResult:
    data: bytes
    package_id: str
    records: int


def export_package(session: Session, peer_name: str, password: str | None = None,
                   now: dt.datetime | None = None) -> ExportResult:
    """The package of everything changed since the last package to `peer_name`. The caller
    commits the session once the file is written (the peer's watermark moves on)."""
    require(acting(session), Permission.EXPORT_REPORTS)
    sender = office_name(session)
    if not sender:
        raise ServiceError(N_("Set this office's exchange name first."))
    peer = peer_by_name(session, peer_name)
    now = (now or utcnow()).replace(tzinfo=None)
    changed = _changed_ids(session, peer)
    states = _states(session, peer)
    lines = []
    for table in synced_tables():
        query = select(table)
        if peer.last_sent_seq:
            ids = changed.get(table.name)
            if not ids:
                continue
            query = query.where(table.c.id.in_([uuid.UUID(i) for i in ids]))
        for row in session.execute(query):
            record = row_json(row)
            known = states.get((table.name, record["id"]))
            if known is not None and known == record["version"]:
                continue  # the peer has this version already
            lines.append(json.dumps({"table": table.name, "id": record["id"],
                                     "version": record["version"], "based_on": known,
                                     "row": record}, ensure_ascii=False, sort_keys=True))
    last_seq = session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc())
                              .limit(1)) or 0
    audit_lines = [json.dumps(row_json(row), ensure_ascii=False, sort_keys=True)
                   for row in session.execute(select(AuditEntry.__table__).where(
                       AuditEntry.seq > peer.last_sent_seq).order_by(AuditEntry.seq))]
    files = {"records.jsonl": "\n".join(lines).encode(),
             "audit.jsonl": "\n".join(audit_lines).encode()}
    package_id = str(uuid.uuid4())
    manifest = {
        "format": FORMAT, "package_id": package_id, "from": sender, "to": peer.name,
        "created_at": now.isoformat(), "records": len(lines),
        "audit_seq": [peer.last_sent_seq + 1, last_seq],
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    manifest["hmac"] = _signature(peer.key, manifest)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1))
        for name, data in files.items():
            archive.writestr(name, data)
    data = buffer.getvalue()
    if password:
        data = encrypt(data, password)
    # The peer's versions (the states) are known only from what it sends or accepts, not
    # from what is sent to it: a package may meet a conflict there.
    peer.last_sent_seq, peer.last_export_at = last_seq, now
    session.flush()
    return ExportResult(data, package_id, len(lines))


def _signature(key: str, manifest: dict) -> str:
    unsigned = {k: v for k, v in manifest.items() if k != "hmac"}
    canonical = json.dumps(unsigned, sort_keys=True, ensure_ascii=False).encode()
    return hmac.new(base64.b64decode(key), canonical, hashlib.sha256).hexdigest()


def _fernet(password: str, salt: bytes):
    from cryptography.fernet import Fernet

    key = hashlib.scrypt(password.encode(), salt=salt, dklen=32, maxmem=64 * 2**20, **SCRYPT)
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(data: bytes, password: str) -> bytes:
    salt = os.urandom(16)
    return ENCRYPTED_MAGIC + salt + _fernet(password, salt).encrypt(data)


def decrypt(data: bytes, password: str | None) -> bytes:
    from cryptography.fernet import InvalidToken

    if not data.startswith(ENCRYPTED_MAGIC):
        return data
    if not password:
        raise PackageRefused(N_("The package is encrypted: give its password."))
    salt = data[len(ENCRYPTED_MAGIC):len(ENCRYPTED_MAGIC) + 16]
    try:
        return _fernet(password, salt).decrypt(data[len(ENCRYPTED_MAGIC) + 16:])
    except InvalidToken:
        raise PackageRefused(N_("The password is wrong, or the package was changed.")) from None


# --- import ---------------------------------------------------------------------------------


@dataclass
class Package:
    manifest: dict
    records: list[dict]
    audit: list[dict]


def read_package(session: Session, data: bytes, password: str | None = None) -> Package:
    """Check a package without changing anything; PackageRefused says what is wrong."""
    data = decrypt(data, password)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            files = {name: archive.read(name) for name in manifest.get("files", {})}
    except (zipfile.BadZipFile, KeyError, ValueError, EOFError, zipfile.LargeZipFile):
        raise PackageRefused(N_("The file is not a complete exchange package: it is damaged "
                                "or cut short.")) from None
    if manifest.get("format") != FORMAT:
        raise PackageRefused(N_("The package was made by another version of the program."))
    receiver = office_name(session)
    if manifest.get("to") != receiver:
        raise PackageRefused(N_("The package is addressed to “{office}”, not to this office."),
                             office=manifest.get("to"))
    try:
        peer = peer_by_name(session, manifest.get("from", ""))
    except NotFound:
        raise PackageRefused(N_("The package comes from “{office}”, which is not a peer "
                                "office here."), office=manifest.get("from")) from None
    expected = _signature(peer.key, manifest)
    if not hmac.compare_digest(expected, str(manifest.get("hmac", ""))):
        raise PackageRefused(N_("The package's signature does not match: it was changed, or "
                                "the key shared with “{office}” is not the same."),
                             office=peer.name)
    for name, digest in manifest["files"].items():
        if hashlib.sha256(files[name]).hexdigest() != digest:
            raise PackageRefused(N_("The package's content does not match its manifest: it "
                                    "was changed."))
    if session.get(ImportedPackage, manifest["package_id"]) is not None:
        raise PackageRefused(N_("This package was imported already."))

    def lines(name: str) -> list[dict]:
        return [json.loads(line) for line in files[name].decode().splitlines() if line]

    return Package(manifest, lines("records.jsonl"), lines("audit.jsonl"))


@dataclass
class ImportResult:
    sender: str
    applied: int = 0
    unchanged: int = 0
    conflicts: int = 0


def import_package(session: Session, data: bytes, password: str | None = None,
                   now: dt.datetime | None = None) -> ImportResult:
    """Import a package in the caller's transaction (see the module's notes)."""
    require(acting(session), Permission.REGISTER)
    package = read_package(session, data, password)
    peer = peer_by_name(session, package.manifest["from"])
    now = (now or utcnow()).replace(tzinfo=None)
    tables = {table.name: table for table in synced_tables()}
    order = {name: index for index, name in enumerate(tables)}
    states = _states(session, peer)
    result = ImportResult(peer.name)
    for item in sorted(package.records, key=lambda i: (order[i["table"]], i["version"])):
        outcome = _apply(session, peer, tables[item["table"]], item,
                         states.get((item["table"], item["id"])), now)
        setattr(result, outcome, getattr(result, outcome) + 1)
    session.add(ImportedPackage(package_id=package.manifest["package_id"], peer_id=peer.id,
                                imported_at=now, records=len(package.records)))
    peer.last_import_at = now
    peer.last_package_created_at = dt.datetime.fromisoformat(package.manifest["created_at"])
    from kzmigdesk.services import audit

    audit.record(session, "exchange.import", None, None, {
        "package": package.manifest["package_id"], "from": peer.name,
        "records": len(package.records), "audit_entries": len(package.audit),
        "applied": result.applied, "conflicts": result.conflicts})
    session.flush()
    return result


def _apply(session: Session, peer: ExchangePeer, table, item: dict, known: int | None,
           now: dt.datetime) -> str:
    """Apply one record; returns "applied", "unchanged" or "conflicts"."""
    entity_id = uuid.UUID(item["id"])
    incoming = item["row"]
    values = {c.name: from_json(c, incoming.get(c.name)) for c in table.columns}
    local_row = session.execute(select(table).where(table.c.id == entity_id)).first()
    if local_row is None:
        session.execute(table.insert().values(**values))
        _after_write(session, table, values)
        _set_state(session, peer, table.name, entity_id, item["version"])
        return "applied"
    local = row_json(local_row)
    if _content(local) == _content(incoming):  # the same record: agree on the version too
        if item["version"] > local["version"]:
            session.execute(table.update().where(table.c.id == entity_id).values(
                version=values["version"], updated_at=values["updated_at"]))
        _set_state(session, peer, table.name, entity_id, max(local["version"], item["version"]))
        _close_conflicts(session, entity_id, now)
        return "unchanged"
    if known is not None and item["version"] <= known:
        return "unchanged"  # an old version: this office has had it already
    changed_here = known is None or local["version"] != known
    if changed_here and item.get("based_on") != local["version"]:
        open_conflict = session.scalars(select(ExchangeConflict).where(
            ExchangeConflict.entity_id == entity_id, ExchangeConflict.peer_id == peer.id,
            ExchangeConflict.incoming_version == item["version"],
            ExchangeConflict.resolved_at.is_(None))).first()
        if open_conflict is None:
            session.add(ExchangeConflict(peer_id=peer.id, entity_type=table.name,
                                         entity_id=entity_id, local=local, incoming=incoming,
                                         incoming_version=item["version"], detected_at=now))
        return "conflicts"
    session.execute(table.update().where(table.c.id == entity_id).values(**values))
    _after_write(session, table, values)
    _set_state(session, peer, table.name, entity_id, item["version"])
    _close_conflicts(session, entity_id, now)
    return "applied"


def _close_conflicts(session: Session, entity_id: uuid.UUID, now: dt.datetime) -> None:
    """The peer sent a version made after seeing this office's: its conflicts are over."""
    for conflict in session.scalars(select(ExchangeConflict).where(
            ExchangeConflict.entity_id == entity_id, ExchangeConflict.resolved_at.is_(None))):
        conflict.resolved_at, conflict.resolution = now, "peer"


def _after_write(session: Session, table, values: dict) -> None:
    """Keep what is derived from a record in step: a person's search tokens."""
    if table.name != "persons":
        return
    if values.get("deleted_at") is None:
        index_names(session, [(values["id"], (
            values["surname"], values["given_name"], values.get("patronymic"),
            values.get("surname_latin"), values.get("given_name_latin")))])
    else:
        unindex(session, values["id"])


# --- conflicts ------------------------------------------------------------------------------


def open_conflicts(session: Session) -> list[ExchangeConflict]:
    require(acting(session), Permission.OVERRIDE_QUOTA)
    return list(session.scalars(select(ExchangeConflict).where(
        ExchangeConflict.resolved_at.is_(None)).order_by(ExchangeConflict.detected_at)))


def resolve_conflict(session: Session, conflict_id: uuid.UUID, keep: str,
                     now: dt.datetime | None = None) -> None:
    """A supervisor's choice: keep "local" (this office's version, sent to the peer with the
    next package) or take "incoming" (the peer's). Either way the result gets a version
    above both, marked as having seen the peer's, so the peer takes it without a conflict."""
    require(acting(session), Permission.OVERRIDE_QUOTA)
    conflict = session.get(ExchangeConflict, conflict_id)
    if conflict is None or conflict.resolved_at is not None:
        raise NotFound(N_("The conflict no longer exists or was resolved."))
    if keep not in ("local", "incoming"):
        raise ValueError(keep)
    table = next(t for t in synced_tables() if t.name == conflict.entity_type)
    current = session.execute(select(table).where(table.c.id == conflict.entity_id)).first()
    version = max(current.version, conflict.incoming_version) + 1
    chosen = conflict.incoming if keep == "incoming" else row_json(current)
    values = {c.name: from_json(c, chosen.get(c.name)) for c in table.columns}
    values["version"] = version
    session.execute(table.update().where(table.c.id == conflict.entity_id).values(**values))
    _after_write(session, table, values)
    peer = session.get(ExchangePeer, conflict.peer_id)
    _set_state(session, peer, table.name, conflict.entity_id, conflict.incoming_version)
    from kzmigdesk.services import audit

    audit.record(session, "exchange.resolve", table.name, conflict.entity_id,
                 {"kept": keep, "peer": peer.name})
    conflict.resolved_at = (now or utcnow()).replace(tzinfo=None)
    conflict.resolution = keep
    session.flush()


# --- for the exchange window: the database in, read models out -------------------------------


@dataclass(frozen=True)
class PeerInfo:
    name: str
    last_package_created_at: dt.datetime | None  # when its last package imported here was made
    last_import_at: dt.datetime | None
    last_export_at: dt.datetime | None


@dataclass(frozen=True)
class Overview:
    office_name: str | None  # this office's exchange name; None: not set
    peers: tuple[PeerInfo, ...]
    open_conflicts: int | None  # None: the acting user may not see the conflicts


def overview(database: Database) -> Overview:
    with database.sessions() as session:
        found = tuple(PeerInfo(p.name, p.last_package_created_at, p.last_import_at,
                               p.last_export_at) for p in peers(session))
        try:
            count = len(open_conflicts(session))
        except ServiceError:
            count = None
        return Overview(office_name(session), found, count)


def export_to_file(database: Database, peer_name: str, password: str | None,
                   path: Path) -> ExportResult:
    """Write the package for `peer_name` to `path`; the peer's watermark moves only once the
    file is written (an OSError undoes it)."""
    with database.transaction() as session:
        result = export_package(session, peer_name, password)
        write_atomically(path, result.data)
    return result


def import_from_bytes(database: Database, data: bytes,
                      password: str | None = None) -> ImportResult:
    """Import a package in a transaction of its own: all of it, or nothing."""
    with database.transaction() as session:
        return import_package(session, data, password)


@dataclass(frozen=True)
class ConflictView:
    id: uuid.UUID
    peer_name: str
    entity_type: str
    entity_id: uuid.UUID
    detected_at: dt.datetime
    local: dict  # the record's fields here
    incoming: dict  # and at the peer


def conflicts(database: Database) -> list[ConflictView]:
    """The open conflicts, oldest first (supervisors only)."""
    with database.sessions() as session:
        found = open_conflicts(session)
        names = {p.id: p.name for p in peers(session)}
        return [ConflictView(c.id, names.get(c.peer_id, ""), c.entity_type, c.entity_id,
                             c.detected_at, c.local, c.incoming) for c in found]


def choose_version(database: Database, conflict_id: uuid.UUID, keep: str) -> None:
    """Resolve a conflict (see resolve_conflict) in a transaction of its own."""
    with database.transaction() as session:
        resolve_conflict(session, conflict_id, keep)
