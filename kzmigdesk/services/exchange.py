"""Offline exchange between offices by file (a USB stick or e-mail).

A package is a ZIP file: `manifest.json` (who sends it to whom, when, a package id, the
SHA-256 of each other file, and an HMAC-SHA256 of the manifest with the key the two offices
share), `records.jsonl` (the current row of every record changed since the last package to
that peer, soft deletions included) and `audit.jsonl` (the sender's audit entries since then).
With a password, the whole ZIP is encrypted (scrypt and AES, `cryptography`'s Fernet).

Import checks the package before anything is written: not bigger than the limits below (the
file before decryption; the members' bytes counted while they are inflated in chunks, not
only taken from the ZIP's headers, so a ZIP bomb is refused in bounded memory), the manifest
of the expected shape (every field's JSON type), readable (not truncated), HMAC right (not tampered
with, the right key), addressed to this office, not imported before, and every line of the
members of the expected shape. Then, in one transaction, record by record, in the order of
the tables' dependencies:

- a record new here is inserted;
- a record not changed here since the version both offices last had takes the newer one;
- a record changed here too becomes a conflict, kept with both sides for a supervisor,
  unless the sender has already seen this office's version (`based_on`);
- an older or equal version changes nothing, so importing twice, or an old package after a
  newer one, changes nothing;
- a change that needs approval here (a person's identity data, a case's decision on kandas
  status or citizenship, a permit's revocation, the deletion of a person, a case or a permit)
  by a role whose changes need approval here, that the sending office did not approve (no
  approved change request for it in the package), is kept as a change request for this
  office's supervisors instead, with the status history rows of a held decision
  (services/change_requests.py `hold_incoming`, `hold_history`).
"""

import base64
import datetime as dt
import enum
import hashlib
import hmac
import io
import json
import os
import re
import secrets
import struct
import uuid
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Uuid,
    and_,
    func,
    select,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from kzmigdesk import i18n
from kzmigdesk.db.session import Database, in_chunks
from kzmigdesk.domain.enums import AccessKind, UserRole
from kzmigdesk.domain.models import (
    AuditEntry,
    Base,
    Entity,
    ExchangeConflict,
    ExchangePeer,
    ExchangeState,
    ImportedPackage,
    LocalSetting,
    PeerAuditEntry,
    RecordOrigin,
    utcnow,
)
from kzmigdesk.files import write_atomically
from kzmigdesk.i18n import N_, _
from kzmigdesk.services import access, change_requests
from kzmigdesk.services.auth import Permission, acting, actor_may, require
from kzmigdesk.services.errors import FieldError, NotFound, ServiceError, ValidationFailed
from kzmigdesk.services.name_index import index_names, unindex

FORMAT = 1
OFFICE_NAME = "exchange.office_name"
ENCRYPTED_MAGIC = b"KZMX-ENC1"
SCRYPT = {"n": 2**15, "r": 8, "p": 1}
MEMBERS = ("records.jsonl", "audit.jsonl")
MIN_KEY_BYTES = 16  # a shared key has at least 128 bits

# What an import reads at most. A first package of an office of 1,000,000 persons (about
# 2.9 KB of records and 2.8 KB of audit entries a person: 5.7 GB inflated, 1 GB as a file,
# 1.3 GB encrypted) fits; a ZIP bomb is refused after reading at most MAX_RATIO times the
# package's size, in chunks, without keeping what it inflated.
MAX_PACKAGE_BYTES = 2 * 2**30  # the file as given, encrypted or not
MAX_MEMBER_BYTES = 4 * 2**30  # each member, inflated
MAX_TOTAL_BYTES = 8 * 2**30  # all members together, inflated
MAX_MANIFEST_BYTES = 2**20
MAX_RATIO = 100  # inflated bytes per byte of the package (real ones: 5 to 15)
RATIO_FREE_BYTES = 2**20  # a package inflating to less is never too compressed
CHUNK_BYTES = 2**20
READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, EOFError,
               zlib.error, struct.error, NotImplementedError, RuntimeError, OverflowError)


class PackageRefused(ServiceError):
    """The package was not imported; nothing changed."""


DAMAGED = N_("The file is not a complete exchange package: it is damaged or cut short.")
CHANGED = N_("The package's content does not match its manifest: it was changed.")
TOO_BIG = N_("The package is too big, or inflates to too much: it is not an exchange package "
             "this program made.")


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
    """A new shared key: 256 random bits, in base64."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def checked_key(key: str) -> str:
    """A key given by the peer's administrator, in base64 (as `new_key` prints it, or its
    URL-safe form, padding optional), as stored: standard base64 of at least 128 bits."""
    text = key.strip().replace("-", "+").replace("_", "/")
    try:
        raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except ValueError:
        raw = b""
    if len(raw) < MIN_KEY_BYTES:
        raise ValidationFailed([FieldError("key", N_("Key"), N_(
            "is not a key of at least 128 bits: give the key the other office printed"))])
    return base64.b64encode(raw).decode()


def add_peer(session: Session, name: str, key: str | None = None) -> ExchangePeer:
    """Register a peer office and the key you share with it (a new one if not given: give
    it to the peer's administrator)."""
    require(acting(session), Permission.MANAGE_USERS)
    name = name.strip()
    if not name:
        raise ValidationFailed([FieldError("name", N_("Office name"), N_("is required"))])
    if session.scalars(select(ExchangePeer).where(ExchangePeer.name == name)).first():
        raise ValidationFailed([FieldError("name", N_("Office name"), N_("is already taken"))])
    key = new_key() if key is None else checked_key(key)
    peer = ExchangePeer(name=name, key=key, last_sent_seq=0)
    session.add(peer)
    session.flush()
    return peer


SENDS = ("everything", "own")


def set_sends(session: Session, peer_name: str, sends: str) -> ExchangePeer:
    """What `peer_name` is sent from now on: "everything", or "own" (the records registered
    here or at the peer, or that came through it: a region to each of its districts)."""
    require(acting(session), Permission.MANAGE_USERS)
    if sends not in SENDS:
        raise ValidationFailed([FieldError("sends", N_("Sent to the office"),
                                           N_("is not one of the choices"))])
    peer = peer_by_name(session, peer_name)
    peer.sends = sends
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
    """A row without the bookkeeping that differs between offices (the reference data that
    each office's migrations seed carries each its own creation time)."""
    return {k: v for k, v in row.items() if k not in ("version", "updated_at", "created_at")}


# --- export ---------------------------------------------------------------------------------


def _changed_ids(session: Session, since: int) -> dict[str, set[str]]:
    """Per table, the ids of records changed after audit entry `since` (0: every record)."""
    if not since:
        return {}
    changed: dict[str, set[str]] = {}
    for table, entity_id in session.execute(
            select(AuditEntry.entity_type, AuditEntry.entity_id)
            .where(AuditEntry.seq > since, AuditEntry.entity_id.is_not(None))):
        changed.setdefault(table, set()).add(entity_id)
    return changed


def _received_ids(session: Session, peer: ExchangePeer) -> dict[str, set[str]]:
    """Per table, the records that arrived from other offices since the last package to
    `peer`: a region passes its districts' records on (issue 25). An import writes no audit
    entry per record, so _changed_ids does not see them."""
    received: dict[str, set[str]] = {}
    if peer.last_export_at is None:
        return received
    for table, entity_id in session.execute(
            select(RecordOrigin.entity_type, RecordOrigin.entity_id)
            .where(RecordOrigin.received_at >= peer.last_export_at)):
        received.setdefault(table, set()).add(str(entity_id))
    return received


def _provenance(own_name: str, row) -> tuple[str, list[str], str | None]:
    """(the office that registered the record, the offices its version came through, the
    role of that version's author): the origin kept when it arrived, else this office; the
    path and role only while the record is as it arrived (a change here makes the version
    this office's, in its own trail)."""
    mapping = row._mapping
    if mapping["_origin"] is None:
        return own_name, [], None
    if mapping["_origin_version"] != mapping["version"]:
        return mapping["_origin"], [], None
    return mapping["_origin"], list(mapping["_path"]), mapping["_author_role"]


def _sent_to(peer: ExchangePeer, own_name: str, origin: str, path: list[str]) -> bool:
    """Whether a record of `origin` that came by `path` goes to `peer` (its `sends`)."""
    return (peer.sends != "own" or origin in (own_name, peer.name) or peer.name in path)


def _states(session: Session, peer: ExchangePeer) -> dict[tuple[str, str], int]:
    return {(s.entity_type, str(s.entity_id)): s.version for s in session.scalars(
        select(ExchangeState).where(ExchangeState.peer_id == peer.id))}


LEDGER = "exchange.ledger"  # during an import: the peer's states and the records' origins


def _set_state(session: Session, peer: ExchangePeer, table: str, entity_id, version: int):
    key = (table, uuid.UUID(str(entity_id)))
    ledger = session.info.get(LEDGER)
    state = ledger.states.get(key) if ledger else session.get(ExchangeState, (peer.id, *key))
    if state is None:
        state = ExchangeState(peer_id=peer.id, entity_type=table, entity_id=key[1],
                              version=version)
        session.add(state)
        if ledger:
            ledger.states[key] = state
    else:
        state.version = version


@dataclass
class _Ledger:
    """What an import reads once instead of record by record (a query each would flush the
    session each time): the peer's states, the package's records' origins."""

    states: dict
    origins: dict

    @classmethod
    def read(cls, session: Session, peer: ExchangePeer, records: list[dict]) -> "_Ledger":
        states = {(s.entity_type, s.entity_id): s for s in session.scalars(
            select(ExchangeState).where(ExchangeState.peer_id == peer.id))}
        ids = sorted({uuid.UUID(item["id"]) for item in records})
        origins = {}
        for start in range(0, len(ids), 500):
            for kept in session.scalars(select(RecordOrigin).where(
                    RecordOrigin.entity_id.in_(ids[start:start + 500]))):
                origins[(kept.entity_type, kept.entity_id)] = kept
        return cls(states, origins)


@dataclass
class ExportResult:
    data: bytes
    package_id: str
    records: int


def export_package(session: Session, peer_name: str, password: str | None = None,
                   now: dt.datetime | None = None, everything: bool = False) -> ExportResult:
    """The package of everything changed since the last package to `peer_name`; with
    `everything`, of every record the peer has not confirmed and the whole audit trail (when
    a package was lost or refused on the way: the peer's import says so). The caller commits
    the session once the file is written (the peer's watermark moves on)."""
    require(acting(session), Permission.EXPORT_REPORTS)
    if password is not None and not password:
        raise ServiceError(N_("The password is empty: give one, or none for a package that is "
                              "not encrypted."))
    sender = office_name(session)
    if not sender:
        raise ServiceError(N_("Set this office's exchange name first."))
    peer = peer_by_name(session, peer_name)
    now = (now or utcnow()).replace(tzinfo=None)
    since = 0 if everything else peer.last_sent_seq
    changed = _changed_ids(session, since)
    if since:
        for table, ids in _received_ids(session, peer).items():
            changed.setdefault(table, set()).update(ids)
    states = _states(session, peer)
    lines = []
    exported: list[uuid.UUID] = []
    for table in synced_tables():
        query = select(table, RecordOrigin.origin.label("_origin"),
                       RecordOrigin.path.label("_path"),
                       RecordOrigin.version.label("_origin_version"),
                       RecordOrigin.author_role.label("_author_role")).outerjoin(
            RecordOrigin, and_(RecordOrigin.entity_type == table.name,
                               RecordOrigin.entity_id == table.c.id))
        if since:
            ids = changed.get(table.name)
            if not ids:
                continue
            query = query.where(table.c.id.in_([uuid.UUID(i) for i in ids]))
        for row in session.execute(query):
            origin, path, role = _provenance(sender, row)
            if not _sent_to(peer, sender, origin, path):
                continue
            record = {c.name: to_json(row._mapping[c.name]) for c in table.columns}
            known = states.get((table.name, record["id"]))
            if known is not None and known == record["version"]:
                continue  # the peer has this version already
            lines.append(json.dumps({"table": table.name, "id": record["id"],
                                     "version": record["version"], "based_on": known,
                                     "row": record, "origin": origin, "path": path,
                                     "role": role},
                                    ensure_ascii=False, sort_keys=True))
            if table.name == "persons":
                exported.append(uuid.UUID(record["id"]))
    # The persons whose records leave in the package, in the access log (issue 23).
    access.record_now(session, AccessKind.EXPORT, exported, peer_name)
    last_seq = session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc())
                              .limit(1)) or 0
    audit_lines = [json.dumps(row_json(row), ensure_ascii=False, sort_keys=True)
                   for row in session.execute(select(AuditEntry.__table__).where(
                       AuditEntry.seq > since).order_by(AuditEntry.seq))]
    files = {"records.jsonl": "\n".join(lines).encode(),
             "audit.jsonl": "\n".join(audit_lines).encode()}
    package_id = str(uuid.uuid4())
    manifest = {
        "format": FORMAT, "package_id": package_id, "from": sender, "to": peer.name,
        "created_at": now.isoformat(), "records": len(lines),
        "audit_seq": [since + 1, last_seq],
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    }
    from kzmigdesk.services import audit

    manifest["anchor"] = audit.anchor_sent(session, peer, package_id)  # issue 22
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
        if password is not None:
            raise PackageRefused(N_("The package is not encrypted: import it without a "
                                    "password."))
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
    if len(data) > MAX_PACKAGE_BYTES:
        raise PackageRefused(TOO_BIG)
    data = decrypt(data, password)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            if "manifest.json" not in names:
                raise PackageRefused(DAMAGED)
            manifest_bytes = _inflate(archive, "manifest.json", MAX_MANIFEST_BYTES)
            try:
                manifest = json.loads(manifest_bytes)
            except (ValueError, RecursionError):
                raise PackageRefused(DAMAGED) from None
            _check_manifest(manifest)
            _check_sender(session, manifest)
            if sorted(names) != sorted(("manifest.json", *MEMBERS)):
                raise PackageRefused(CHANGED)
            # The headers' sizes first (cheap), then the bytes themselves, counted: a first
            # pass keeps nothing but their digests; the second reads the lines.
            allowed = min(max(MAX_RATIO * len(data), RATIO_FREE_BYTES), MAX_TOTAL_BYTES)
            if _declared_size(archive) > allowed:
                raise PackageRefused(TOO_BIG)
            total = 0
            for name in MEMBERS:
                digest = hashlib.sha256()
                total += _inflate(archive, name, min(MAX_MEMBER_BYTES, allowed - total),
                                  digest.update)
                if digest.hexdigest() != manifest["files"][name]:
                    raise PackageRefused(CHANGED)
            tables = {table.name: table for table in synced_tables()}
            records = _lines(archive, "records.jsonl", lambda item: _check_record(item, tables))
            audit = _lines(archive, "audit.jsonl",
                           lambda entry: _check_row(AuditEntry.__table__, entry))
    except READ_ERRORS:
        raise PackageRefused(DAMAGED) from None
    if len(records) != manifest["records"]:
        raise PackageRefused(CHANGED)
    return Package(manifest, records, audit)


def load_package(path: Path) -> bytes:
    """A package file's bytes, if it is not too big to be one (OSError if unreadable)."""
    if path.stat().st_size > MAX_PACKAGE_BYTES:
        raise PackageRefused(TOO_BIG)
    return path.read_bytes()


def _declared_size(archive: zipfile.ZipFile) -> int:
    """What the ZIP's headers say its members inflate to (what a bomb may lie about)."""
    return sum(info.file_size for info in archive.infolist())


def _inflate(archive: zipfile.ZipFile, name: str, limit: int, sink=None) -> bytes | int:
    """A member's bytes (or, with `sink`, their count, each chunk given to `sink`), read in
    chunks and refused past `limit` bytes."""
    parts, size = [], 0
    with archive.open(name) as member:
        while chunk := member.read(CHUNK_BYTES):
            size += len(chunk)
            if size > limit:
                raise PackageRefused(TOO_BIG)
            if sink is None:
                parts.append(chunk)
            else:
                sink(chunk)
    return size if sink is not None else b"".join(parts)


def _lines(archive: zipfile.ZipFile, name: str, check) -> list[dict]:
    """The member's JSON lines, each checked by `check` (False: not of the expected shape;
    or the name of the wrong field)."""
    found = []
    with archive.open(name) as member:
        number = 0
        lines = io.TextIOWrapper(member, encoding="utf-8", newline="\n")
        while True:
            number += 1
            try:
                line = next(lines, None)
                if line is None:
                    break
                if not line.strip():
                    continue
                value = json.loads(line)
            except (ValueError, RecursionError):
                value = None
            wrong = check(value) if isinstance(value, dict) else False
            if wrong is False:
                raise PackageRefused(N_("The package's file {file} is not valid: line {line} "
                                        "is not of the expected shape."),
                                     file=name, line=number)
            if wrong:
                raise PackageRefused(N_("The package's file {file} is not valid: line {line}, "
                                        "“{field}” is missing or wrong."),
                                     file=name, line=number, field=wrong)
            found.append(value)
    return found


# --- the shapes of a package's JSON ---------------------------------------------------------

HEX64 = re.compile(r"[0-9a-f]{64}")


def _is_int(value, low: int = -2**63) -> bool:
    return type(value) is int and low <= value < 2**63


def _is_text(value, length: int = 1000) -> bool:
    return isinstance(value, str) and 0 < len(value) <= length and "\x00" not in value


def _is_uuid(value) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value
    except ValueError:
        return False


def _is_datetime(value) -> bool:
    try:
        return isinstance(value, str) and len(value) <= 40 and bool(
            dt.datetime.fromisoformat(value))
    except ValueError:
        return False


MANIFEST_FIELDS = {
    "format": _is_int,
    "package_id": _is_uuid,
    "from": _is_text,
    "to": _is_text,
    "created_at": _is_datetime,
    "records": lambda value: _is_int(value, 0),
    "audit_seq": lambda value: (isinstance(value, list) and len(value) == 2
                                and all(_is_int(seq, 0) for seq in value)),
    "files": lambda value: (isinstance(value, dict) and sorted(value) == sorted(MEMBERS)
                            and all(isinstance(digest, str) and HEX64.fullmatch(digest)
                                    for digest in value.values())),
    "hmac": lambda value: isinstance(value, str) and bool(HEX64.fullmatch(value)),
}


class ManifestNotValid(PackageRefused):
    def __init__(self, problem: str, **details):
        super().__init__(N_("The package's manifest is not valid: {problem}"), problem=problem)
        self.details = details

    def message(self) -> str:
        return _(self.msgid).format(problem=_(self.params["problem"]).format(**self.details))


# Fields a manifest may have (packages of earlier versions do not): the sender's audit chain
# head, kept by the receiver (services/audit.py, anchors).
OPTIONAL_MANIFEST_FIELDS = {
    "anchor": lambda value: (isinstance(value, dict) and sorted(value) == ["hash", "seq"]
                             and _is_int(value["seq"], 0) and isinstance(value["hash"], str)
                             and bool(HEX64.fullmatch(value["hash"]))),
}


def _check_manifest(manifest) -> None:
    """Refused unless the manifest has every field, of its JSON type, and nothing else."""
    if not isinstance(manifest, dict):
        raise ManifestNotValid(N_("it is not a JSON object."))
    if _is_int(manifest.get("format")) and manifest["format"] != FORMAT:
        raise PackageRefused(N_("The package was made by another version of the program."))
    for field, valid in MANIFEST_FIELDS.items():
        if field not in manifest or not valid(manifest[field]):
            raise ManifestNotValid(N_("“{field}” is missing or wrong."), field=field)
    for field in manifest:
        if field in OPTIONAL_MANIFEST_FIELDS and not OPTIONAL_MANIFEST_FIELDS[field](
                manifest[field]):
            raise ManifestNotValid(N_("“{field}” is missing or wrong."), field=field)
        if field not in MANIFEST_FIELDS and field not in OPTIONAL_MANIFEST_FIELDS:
            raise ManifestNotValid(N_("it has an unknown field “{field}”."), field=field[:50])


def _check_sender(session: Session, manifest: dict) -> ExchangePeer:
    """The peer that signed the manifest, if it is addressed here and not imported before."""
    receiver = office_name(session)
    if manifest["to"] != receiver:
        raise PackageRefused(N_("The package is addressed to “{office}”, not to this office."),
                             office=manifest["to"])
    try:
        peer = peer_by_name(session, manifest["from"])
    except NotFound:
        raise PackageRefused(N_("The package comes from “{office}”, which is not a peer "
                                "office here."), office=manifest["from"]) from None
    expected = _signature(peer.key, manifest)
    if not hmac.compare_digest(expected, manifest["hmac"]):
        raise PackageRefused(N_("The package's signature does not match: it was changed, or "
                                "the key shared with “{office}” is not the same."),
                             office=peer.name)
    if session.get(ImportedPackage, manifest["package_id"]) is not None:
        raise PackageRefused(N_("This package was imported already."))
    return peer


RECORD_FIELDS = {"table", "id", "version", "based_on", "row"}
# where the record comes from (issue 25; packages of earlier versions have neither)
OPTIONAL_RECORD_FIELDS = {"origin", "path", "role"}
MAX_PATH = 20  # offices a record may come through


def _check_record(item: dict, tables: dict):
    """None if `item` is a record line of a known table with a row of the right types; else
    the wrong field's name (or False)."""
    if not RECORD_FIELDS <= set(item) <= RECORD_FIELDS | OPTIONAL_RECORD_FIELDS \
            or item["table"] not in tables:
        return False
    if "origin" in item and not (_is_text(item["origin"], 100) and item["origin"]):
        return "origin"
    path = item.get("path", [])
    if not (isinstance(path, list) and len(path) <= MAX_PATH
            and all(_is_text(office, 100) and office for office in path)):
        return "path"
    if item.get("role") not in (None, *(role.value for role in UserRole)):
        return "role"
    if not _is_uuid(item["id"]):
        return "id"
    if not _is_int(item["version"], 1):
        return "version"
    if item["based_on"] is not None and not _is_int(item["based_on"]):
        return "based_on"
    row = item["row"]
    if not isinstance(row, dict):
        return "row"
    if (row.get("id"), row.get("version")) != (item["id"], item["version"]):
        return "row"
    return _check_row(tables[item["table"]], row)


def _check_row(table, row: dict):
    """None if every column of `table` has a value of its type in `row`; else its name."""
    for column in table.columns:
        if not _fits(column, row.get(column.name)):
            return column.name
    return None


def _fits(column, value) -> bool:
    """Whether a JSON value is one `from_json` turns into a value of the column."""
    if value is None:
        return column.nullable
    kind = column.type
    try:
        if isinstance(kind, (Uuid, DateTime, Date)):
            return isinstance(value, str) and len(value) <= 40 and from_json(
                column, value) is not None
        if isinstance(kind, LargeBinary):
            return (isinstance(value, dict) and isinstance(value.get("base64"), str)
                    and base64.b64decode(value["base64"], validate=True) is not None)
        if isinstance(kind, SAEnum) and kind.enum_class is not None:
            return isinstance(value, str) and from_json(column, value) is not None
        if isinstance(kind, Boolean):
            return type(value) is bool
        if isinstance(kind, Integer):
            return _is_int(value)
        if isinstance(kind, (Numeric, Float)):
            return type(value) in (int, float)
        if isinstance(kind, String):  # Text too
            return isinstance(value, str) and "\x00" not in value and (
                kind.length is None or len(value) <= kind.length)
    except ValueError:
        return False
    return True  # JSON


@dataclass
class ImportResult:
    sender: str
    applied: int = 0
    unchanged: int = 0
    conflicts: int = 0
    held: int = 0  # records changed without the sending office's approval, kept in change requests
    # audit entries of the sender (first, last) that no package brought: a package was lost
    missing: tuple[int, int] | None = None


def _missing_entries(session: Session, peer: ExchangePeer, first: int
                     ) -> tuple[int, int] | None:
    """The sender's audit entries between those kept here and the package's `first`, which
    no package brought (None: none). A peer whose packages came before the trails were kept
    (imported packages, no entry) cannot be checked."""
    kept = session.scalar(select(func.max(PeerAuditEntry.seq))
                          .where(PeerAuditEntry.peer_id == peer.id))
    if kept is None and session.scalar(select(func.count()).select_from(ImportedPackage)
                                       .where(ImportedPackage.peer_id == peer.id)):
        return None
    kept = kept or 0
    return (kept + 1, first - 1) if first > kept + 1 else None


def missing_message(result: ImportResult) -> str:
    """What to do about a lost package ("" when none was lost)."""
    if result.missing is None:
        return ""
    return _("Some of {sender}'s changes never arrived (audit entries {first} to {last}): a "
             "package from there was lost or refused. Ask {sender} to export with “Send "
             "everything again”.").format(sender=result.sender,
                                          first=i18n.format_number(result.missing[0]),
                                          last=i18n.format_number(result.missing[1]))


def import_package(session: Session, data: bytes, password: str | None = None,
                   now: dt.datetime | None = None) -> ImportResult:
    """Import a package in the caller's transaction (see the module's notes)."""
    require(acting(session), Permission.IMPORT_PACKAGES)
    package = read_package(session, data, password)
    peer = peer_by_name(session, package.manifest["from"])
    now = (now or utcnow()).replace(tzinfo=None)
    tables = {table.name: table for table in synced_tables()}
    order = {name: index for index, name in enumerate(tables)}
    ledger = _Ledger.read(session, peer, package.records)
    states = {(table, str(entity_id)): state.version
              for (table, entity_id), state in ledger.states.items()}
    result = ImportResult(peer.name)
    result.missing = _missing_entries(session, peer, package.manifest["audit_seq"][0])
    change_requests.note_package_approvals(session, package.records, package.audit)
    session.info.pop(KNOWN_USERS, None)
    session.info.pop(change_requests.HELD, None)
    session.info[LEDGER] = ledger
    session.info[NAMES_TO_INDEX] = {}
    try:
        session.info[LOCAL_ROWS] = _local_rows(session, tables, package.records)
        # The states and origins are written once, after the records (the ledger holds
        # them meanwhile), not flushed before each record's query
        with session.no_autoflush:
            for item in sorted(package.records,
                               key=lambda i: (order[i["table"]], i["version"])):
                outcome = _apply(session, peer, tables[item["table"]], item,
                                 states.get((item["table"], item["id"])), now)
                setattr(result, outcome, getattr(result, outcome) + 1)
                if outcome in ("applied", "held"):
                    _keep_origin(session, peer, item, now, ledger.origins)
            _index(session, session.info.pop(NAMES_TO_INDEX))
        session.flush()
    except (IntegrityError, DataError) as error:
        raise PackageRefused(N_("The package's records do not fit this database: {problem}"),
                             problem=str(error.orig).splitlines()[0]) from None
    finally:
        session.info.pop(KNOWN_USERS, None)
        session.info.pop(change_requests.HELD, None)
        session.info.pop(LEDGER, None)
        session.info.pop(NAMES_TO_INDEX, None)
        session.info.pop(LOCAL_ROWS, None)
    from kzmigdesk.services import retention

    change_requests.keep_held_decisions(session)  # a household waits with its case
    retention.apply_received(session, package.records)  # purges travel (issue 23)
    session.add(ImportedPackage(package_id=package.manifest["package_id"], peer_id=peer.id,
                                imported_at=now, records=len(package.records)))
    peer.last_import_at = now
    peer.last_package_created_at = dt.datetime.fromisoformat(package.manifest["created_at"])
    from kzmigdesk.services import audit

    audit.anchor_received(session, peer, package.manifest["package_id"],  # issue 22
                          package.manifest.get("anchor"), package.audit)
    audit.record(session, "exchange.import", None, None, {
        "package": package.manifest["package_id"], "from": peer.name,
        "records": len(package.records), "audit_entries": len(package.audit),
        "applied": result.applied, "conflicts": result.conflicts,
        "missing": list(result.missing) if result.missing else None})
    session.flush()
    return result


def _apply(session: Session, peer: ExchangePeer, table, item: dict, known: int | None,
           now: dt.datetime) -> str:
    """Apply one record; returns "applied", "unchanged" or "conflicts"."""
    entity_id = uuid.UUID(item["id"])
    incoming = item["row"]
    values = {c.name: from_json(c, incoming.get(c.name)) for c in table.columns}
    drop_unknown_users(session, table, values)
    local_row = _local_row(session, table, entity_id)
    if local_row is None:
        if change_requests.hold_history(session, table.name, incoming):
            _set_state(session, peer, table.name, entity_id, item["version"])
            return "held"
        session.execute(table.insert(), values)
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
    if change_requests.hold_incoming(session, peer.name, table.name, local, incoming,
                                     item["version"]):
        _set_state(session, peer, table.name, entity_id, item["version"])
        return "held"
    session.execute(table.update().where(table.c.id == entity_id).values(**values))
    _after_write(session, table, values)
    _set_state(session, peer, table.name, entity_id, item["version"])
    _close_conflicts(session, entity_id, now)
    return "applied"


LOCAL_ROWS = "exchange.local_rows"  # during an import: (table, id) → this office's row


def _local_rows(session: Session, tables: dict, records: list[dict]) -> dict:
    """This office's rows of the package's records, read a thousand at a time before they
    are applied (not one query a record); None for those it does not have."""
    ids: dict[str, set[uuid.UUID]] = {}
    for item in records:
        ids.setdefault(item["table"], set()).add(uuid.UUID(item["id"]))
    rows: dict = {}
    for name, table_ids in ids.items():
        table = tables[name]
        rows.update({(name, entity_id): None for entity_id in table_ids})
        for chunk in in_chunks(list(table_ids)):
            rows.update({(name, row.id): row for row in session.execute(
                select(table).where(table.c.id.in_(chunk)))})
    return rows


def _local_row(session: Session, table, entity_id: uuid.UUID):
    """This office's row of a record: as read before the import began, once (a second
    version of the record in the package finds the first one written: read again)."""
    key = (table.name, entity_id)
    known = session.info.get(LOCAL_ROWS)
    if known is not None and key in known:
        return known.pop(key)
    return session.execute(select(table).where(table.c.id == entity_id)).first()


def _keep_origin(session: Session, peer: ExchangePeer, item: dict, now: dt.datetime,
                 origins: dict) -> None:
    """Where the record came from: the office that registered it (kept from its first
    arrival) and the offices this version came through, the sender last. `origins`: those
    kept, by (table, id) (_Ledger)."""
    key = (item["table"], uuid.UUID(item["id"]))
    kept = origins.get(key)
    path = [*item.get("path", []), peer.name][-MAX_PATH:]
    role = change_requests.author_role(session, item["id"])
    if kept is None:
        origins[key] = RecordOrigin(entity_type=key[0], entity_id=key[1],
                                    origin=item.get("origin") or peer.name, path=path,
                                    version=item["version"], author_role=role, received_at=now)
        session.add(origins[key])
    else:
        kept.path, kept.version, kept.author_role = path, item["version"], role
        kept.received_at = now


def origin_of(session: Session, table: str, entity_id: uuid.UUID) -> tuple[str, list[str]]:
    """(the office that registered a record, the offices it came through here); this
    office and none for a record registered here."""
    kept = session.get(RecordOrigin, (table, entity_id))
    if kept is None:
        return office_name(session) or "", []
    return kept.origin, list(kept.path)


KNOWN_USERS = "exchange.known_users"  # during an import: user id → known here


def drop_unknown_users(session: Session, table, values: dict) -> None:
    """Users travel before the records naming them (a case's owner, the clerk of a status
    change); a user this office still does not know is left out of the record (the case
    arrives unassigned) rather than failing the whole import."""
    for column in table.columns:
        value = values.get(column.name)
        if value is None or not any(key.column.table.name == "users"
                                    for key in column.foreign_keys):
            continue
        known = session.info.setdefault(KNOWN_USERS, {})
        if value not in known:
            users = Base.metadata.tables["users"]
            known[value] = session.execute(
                select(users.c.id).where(users.c.id == value)).first() is not None
        if not known[value]:
            values[column.name] = None


def _close_conflicts(session: Session, entity_id: uuid.UUID, now: dt.datetime) -> None:
    """The peer sent a version made after seeing this office's: its conflicts are over."""
    for conflict in session.scalars(select(ExchangeConflict).where(
            ExchangeConflict.entity_id == entity_id, ExchangeConflict.resolved_at.is_(None))):
        conflict.resolved_at, conflict.resolution = now, "peer"


NAMES_TO_INDEX = "exchange.names_to_index"  # during an import: person id → names, or None


def _after_write(session: Session, table, values: dict) -> None:
    """Keep what is derived from a record in step: a person's search tokens; during an
    import, written once for all the package's persons after its records (one person at a
    time cost some ten statements each: a third of an import's time)."""
    if table.name != "persons":
        return
    names = None if values.get("deleted_at") is not None else (
        values["surname"], values["given_name"], values.get("patronymic"),
        values.get("surname_latin"), values.get("given_name_latin"))
    pending = session.info.get(NAMES_TO_INDEX)
    if pending is not None:
        pending[values["id"]] = names  # the last version written wins
    else:
        _index(session, {values["id"]: names})


def _index(session: Session, names: dict) -> None:
    """Index these persons' names (None: a deleted person, unindexed)."""
    named = [(person_id, person_names) for person_id, person_names in names.items()
             if person_names is not None]
    if named:
        index_names(session, named)
    for person_id in (person_id for person_id, person_names in names.items()
                      if person_names is None):
        unindex(session, person_id)


# --- conflicts ------------------------------------------------------------------------------


def open_conflicts(session: Session) -> list[ExchangeConflict]:
    require(acting(session), Permission.IMPORT_PACKAGES)
    return list(session.scalars(select(ExchangeConflict).where(
        ExchangeConflict.resolved_at.is_(None)).order_by(ExchangeConflict.detected_at)))


def resolve_conflict(session: Session, conflict_id: uuid.UUID, keep: str,
                     now: dt.datetime | None = None) -> None:
    """A supervisor's choice: keep "local" (this office's version, sent to the peer with the
    next package) or take "incoming" (the peer's). Either way the result gets a version
    above both, marked as having seen the peer's, so the peer takes it without a conflict."""
    require(acting(session), Permission.IMPORT_PACKAGES)
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
    may_export: bool  # the acting user may export packages
    may_import: bool  # and import them


def overview(database: Database) -> Overview:
    with database.sessions() as session:
        found = tuple(PeerInfo(p.name, p.last_package_created_at, p.last_import_at,
                               p.last_export_at) for p in peers(session))
        try:
            count = len(open_conflicts(session))
        except ServiceError:
            count = None
        actor = acting(session)
        return Overview(office_name(session), found, count,
                        actor_may(actor, Permission.EXPORT_REPORTS),
                        actor_may(actor, Permission.IMPORT_PACKAGES))


def export_to_file(database: Database, peer_name: str, password: str | None,
                   path: Path, everything: bool = False) -> ExportResult:
    """Write the package for `peer_name` to `path`; the peer's watermark moves only once the
    file is written (an OSError undoes it)."""
    with database.transaction() as session:
        result = export_package(session, peer_name, password, everything=everything)
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
