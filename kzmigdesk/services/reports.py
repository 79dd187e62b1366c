"""The monthly summary of an office (or of all offices): its numbers, section by section,
with labels in the report's language. The exports (PDF, XLSX, CSV: printing.summary_files)
only lay them out.

Sections and what they count, for the month [first day, first day of the next month):
- new registrations (persons recorded that month) by category, by country of citizenship
  and by region;
- status changes of repatriate cases and of work permits, by the new status;
- services delivered (records starting that month) by centre and service type;
- centre occupancy: beds, bed-days used, the average and the peak number of people staying;
- quota usage of the month's year per region (and category), as the database stands now;
- the current year's quotas projected to run out before the year end (services/forecast.py);
- identity documents, kandas certificates and work permits expiring in the next month.

With an office, persons, cases and permits are those of the office, and centres and quotas
those of the office's region.
"""

import calendar
import datetime as dt
import uuid
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kzmigdesk.db.indexed import indexed_by
from kzmigdesk.db.session import Database
from kzmigdesk.domain.documents import (
    DATE,
    NUMBER,
    PERCENT,
    Column,
    MonthlySummary,
    QuotaCell,
    QuotaMatrix,
    QuotaMatrixRow,
    Section,
    SummaryIssuer,
)
from kzmigdesk.domain.enums import (
    LABELS,
    PermitCategory,
    PermitStatus,
    PersonCategory,
    RepatriateStatus,
)
from kzmigdesk.domain.models import (
    AdaptationCentre,
    CaseStatusChange,
    EconomicSector,
    IdentityDocument,
    Office,
    PermitStatusChange,
    Person,
    Region,
    RepatriateCase,
    ServiceRecord,
    ServiceType,
    User,
    WorkPermit,
)
from kzmigdesk.i18n import N_
from kzmigdesk.i18n.words import Words
from kzmigdesk.services import audit
from kzmigdesk.services.auth import Permission, acting, require
from kzmigdesk.services.errors import NotFound
from kzmigdesk.services.flows import DEFAULT_PERIOD, arrivals_by_month, flows_of
from kzmigdesk.services.office_profile import home_names
from kzmigdesk.services.person_search import Unindexed
from kzmigdesk.services.prints import named
from kzmigdesk.services.quotas import QuotaKind, quota_usage
from kzmigdesk.services.violations import month_counts

SHORT_CATEGORIES = {  # a column's title in the quota matrix
    PermitCategory.CATEGORY_1: N_("category 1"),
    PermitCategory.CATEGORY_2: N_("category 2"),
    PermitCategory.CATEGORY_3: N_("category 3"),
    PermitCategory.CATEGORY_4: N_("category 4"),
    PermitCategory.SEASONAL_AGRICULTURAL: N_("seasonal"),
    PermitCategory.INTRA_CORPORATE: N_("intra-corporate"),
}
CERTIFICATE_VALID = (RepatriateStatus.GRANTED, RepatriateStatus.CITIZENSHIP_REQUESTED)
PERMIT_VALID = (PermitStatus.ISSUED, PermitStatus.EXTENDED)


def month_bounds(month: dt.date) -> tuple[dt.date, dt.date]:
    """The first day of `month` and of the month after."""
    first = month.replace(day=1)
    days = calendar.monthrange(first.year, first.month)[1]
    return first, first + dt.timedelta(days=days)


def parse_month(text: str) -> dt.date:
    """"2026-10" as the first day of that month; ValueError otherwise."""
    year, month = text.strip().split("-")
    return dt.date(int(year), int(month), 1)


def _ordered(counter: Counter) -> list[tuple[str, int]]:
    """Largest first, then by name."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def _add_cells(cell: QuotaCell | None, other: QuotaCell) -> QuotaCell:
    """Two quotas' cells as one: the amounts set and the slots used added up."""
    if cell is None:
        return other
    amounts = [c.amount for c in (cell, other) if c.amount is not None]
    return QuotaCell(sum(amounts) if amounts else None, cell.used + other.used)


class _Summary:
    def __init__(self, session: Session, month: dt.date, words: Words,
                 office: Office | None, today: dt.date):
        self.session, self.words, self.office, self.today = session, words, office, today
        self.start, self.end = month_bounds(month)
        self.next_end = month_bounds(self.end)[1]
        self.regions = {r.id: named(r) for r in session.scalars(select(Region))}

    def t(self, msgid: str) -> str:
        return self.words.t(msgid)

    def label(self, member) -> str:
        """An enumeration member's label ("" for None)."""
        return "" if member is None else self.t(LABELS[type(member)][member])

    def t_name(self, sector_id) -> str:
        """An economic sector's name in the summary's languages (issue 24)."""
        sector = self.session.get(EconomicSector, sector_id)
        return self.words.name(named(sector)) if sector else ""

    def region(self, region_id) -> str:
        region = self.regions.get(region_id)
        return self.words.name(region) if region else self.t(N_("not given"))

    def _registered(self) -> list:
        """The month's new persons, on SQLite by their month in ix_persons_arrivals, which
        holds what the summary counts them by: no row of the table is read (nor, in an
        encrypted database, decrypted)."""
        return arrivals_by_month(self.session, self.start, self.start)[1]

    def _persons(self, *columns):
        query = select(*columns).where(*self._registered())
        if self.office is not None:
            query = query.where(Person.office_id == self.office.id)
        return query

    def registrations(self) -> list[Section]:
        by_category = dict(self.session.execute(
            self._persons(Person.category, func.count()).group_by(Person.category)).all())
        category = Section("registrations_by_category", N_("New registrations by category"),
                           [Column(N_("Category")), Column(N_("Persons"), NUMBER)], chart=True,
                           total=True, sheet=N_("Registrations by category"))
        category.rows = [[self.label(c), by_category.get(c, 0)] for c in PersonCategory]
        category.rows.append([self.t(N_("Total")), sum(by_category.values())])

        by_country = self.session.execute(
            self._persons(Person.citizenship, func.count()).group_by(Person.citizenship)).all()
        country = Section("registrations_by_country",
                          N_("New registrations by country of citizenship"),
                          [Column(N_("Country")), Column(N_("Persons"), NUMBER)],
                          sheet=N_("Registrations by country"))
        country.rows = [list(item) for item in _ordered(Counter({
            self.words.country(code) if code else self.t(N_("stateless")): count
            for code, count in by_country}))]

        by_region = self.session.execute(
            self._persons(Person.region_id, func.count()).group_by(Person.region_id)).all()
        region = Section("registrations_by_region", N_("New registrations by region"),
                         [Column(N_("Region")), Column(N_("Persons"), NUMBER)],
                         sheet=N_("Registrations by region"))
        counts = Counter()
        for region_id, count in by_region:
            counts[self.region(region_id)] += count
        region.rows = [list(item) for item in _ordered(counts)]
        return [category, country, region]

    def status_changes(self) -> Section:
        section = Section("status_changes", N_("Status changes"),
                          [Column(N_("Record")), Column(N_("New status")),
                           Column(N_("Changes"), NUMBER)])
        for title, change, record, link in (
            (N_("Repatriate cases"), CaseStatusChange, RepatriateCase, CaseStatusChange.case_id),
            (N_("Work permits"), PermitStatusChange, WorkPermit, PermitStatusChange.permit_id),
        ):
            query = (select(change.to_status, func.count())
                     .where(change.changed_on >= self.start, change.changed_on < self.end)
                     .group_by(change.to_status))
            if self.office is not None:
                by_id = office_by_id(record)
                query = query.join(by_id, by_id.id == link).where(
                    by_id.office_id == self.office.id)
            counts = dict(self.session.execute(query).all())
            statuses = RepatriateStatus if record is RepatriateCase else PermitStatus
            section.rows += [[self.t(title), self.label(status), counts[status]]
                             for status in statuses if counts.get(status)]
        return section

    def by_office(self) -> dict:
        """Per office (None: records of no office): the month's new registrations, case
        status changes and permit status changes, as the office's own summary counts them."""
        def grouped(query) -> dict:
            return dict(self.session.execute(query).all())

        persons = grouped(select(Person.office_id, func.count()).where(*self._registered())
                          .group_by(Person.office_id))
        counts = {}
        for change, record, link in (
                (CaseStatusChange, RepatriateCase, CaseStatusChange.case_id),
                (PermitStatusChange, WorkPermit, PermitStatusChange.permit_id)):
            by_id = office_by_id(record)
            counts[record] = grouped(
                select(by_id.office_id, func.count()).select_from(change)
                .join(by_id, by_id.id == link)
                .where(change.changed_on >= self.start, change.changed_on < self.end)
                .group_by(by_id.office_id))
        offices = set(persons) | set(counts[RepatriateCase]) | set(counts[WorkPermit])
        return {office: (persons.get(office, 0), counts[RepatriateCase].get(office, 0),
                         counts[WorkPermit].get(office, 0)) for office in offices}

    def breakdown(self) -> list[Section]:
        """The summary of all offices broken down by office and by region (a regional
        office's districts, the country's regions): the rows add up to the totals of the
        offices' own summaries (issue 25)."""
        columns = [Column(N_("New registrations"), NUMBER),
                   Column(N_("Case status changes"), NUMBER),
                   Column(N_("Permit status changes"), NUMBER)]
        offices = {o.id: o for o in self.session.scalars(select(Office))}
        numbers = self.by_office()
        by_office = Section("by_office", N_("By office"), [Column(N_("Office")), *columns],
                            total=True, sheet=N_("By office"))
        by_region = Section("by_region", N_("By region"), [Column(N_("Region")), *columns],
                            total=True, sheet=N_("By region"))
        regions: dict[str, list[int]] = {}
        for office_id, values in numbers.items():
            office = offices.get(office_id)
            name = office.name if office else self.t(N_("no office"))
            by_office.rows.append([name, *values])
            region = self.region(office.region_id) if office else self.t(N_("not given"))
            regions[region] = [a + b for a, b in zip(regions.get(region, [0, 0, 0]), values,
                                                       strict=True)]
        by_region.rows = [[name, *values] for name, values in regions.items()]
        for section in (by_office, by_region):
            section.rows.sort(key=lambda row: row[0])
            section.rows.append([self.t(N_("Total")),
                                 *(sum(row[i] for row in section.rows) for i in (1, 2, 3))])
        return [by_office, by_region]

    def violations(self) -> Section:
        """The month's findings of illegal employment, their workers and fines (issue 24)."""
        section = Section("labour_violations", N_("Labour violations"),
                          [Column(N_("Indicator")), Column(N_("Count"), NUMBER)],
                          sheet=N_("Illegal employment"))
        counts = month_counts(self.session, self.start, self.end,
                              self.office.id if self.office is not None else None)
        section.rows = [
            [self.t(N_("Findings of illegal employment")), counts.findings],
            [self.t(N_("Workers found")), counts.workers],
            *[[self.label(kind), count] for kind, count in counts.by_kind.items()],
            *[[self.words.t(N_("Decision: {decision}"),
                            decision=lambda w, d=decision: w.t(LABELS[type(d)][d])), count]
              for decision, count in counts.by_decision.items()],
            [self.t(N_("Fines imposed, tenge")), counts.fines_imposed],
            [self.t(N_("Fines paid, tenge")), counts.fines_paid],
        ]
        return section

    def _centres(self) -> list[AdaptationCentre]:
        query = select(AdaptationCentre).order_by(AdaptationCentre.name)
        if self.office is not None:
            query = query.where(AdaptationCentre.region_id == self.office.region_id)
        return list(self.session.scalars(query))

    def services(self, centres: list[AdaptationCentre]) -> tuple[Section, Section]:
        month = indexed_by(ServiceRecord, "ix_service_records_month")  # not each record's row
        query = (select(month.centre_id, month.service_type_id, func.count())
                 .where(month.start_date >= self.start, month.start_date < self.end,
                        month.centre_id.in_([c.id for c in centres]))
                 .group_by(month.centre_id, month.service_type_id))
        types = {t.id: named(t) for t in self.session.scalars(select(ServiceType))}
        names = {c.id: c.name for c in centres}
        detail = Section("services_by_centre", N_("Services delivered by centre and type"),
                         [Column(N_("Centre")), Column(N_("Service")),
                          Column(N_("Services"), NUMBER)], sheet=N_("Services by centre"))
        by_type = Counter()
        for centre_id, type_id, count in self.session.execute(query):
            service = self.words.name(types[type_id])
            detail.rows.append([names[centre_id], service, count])
            by_type[service] += count
        detail.rows.sort(key=lambda row: (row[0], -row[2], row[1]))
        total = Section("services_by_type", N_("Services delivered by type"),
                        [Column(N_("Service")), Column(N_("Services"), NUMBER)], chart=True,
                        sheet=N_("Services by type"))
        total.rows = [list(item) for item in _ordered(by_type)]
        return total, detail

    def occupancy(self, centres: list[AdaptationCentre]) -> Section:
        """Bed-days used in the month (a stay counts from its first to its last day, an open
        stay up to today), their share of the beds' capacity, and the busiest day."""
        section = Section("centre_occupancy", N_("Centre occupancy"), [
            Column(N_("Centre")), Column(N_("Beds"), NUMBER), Column(N_("Bed-days used"), NUMBER),
            Column(N_("Average occupancy"), PERCENT), Column(N_("Most people on one day"),
                                                           NUMBER)])
        last_day = min(self.end - dt.timedelta(days=1), self.today)
        days = max(0, (last_day - self.start).days + 1)
        stays_of: dict = {centre.id: [] for centre in centres}
        accommodation = select(ServiceType.id).where(ServiceType.is_accommodation.is_(True))
        columns = (ServiceRecord.centre_id, ServiceRecord.start_date, ServiceRecord.end_date)
        # Stays still open, and stays ending in the month or later: each read from the
        # ix_service_records_stays index, not from all the service records.
        for ends in (ServiceRecord.end_date.is_(None), ServiceRecord.end_date >= self.start):
            for centre_id, start, end in self.session.execute(
                    select(*columns).where(ServiceRecord.service_type_id.in_(accommodation),
                                           ends, ServiceRecord.start_date <= last_day)):
                if centre_id in stays_of:
                    stays_of[centre_id].append((start, end))
        for centre in centres:
            per_day = [0] * days
            for start, end in stays_of[centre.id]:
                first = max(start, self.start)
                last = min(end or last_day, last_day)
                for offset in range((first - self.start).days, (last - self.start).days + 1):
                    per_day[offset] += 1
            used = sum(per_day)
            capacity = centre.beds * days
            section.rows.append([centre.name, centre.beds, used,
                                 used / capacity if capacity else 0.0, max(per_day, default=0)])
        return section

    def quotas(self) -> tuple[Section, Section, QuotaMatrix]:
        """The quota usage as a list (XLSX, CSV), as a matrix of regions × categories (PDF),
        and the quotas expected to run out this year."""
        year = self.start.year
        usage = Section("quota_usage", N_("Quota usage"), [
            Column(N_("Quota type")), Column(N_("Region")), Column(N_("Permit category")),
            Column(N_("Quota"), NUMBER), Column(N_("Used"), NUMBER),
            Column(N_("Remaining"), NUMBER), Column(N_("Share used"), PERCENT),
            Column(N_("Economic sector"))])
        running_out = Section("quotas_running_out",
                              N_("Quotas expected to run out before the year end"), [
                                  Column(N_("Quota type")), Column(N_("Region")),
                                  Column(N_("Permit category")), Column(N_("Expected on"), DATE),
                                  Column(N_("Earliest"), DATE), Column(N_("Latest"), DATE)],
                              sheet=N_("Quotas running out"))
        categories = list(PermitCategory)
        cells: dict = {}  # region id -> {category (None: kandas) -> QuotaCell}
        order: list = []  # region ids in region order
        by_sector: dict = {}  # sector (None: all sectors) -> {category -> QuotaCell} (issue 24)
        sector_order: dict = {}
        for kind, title in ((QuotaKind.LABOUR, N_("Foreign labour quota")),
                            (QuotaKind.KANDAS, N_("Kandas resettlement quota"))):
            for row in quota_usage(self.session, kind, year, today=self.today, region_id=(
                    self.office.region_id if self.office is not None else None)):
                names = [self.t(title), self.region(row.region_id),
                         self.label(row.category)]
                sector = (f"{row.sector_code} — {self.t_name(row.sector_id)}"
                          if row.sector_code else self.t(N_("all sectors"))
                          if kind is QuotaKind.LABOUR else "")
                usage.rows.append([*names, row.amount or 0, row.used, row.remaining, row.share,
                                   sector])
                if row.region_id not in cells:
                    cells[row.region_id] = {}
                    order.append((row.region_order, row.region_name, row.region_id))
                cell = QuotaCell(row.amount, row.used)
                # A region's quotas of several sectors add up in its row.
                cells[row.region_id][row.category] = _add_cells(
                    cells[row.region_id].get(row.category), cell)
                if kind is QuotaKind.LABOUR:
                    sector_cells = by_sector.setdefault(row.sector_id, {})
                    sector_cells[row.category] = _add_cells(sector_cells.get(row.category), cell)
                    sector_order[row.sector_id] = (row.sector_id is None, row.sector_code or "",
                                                   sector)
                forecast = row.forecast
                if forecast is not None and forecast.runs_out_this_year:
                    running_out.rows.append([*names, forecast.expected, forecast.earliest,
                                             forecast.latest])
        matrix = QuotaMatrix(
            year=year, categories=tuple(self.label(c) for c in categories),
            short_categories=tuple(self.t(SHORT_CATEGORIES[c]) for c in categories),
            rows=tuple(QuotaMatrixRow(self.region(region_id),
                                      tuple(cells[region_id].get(c) for c in categories),
                                      cells[region_id].get(None))
                       for _order, _name, region_id in sorted(order, key=lambda o: o[:2])))
        self.sector_matrix = QuotaMatrix(
            year=year, categories=matrix.categories, short_categories=matrix.short_categories,
            rows=tuple(QuotaMatrixRow(sector_order[sector][2],
                                      tuple(by_sector[sector].get(c) for c in categories), None)
                       for sector in sorted(by_sector, key=lambda s: sector_order[s][:2])),
            by_sector=True) if set(by_sector) - {None} else None  # only with sectors' quotas
        return usage, running_out, matrix

    def support(self) -> Section:
        """Kandas support by measure (issue 24): applications made, approved, refused and paid
        in the month, and the amount approved (services/support.py)."""
        from kzmigdesk.domain.enums import SupportStatus as SS
        from kzmigdesk.domain.models import SupportApplication as A
        from kzmigdesk.domain.models import SupportMeasure

        section = Section("kandas_support", N_("Kandas support"), [
            Column(N_("Support measure")), Column(N_("Applied"), NUMBER),
            Column(N_("Approved"), NUMBER), Column(N_("Refused"), NUMBER),
            Column(N_("Paid"), NUMBER), Column(N_("Approved, tenge"), NUMBER)], total=True)
        start, end = self.start, self.end
        live = A.deleted_at.is_(None)
        if self.office is not None:
            live = live & (A.office_id == self.office.id)
        decided = (A.decided_on >= start) & (A.decided_on < end)
        approved = decided & A.status.in_((SS.APPROVED, SS.PAID))
        counts = {}
        for name, where, value in (
                ("applied", (A.applied_on >= start) & (A.applied_on < end), func.count()),
                ("approved", approved, func.count()),
                ("refused", decided & (A.status == SS.REFUSED), func.count()),
                ("paid", (A.paid_on >= start) & (A.paid_on < end), func.count()),
                ("amount", approved, func.sum(A.amount))):
            counts[name] = dict(self.session.execute(
                select(A.measure_id, value).where(live, where).group_by(A.measure_id)).all())
        totals = [0] * 5
        for measure in self.session.scalars(select(SupportMeasure).order_by(
                SupportMeasure.sort_order, SupportMeasure.code)):
            values = [int(counts[k].get(measure.id) or 0)
                      for k in ("applied", "approved", "refused", "paid", "amount")]
            if any(values) or measure.active:
                section.rows.append([self.words.name(measure), *values])
                totals = [a + b for a, b in zip(totals, values, strict=True)]
        section.rows.append([self.t(N_("Total")), *totals])
        return section

    def expiring(self) -> Section:
        section = Section("expiring_next_month", N_("Expiring next month"), [
            Column(N_("Document")), Column(N_("Number")), Column(N_("Holder")),
            Column(N_("Expiry date"), DATE)])
        start, end = self.end, self.next_end
        # A month of each expiry index, not every valid case or permit by a status index
        # (Unindexed: SQLite has no statistics to tell); the certificates' and permits'
        # expiry indexes hold all these queries read of them (migration 0042), and their
        # holders' names are read from an index of names by id, not each holder's row
        holders = indexed_by(Person, "ix_persons_names_by_id")
        queries = [
            (None, select(IdentityDocument.doc_type, IdentityDocument.number,
                          Person.surname + " " + Person.given_name, IdentityDocument.expiry_date)
             .join(Person, Person.id == IdentityDocument.person_id)
             .where(IdentityDocument.expiry_date >= start, IdentityDocument.expiry_date < end),
             Person.office_id),
            (N_("Kandas certificate"),
             select(RepatriateCase.certificate_number, holders.surname + " " +
                    holders.given_name, RepatriateCase.certificate_expiry_date)
             .join(holders, holders.id == RepatriateCase.person_id)
             .where(RepatriateCase.certificate_expiry_date >= start,
                    RepatriateCase.certificate_expiry_date < end,
                    Unindexed(RepatriateCase.status).in_(CERTIFICATE_VALID)),
             RepatriateCase.office_id),
            (N_("Work permit"),
             select(WorkPermit.number, holders.surname + " " + holders.given_name,
                    WorkPermit.valid_to)
             .join(holders, holders.id == WorkPermit.person_id)
             .where(WorkPermit.valid_to >= start, WorkPermit.valid_to < end,
                    Unindexed(WorkPermit.status).in_(PERMIT_VALID)),
             WorkPermit.office_id),
        ]
        labels: dict = {}  # thousands of rows share a few document types: translate each once
        for title, query, office_column in queries:
            if self.office is not None:
                query = query.where(office_column == self.office.id)
            for row in self.session.execute(query):
                if title is None:  # identity documents name their own type
                    doc_type, number, name, day = row
                    if doc_type not in labels:
                        labels[doc_type] = self.label(doc_type)
                    section.rows.append([labels[doc_type], number, name, day])
                else:
                    number, name, day = row
                    if title not in labels:
                        labels[title] = self.t(title)
                    section.rows.append([labels[title], number, name, day])
        section.rows.sort(key=lambda row: (row[3], row[0], row[1]))
        return section


def office_by_id(record):
    """Cases or permits read for their office by id from an index, not from their rows."""
    return indexed_by(record, f"ix_{record.__tablename__}_office_by_id")


def monthly_summary(session: Session, month: dt.date, words: Words,
                    office_id: uuid.UUID | None = None,
                    today: dt.date | None = None) -> MonthlySummary:
    """The summary of `month` for the office `office_id` (None: all offices): supervisors
    only. It only reads: whoever exports it records that with `record_export`."""
    require(acting(session), Permission.EXPORT_REPORTS)
    office = None
    if office_id is not None:
        office = session.get(Office, office_id)
        if office is None:
            raise NotFound(N_("The office no longer exists."))
    summary = _Summary(session, month, words, office, today or dt.date.today())
    centres = summary._centres()
    services_by_type, services_by_centre = summary.services(centres)
    usage, running_out, matrix = summary.quotas()
    trail = audit.head(session)
    return MonthlySummary(
        month=summary.start,
        office=office.name if office else None,
        sections=[*summary.registrations(), summary.status_changes(), services_by_type,
                  services_by_centre, summary.occupancy(centres), usage, running_out,
                  summary.support(), summary.expiring(), summary.violations(),
                  *(summary.breakdown() if office is None else ())],
        issuer=issuer(session, office, words),
        quota_matrix=matrix,
        sector_matrix=summary.sector_matrix,
        made_on=summary.today,
        flows=flows_of(session, summary.start, DEFAULT_PERIOD, office_id, words),
        audit_seq=trail.seq,
        audit_hash=trail.hash,
    )


def issuer(session: Session, office: Office | None, words: Words) -> SummaryIssuer:
    """The office issuing the summary (this desk's office profile, in the summary's first
    language that it has, else the office summarised) with its head, and who prepared it
    (the signed-in user's full name; none for the command line: a line to write on)."""
    actor = acting(session)
    user = session.get(User, actor.user_id) if actor and actor.user_id else None
    prepared_by = user.full_name if user else ""
    names, heads = home_names(session)
    first = next((code for code in (*words.languages, "ru", "kk") if names.get(code)), None)
    office_name = names[first] if first else (office.name if office else "")
    return SummaryIssuer(office=office_name, head_of_office=heads.get(first, "") if first else "",
                         prepared_by=prepared_by)


def record_export(session: Session, summary: MonthlySummary, fmt: str,
                  office_id: uuid.UUID | None = None) -> None:
    """Write to the audit trail that the summary was exported (made, saved or printed)."""
    require(acting(session), Permission.EXPORT_REPORTS)
    audit.record(session, "export", "monthly_summary", office_id,
                 {"month": summary.month.strftime("%Y-%m"), "format": fmt})


# --- for the Reports page: each call in a session of its own ---------------------------------


def make_monthly_summary(database: Database, month: dt.date, words: Words,
                         office_id: uuid.UUID | None = None,
                         today: dt.date | None = None) -> MonthlySummary:
    with database.sessions() as session:
        return monthly_summary(session, month, words, office_id, today=today)


def note_export(database: Database, summary: MonthlySummary, fmt: str,
                office_id: uuid.UUID | None = None) -> None:
    """Record in its own transaction that the summary was made, saved or printed."""
    with database.transaction() as session:
        record_export(session, summary, fmt, office_id)
