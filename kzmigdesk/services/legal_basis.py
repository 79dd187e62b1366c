"""The legal basis for processing a person's data (issue 23): a law (registration, permits and
kandas status are required by the law on migration), the person's written consent, or a service
the person asked for; since a date, with a reference (the law's article, the consent's number)
and the signed paper as one of the person's scans (services/scans.py). Consent may be
withdrawn (a date): the record stays, with its withdrawal, and a new basis is a new record.

The person form shows the current basis and the registration card prints it. A clerk records
the bases of their own office's persons (REGISTER); everyone who may open the person sees
them."""

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import LegalBasis
from kzmigdesk.domain.models import Person, PersonLegalBasis, Scan
from kzmigdesk.i18n import N_
from kzmigdesk.services.auth import Permission, require_in
from kzmigdesk.services.errors import NotFound, ValidationFailed
from kzmigdesk.services.fields import field_errors

NO_PERSON = N_("The person no longer exists.")
LABELS = {"since": N_("Date"), "scan_id": N_("Scan"), "withdrawn_on": N_("Withdrawn on")}
_error = field_errors(LABELS)


@dataclass(frozen=True)
class BasisRow:
    id: uuid.UUID
    basis: LegalBasis
    since: dt.date
    reference: str | None
    scan_id: uuid.UUID | None
    scan_name: str | None
    withdrawn_on: dt.date | None

    @property
    def in_force(self) -> bool:
        return self.withdrawn_on is None


def _person(session: Session, person_id: uuid.UUID) -> Person:
    person = session.get(Person, person_id)
    if person is None or person.deleted_at is not None:
        raise NotFound(NO_PERSON)
    return person


def record_basis(session: Session, person_id: uuid.UUID, basis: LegalBasis | str,
                 since: dt.date | None, reference: str | None = None,
                 scan_id: uuid.UUID | None = None,
                 today: dt.date | None = None) -> PersonLegalBasis:
    """A new legal basis of the person (the earlier ones stay, as a history)."""
    person = _person(session, person_id)
    actor = require_in(session, Permission.REGISTER, person.office_id)
    today = today or dt.date.today()
    errors = []
    if since is None:
        errors.append(_error("since", N_("Enter the date.")))
    elif since > today:
        errors.append(_error("since", N_("The date cannot be in the future.")))
    if scan_id is not None:
        scan = session.get(Scan, scan_id)
        if scan is None or scan.deleted_at is not None or scan.person_id != person.id:
            errors.append(_error("scan_id", N_("Choose one of this person's scans.")))
    if errors:
        raise ValidationFailed(errors)
    record = PersonLegalBasis(person_id=person.id, basis=LegalBasis(basis), since=since,
                              reference=(reference or "").strip()[:200] or None,
                              scan_id=scan_id, office_id=person.office_id or actor.office_id)
    session.add(record)
    session.flush()
    return record


def withdraw(session: Session, basis_id: uuid.UUID, on: dt.date | None,
             today: dt.date | None = None) -> PersonLegalBasis:
    """The person withdrew their consent on `on` (only a consent can be withdrawn)."""
    record = session.get(PersonLegalBasis, basis_id)
    if record is None or record.deleted_at is not None:
        raise NotFound(N_("The record no longer exists."))
    person = _person(session, record.person_id)
    require_in(session, Permission.REGISTER, person.office_id)
    today = today or dt.date.today()
    if record.basis != LegalBasis.CONSENT:
        raise ValidationFailed([_error("withdrawn_on", N_(
            "Only a consent can be withdrawn; a basis in law ends with the law."))])
    if record.withdrawn_on is not None:
        raise ValidationFailed([_error("withdrawn_on", N_("The consent is withdrawn "
                                                              "already."))])
    if on is None or on > today or on < record.since:
        raise ValidationFailed([_error("withdrawn_on", N_(
            "The date of withdrawal must lie between the consent's date and today."))])
    record.withdrawn_on = on
    session.flush()
    return record


def bases_of(session: Session, person_id: uuid.UUID) -> list[BasisRow]:
    """The person's legal bases, the latest first."""
    rows = session.execute(
        select(PersonLegalBasis, Scan.file_name)
        .outerjoin(Scan, Scan.id == PersonLegalBasis.scan_id)
        .where(PersonLegalBasis.person_id == person_id, PersonLegalBasis.deleted_at.is_(None))
        .order_by(PersonLegalBasis.since.desc(), PersonLegalBasis.created_at.desc()))
    return [BasisRow(b.id, LegalBasis(b.basis), b.since, b.reference, b.scan_id, name,
                     b.withdrawn_on) for b, name in rows]


def current(session: Session, person_id: uuid.UUID) -> BasisRow | None:
    """The basis the person's data are processed on now: the latest in force, else the latest
    (withdrawn: the form and the card say so)."""
    rows = bases_of(session, person_id)
    return next((row for row in rows if row.in_force), rows[0] if rows else None)


# --- for the windows ---


def person_bases(database: Database, person_id: uuid.UUID) -> list[BasisRow]:
    with database.sessions() as session:
        return bases_of(session, person_id)


def current_basis(database: Database, person_id: uuid.UUID) -> BasisRow | None:
    with database.sessions() as session:
        return current(session, person_id)


def add_basis(database: Database, person_id: uuid.UUID, basis: LegalBasis, since: dt.date,
              reference: str | None = None, scan_id: uuid.UUID | None = None) -> uuid.UUID:
    with database.transaction() as session:
        return record_basis(session, person_id, basis, since, reference, scan_id).id


def withdraw_consent(database: Database, basis_id: uuid.UUID, on: dt.date) -> None:
    with database.transaction() as session:
        withdraw(session, basis_id, on)
