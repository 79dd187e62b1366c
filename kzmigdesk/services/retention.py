"""How long personal data are kept (issue 23): retention rules per record type, the monthly
purge proposal, and the purge a supervisor approves.

A rule says how many years a kind of record is kept after it ended (a case closed, a permit
ended, a service ended, a person's record last changed); 0 keeps it without a limit. A person
is due for purge once every record of theirs has ended and each rule's years have passed since
(the latest of these dates is the person's due date; the rule that gave it is "the rule").
A person with a case, permit or service still open is never due.

The purge anonymises rather than deletes, so that statistics keep their counts: the rows of
the person and their records stay (registration date, category, sex, citizenship, region,
office, statuses and dates: what the monthly summary counts), the identifying data are
overwritten (names, IIN, contacts, address, photo, notes, document numbers, free-text
comments; the date of birth keeps its year only), scans are deleted with their content, and
the name index forgets the person. The writes bypass the change-by-change audit (which would
copy the old values into the trail once more): the trail gets the purge record itself (the
persons' ids and each one's rule) and one entry per record changed or deleted, naming the
purge, never a value.

The purge (a `retention_purges` record) travels in exchange packages; an office importing
it anonymises the same persons (`apply_received`), whatever its own rules say. The
anonymised values are the same everywhere, so the rows that travel with it agree."""

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, insert, select, text, update
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import RepatriateStatus, RequestStatus, UserRole
from kzmigdesk.domain.models import (
    CaseStatusChange,
    ChangeRequest,
    ExchangeConflict,
    Household,
    IdentityDocument,
    OutgoingEntry,
    PermitStatusChange,
    Person,
    PurgedPerson,
    RepatriateCase,
    RetentionPurge,
    RetentionRule,
    Scan,
    ServiceRecord,
    WorkPermit,
    utcnow,
)
from kzmigdesk.i18n import N_
from kzmigdesk.services import audit
from kzmigdesk.services.auth import Permission, acting, require
from kzmigdesk.services.errors import FieldError, ServiceError, ValidationFailed
from kzmigdesk.services.name_index import unindex
from kzmigdesk.text import sort_key

CASE_CLOSED, PERMIT_ENDED, SERVICE_ENDED, PERSON_INACTIVE = (
    "case_closed", "permit_ended", "service_ended", "person_inactive")
RECORD_TYPES = {
    CASE_CLOSED: N_("Repatriate case, after it is closed"),
    PERMIT_ENDED: N_("Work permit, after it ends"),
    SERVICE_ENDED: N_("Adaptation service, after it ends"),
    PERSON_INACTIVE: N_("Person, after their record last changed"),
}
# Seeded by migration 0023 (keep in step); an administrator changes them.
DEFAULT_YEARS = {CASE_CLOSED: 5, PERMIT_ENDED: 5, SERVICE_ENDED: 3, PERSON_INACTIVE: 5}
MAX_YEARS = 100
CLOSED_CASE = (RepatriateStatus.CITIZEN, RepatriateStatus.REFUSED, RepatriateStatus.WITHDRAWN,
               RepatriateStatus.EXPIRED)
ANONYMOUS = "***"  # what names and numbers read once anonymised
BATCH = 200  # persons purged in one transaction
CHUNK = 500  # ids in one IN (...)


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _chunks(items: list, size: int = CHUNK) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _day(moment) -> dt.date | None:
    if moment is None:
        return None
    return moment.date() if isinstance(moment, dt.datetime) else moment


# --- the rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleView:
    record_type: str
    label: str  # msgid
    years: int  # 0: kept without a limit
    changed_at: dt.datetime | None
    changed_by: str | None


def rule_years(session: Session) -> dict[str, int]:
    stored = {r.record_type: r.years for r in session.scalars(select(RetentionRule))}
    return {key: stored.get(key, DEFAULT_YEARS[key]) for key in RECORD_TYPES}


def rules_of(session: Session) -> list[RuleView]:
    """The rules, for supervisors (who approve purges) and administrators (who set them)."""
    require(acting(session), Permission.PURGE_RECORDS)
    stored = {r.record_type: r for r in session.scalars(select(RetentionRule))}
    return [RuleView(key, label, stored[key].years if key in stored else DEFAULT_YEARS[key],
                     stored[key].changed_at if key in stored else None,
                     stored[key].changed_by if key in stored else None)
            for key, label in RECORD_TYPES.items()]


def set_rules(session: Session, years: dict[str, int]) -> None:
    """An administrator sets the years of some rules (0: without a limit); the trail records
    each change."""
    actor = require(acting(session), Permission.SET_RETENTION)
    problems = []
    for key, value in years.items():
        if key not in RECORD_TYPES:
            raise ValueError(key)
        if type(value) is not int or not 0 <= value <= MAX_YEARS:
            problems.append(FieldError(key, RECORD_TYPES[key], N_(
                "must be a whole number of years from 0 (no limit) to 100")))
    if problems:
        raise ValidationFailed(problems)
    current = rule_years(session)
    changes = {}
    for key, value in years.items():
        if current[key] == value:
            continue
        rule = session.get(RetentionRule, key) or RetentionRule(record_type=key)
        rule.years, rule.changed_at, rule.changed_by = value, utcnow(), actor.username
        session.add(rule)
        changes[key] = [current[key], value]
    if changes:
        audit.record(session, "retention.rules", "retention_rules", None, changes)
    session.flush()


# --- who is due -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DuePerson:
    person_id: uuid.UUID
    name: str
    iin: str | None
    born: dt.date
    rule: str  # the record type whose rule gave the latest date
    ended_on: dt.date  # when that record ended (the person's record: last changed)
    due_on: dt.date


def _office_filter(session: Session):
    """A supervisor purges their office's persons; an administrator (or the command line)
    without an office, every person of the database."""
    actor = require(acting(session), Permission.PURGE_RECORDS)
    if actor.office_id is not None and actor.role is not UserRole.ADMINISTRATOR:
        return actor.office_id
    return None


class Cancelled(ServiceError):
    def __init__(self):
        super().__init__(N_("Stopped."))


def due_persons(session: Session, today: dt.date | None = None,
                among: Iterable[uuid.UUID] | None = None,
                progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> list[DuePerson]:
    """The persons due for purge on `today` (not purged yet), by due date then name.
    `progress(done, 5)` after each of its five reads; Cancelled once `cancelled()`."""
    office_id = _office_filter(session)

    def step(done: int) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled()
        if progress is not None:
            progress(done, 5)

    today = today or dt.date.today()
    years = rule_years(session)
    persons_table = Person.__table__
    query = select(persons_table.c.id, persons_table.c.surname, persons_table.c.given_name,
                   persons_table.c.patronymic, persons_table.c.iin, persons_table.c.birth_date,
                   persons_table.c.updated_at, persons_table.c.deleted_at).where(
        persons_table.c.id.not_in(select(PurgedPerson.person_id)))
    if office_id is not None:
        query = query.where(persons_table.c.office_id == office_id)
    wanted = None if among is None else set(among)
    persons = {row.id: row for row in session.execute(query)
               if wanted is None or row.id in wanted}
    step(1)
    if not persons:
        return []
    # Per person: the candidates (due date, rule, ended on); None once something is open.
    candidates: dict[uuid.UUID, list | None] = {pid: [] for pid in persons}

    def ended(person_id, rule: str, end: dt.date | None) -> None:
        found = candidates.get(person_id)
        if found is None:
            return
        if end is None or end > today or years[rule] == 0:
            candidates[person_id] = None  # open, or kept without a limit
        else:
            found.append((add_years(end, years[rule]), rule, end))

    cases, changes = RepatriateCase.__table__, CaseStatusChange.__table__
    last_change = (select(changes.c.case_id, func.max(changes.c.changed_on).label("day"))
                   .group_by(changes.c.case_id).subquery())
    for row in session.execute(
            select(cases.c.person_id, cases.c.status, cases.c.updated_at, cases.c.deleted_at,
                   last_change.c.day).outerjoin(last_change, last_change.c.case_id == cases.c.id)):
        if row.person_id not in persons:
            continue
        if row.deleted_at is not None:
            end = _day(row.deleted_at)
        elif row.status in CLOSED_CASE:
            end = row.day or _day(row.updated_at)
        else:
            end = None
        ended(row.person_id, CASE_CLOSED, end)
    step(2)
    permits = WorkPermit.__table__
    for row in session.execute(select(permits.c.person_id, permits.c.valid_to,
                                      permits.c.deleted_at)):
        if row.person_id in persons:
            end = _day(row.deleted_at) if row.deleted_at is not None else row.valid_to
            ended(row.person_id, PERMIT_ENDED, end)
    step(3)
    services = ServiceRecord.__table__
    for row in session.execute(select(services.c.person_id, services.c.end_date,
                                      services.c.deleted_at)):
        if row.person_id in persons:
            end = _day(row.deleted_at) if row.deleted_at is not None else row.end_date
            ended(row.person_id, SERVICE_ENDED, end)
    step(4)
    for person_id, row in persons.items():
        ended(person_id, PERSON_INACTIVE, _day(row.deleted_at or row.updated_at))
    due = []
    for person_id, found in candidates.items():
        if not found:
            continue
        due_on, rule, end = max(found)
        if due_on <= today:
            row = persons[person_id]
            name = " ".join(p for p in (row.surname, row.given_name, row.patronymic) if p)
            due.append(DuePerson(person_id, name, row.iin, row.birth_date, rule, end, due_on))
    due.sort(key=lambda d: (d.due_on, d.name, str(d.person_id)))
    step(5)
    return due


# --- anonymising ----------------------------------------------------------------------------


def _blank(session: Session, model, where, target: Callable[[object], dict], purge_id,
           now: dt.datetime) -> list[uuid.UUID]:
    """Overwrite the rows of `model` matching `where` with `target(row)` where they differ
    (their version goes up, so that they travel); their ids."""
    table = model.__table__
    probe = target(None)
    rows = session.execute(select(table.c.id, *(table.c[k] for k in probe))
                           .where(where)).all()
    changed = []
    for row in rows:
        values = target(row)
        if any(getattr(row, key) != value for key, value in values.items()):
            changed.append({"_id": row.id, **{f"_{k}": v for k, v in values.items()}})
    if changed:
        statement = (update(table).where(table.c.id == bindparam("_id"))
                     .values({**{k: bindparam(f"_{k}") for k in probe},
                              "version": table.c.version + 1, "updated_at": now}))
        session.connection().execute(statement, changed)
        audit.record_many(session, "retention.anonymise", table.name,
                          [(row["_id"], {"purge": str(purge_id)}) for row in changed])
    return [row["_id"] for row in changed]


def _person_values(row) -> dict:
    born = row.birth_date if row is not None else None
    return {"surname": ANONYMOUS, "given_name": ANONYMOUS, "patronymic": None,
            "surname_latin": None, "given_name_latin": None,
            "birth_date": born.replace(month=1, day=1) if born else None,
            "iin": None, "phone": None, "email": None, "locality": None, "address": None,
            "photo": None, "notes": None, "sort_name": sort_key(ANONYMOUS, ANONYMOUS, None)}


def anonymise(session: Session, purge_id: uuid.UUID, purged_on: dt.date,
              person_ids: list[uuid.UUID]) -> int:
    """Anonymise the persons and everything of theirs, delete their scans (see the module's
    notes); idempotent. The number of records changed or deleted."""
    if not person_ids:
        return 0
    now = utcnow()
    if session.get_bind().dialect.name == "sqlite":
        # Deleted scans' pages are overwritten with zeros, not left in the file's free space.
        session.execute(text("PRAGMA secure_delete = ON"))
    count = 0
    for ids in _chunks(list(person_ids)):
        count += len(_blank(session, Person, Person.__table__.c.id.in_(ids), _person_values,
                            purge_id, now))
        for person_id in ids:
            unindex(session, person_id)
        count += len(_blank(session, IdentityDocument,
                            IdentityDocument.__table__.c.person_id.in_(ids),
                            lambda _row: {"number": ANONYMOUS, "issued_by": None,
                                          "issue_date": None}, purge_id, now))
        count += len(_blank(session, Household, Household.__table__.c.head_id.in_(ids),
                            lambda _row: {"address": None}, purge_id, now))
        cases = select(RepatriateCase.__table__.c.id).where(
            RepatriateCase.__table__.c.person_id.in_(ids))
        permits = select(WorkPermit.__table__.c.id).where(
            WorkPermit.__table__.c.person_id.in_(ids))
        count += len(_blank(session, RepatriateCase, RepatriateCase.__table__.c.person_id.in_(ids),
                            lambda _row: {"quota_override_reason": None}, purge_id, now))
        count += len(_blank(session, CaseStatusChange,
                            CaseStatusChange.__table__.c.case_id.in_(cases),
                            lambda _row: {"comment": None}, purge_id, now))
        count += len(_blank(session, WorkPermit, WorkPermit.__table__.c.person_id.in_(ids),
                            lambda _row: {"quota_override_reason": None}, purge_id, now))
        count += len(_blank(session, PermitStatusChange,
                            PermitStatusChange.__table__.c.permit_id.in_(permits),
                            lambda _row: {"comment": None}, purge_id, now))
        count += len(_blank(session, ServiceRecord, ServiceRecord.__table__.c.person_id.in_(ids),
                            lambda _row: {"notes": None, "outcome": None}, purge_id, now))
        count += len(_blank(session, OutgoingEntry, OutgoingEntry.__table__.c.person_id.in_(ids),
                            lambda _row: {"person_name": ANONYMOUS, "addressee": None},
                            purge_id, now))
        requests = ChangeRequest.__table__
        count += len(_blank(
            session, ChangeRequest, requests.c.target_id.in_(ids),
            lambda row: {"changes": {}, "base": {}, "summary": ANONYMOUS, "reason": None,
                         "status": RequestStatus.WITHDRAWN if row is not None and row.status in (
                             RequestStatus.DRAFT, RequestStatus.SUBMITTED) else (
                             row.status if row is not None else None)},
            purge_id, now))
        scans = Scan.__table__
        scan_ids = list(session.scalars(select(scans.c.id).where(
            scans.c.person_id.in_(ids) | scans.c.request_id.in_(
                select(requests.c.id).where(requests.c.target_id.in_(ids))))))
        if scan_ids:
            session.execute(delete(scans).where(scans.c.id.in_(scan_ids)))
            audit.record_many(session, "retention.delete", "scans",
                              [(scan_id, {"purge": str(purge_id)}) for scan_id in scan_ids])
            count += len(scan_ids)
        # Conflicts kept for a supervisor hold both offices' rows of the person: gone too.
        session.execute(delete(ExchangeConflict).where(ExchangeConflict.entity_id.in_(ids)))
        known = set(session.scalars(select(PurgedPerson.person_id)
                                    .where(PurgedPerson.person_id.in_(ids))))
        new = [pid for pid in ids if pid not in known]
        existing = set(session.scalars(select(Person.__table__.c.id)
                                       .where(Person.__table__.c.id.in_(new)))) if new else set()
        if existing:
            session.execute(insert(PurgedPerson), [
                {"person_id": pid, "purge_id": purge_id, "purged_on": purged_on}
                for pid in new if pid in existing])
    session.expire_all()
    return count


# --- the purge ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    persons: int  # anonymised
    records: int  # records changed or deleted with them
    purge_ids: tuple[uuid.UUID, ...]
    stopped: bool = False  # cancelled: the batches done before stay done


def purge(session: Session, person_ids: Iterable[uuid.UUID],
          today: dt.date | None = None) -> tuple[RetentionPurge | None, int]:
    """A supervisor's approval: anonymise those of `person_ids` still due today (the others
    are left alone). The purge record (None if none was due) and the records changed."""
    actor = require(acting(session), Permission.PURGE_RECORDS)
    today = today or dt.date.today()
    due = due_persons(session, today, among=person_ids)
    if not due:
        return None, 0
    record = RetentionPurge(id=uuid.uuid4(), approved_on=today, approved_by=actor.username,
                            office_id=actor.office_id,
                            persons=[[str(d.person_id), d.rule] for d in due])
    session.add(record)
    session.flush()  # the trail's "create" entry holds the ids and the rules, nothing else
    audit.record(session, "retention.purge", "retention_purges", record.id,
                 {"persons": len(due), "rules": dict(Counter(d.rule for d in due))})
    count = anonymise(session, record.id, today, [d.person_id for d in due])
    return record, count


def apply_received(session: Session, records: list[dict]) -> int:
    """After an exchange package was applied: anonymise here the persons of the purges it
    brought, and again any purged person whose records it brought (an older package may
    carry what was purged since). The persons anonymised."""
    purges = [item["row"] for item in records if item["table"] == "retention_purges"]
    touched = set()
    for item in records:
        row = item["row"]
        if item["table"] == "persons":
            touched.add(row["id"])
        elif row.get("person_id"):
            touched.add(row["person_id"])
        elif item["table"] == "change_requests" and row.get("target_id"):
            touched.add(row["target_id"])
    done = 0
    for row in purges:
        ids = [uuid.UUID(pid) for pid, _rule in row.get("persons") or []]
        purge_id, day = uuid.UUID(row["id"]), dt.date.fromisoformat(row["approved_on"])
        fresh = [pid for pid in ids if session.get(PurgedPerson, pid) is None]
        anonymise(session, purge_id, day, fresh)
        done += len(fresh)
    if touched and session.scalar(select(PurgedPerson.person_id).limit(1)) is not None:
        again = {}
        for chunk in _chunks([uuid.UUID(pid) for pid in touched]):
            for purged in session.scalars(select(PurgedPerson)
                                          .where(PurgedPerson.person_id.in_(chunk))):
                again.setdefault((purged.purge_id, purged.purged_on), []).append(
                    purged.person_id)
        for (purge_id, day), ids in again.items():
            anonymise(session, purge_id, day, ids)
    return done


def is_purged(session: Session, person_id: uuid.UUID) -> bool:
    return session.get(PurgedPerson, person_id) is not None


# The tables whose rows belong to a person, and how: (table, column naming the person, or the
# parent table and column whose row does).
BELONGS = {
    "persons": ("id", None),
    "identity_documents": ("person_id", None),
    "repatriate_cases": ("person_id", None),
    "work_permits": ("person_id", None),
    "service_records": ("person_id", None),
    "household_members": ("person_id", None),
    "duplicate_decisions": ("person_id", None),
    "outgoing_entries": ("person_id", None),
    "households": ("head_id", None),
    "change_requests": ("target_id", None),
    "case_status_changes": ("case_id", "repatriate_cases"),
    "permit_status_changes": ("permit_id", "work_permits"),
}


def withheld(session: Session, entries: list[tuple[str | None, str | None]]) -> set[str]:
    """Of the trail's (record type, record id) pairs, the ids of records of purged persons
    (and of scans a purge deleted): the trail's window shows their entries' values withheld.
    The entries themselves stay as they are (the hash chain covers them)."""
    from kzmigdesk.domain.models import AuditEntry, Base

    by_type: dict[str, set[str]] = {}
    for entity_type, entity_id in entries:
        if entity_id and (entity_type in BELONGS or entity_type == "scans"):
            by_type.setdefault(entity_type, set()).add(entity_id)
    if not by_type or session.scalar(select(func.count()).select_from(PurgedPerson)) == 0:
        return set()
    found = set()
    purged = select(PurgedPerson.person_id)
    for entity_type, ids in by_type.items():
        keys = []
        for value in ids:
            try:
                keys.append(uuid.UUID(value))
            except ValueError:
                continue
        if entity_type == "scans":
            found |= set(session.scalars(select(AuditEntry.entity_id).where(
                AuditEntry.action == "retention.delete", AuditEntry.entity_id.in_(ids))))
            continue
        column, parent = BELONGS[entity_type]
        table = Base.metadata.tables[entity_type]
        if parent is None:
            query = select(table.c.id).where(table.c.id.in_(keys), table.c[column].in_(purged))
        else:
            owner = Base.metadata.tables[parent]
            query = select(table.c.id).join(owner, owner.c.id == table.c[column]).where(
                table.c.id.in_(keys), owner.c.person_id.in_(purged))
        found |= {str(value) for value in session.scalars(query)}
    return found


# --- for the windows and the command line ---------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    today: dt.date
    due: tuple[DuePerson, ...]
    rules: tuple[RuleView, ...]


def rules(database: Database) -> list[RuleView]:
    with database.sessions() as session:
        return rules_of(session)


def save_rules(database: Database, years: dict[str, int]) -> None:
    with database.transaction() as session:
        set_rules(session, years)


def proposal(database: Database, today: dt.date | None = None,
             progress: Callable[[int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> Proposal:
    """This month's purge proposal: who is due today, under which rule."""
    today = today or dt.date.today()
    with database.sessions() as session:
        return Proposal(today, tuple(due_persons(session, today, None, progress, cancelled)),
                        tuple(rules_of(session)))


def approve_purge(database: Database, person_ids: Iterable[uuid.UUID],
                  progress: Callable[[int, int], None] | None = None,
                  cancelled: Callable[[], bool] | None = None,
                  today: dt.date | None = None) -> PurgeResult:
    """Purge the persons (those still due), BATCH at a time, each batch a transaction (and a
    purge record) of its own: a cancel stops before the next batch; what was done stays."""
    ids = list(dict.fromkeys(person_ids))
    persons = records = 0
    purge_ids = []
    for start in range(0, len(ids), BATCH):
        if cancelled is not None and cancelled():
            return PurgeResult(persons, records, tuple(purge_ids), stopped=True)
        with database.transaction() as session:
            record, count = purge(session, ids[start:start + BATCH], today)
            if record is not None:
                persons += len(record.persons)
                records += count
                purge_ids.append(record.id)
        if progress is not None:
            progress(min(start + BATCH, len(ids)), len(ids))
    return PurgeResult(persons, records, tuple(purge_ids))
