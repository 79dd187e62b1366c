"""Repatriate (kandas) cases: opening a case with its household, status changes and the
kandas certificate.

Every rule of a case lives here. The functions take a SQLAlchemy `Session` and never commit:
the caller owns the transaction (see `Database.transaction()`), so a refused action raises
before anything is written, or the caller's rollback undoes it. The use cases of the
Repatriates section (`load_case`, `open_case_for`, `change_case_status`, ...) take the
`Database` instead, open their own session or transaction and return plain read models.
Messages are msgids, translated when shown (`ServiceError.message()`, `FieldError.message()`).
"""

import datetime as dt
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import HouseholdRelation, PersonCategory, RepatriateStatus, label
from kzmigdesk.domain.identifiers import is_ascii_digits, normalized_line
from kzmigdesk.domain.models import (
    CaseStatusChange,
    Household,
    HouseholdMember,
    Office,
    Person,
    Region,
    RepatriateCase,
    User,
    utcnow,
)
from kzmigdesk.i18n import N_, _
from kzmigdesk.services import change_requests, ownership, quotas
from kzmigdesk.services.auth import Permission, require_in
from kzmigdesk.services.errors import (
    FieldError,
    NotFound,
    ServiceError,
    TransitionNotAllowed,
    ValidationFailed,
)
from kzmigdesk.services.fields import REQUIRED, clean_lines
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
from kzmigdesk.services.person_search import prefix_range
from kzmigdesk.services.quotas import QuotaKind

S = RepatriateStatus

ALLOWED_TRANSITIONS: dict[RepatriateStatus, set[RepatriateStatus]] = {
    S.APPLIED: {S.GRANTED, S.REFUSED, S.WITHDRAWN},
    S.GRANTED: {S.CITIZENSHIP_REQUESTED, S.EXPIRED, S.WITHDRAWN},
    S.CITIZENSHIP_REQUESTED: {S.CITIZEN, S.REFUSED, S.WITHDRAWN},
    S.CITIZEN: set(),
    S.REFUSED: set(),
    S.WITHDRAWN: set(),
    S.EXPIRED: set(),
}

# A case is closed once it reaches one of these; a person may have one open case at a time.
CLOSED_STATUSES = frozenset({S.CITIZEN, S.REFUSED, S.WITHDRAWN, S.EXPIRED})
OPEN_STATUSES = frozenset(set(RepatriateStatus) - CLOSED_STATUSES)
COMMENT_REQUIRED = frozenset({S.REFUSED, S.WITHDRAWN})

# What a change to each status is called where a user makes it (msgids).
TRANSITION_ACTIONS: dict[RepatriateStatus, str] = {
    S.GRANTED: N_("&Grant kandas status"),
    S.CITIZENSHIP_REQUESTED: N_("R&ecord the citizenship application"),
    S.CITIZEN: N_("Record &the citizenship"),
    S.REFUSED: N_("Re&fuse the application"),
    S.WITHDRAWN: N_("&Withdraw the application"),
    S.EXPIRED: N_("&Record the certificate's expiry"),
}
# The changes that cannot be undone (they close the case), with what follows from each (msgids).
IRREVERSIBLE: dict[RepatriateStatus, str] = {
    S.CITIZEN: N_("The applicant will be recorded as a citizen of Kazakhstan and the case "
                  "closed. This cannot be undone."),
    S.REFUSED: N_("The application will be refused and the case closed. This cannot be "
                  "undone."),
    S.WITHDRAWN: N_("The application will be withdrawn and the case closed. This cannot be "
                    "undone."),
    S.EXPIRED: N_("The kandas certificate will be recorded as expired and the case closed. "
                  "This cannot be undone."),
}

CASE_NUMBER_PREFIX = "KC"
CERTIFICATE_NUMBER_MAX = 32
FIRST_QUOTA_YEAR = 1991
EXPIRY_COMMENT = "certificate expired"

COUNTRY_CODE = re.compile(r"[A-Z]{2}")

# Field labels (msgids).
LABEL_COUNTRY = N_("Country of origin")
LABEL_APPLICATION_DATE = N_("Application date")
LABEL_ARRIVAL_DATE = N_("Arrival date")
LABEL_REGION = N_("Region of resettlement")
LABEL_QUOTA_YEAR = N_("Quota year")
LABEL_OFFICE = N_("Office")
LABEL_APPLICANT = N_("Applicant")
LABEL_MEMBERS = N_("Household members")
LABEL_PERSON = N_("Person")
LABEL_RELATION = N_("Relation")
LABEL_CHANGE_DATE = N_("Date of the change")
LABEL_COMMENT = N_("Comment")
LABEL_CERTIFICATE = N_("Certificate number")

# Problems (msgids).
IN_FUTURE = N_("cannot be in the future")
BEFORE_BIRTH = N_("cannot be before the date of birth")
DOES_NOT_EXIST = N_("does not exist")
ALREADY_OPEN = N_("already has an open case {case_number}")
MEMBER_OF_OPEN_CASE = N_("{name} is already in the household of open case {case_number}")
CASE_GONE = N_("The case no longer exists.")
PERSON_GONE = N_("The person no longer exists.")


def allowed_next(status: RepatriateStatus) -> list[RepatriateStatus]:
    """The statuses a case in `status` may move to, in the order of the enumeration."""
    allowed = ALLOWED_TRANSITIONS[RepatriateStatus(status)]
    return [s for s in RepatriateStatus if s in allowed]


def is_open(case: RepatriateCase) -> bool:
    return case.status in OPEN_STATUSES


def certificate_expiry(issue_date: dt.date) -> dt.date:
    """A kandas certificate is valid for one year: the same day a year later, and
    28 February for a certificate issued on 29 February."""
    try:
        return issue_date.replace(year=issue_date.year + 1)
    except ValueError:
        return issue_date.replace(year=issue_date.year + 1, day=28)


class CaseTransitionNotAllowed(TransitionNotAllowed):
    """The status table does not allow this change; the message names both statuses."""

    def __init__(self, current: RepatriateStatus, new: RepatriateStatus):
        super().__init__(
            N_("A case cannot go from “{current}” to “{new}”."), current=current, new=new
        )
        self.current = current
        self.new = new

    def message(self) -> str:
        return _(self.msgid).format(current=label(self.current), new=label(self.new))


@dataclass
class CaseInput:
    country_of_origin: str
    application_date: dt.date | None
    arrival_date: dt.date | None = None
    resettlement_region_id: uuid.UUID | None = None
    quota_year: int | None = None
    office_id: uuid.UUID | None = None


# --- queries ---


def _cases_of(person: Person):
    """Cases (not deleted) in which the person is the applicant or a household member."""
    membership = and_(
        HouseholdMember.household_id == RepatriateCase.household_id,
        HouseholdMember.person_id == person.id,
        HouseholdMember.deleted_at.is_(None),
    )
    return (
        select(RepatriateCase)
        .outerjoin(HouseholdMember, membership)
        .where(or_(RepatriateCase.person_id == person.id, HouseholdMember.id.is_not(None)))
        .distinct()
    )


def open_case_of(
    session: Session, person: Person, exclude: RepatriateCase | None = None
) -> RepatriateCase | None:
    """The person's open case (as applicant or household member), if any."""
    if person.id is None:  # not saved yet: no case can refer to the person
        return None
    query = _cases_of(person).where(RepatriateCase.status.in_(OPEN_STATUSES))
    if exclude is not None and exclude.id is not None:
        query = query.where(RepatriateCase.id != exclude.id)
    return session.scalars(query.limit(1)).first()


def household_members(session: Session, case: RepatriateCase) -> list[HouseholdMember]:
    """The current members of the case's household, the head first."""
    if case.household_id is None:
        return []
    members = session.scalars(
        select(HouseholdMember)
        .where(HouseholdMember.household_id == case.household_id)
        .order_by(HouseholdMember.created_at)
    ).all()
    return sorted(members, key=lambda m: m.relation is not HouseholdRelation.HEAD)


def case_history(session: Session, case: RepatriateCase) -> list[CaseStatusChange]:
    """The case's status changes, oldest first."""
    return list(
        session.scalars(
            select(CaseStatusChange)
            .where(CaseStatusChange.case_id == case.id)
            .order_by(CaseStatusChange.changed_on, CaseStatusChange.created_at)
        )
    )


def next_case_number(session: Session, year: int) -> str:
    """`KC-{year}-{seq:06d}` with the next sequence number of that year (deleted cases keep
    their numbers)."""
    prefix = f"{CASE_NUMBER_PREFIX}-{year}-"
    numbers = session.scalars(
        select(RepatriateCase.case_number)
        .where(RepatriateCase.case_number.startswith(prefix, autoescape=True))
        .execution_options(include_deleted=True)
    )
    last = max((int(n[len(prefix):]) for n in numbers if is_ascii_digits(n[len(prefix):])),
               default=0)
    return f"{prefix}{last + 1:06d}"


def certificates_expiring(
    session: Session, today: dt.date, within_days: int = 30
) -> list[RepatriateCase]:
    """Granted cases whose certificate expires between today and `within_days` days later,
    soonest first."""
    until = today + dt.timedelta(days=within_days)
    return list(
        session.scalars(
            select(RepatriateCase)
            .where(
                RepatriateCase.status == S.GRANTED,
                RepatriateCase.certificate_expiry_date.between(today, until),
            )
            .order_by(RepatriateCase.certificate_expiry_date, RepatriateCase.case_number)
        )
    )


# --- opening a case ---


def _validate_case(session: Session, head: Person, case: CaseInput, today: dt.date) -> list:
    errors = []
    country = (case.country_of_origin or "").strip().upper()
    if not country:
        errors.append(FieldError("country_of_origin", LABEL_COUNTRY, REQUIRED))
    elif not COUNTRY_CODE.fullmatch(country):
        errors.append(FieldError(
            "country_of_origin", LABEL_COUNTRY, N_("must be a two-letter country code")))
    elif country == "KZ":
        errors.append(FieldError("country_of_origin", LABEL_COUNTRY, N_("cannot be Kazakhstan")))

    for field, field_label, value, required in (
        ("application_date", LABEL_APPLICATION_DATE, case.application_date, True),
        ("arrival_date", LABEL_ARRIVAL_DATE, case.arrival_date, False),
    ):
        if value is None:
            if required:
                errors.append(FieldError(field, field_label, REQUIRED))
        elif value > today:
            errors.append(FieldError(field, field_label, IN_FUTURE))
        elif head.birth_date is not None and value < head.birth_date:
            errors.append(FieldError(field, field_label, BEFORE_BIRTH))

    if case.quota_year is not None and not FIRST_QUOTA_YEAR <= case.quota_year <= today.year + 1:
        errors.append(FieldError(
            "quota_year", LABEL_QUOTA_YEAR, N_("must be a year from {first} to {last}"),
            {"first": FIRST_QUOTA_YEAR, "last": today.year + 1}))
    if case.resettlement_region_id is not None and (
        session.get(Region, case.resettlement_region_id) is None
    ):
        errors.append(FieldError("resettlement_region_id", LABEL_REGION, DOES_NOT_EXIST))
    if case.office_id is not None and session.get(Office, case.office_id) is None:
        errors.append(FieldError("office_id", LABEL_OFFICE, DOES_NOT_EXIST))
    return errors


def _validate_members(
    session: Session, head: Person, members: Sequence[tuple[Person, HouseholdRelation]]
) -> list:
    errors = []
    existing = open_case_of(session, head)
    if existing is not None:
        errors.append(FieldError(
            "person_id", LABEL_APPLICANT, ALREADY_OPEN, {"case_number": existing.case_number}))
    seen = {id(head)}
    for person, relation in members:
        if HouseholdRelation(relation) is HouseholdRelation.HEAD:
            errors.append(FieldError(
                "members", LABEL_MEMBERS, N_("only the applicant can be the head of household")))
        if id(person) in seen:
            errors.append(FieldError(
                "members", LABEL_MEMBERS, N_("{name} is listed more than once"),
                {"name": person.full_name}))
            continue
        seen.add(id(person))
        existing = open_case_of(session, person)
        if existing is not None:
            errors.append(FieldError(
                "members", LABEL_MEMBERS, MEMBER_OF_OPEN_CASE,
                {"name": person.full_name, "case_number": existing.case_number}))
    return errors


def open_case(
    session: Session,
    head: Person,
    case: CaseInput,
    members: Sequence[tuple[Person, HouseholdRelation]] = (),
    today: dt.date | None = None,
) -> RepatriateCase:
    """Open a repatriate case for `head` with a new household (the head and `members`):
    status APPLIED, a new case number and the first entry of the history."""
    today = today or dt.date.today()
    actor = require_in(session, Permission.REGISTER)
    errors = _validate_case(session, head, case, today)
    errors += _validate_members(session, head, members)
    if errors:
        raise ValidationFailed(errors)

    household = Household(head=head)
    session.add(household)
    for person, relation in [(head, HouseholdRelation.HEAD), *members]:
        session.add(HouseholdMember(
            household=household, person=person, relation=HouseholdRelation(relation)))
        person.category = PersonCategory.KANDAS
        person.status = S.APPLIED.value

    repatriate_case = RepatriateCase(
        case_number=next_case_number(session, case.application_date.year),
        person=head,
        household=household,
        country_of_origin=case.country_of_origin.strip().upper(),
        application_date=case.application_date,
        arrival_date=case.arrival_date,
        status=S.APPLIED,
        resettlement_region_id=case.resettlement_region_id,
        quota_year=case.quota_year,
        office_id=case.office_id or actor.office_id,
    )
    session.add(repatriate_case)
    default_owner(session, repatriate_case)
    session.add(CaseStatusChange(
        case=repatriate_case, from_status=None, to_status=S.APPLIED, changed_on=today,
        user_id=actor.user_id, comment=None))
    session.flush()
    return repatriate_case


# --- the household ---


def _refuse_if_closed(case: RepatriateCase) -> None:
    if not is_open(case):
        raise ServiceError(N_("The household of a closed case cannot be changed."))


def _ensure_household(session: Session, case: RepatriateCase) -> Household:
    """The case's household; created with the applicant as head for a case without one."""
    if case.household is None:
        case.household = Household(head=case.person)
        session.add(HouseholdMember(
            household=case.household, person=case.person, relation=HouseholdRelation.HEAD))
    return case.household


def _refresh_person(session: Session, person: Person) -> None:
    """Category and status of a person from their cases, once they left a household."""
    cases = session.scalars(
        _cases_of(person).order_by(
            RepatriateCase.application_date.desc(), RepatriateCase.created_at.desc())
    ).all()
    current = next((c for c in cases if is_open(c)), cases[0] if cases else None)
    if current is not None:
        person.category = PersonCategory.KANDAS
        person.status = current.status.value
    elif person.category is PersonCategory.KANDAS:
        person.category = PersonCategory.OTHER
        person.status = None


def add_member(
    session: Session, case: RepatriateCase, person: Person, relation: HouseholdRelation
) -> HouseholdMember:
    """Add a person to the household of an open case."""
    require_in(session, Permission.REGISTER, case.office_id)
    _refuse_if_closed(case)
    relation = HouseholdRelation(relation)
    errors = []
    if relation is HouseholdRelation.HEAD:
        errors.append(FieldError(
            "relation", LABEL_RELATION, N_("the household already has a head")))
    previous = None
    if case.household_id is not None and person.id is not None:
        previous = session.scalars(
            select(HouseholdMember)
            .where(HouseholdMember.household_id == case.household_id,
                   HouseholdMember.person_id == person.id)
            .execution_options(include_deleted=True)
        ).first()
    if person is case.person or (previous is not None and previous.deleted_at is None):
        errors.append(FieldError(
            "person_id", LABEL_PERSON, N_("is already a member of this household")))
    else:
        existing = open_case_of(session, person, exclude=case)
        if existing is not None:
            errors.append(FieldError(
                "person_id", LABEL_PERSON, MEMBER_OF_OPEN_CASE,
                {"name": person.full_name, "case_number": existing.case_number}))
    if errors:
        raise ValidationFailed(errors)

    household = _ensure_household(session, case)
    if previous is not None:  # a member removed earlier comes back
        member = previous
        member.deleted_at = None
        member.relation = relation
    else:
        member = HouseholdMember(household=household, person=person, relation=relation)
        session.add(member)
    person.category = PersonCategory.KANDAS
    person.status = case.status.value
    session.flush()
    return member


def remove_member(session: Session, case: RepatriateCase, person: Person) -> None:
    """Remove a person (not the head) from the household of an open case (soft delete)."""
    require_in(session, Permission.REGISTER, case.office_id)
    _refuse_if_closed(case)
    member = None
    if case.household_id is not None and person.id is not None:
        member = session.scalars(
            select(HouseholdMember).where(
                HouseholdMember.household_id == case.household_id,
                HouseholdMember.person_id == person.id,
            )
        ).first()
    if member is None:
        raise NotFound(N_("This person is not a member of the household."))
    if member.relation is HouseholdRelation.HEAD or person.id == case.person_id:
        raise ServiceError(N_("The head of household cannot be removed."))
    member.deleted_at = utcnow()
    session.flush()
    _refresh_person(session, person)
    session.flush()


# --- status changes ---


def change_status(
    session: Session,
    case: RepatriateCase,
    new_status: RepatriateStatus,
    on: dt.date,
    comment: str | None = None,
    certificate_number: str | None = None,
    today: dt.date | None = None,
    override_reason: str | None = None,
) -> CaseStatusChange:
    """Move the case to `new_status` on the day `on`, following ALLOWED_TRANSITIONS; the
    history keeps the change, and the household members' persons follow the new status.

    Granting a case with a quota year and a region of resettlement takes a slot of that
    kandas quota; with none left, QuotaExceeded, unless a supervisor gives
    `override_reason` (see services/quotas.py)."""
    today = today or dt.date.today()
    actor = require_in(session, Permission.REGISTER, case.office_id)
    new_status = RepatriateStatus(new_status)
    current = case.status
    if new_status not in ALLOWED_TRANSITIONS[current]:
        raise CaseTransitionNotAllowed(current, new_status)

    comment = clean_lines(comment)
    number = normalized_line(certificate_number) or ""  # NFKC: full-width digits become ASCII
    errors = []
    history = case_history(session, case)
    if on is None:
        errors.append(FieldError("changed_on", LABEL_CHANGE_DATE, REQUIRED))
    elif on > today:
        errors.append(FieldError("changed_on", LABEL_CHANGE_DATE, IN_FUTURE))
    elif history and on < history[-1].changed_on:
        errors.append(FieldError(
            "changed_on", LABEL_CHANGE_DATE, N_("cannot be before the last status change")))
    elif new_status is S.EXPIRED and (
        case.certificate_expiry_date is None or on < case.certificate_expiry_date
    ):
        errors.append(FieldError(
            "changed_on", LABEL_CHANGE_DATE, N_("cannot be before the certificate expiry date")))
    if new_status in COMMENT_REQUIRED and comment is None:
        errors.append(FieldError("comment", LABEL_COMMENT, REQUIRED))
    if new_status is S.GRANTED:
        if not number:
            errors.append(FieldError("certificate_number", LABEL_CERTIFICATE, REQUIRED))
        elif len(number) > CERTIFICATE_NUMBER_MAX:
            errors.append(FieldError(
                "certificate_number", LABEL_CERTIFICATE, N_("must be at most {max} characters"),
                {"max": CERTIFICATE_NUMBER_MAX}))
        elif _certificate_taken(session, number, case):
            errors.append(FieldError(
                "certificate_number", LABEL_CERTIFICATE, N_("is already used by another case")))
    if errors:
        raise ValidationFailed(errors)

    override = None
    in_quota = new_status is S.GRANTED and case.quota_year and case.resettlement_region_id
    if in_quota:
        override = quotas.take_slot(session, QuotaKind.KANDAS, case.quota_year,
                                    case.resettlement_region_id, None, override_reason)
    kind = change_requests.status_kind(new_status)  # a clerk's decision waits for approval
    if kind is not None:
        change_requests.divert(session, kind, case, {
            "status": new_status, "on": on, "comment": comment,
            "certificate_number": number or None, "override_reason": override_reason},
            {"status": current})
    if in_quota:
        case.quota_override_reason = override["reason"] if override else None
    if new_status is S.GRANTED:
        case.certificate_number = number
        case.certificate_issue_date = on
        case.certificate_expiry_date = certificate_expiry(on)
    change = CaseStatusChange(
        case=case, from_status=current, to_status=new_status, changed_on=on,
        user_id=actor.user_id, comment=comment)
    session.add(change)
    case.status = new_status
    for person in case_persons(session, case):
        person.category = PersonCategory.KANDAS
        person.status = new_status.value
    session.flush()
    if override:
        quotas.record_override(session, "repatriate_case", case.id, override)
    return change


def _certificate_taken(session: Session, number: str, case: RepatriateCase) -> bool:
    query = (
        select(RepatriateCase.id)
        .where(RepatriateCase.certificate_number == number)
        .execution_options(include_deleted=True)  # the unique index still holds them
    )
    if case.id is not None:
        query = query.where(RepatriateCase.id != case.id)
    return session.scalars(query.limit(1)).first() is not None


def case_persons(session: Session, case: RepatriateCase) -> list[Person]:
    persons = [member.person for member in household_members(session, case)]
    if case.person is not None and all(p is not case.person for p in persons):
        persons.insert(0, case.person)
    return persons


def expire_certificates(session: Session, today: dt.date) -> int:
    """Move every granted case whose certificate expired before today to EXPIRED, dated on
    the expiry day; returns how many cases moved."""
    require_in(session, Permission.REGISTER)
    cases = session.scalars(
        select(RepatriateCase)
        .where(
            RepatriateCase.status == S.GRANTED,
            RepatriateCase.certificate_expiry_date < today,
        )
        .order_by(RepatriateCase.certificate_expiry_date, RepatriateCase.case_number)
    ).all()
    for case in cases:
        history = case_history(session, case)
        on = case.certificate_expiry_date
        if history and history[-1].changed_on > on:
            on = history[-1].changed_on
        change_status(
            session, case, S.EXPIRED, on, comment=EXPIRY_COMMENT, today=today)
    return len(cases)


# --- the list of cases ---


@dataclass(frozen=True)
class CaseRow:
    """One row of the cases list."""

    id: uuid.UUID
    case_number: str
    applicant: str
    country_of_origin: str
    application_date: dt.date
    status: RepatriateStatus
    certificate_number: str | None
    certificate_expiry_date: dt.date | None
    household_size: int
    owner_name: str = ""  # the assigned clerk's full name (services/ownership.py)

    def expires_within(self, today: dt.date, days: int) -> bool:
        """A granted case whose certificate expires between today and `days` days later."""
        return _expires_within(self.status, self.certificate_expiry_date, today, days)


def _expires_within(status, expiry: dt.date | None, today: dt.date, days: int) -> bool:
    return (
        status is S.GRANTED
        and expiry is not None
        and today <= expiry <= today + dt.timedelta(days=days)
    )


def _filtered_cases(query, text: str, status, expiring_within, today, mine=None,
                    walk: Walk | bool = False, session: Session | None = None):
    """`mine`: a condition on the owner (ownership.mine), or None; `walk`: see
    list_pages.person_condition; `session`: see list_pages.any_of."""
    if mine is not None:
        query = query.where(mine)
    text = normalized_line(text) or ""
    if text:
        conditions = [
            prefix_range(RepatriateCase.case_number, text.upper()),
            prefix_range(RepatriateCase.certificate_number, text),
        ]
        if text.upper() != text:
            conditions.append(prefix_range(RepatriateCase.certificate_number, text.upper()))
        named = person_condition(RepatriateCase.person_id, text, walk, session)
        query = query.where(any_of(RepatriateCase.id, conditions, named, walk, session))
    if status is not None:
        query = query.where(RepatriateCase.status == RepatriateStatus(status))
    if expiring_within is not None:
        today = today or dt.date.today()
        until = today + dt.timedelta(days=expiring_within)
        query = query.where(
            RepatriateCase.status == S.GRANTED,
            RepatriateCase.certificate_expiry_date.between(today, until),
        )
    return query


def count_cases(
    session: Session,
    text: str = "",
    status: RepatriateStatus | None = None,
    expiring_within: int | None = None,
    today: dt.date | None = None,
    mine: bool = False,
) -> int:
    """How many cases `fetch_cases` lists with the same filters."""
    query = select(func.count()).select_from(RepatriateCase)
    owner = ownership.mine(session, RepatriateCase.owner_id) if mine else None
    return session.scalar(_filtered_cases(query, text, status, expiring_within, today, owner,
                                          session=session))


def fetch_cases(
    session: Session,
    text: str = "",
    status: RepatriateStatus | None = None,
    expiring_within: int | None = None,
    today: dt.date | None = None,
    offset: int = 0,
    limit: int = 200,
    mine: bool = False,
) -> list[CaseRow]:
    """One page of cases, the latest applications (and case numbers) first. `text` matches the
    start of a case or certificate number, or the applicant by name in any script, IIN or
    document number;
    `expiring_within` keeps granted cases whose certificate expires within that many days;
    `mine` the cases the acting user owns."""
    size = (
        select(func.count(HouseholdMember.id))
        .where(
            HouseholdMember.household_id == RepatriateCase.household_id,
            HouseholdMember.deleted_at.is_(None),
        )
        .correlate(RepatriateCase)
        .scalar_subquery()
    )
    # The page's ids first, from the list index alone; only then the joins, for its rows.
    order_keys = (RepatriateCase.application_date, RepatriateCase.case_number,
                  RepatriateCase.id)
    order = [key.desc() for key in order_keys]
    owner = ownership.mine(session, RepatriateCase.owner_id) if mine else None
    ids = page_ids(session, text, lambda walk: _filtered_cases(
        select(RepatriateCase.id), text, status, expiring_within, today, owner, walk, session,
    ).order_by(*page_order(order_keys, text, walk)).offset(offset).limit(limit),
        RepatriateCase.person_id, pages=offset // max(limit, 1) + 1)
    query = (
        select(
            RepatriateCase.id, RepatriateCase.case_number, Person.surname, Person.given_name,
            Person.patronymic, RepatriateCase.country_of_origin, RepatriateCase.application_date,
            RepatriateCase.status, RepatriateCase.certificate_number,
            RepatriateCase.certificate_expiry_date, size, User.full_name,
        )
        .where(RepatriateCase.id.in_(ids))
        .outerjoin(Person, Person.id == RepatriateCase.person_id)  # listed as counted
        .outerjoin(User, User.id == RepatriateCase.owner_id)
        .order_by(*order)
    )
    rows = session.execute(query)
    return [
        CaseRow(
            id=row[0], case_number=row[1],
            applicant=" ".join(p for p in (row[2], row[3], row[4]) if p),
            country_of_origin=row[5], application_date=row[6], status=row[7],
            certificate_number=row[8], certificate_expiry_date=row[9],
            household_size=max(row[10] or 0, 1),  # a case without a household: the applicant
            owner_name=row[11] or "",
        )
        for row in rows
    ]


def count_cases_in(database: Database, **filters) -> int:
    """`count_cases` in a session of its own."""
    with database.sessions() as session:
        return count_cases(session, **filters)


def first_cases(database: Database, limit: int, **filters) -> Listing:
    """The first page of cases and their count, exact or a lower bound (list_pages)."""
    with database.sessions() as session:
        rows = fetch_cases(session, **filters, offset=0, limit=limit)
        text = filters.get("text", "")
        owner = ownership.mine(session, RepatriateCase.owner_id) if filters.get("mine") else None
        return first_listing(session, text, rows, limit, lambda: _filtered_cases(
            select(RepatriateCase.id), text, filters.get("status"),
            filters.get("expiring_within"), filters.get("today"), owner, session=session))


def cases_page(database: Database, offset: int, limit: int, **filters) -> list[CaseRow]:
    """`fetch_cases` in a session of its own."""
    with database.sessions() as session:
        return fetch_cases(session, **filters, offset=offset, limit=limit)


# --- a case, for the Repatriates section ---


@dataclass(frozen=True)
class MemberRecord:
    """A current member of a case's household."""

    person_id: uuid.UUID
    full_name: str
    relation: HouseholdRelation
    birth_date: dt.date | None


@dataclass(frozen=True)
class StatusChangeRecord:
    """An entry of a case's status history."""

    changed_on: dt.date
    from_status: RepatriateStatus | None
    to_status: RepatriateStatus
    comment: str | None


@dataclass(frozen=True)
class CaseRecord:
    """A case as its dialog shows it: details, certificate, household (the head first) and
    status history (oldest first)."""

    id: uuid.UUID
    case_number: str
    applicant: str
    country_of_origin: str
    application_date: dt.date
    arrival_date: dt.date | None
    region: str  # the name of the region of resettlement, "" without one
    quota_year: int | None
    status: RepatriateStatus
    certificate_number: str | None
    certificate_issue_date: dt.date | None
    certificate_expiry_date: dt.date | None
    members: tuple[MemberRecord, ...]
    history: tuple[StatusChangeRecord, ...]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def expires_within(self, today: dt.date, days: int) -> bool:
        """A granted case whose certificate expires between today and `days` days later."""
        return _expires_within(self.status, self.certificate_expiry_date, today, days)


def _stored(session: Session, model, record_id: uuid.UUID | None, gone: str):
    record = session.get(model, record_id) if record_id is not None else None
    if record is None:
        raise NotFound(gone)
    return record


def load_case(database: Database, case_id: uuid.UUID) -> CaseRecord:
    """The case as stored now; NotFound once it is gone."""
    with database.sessions() as session:
        case = _stored(session, RepatriateCase, case_id, CASE_GONE)
        return CaseRecord(
            id=case.id,
            case_number=case.case_number,
            applicant=case.person.full_name,
            country_of_origin=case.country_of_origin,
            application_date=case.application_date,
            arrival_date=case.arrival_date,
            region=case.resettlement_region.name if case.resettlement_region else "",
            quota_year=case.quota_year,
            status=case.status,
            certificate_number=case.certificate_number,
            certificate_issue_date=case.certificate_issue_date,
            certificate_expiry_date=case.certificate_expiry_date,
            members=tuple(
                MemberRecord(m.person_id, m.person.full_name, m.relation, m.person.birth_date)
                for m in household_members(session, case)),
            history=tuple(
                StatusChangeRecord(c.changed_on, c.from_status, c.to_status, c.comment)
                for c in case_history(session, case)),
        )


def open_case_for(database: Database, person_id: uuid.UUID | None, data: CaseInput) -> uuid.UUID:
    """Open a case for the applicant chosen by id (`open_case`); the new case's id."""
    with database.transaction() as session:
        head = session.get(Person, person_id) if person_id is not None else None
        if head is None:
            raise ValidationFailed([FieldError("person_id", LABEL_APPLICANT, REQUIRED)])
        return open_case(session, head, data).id


def add_case_member(database: Database, case_id: uuid.UUID, person_id: uuid.UUID,
                    relation: HouseholdRelation) -> None:
    with database.transaction() as session:
        case = _stored(session, RepatriateCase, case_id, CASE_GONE)
        add_member(session, case, _stored(session, Person, person_id, PERSON_GONE), relation)


def remove_case_member(database: Database, case_id: uuid.UUID, person_id: uuid.UUID) -> None:
    with database.transaction() as session:
        case = _stored(session, RepatriateCase, case_id, CASE_GONE)
        remove_member(session, case, _stored(session, Person, person_id, PERSON_GONE))


def change_case_status(
    database: Database,
    case_id: uuid.UUID,
    new_status: RepatriateStatus,
    on: dt.date | None,
    comment: str | None = None,
    certificate_number: str | None = None,
    override_reason: str | None = None,
) -> None:
    """`change_status` in a transaction of its own; QuotaExceeded (nothing written) when a
    grant goes beyond the quota without a supervisor's `override_reason`; SentForApproval when
    the decision waits for a supervisor (the request is stored)."""
    with change_requests.transaction(database) as session:
        case = _stored(session, RepatriateCase, case_id, CASE_GONE)
        change_status(session, case, new_status, on, comment=comment,
                      certificate_number=certificate_number, override_reason=override_reason)
