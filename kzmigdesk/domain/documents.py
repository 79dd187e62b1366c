"""The data of each printed document, as the services gather it and printing lays it out:
plain frozen dataclasses (no database records), in no language yet. Texts a clerk typed are
kept as they are; dates, enumeration members, country codes and reference names are
translated by whoever prints them, in the document's language.
"""

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from kzmigdesk.domain.enums import (
    DocumentType,
    HouseholdRelation,
    PermitCategory,
    PermitStatus,
    PersonCategory,
    RepatriateStatus,
    Sex,
)


@dataclass(frozen=True)
class Named:
    """A reference record's name (a region's, a service type's): language code → name."""

    names: Mapping[str, str]


# --- the letterhead and the signers every document shares (issue 21) -----------------------


@dataclass(frozen=True)
class Signer:
    """Who signs a document: a position and a name, each by language code (a name the same
    in every language may be given once, under any key); `title` (a msgid, translated when
    printed) stands for the position when `positions` is empty."""

    positions: Mapping[str, str] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    title: str = ""


@dataclass(frozen=True)
class Letterhead:
    """The office a document comes from, from its profile (services/office_profile.py):
    names and addresses by language code, BIN, phone, the logo's bytes, the head of office;
    and who prepared the document (the signed-in user). `name`, `address` and `logo` (a
    file's path) are one language's letterhead, as the desk's settings held it."""

    name: str = ""
    address: str = ""
    logo: str | bytes = ""  # the image's bytes (PNG or JPEG), or a file's path
    names: Mapping[str, str] = field(default_factory=dict)
    addresses: Mapping[str, str] = field(default_factory=dict)
    bin: str = ""
    phone: str = ""
    head: Signer | None = None
    prepared_by: Signer | None = None


# --- 1. the person registration card --------------------------------------------------------


@dataclass(frozen=True)
class IdentityDocumentLine:
    doc_type: DocumentType | str
    number: str
    issuing_country: str | None  # ISO 3166 alpha-2
    issued_by: str | None
    issue_date: dt.date | None
    expiry_date: dt.date | None


@dataclass(frozen=True)
class LegalBasisLine:
    """The legal basis for processing the person's data (issue 23), as the card prints it."""
    basis: str  # a LegalBasis value
    since: dt.date
    reference: str | None
    scan_name: str | None
    withdrawn_on: dt.date | None


@dataclass(frozen=True)
class PersonCard:
    person_id: uuid.UUID
    surname: str
    given_name: str
    patronymic: str | None
    surname_latin: str | None
    given_name_latin: str | None
    sex: Sex | str | None
    birth_date: dt.date | None
    iin: str | None
    citizenship: str | None  # ISO 3166 alpha-2; None: stateless or unknown
    phone: str | None
    email: str | None
    region: Named | None
    district: str | None
    locality: str | None
    address: str | None
    category: PersonCategory | str | None
    status: str | None  # a RepatriateStatus for a kandas, a PermitStatus otherwise
    registered_on: dt.date | None
    office: str | None  # the office's name
    notes: str | None
    photo: bytes | None
    documents: tuple[IdentityDocumentLine, ...]
    today: dt.date
    legal_basis: LegalBasisLine | None = None  # None: none recorded


# --- 2. the repatriate case summary ---------------------------------------------------------


@dataclass(frozen=True)
class Applicant:
    full_name: str
    birth_date: dt.date | None
    iin: str | None


@dataclass(frozen=True)
class HouseholdLine:
    full_name: str
    relation: HouseholdRelation | str
    birth_date: dt.date | None
    iin: str | None


@dataclass(frozen=True)
class StatusLine:
    changed_on: dt.date
    from_status: RepatriateStatus | str | None
    to_status: RepatriateStatus | str
    comment: str | None


@dataclass(frozen=True)
class SupportLine:
    """A kandas support application of the case (issue 24)."""

    measure: "Named | None"
    applied_on: dt.date
    persons: int
    amount: int  # tenge
    status: str  # a SupportStatus value
    decided_on: dt.date | None
    paid_on: dt.date | None


@dataclass(frozen=True)
class CaseSummary:
    case_id: uuid.UUID
    case_number: str
    applicant: Applicant | None
    country_of_origin: str | None
    application_date: dt.date | None
    arrival_date: dt.date | None
    status: RepatriateStatus | str
    certificate_number: str | None
    certificate_issue_date: dt.date | None
    certificate_expiry_date: dt.date | None
    resettlement_region: Named | None
    quota_year: int | None
    office: str | None
    quota_override_reason: str | None
    members: tuple[HouseholdLine, ...]  # the head first
    history: tuple[StatusLine, ...]  # oldest first
    today: dt.date
    support: tuple[SupportLine, ...] = ()  # kandas support applications (issue 24)


# --- 3. the work permit register extract of an employer -------------------------------------


@dataclass(frozen=True)
class Worker:
    full_name: str
    citizenship: str | None


@dataclass(frozen=True)
class PermitLine:
    number: str
    worker: Worker | None
    category: PermitCategory | str
    profession: str | None
    region: Named | None
    valid_from: dt.date
    valid_to: dt.date
    status: PermitStatus | str


@dataclass(frozen=True)
class EmployerPermitsExtract:
    employer_id: uuid.UUID
    bin: str
    name: str
    address: str | None
    region: Named | None
    sector: "Named | str | None"  # the classifier's section, else the old free text
    contact_person: str | None
    phone: str | None
    permits: tuple[PermitLine, ...]  # newest first
    in_force: int  # how many of them are in force on `today`
    today: dt.date


# --- 4. the service referral letter ---------------------------------------------------------


@dataclass(frozen=True)
class Centre:
    name: str
    address: str | None
    phone: str | None


@dataclass(frozen=True)
class ReferralLetter:
    person_id: uuid.UUID
    number: str | None  # its outgoing register number, given when it is printed
    addressee: str
    purpose: str
    full_name: str
    birth_date: dt.date | None
    iin: str | None
    citizenship: str | None
    category: PersonCategory | str | None
    service: Named | None
    centre: Centre | None
    today: dt.date


# --- 5. the quota usage statement -----------------------------------------------------------


@dataclass(frozen=True)
class QuotaLine:
    region: Named
    category: PermitCategory | None  # None for the kandas quota
    amount: int | None  # None: no quota is set, yet slots were taken
    used: int
    remaining: int
    share: float
    level: str  # 'ok', 'warning' (90 % used or more) or 'full' (used up)
    runs_out: dt.date | None  # the day it is expected to run out this year, if it does
    # The rest of the Quotas page's forecast (services/forecast.py); None: no forecast made.
    earliest: dt.date | None = None
    latest: dt.date | None = None  # None with runs_out: perhaps only after the year end
    year_end_usage: int | None = None
    sector: Named | None = None  # the economic sector of a labour quota for one (issue 24)


@dataclass(frozen=True)
class QuotaStatement:
    title: str  # msgid
    year: int
    by_category: bool  # the labour quota: per region and permit category
    lines: tuple[QuotaLine, ...]  # in region order
    today: dt.date
    number: str | None = None  # its outgoing register number, given when it is printed


# --- 6. the work permit document of a worker (issue 21) -------------------------------------


@dataclass(frozen=True)
class WorkPermitDocument:
    """One work permit, as the worker receives it."""

    permit_id: uuid.UUID
    person_id: uuid.UUID
    permit_number: str
    full_name: str
    full_name_latin: str | None
    birth_date: dt.date | None
    citizenship: str | None
    iin: str | None
    identity_document: IdentityDocumentLine | None  # the latest one
    employer: str
    employer_bin: str
    employer_address: str | None
    category: PermitCategory | str
    profession: str | None
    region: Named | None
    valid_from: dt.date
    valid_to: dt.date
    status: PermitStatus | str
    today: dt.date
    number: str | None = None  # its outgoing register number, given when it is printed


# --- 7. the kandas certificate of a case (issue 21) -----------------------------------------


@dataclass(frozen=True)
class KandasCertificate:
    """The certificate of a granted repatriate case: the kandas and the household."""

    case_id: uuid.UUID
    person_id: uuid.UUID
    case_number: str
    certificate_number: str | None
    issue_date: dt.date | None
    expiry_date: dt.date | None
    full_name: str
    birth_date: dt.date | None
    iin: str | None
    country_of_origin: str | None
    arrival_date: dt.date | None
    resettlement_region: Named | None
    status: RepatriateStatus | str
    members: tuple[HouseholdLine, ...]  # the household, the head first
    today: dt.date
    number: str | None = None  # its outgoing register number, given when it is printed


# --- 8. the outgoing register's journal (issue 21) ------------------------------------------


@dataclass(frozen=True)
class JournalLine:
    number: str
    issued_on: dt.date
    kind: str  # msgid of the document's kind
    addressee: str | None
    person_name: str | None
    user_name: str | None


@dataclass(frozen=True)
class RegisterJournal:
    """The outgoing register of an office: the lines of a year (or all), a search's."""

    year: int | None
    search: str
    lines: tuple[JournalLine, ...]  # in number order
    today: dt.date


# --- the monthly summary --------------------------------------------------------------------

TEXT, NUMBER, PERCENT, DATE = "text", "number", "percent", "date"


@dataclass
class Column:
    title: str  # msgid
    kind: str = TEXT  # TEXT, NUMBER, PERCENT (a share, 0.25) or DATE


@dataclass
class Section:
    key: str
    title: str  # msgid
    columns: list[Column]
    rows: list[list] = field(default_factory=list)  # text already in the report's language
    chart: bool = False  # drawn as a bar chart of the last column in the PDF
    total: bool = False  # the last row is the total of the others
    sheet: str = ""  # msgid: a short title for its XLSX sheet (31 characters), else the title

    def column(self, title: str) -> list:
        index = [c.title for c in self.columns].index(title)
        return [row[index] for row in self.rows]


@dataclass(frozen=True)
class SummaryIssuer:
    """Who issues the summary: the office's name and its head (from the settings' letterhead
    today; "" leaves a line to write on), and who prepared it."""

    office: str = ""
    head_of_office: str = ""
    prepared_by: str = ""


@dataclass(frozen=True)
class QuotaCell:
    amount: int | None  # None: no quota set
    used: int


@dataclass(frozen=True)
class QuotaMatrixRow:
    region: str  # in the report's language
    labour: tuple[QuotaCell | None, ...]  # one per category of QuotaMatrix.categories
    kandas: QuotaCell | None


def _add(cells) -> QuotaCell | None:
    cells = [cell for cell in cells if cell is not None]
    if not cells:
        return None
    amounts = [cell.amount for cell in cells if cell.amount is not None]
    return QuotaCell(sum(amounts) if amounts else None, sum(cell.used for cell in cells))


@dataclass(frozen=True)
class QuotaMatrix:
    """The year's quota use, regions × labour categories (and the kandas quota), with the
    row and column totals."""

    year: int
    categories: tuple[str, ...]  # the labour quota's permit categories, in the report's language
    short_categories: tuple[str, ...]  # the same, short, for the columns' titles
    rows: tuple[QuotaMatrixRow, ...]  # in region order
    # Rows by economic sector of the labour quota (issue 24; each row's `region` is the
    # sector's name, "all sectors" last) and no kandas column.
    by_sector: bool = False

    def labour_total(self, row: QuotaMatrixRow) -> QuotaCell | None:
        return _add(row.labour)

    def column_totals(self) -> tuple[QuotaCell | None, ...]:
        """Each category's total, then the labour quota's and the kandas quota's."""
        columns = [_add(row.labour[index] for row in self.rows)
                   for index in range(len(self.categories))]
        return (*columns, _add(self.labour_total(row) for row in self.rows),
                _add(row.kandas for row in self.rows))


@dataclass
class MonthlySummary:
    month: dt.date  # its first day
    office: str | None  # None: all offices
    sections: list[Section]
    issuer: SummaryIssuer = field(default_factory=SummaryIssuer)
    quota_matrix: QuotaMatrix | None = None  # the PDF draws it instead of the quota_usage list
    sector_matrix: QuotaMatrix | None = None  # the labour quota by sector, after it (issue 24)
    made_on: dt.date | None = None
    flows: "Flows | None" = None  # the flows of the 24 months up to it (the XLSX's charts)
    # the audit trail's chain head when it was made (issue 22): number and hash of the last
    # entry, printed in the approval block so that the signed paper anchors the trail
    audit_seq: int | None = None
    audit_hash: str = ""

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


# --- flows: arrivals by month, quota use by region (issue 19) -------------------------------


@dataclass(frozen=True)
class FlowSeries:
    name: str  # in the document's language
    values: tuple[int, ...]  # one per month of its chart, or per region of a quota chart


@dataclass(frozen=True)
class FlowChart:
    key: str  # "category", "country", "region", "office", "kandas_quota", "labour_quota"
    title: str  # msgid
    value_title: str  # msgid: the value axis ("Persons", "Slots")
    labels: tuple[str, ...]  # a quota chart's regions; () for a monthly one (Flows.months)
    series: tuple[FlowSeries, ...]
    stacked: bool = False  # bars stacked (arrivals by category); else lines or grouped bars

    @property
    def empty(self) -> bool:
        return not any(any(s.values) for s in self.series)


@dataclass(frozen=True)
class Flows:
    months: tuple[dt.date, ...]  # first days, oldest first
    quota_year: int
    office: str | None  # None: all offices
    charts: tuple[FlowChart, ...]

    def chart(self, key: str) -> FlowChart:
        return next(c for c in self.charts if c.key == key)

    @property
    def empty(self) -> bool:
        return all(chart.empty for chart in self.charts)


# --- the change request form (issue 20; printing/request_form.py) ---------------------------


@dataclass(frozen=True)
class RequestLine:
    label: str  # msgid of the field's label (or the field's name)
    old: object  # as the author saw it: text, a date, an enumeration member, a yes/no, None
    new: object  # as proposed


@dataclass(frozen=True)
class ChangeRequestForm:
    request_id: uuid.UUID
    kind: StrEnum  # enums.ChangeKind
    status: StrEnum  # enums.RequestStatus
    summary: str  # the record, as named when the request was made
    office: str | None
    author: str
    submitted_at: dt.datetime | None
    decided_by: str | None
    decided_at: dt.datetime | None
    reason: str | None
    lines: tuple[RequestLine, ...]
    scans: tuple[str, ...]  # the attached scans' file names
    today: dt.date


# --- the recovery sheet of an encrypted database (issue 22) ---


@dataclass(frozen=True)
class RecoverySheet:
    """What the administrator prints once and locks away: the key of an encrypted database
    (db/keys.py), in groups of four hexadecimal digits, to type on another computer."""

    database: str  # the file, as shown to a person
    groups: tuple[str, ...]  # the key: 16 groups of 4 hex digits
    made_on: dt.date


# --- the accesses to a person's data (issue 23) ---------------------------------------------


@dataclass(frozen=True)
class AccessLine:
    at: dt.datetime  # local time
    kind: str  # an AccessKind value
    employee: str  # the user's full name (and login, on the supervisor's report)
    office: str | None
    desk: str | None  # the computer; only on the supervisor's report
    detail: str | None


@dataclass(frozen=True)
class AccessReport:
    """Who read a person's data: the supervisor's report, or the report the office gives the
    person on request (`for_person`: no logins, no computers)."""
    person_id: uuid.UUID
    full_name: str
    birth_date: dt.date | None
    iin: str | None
    lines: tuple[AccessLine, ...]  # the latest first
    for_person: bool
    today: dt.date
