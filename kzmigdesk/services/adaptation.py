"""Adaptation and integration centres: centres, the catalogue of services, service records.

Plain functions on a SQLAlchemy session, where the caller owns the transaction; the windows call
the use cases taking the `Database` (each opens its own session or transaction) and get frozen
read models back. Messages are msgids, translated when shown (see services/errors.py).

A stay (a record of an accommodation service type) takes one bed of its centre on every day
from `start_date` to `end_date` inclusive; a stay without `end_date` is still going on and
covers every day from its start.
"""

import datetime as dt
import re
import uuid
from dataclasses import dataclass, field

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from kzmigdesk import languages
from kzmigdesk.db.session import Database
from kzmigdesk.domain.identifiers import normalized_line
from kzmigdesk.domain.models import AdaptationCentre, Person, ServiceRecord, ServiceType, User
from kzmigdesk.domain.search import sort_key
from kzmigdesk.i18n import N_, _, format_date
from kzmigdesk.services import ownership
from kzmigdesk.services.auth import Permission, require_in
from kzmigdesk.services.errors import NotFound, ServiceError, ValidationFailed
from kzmigdesk.services.fields import NOT_A_PHONE, PHONE, REQUIRED, clean, clean_lines, field_errors
from kzmigdesk.services.list_pages import (
    Listing,
    Walk,
    first_listing,
    page_ids,
    page_order,
    person_condition,
)
from kzmigdesk.services.ownership import default_owner

LABELS = {
    "name": N_("Centre name"),
    "region_id": N_("Region"),
    "beds": N_("Beds"),
    "code": N_("Code"),
    "person_id": N_("Person"),
    "centre_id": N_("Centre"),
    "service_type_id": N_("Service"),
    "start_date": N_("Start date"),
    "end_date": N_("End date"),
    "hours_attended": N_("Hours attended"),
    "completed": N_("Completed"),
    "phone": N_("Phone"),
    "planned_end_date": N_("Planned end"),
}
IN_FUTURE = N_("is in the future")
DOES_NOT_EXIST = N_("does not exist")
ONLY_COURSES = N_("applies only to courses")
CODE = re.compile(r"[a-z0-9_]+")
CODE_LENGTH = 32


def _label(name: str) -> str:
    """A field's label; "names.kk" is the name in Kazakh (kzmigdesk.languages)."""
    if name.startswith("names."):
        return languages.get(name.removeprefix("names.")).name_label
    return LABELS[name]


_error = field_errors(_label)


def _whole_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class DatedServiceError(ServiceError):
    """A refusal whose date params are shown in the current language's format."""

    def message(self) -> str:
        params = {
            key: format_date(value) if isinstance(value, dt.date) else value
            for key, value in self.params.items()
        }
        return _(self.msgid).format(**params)


class CentreFull(DatedServiceError):
    def __init__(self, centre: AdaptationCentre, date: dt.date):
        if centre.beds:
            msgid = N_("{centre} is full on {date}: all {beds} beds are taken.")
        else:
            msgid = N_("{centre} has no beds.")
        super().__init__(msgid, centre=centre.name, date=date, beds=centre.beds)
        self.centre_id = centre.id
        self.date = date


class OverlappingStay(DatedServiceError):
    def __init__(self, other: ServiceRecord):
        super().__init__(
            N_("This person already has a stay at {centre} from {start} over these dates."),
            centre=other.centre.name,
            start=other.start_date,
        )
        self.other_id = other.id


# --- centres --------------------------------------------------------------------------------


@dataclass
class CentreInput:
    name: str = ""
    region_id: uuid.UUID | None = None
    address: str | None = None
    phone: str | None = None
    beds: int | None = 0


def save_centre(session: Session, data: CentreInput, centre: AdaptationCentre | None = None,
                today: dt.date | None = None) -> AdaptationCentre:
    """Create a centre, or update `centre`; its beds cannot drop below today's occupancy."""
    require_in(session, Permission.EDIT_CATALOGUE)
    today = today or dt.date.today()
    name = clean(data.name)
    errors = []
    if name is None:
        errors.append(_error("name", REQUIRED))
    if data.region_id is None:
        errors.append(_error("region_id", REQUIRED))
    if data.beds is None:
        errors.append(_error("beds", REQUIRED))
    elif not _whole_number(data.beds):
        errors.append(_error("beds", N_("is not a whole number")))
    elif data.beds < 0:
        errors.append(_error("beds", N_("is negative")))
    phone = normalized_line(data.phone)
    if phone and not PHONE.fullmatch(phone):
        errors.append(_error("phone", NOT_A_PHONE))
    elif centre is not None and data.beds < centre.beds:
        staying = occupancy(session, centre.id, today)
        if data.beds < staying:
            errors.append(_error("beds", N_("is fewer than the {count} people staying today"),
                                 count=staying))
    if errors:
        raise ValidationFailed(errors)
    if centre is None:
        centre = AdaptationCentre()
        session.add(centre)
    centre.name = name
    centre.region_id = data.region_id
    centre.address = clean(data.address)
    centre.phone = phone
    centre.beds = data.beds
    session.flush()
    return centre


@dataclass(frozen=True)
class CentreRecord:
    """A centre as the centres dialog shows it, with the beds taken on the day asked."""

    id: uuid.UUID
    name: str
    region_id: uuid.UUID
    region_name: str
    address: str | None
    phone: str | None
    beds: int
    staying: int


def _sorted_centres(session: Session) -> list[AdaptationCentre]:
    return sorted(session.scalars(select(AdaptationCentre)), key=lambda c: sort_key(c.name))


def centre_choices(database: Database) -> list[tuple[str, uuid.UUID]]:
    """(name, id) of every centre, by name."""
    with database.sessions() as session:
        return [(centre.name, centre.id) for centre in _sorted_centres(session)]


def centres_with_occupancy(database: Database, day: dt.date | None = None) -> list[CentreRecord]:
    """Every centre by name, with how many of its beds are taken on `day` (today)."""
    day = day or dt.date.today()
    with database.sessions() as session:
        return [
            CentreRecord(id=centre.id, name=centre.name, region_id=centre.region_id,
                         region_name=centre.region.name, address=centre.address,
                         phone=centre.phone, beds=centre.beds,
                         staying=occupancy(session, centre.id, day))
            for centre in _sorted_centres(session)
        ]


def store_centre(database: Database, data: CentreInput,
                 centre_id: uuid.UUID | None = None) -> uuid.UUID:
    """Save a new centre (or the centre `centre_id`) in its own transaction; its id."""
    with database.transaction() as session:
        centre = session.get(AdaptationCentre, centre_id) if centre_id else None
        return save_centre(session, data, centre).id


# --- the catalogue of services --------------------------------------------------------------


@dataclass
class ServiceTypeInput:
    code: str = ""
    names: dict[str, str] = field(default_factory=dict)  # language code → name
    is_accommodation: bool = False
    is_course: bool = False
    active: bool = True


def save_service_type(session: Session, data: ServiceTypeInput,
                      service_type: ServiceType | None = None) -> ServiceType:
    """Create a service type, or update `service_type` (supervisors only; audited);
    ValidationFailed lists problems."""
    require_in(session, Permission.EDIT_CATALOGUE)
    code = (data.code or "").strip()
    # A name in every language of the registry (kzmigdesk.languages).
    names = {lang: clean(data.names.get(lang)) for lang in languages.codes()}
    errors = []
    if not code:
        errors.append(_error("code", REQUIRED))
    elif len(code) > CODE_LENGTH or not CODE.fullmatch(code):
        errors.append(_error(
            "code",
            N_("may contain only lowercase Latin letters, digits and underscores, "
               "at most {count}"),
            count=CODE_LENGTH,
        ))
    else:
        # Soft-deleted types keep their code: the column is unique in the database.
        other = session.scalars(
            select(ServiceType)
            .where(ServiceType.code == code)
            .execution_options(include_deleted=True)
        ).one_or_none()
        if other is not None and other is not service_type:
            errors.append(_error("code", N_("is already used by another service")))
    for lang, value in names.items():
        if value is None:
            errors.append(_error(f"names.{lang}", REQUIRED))
    if errors:
        raise ValidationFailed(errors)
    if service_type is None:
        service_type = ServiceType()
        session.add(service_type)
    service_type.code = code
    if names != service_type.names:
        service_type.names = names
    service_type.is_accommodation = bool(data.is_accommodation)
    service_type.is_course = bool(data.is_course)
    service_type.active = bool(data.active)
    session.flush()  # the audit trail records the change (services/audit.py)
    return service_type


def service_types(session: Session, active_only: bool = True) -> list[ServiceType]:
    """The catalogue in the alphabetical order of the current language's names."""
    query = select(ServiceType)
    if active_only:
        query = query.where(ServiceType.active.is_(True))
    return sorted(session.scalars(query), key=lambda t: (sort_key(t.name), t.code))


@dataclass(frozen=True)
class ServiceTypeRecord:
    """A service type as the catalogue, the filters and the service dialog show it."""

    id: uuid.UUID
    code: str
    name: str  # in the current language
    names: dict[str, str]  # by language code (kzmigdesk.languages)
    is_accommodation: bool
    is_course: bool
    active: bool


def _type_record(kind: ServiceType) -> ServiceTypeRecord:
    return ServiceTypeRecord(
        id=kind.id, code=kind.code, name=kind.name, names=dict(kind.names),
        is_accommodation=kind.is_accommodation, is_course=kind.is_course, active=kind.active)


def service_catalogue(database: Database, active_only: bool = True) -> list[ServiceTypeRecord]:
    """The service types in the order of `service_types`."""
    with database.sessions() as session:
        return [_type_record(kind) for kind in service_types(session, active_only)]


def store_service_type(database: Database, data: ServiceTypeInput,
                       type_id: uuid.UUID | None = None) -> uuid.UUID:
    """Save a new service type (or the type `type_id`) in its own transaction; its id."""
    with database.transaction() as session:
        kind = session.get(ServiceType, type_id) if type_id else None
        return save_service_type(session, data, kind).id


# --- service records ------------------------------------------------------------------------


@dataclass
class ServiceInput:
    person_id: uuid.UUID | None = None
    centre_id: uuid.UUID | None = None
    service_type_id: uuid.UUID | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    staff_name: str | None = None
    outcome: str | None = None
    notes: str | None = None
    hours_attended: int | None = None
    completed: bool | None = None
    planned_end_date: dt.date | None = None  # a stay's planned last day


def _stays(centre_id: uuid.UUID | None = None, person_id: uuid.UUID | None = None,
           exclude: ServiceRecord | None = None):
    """A query of the accommodation records of a centre or of a person."""
    query = (
        select(ServiceRecord)
        .join(ServiceType, ServiceRecord.service_type_id == ServiceType.id)
        .where(ServiceType.is_accommodation.is_(True))
    )
    if centre_id is not None:
        query = query.where(ServiceRecord.centre_id == centre_id)
    if person_id is not None:
        query = query.where(ServiceRecord.person_id == person_id)
    if exclude is not None and exclude.id is not None:
        query = query.where(ServiceRecord.id != exclude.id)
    return query


def _overlapping(query, start: dt.date, end: dt.date | None):
    """Narrow a query of records to those sharing at least one day with [start, end]."""
    query = query.where(or_(ServiceRecord.end_date.is_(None), ServiceRecord.end_date >= start))
    if end is not None:
        query = query.where(ServiceRecord.start_date <= end)
    return query


def _covers(record: ServiceRecord, day: dt.date) -> bool:
    return record.start_date <= day and (record.end_date is None or record.end_date >= day)


def occupancy(session: Session, centre_id: uuid.UUID, day: dt.date) -> int:
    """How many stays at the centre cover `day` (how many beds are taken that day)."""
    query = _overlapping(_stays(centre_id=centre_id), day, day)
    return session.scalar(select(func.count()).select_from(query.subquery()))


def length_of_stay(record: ServiceRecord, today: dt.date) -> int:
    """Days of the record from its start to its end (or today if it goes on), inclusive."""
    last = record.end_date or today
    return max(0, (last - record.start_date).days + 1)


def _check_free_beds(session: Session, centre: AdaptationCentre, start: dt.date,
                     end: dt.date | None, record: ServiceRecord | None) -> None:
    """Refuse the stay if on any of its days all the centre's beds are taken by others.

    The number of stays covering a day only grows on the days stays begin, so it is enough to
    count on the new stay's first day and on each start of another stay within the new one.
    """
    others = list(session.scalars(_overlapping(_stays(centre_id=centre.id, exclude=record),
                                               start, end)))
    days = sorted({start} | {o.start_date for o in others if o.start_date > start})
    for day in days:
        if sum(1 for o in others if _covers(o, day)) >= centre.beds:
            raise CentreFull(centre, day)


def record_service(session: Session, data: ServiceInput, record: ServiceRecord | None = None,
                   today: dt.date | None = None) -> ServiceRecord:
    """Record a service given to a person (or update `record`): a stay, a course, a consultation.

    ValidationFailed lists problems with the fields; OverlappingStay and CentreFull refuse a
    stay that would overlap another stay of the person or not find a free bed.
    """
    require_in(session, Permission.REGISTER)
    today = today or dt.date.today()
    errors = []
    for name in ("person_id", "centre_id", "service_type_id", "start_date"):
        if getattr(data, name) is None:
            errors.append(_error(name, REQUIRED))
    person = session.get(Person, data.person_id) if data.person_id else None
    centre = session.get(AdaptationCentre, data.centre_id) if data.centre_id else None
    service_type = session.get(ServiceType, data.service_type_id) if data.service_type_id else None
    for name, found in (("person_id", person), ("centre_id", centre),
                        ("service_type_id", service_type)):
        if getattr(data, name) is not None and (found is None or found.is_deleted):
            errors.append(_error(name, DOES_NOT_EXIST))
    if (service_type is not None and not service_type.active
            and (record is None or record.service_type_id != service_type.id)):
        errors.append(_error("service_type_id", N_("is no longer offered")))
    if data.start_date is not None and data.start_date > today:
        errors.append(_error("start_date", IN_FUTURE))
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors.append(_error("end_date", N_("is before the start date")))
    is_course = service_type is not None and service_type.is_course
    if data.hours_attended is not None:
        if not _whole_number(data.hours_attended):
            errors.append(_error("hours_attended", N_("is not a whole number")))
        elif data.hours_attended < 0:
            errors.append(_error("hours_attended", N_("is negative")))
        elif service_type is not None and not is_course:
            errors.append(_error("hours_attended", ONLY_COURSES))
    if data.completed is not None and service_type is not None and not is_course:
        errors.append(_error("completed", ONLY_COURSES))
    if data.planned_end_date is not None:
        if service_type is not None and not service_type.is_accommodation:
            errors.append(_error("planned_end_date", N_("applies only to stays")))
        elif data.start_date and data.planned_end_date < data.start_date:
            errors.append(_error("planned_end_date", N_("is before the start date")))
    if errors:
        raise ValidationFailed(errors)

    if service_type.is_accommodation:
        query = _overlapping(_stays(person_id=person.id, exclude=record),
                             data.start_date, data.end_date)
        other = session.scalars(query.order_by(ServiceRecord.start_date)).first()
        if other is not None:
            raise OverlappingStay(other)
        _check_free_beds(session, centre, data.start_date, data.end_date, record)

    new = record is None
    if new:
        record = ServiceRecord()
        session.add(record)
    record.person_id = person.id
    record.centre_id = centre.id
    record.service_type_id = service_type.id
    record.start_date = data.start_date
    record.end_date = data.end_date
    record.staff_name = clean(data.staff_name)
    record.outcome = clean(data.outcome)
    record.notes = clean_lines(data.notes)
    record.hours_attended = data.hours_attended
    record.completed = data.completed
    record.planned_end_date = data.planned_end_date
    if record.past_end_flagged_on is not None and (
            data.planned_end_date is None or data.planned_end_date >= today):
        record.past_end_flagged_on = None  # its end moved: no longer past it
    if new:
        default_owner(session, record)
    session.flush()
    return record


def end_stay(session: Session, record: ServiceRecord, end_date: dt.date,
             today: dt.date | None = None) -> ServiceRecord:
    """Check a person out: `end_date` is the stay's last day (its bed is free the day after)."""
    require_in(session, Permission.REGISTER)
    today = today or dt.date.today()
    if not record.service_type.is_accommodation:
        raise ServiceError(N_("Only a stay in a centre can be checked out."))
    if record.end_date is not None:
        raise ServiceError(N_("This stay has already ended."))
    errors = []
    if end_date is None:
        errors.append(_error("end_date", REQUIRED))
    elif end_date < record.start_date:
        errors.append(_error("end_date", N_("is before the start date")))
    elif end_date > today:
        errors.append(_error("end_date", IN_FUTURE))
    if errors:
        raise ValidationFailed(errors)
    record.end_date = end_date
    session.flush()
    return record


@dataclass(frozen=True)
class ServiceDetails:
    """A service record as its dialog shows it."""

    id: uuid.UUID
    person_id: uuid.UUID
    person_name: str
    centre_id: uuid.UUID
    service_type: ServiceTypeRecord
    start_date: dt.date
    end_date: dt.date | None
    staff_name: str | None
    outcome: str | None
    notes: str | None
    hours_attended: int | None
    completed: bool | None
    planned_end_date: dt.date | None = None
    past_end: bool = False  # going on past its planned end (flagged by the deadlines run)
    owner_name: str = ""

    @property
    def is_open_stay(self) -> bool:
        return self.service_type.is_accommodation and self.end_date is None


def _service_record(session: Session, record_id: uuid.UUID) -> ServiceRecord:
    record = session.get(ServiceRecord, record_id)
    if record is None:
        raise NotFound(N_("The service record no longer exists."))
    return record


def load_service(database: Database, record_id: uuid.UUID) -> ServiceDetails:
    """The service record `record_id`; NotFound if it is gone."""
    with database.sessions() as session:
        record = _service_record(session, record_id)
        return ServiceDetails(
            id=record.id, person_id=record.person_id, person_name=record.person.full_name,
            centre_id=record.centre_id, service_type=_type_record(record.service_type),
            start_date=record.start_date, end_date=record.end_date,
            staff_name=record.staff_name, outcome=record.outcome, notes=record.notes,
            hours_attended=record.hours_attended, completed=record.completed,
            planned_end_date=record.planned_end_date,
            past_end=record.end_date is None and record.past_end_flagged_on is not None,
            owner_name=session.get(User, record.owner_id).full_name if record.owner_id else "")


def store_service(database: Database, data: ServiceInput,
                  record_id: uuid.UUID | None = None) -> uuid.UUID:
    """Record a service (or update the record `record_id`) in its own transaction; its id."""
    with database.transaction() as session:
        record = _service_record(session, record_id) if record_id is not None else None
        return record_service(session, data, record).id


def check_out(database: Database, record_id: uuid.UUID, end_date: dt.date) -> None:
    """End the stay `record_id` on `end_date`, in its own transaction (see `end_stay`)."""
    with database.transaction() as session:
        end_stay(session, _service_record(session, record_id), end_date)


# --- the list of service records ------------------------------------------------------------


@dataclass(frozen=True)
class ServiceRow:
    """One line of the service records list."""

    id: uuid.UUID
    person_name: str
    centre_name: str
    service_name: str
    is_accommodation: bool
    start_date: dt.date
    end_date: dt.date | None
    hours_attended: int | None
    completed: bool | None
    outcome: str | None
    owner_name: str = ""  # the assigned clerk's full name (services/ownership.py)
    past_end: bool = False  # a stay going on past its planned end (services/deadlines.py)


def _services_filtered(query, text: str, centre_id: uuid.UUID | None,
                       service_type_id: uuid.UUID | None, open_stays_only: bool, mine=None,
                       walk: Walk | bool = False, session: Session | None = None):
    """Restrict a query of service records to the list's filters; `mine` is a condition on
    the owner (ownership.mine), or None; `walk` and `session`: see
    list_pages.person_condition."""
    if mine is not None:
        query = query.where(mine)
    named = person_condition(ServiceRecord.person_id, text or "", walk, session)
    if named is not None:
        query = query.where(named)
    if centre_id is not None:
        query = query.where(ServiceRecord.centre_id == centre_id)
    if service_type_id is not None:
        query = query.where(ServiceRecord.service_type_id == service_type_id)
    if open_stays_only:
        stays = select(ServiceType.id).where(ServiceType.is_accommodation.is_(True))
        query = query.where(ServiceRecord.end_date.is_(None),
                            ServiceRecord.service_type_id.in_(stays))
    return query


def count_services(session: Session, text: str = "", centre_id: uuid.UUID | None = None,
                   service_type_id: uuid.UUID | None = None,
                   open_stays_only: bool = False, mine: bool = False) -> int:
    """How many service records the list shows for this search text and these filters."""
    query = select(func.count()).select_from(ServiceRecord)
    owner = ownership.mine(session, ServiceRecord.owner_id) if mine else None
    return session.scalar(_services_filtered(query, text, centre_id, service_type_id,
                                             open_stays_only, owner, session=session))


def fetch_services(session: Session, text: str = "", centre_id: uuid.UUID | None = None,
                   service_type_id: uuid.UUID | None = None, open_stays_only: bool = False,
                   offset: int = 0, limit: int = 200, mine: bool = False) -> list[ServiceRow]:
    """One page of the service records list, latest start first (then id, descending).

    `text` matches the person by name in any script, IIN or document number; `open_stays_only`
    keeps the stays still going on (accommodation without an end date); `mine` the records the
    acting user owns."""
    # The page's ids first, from the list index alone; only then the joins, for its rows.
    order_keys = (ServiceRecord.start_date, ServiceRecord.id)
    order = [key.desc() for key in order_keys]
    owner = ownership.mine(session, ServiceRecord.owner_id) if mine else None
    ids = page_ids(session, text, lambda walk: _services_filtered(
        select(ServiceRecord.id), text, centre_id, service_type_id, open_stays_only, owner,
        walk, session,
    ).order_by(*page_order(order_keys, text, walk)).offset(offset).limit(limit),
        ServiceRecord.person_id, pages=offset // max(limit, 1) + 1)
    query = (
        select(ServiceRecord, Person, AdaptationCentre, ServiceType, User.full_name)
        .where(ServiceRecord.id.in_(ids))
        .outerjoin(Person, ServiceRecord.person_id == Person.id)
        .outerjoin(AdaptationCentre, ServiceRecord.centre_id == AdaptationCentre.id)
        .outerjoin(ServiceType, ServiceRecord.service_type_id == ServiceType.id)
        .outerjoin(User, ServiceRecord.owner_id == User.id)
        .order_by(*order)
    )
    rows = session.execute(query)
    return [
        ServiceRow(
            id=record.id,
            person_name=person.full_name if person is not None else "",
            centre_name=centre.name if centre is not None else "",
            service_name=kind.name if kind is not None else "",
            is_accommodation=bool(kind is not None and kind.is_accommodation),
            start_date=record.start_date,
            end_date=record.end_date,
            hours_attended=record.hours_attended,
            completed=record.completed,
            outcome=record.outcome,
            owner_name=owner or "",
            past_end=record.end_date is None and record.past_end_flagged_on is not None,
        )
        for record, person, centre, kind, owner in rows
    ]


def count_services_in(database: Database, **filters) -> int:
    """`count_services` in a session of its own; `filters` as there."""
    with database.sessions() as session:
        return count_services(session, **filters)


def first_services(database: Database, limit: int, text: str = "",
                   centre_id: uuid.UUID | None = None, service_type_id: uuid.UUID | None = None,
                   open_stays_only: bool = False, mine: bool = False) -> Listing:
    """The first page of service records and their count, exact or a lower bound
    (list_pages)."""
    with database.sessions() as session:
        rows = fetch_services(session, text, centre_id, service_type_id, open_stays_only,
                              offset=0, limit=limit, mine=mine)
        owner = ownership.mine(session, ServiceRecord.owner_id) if mine else None
        return first_listing(session, text, rows, limit, lambda: _services_filtered(
            select(ServiceRecord.id), text, centre_id, service_type_id, open_stays_only, owner,
            session=session))


def fetch_services_in(database: Database, offset: int = 0, limit: int = 200,
                      **filters) -> list[ServiceRow]:
    """`fetch_services` in a session of its own; `filters` as there."""
    with database.sessions() as session:
        return fetch_services(session, offset=offset, limit=limit, **filters)
