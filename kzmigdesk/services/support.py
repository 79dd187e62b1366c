"""Kandas support (issue 24): applications of a repatriation case for a support measure.

A measure (relocation payment, settling-in payment, housing subsidy: `SupportMeasure`, reference
data with names in each language) is paid from **norms** a supervisor sets with the day they
take effect: so many monthly calculation indices (МРП / АЕК) for the head of the family and for
each other member of the household (`SupportNorm`), times the index's value of the year
(`MonthlyIndex`). Nothing here holds an amount: a norm changed in the middle of a year applies
to the applications made from its day on; one made before keeps the norm and index it was
computed with (stored on it).

An application is eligible when the case holds kandas status, was resettled to a region
designated for kandas in its quota year (that year's regional kandas quota is above zero), is
made within the measure's deadline after the family's arrival, and the case has no other
application for the same measure that is not refused (the measure is paid once).

Statuses: applied → approved → paid, or applied → refused. Approving and refusing are a
decision of four eyes: a clerk's decision becomes a change request (ChangeKind.SUPPORT_DECISION,
services/change_requests.py) that a supervisor approves; the payment is recorded once the paying
body has paid. The monthly payment register lists the applications approved in a month, for the
paying body (XLSX and CSV, `payment_register_xlsx` / `payment_register_csv`).
"""

import csv
import datetime as dt
import io
import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import ChangeKind, RepatriateStatus, SupportStatus, label
from kzmigdesk.domain.models import (
    KandasQuota,
    MonthlyIndex,
    Person,
    RepatriateCase,
    SupportApplication,
    SupportMeasure,
    SupportNorm,
)
from kzmigdesk.i18n import N_, _, format_date
from kzmigdesk.services import change_requests
from kzmigdesk.services.auth import Permission, acting, require, require_in
from kzmigdesk.services.errors import (
    FieldError,
    NotFound,
    ServiceError,
    TransitionNotAllowed,
    ValidationFailed,
)

S = SupportStatus
ALLOWED = {S.APPLIED: (S.APPROVED, S.REFUSED), S.APPROVED: (S.PAID,), S.PAID: (), S.REFUSED: ()}
# The status buttons: each names its action.
ACTIONS = {S.APPROVED: N_("&Approve support"), S.REFUSED: N_("Re&fuse support"),
           S.PAID: N_("Record &payment")}
HOLDS_KANDAS_STATUS = (RepatriateStatus.GRANTED, RepatriateStatus.CITIZENSHIP_REQUESTED,
                       RepatriateStatus.CITIZEN)
APPLICATION_GONE = N_("The support application no longer exists.")
CASE_GONE = N_("The case no longer exists.")
MEASURE_GONE = N_("The support measure no longer exists.")

LABEL_MEASURE = N_("Support measure")
LABEL_APPLIED_ON = N_("Date of the application")
LABEL_DATE = N_("Date")
LABEL_REASON = N_("Reason")
LABEL_HEAD = N_("Indices per head of family")
LABEL_MEMBER = N_("Indices per member")
LABEL_FROM = N_("In effect from")
LABEL_YEAR = N_("Year")
LABEL_INDEX = N_("Monthly calculation index, tenge")


class NotEligible(ServiceError):
    """The case may not receive the measure: the reasons, in the current language."""

    def __init__(self, reasons: list[str]):
        super().__init__(N_("Not eligible for this support: {reasons}"))
        self.reasons = reasons  # msgids

    def message(self) -> str:
        return _(self.msgid).format(reasons="; ".join(_(r) for r in self.reasons))


class SupportTransitionNotAllowed(TransitionNotAllowed):
    def __init__(self, current: SupportStatus, new: SupportStatus):
        ServiceError.__init__(self, N_("A support application cannot go from “{current}” to "
                                       "“{new}”."))
        self.current, self.new = current, new

    def message(self) -> str:
        return _(self.msgid).format(current=label(self.current), new=label(self.new))


# --- norms and the index ---


def norm_on(session: Session, measure_id: uuid.UUID, day: dt.date) -> SupportNorm | None:
    """The measure's norm in effect on `day` (the latest that took effect by then)."""
    return session.scalars(
        select(SupportNorm)
        .where(SupportNorm.measure_id == measure_id, SupportNorm.effective_from <= day,
               SupportNorm.deleted_at.is_(None))
        .order_by(SupportNorm.effective_from.desc()).limit(1)).first()


def index_of(session: Session, year: int) -> MonthlyIndex | None:
    return session.scalars(select(MonthlyIndex).where(
        MonthlyIndex.year == year, MonthlyIndex.deleted_at.is_(None))).first()


def set_norm(session: Session, measure_id: uuid.UUID, effective_from: dt.date,
             head_indices: int, member_indices: int) -> SupportNorm:
    """A supervisor sets the measure's norm from `effective_from` on (replacing one of the
    same day). Applications already made keep the norm they were computed with."""
    require(acting(session), Permission.MANAGE_QUOTAS)
    errors = []
    if effective_from is None:
        errors.append(FieldError("effective_from", LABEL_FROM, N_("is required")))
    for name, label_, value in (("head_indices", LABEL_HEAD, head_indices),
                                ("member_indices", LABEL_MEMBER, member_indices)):
        if value is None or value < 0:
            errors.append(FieldError(name, label_, N_("must be zero or more")))
    if errors:
        raise ValidationFailed(errors)
    if session.get(SupportMeasure, measure_id) is None:
        raise NotFound(MEASURE_GONE)
    norm = session.scalars(select(SupportNorm).where(
        SupportNorm.measure_id == measure_id, SupportNorm.effective_from == effective_from,
        SupportNorm.deleted_at.is_(None))).first()
    if norm is None:
        norm = SupportNorm(measure_id=measure_id, effective_from=effective_from,
                           head_indices=head_indices, member_indices=member_indices)
        session.add(norm)
    else:
        norm.head_indices, norm.member_indices = head_indices, member_indices
    session.flush()
    return norm


def set_index(session: Session, year: int, value: int) -> MonthlyIndex:
    """A supervisor sets the monthly calculation index of `year`, in tenge."""
    require(acting(session), Permission.MANAGE_QUOTAS)
    if not value or value <= 0:
        raise ValidationFailed([FieldError("value", LABEL_INDEX, N_("must be above zero"))])
    index = index_of(session, year)
    if index is None:
        index = MonthlyIndex(year=year, value=value)
        session.add(index)
    else:
        index.value = value
    session.flush()
    return index


def save_measure(session: Session, code: str, names: dict[str, str], deadline_months: int,
                 active: bool = True) -> SupportMeasure:
    """An administrator adds or renames a measure (its names by language code)."""
    require(acting(session), Permission.MANAGE_USERS)
    code = (code or "").strip()
    errors = []
    if not code:
        errors.append(FieldError("code", N_("Code"), N_("is required")))
    if not any((n or "").strip() for n in names.values()):
        errors.append(FieldError("names", N_("Name"), N_("is required")))
    if not deadline_months or deadline_months <= 0:
        errors.append(FieldError("deadline_months", N_("Deadline after arrival, months"),
                                 N_("must be above zero")))
    if errors:
        raise ValidationFailed(errors)
    measure = session.scalars(select(SupportMeasure).where(SupportMeasure.code == code)).first()
    if measure is None:
        measure = SupportMeasure(code=code, sort_order=100)
        session.add(measure)
    measure.names = {k: v.strip() for k, v in names.items() if (v or "").strip()}
    measure.deadline_months = deadline_months
    measure.active = active
    session.flush()
    return measure


def measures(session: Session, active_only: bool = True) -> list[SupportMeasure]:
    query = select(SupportMeasure).where(SupportMeasure.deleted_at.is_(None))
    if active_only:
        query = query.where(SupportMeasure.active.is_(True))
    return list(session.scalars(query.order_by(SupportMeasure.sort_order, SupportMeasure.code)))


# --- eligibility and the amount ---


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError


def household_size(session: Session, case: RepatriateCase) -> int:
    """The head and the members of the case's household (at least the head)."""
    from kzmigdesk.services.repatriation import household_members

    members = household_members(session, case)
    others = [m for m in members if m.person_id != case.person_id]
    return 1 + len(others)


def ineligible_reasons(session: Session, case: RepatriateCase, measure: SupportMeasure,
                       applied_on: dt.date,
                       ignore: uuid.UUID | None = None) -> list[str]:
    """Why the case may not receive `measure` for an application of `applied_on` (msgids;
    empty: eligible)."""
    reasons = []
    if case.status not in HOLDS_KANDAS_STATUS:
        reasons.append(N_("the case does not hold kandas status"))
    if case.resettlement_region_id is None or case.quota_year is None:
        reasons.append(N_("the case has no region of resettlement and quota year"))
    else:
        quota = session.scalars(select(KandasQuota.amount).where(
            KandasQuota.year == case.quota_year,
            KandasQuota.region_id == case.resettlement_region_id,
            KandasQuota.deleted_at.is_(None))).first()
        if not quota:
            reasons.append(N_("the region of resettlement is not designated for kandas in the "
                              "quota of that year"))
    if case.arrival_date is None:
        reasons.append(N_("the date of arrival is not recorded"))
    elif applied_on < case.arrival_date:
        reasons.append(N_("the application is before the arrival"))
    elif applied_on > _add_months(case.arrival_date, measure.deadline_months):
        reasons.append(N_("the deadline after arrival has passed"))
    query = select(func.count()).select_from(SupportApplication).where(
        SupportApplication.case_id == case.id, SupportApplication.measure_id == measure.id,
        SupportApplication.status != S.REFUSED, SupportApplication.deleted_at.is_(None))
    if ignore is not None:
        query = query.where(SupportApplication.id != ignore)
    if session.scalar(query):
        reasons.append(N_("this measure has been applied for or paid already"))
    return reasons


@dataclass(frozen=True)
class Computation:
    norm_id: uuid.UUID
    head_indices: int
    member_indices: int
    members: int  # besides the head
    index_value: int
    amount: int  # tenge


def compute(session: Session, measure_id: uuid.UUID, applied_on: dt.date,
            household: int) -> Computation:
    """The amount for a household of `household` persons (the head included), from the norm in
    effect on `applied_on` and the index of its year; ServiceError when either is missing."""
    norm = norm_on(session, measure_id, applied_on)
    if norm is None:
        raise ServiceError(N_("No norm of this measure is in effect on {date}: a supervisor "
                              "sets it."), date=format_date(applied_on))
    index = index_of(session, applied_on.year)
    if index is None:
        raise ServiceError(N_("The monthly calculation index of {year} is not set: a "
                              "supervisor sets it."), year=applied_on.year)
    members = max(household - 1, 0)
    indices = norm.head_indices + members * norm.member_indices
    return Computation(norm.id, norm.head_indices, norm.member_indices, members, index.value,
                       indices * index.value)


# --- applications and their statuses ---


def apply(session: Session, case: RepatriateCase, measure: SupportMeasure,
          applied_on: dt.date, today: dt.date | None = None) -> SupportApplication:
    """The case applies for `measure` on `applied_on`: eligibility checked (NotEligible), the
    amount computed and kept with the norm and index it came from."""
    today = today or dt.date.today()
    require_in(session, Permission.REGISTER, case.office_id)
    if applied_on is None:
        raise ValidationFailed([FieldError("applied_on", LABEL_APPLIED_ON, N_("is required"))])
    if applied_on > today:
        raise ValidationFailed([FieldError("applied_on", LABEL_APPLIED_ON,
                                           N_("cannot be in the future"))])
    if not measure.active:
        raise NotEligible([N_("the measure is no longer granted")])
    reasons = ineligible_reasons(session, case, measure, applied_on)
    if reasons:
        raise NotEligible(reasons)
    amount = compute(session, measure.id, applied_on, household_size(session, case))
    application = SupportApplication(
        case_id=case.id, measure_id=measure.id, applied_on=applied_on, status=S.APPLIED,
        members=amount.members, norm_id=amount.norm_id, head_indices=amount.head_indices,
        member_indices=amount.member_indices, index_value=amount.index_value,
        amount=amount.amount, office_id=case.office_id)
    session.add(application)
    session.flush()
    return application


def change_status(session: Session, application: SupportApplication, new: SupportStatus,
                  on: dt.date, reason: str | None = None, reference: str | None = None,
                  today: dt.date | None = None) -> None:
    """Approve, refuse (with a reason) or record the payment of an application. A clerk's
    approval or refusal waits for a supervisor (change request, SentForApproval)."""
    today = today or dt.date.today()
    require_in(session, Permission.REGISTER, application.office_id)
    new = SupportStatus(new)
    current = application.status
    if new not in ALLOWED[current]:
        raise SupportTransitionNotAllowed(current, new)
    reason = (reason or "").strip() or None
    errors = []
    if on is None:
        errors.append(FieldError("on", LABEL_DATE, N_("is required")))
    elif on > today:
        errors.append(FieldError("on", LABEL_DATE, N_("cannot be in the future")))
    elif on < application.applied_on or (application.decided_on and on < application.decided_on):
        errors.append(FieldError("on", LABEL_DATE, N_("cannot be before the last step")))
    if new is S.REFUSED and reason is None:
        errors.append(FieldError("reason", LABEL_REASON, N_("is required")))
    if errors:
        raise ValidationFailed(errors)
    if new is S.APPROVED:  # still eligible (another application may have been paid since)
        reasons = ineligible_reasons(session, application.case, application.measure,
                                     application.applied_on, ignore=application.id)
        if reasons:
            raise NotEligible(reasons)
    if new in (S.APPROVED, S.REFUSED):
        change_requests.divert(session, ChangeKind.SUPPORT_DECISION, application, {
            "status": new, "on": on, "comment": reason}, {"status": current})
        application.decided_on = on
        application.refusal_reason = reason if new is S.REFUSED else None
    else:
        application.paid_on = on
        application.payment_reference = (reference or "").strip()[:64] or None
    application.status = new
    session.flush()


# --- what windows and prints read ---


@dataclass(frozen=True)
class ApplicationRow:
    id: uuid.UUID
    case_id: uuid.UUID
    case_number: str
    person: str
    measure: str
    applied_on: dt.date
    status: SupportStatus
    status_label: str
    persons: int  # the head and the members
    norm: str  # "70 + 2 × 45 МРП × 4 325"
    amount: int
    decided_on: dt.date | None
    paid_on: dt.date | None
    refusal_reason: str | None
    actions: tuple  # (status, action label) the buttons offer


def _norm_text(a: SupportApplication) -> str:
    indices = f"{a.head_indices}"
    if a.members:
        indices += f" + {a.members} × {a.member_indices}"
    return _("({indices}) МРП × {value}").format(indices=indices, value=f"{a.index_value:,}"
                                                 .replace(",", " "))


def _row(a: SupportApplication) -> ApplicationRow:
    return ApplicationRow(
        a.id, a.case_id, a.case.case_number, a.case.person.full_name, a.measure.name,
        a.applied_on, a.status, label(a.status), 1 + a.members, _norm_text(a), a.amount,
        a.decided_on, a.paid_on, a.refusal_reason,
        tuple((s, _(ACTIONS[s])) for s in ALLOWED[a.status]))


def applications_of_case(session: Session, case_id: uuid.UUID) -> list[ApplicationRow]:
    return [_row(a) for a in session.scalars(
        select(SupportApplication).where(SupportApplication.case_id == case_id,
                                         SupportApplication.deleted_at.is_(None))
        .order_by(SupportApplication.applied_on, SupportApplication.created_at))]


def list_applications(database: Database, status: SupportStatus | None = None,
                      limit: int = 500) -> list[ApplicationRow]:
    with database.sessions() as session:
        query = select(SupportApplication).where(SupportApplication.deleted_at.is_(None))
        if status is not None:
            query = query.where(SupportApplication.status == status)
        return [_row(a) for a in session.scalars(
            query.order_by(SupportApplication.applied_on.desc()).limit(limit))]


@dataclass(frozen=True)
class MeasureRow:
    id: uuid.UUID
    code: str
    name: str
    deadline_months: int


@dataclass(frozen=True)
class NormRow:
    measure: str
    effective_from: dt.date
    head_indices: int
    member_indices: int


@dataclass(frozen=True)
class Norms:
    norms: list[NormRow]
    indices: list[tuple[int, int]]  # (year, tenge)


def measure_rows(database: Database) -> list[MeasureRow]:
    with database.sessions() as session:
        return [MeasureRow(m.id, m.code, m.name, m.deadline_months) for m in measures(session)]


def load_norms(database: Database) -> Norms:
    with database.sessions() as session:
        rows = [NormRow(n.measure.name, n.effective_from, n.head_indices, n.member_indices)
                for n in session.scalars(select(SupportNorm).join(SupportMeasure).where(
                    SupportNorm.deleted_at.is_(None))
                    .order_by(SupportMeasure.sort_order, SupportNorm.effective_from))]
        indices = [(year, value) for year, value in session.execute(
            select(MonthlyIndex.year, MonthlyIndex.value).where(
                MonthlyIndex.deleted_at.is_(None)).order_by(MonthlyIndex.year))]
        return Norms(rows, indices)


def _stored(session: Session, model, record_id, gone: str):
    record = session.get(model, record_id)
    if record is None or record.deleted_at is not None:
        raise NotFound(gone)
    return record


def apply_for(database: Database, case_id: uuid.UUID, measure_id: uuid.UUID,
              applied_on: dt.date | None) -> uuid.UUID:
    with database.transaction() as session:
        case = _stored(session, RepatriateCase, case_id, CASE_GONE)
        measure = _stored(session, SupportMeasure, measure_id, MEASURE_GONE)
        return apply(session, case, measure, applied_on).id


def change_application_status(database: Database, application_id: uuid.UUID,
                              new: SupportStatus, on: dt.date | None, reason: str | None = None,
                              reference: str | None = None) -> None:
    """`change_status` in a transaction of its own; SentForApproval (the request stored) when
    the decision waits for a supervisor."""
    with change_requests.transaction(database) as session:
        application = _stored(session, SupportApplication, application_id, APPLICATION_GONE)
        change_status(session, application, new, on, reason=reason, reference=reference)


def case_applications(database: Database, case_id: uuid.UUID) -> list[ApplicationRow]:
    with database.sessions() as session:
        return applications_of_case(session, case_id)


def change_norm(database: Database, measure_id: uuid.UUID, effective_from: dt.date,
                head_indices: int, member_indices: int) -> None:
    with database.transaction() as session:
        set_norm(session, measure_id, effective_from, head_indices, member_indices)


def change_index(database: Database, year: int, value: int) -> None:
    with database.transaction() as session:
        set_index(session, year, value)


# --- the monthly payment register ---


@dataclass(frozen=True)
class RegisterLine:
    number: int
    case_number: str
    recipient: str
    iin: str
    measure: str
    persons: int
    indices: int
    index_value: int
    amount: int
    decided_on: dt.date
    status: str


@dataclass(frozen=True)
class PaymentRegister:
    year: int
    month: int
    lines: list[RegisterLine]

    @property
    def total(self) -> int:
        return sum(line.amount for line in self.lines)

    @property
    def persons(self) -> int:
        return sum(line.persons for line in self.lines)


def _month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    return first, _add_months(first, 1)


def approved_in(session: Session, year: int, month: int):
    """The applications approved in the month (paid since or not), as a query."""
    first, after = _month_bounds(year, month)
    return (select(SupportApplication)
            .where(SupportApplication.status.in_((S.APPROVED, S.PAID)),
                   SupportApplication.decided_on >= first, SupportApplication.decided_on < after,
                   SupportApplication.deleted_at.is_(None)))


def payment_register(session: Session, year: int, month: int) -> PaymentRegister:
    """The applications approved in the month, for the paying body: one line each."""
    require(acting(session), Permission.EXPORT_REPORTS)
    rows = session.execute(
        approved_in(session, year, month).add_columns(Person)
        .join(RepatriateCase, SupportApplication.case_id == RepatriateCase.id)
        .join(Person, RepatriateCase.person_id == Person.id)
        .order_by(SupportApplication.decided_on, RepatriateCase.case_number)).all()
    lines = [RegisterLine(
        i, a.case.case_number, person.full_name, person.iin or "", a.measure.name,
        1 + a.members, a.head_indices + a.members * a.member_indices, a.index_value, a.amount,
        a.decided_on, label(a.status)) for i, (a, person) in enumerate(rows, 1)]
    return PaymentRegister(year, month, lines)


def _headers() -> list[str]:
    return [_("No."), _("Case"), _("Recipient"), _("IIN"), _("Support measure"), _("Persons"),
            _("Indices (МРП)"), _("Index, tenge"), _("Amount, tenge"), _("Approved on"),
            _("Status")]


def _values(line: RegisterLine) -> list:
    return [line.number, line.case_number, line.recipient, line.iin, line.measure,
            line.persons, line.indices, line.index_value, line.amount,
            line.decided_on.isoformat(), line.status]


def register_csv(register: PaymentRegister) -> bytes:
    """The register as CSV (UTF-8 with BOM, for spreadsheet programs), with a total line."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(_headers())
    for line in register.lines:
        writer.writerow(_values(line))
    writer.writerow(["", _("Total"), "", "", "", register.persons, "", "", register.total, "",
                     ""])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def register_xlsx(register: PaymentRegister) -> bytes:
    """The register as an XLSX workbook: a title, the lines, and the total as a formula (its
    cached value the same sum, so readers without recalculation see it)."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet(_("Payment register")[:31])
    bold = workbook.add_format({"bold": True})
    money = workbook.add_format({"num_format": "#,##0"})
    total_money = workbook.add_format({"num_format": "#,##0", "bold": True})
    sheet.write(0, 0, _("Register of kandas support payments, {month:02d}.{year}").format(
        month=register.month, year=register.year), bold)
    headers = _headers()
    for column, header in enumerate(headers):
        sheet.write(2, column, header, bold)
    for row, line in enumerate(register.lines, 3):
        for column, value in enumerate(_values(line)):
            sheet.write(row, column, value, money if column in (7, 8) else None)
    last = 3 + len(register.lines)
    sheet.write(last, 1, _("Total"), bold)
    if register.lines:
        sheet.write_formula(last, 5, f"=SUM(F4:F{last})", bold, register.persons)
        sheet.write_formula(last, 8, f"=SUM(I4:I{last})", total_money, register.total)
    else:
        sheet.write(last, 5, 0, bold)
        sheet.write(last, 8, 0, total_money)
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 14)
    sheet.set_column(2, 2, 32)
    sheet.set_column(3, 3, 14)
    sheet.set_column(4, 4, 30)
    sheet.set_column(5, 10, 12)
    workbook.close()
    return buffer.getvalue()


def export_register(database: Database, year: int, month: int) -> tuple[bytes, bytes]:
    """The month's register as (XLSX, CSV)."""
    with database.sessions() as session:
        register = payment_register(session, year, month)
    return register_xlsx(register), register_csv(register)


# --- the monthly summary and the timeline ---


@dataclass(frozen=True)
class MonthSupport:
    measure: str
    applied: int
    approved: int
    refused: int
    paid: int
    approved_amount: int


def month_summary(session: Session, first: dt.date, after: dt.date) -> list[MonthSupport]:
    """By measure: applications made, approved, refused and paid in [first, after), and the
    amount approved."""
    result = []
    A = SupportApplication
    live = A.deleted_at.is_(None)
    for measure in measures(session, active_only=False):
        mine = (A.measure_id == measure.id) & live

        def count(*where, mine=mine):
            return session.scalar(select(func.count()).select_from(A).where(mine, *where)) or 0

        applied = count(A.applied_on >= first, A.applied_on < after)
        decided = (A.decided_on >= first, A.decided_on < after)
        approved = count(*decided, A.status.in_((S.APPROVED, S.PAID)))
        refused = count(*decided, A.status == S.REFUSED)
        paid = count(A.paid_on >= first, A.paid_on < after)
        amount = session.scalar(select(func.coalesce(func.sum(A.amount), 0)).where(
            mine, *decided, A.status.in_((S.APPROVED, S.PAID)))) or 0
        if applied or approved or refused or paid:
            result.append(MonthSupport(measure.name, applied, approved, refused, paid,
                                       int(amount)))
    return result


def timeline_events(session: Session, cases) -> list[tuple[dt.date, str]]:
    """(day, text) for each step of the support applications of `cases` (a select of ids)."""
    events = []
    for a in session.scalars(select(SupportApplication).where(
            SupportApplication.case_id.in_(cases), SupportApplication.deleted_at.is_(None))):
        what = _("{measure}, case {case_number}").format(measure=a.measure.name,
                                                         case_number=a.case.case_number)
        amount = f"{a.amount:,}".replace(",", " ")
        events.append((a.applied_on, _("{what}: applied for, {amount} tenge").format(
            what=what, amount=amount)))
        if a.decided_on and a.status in (S.APPROVED, S.PAID):
            events.append((a.decided_on, _("{what}: approved").format(what=what)))
        if a.decided_on and a.status is S.REFUSED:
            events.append((a.decided_on, _("{what}: refused ({reason})").format(
                what=what, reason=a.refusal_reason or "")))
        if a.paid_on:
            events.append((a.paid_on, _("{what}: paid").format(what=what)))
    return events
