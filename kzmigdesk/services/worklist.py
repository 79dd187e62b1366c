"""The worklist: what needs the signed-in user today, the window's start page.

Its groups, as of `today`:

- lapsed today: kandas certificates and work permits whose last valid day was yesterday (the
  deadlines run expires them today, so they count whether it has run yet or not);
- expiring within 7 days, and within 30 days (from the 8th day on): granted certificates and
  permits in force whose last valid day falls from today to then;
- permits awaiting extension: issued permits (in force, never extended) running out within 30
  days; they are in the expiring groups too, so the total counts them once;
- stays ending: accommodation stays whose last day (`end_date`, or the planned one of a stay
  still going on) is today or within 7 days;
- stays past their end: stays still going on that the deadlines run flagged past their
  planned last day (services/deadlines.py);
- duplicates flagged for review: persons saved in the last 30 days although a possible
  duplicate had been found (duplicate_decisions);
- exchange conflicts, for those who may resolve them (supervisors and administrators);
- change requests awaiting approval, for those who may approve them (of their office),
  when any wait.

A clerk sees the records of their own office that are theirs or nobody's (services/ownership.py;
a clerk without an office sees those of every office; a supervisor or administrator sees every
record of every office); a stay and a duplicate belong to their person's office. Each
group's count and its first `ITEMS` items come from the same filters, on indexed columns
(certificate expiry, permit last day, the stays index).
"""

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import PermitStatus, RepatriateStatus, UserRole
from kzmigdesk.domain.models import (
    AdaptationCentre,
    DuplicateDecision,
    ExchangeConflict,
    ExchangePeer,
    Person,
    RepatriateCase,
    ServiceRecord,
    ServiceType,
    WorkPermit,
)
from kzmigdesk.i18n import N_
from kzmigdesk.services import change_requests
from kzmigdesk.services.auth import Permission, acting
from kzmigdesk.services.person_search import Unindexed

ITEMS = 50  # items listed per group; the count covers them all
SOON, AHEAD = 7, 30  # days
STAYS_AHEAD = 7
DUPLICATES_SINCE = 30  # days back

IN_FORCE = (PermitStatus.ISSUED, PermitStatus.EXTENDED)


@dataclass(frozen=True)
class WorkItem:
    id: uuid.UUID  # the record to open
    kind: str  # "case", "permit", "stay", "person" or "conflict"
    text: str  # number and name, as stored
    day: dt.date | None  # the deadline, or when it was flagged


@dataclass(frozen=True)
class WorkGroup:
    key: str
    title: str  # msgid
    count: int
    items: tuple[WorkItem, ...]
    in_total: bool = True  # False: its records are counted in another group


@dataclass(frozen=True)
class Worklist:
    day: dt.date
    groups: tuple[WorkGroup, ...]

    @property
    def total(self) -> int:
        """How many records need attention (each counted once)."""
        return sum(group.count for group in self.groups if group.in_total)


def _name(surname, given_name, patronymic) -> str:
    return " ".join(part for part in (surname, given_name, patronymic) if part)


class _Query:
    """The counts and items of one acting user's worklist on one day."""

    def __init__(self, session: Session, today: dt.date):
        self.session = session
        self.today = today
        actor = acting(session)
        clerk = actor is not None and actor.role is UserRole.CLERK
        self.office_id = actor.office_id if clerk else None
        self.owner_id = actor.user_id if clerk else None

    def _theirs(self, where: list, office_column, owner_column) -> list:
        """`where` narrowed to the acting clerk's office, and to their own records and
        those nobody owns."""
        if self.office_id is not None:
            where.append(office_column == self.office_id)
        if self.owner_id is not None:
            where.append(or_(owner_column == self.owner_id, owner_column.is_(None)))
        return where

    def _count_and_rows(self, count_query, rows_query) -> tuple[int, list]:
        return (self.session.scalar(count_query),
                list(self.session.execute(rows_query.limit(ITEMS))))

    def certificates(self, first: dt.date, last: dt.date,
                     statuses=(RepatriateStatus.GRANTED,)) -> tuple[int, list[WorkItem]]:
        # By the expiry index, not a status index (Unindexed: SQLite has no statistics)
        where = [RepatriateCase.certificate_expiry_date.between(first, last),
                 Unindexed(RepatriateCase.status).in_(statuses)]
        self._theirs(where, RepatriateCase.office_id, RepatriateCase.owner_id)
        count, rows = self._count_and_rows(
            select(func.count()).select_from(RepatriateCase).where(*where),
            select(RepatriateCase.id, RepatriateCase.case_number,
                   RepatriateCase.certificate_expiry_date, Person.surname, Person.given_name,
                   Person.patronymic)
            .outerjoin(Person, Person.id == RepatriateCase.person_id).where(*where)
            .order_by(RepatriateCase.certificate_expiry_date, RepatriateCase.case_number))
        return count, [WorkItem(row[0], "case", f"{row[1]} · {_name(*row[3:])}", row[2])
                       for row in rows]

    def permits(self, first: dt.date, last: dt.date,
                statuses=IN_FORCE) -> tuple[int, list[WorkItem]]:
        where = [WorkPermit.valid_to.between(first, last),
                 Unindexed(WorkPermit.status).in_(statuses)]
        self._theirs(where, WorkPermit.office_id, WorkPermit.owner_id)
        count, rows = self._count_and_rows(
            select(func.count()).select_from(WorkPermit).where(*where),
            select(WorkPermit.id, WorkPermit.number, WorkPermit.valid_to, Person.surname,
                   Person.given_name, Person.patronymic)
            .outerjoin(Person, Person.id == WorkPermit.person_id).where(*where)
            .order_by(WorkPermit.valid_to, WorkPermit.number))
        return count, [WorkItem(row[0], "permit", f"{row[1]} · {_name(*row[3:])}", row[2])
                       for row in rows]

    def deadlines(self, key: str, title: str, first: dt.date, last: dt.date,
                  case_statuses=(RepatriateStatus.GRANTED,),
                  permit_statuses=IN_FORCE) -> WorkGroup:
        """Certificates and permits whose last valid day falls from `first` to `last`."""
        cases, case_items = self.certificates(first, last, case_statuses)
        permits, permit_items = self.permits(first, last, permit_statuses)
        items = sorted(case_items + permit_items, key=lambda item: (item.day, item.text))
        return WorkGroup(key, title, cases + permits, tuple(items[:ITEMS]))

    def _stays(self, key: str, title: str, last_day, *where) -> WorkGroup:
        """The stays (accommodation records) matching `where`, by `last_day`."""
        accommodation = select(ServiceType.id).where(ServiceType.is_accommodation.is_(True))
        where = [ServiceRecord.service_type_id.in_(accommodation), *where]
        count_query = select(func.count()).select_from(ServiceRecord)
        if self.office_id is not None:
            count_query = count_query.join(Person, Person.id == ServiceRecord.person_id)
        self._theirs(where, Person.office_id, ServiceRecord.owner_id)
        count, rows = self._count_and_rows(
            count_query.where(*where),
            select(ServiceRecord.id, last_day, Person.surname, Person.given_name,
                   Person.patronymic, AdaptationCentre.name)
            .join(Person, Person.id == ServiceRecord.person_id)
            .outerjoin(AdaptationCentre, AdaptationCentre.id == ServiceRecord.centre_id)
            .where(*where).order_by(last_day, ServiceRecord.id))
        items = [WorkItem(row[0], "stay", f"{_name(*row[2:5])} · {row[5] or ''}", row[1])
                 for row in rows]
        return WorkGroup(key, title, count, tuple(items))

    def stays(self) -> WorkGroup:
        first, last = self.today, self.today + dt.timedelta(days=STAYS_AHEAD)
        return self._stays(
            "stays", N_("Stays ending within 7 days"),
            func.coalesce(ServiceRecord.end_date, ServiceRecord.planned_end_date),
            or_(ServiceRecord.end_date.between(first, last),
                and_(ServiceRecord.end_date.is_(None),
                     ServiceRecord.planned_end_date.between(first, last))))

    def stays_past_end(self) -> WorkGroup:
        return self._stays("past_end", N_("Stays past their end"),
                           ServiceRecord.planned_end_date,
                           ServiceRecord.end_date.is_(None),
                           ServiceRecord.past_end_flagged_on.is_not(None))

    def duplicates(self) -> WorkGroup:
        since = self.today - dt.timedelta(days=DUPLICATES_SINCE)
        where = [DuplicateDecision.created_at >= dt.datetime(since.year, since.month, since.day)]
        count_query = select(func.count()).select_from(DuplicateDecision)
        if self.office_id is not None:
            count_query = count_query.join(Person, Person.id == DuplicateDecision.person_id)
            where.append(Person.office_id == self.office_id)
        candidate = aliased(Person)
        count, rows = self._count_and_rows(
            count_query.where(*where),
            select(DuplicateDecision.person_id, DuplicateDecision.created_at, Person.surname,
                   Person.given_name, Person.patronymic, candidate.surname,
                   candidate.given_name, candidate.patronymic)
            .join(Person, Person.id == DuplicateDecision.person_id)
            .outerjoin(candidate, candidate.id == DuplicateDecision.candidate_id)
            .where(*where).order_by(DuplicateDecision.created_at.desc()))
        items = [WorkItem(row[0], "person", f"{_name(*row[2:5])} ≈ {_name(*row[5:8])}",
                          row[1].date()) for row in rows]
        return WorkGroup("duplicates", N_("Duplicates flagged for review"), count, tuple(items))

    def conflicts(self) -> WorkGroup:
        where = [ExchangeConflict.resolved_at.is_(None)]
        count, rows = self._count_and_rows(
            select(func.count()).select_from(ExchangeConflict).where(*where),
            select(ExchangeConflict.id, ExchangeConflict.detected_at, ExchangePeer.name,
                   ExchangeConflict.entity_type)
            .outerjoin(ExchangePeer, ExchangePeer.id == ExchangeConflict.peer_id)
            .where(*where).order_by(ExchangeConflict.detected_at))
        items = [WorkItem(row[0], "conflict", f"{row[2] or ''} · {row[3]}", row[1].date())
                 for row in rows]
        return WorkGroup("conflicts", N_("Exchange conflicts"), count, tuple(items))


def worklist_of(session: Session, today: dt.date | None = None) -> Worklist:
    """The acting user's worklist as of `today`."""
    today = today or dt.date.today()
    query = _Query(session, today)
    day = dt.timedelta(days=1)
    soon, ahead = today + dt.timedelta(days=SOON), today + dt.timedelta(days=AHEAD)
    awaiting, awaiting_items = query.permits(today, ahead, (PermitStatus.ISSUED,))
    groups = [
        query.deadlines("lapsed", N_("Lapsed today"), today - day, today - day,
                        (RepatriateStatus.GRANTED, RepatriateStatus.EXPIRED),
                        IN_FORCE + (PermitStatus.EXPIRED,)),
        query.deadlines("soon", N_("Expiring within 7 days"), today, soon),
        query.deadlines("ahead", N_("Expiring within 30 days"), soon + day, ahead),
        WorkGroup("awaiting_extension", N_("Permits awaiting extension"), awaiting,
                  tuple(awaiting_items), in_total=False),
        query.stays(),
        query.stays_past_end(),
        query.duplicates(),
    ]
    actor = acting(session)
    if actor is not None and actor.may(Permission.IMPORT_PACKAGES):
        groups.append(query.conflicts())
    waiting = change_requests.count_waiting(session) if actor is not None and actor.may(
        Permission.APPROVE_CHANGES) else 0
    if waiting:  # change requests the user may decide, listed only when some wait
        groups.append(WorkGroup("requests", N_("Requests awaiting approval"), waiting, tuple(
            WorkItem(r.id, "request", f"{r.summary} · {r.author}",
                     r.submitted_at.date() if r.submitted_at else None)
            for r in change_requests.waiting(session, ITEMS))))
    return Worklist(today, tuple(groups))


def worklist(database: Database, today: dt.date | None = None) -> Worklist:
    """The signed-in user's worklist as of `today` (see the module's description)."""
    with database.sessions() as session:
        return worklist_of(session, today)
