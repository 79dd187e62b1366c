"""Labour violations (issue 24): an inspection's finding of illegal employment at an employer.

A finding names the employer, the day, the inspecting body (and its act's number), the fine
imposed on the employer and the day it was paid, and the workers found: each working without
a permit, or outside the region or the position of their permit, and the decision on them (a
warning, or expulsion).

An employer is flagged while it has a fine not paid, or a finding in the last RECENT_DAYS days:
issuing a permit to it then needs the clerk to acknowledge the warning, which the permit keeps
(WorkPermit.employer_warning) and the audit trail records (services/labour.py). The worker's
timeline shows the finding (services/timeline.py); the monthly summary counts them
(services/reports.py).
"""

import datetime as dt
import uuid
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import ViolationKind, WorkerDecision
from kzmigdesk.domain.models import (
    Employer,
    LabourViolation,
    Person,
    ViolationWorker,
    WorkPermit,
    utcnow,
)
from kzmigdesk.i18n import N_, _, format_date, format_number
from kzmigdesk.services.auth import Permission, require_in
from kzmigdesk.services.errors import (
    FieldError,
    NotFound,
    ServiceError,
    StaleRecord,
    ValidationFailed,
)
from kzmigdesk.services.fields import REQUIRED, clean

RECENT_DAYS = 365  # a finding this recent flags the employer

LABELS = {
    "employer_id": N_("Employer"),
    "found_on": N_("Date of the finding"),
    "inspecting_body": N_("Inspecting body"),
    "fine_amount": N_("Fine, tenge"),
    "fine_paid_on": N_("Fine paid on"),
    "workers": N_("Workers found"),
}


def _error(name: str, message: str, params: dict | None = None) -> FieldError:
    return FieldError(name, LABELS[name], message, params or {})


@dataclass
class WorkerFound:
    person_id: uuid.UUID
    kind: ViolationKind
    decision: WorkerDecision
    permit_id: uuid.UUID | None = None  # found from the person's permits when not given


@dataclass
class ViolationInput:
    employer_id: uuid.UUID | None
    found_on: dt.date | None
    inspecting_body: str | None
    fine_amount: int = 0
    fine_paid_on: dt.date | None = None
    act_number: str | None = None
    notes: str | None = None
    workers: list[WorkerFound] = field(default_factory=list)


def _permit_held(session: Session, person_id: uuid.UUID, on: dt.date) -> WorkPermit | None:
    """The person's permit valid on that day, the latest first."""
    return session.scalars(
        select(WorkPermit).where(WorkPermit.person_id == person_id,
                                 WorkPermit.valid_from <= on, WorkPermit.valid_to >= on)
        .order_by(WorkPermit.valid_from.desc())).first()


def _checked(session: Session, data: ViolationInput, today: dt.date):
    """The finding's employer, inspecting body and each worker's permit (None for those
    working without one); ValidationFailed lists the problems."""
    errors = []
    employer = session.get(Employer, data.employer_id) if data.employer_id else None
    if employer is None:
        errors.append(_error("employer_id", REQUIRED))
    if data.found_on is None:
        errors.append(_error("found_on", REQUIRED))
    elif data.found_on > today:
        errors.append(_error("found_on", N_("cannot be in the future")))
    body = clean(data.inspecting_body)
    if body is None:
        errors.append(_error("inspecting_body", REQUIRED))
    if data.fine_amount < 0:
        errors.append(_error("fine_amount", N_("cannot be negative")))
    if data.fine_paid_on is not None and data.found_on is not None and (
            data.fine_paid_on < data.found_on or data.fine_paid_on > today):
        errors.append(_error("fine_paid_on", N_("must be between the finding and today")))
    if not data.workers:
        errors.append(_error("workers", N_("name at least one worker")))
    permits = []
    for worker in data.workers:
        permit = (session.get(WorkPermit, worker.permit_id) if worker.permit_id
                  else _permit_held(session, worker.person_id, data.found_on)
                  if data.found_on and worker.kind is not ViolationKind.NO_PERMIT else None)
        person = session.get(Person, worker.person_id)
        if person is None:
            raise NotFound(N_("The person no longer exists."))
        if worker.kind is not ViolationKind.NO_PERMIT and permit is None:
            errors.append(_error("workers", N_("{name} held no permit on that day: choose "
                                               "“working without a permit”"),
                                 {"name": person.full_name}))
        permits.append(permit if worker.kind is not ViolationKind.NO_PERMIT else None)
    if errors:
        raise ValidationFailed(errors)
    return employer, body, permits


def record_violation(session: Session, data: ViolationInput,
                     today: dt.date | None = None) -> LabourViolation:
    """Record a finding and its workers; ValidationFailed lists the problems."""
    actor = require_in(session, Permission.REGISTER)
    employer, body, permits = _checked(session, data, today or dt.date.today())
    violation = LabourViolation(
        employer_id=employer.id, found_on=data.found_on, inspecting_body=body,
        act_number=clean(data.act_number), fine_amount=data.fine_amount,
        fine_paid_on=data.fine_paid_on, notes=clean(data.notes), office_id=actor.office_id)
    session.add(violation)
    for worker, permit in zip(data.workers, permits, strict=True):
        session.add(ViolationWorker(violation=violation, person_id=worker.person_id,
                                    permit_id=permit.id if permit else None, kind=worker.kind,
                                    decision=worker.decision))
    session.flush()
    return violation


def update_violation(session: Session, violation_id: uuid.UUID, expected_version: int,
                     data: ViolationInput, today: dt.date | None = None) -> LabourViolation:
    """Correct a saved finding (the same checks as a new one). A worker no longer named is
    removed (softly), a new one added, the others changed in place: the audit trail keeps
    each old and new value. StaleRecord when someone changed the finding meanwhile."""
    violation = session.get(LabourViolation, violation_id)
    if violation is None:
        raise NotFound(N_("The violation record no longer exists."))
    require_in(session, Permission.REGISTER, violation.office_id)
    if violation.version != expected_version:
        raise StaleRecord(N_("Someone else has changed this record. Reload it and try "
                             "again."))
    employer, body, permits = _checked(session, data, today or dt.date.today())
    violation.employer_id, violation.found_on = employer.id, data.found_on
    violation.inspecting_body, violation.act_number = body, clean(data.act_number)
    violation.fine_amount, violation.fine_paid_on = data.fine_amount, data.fine_paid_on
    violation.notes = clean(data.notes)
    named = {worker.person_id: worker for worker in violation.workers
             if worker.deleted_at is None}
    for worker, permit in zip(data.workers, permits, strict=True):
        row = named.pop(worker.person_id, None)
        if row is None:
            session.add(ViolationWorker(violation=violation, person_id=worker.person_id,
                                        permit_id=permit.id if permit else None,
                                        kind=worker.kind, decision=worker.decision))
        else:
            row.permit_id = permit.id if permit else None
            row.kind, row.decision = worker.kind, worker.decision
    for row in named.values():
        row.deleted_at = utcnow()
    session.flush()
    return violation


def record_payment(session: Session, violation_id: uuid.UUID, paid_on: dt.date,
                   today: dt.date | None = None) -> LabourViolation:
    """The employer paid the fine on `paid_on`."""
    require_in(session, Permission.REGISTER)
    violation = session.get(LabourViolation, violation_id)
    if violation is None:
        raise NotFound(N_("The violation record no longer exists."))
    if paid_on < violation.found_on or paid_on > (today or dt.date.today()):
        raise ValidationFailed([_error("fine_paid_on",
                                       N_("must be between the finding and today"))])
    violation.fine_paid_on = paid_on
    session.flush()
    return violation


# --- the flag on an employer ------------------------------------------------------------------


def employer_warning(session: Session, employer_id: uuid.UUID,
                     today: dt.date | None = None) -> str | None:
    """Why the employer is flagged (its unpaid fines, its recent findings), in the current
    language; None when it is not."""
    today = today or dt.date.today()
    findings = list(session.scalars(
        select(LabourViolation).where(LabourViolation.employer_id == employer_id)
        .order_by(LabourViolation.found_on)))
    unpaid = [v for v in findings if v.fine_amount > 0 and v.fine_paid_on is None]
    recent = [v for v in findings if (today - v.found_on).days <= RECENT_DAYS]
    if not unpaid and not recent:
        return None
    lines = []
    if unpaid:
        lines.append(_("Fines not paid: {count}, {amount} tenge in all (the first imposed on "
                       "{day}).").format(count=format_number(len(unpaid)),
                                         amount=format_number(sum(v.fine_amount
                                                                  for v in unpaid)),
                                         day=format_date(unpaid[0].found_on)))
    if recent:
        workers = sum(len(v.workers) for v in recent)
        lines.append(_("Illegal employment found in the last 12 months: {count} times, "
                       "{workers} workers (the last on {day}).").format(
            count=format_number(len(recent)), workers=format_number(workers),
            day=format_date(recent[-1].found_on)))
    return " ".join(lines)


class EmployerFlagged(ServiceError):
    """The employer has an unpaid fine or recent violations: the clerk must acknowledge the
    warning before a permit is issued to it."""

    def __init__(self, warning: str):
        super().__init__(N_("The employer has labour violations."))
        self.warning = warning

    def message(self) -> str:
        return _(self.msgid) + " " + self.warning + " " + _(
            "Acknowledge the warning to issue the permit.")


# --- for the monthly summary and the timeline ---------------------------------------------------


@dataclass(frozen=True)
class MonthCounts:
    findings: int
    workers: int
    by_kind: dict  # ViolationKind -> workers
    by_decision: dict  # WorkerDecision -> workers
    fines_imposed: int  # tenge
    fines_paid: int  # tenge paid in the month, whenever imposed


def month_counts(session: Session, start: dt.date, end: dt.date,
                 office_id: uuid.UUID | None = None) -> MonthCounts:
    """Findings from `start` to before `end` (of the office, when given)."""
    where = [LabourViolation.found_on >= start, LabourViolation.found_on < end]
    paid_where = [LabourViolation.fine_paid_on >= start, LabourViolation.fine_paid_on < end]
    if office_id is not None:
        where.append(LabourViolation.office_id == office_id)
        paid_where.append(LabourViolation.office_id == office_id)
    findings, imposed = session.execute(
        select(func.count(), func.coalesce(func.sum(LabourViolation.fine_amount), 0))
        .where(*where)).one()
    paid = session.scalar(select(func.coalesce(func.sum(LabourViolation.fine_amount), 0))
                          .where(*paid_where))
    by_kind = {kind: 0 for kind in ViolationKind}
    by_decision = {decision: 0 for decision in WorkerDecision}
    for kind, decision, count in session.execute(
            select(ViolationWorker.kind, ViolationWorker.decision, func.count())
            .join(LabourViolation, ViolationWorker.violation_id == LabourViolation.id)
            .where(*where).group_by(ViolationWorker.kind, ViolationWorker.decision)):
        by_kind[kind] += count
        by_decision[decision] += count
    return MonthCounts(findings, sum(by_kind.values()), by_kind, by_decision, int(imposed),
                       int(paid or 0))


# --- for the GUI: each call in a session or transaction of its own ---------------------------


@dataclass(frozen=True)
class ViolationRow:
    id: uuid.UUID
    found_on: dt.date
    employer_name: str
    employer_bin: str
    inspecting_body: str
    workers: int
    expelled: int
    fine_amount: int
    fine_paid_on: dt.date | None


def violation_rows(database: Database, limit: int = 500) -> list[ViolationRow]:
    """The latest findings first."""
    with database.sessions() as session:
        rows = []
        for v in session.scalars(select(LabourViolation).order_by(
                LabourViolation.found_on.desc(), LabourViolation.id).limit(limit)):
            rows.append(ViolationRow(
                v.id, v.found_on, v.employer.name, v.employer.bin, v.inspecting_body,
                len(v.workers), sum(w.decision is WorkerDecision.EXPULSION for w in v.workers),
                v.fine_amount, v.fine_paid_on))
        return rows


def save_violation(database: Database, data: ViolationInput) -> uuid.UUID:
    with database.transaction() as session:
        return record_violation(session, data).id


def store_payment(database: Database, violation_id: uuid.UUID, paid_on: dt.date) -> None:
    with database.transaction() as session:
        record_payment(session, violation_id, paid_on)


@dataclass(frozen=True)
class SavedFinding:
    """A saved finding as its window shows it for correction."""

    id: uuid.UUID
    version: int
    employer_title: str  # "name · BIN"
    data: ViolationInput
    worker_titles: dict  # person id -> "name · birth date · IIN"


def load_finding(database: Database, violation_id: uuid.UUID) -> SavedFinding:
    with database.sessions() as session:
        v = session.get(LabourViolation, violation_id)
        if v is None:
            raise NotFound(N_("The violation record no longer exists."))
        workers = [w for w in v.workers if w.deleted_at is None]
        data = ViolationInput(
            employer_id=v.employer_id, found_on=v.found_on, inspecting_body=v.inspecting_body,
            fine_amount=v.fine_amount, fine_paid_on=v.fine_paid_on, act_number=v.act_number,
            notes=v.notes, workers=[WorkerFound(w.person_id, w.kind, w.decision, w.permit_id)
                                    for w in workers])
        titles = {w.person_id: " · ".join(p for p in (
            w.person.full_name, format_date(w.person.birth_date), w.person.iin) if p)
            for w in workers}
        return SavedFinding(v.id, v.version, f"{v.employer.name} · {v.employer.bin}", data,
                            titles)


def correct_violation(database: Database, violation_id: uuid.UUID, expected_version: int,
                      data: ViolationInput) -> None:
    with database.transaction() as session:
        update_violation(session, violation_id, expected_version, data)


def warning_for(database: Database, employer_id: uuid.UUID) -> str | None:
    with database.sessions() as session:
        return employer_warning(session, employer_id)
