"""Synthetic demo data for the migration offices of Kazakhstan.

`generate_demo_data` fills a migrated, empty database (the regions and service types come from
the migration) with offices, staff, adaptation centres, employers, and persons: kandas
(ethnic Kazakh repatriates) with their households, cases and adaptation services, foreign
workers with their work permits, and other registrations. The same seed gives the same data
(except the random record ids). Rows go in with batched Core inserts inside one transaction,
so a cancelled run leaves the database as it was.

Names, addresses and other texts come from names.py (read from data/*.json).
"""

import bisect
import datetime as dt
import itertools
import math
import random
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from kzmigdesk.demo.names import (
    AM_MALE,
    AREA_CODES,
    BY_SURNAMES,
    CNKZ_FATHERS,
    CNKZ_FEMALE,
    CNKZ_MALE,
    EMPLOYER_STEMS,
    FOREIGN_CULTURES,
    KG_FEMALE,
    KG_MALE,
    KG_SURNAMES,
    KZ_FEMALE,
    KZ_MALE,
    KZ_SURNAMES,
    MOBILE_CODES,
    PLACES,
    PROFESSIONS,
    REFUSAL_REASONS,
    REVOCATION_REASONS,
    RU_FEMALE,
    RU_MALE,
    RU_PATRONYMICS,
    RU_SURNAMES,
    RUSSIFY,
    SECTORS,
    SERVICE_OUTCOMES,
    STREETS,
    UZ_MALE,
    feminine,
    icao,
    uzbek_latin,
)
from kzmigdesk.domain.enums import (
    DocumentType,
    HouseholdRelation,
    OfficeKind,
    PermitCategory,
    PermitStatus,
    PersonCategory,
    RepatriateStatus,
    Sex,
    UserRole,
    ViolationKind,
    WorkerDecision,
)
from kzmigdesk.domain.identifiers import make_bin, make_iin
from kzmigdesk.domain.models import (
    AdaptationCentre,
    CaseStatusChange,
    Employer,
    Household,
    HouseholdMember,
    IdentityDocument,
    KandasQuota,
    LabourQuota,
    LabourViolation,
    LocalSetting,
    Office,
    OfficeProfile,
    PermitStatusChange,
    Person,
    Region,
    RepatriateCase,
    ServiceRecord,
    ServiceType,
    User,
    ViolationWorker,
    WorkPermit,
)
from kzmigdesk.domain.reference import reference_id
from kzmigdesk.domain.search import sort_key
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.name_index import index_names
from kzmigdesk.services.office_profile import HOME_OFFICE
from kzmigdesk.services.users import hash_password

BATCH_SIZE = 5000
SQLITE_CACHE_KIB = 128 * 1024
KANDAS_SHARE = 0.45
WORKER_SHARE = 0.35
EAEU = frozenset({"AM", "BY", "KG", "RU"})


DEMO_PASSWORD = "demo-password"  # of every demo account (see the README)


@dataclass
class DemoSummary:
    persons: int
    repatriate_cases: int
    households: int
    employers: int
    permits: int
    service_records: int
    centres: int
    offices: int
    users: int


class DemoCancelled(Exception):
    """Raised when the `cancelled` callback asks to stop; nothing has been written."""


def is_empty(database) -> bool:
    """Whether `database` holds no persons yet (see database_is_empty)."""
    with database.sessions() as session:
        return database_is_empty(session)


def database_is_empty(session: Session) -> bool:
    """True when the database holds no persons (reference data, offices and users alone
    count as empty), soft-deleted ones included."""
    first = session.execute(
        select(Person.id).limit(1).execution_options(include_deleted=True)
    ).first()
    return first is None


def generate_demo_data(
    database,
    persons: int = 300,
    seed: int = 2026,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    today: dt.date | None = None,
    force: bool = False,
) -> DemoSummary:
    """Fill an empty, migrated database with demo data and return what was created.

    `progress(done, total)` is called after each batch of persons; when `cancelled()`
    returns True, DemoCancelled is raised and the whole transaction is rolled back.
    Raises ValueError when the database already holds persons, unless `force`
    (then the numbers and IINs already taken are skipped).
    """
    if persons < 0:
        raise ValueError("persons must not be negative")
    with database.transaction() as session:
        if not force and not database_is_empty(session):
            raise ValueError("demo data can only be added to a database without persons")
        connection = session.connection()
        is_sqlite = connection.dialect.name == "sqlite"
        if is_sqlite:  # a larger page cache while the indexes grow, restored afterwards
            cache_size = int(connection.exec_driver_sql("PRAGMA cache_size").scalar())
            connection.exec_driver_sql(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
        try:
            generator = _Generator(session, persons, _Random(seed), today or dt.date.today(),
                                   progress, cancelled)
            return generator.run()
        finally:
            if is_sqlite:
                connection.exec_driver_sql(f"PRAGMA cache_size={cache_size}")


# --- Weights (the tables of names, places and texts are in names.py) -------------------------

MALE_SHARE = {"PH": 0.5, "GB": 0.7, "DE": 0.75, "KR": 0.8, "UZ": 0.85}
POPULATION_WEIGHTS = {
    "ALA": 11, "AST": 7, "SHY": 6, "YUZ": 11, "ALM": 7, "ZHA": 6, "KAR": 6, "VOS": 4, "ABA": 3,
    "AKT": 5, "ATY": 3.5, "MAN": 4, "ZAP": 3.5, "KUS": 4, "PAV": 3.5, "SEV": 2.8, "AKM": 4,
    "KZY": 4, "ZHE": 3.5, "ULY": 1,
}
WORKER_REGION_WEIGHTS = {
    "ALA": 20, "AST": 15, "ATY": 12, "MAN": 8, "ALM": 8, "SHY": 5, "AKT": 6, "KAR": 6, "ZAP": 5,
    "PAV": 4, "VOS": 3, "YUZ": 3, "ZHA": 2, "KUS": 2, "KZY": 2, "ABA": 1, "AKM": 2, "SEV": 1,
    "ZHE": 1, "ULY": 1,
}
# Regions where kandas settle under the regional quota (the north and east of the country).
QUOTA_REGIONS = ("ABA", "AKM", "VOS", "KUS", "SEV", "PAV", "ULY", "KAR", "ZAP")
KANDAS_ORIGINS = {
    "UZ": 55, "CN": 15, "MN": 10, "TM": 8, "RU": 6, "KG": 2, "IR": 1.5, "TR": 1.5, "AF": 1,
}
KANDAS_SETTLEMENT = {
    "UZ": {"YUZ": 30, "MAN": 20, "ALM": 15, "SHY": 10, "ZHA": 10, "KZY": 5, "ALA": 5, "AST": 5},
    "CN": {"ALM": 30, "ZHE": 20, "ABA": 15, "VOS": 10, "ALA": 15, "AST": 10},
    "MN": {"VOS": 30, "ABA": 20, "PAV": 15, "KAR": 10, "AKM": 10, "AST": 15},
    "TM": {"MAN": 60, "ATY": 15, "YUZ": 10, "ALA": 5, "AST": 10},
    "RU": {"ZAP": 20, "AKT": 20, "KUS": 15, "SEV": 15, "PAV": 10, "ATY": 10, "AST": 10},
    "KG": {"ZHA": 40, "ALM": 30, "ALA": 20, "SHY": 10},
    "*": {"ALA": 30, "AST": 20, "MAN": 20, "ALM": 15, "YUZ": 15},
}
WORKER_CITIZENSHIPS = {
    "CN": 22, "TR": 12, "IN": 7, "UZ": 20, "RU": 12, "KG": 8, "BY": 3, "AM": 3, "GB": 2,
    "DE": 2, "KR": 4, "PH": 5,
}
OTHER_CITIZENSHIPS = {
    "KZ": 40, "UZ": 14, "RU": 12, "KG": 8, "CN": 7, "TR": 4, "IN": 4, "KR": 2, "DE": 3, "": 6,
}
CENTRE_REGIONS = (
    "SEV", "PAV", "VOS", "ABA", "AKM", "KUS", "ULY", "KAR", "ZAP", "MAN", "YUZ", "ALM", "ALA",
    "AST", "SHY",
)

S = RepatriateStatus
CASE_STATUS_WEIGHTS = {
    S.APPLIED: 10, S.GRANTED: 25, S.CITIZENSHIP_REQUESTED: 15, S.CITIZEN: 35, S.REFUSED: 5,
    S.WITHDRAWN: 3, S.EXPIRED: 7,
}
P, C = PermitStatus, PermitCategory
PERMIT_STATUS_WEIGHTS = {P.ISSUED: 50, P.EXTENDED: 15, P.EXPIRED: 25, P.REVOKED: 10}
PERMIT_CATEGORY_WEIGHTS = {
    C.CATEGORY_1: 5, C.CATEGORY_2: 8, C.CATEGORY_3: 25, C.CATEGORY_4: 40,
    C.SEASONAL_AGRICULTURAL: 15, C.INTRA_CORPORATE: 7,
}
SECTOR_WEIGHTS = (30, 14, 10, 10, 5, 10, 8, 5, 6, 2)  # in the order of SECTORS
AGRICULTURE = "сельское хозяйство"
# The demo's sectors (as the employers' old free text) in the classifier (ОКЭД, issue 24).
SECTOR_CODES = {"строительство": "F", "нефть и газ": "B", "горнодобывающая промышленность": "B",
                "сельское хозяйство": "A", "информационные технологии": "J", "торговля": "G",
                "транспорт и логистика": "H", "энергетика": "D",
                "обрабатывающая промышленность": "C", "гостиничный бизнес": "I"}
UNMAPPED_SHARE = 0.06  # employers registered before the classifier, their text not mapped
SECTOR_QUOTAS = ("F", "A", "B")  # sectors with labour quotas of their own in some regions
SECTOR_QUOTA_SHARE = 0.5  # of the regions and categories where they took slots
# Labour violations (issue 24): a few employers inspected and fined in the last 3 years.
VIOLATION_SHARE = 0.04  # of the employers with permits
INSPECTING_BODIES = ("Департамент полиции, управление миграционной службы",
                     "Государственная инспекция труда",
                     "Управление миграционной службы, мобильная группа")
FINES = (184_600, 369_200, 738_400, 1_107_600)  # 50, 100, 200 and 300 monthly indices

ADULT_SERVICES = {
    "kazakh_course": 18, "russian_course": 6, "legal": 20, "employment": 18, "vocational": 6,
    "social_support": 8, "documents": 16, "medical": 8,
}


class _Random(random.Random):
    """random.Random with `choice` and `randint` drawn from one `random()` each: a third of
    the cost of the exact versions, and the tiny bias does not matter for demo data."""

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))


class _Weighted:
    """A fast weighted choice driven by one `rng.random()`."""

    def __init__(self, weights: dict):
        self.items = list(weights)
        total = sum(weights.values())
        self.bounds = list(itertools.accumulate(w / total for w in weights.values()))
        self.bounds[-1] = 1.0

    def pick(self, rng: random.Random):
        return self.items[bisect.bisect_right(self.bounds, rng.random())]


def _add_year(day: dt.date) -> dt.date:
    """The same day a year later (29 February gives 28 February): a kandas certificate's
    expiry date for its issue date."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class _Generator:
    def __init__(self, session: Session, persons: int, rng: random.Random, today: dt.date,
                 progress: Callable[[int, int], None] | None,
                 cancelled: Callable[[], bool] | None):
        self.session = session
        self.total = persons
        self.rng = rng
        self.today = today
        self.t = today.toordinal()
        self.now = dt.datetime.now(dt.UTC)
        self.progress = progress
        self.cancelled = cancelled
        self.counts = Counter()
        self.rows: dict[type, list[dict]] = {}
        self.person_rows = self.rows[Person] = []
        self.iin_next: dict[tuple[dt.date, str], int] = {}
        self.case_seq = itertools.count(1)
        self.certificate_seq = itertools.count(1)
        self.permit_seq = itertools.count(1)
        # Values of unique columns already taken (a database that holds data already).
        every = {"include_deleted": True}
        self.taken = set(session.scalars(
            select(Person.iin).where(Person.iin.is_not(None)).execution_options(**every)))
        for column in (RepatriateCase.case_number, RepatriateCase.certificate_number,
                       WorkPermit.number):
            self.taken.update(session.scalars(
                select(column).where(column.is_not(None)).execution_options(**every)))
        self.document_seq = itertools.count(1)
        self.labour_usage: Counter = Counter()
        self.sector_usage: Counter = Counter()  # (region code, category, sector code)
        self.employer_sectors: dict[uuid.UUID, str | None] = {}  # employer id -> sector code
        self.employer_permits: dict[uuid.UUID, list] = {}  # -> [(person, permit, from, to)]
        self.kandas_usage: Counter = Counter()

        self.population = _Weighted(POPULATION_WEIGHTS)
        self.worker_regions = _Weighted(WORKER_REGION_WEIGHTS)
        self.origins = _Weighted(KANDAS_ORIGINS)
        self.settlement = {k: _Weighted(v) for k, v in KANDAS_SETTLEMENT.items()}
        self.worker_citizenships = _Weighted(WORKER_CITIZENSHIPS)
        self.other_citizenships = _Weighted(OTHER_CITIZENSHIPS)
        self.case_statuses = _Weighted(CASE_STATUS_WEIGHTS)
        self.permit_statuses = _Weighted(PERMIT_STATUS_WEIGHTS)
        self.permit_categories = _Weighted(PERMIT_CATEGORY_WEIGHTS)
        self.adult_services = _Weighted(ADULT_SERVICES)

        self.region_ids = {
            code: region_id
            for code, region_id in session.execute(select(Region.code, Region.id))
        }
        missing = set(PLACES) - set(self.region_ids)
        if missing:
            raise RuntimeError(f"the database lacks the regions {sorted(missing)}")
        self.places = {
            code: [(district, locality, district.startswith("г. ") or code in ("AST", "ALA", "SHY"))
                   for district, locality in places]
            for code, places in PLACES.items()
        }
        self.service_types = {
            code: (type_id, is_accommodation, is_course)
            for code, type_id, is_accommodation, is_course in session.execute(
                select(ServiceType.code, ServiceType.id, ServiceType.is_accommodation,
                       ServiceType.is_course)
            )
        }

    # --- helpers ---

    def _entity(self, **values: Any) -> dict:
        values["id"] = uuid.uuid4()
        values["created_at"] = values["updated_at"] = self.now
        values["version"] = 1
        return values

    def _moment(self, day: int) -> dt.datetime:
        """A time in office hours (UTC) on the day `day` (an ordinal), never after now."""
        moment = dt.datetime.fromordinal(day).replace(tzinfo=dt.UTC) + dt.timedelta(
            hours=3 + self.rng.random() * 9)
        return min(moment, self.now)

    def _registered(self, person: dict, day: int) -> None:
        """The person was registered by `day` (an ordinal) at the latest."""
        person["created_at"] = min(person["created_at"], self._moment(day))

    def _add(self, model: type, row: dict) -> dict:
        self.rows.setdefault(model, []).append(row)
        return row

    def _flush(self, models: Sequence[type]) -> None:
        for model in models:
            rows = self.rows.get(model, [])
            self.rows[model] = []
            if model is Person:
                self.person_rows = self.rows[model]
            self.counts[model] += len(rows)
            for start in range(0, len(rows), BATCH_SIZE):
                self.session.execute(insert(model.__table__), rows[start:start + BATCH_SIZE])
            if model is Person and rows:
                index_names(self.session, [
                    (row["id"], (row["surname"], row["given_name"], row["patronymic"],
                                 row["surname_latin"], row["given_name_latin"]))
                    for row in rows], new=True)

    def _check_cancel(self) -> None:
        if self.cancelled is not None and self.cancelled():
            raise DemoCancelled()

    def _date(self, ordinal: int) -> dt.date:
        return dt.date.fromordinal(ordinal)

    def _birth_date(self, age_from: int, age_to: int) -> dt.date:
        days = self.rng.randint(age_from * 365 + 1, (age_to + 1) * 365 - 1)
        return dt.date.fromordinal(self.t - days)

    def _age(self, birth: dt.date) -> int:
        return (self.t - birth.toordinal()) // 365

    def _iin(self, birth: dt.date, sex: Sex) -> str | None:
        """A unique IIN for the birth date and sex, or None when the serials run out."""
        key = (birth, sex)
        while True:
            serial = self.iin_next.get(key, 0)
            if serial > 9999:
                return None
            iin = make_iin(birth, sex, serial)
            used = int(iin[7:11])
            if used < serial:  # make_iin wrapped past 9999
                self.iin_next[key] = 10000
                return None
            self.iin_next[key] = used + 1
            if iin not in self.taken:
                return iin

    def _number(self, seq: Iterator[int], template: str) -> str:
        """The next number of `seq` in `template` not taken already."""
        while (number := template.format(next(seq))) in self.taken:
            pass
        return number

    def _mobile(self) -> str:
        digits = f"{int(self.rng.random() * 10_000_000):07d}"
        code = self.rng.choice(MOBILE_CODES)
        return f"+7 {code} {digits[:3]} {digits[3:5]} {digits[5:]}"

    def _landline(self, region_code: str) -> str:
        code = AREA_CODES[region_code]
        digits = f"{int(self.rng.random() * 10 ** (10 - len(code))):0{10 - len(code)}d}"
        return f"+7 {code} {digits}"

    def _street_address(self) -> str:
        return f"{self.rng.choice(STREETS)}, д. {self.rng.randint(1, 180)}"

    def _place(self, region_code: str) -> tuple[str, str, str, str]:
        """(region code, district, locality, street address) of a home in the region."""
        rng = self.rng
        # the region's first place is its main city, where most people live
        district, locality, urban = self.places[region_code][
            0 if rng.random() < 0.5 else int(rng.random() * len(PLACES[region_code]))]
        address = self._street_address()
        if urban and rng.random() < 0.75:
            address += f", кв. {rng.randint(1, 240)}"
        return region_code, district, locality, address

    def _office_for(self, region_code: str) -> uuid.UUID:
        offices = self.region_offices[region_code]
        return offices[int(self.rng.random() * len(offices))]

    def _person(self, surname: str, given: str, patronymic: str | None, surname_latin: str,
                given_latin: str, sex: Sex, birth: dt.date, citizenship: str | None,
                iin_share: float, place: tuple, phone: bool = True) -> dict:
        rng = self.rng
        region_code, district, locality, address = place
        row = {
            "id": uuid.uuid4(), "version": 1,
            "created_at": self._moment(self.t - rng.randint(0, 1500)), "updated_at": self.now,
            "surname": surname, "given_name": given, "patronymic": patronymic,
            "surname_latin": surname_latin, "given_name_latin": given_latin, "sex": sex,
            "birth_date": birth, "citizenship": citizenship,
            "iin": self._iin(birth, sex) if rng.random() < iin_share else None,
            "phone": self._mobile() if phone and rng.random() < 0.85 else None,
            "region_id": self.region_ids[region_code], "district": district,
            "locality": locality, "address": address,
            "office_id": self._office_for(region_code),
            "category": PersonCategory.OTHER, "status": None,
            "sort_name": sort_key(surname, given, patronymic),
        }
        self.person_rows.append(row)
        self._document(row)
        return row

    def _document(self, person: dict) -> None:
        """The identity document the person registered with."""
        rng, citizenship = self.rng, person["citizenship"]
        issued = self.t - rng.randint(30, 9 * 365)
        if citizenship == "KZ" and self._age(person["birth_date"]) < 16:
            doc_type, number, years = DocumentType.BIRTH_CERTIFICATE, None, None
            issued = max(issued, person["birth_date"].toordinal() + 10)
        elif citizenship == "KZ":
            doc_type, number, years = DocumentType.KZ_ID_CARD, None, 10
        elif citizenship is None:
            doc_type, number, years = DocumentType.STATELESS_CERTIFICATE, None, 5
        else:
            doc_type, years = DocumentType.FOREIGN_PASSPORT, 10
            letters = "ABCEFHKMNPRTX"
            number = rng.choice(letters) + rng.choice(letters) + f"{rng.randint(0, 9999999):07d}"
        if number is None:
            number = f"{next(self.document_seq):09d}"
        issue_date = self._date(issued)
        self._add(IdentityDocument, self._entity(
            person_id=person["id"], doc_type=doc_type, number=number,
            issuing_country=citizenship or None, issued_by=None, issue_date=issue_date,
            expiry_date=issue_date.replace(year=issue_date.year + years)
            if years and not (issue_date.month == 2 and issue_date.day == 29) else None,
        ))

    # --- names ---

    def _kazakh_patronymic(self, father: str, sex: Sex) -> str:
        male = sex is Sex.MALE
        if self.rng.random() < 0.6:
            return father + ("ұлы" if male else "қызы")
        return father.translate(RUSSIFY) + ("ович" if male else "овна")

    def _russian_name(self, sex: Sex, surnames: Sequence[str] = RU_SURNAMES) -> tuple:
        rng = self.rng
        surname = rng.choice(surnames)
        father = rng.choice(RU_MALE)
        if sex is Sex.MALE:
            given, patronymic = rng.choice(RU_MALE), RU_PATRONYMICS[father][0]
        else:
            given, patronymic = rng.choice(RU_FEMALE), RU_PATRONYMICS[father][1]
            surname = feminine(surname)
        return surname, given, patronymic, icao(surname), icao(given)

    def _kazakh_name(self, sex: Sex) -> tuple:
        rng = self.rng
        surname = rng.choice(KZ_SURNAMES)
        if sex is Sex.MALE:
            given = rng.choice(KZ_MALE)
        else:
            given, surname = rng.choice(KZ_FEMALE), surname + "а"
        patronymic = self._kazakh_patronymic(rng.choice(KZ_MALE), sex)
        return surname, given, patronymic, icao(surname), icao(given)

    def _kyrgyz_name(self, sex: Sex) -> tuple:
        rng = self.rng
        surname, father = rng.choice(KG_SURNAMES), rng.choice(KG_MALE)
        male = sex is Sex.MALE
        given = rng.choice(KG_MALE if male else KG_FEMALE)
        if not male:
            surname += "а"
        if rng.random() < 0.5:
            patronymic = father + (" уулу" if male else " кызы")
        else:
            patronymic = father + ("ович" if male else "овна")
        return surname, given, patronymic, icao(surname), icao(given)

    def _foreign_name(self, citizenship: str, sex: Sex) -> tuple:
        rng = self.rng
        surnames, males, females, feminine = FOREIGN_CULTURES[citizenship]
        surname_latin, surname = rng.choice(surnames)
        male = sex is Sex.MALE
        given_latin, given = rng.choice(males if male else females)
        if feminine and not male:
            surname_latin += feminine
            surname += "а"
        patronymic = None
        if citizenship == "UZ" and rng.random() < 0.4:
            patronymic = rng.choice(UZ_MALE)[1] + (" ўғли" if male else " қизи")
        elif citizenship == "AM":
            patronymic = rng.choice(AM_MALE)[1] + ("ович" if male else "овна")
        return surname, given, patronymic, surname_latin, given_latin

    def _name_for(self, citizenship: str, sex: Sex) -> tuple:
        if citizenship in FOREIGN_CULTURES:
            return self._foreign_name(citizenship, sex)
        if citizenship == "RU":
            return self._russian_name(sex)
        if citizenship == "BY":
            return self._russian_name(sex, BY_SURNAMES)
        if citizenship == "KG":
            return self._kyrgyz_name(sex)
        # citizens of Kazakhstan and stateless persons
        if self.rng.random() < 0.7:
            return self._kazakh_name(sex)
        return self._russian_name(sex)

    # --- setup: offices, users, centres, employers ---

    first_office: uuid.UUID | None = None

    def _office_profile(self, office: dict, region, kind: OfficeKind, district: str) -> None:
        """The office's profile (issue 21), so that the demo prints; its own random numbers,
        so that the rest of the demo data stays as it was."""
        rng = random.Random(office["code"])
        self.first_office = self.first_office or office["id"]
        regional = kind is OfficeKind.REGIONAL
        kk_region = region.names.get("kk", "")
        surname = rng.choice(KZ_SURNAMES)
        given = rng.choice(KZ_MALE)
        self._add(OfficeProfile, self._entity(
            office_id=office["id"],
            names={"kk": (f"{kk_region} көші-қон қызметі басқармасы" if regional else
                          f"{kk_region}, {district}: көші-қон қызметі бөлімі"),
                   "ru": office["name"]},
            addresses={"kk": office["address"], "ru": office["address"]},
            head_positions={"kk": "Басқарма басшысы" if regional else "Бөлім басшысы",
                            "ru": "Начальник управления" if regional else "Начальник отдела"},
            head_names={"kk": f"{given[0]}. {surname}", "ru": f"{given[0]}. {surname}"},
            bin=make_bin(dt.date(2010, 1 + rng.randrange(12), 1), rng.randrange(1, 9999)),
            phone=office["phone"], logo=None, logo_type=None,
            register_pattern=f"{region.sort_order + 1:02d}-{office['code'][-2:]}/{{n}}"))

    def _setup(self) -> None:
        rng = self.rng
        session = self.session
        codes = set(session.scalars(select(Office.code).execution_options(include_deleted=True)))
        usernames = set(session.scalars(
            select(User.username).execution_options(include_deleted=True)))
        self.region_offices: dict[str, list[uuid.UUID]] = {}
        self.office_users: dict[uuid.UUID, list[uuid.UUID]] = {}
        regions = {r.code: r for r in session.scalars(select(Region))}

        def username_for(surname_latin: str, given_latin: str) -> str:
            base = f"{given_latin[0]}.{surname_latin}".lower().replace(" ", "")
            name, number = base, 1
            while name in usernames:
                number += 1
                name = f"{base}{number}"
            usernames.add(name)
            return name

        demo_password = hash_password(DEMO_PASSWORD)  # one hash: hashing takes a while

        def add_user(role: UserRole, office_id: uuid.UUID | None, fixed: str | None = None):
            sex = Sex.MALE if rng.random() < 0.45 else Sex.FEMALE
            name = self._kazakh_name(sex) if rng.random() < 0.75 else self._russian_name(sex)
            surname, given, patronymic, surname_latin, given_latin = name
            username = fixed if fixed and fixed not in usernames else None
            if username:
                usernames.add(username)
            else:
                username = username_for(surname_latin, given_latin)
            row = self._add(User, self._entity(
                username=username, full_name=f"{surname} {given} {patronymic}",
                password_hash=demo_password, role=role, office_id=office_id, active=True,
                failed_logins=0, locked_until=None,
                language="kk" if rng.random() < 0.6 else "ru",
            ))
            if office_id is not None:
                self.office_users.setdefault(office_id, []).append(row["id"])

        add_user(UserRole.ADMINISTRATOR, None, fixed="admin")
        for code, places in PLACES.items():
            region = regions[code]
            offices = [("00", OfficeKind.REGIONAL, *places[0],
                        f"Управление миграционной службы — {region.names['ru']}")]
            for number, (district, locality) in enumerate(places[1:3], start=1):
                offices.append((f"{number:02d}", OfficeKind.DISTRICT, district, locality,
                                f"Отдел миграционной службы — {district}, {region.names['ru']}"))
            for suffix, kind, district, locality, name in offices:
                office_code = f"{code}-{suffix}"
                if office_code in codes:
                    continue
                codes.add(office_code)
                office = self._add(Office, self._entity(
                    code=office_code, name=name, kind=kind, region_id=region.id,
                    district=district, address=f"{locality}, {self._street_address()}",
                    phone=self._landline(code),
                ))
                self.region_offices.setdefault(code, []).append(office["id"])
                self._office_profile(office, region, kind, district)
                if kind is OfficeKind.REGIONAL:
                    add_user(UserRole.SUPERVISOR, office["id"])
                for _ in range(2):
                    add_user(UserRole.CLERK, office["id"])
        for code in PLACES:
            if code not in self.region_offices:  # all its codes were taken: use existing ones
                existing = list(session.scalars(select(Office.id).where(
                    Office.region_id == self.region_ids[code])))
                self.region_offices[code] = existing or [None]

        self.centres: dict[str, list[uuid.UUID]] = {}
        for code in CENTRE_REGIONS:
            city = PLACES[code][0][1]
            centre = self._add(AdaptationCentre, self._entity(
                name=f"Центр адаптации и интеграции кандасов, {city}",
                region_id=self.region_ids[code], address=f"{city}, {self._street_address()}",
                phone=self._landline(code), beds=rng.randint(4, 30) * 10,
            ))
            self.centres.setdefault(code, []).append(centre["id"])
        self.all_centres = [c for ids in self.centres.values() for c in ids]
        self.centre_staff = {
            c: [" ".join(self._kazakh_name(Sex.FEMALE if rng.random() < 0.7 else Sex.MALE)[:2])
                for _ in range(3)]
            for c in self.all_centres
        }

        n_workers = round(self.total * WORKER_SHARE)
        n_employers = max(3, min(n_workers // 15 + 1, 60_000))
        bins = set(session.scalars(select(Employer.bin).execution_options(include_deleted=True)))
        sectors = _Weighted(dict(zip(SECTORS, SECTOR_WEIGHTS, strict=True)))
        self.employers: list[tuple[uuid.UUID, str]] = []
        self.agri_employers: list[tuple[uuid.UUID, str]] = []
        serial = 1
        for index in range(n_employers):
            sector = sectors.pick(rng) if index else "строительство"
            stem = rng.choice(EMPLOYER_STEMS)
            suffix = rng.choice(SECTORS[sector])
            roll = rng.random()
            if sector == AGRICULTURE and roll < 0.4:
                name, attribute = f"КХ «{stem}»", 3
            elif roll < 0.08:
                name, attribute = f"Филиал ТОО «{stem} {suffix}»", 1
            elif roll < 0.18:
                name, attribute = f"АО «{stem} {suffix}»", 0
            else:
                name, attribute = f"ТОО «{stem} {suffix}»", 0
            registered = self._date(self.t - rng.randint(180, 25 * 365))
            while True:
                number = make_bin(registered, serial, 4, attribute)
                serial = int(number[6:11]) + 1
                if number not in bins:
                    break
            bins.add(number)
            region_code = self.worker_regions.pick(rng)
            _code, _district, locality, address = self._place(region_code)
            contact = self._kazakh_name(Sex.MALE if rng.random() < 0.6 else Sex.FEMALE)
            code = SECTOR_CODES[sector] if index == 0 or rng.random() >= UNMAPPED_SHARE else None
            employer = self._add(Employer, self._entity(
                bin=number, name=name, sector=sector, region_id=self.region_ids[region_code],
                address=f"{locality}, {address}", phone=self._landline(region_code),
                contact_person=" ".join(contact[:3]),
                sector_id=reference_id("economic_sector", code) if code else None,
            ))
            self.employer_sectors[employer["id"]] = code
            entry = (employer["id"], region_code)
            self.employers.append(entry)
            if sector == AGRICULTURE:
                self.agri_employers.append(entry)

        self._flush((Office, User, AdaptationCentre, Employer, OfficeProfile))
        if self.session.get(LocalSetting, HOME_OFFICE) is None and self.first_office:
            self.session.add(LocalSetting(key=HOME_OFFICE, value=str(self.first_office)))

    # --- kandas households ---

    def _case_timeline(self, status: RepatriateStatus) -> tuple[int, list, int | None]:
        """Application day, [(from, to, day)] history and certificate issue day, as ordinals,
        anchored backwards from today so that every date lies in the past."""
        rng, t = self.rng, self.t
        issue = None
        if status is S.APPLIED:
            application = t - rng.randint(0, 45)
            history = []
        elif status in (S.REFUSED, S.WITHDRAWN):
            decision = t - rng.randint(0, 5 * 365)
            application = decision - rng.randint(5, 60)
            history = [(S.APPLIED, status, decision)]
        elif status is S.GRANTED:
            self.counts["granted"] += 1
            if self.counts["granted"] % 5 == 1:  # certificate expiring within the next 30 days
                issue = t - 365 + rng.randint(1, 29)
            else:
                issue = t - rng.randint(0, 330)
            application = issue - rng.randint(5, 30)
            history = [(S.APPLIED, S.GRANTED, issue)]
        elif status is S.CITIZENSHIP_REQUESTED:
            request = t - rng.randint(0, 300)
            issue = request - rng.randint(30, 330)
            application = issue - rng.randint(5, 30)
            history = [(S.APPLIED, S.GRANTED, issue), (S.GRANTED, status, request)]
        elif status is S.CITIZEN:
            citizen = t - rng.randint(0, 4 * 365)
            request = citizen - rng.randint(60, 180)
            issue = request - rng.randint(30, 330)
            application = issue - rng.randint(5, 30)
            history = [(S.APPLIED, S.GRANTED, issue), (S.GRANTED, S.CITIZENSHIP_REQUESTED, request),
                       (S.CITIZENSHIP_REQUESTED, S.CITIZEN, citizen)]
        else:  # EXPIRED: the certificate ran out without a citizenship application
            issue = t - 366 - rng.randint(0, 3 * 365)
            expiry = _add_year(self._date(issue)).toordinal()
            application = issue - rng.randint(5, 30)
            history = [(S.APPLIED, S.GRANTED, issue), (S.GRANTED, S.EXPIRED, expiry)]
        return application, [(None, S.APPLIED, application), *history], issue

    def _household(self, budget: int) -> int:
        rng = self.rng
        origin = self.origins.pick(rng)
        index = self.counts["cases"]
        statuses = list(CASE_STATUS_WEIGHTS)
        status = statuses[index] if index < len(statuses) else self.case_statuses.pick(rng)
        self.counts["cases"] += 1
        application, history, issue = self._case_timeline(status)

        resettlement = None
        if status not in (S.REFUSED, S.WITHDRAWN) and rng.random() < 0.45:
            resettlement = rng.choice(QUOTA_REGIONS)
        region_code = resettlement or self.settlement.get(origin, self.settlement["*"]).pick(rng)
        place = self._place(region_code)
        citizenship = "KZ" if status is S.CITIZEN else origin
        iin_share = 0.8 if status is S.APPLIED else 0.97

        # Naming: Latin spelling as the documents of the country of origin give it, and
        # in China and Mongolia the father's name in place of a surname.
        if origin == "CN":
            latin = None
        elif origin == "UZ":
            latin = uzbek_latin
        else:
            latin = icao
        fathers_name_as_surname = origin in ("CN", "MN")

        def given_name(sex: Sex) -> tuple[str, str]:
            if latin is None:
                return rng.choice(CNKZ_MALE if sex is Sex.MALE else CNKZ_FEMALE)
            name = rng.choice(KZ_MALE if sex is Sex.MALE else KZ_FEMALE)
            return name, latin(name)

        def father_name() -> tuple[str, str]:
            if latin is None:
                return rng.choice(CNKZ_FATHERS)
            name = rng.choice(KZ_MALE)
            return name, latin(name)

        stem = rng.choice(KZ_SURNAMES)

        def member(sex: Sex, given: tuple[str, str], father: tuple[str, str], birth: dt.date,
                   surname_stem: str) -> dict:
            if fathers_name_as_surname:
                surname, surname_latin = father
                patronymic = None
            else:
                surname = surname_stem if sex is Sex.MALE else surname_stem + "а"
                surname_latin = latin(surname)
                patronymic = self._kazakh_patronymic(father[0], sex)
            return self._person(surname, given[0], patronymic, surname_latin, given[1], sex,
                                birth, citizenship, iin_share, place,
                                phone=self._age(birth) >= 16)

        head_sex = Sex.MALE if rng.random() < 0.85 else Sex.FEMALE
        head_birth = self._birth_date(24, 68)
        head_given = given_name(head_sex)
        head = member(head_sex, head_given, father_name(), head_birth, stem)
        members = [(head, HouseholdRelation.HEAD)]
        head_age = self._age(head_birth)

        if head_sex is Sex.MALE and len(members) < budget and rng.random() < 0.8:
            low, high = max(19, head_age - 10), max(19, head_age + 2)
            spouse_stem = stem if rng.random() < 0.6 else rng.choice(KZ_SURNAMES)
            spouse = member(Sex.FEMALE, given_name(Sex.FEMALE), father_name(),
                            self._birth_date(low, high), spouse_stem)
            members.append((spouse, HouseholdRelation.SPOUSE))
        children_father = (head_given if head_sex is Sex.MALE else father_name())
        for _ in range(rng.choices((0, 1, 2, 3, 4), (15, 20, 30, 20, 15))[0]):
            if len(members) >= budget or head_age < 20:
                break
            sex = Sex.MALE if rng.random() < 0.51 else Sex.FEMALE
            birth = self._birth_date(0, min(head_age - 19, 28))
            child = member(sex, given_name(sex), children_father, birth, stem)
            members.append((child, HouseholdRelation.CHILD))
        if len(members) < budget and head_age < 55 and rng.random() < 0.12:
            birth = self._birth_date(head_age + 20, min(head_age + 34, 90))
            parent = member(Sex.FEMALE, given_name(Sex.FEMALE), father_name(), birth,
                            rng.choice(KZ_SURNAMES))
            members.append((parent, HouseholdRelation.PARENT))

        for person, _relation in members:
            person["category"], person["status"] = PersonCategory.KANDAS, status.value
        household = self._add(Household, self._entity(
            head_id=head["id"], region_id=self.region_ids[region_code],
            address=f"{place[2]}, {place[3]}",
        ))
        for person, relation in members:
            self._add(HouseholdMember, self._entity(
                household_id=household["id"], person_id=person["id"], relation=relation))

        office_id = self._office_for(region_code)
        arrival = None
        if rng.random() < 0.9:
            arrival = application - rng.randint(0, 365)
        if issue is not None:
            issue_date = self._date(issue)
            certificate = dict(
                certificate_number=self._number(self.certificate_seq, "KND-{:07d}"),
                certificate_issue_date=issue_date, certificate_expiry_date=_add_year(issue_date))
        else:
            certificate = dict(certificate_number=None, certificate_issue_date=None,
                               certificate_expiry_date=None)
        application_date = self._date(application)
        for person, _relation in members:
            self._registered(person, application)
        quota_year = application_date.year if resettlement else None
        if resettlement:
            self.kandas_usage[(quota_year, resettlement)] += 1
        case = self._add(RepatriateCase, self._entity(
            case_number=self._number(self.case_seq, f"KC-{application_date.year}-{{:06d}}"),
            person_id=head["id"], household_id=household["id"], country_of_origin=origin,
            application_date=application_date,
            arrival_date=self._date(arrival) if arrival is not None else None,
            status=status, resettlement_region_id=self.region_ids.get(resettlement),
            quota_year=quota_year, office_id=office_id, **certificate,
        ))
        users = self.office_users.get(office_id) or [None]
        for from_status, to_status, day in history:
            comment = None
            if to_status is S.REFUSED:
                comment = rng.choice(REFUSAL_REASONS)
            elif to_status is S.WITHDRAWN:
                comment = "по заявлению заявителя"
            elif to_status is S.EXPIRED:
                comment = "истёк срок действия удостоверения кандаса"
            self._add(CaseStatusChange, self._entity(
                case_id=case["id"], from_status=from_status, to_status=to_status,
                changed_on=self._date(day), user_id=users[int(rng.random() * len(users))],
                comment=comment,
            ))
        if arrival is not None:
            centres = self.centres.get(region_code) or self.all_centres
            accommodated = rng.random() < 0.35  # the family lived in the adaptation centre
            for person, _relation in members:
                self._services(person, centres, arrival, accommodated)
        return len(members)

    def _services(self, person: dict, centres: list, arrival: int, accommodated: bool) -> None:
        rng, t = self.rng, self.t
        born = person["birth_date"].toordinal()
        age = (t - born) // 365
        codes = []
        if accommodated:
            codes.append("accommodation")
        if age >= 18:
            for _ in range(rng.randint(1, 3)):
                code = self.adult_services.pick(rng)
                if code not in codes:
                    codes.append(code)
        elif age >= 6:
            if rng.random() < 0.8:
                codes.append("school")
            if rng.random() < 0.25:
                codes.append("kazakh_course")
        elif rng.random() < 0.5:
            codes.append("medical")
        centre = centres[int(rng.random() * len(centres))]
        staff = self.centre_staff[centre]
        for code in codes:
            if code not in self.service_types:
                continue
            type_id, is_accommodation, is_course = self.service_types[code]
            earliest = born + (6 * 365 if code == "school" else 0)
            start = max(min(arrival + rng.randint(0, 200), t), earliest)
            end = hours = completed = outcome = None
            if is_accommodation:
                start = max(min(arrival + rng.randint(0, 10), t), earliest)
                end = start + rng.randint(30, 180)
                if end > t:
                    end = None  # still living in the centre
            elif is_course:
                planned = rng.choice((72, 96, 120, 144))
                length = rng.randint(60, 120)
                if start + length <= t:
                    end = start + length
                    hours = rng.randint(planned // 2, planned)
                    completed = hours >= planned * 3 // 4
                    outcome = "сертификат выдан" if completed else None
                else:
                    hours = planned * (t - start) // length
            else:
                end = min(start + rng.randint(0, 30), t)
                outcome = rng.choice(SERVICE_OUTCOMES.get(code, ("оказана",)))
            self._add(ServiceRecord, self._entity(
                person_id=person["id"], centre_id=centre, service_type_id=type_id,
                start_date=self._date(start), end_date=self._date(end) if end else None,
                staff_user_id=None, staff_name=staff[int(rng.random() * len(staff))],
                outcome=outcome, notes=None, hours_attended=hours, completed=completed,
            ))

    # --- foreign workers and other registrations ---

    def _worker(self) -> None:
        rng = self.rng
        citizenship = self.worker_citizenships.pick(rng)
        sex = Sex.MALE if rng.random() < MALE_SHARE.get(citizenship, 0.88) else Sex.FEMALE
        needs_permit = citizenship not in EAEU
        category = None
        if needs_permit:
            index = self.counts["permit_categories"]
            categories = list(PERMIT_CATEGORY_WEIGHTS)
            if index < len(categories):
                category = categories[index]
            elif citizenship == "UZ" and rng.random() < 0.4:
                category = C.SEASONAL_AGRICULTURAL
            else:
                category = self.permit_categories.pick(rng)
            self.counts["permit_categories"] += 1
        pool = self.employers
        if category is C.SEASONAL_AGRICULTURAL and self.agri_employers:
            pool = self.agri_employers
        employer_id, region_code = pool[int(rng.random() * len(pool))]
        place = self._place(region_code)
        birth = self._birth_date(21, 60)
        person = self._person(*self._name_for(citizenship, sex), sex, birth, citizenship, 0.55,
                              place)
        person["category"] = PersonCategory.FOREIGN_WORKER
        if needs_permit:
            start = self._permit(person, employer_id, region_code, category)
            if rng.random() < 0.12:  # an earlier permit, run out before the current one began
                self._permit(person, employer_id, region_code, category, P.EXPIRED, start)

    def _permit(self, person: dict, employer_id: uuid.UUID, region_code: str,
                category: PermitCategory, status: PermitStatus | None = None,
                ended_before: int | None = None) -> int:
        """Add a permit with its status history; return its first day (an ordinal)."""
        rng, t = self.rng, self.t
        if status is None:
            index = self.counts["permit_statuses"]
            statuses = list(PERMIT_STATUS_WEIGHTS)
            status = statuses[index] if index < len(statuses) else self.permit_statuses.pick(rng)
            self.counts["permit_statuses"] += 1
        if category is C.SEASONAL_AGRICULTURAL:
            duration = rng.randint(90, 270)
        elif category is C.CATEGORY_4:
            duration = 365
        elif category is C.INTRA_CORPORATE:
            duration = 3 * 365
        else:
            duration = rng.choice((365, 730, 1095))
        extension = 365
        history = []
        if status is P.ISSUED:
            start = t - rng.randint(0, duration - 1)
            end = start + duration - 1
        elif status is P.EXTENDED:
            start = t - rng.randint(duration, duration + extension - 1)
            end = start + duration + extension - 1
            history.append((P.ISSUED, P.EXTENDED, start + duration - rng.randint(5, 30)))
        elif status is P.EXPIRED:
            extended = rng.random() < 0.25
            total = duration + (extension if extended else 0)
            start = min(t, ended_before or t) - total - rng.randint(1, 900)
            end = start + total - 1
            if extended:
                history.append((P.ISSUED, P.EXTENDED, start + duration - rng.randint(5, 30)))
            history.append((history[-1][1] if history else P.ISSUED, P.EXPIRED, end + 1))
        else:  # REVOKED
            start = t - rng.randint(30, 900)
            end = start + duration - 1
            revoked = start + rng.randint(15, max(15, min(duration - 1, t - start)))
            history.append((P.ISSUED, P.REVOKED, min(revoked, t)))
        if person["status"] is None:  # the person's current permit comes first
            person["status"] = status.value
        valid_from = self._date(start)
        self._registered(person, start - rng.randint(0, 20))
        quota_year = valid_from.year
        revoked_in_year = status is P.REVOKED and self._date(history[-1][2]).year == quota_year
        if quota_year == self.today.year and not revoked_in_year:
            self.labour_usage[(region_code, category)] += 1
            self.sector_usage[(region_code, category, self.employer_sectors[employer_id])] += 1
        office_id = self._office_for(region_code)
        permit = self._add(WorkPermit, self._entity(
            number=self._number(self.permit_seq, f"WP-{quota_year}-{{:07d}}"),
            employer_id=employer_id,
            person_id=person["id"], category=category,
            profession=rng.choice(PROFESSIONS[category]),
            region_id=self.region_ids[region_code], valid_from=valid_from,
            valid_to=self._date(end), status=status, quota_year=quota_year,
            holds_quota_slot=not revoked_in_year, quota_override_reason=None, office_id=office_id,
            sector_id=(reference_id("economic_sector", self.employer_sectors[employer_id])
                       if self.employer_sectors[employer_id] else None),
        ))
        self.employer_permits.setdefault(employer_id, []).append(
            (person["id"], permit["id"], start, end))
        users = self.office_users.get(office_id) or [None]
        for from_status, to_status, day in [(None, P.ISSUED, start), *history]:
            comment = rng.choice(REVOCATION_REASONS) if to_status is P.REVOKED else None
            self._add(PermitStatusChange, self._entity(
                permit_id=permit["id"], from_status=from_status, to_status=to_status,
                changed_on=self._date(day), user_id=users[int(rng.random() * len(users))],
                comment=comment,
            ))
        return start

    def _other(self) -> None:
        rng = self.rng
        citizenship = self.other_citizenships.pick(rng) or None
        sex = Sex.MALE if rng.random() < 0.5 else Sex.FEMALE
        birth = self._birth_date(0, 80) if citizenship == "KZ" else self._birth_date(17, 70)
        place = self._place(self.population.pick(rng))
        self._person(*self._name_for(citizenship or "KZ", sex), sex, birth, citizenship,
                     1.0 if citizenship == "KZ" else 0.85, place, phone=self._age(birth) >= 16)

    # --- labour violations (issue 24) ---

    def _violations(self) -> None:
        rng, t = self.rng, self.t
        for employer_id in sorted(self.employer_permits):
            if rng.random() >= VIOLATION_SHARE:
                continue
            held = self.employer_permits[employer_id]
            found = t - rng.randint(5, 3 * 365)
            fine = rng.choice(FINES)
            paid = found + rng.randint(10, 60) if rng.random() < 0.75 else None
            violation = self._add(LabourViolation, self._entity(
                employer_id=employer_id, found_on=self._date(found),
                inspecting_body=rng.choice(INSPECTING_BODIES),
                act_number=f"{self._date(found).year}-{rng.randint(100, 9999)}",
                fine_amount=fine, fine_paid_on=self._date(paid) if paid and paid <= t else None,
                notes=None, office_id=None))
            for person_id, permit_id, start, end in rng.sample(held, min(len(held),
                                                                         rng.randint(1, 3))):
                valid = start <= found <= end
                kind = (rng.choice((ViolationKind.OUTSIDE_REGION, ViolationKind.OUTSIDE_POSITION))
                        if valid else ViolationKind.NO_PERMIT)
                expelled = kind is ViolationKind.NO_PERMIT and rng.random() < 0.6
                self._add(ViolationWorker, self._entity(
                    violation_id=violation["id"], person_id=person_id,
                    permit_id=permit_id if valid else None, kind=kind,
                    decision=WorkerDecision.EXPULSION if expelled else WorkerDecision.WARNING))
        self._flush((LabourViolation, ViolationWorker))

    # --- quotas ---

    def _quotas(self) -> None:
        rng = self.rng
        year = self.today.year
        existing_labour = set(self.session.execute(
            select(LabourQuota.region_id, LabourQuota.category).where(LabourQuota.year == year)))
        for code, region_id in self.region_ids.items():
            if code not in PLACES:
                continue
            for category in PermitCategory:
                if (region_id, category) in existing_labour:
                    continue
                used = self.labour_usage[(code, category)]
                # Some sectors short of workers have a quota of their own (issue 24): their
                # permits' slots count under it, no longer under the quota for all sectors.
                for sector in SECTOR_QUOTAS:
                    sector_used = self.sector_usage[(code, category, sector)]
                    if not sector_used or rng.random() >= SECTOR_QUOTA_SHARE:
                        continue
                    used -= sector_used
                    self._add(LabourQuota, self._entity(
                        year=year, region_id=region_id, category=category,
                        sector_id=reference_id("economic_sector", sector),
                        amount=max(5, math.ceil(sector_used * rng.uniform(1.0, 1.5) / 5) * 5)))
                # Some quotas near their end, for the dashboard's warning colours.
                amount = max(10, math.ceil(used * rng.uniform(1.0, 1.6) / 5) * 5)
                self._add(LabourQuota, self._entity(
                    year=year, region_id=region_id, category=category, amount=amount,
                    sector_id=None))
        existing_kandas = set(self.session.execute(select(KandasQuota.year,
                                                          KandasQuota.region_id)))
        years = {y for y, _code in self.kandas_usage} | set(range(year - 4, year + 1))
        for quota_year in sorted(years):
            for code in QUOTA_REGIONS:
                region_id = self.region_ids[code]
                if (quota_year, region_id) in existing_kandas:
                    continue
                used = self.kandas_usage[(quota_year, code)]
                amount = max(50, math.ceil(used * rng.uniform(1.1, 1.6) / 10) * 10)
                self._add(KandasQuota, self._entity(
                    year=quota_year, region_id=region_id, amount=amount))
        self._flush((LabourQuota, KandasQuota))

    # Kandas support (issue 24): the share of eligible families who apply for each measure, and
    # what became of the applications (most are paid; a few wait or were refused).
    SUPPORT_SHARES = {"relocation": 0.75, "settling_in": 0.55, "housing": 0.3}
    SUPPORT_OUTCOMES = {"paid": 62, "approved": 14, "applied": 14, "refused": 10}
    SUPPORT_REFUSALS = ("жильё в собственности", "пропущен срок подачи документов",
                        "не представлены документы о переезде")

    def _support(self) -> None:
        """Support applications of the families with kandas status resettled to a region of
        the kandas quota, from the norms and index the database holds (none without them)."""
        from kzmigdesk.domain.enums import SupportStatus
        from kzmigdesk.domain.models import SupportApplication, SupportMeasure
        from kzmigdesk.services import support

        rng, today = self.rng, self._date(self.t)
        measures = {m.code: m for m in self.session.scalars(select(SupportMeasure))}
        outcomes = _Weighted(self.SUPPORT_OUTCOMES)
        sizes = dict(self.session.execute(
            select(HouseholdMember.household_id, func.count())
            .group_by(HouseholdMember.household_id)).all())
        cases = self.session.execute(select(
            RepatriateCase.id, RepatriateCase.household_id, RepatriateCase.arrival_date,
            RepatriateCase.office_id).where(
            RepatriateCase.status.in_(support.HOLDS_KANDAS_STATUS),
            RepatriateCase.arrival_date.is_not(None),
            RepatriateCase.resettlement_region_id.in_(
                [self.region_ids[c] for c in QUOTA_REGIONS]))
            .order_by(RepatriateCase.case_number)).all()
        for case_id, household_id, arrival, office_id in cases:
            for code, share in self.SUPPORT_SHARES.items():
                measure = measures.get(code)
                if measure is None or rng.random() >= share:
                    continue
                applied = arrival + dt.timedelta(days=rng.randint(3, 150))
                if applied > today:
                    continue
                try:
                    amount = support.compute(self.session, measure.id, applied,
                                             sizes.get(household_id, 1))
                except ServiceError:  # no norm or index for that day: none in the demo
                    continue
                outcome = SupportStatus(outcomes.pick(rng))
                decided = applied + dt.timedelta(days=rng.randint(5, 30))
                paid = decided + dt.timedelta(days=rng.randint(5, 25))
                if decided > today or (outcome is SupportStatus.PAID and paid > today):
                    outcome = SupportStatus.APPLIED
                self._add(SupportApplication, self._entity(
                    case_id=case_id, measure_id=measure.id, applied_on=applied, status=outcome,
                    members=amount.members, norm_id=amount.norm_id,
                    head_indices=amount.head_indices, member_indices=amount.member_indices,
                    index_value=amount.index_value, amount=amount.amount,
                    decided_on=None if outcome is SupportStatus.APPLIED else decided,
                    paid_on=paid if outcome is SupportStatus.PAID else None,
                    payment_reference=(f"ПП-{rng.randint(1000, 99999)}"
                                       if outcome is SupportStatus.PAID else None),
                    refusal_reason=(rng.choice(self.SUPPORT_REFUSALS)
                                    if outcome is SupportStatus.REFUSED else None),
                    office_id=office_id))
        self._flush((SupportApplication,))

    # --- the run ---

    def run(self) -> DemoSummary:
        rng = self.rng
        self._check_cancel()
        self._setup()
        if self.progress is not None:
            self.progress(0, self.total)
        remaining = {
            "kandas": round(self.total * KANDAS_SHARE),
            "worker": round(self.total * WORKER_SHARE),
        }
        remaining["other"] = self.total - remaining["kandas"] - remaining["worker"]
        done = 0
        while done < self.total:
            self._check_cancel()
            batch_end = min(done + BATCH_SIZE, self.total)
            while done < batch_end:
                weight_kandas = remaining["kandas"] / 3.5
                roll = rng.random() * (weight_kandas + remaining["worker"] + remaining["other"])
                if roll < weight_kandas:
                    made = self._household(remaining["kandas"])
                    remaining["kandas"] -= made
                elif roll < weight_kandas + remaining["worker"]:
                    self._worker()
                    made = 1
                    remaining["worker"] -= 1
                else:
                    self._other()
                    made = 1
                    remaining["other"] -= 1
                done += made
            self._flush((Person, IdentityDocument, Household, HouseholdMember, RepatriateCase,
                         CaseStatusChange, WorkPermit, PermitStatusChange, ServiceRecord))
            if self.progress is not None:
                self.progress(done, self.total)
        self._check_cancel()
        self._violations()
        self._quotas()
        self._support()
        counts = self.counts
        return DemoSummary(
            persons=counts[Person], repatriate_cases=counts[RepatriateCase],
            households=counts[Household], employers=counts[Employer], permits=counts[WorkPermit],
            service_records=counts[ServiceRecord], centres=counts[AdaptationCentre],
            offices=counts[Office], users=counts[User],
        )
