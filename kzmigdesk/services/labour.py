"""Foreign labour: employers, work permits and the rules of their life cycle.

Plain functions on a SQLAlchemy session; the caller owns the transaction. Messages are msgids,
translated when shown (see services/errors.py).

The app's rules on how long a permit may run (checked when it is issued, and again for each
extension, which may add at most the same length after the current last valid day):

- seasonal agricultural work: at most 12 months;
- intra-corporate transfer: at most 3 years;
- categories 1, 2 and 3: at most 3 years;
- category 4: at most 1 year.

A term of N months starting on a day ends on the day before the same date N months later
(2025-01-01 + 12 months runs to 2025-12-31 inclusive); `valid_to` is the last valid day.
"""

import calendar
import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import PermitCategory, PermitStatus, PersonCategory, label
from kzmigdesk.domain.identifiers import (
    IdentifierError,
    normalized,
    normalized_line,
    validate_bin,
)
from kzmigdesk.domain.models import Employer, PermitStatusChange, Person, User, WorkPermit
from kzmigdesk.i18n import N_, _
from kzmigdesk.services import audit, change_requests, ownership, quotas, violations
from kzmigdesk.services.auth import Permission, acting_user_id, require_in
from kzmigdesk.services.errors import (
    FieldError,
    NotFound,
    ServiceError,
    TransitionNotAllowed,
    ValidationFailed,
)
from kzmigdesk.services.fields import REQUIRED, clean, field_errors
from kzmigdesk.services.list_pages import (
    Listing,
    Walk,
    any_of,
    first_listing,
    page_ids,
    page_order,
    person_condition,
)
from kzmigdesk.services.ownership import default_owner
from kzmigdesk.services.person_search import (
    ROW_COLUMNS,
    PersonRow,
    prefix_range,
    region_names,
    search_persons,
)
from kzmigdesk.services.quotas import QuotaKind

# --- who needs a permit ---------------------------------------------------------------------

# Member states of the Eurasian Economic Union besides Kazakhstan: their citizens work in
# Kazakhstan without a work permit.
EAEU_COUNTRIES = frozenset({"AM", "BY", "KG", "RU"})
KAZAKHSTAN = "KZ"


def needs_work_permit(citizenship: str | None) -> bool:
    """Whether a person of this citizenship (ISO alpha-2; None: stateless) needs a permit."""
    if citizenship is None:
        return True
    code = citizenship.strip().upper()
    return code != KAZAKHSTAN and code not in EAEU_COUNTRIES


# --- messages -------------------------------------------------------------------------------

LABELS = {
    "bin": N_("BIN"),
    "name": N_("Employer name"),
    "region_id": N_("Region"),
    "number": N_("Permit number"),
    "category": N_("Permit category"),
    "valid_from": N_("Valid from"),
    "valid_to": N_("Valid to"),
    "new_valid_to": N_("New last valid day"),
    "on": N_("Date of the change"),
    "comment": N_("Comment"),
}
TOO_LONG = {
    12: N_("this permit category allows at most one year at a time"),
    36: N_("this permit category allows at most three years at a time"),
}


_error = field_errors(LABELS)


class PermitTransitionNotAllowed(TransitionNotAllowed):
    """The permit's status cannot change this way; the statuses are shown as their labels."""

    def __init__(self, from_status: PermitStatus, to_status: PermitStatus):
        super().__init__(
            N_("A work permit cannot change from “{from_status}” to “{to_status}”."),
            from_status=from_status,
            to_status=to_status,
        )
        self.from_status = from_status
        self.to_status = to_status

    def message(self) -> str:
        return _(self.msgid).format(
            from_status=label(self.from_status), to_status=label(self.to_status)
        )


# --- permit lengths -------------------------------------------------------------------------

MAX_MONTHS = {
    PermitCategory.SEASONAL_AGRICULTURAL: 12,
    PermitCategory.INTRA_CORPORATE: 36,
    PermitCategory.CATEGORY_1: 36,
    PermitCategory.CATEGORY_2: 36,
    PermitCategory.CATEGORY_3: 36,
    PermitCategory.CATEGORY_4: 12,
}


def last_day_of_term(start: dt.date, months: int) -> dt.date:
    """The last day of a term of `months` months beginning on `start`: the day before the same
    date `months` later, or that month's last day when the date does not exist (29 February)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    try:
        return dt.date(year, month, start.day) - dt.timedelta(days=1)
    except ValueError:
        return dt.date(year, month, calendar.monthrange(year, month)[1])


def latest_valid_to(category: PermitCategory, start: dt.date) -> dt.date:
    """The last valid day a permit (or an extension) of this category beginning on `start`
    may have."""
    return last_day_of_term(start, MAX_MONTHS[category])


# --- employers ------------------------------------------------------------------------------


@dataclass
class EmployerInput:
    bin: str
    name: str
    sector: str | None = None  # free text, as before the classifier (issue 24)
    region_id: uuid.UUID | None = None
    address: str | None = None
    phone: str | None = None
    contact_person: str | None = None
    sector_id: uuid.UUID | None = None  # its section of the classifier (services/sectors.py)


def find_employer(session: Session, bin: str) -> Employer | None:
    bin_ = normalized(bin) or ""
    return session.scalars(select(Employer).where(Employer.bin == bin_)).one_or_none()


def save_employer(session: Session, data: EmployerInput,
                  employer: Employer | None = None) -> Employer:
    """Create an employer, or update `employer` from `data`; ValidationFailed lists problems."""
    require_in(session, Permission.REGISTER)
    bin_ = normalized(data.bin) or ""  # NFKC: validate_bin refuses what is not ASCII digits
    name = clean(data.name)
    errors = []
    if not bin_:
        errors.append(_error("bin", REQUIRED))
    else:
        try:
            validate_bin(bin_)
        except IdentifierError as error:
            errors.append(_error("bin", error.message))
        else:
            # Soft-deleted employers keep their BIN: the column is unique in the database.
            other = session.scalars(
                select(Employer)
                .where(Employer.bin == bin_)
                .execution_options(include_deleted=True)
            ).one_or_none()
            if other is not None and other is not employer:
                errors.append(_error("bin", N_("is already registered for another employer")))
    if name is None:
        errors.append(_error("name", REQUIRED))
    if data.region_id is None:
        errors.append(_error("region_id", REQUIRED))
    if errors:
        raise ValidationFailed(errors)
    if employer is None:
        employer = Employer()
        session.add(employer)
    employer.bin = bin_
    employer.name = name
    employer.sector = clean(data.sector)
    if data.sector_id is not None or employer.sector_id is None:
        employer.sector_id = data.sector_id
    employer.region_id = data.region_id
    employer.address = clean(data.address)
    employer.phone = normalized_line(data.phone)
    employer.contact_person = clean(data.contact_person)
    session.flush()
    return employer


def employer_permits(session: Session, employer: Employer) -> list[WorkPermit]:
    """The employer's permits, newest (latest valid_from) first."""
    return list(
        session.scalars(
            select(WorkPermit)
            .where(WorkPermit.employer_id == employer.id)
            .order_by(WorkPermit.valid_from.desc(), WorkPermit.created_at.desc())
        )
    )


def search_employers(session: Session, text: str, limit: int = 20) -> list[Employer]:
    """Employers whose BIN starts with `text` or whose name contains it, in any case, by name.

    The name is matched in Python: SQLite folds the case of Latin letters only, and most names
    are in Cyrillic."""
    needle = normalized_line(text) or ""
    folded = needle.casefold()
    rows = session.execute(select(Employer.id, Employer.bin, Employer.name)).all()
    matches = [
        row for row in rows
        if not needle or row.bin.startswith(needle.replace(" ", ""))
        or folded in row.name.casefold()
    ]
    matches.sort(key=lambda row: (row.name.casefold(), row.bin))
    ids = [row.id for row in matches[:limit]]
    if not ids:
        return []
    by_id = {e.id: e for e in session.scalars(select(Employer).where(Employer.id.in_(ids)))}
    return [by_id[i] for i in ids]


@dataclass(frozen=True)
class EmployerChoice:
    """An employer found by BIN or name."""

    id: uuid.UUID
    name: str
    bin: str
    region_id: uuid.UUID


def employer_choices(database: Database, text: str, limit: int = 20) -> list[EmployerChoice]:
    """`search_employers` for a list of search results."""
    with database.sessions() as session:
        return [EmployerChoice(e.id, e.name, e.bin, e.region_id)
                for e in search_employers(session, text, limit)]


@dataclass(frozen=True)
class EmployerRecord:
    """An employer's data (its region by name) and its permits, newest first."""

    id: uuid.UUID
    bin: str
    name: str
    sector: str | None  # "F — Construction", else the old free text
    region_name: str
    address: str | None
    phone: str | None
    contact_person: str | None
    permits: tuple["PermitRow", ...]
    sector_id: uuid.UUID | None = None  # its section of the classifier, if mapped


def load_employer(database: Database, employer_id: uuid.UUID) -> EmployerRecord:
    with database.sessions() as session:
        employer = session.get(Employer, employer_id)
        if employer is None:
            raise NotFound(N_("The employer no longer exists."))
        return EmployerRecord(
            id=employer.id, bin=employer.bin, name=employer.name,
            sector=(f"{employer.economic_sector.code} — {employer.economic_sector.name}"
                    if employer.economic_sector else employer.sector),
            sector_id=employer.sector_id,
            region_name=employer.region.name, address=employer.address, phone=employer.phone,
            contact_person=employer.contact_person,
            permits=tuple(_permit_row(p) for p in employer_permits(session, employer)))


# --- permits --------------------------------------------------------------------------------


@dataclass
class PermitInput:
    number: str
    category: PermitCategory | None
    profession: str | None = None
    region_id: uuid.UUID | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


def permit_number(text: str | None) -> str:
    """A permit number as stored: NFKC (full-width letters and digits become ASCII ones),
    runs of blanks made one space."""
    return normalized_line(text) or ""


def validate_permit(session: Session, data: PermitInput) -> list[FieldError]:
    """Problems with the fields of a new permit (quotas are not checked here)."""
    errors = []
    number = permit_number(data.number)
    if not number:
        errors.append(_error("number", REQUIRED))
    elif session.scalars(
        select(WorkPermit.id)
        .where(WorkPermit.number == number)
        .execution_options(include_deleted=True)
    ).first() is not None:
        errors.append(_error("number", N_("is already used by another permit")))
    if data.category is None:
        errors.append(_error("category", REQUIRED))
    if data.region_id is None:
        errors.append(_error("region_id", REQUIRED))
    if data.valid_from is None:
        errors.append(_error("valid_from", REQUIRED))
    if data.valid_to is None:
        errors.append(_error("valid_to", REQUIRED))
    if data.valid_from is not None and data.valid_to is not None:
        if data.valid_to <= data.valid_from:
            errors.append(_error("valid_to", N_("must be after the first valid day")))
        elif (
            data.category is not None
            and data.valid_to > latest_valid_to(data.category, data.valid_from)
        ):
            errors.append(_error("valid_to", TOO_LONG[MAX_MONTHS[data.category]]))
    return errors


def issue_permit(session: Session, person: Person, employer: Employer, data: PermitInput,
                 today: dt.date | None = None,
                 override_reason: str | None = None,
                 acknowledge_warning: bool = False) -> WorkPermit:
    """Issue a work permit to `person` for `employer`: the only way permits are created.

    The permit takes a slot of its labour quota; with none left, QuotaExceeded, unless a
    supervisor gives `override_reason` (see services/quotas.py). An employer with an unpaid
    fine or recent violations needs the clerk to acknowledge the warning (EmployerFlagged
    until then); the permit keeps it, the audit trail records it (services/violations.py)."""
    today = today or dt.date.today()
    actor = require_in(session, Permission.REGISTER)
    citizenship = (person.citizenship or "").strip().upper()
    if citizenship == KAZAKHSTAN:
        raise ServiceError(N_("Citizens of Kazakhstan need no work permit."))
    if not needs_work_permit(citizenship or None):
        raise ServiceError(N_(
            "Citizens of the Eurasian Economic Union member states (Armenia, Belarus, "
            "Kyrgyzstan, Russia) need no work permit."
        ))
    errors = validate_permit(session, data)
    if errors:
        raise ValidationFailed(errors)
    warning = (violations.employer_warning(session, employer.id, today)
               if employer.id is not None else None)
    if warning is not None and not acknowledge_warning:
        raise violations.EmployerFlagged(warning)
    override = quotas.take_slot(session, QuotaKind.LABOUR, data.valid_from.year,
                                data.region_id, data.category, override_reason,
                                sector_id=employer.sector_id)
    permit = WorkPermit(
        number=permit_number(data.number),
        employer=employer,
        person=person,
        category=data.category,
        profession=clean(data.profession),
        region_id=data.region_id,
        valid_from=data.valid_from,
        valid_to=data.valid_to,
        status=PermitStatus.ISSUED,
        quota_year=data.valid_from.year,
        quota_override_reason=override["reason"] if override else None,
        office_id=actor.office_id,
        sector_id=employer.sector_id,
        employer_warning=warning,
    )
    session.add(permit)
    default_owner(session, permit)
    session.add(PermitStatusChange(
        permit=permit, from_status=None, to_status=PermitStatus.ISSUED, changed_on=today,
        user_id=actor.user_id,
    ))
    session.flush()
    if override:
        quotas.record_override(session, "work_permit", permit.id, override)
    if warning is not None:
        audit.record(session, "employer.warning_acknowledged", "work_permit",
                     permit.id, {"employer_id": employer.id, "warning": warning})
    _refresh_person(session, person)
    return permit


class PermitNotIssued(ValidationFailed):
    """A new permit's field problems, with those of the employer registered with it kept
    apart (both have a region)."""

    def __init__(self, employer_errors: list[FieldError], permit_errors: list[FieldError]):
        super().__init__([*employer_errors, *permit_errors])
        self.employer_errors, self.permit_errors = employer_errors, permit_errors


def issue_new_permit(database: Database, person_id: uuid.UUID | None,
                     employer: uuid.UUID | EmployerInput | None, data: PermitInput,
                     override_reason: str | None = None,
                     acknowledge_warning: bool = False) -> uuid.UUID:
    """Issue a permit to the chosen person for the chosen employer (its id), or for a new
    one (its input) registered in the same transaction; return the permit's id.

    When the person or the employer is not chosen, or the new employer is not valid, nothing
    is saved and PermitNotIssued lists the problems of both forms."""
    with database.transaction() as session:
        employer_errors, chosen = [], None
        if isinstance(employer, EmployerInput):
            try:
                chosen = save_employer(session, employer)
            except ValidationFailed as failure:
                employer_errors = failure.errors
        elif employer is not None:
            chosen = session.get(Employer, employer)
            if chosen is None:
                raise NotFound(N_("The employer no longer exists."))
        person = session.get(Person, person_id) if person_id is not None else None
        if person_id is not None and person is None:
            raise NotFound(N_("The person no longer exists."))
        if chosen is None or person is None:
            raise PermitNotIssued(employer_errors, validate_permit(session, data))
        try:
            return issue_permit(session, person, chosen, data,
                                override_reason=override_reason,
                                acknowledge_warning=acknowledge_warning).id
        except ValidationFailed as failure:
            raise PermitNotIssued([], failure.errors) from None


def load_worker(database: Database, person_id: uuid.UUID) -> PersonRow:
    """The person a new permit is for."""
    with database.sessions() as session:
        row = session.execute(select(*ROW_COLUMNS).where(Person.id == person_id)).one_or_none()
        if row is None:
            raise NotFound(N_("The person no longer exists."))
        return PersonRow(*row)


def worker_choices(database: Database, text: str) -> list[PersonRow]:
    """Persons found by name in any script, IIN or document number."""
    with database.sessions() as session:
        return search_persons(session, text)


# --- the permit's life cycle ----------------------------------------------------------------

PERMIT_TRANSITIONS: dict[PermitStatus, frozenset[PermitStatus]] = {
    PermitStatus.ISSUED: frozenset(
        {PermitStatus.EXTENDED, PermitStatus.REVOKED, PermitStatus.EXPIRED}
    ),
    PermitStatus.EXTENDED: frozenset(
        {PermitStatus.EXTENDED, PermitStatus.REVOKED, PermitStatus.EXPIRED}
    ),
    PermitStatus.REVOKED: frozenset(),
    PermitStatus.EXPIRED: frozenset(),
}
# What a change to each status is called where a user makes it (msgids).
PERMIT_ACTIONS: dict[PermitStatus, str] = {
    PermitStatus.EXTENDED: N_("Extend the &permit"),
    PermitStatus.REVOKED: N_("&Revoke the permit"),
    PermitStatus.EXPIRED: N_("Record &the permit's expiry"),
}
# The changes that cannot be undone, with what follows from each (msgids).
PERMIT_IRREVERSIBLE: dict[PermitStatus, str] = {
    PermitStatus.REVOKED: N_("The permit will be revoked: the worker may no longer work for "
                             "this employer. This cannot be undone."),
    PermitStatus.EXPIRED: N_("The permit will be recorded as expired: the worker may no longer "
                             "work for this employer. This cannot be undone."),
}


def permit_history(session: Session, permit: WorkPermit) -> list[PermitStatusChange]:
    """The permit's status changes, oldest first."""
    return list(
        session.scalars(
            select(PermitStatusChange)
            .where(PermitStatusChange.permit_id == permit.id)
            .order_by(PermitStatusChange.changed_on, PermitStatusChange.created_at)
        )
    )


def change_permit_status(session: Session, permit: WorkPermit, new_status: PermitStatus,
                         on: dt.date, comment: str | None = None,
                         new_valid_to: dt.date | None = None,
                         today: dt.date | None = None) -> PermitStatusChange:
    """Move the permit to `new_status` on the day `on`, recording the change.

    EXTENDED needs `new_valid_to` (the new last valid day) and is decided while the permit is
    still valid; REVOKED needs a comment (the reason); EXPIRED is recorded after the last
    valid day. `today` defaults to the real date."""
    require_in(session, Permission.REGISTER, permit.office_id)
    today = today or dt.date.today()
    if new_status not in PERMIT_TRANSITIONS[permit.status]:
        raise PermitTransitionNotAllowed(permit.status, new_status)
    comment = clean(comment)
    errors = []
    history = permit_history(session, permit)
    if on > today:
        errors.append(_error("on", N_("is in the future")))
    elif history and on < history[-1].changed_on:
        errors.append(_error("on", N_("is before the permit's last status change")))
    if new_status is PermitStatus.EXTENDED:
        if on > permit.valid_to:
            errors.append(_error("on", N_("is after the last valid day: the permit has run out")))
        if new_valid_to is None:
            errors.append(_error("new_valid_to", REQUIRED))
        elif new_valid_to <= permit.valid_to:
            errors.append(_error("new_valid_to", N_("must be after the current last valid day")))
        elif new_valid_to > latest_valid_to(
            permit.category, permit.valid_to + dt.timedelta(days=1)
        ):
            errors.append(_error("new_valid_to", TOO_LONG[MAX_MONTHS[permit.category]]))
    elif new_status is PermitStatus.REVOKED:
        if comment is None:
            errors.append(_error("comment", N_("the reason for revoking is required")))
    elif new_status is PermitStatus.EXPIRED:
        if on <= permit.valid_to:
            errors.append(_error("on", N_("must be after the permit's last valid day")))
    if errors:
        raise ValidationFailed(errors)
    if new_status is PermitStatus.REVOKED:  # a clerk's revocation waits for approval
        change_requests.divert(session, change_requests.ChangeKind.PERMIT_REVOCATION, permit,
                               {"status": new_status, "on": on, "comment": comment},
                               {"status": permit.status})
    change = PermitStatusChange(
        permit=permit, from_status=permit.status, to_status=new_status, changed_on=on,
        user_id=acting_user_id(session), comment=comment,
    )
    session.add(change)
    permit.status = new_status
    if new_status is PermitStatus.REVOKED and quotas.revocation_releases_slot(
            permit.quota_year, on):
        permit.holds_quota_slot = False
    if new_status is PermitStatus.EXTENDED:
        permit.valid_to = new_valid_to
    session.flush()
    _refresh_person(session, permit.person)
    return change


def set_permit_status(database: Database, permit_id: uuid.UUID, new_status: PermitStatus,
                      on: dt.date, comment: str | None = None,
                      new_valid_to: dt.date | None = None) -> None:
    """`change_permit_status` of a stored permit, in its own transaction; SentForApproval when
    a revocation waits for a supervisor (the request is stored)."""
    with change_requests.transaction(database) as session:
        permit = session.get(WorkPermit, permit_id)
        if permit is None:
            raise NotFound(N_("The work permit no longer exists."))
        change_permit_status(session, permit, new_status, on, comment=comment,
                             new_valid_to=new_valid_to)


@dataclass(frozen=True)
class PermitChange:
    changed_on: dt.date
    from_status: PermitStatus | None
    to_status: PermitStatus
    comment: str | None


@dataclass(frozen=True)
class PermitRecord:
    """A stored permit with its holder, employer, region (by name) and status history."""

    id: uuid.UUID
    number: str
    worker_name: str
    citizenship: str | None
    employer_id: uuid.UUID
    employer_name: str
    employer_bin: str
    category: PermitCategory
    profession: str | None
    region_name: str
    valid_from: dt.date
    valid_to: dt.date
    status: PermitStatus
    history: tuple[PermitChange, ...]


def load_permit(database: Database, permit_id: uuid.UUID) -> PermitRecord:
    with database.sessions() as session:
        permit = session.get(WorkPermit, permit_id)
        if permit is None:
            raise NotFound(N_("The work permit no longer exists."))
        return PermitRecord(
            id=permit.id, number=permit.number, worker_name=permit.person.full_name,
            citizenship=permit.person.citizenship, employer_id=permit.employer_id,
            employer_name=permit.employer.name, employer_bin=permit.employer.bin,
            category=permit.category, profession=permit.profession,
            region_name=region_names(session).get(permit.region_id, ""),
            valid_from=permit.valid_from, valid_to=permit.valid_to, status=permit.status,
            history=tuple(PermitChange(c.changed_on, c.from_status, c.to_status, c.comment)
                          for c in permit_history(session, permit)))


def expire_permits(session: Session, today: dt.date) -> int:
    """Mark EXPIRED, as of `today`, the issued or extended permits whose last valid day has
    passed; return how many."""
    require_in(session, Permission.REGISTER)
    permits = session.scalars(
        select(WorkPermit).where(
            WorkPermit.valid_to < today,
            WorkPermit.status.in_([PermitStatus.ISSUED, PermitStatus.EXTENDED]),
        )
    ).all()
    for permit in permits:
        change_permit_status(session, permit, PermitStatus.EXPIRED, today, today=today)
    return len(permits)


def _refresh_person(session: Session, person: Person) -> None:
    """The holder is a foreign worker with the status of their latest (by valid_from) permit."""
    latest = session.scalars(
        select(WorkPermit)
        .where(WorkPermit.person_id == person.id)
        .order_by(WorkPermit.valid_from.desc(), WorkPermit.created_at.desc())
        .limit(1)
    ).first()
    person.category = PersonCategory.FOREIGN_WORKER
    person.status = latest.status.value if latest is not None else None
    session.flush()


# --- the list of permits --------------------------------------------------------------------


@dataclass(frozen=True)
class PermitRow:
    """One line of the permits list."""

    id: uuid.UUID
    number: str
    worker_name: str
    citizenship: str | None
    employer_name: str
    employer_bin: str
    category: PermitCategory
    profession: str | None
    valid_from: dt.date
    valid_to: dt.date
    status: PermitStatus
    person_id: uuid.UUID
    employer_id: uuid.UUID
    owner_name: str = ""  # the assigned clerk's full name (services/ownership.py)


IN_FORCE = (PermitStatus.ISSUED, PermitStatus.EXTENDED)


def permit_expires_within(status: PermitStatus, valid_to: dt.date, today: dt.date,
                          days: int) -> bool:
    """Whether a permit in force runs out between today and `days` days later."""
    return status in IN_FORCE and today <= valid_to <= today + dt.timedelta(days=days)


def _permits_filtered(query, text: str, status: PermitStatus | None,
                      category: PermitCategory | None, expiring_within: int | None = None,
                      today: dt.date | None = None, mine=None, walk: Walk | bool = False,
                      session: Session | None = None):
    """Restrict a query of permits to the list's filters (it needs no join: counting the
    permits of a large office must not read every person and employer). `expiring_within`
    days keeps the permits in force whose last valid day falls in them, from `today` on;
    `mine` is a condition on the owner (ownership.mine), or None; `walk`: see
    list_pages.person_condition; `session`: see list_pages.any_of."""
    if mine is not None:
        query = query.where(mine)
    needle = normalized_line(text) or ""
    if needle:
        conditions = [prefix_range(WorkPermit.number, needle.upper())]
        digits = needle.replace(" ", "")
        if digits.isdigit():  # the start of an employer's BIN
            by_bin = select(Employer.id).where(prefix_range(Employer.bin, digits))
            conditions.append(WorkPermit.employer_id.in_(by_bin))
        named = person_condition(WorkPermit.person_id, needle, walk, session)
        query = query.where(any_of(WorkPermit.id, conditions, named, walk, session))
    if status is not None:
        query = query.where(WorkPermit.status == PermitStatus(status))
    if category is not None:
        query = query.where(WorkPermit.category == PermitCategory(category))
    if expiring_within is not None:
        today = today or dt.date.today()
        query = query.where(WorkPermit.status.in_(IN_FORCE),
                            WorkPermit.valid_to.between(
                                today, today + dt.timedelta(days=expiring_within)))
    return query


def count_permits(session: Session, text: str = "", status: PermitStatus | None = None,
                  category: PermitCategory | None = None, expiring_within: int | None = None,
                  today: dt.date | None = None, mine: bool = False) -> int:
    """How many permits the list shows for this search text and these filters."""
    query = select(func.count()).select_from(WorkPermit)
    owner = ownership.mine(session, WorkPermit.owner_id) if mine else None
    return session.scalar(_permits_filtered(query, text, status, category, expiring_within,
                                            today, owner, session=session))


def fetch_permits(session: Session, text: str = "", status: PermitStatus | None = None,
                  category: PermitCategory | None = None, offset: int = 0,
                  limit: int = 200, expiring_within: int | None = None,
                  today: dt.date | None = None, mine: bool = False) -> list[PermitRow]:
    """One page of the permits list, newest (latest valid_from, then number) first.

    `text` matches the start of a permit number or an employer's BIN, or the worker by name
    in any script, IIN or document number (as in the persons list); `mine` keeps the
    permits the acting user owns."""
    # The page's ids first, from the list index alone; only then the joins, for its rows.
    order_keys = (WorkPermit.valid_from, WorkPermit.number)
    order = [key.desc() for key in order_keys]
    owner = ownership.mine(session, WorkPermit.owner_id) if mine else None
    ids = page_ids(session, text, lambda walk: _permits_filtered(
        select(WorkPermit.id), text, status, category, expiring_within, today, owner, walk,
        session).order_by(*page_order(order_keys, text, walk)).offset(offset).limit(limit),
        WorkPermit.person_id, pages=offset // max(limit, 1) + 1)
    query = (
        select(
            WorkPermit.id, WorkPermit.number, Person.surname, Person.given_name,
            Person.patronymic, Person.citizenship, Employer.name, Employer.bin,
            WorkPermit.category, WorkPermit.profession, WorkPermit.valid_from,
            WorkPermit.valid_to, WorkPermit.status, WorkPermit.person_id,
            WorkPermit.employer_id, User.full_name,
        )
        .where(WorkPermit.id.in_(ids))
        # Outer joins: a permit stays listed (as counted) even if its holder was deleted.
        .outerjoin(Person, WorkPermit.person_id == Person.id)
        .outerjoin(Employer, WorkPermit.employer_id == Employer.id)
        .outerjoin(User, WorkPermit.owner_id == User.id)
        .order_by(*order)
    )
    rows = session.execute(query)
    return [
        PermitRow(
            id=row[0], number=row[1],
            worker_name=" ".join(part for part in row[2:5] if part),
            citizenship=row[5], employer_name=row[6], employer_bin=row[7], category=row[8],
            profession=row[9], valid_from=row[10], valid_to=row[11], status=row[12],
            person_id=row[13], employer_id=row[14], owner_name=row[15] or "",
        )
        for row in rows
    ]


def _permit_row(permit: WorkPermit) -> PermitRow:
    return PermitRow(
        id=permit.id, number=permit.number, worker_name=permit.person.full_name,
        citizenship=permit.person.citizenship, employer_name=permit.employer.name,
        employer_bin=permit.employer.bin, category=permit.category,
        profession=permit.profession, valid_from=permit.valid_from, valid_to=permit.valid_to,
        status=permit.status, person_id=permit.person_id, employer_id=permit.employer_id)


def count_permits_in(database: Database, text: str = "", status: PermitStatus | None = None,
                     category: PermitCategory | None = None,
                     expiring_within: int | None = None, today: dt.date | None = None,
                     mine: bool = False) -> int:
    with database.sessions() as session:
        return count_permits(session, text, status, category, expiring_within, today, mine)


def first_permits(database: Database, limit: int, text: str = "",
                  status: PermitStatus | None = None, category: PermitCategory | None = None,
                  expiring_within: int | None = None, today: dt.date | None = None,
                  mine: bool = False) -> Listing:
    """The first page of permits and their count, exact or a lower bound (list_pages)."""
    with database.sessions() as session:
        rows = fetch_permits(session, text, status, category, offset=0, limit=limit,
                             expiring_within=expiring_within, today=today, mine=mine)
        owner = ownership.mine(session, WorkPermit.owner_id) if mine else None
        return first_listing(session, text, rows, limit, lambda: _permits_filtered(
            select(WorkPermit.id), text, status, category, expiring_within, today, owner,
            session=session))


def permits_page(database: Database, text: str = "", status: PermitStatus | None = None,
                 category: PermitCategory | None = None, offset: int = 0,
                 limit: int = 200, expiring_within: int | None = None,
                 today: dt.date | None = None, mine: bool = False) -> list[PermitRow]:
    with database.sessions() as session:
        return fetch_permits(session, text, status, category, offset=offset, limit=limit,
                             expiring_within=expiring_within, today=today, mine=mine)
