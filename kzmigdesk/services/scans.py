"""Scanned papers (a passport, a kandas certificate, a decision) attached to a person or to a
change request: PDF, JPEG or PNG, recognised by their first bytes (not by the file's name), at
most MAX_BYTES each, with their SHA-256. They are kept in the database (the `scans` table), so
a backup holds them and an exchange package carries them like any other record."""

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import AccessKind
from kzmigdesk.domain.models import ChangeRequest, Person, Scan, utcnow
from kzmigdesk.i18n import N_
from kzmigdesk.services import access
from kzmigdesk.services.auth import Permission, require_in
from kzmigdesk.services.errors import NotFound, ServiceError

MAX_BYTES = 10 * 2**20  # a scanned page or a few, at a readable resolution
# What a file begins with, and what it is then.
MAGIC = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"),
         (b"\x89PNG\r\n\x1a\n", "image/png"))
SUFFIXES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
SCAN_GONE = N_("The scan no longer exists.")


class ScanRefused(ServiceError):
    pass


def media_type(content: bytes) -> str | None:
    """The type of a PDF, JPEG or PNG file by its first bytes; None for anything else."""
    return next((kind for magic, kind in MAGIC if content.startswith(magic)), None)


def _check(content: bytes) -> str:
    if not content:
        raise ScanRefused(N_("The file is empty."))
    if len(content) > MAX_BYTES:
        raise ScanRefused(N_("The file is larger than {size} MB."), size=MAX_BYTES // 2**20)
    kind = media_type(content)
    if kind is None:
        raise ScanRefused(N_("Only PDF, JPEG and PNG files can be attached: this file is none "
                             "of them, whatever its name."))
    return kind


def attach(session: Session, content: bytes, file_name: str, person_id: uuid.UUID | None = None,
           request_id: uuid.UUID | None = None, description: str | None = None) -> Scan:
    """Attach a scan to a person or a change request (of the acting user's office)."""
    if person_id is not None:
        owner = session.get(Person, person_id)
    elif request_id is not None:
        owner = session.get(ChangeRequest, request_id)
    else:
        raise ValueError("a scan belongs to a person or a request")
    if owner is None:
        raise NotFound(N_("The record no longer exists."))
    require_in(session, Permission.REGISTER, owner.office_id)
    kind = _check(content)
    scan = Scan(person_id=person_id, request_id=request_id, file_name=Path(file_name).name[:255],
                media_type=kind, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                description=(description or "").strip()[:200] or None, content=content)
    session.add(scan)
    session.flush()
    return scan


def remove(session: Session, scan_id: uuid.UUID) -> None:
    scan = session.get(Scan, scan_id)
    if scan is None:
        raise NotFound(SCAN_GONE)
    owner = session.get(Person, scan.person_id) if scan.person_id else \
        session.get(ChangeRequest, scan.request_id)
    require_in(session, Permission.REGISTER, owner.office_id if owner else None)
    scan.deleted_at = utcnow()


@dataclass(frozen=True)
class ScanRow:
    id: uuid.UUID
    file_name: str
    media_type: str
    size: int
    sha256: str
    description: str | None
    added_on: dt.date


def scans_of(session: Session, person_id: uuid.UUID | None = None,
             request_id: uuid.UUID | None = None) -> list[ScanRow]:
    """A person's (or a request's) scans, the oldest first; their content is not read."""
    owner = Scan.person_id == person_id if person_id is not None else \
        Scan.request_id == request_id
    return [ScanRow(s.id, s.file_name, s.media_type, s.size, s.sha256, s.description,
                    s.created_at.date())
            for s in session.scalars(select(Scan).where(owner).order_by(Scan.created_at))]


def content_of(session: Session, scan_id: uuid.UUID) -> bytes:
    scan = session.scalars(select(Scan).where(Scan.id == scan_id)
                           .options(undefer(Scan.content))).first()
    if scan is None:
        raise NotFound(SCAN_GONE)
    return scan.content


# --- for the windows ---


def attach_file(database: Database, path: Path, person_id: uuid.UUID | None = None,
                request_id: uuid.UUID | None = None,
                description: str | None = None) -> uuid.UUID:
    """Attach the file at `path` (its size checked before it is read); the scan's id."""
    if path.stat().st_size > MAX_BYTES:
        raise ScanRefused(N_("The file is larger than {size} MB."), size=MAX_BYTES // 2**20)
    content = path.read_bytes()
    with database.transaction() as session:
        return attach(session, content, path.name, person_id, request_id, description).id


def list_scans(database: Database, person_id: uuid.UUID | None = None,
               request_id: uuid.UUID | None = None) -> list[ScanRow]:
    with database.sessions() as session:
        return scans_of(session, person_id, request_id)


def save_to(database: Database, scan_id: uuid.UUID, folder: Path) -> Path:
    """Write the scan to a file in `folder` (to open it with the system's viewer): its name,
    with the suffix of its type; the file's path."""
    with database.sessions() as session:
        scan = session.get(Scan, scan_id)
        if scan is None:
            raise NotFound(SCAN_GONE)
        content = content_of(session, scan_id)
        name = Path(scan.file_name).stem or "scan"
        path = folder / f"{name}-{str(scan.id)[:8]}{SUFFIXES[scan.media_type]}"
        person_id = scan.person_id
        if person_id is None:  # a change request's scan: of the person the request is about
            request = session.get(ChangeRequest, scan.request_id)
            person_id = request.target_id if request and request.target_type == "persons" \
                else None
    path.write_bytes(content)
    access.note(database, AccessKind.SCAN, [person_id], scan.file_name)  # issue 23
    return path


def remove_scan(database: Database, scan_id: uuid.UUID) -> None:
    with database.transaction() as session:
        remove(session, scan_id)
