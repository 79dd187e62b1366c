"""Quotas: the annual foreign-labour quota per region and permit category, and the regional
kandas resettlement quota; their usage, the check made before a slot is taken, and the
supervisor's override.

The rules (also in the README):

- A work permit takes a slot of the labour quota of (its first valid day's year, its region,
  its category, its employer's economic sector) when it is issued: the quota of that sector
  where one is set, else the quota for all sectors (one with no sector, as every quota set
  before issue 24). The permit keeps the sector it was issued under (WorkPermit.sector_id), so
  the "all sectors" quota counts the permits of the sectors that have no quota of their own
  that year, region and category. Extending it takes no new slot. Revoking it within its
  quota year gives the slot back; a permit revoked in a later year, or one that expired,
  keeps it (its slot was used).
- A kandas case takes a slot of the kandas quota of (its quota year, its region of
  resettlement) when it is granted, and holds it while it is granted, citizenship is
  requested, or citizenship was given. A case refused, withdrawn or expired holds none.
- A slot is taken only while the quota has room. Otherwise the action is refused with
  QuotaExceeded, unless a supervisor gives a reason: then it goes ahead, over the quota,
  the reason is kept with the permit or case and the override is written to the audit trail.
- Concurrent clerks: the check and the new row are in one write transaction. On SQLite a
  write transaction takes the database's write lock when it begins (BEGIN IMMEDIATE, see
  db/session.py); on PostgreSQL the quota's row is locked (SELECT ... FOR UPDATE), so two
  clerks taking the last slot are served one after the other and the second is refused.
"""

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import extract, func, or_, select
from sqlalchemy.orm import Session

from kzmigdesk import languages
from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import LABELS, PermitCategory, RepatriateStatus, label
from kzmigdesk.domain.models import (
    EconomicSector,
    KandasQuota,
    LabourQuota,
    Region,
    RepatriateCase,
    WorkPermit,
)
from kzmigdesk.domain.reference import sector_key
from kzmigdesk.i18n import (
    N_,
    _,
    current_language,
    format_number,
    load_translations,
)
from kzmigdesk.services import audit
from kzmigdesk.services.auth import Permission, acting, require
from kzmigdesk.services.errors import FieldError, ServiceError, ValidationFailed
from kzmigdesk.services.forecast import Forecast, forecast
from kzmigdesk.services.legacy_files import LegacyFileError, read_csv

WARNING_SHARE = 0.9  # the dashboard's warning colour from 90 % used
HISTORY_YEARS = 3  # earlier years whose seasonal shape the forecast uses
FIRST_YEAR, LAST_YEAR = 1991, 2100
KANDAS_SLOT_STATUSES = frozenset({
    RepatriateStatus.GRANTED, RepatriateStatus.CITIZENSHIP_REQUESTED, RepatriateStatus.CITIZEN,
})


class QuotaKind(StrEnum):
    LABOUR = "labour"
    KANDAS = "kandas"


LABEL_AMOUNT = N_("Quota")
LABEL_YEAR = N_("Year")
LABEL_REGION = N_("Region")
LABEL_CATEGORY = N_("Permit category")
LABEL_SECTOR = N_("Economic sector")
LABEL_REASON = N_("Reason for going beyond the quota")


# --- usage ----------------------------------------------------------------------------------


@dataclass
class QuotaUsage:
    kind: QuotaKind
    year: int
    region_id: uuid.UUID
    region_name: str
    region_order: int
    category: PermitCategory | None  # None for the kandas quota
    amount: int | None  # None: no quota is set, yet slots were taken
    used: int
    forecast: Forecast | None = None
    # The labour quota's economic sector (issue 24); None: all sectors (or the kandas quota).
    sector_id: uuid.UUID | None = None
    sector_code: str | None = None
    sector_name: str | None = None

    @property
    def remaining(self) -> int:
        return (self.amount or 0) - self.used

    @property
    def share(self) -> float:
        """The share used: 1.0 or more when used up (or taken with no quota set)."""
        if not self.amount:
            return 1.0 if self.used else 0.0
        return self.used / self.amount

    @property
    def level(self) -> str:
        """'ok', 'warning' (90 % used or more) or 'full' (used up)."""
        if self.share >= 1:
            return "full"
        return "warning" if self.share >= WARNING_SHARE else "ok"


def _labour_used(session: Session, year: int, *conditions, **where) -> dict[tuple, int]:
    query = (
        select(WorkPermit.region_id, WorkPermit.category, func.count())
        .where(WorkPermit.quota_year == year, WorkPermit.holds_quota_slot.is_(True),
               *conditions)
        .group_by(WorkPermit.region_id, WorkPermit.category)
    )
    for name, value in where.items():
        query = query.where(getattr(WorkPermit, name) == value)
    return {(region, category): count for region, category, count in session.execute(query)}


def _labour_used_by_sector(session: Session, year: int,
                           region_id: uuid.UUID | None = None) -> dict[tuple, int]:
    """{(region, category, sector or None): slots taken} of the year (in one region)."""
    query = (
        select(WorkPermit.region_id, WorkPermit.category, WorkPermit.sector_id, func.count())
        .where(WorkPermit.quota_year == year, WorkPermit.holds_quota_slot.is_(True))
        .group_by(WorkPermit.region_id, WorkPermit.category, WorkPermit.sector_id)
    )
    if region_id is not None:
        query = query.where(WorkPermit.region_id == region_id)
    return {(region, category, sector): count
            for region, category, sector, count in session.execute(query)}


def _sector_quotas(session: Session, year: int) -> set[tuple]:
    """(region, category, sector) of the year's labour quotas set for one sector."""
    return set(session.execute(
        select(LabourQuota.region_id, LabourQuota.category, LabourQuota.sector_id)
        .where(LabourQuota.year == year, LabourQuota.sector_id.is_not(None))).tuples())


def _quota_key(key: tuple, sector_quotas: set[tuple]) -> tuple:
    """The quota a permit's slot of (region, category, sector) counts under: its sector's
    quota where one is set, else the quota for all sectors (sector None)."""
    return key if key in sector_quotas else (key[0], key[1], None)


def _slots_of_sector(session: Session, year: int, region_id: uuid.UUID,
                     category: PermitCategory, sector_id: uuid.UUID | None) -> list:
    """The condition on permits whose slots count under the quota of (year, region,
    category, sector_id); sector None: all sectors, less those with a quota of their own."""
    if sector_id is not None:
        return [WorkPermit.sector_id == sector_id]
    own = (select(LabourQuota.sector_id)
           .where(LabourQuota.year == year, LabourQuota.region_id == region_id,
                  LabourQuota.category == category, LabourQuota.sector_id.is_not(None)))
    return [or_(WorkPermit.sector_id.is_(None), WorkPermit.sector_id.not_in(own))]


def _kandas_used(session: Session, year: int, **where) -> dict[tuple, int]:
    query = (
        select(RepatriateCase.resettlement_region_id, func.count())
        .where(RepatriateCase.quota_year == year,
               RepatriateCase.resettlement_region_id.is_not(None),
               RepatriateCase.status.in_(KANDAS_SLOT_STATUSES))
        .group_by(RepatriateCase.resettlement_region_id)
    )
    for name, value in where.items():
        query = query.where(getattr(RepatriateCase, name) == value)
    return {(region, None): count for region, count in session.execute(query)}


def _monthly(session: Session, kind: QuotaKind, first_year: int, last_year: int,
             region_id: uuid.UUID | None = None) -> dict:
    """{(region, category, sector, year): [12 monthly counts]} of the slots taken in those
    years (category and sector None for the kandas quota), in one region or all. The years
    are listed, not a range: each year's entries of the quota index, then its region's."""
    years = list(range(first_year, last_year + 1))
    if kind is QuotaKind.LABOUR:
        day = WorkPermit.valid_from
        query = (
            select(WorkPermit.region_id, WorkPermit.category, WorkPermit.sector_id,
                   WorkPermit.quota_year, extract("month", day), func.count())
            .where(WorkPermit.quota_year.in_(years), WorkPermit.holds_quota_slot.is_(True))
            .group_by(WorkPermit.region_id, WorkPermit.category, WorkPermit.sector_id,
                      WorkPermit.quota_year, extract("month", day))
        )
        if region_id is not None:
            query = query.where(WorkPermit.region_id == region_id)
    else:
        day = RepatriateCase.certificate_issue_date
        query = (
            select(RepatriateCase.resettlement_region_id, None, None, RepatriateCase.quota_year,
                   extract("month", day), func.count())
            .where(RepatriateCase.quota_year.in_(years),
                   RepatriateCase.resettlement_region_id.is_not(None),
                   RepatriateCase.status.in_(KANDAS_SLOT_STATUSES),
                   day.is_not(None))
            .group_by(RepatriateCase.resettlement_region_id, RepatriateCase.quota_year,
                      extract("month", day))
        )
        if region_id is not None:
            query = query.where(RepatriateCase.resettlement_region_id == region_id)
    months: dict = defaultdict(lambda: [0] * 12)
    for region, category, sector, year, month, count in session.execute(query):
        months[(region, category, sector, year)][int(month) - 1] += count
    return months


def quota_usage(session: Session, kind: QuotaKind, year: int, today: dt.date | None = None,
                region_id: uuid.UUID | None = None) -> list[QuotaUsage]:
    """Every quota of the year (of one region, or all) with its usage (and forecast, for the
    current year), plus any region and category where slots were taken with no quota set;
    in region order."""
    today = today or dt.date.today()
    sector_quotas: set[tuple] = set()
    quota = LabourQuota if kind is QuotaKind.LABOUR else KandasQuota
    quotas = select(quota).where(quota.year == year)
    if region_id is not None:
        quotas = quotas.where(quota.region_id == region_id)
    if kind is QuotaKind.LABOUR:
        amounts = {(q.region_id, q.category, q.sector_id): q.amount
                   for q in session.scalars(quotas)}
        sector_quotas = {key for key in amounts if key[2] is not None}
        used: dict[tuple, int] = defaultdict(int)
        for key, count in _labour_used_by_sector(session, year, region_id).items():
            used[_quota_key(key, sector_quotas)] += count
    else:
        amounts = {(q.region_id, None, None): q.amount for q in session.scalars(quotas)}
        in_region = {} if region_id is None else {"resettlement_region_id": region_id}
        used = {(region, None, None): count
                for (region, _none), count in _kandas_used(session, year, **in_region).items()}
    regions = {region.id: region for region in session.scalars(select(Region))}
    sectors = {sector.id: sector for sector in session.scalars(select(EconomicSector))}
    months: dict = defaultdict(lambda: [0] * 12)
    if year == today.year:
        for (region, category, sector, y), counts in _monthly(
                session, kind, year - HISTORY_YEARS, year, region_id).items():
            shape = months[(*_quota_key((region, category, sector), sector_quotas), y)]
            for index, count in enumerate(counts):
                shape[index] += count
    category_order = {category: index for index, category in enumerate(PermitCategory)}
    rows = []
    for key in set(amounts) | set(used):
        region_id, category, sector_id = key
        sector = sectors.get(sector_id)
        row = QuotaUsage(kind, year, region_id, regions[region_id].name,
                         regions[region_id].sort_order, category, amounts.get(key),
                         used.get(key, 0), sector_id=sector_id,
                         sector_code=sector.code if sector else None,
                         sector_name=sector.name if sector else None)
        if months and row.amount:
            earlier = [months[(*key, y)] for y in range(year - HISTORY_YEARS, year)
                       if (*key, y) in months]
            this_year = months.get((*key, year), [0] * 12)
            row.forecast = forecast(row.amount, row.used, this_year, earlier, today)
        rows.append(row)
    rows.sort(key=lambda r: (r.region_order, r.region_name,
                             category_order.get(r.category, -1),
                             sectors[r.sector_id].sort_order if r.sector_id in sectors else -1))
    return rows


# --- taking a slot --------------------------------------------------------------------------


class QuotaExceeded(ServiceError):
    """The quota has no slot left (or none is set); a supervisor may go beyond it."""

    def __init__(self, kind: QuotaKind, year: int, region: Region,
                 category: PermitCategory | None, used: int, amount: int | None,
                 sector: EconomicSector | None = None):
        super().__init__(N_("The quota is used up."))
        self.kind, self.year, self.category = kind, year, category
        # The region's names, kept: the message may be shown after the session has closed.
        self.region_names = dict(region.names)
        self.used, self.amount = used, amount
        # The sector of the quota used up (None: all sectors).
        self.sector_code = sector.code if sector is not None else None
        self.sector_names = dict(sector.names) if sector is not None else {}

    def message(self) -> str:
        params = dict(year=self.year, region=languages.pick(self.region_names, current_language()),
                      used=format_number(self.used), amount=format_number(self.amount or 0),
                      category=label(self.category) if self.category else "")
        if self.kind is QuotaKind.LABOUR and self.amount is None:
            text = _("No labour quota is set for {region}, {category}, {year}.")
        elif self.kind is QuotaKind.LABOUR and self.sector_code is not None:
            params["sector"] = (f"{self.sector_code} — "
                                f"{languages.pick(self.sector_names, current_language())}")
            text = _("The labour quota of {region}, {category}, sector {sector}, {year} is "
                     "used up: {used} of {amount} slots are taken.")
        elif self.kind is QuotaKind.LABOUR:
            text = _("The labour quota of {region}, {category}, {year} is used up: "
                     "{used} of {amount} slots are taken.")
        elif self.amount is None:
            text = _("No kandas quota is set for {region}, {year}.")
        else:
            text = _("The kandas quota of {region}, {year} is used up: "
                     "{used} of {amount} slots are taken.")
        return text.format(**params) + " " + _(
            "Only a supervisor can go beyond a quota, giving the reason.")


def _labour_quota(session: Session, year: int, region_id: uuid.UUID,
                  category: PermitCategory | None, sector_id: uuid.UUID | None,
                  lock: bool = False) -> LabourQuota | None:
    query = select(LabourQuota).where(
        LabourQuota.year == year, LabourQuota.region_id == region_id,
        LabourQuota.category == category,
        LabourQuota.sector_id == sector_id if sector_id is not None
        else LabourQuota.sector_id.is_(None))
    if lock:
        query = query.with_for_update()
    return session.scalars(query).one_or_none()


def take_slot(session: Session, kind: QuotaKind, year: int, region_id: uuid.UUID,
               category: PermitCategory | None,
               override_reason: str | None,
               sector_id: uuid.UUID | None = None) -> dict | None:
    """Check there is a slot (in the quota of `sector_id` where one is set, else in the one
    for all sectors); return None, or the override's audit details when a supervisor goes
    beyond the quota. Raises QuotaExceeded, PermissionDenied or ValidationFailed (an empty
    reason)."""
    if kind is QuotaKind.LABOUR:
        # The quota's row is locked first (PostgreSQL), then its slots are counted.
        quota = (_labour_quota(session, year, region_id, category, sector_id, lock=True)
                 if sector_id is not None else None)
        if quota is None:
            sector_id = None
            quota = _labour_quota(session, year, region_id, category, None, lock=True)
    else:
        quota = session.scalars(select(KandasQuota).where(
            KandasQuota.year == year, KandasQuota.region_id == region_id)
            .with_for_update()).one_or_none()
    if kind is QuotaKind.LABOUR:
        used_now = _labour_used(session, year,
                                *_slots_of_sector(session, year, region_id, category, sector_id),
                                region_id=region_id, category=category)
    else:
        used_now = _kandas_used(session, year, resettlement_region_id=region_id)
    used = sum(used_now.values())
    amount = quota.amount if quota is not None else None
    if amount is not None and used < amount:
        return None
    if override_reason is None:
        raise QuotaExceeded(kind, year, session.get(Region, region_id), category, used, amount,
                            session.get(EconomicSector, sector_id) if sector_id else None)
    require(acting(session), Permission.OVERRIDE_QUOTA)
    if not override_reason.strip():
        raise ValidationFailed([FieldError("quota_override_reason", LABEL_REASON,
                                           N_("is required"))])
    details = {"kind": kind.value, "year": year, "region_id": region_id,
               "category": category, "used": used, "amount": amount,
               "reason": override_reason.strip()}
    if sector_id is not None:
        details["sector_id"] = sector_id
    return details


def record_override(session: Session, entity_type: str, entity_id: uuid.UUID,
                    override: dict) -> None:
    audit.record(session, "quota.override", entity_type, entity_id, override)


def revocation_releases_slot(quota_year: int, revoked_on: dt.date) -> bool:
    """A permit revoked within its quota year gives its slot back."""
    return revoked_on.year == quota_year


# --- setting quotas -------------------------------------------------------------------------


def _check_amount(year: int, amount: int, used: int) -> list[FieldError]:
    errors = []
    if not FIRST_YEAR <= year <= LAST_YEAR:
        errors.append(FieldError("year", LABEL_YEAR, N_("must be a year from {first} to {last}"),
                                 {"first": FIRST_YEAR, "last": LAST_YEAR}))
    if amount < 0:
        errors.append(FieldError("amount", LABEL_AMOUNT, N_("cannot be negative")))
    elif amount < used:
        errors.append(FieldError("amount", LABEL_AMOUNT,
                                 N_("cannot be below the {used} slots already taken"),
                                 {"used": used}))
    return errors


def set_quota(session: Session, kind: QuotaKind, year: int,
              region_id: uuid.UUID, amount: int,
              category: PermitCategory | None = None,
              sector_id: uuid.UUID | None = None) -> LabourQuota | KandasQuota:
    """Set (create or change) a quota: supervisors only; audited with the old and new amount.
    A labour quota is for one economic sector, or with `sector_id` None for all sectors. A
    quota cannot be set below the slots already taken that year (for a new sector's quota:
    the slots its sector's permits took, which then count under it)."""
    require(acting(session), Permission.MANAGE_QUOTAS)
    if kind is QuotaKind.LABOUR:
        if category is None:
            raise ValidationFailed([FieldError("category", LABEL_CATEGORY, N_("is required"))])
        if sector_id is not None and session.get(EconomicSector, sector_id) is None:
            raise ValidationFailed([FieldError("sector_id", LABEL_SECTOR,
                                               N_("is not in the classifier"))])
        quota = _labour_quota(session, year, region_id, category, sector_id, lock=True)
        used = _labour_used(session, year,
                            *_slots_of_sector(session, year, region_id, category, sector_id),
                            region_id=region_id, category=category)
    else:
        quota = session.scalars(select(KandasQuota).where(
            KandasQuota.year == year, KandasQuota.region_id == region_id)
            .with_for_update()).one_or_none()
        used = _kandas_used(session, year, resettlement_region_id=region_id)
    errors = _check_amount(year, amount, sum(used.values()))
    if session.get(Region, region_id) is None:
        errors.append(FieldError("region_id", LABEL_REGION, N_("is required")))
    if errors:
        raise ValidationFailed(errors)
    if quota is None:
        quota = (LabourQuota(year=year, region_id=region_id, category=category, amount=amount,
                             sector_id=sector_id)
                 if kind is QuotaKind.LABOUR
                 else KandasQuota(year=year, region_id=region_id, amount=amount))
        session.add(quota)
    quota.amount = amount
    session.flush()  # the audit trail records the change (services/audit.py)
    return quota


# --- import from CSV ------------------------------------------------------------------------


@dataclass
class ImportProblem:
    line: int
    message: str  # already translated


class ImportRejected(ServiceError):
    """The file was not imported: nothing changed. `problems` say which lines and why."""

    def __init__(self, problems: list[ImportProblem]):
        super().__init__(N_("The file was not imported; nothing was changed."))
        self.problems = problems

    def message(self) -> str:
        lines = [_(self.msgid)] + [
            _("Line {line}: {problem}").format(line=p.line, problem=p.message)
            for p in self.problems[:20]]
        if len(self.problems) > 20:
            lines.append(_("… and {count} more problems.").format(count=len(self.problems) - 20))
        return "\n".join(lines)


@dataclass
class ImportResult:
    labour: int = 0
    kandas: int = 0
    problems: list[ImportProblem] = field(default_factory=list)


KANDAS_WORDS = {"", "kandas", "кандас", "кандасы", "қандас", "қандастар"}


def spellings_of_regions(session: Session) -> dict[str, uuid.UUID]:
    """Each region's code and its names in every language, case-folded."""
    names = {}
    for region in session.scalars(select(Region)):
        for value in (region.code, *region.names.values()):
            names[value.strip().casefold()] = region.id
    return names


def _category_spellings() -> dict[str, PermitCategory]:
    """Each category's code, number (1 to 4) and label in every language, whole or up to its
    colon ("category 2", "2-санат"), case-folded."""
    names = {}
    for category in PermitCategory:
        names[category.value] = category
        if category.value.startswith("cat"):
            names[category.value.removeprefix("cat")] = category
        for code in languages.codes():
            text = load_translations(code).gettext(LABELS[PermitCategory][category]).casefold()
            names[text] = category
            names[text.split(":")[0].strip()] = category
    return names


ALL_SECTORS_WORDS = {"", "*", "all", "все", "всех", "все отрасли", "барлығы",
                     "барлық салалар"}


def _sector_spellings(session: Session) -> dict[str, uuid.UUID]:
    """Each section's letter and names in every language, as compared (reference.sector_key)."""
    names = {}
    for sector in session.scalars(select(EconomicSector)):
        for value in (sector.code, *sector.names.values()):
            names[sector_key(value)] = sector.id
    return names


def import_quotas_csv(session: Session, data: bytes) -> ImportResult:
    """Set quotas from a CSV file with the columns year, region, category, amount (comma or
    semicolon) and, optionally, sector. A row with a category is a labour quota; an empty
    category, or "kandas", makes it the kandas quota. Regions go by code or name in any
    language, categories by code (cat1 … cat4, seasonal, ict) or name, sectors by their
    letter of the classifier (A … U) or name in any language; no sector (or "all"): the
    quota for all sectors. All rows or none: ImportRejected lists every bad line."""
    require(acting(session), Permission.MANAGE_QUOTAS)
    try:  # the legacy import's reader: its encodings, delimiters and blank rows
        table = read_csv("", data)
    except LegacyFileError as error:
        raise ImportRejected([ImportProblem(1, _(error.reason).format(
            **error.reason_params))]) from None
    header = [name.casefold() for name in table.header]
    missing = {"year", "region", "amount"} - set(header)
    if missing:
        raise ImportRejected([ImportProblem(1, _("the columns {columns} are missing").format(
            columns=", ".join(sorted(missing))))])
    regions = spellings_of_regions(session)
    categories = _category_spellings()
    sectors = _sector_spellings(session)
    rows, problems, seen = [], [], {}
    for line, cells in table.rows:
        row = {name: cells[i] if i < len(cells) else "" for i, name in enumerate(header)}
        try:
            year, amount = int(row["year"]), int(row["amount"].replace(" ", ""))
        except ValueError:
            problems.append(ImportProblem(line, _("the year and the amount must be whole "
                                                  "numbers")))
            continue
        region_id = regions.get(row["region"].casefold())
        category_text = row.get("category", "").casefold()
        category = categories.get(category_text)
        sector_text = sector_key(row.get("sector", ""))
        sector_id = sectors.get(sector_text)
        if region_id is None:
            problems.append(ImportProblem(line, _("unknown region “{region}”").format(
                region=row["region"])))
        elif category is None and category_text not in KANDAS_WORDS:
            problems.append(ImportProblem(line, _("unknown permit category “{category}”")
                                          .format(category=row["category"])))
        elif sector_id is None and sector_text not in ALL_SECTORS_WORDS:
            problems.append(ImportProblem(line, _("unknown economic sector “{sector}”")
                                          .format(sector=row["sector"])))
        elif category is None and sector_id is not None:
            problems.append(ImportProblem(line, _("the kandas quota has no economic sector")))
        elif (year, region_id, category, sector_id) in seen:
            problems.append(ImportProblem(line, _("the same quota is on line {line} too")
                                          .format(line=seen[(year, region_id, category,
                                                             sector_id)])))
        else:
            seen[(year, region_id, category, sector_id)] = line
            rows.append((line, year, region_id, category, sector_id, amount))
    result = ImportResult()
    # Sectors' quotas first: the slots of their permits then no longer count under the
    # quota for all sectors when its amount is checked.
    rows.sort(key=lambda row: row[4] is None)
    for line, year, region_id, category, sector_id, amount in rows:
        kind = QuotaKind.LABOUR if category else QuotaKind.KANDAS
        try:  # set_quota checks everything before it writes
            set_quota(session, kind, year, region_id, amount, category, sector_id)
        except ValidationFailed as failure:
            problems.extend(ImportProblem(line, e.message()) for e in failure.errors)
            continue
        if kind is QuotaKind.LABOUR:
            result.labour += 1
        else:
            result.kandas += 1
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: p.line))
    return result


# --- for the Quotas page: each call in a session or transaction of its own -------------------


def usage_of(database: Database, kind: QuotaKind, year: int,
             today: dt.date | None = None) -> list[QuotaUsage]:
    with database.sessions() as session:
        return quota_usage(session, kind, year, today=today)


def import_quotas(database: Database, data: bytes) -> ImportResult:
    """Import a CSV file of quotas (import_quotas_csv) in one transaction."""
    with database.transaction() as session:
        return import_quotas_csv(session, data)


def store_quota(database: Database, kind: QuotaKind, year: int, region_id: uuid.UUID,
                amount: int, category: PermitCategory | None = None,
                sector_id: uuid.UUID | None = None) -> None:
    """Set one quota (set_quota) in its own transaction."""
    with database.transaction() as session:
        set_quota(session, kind, year, region_id, amount, category, sector_id)
