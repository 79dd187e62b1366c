"""The data of each printed document, as the services gather it and printing lays it out:
plain frozen dataclasses (no database records), in no language yet. Texts a clerk typed are
kept as they are; dates, enumeration members, country codes and reference names are
translated by whoever prints them, in the document's language.
"""

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field

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
    sector: str | None
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
    number: str  # the referral's reference number
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


@dataclass(frozen=True)
class QuotaStatement:
    title: str  # msgid
    year: int
    by_category: bool  # the labour quota: per region and permit category
    lines: tuple[QuotaLine, ...]  # in region order
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

    def column(self, title: str) -> list:
        index = [c.title for c in self.columns].index(title)
        return [row[index] for row in self.rows]


@dataclass
class MonthlySummary:
    month: dt.date  # its first day
    office: str | None  # None: all offices
    sections: list[Section]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


# --- the recovery sheet of an encrypted database (issue 22) ---


@dataclass(frozen=True)
class RecoverySheet:
    """What the administrator prints once and locks away: the key of an encrypted database
    (db/keys.py), in groups of four hexadecimal digits, to type on another computer."""

    database: str  # the file, as shown to a person
    groups: tuple[str, ...]  # the key: 16 groups of 4 hex digits
    made_on: dt.date
