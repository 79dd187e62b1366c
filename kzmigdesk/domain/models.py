"""The data model: SQLAlchemy 2.0 typed ORM entities.

Every entity has a UUID key (records travel between offices), created/updated timestamps,
a version column used for optimistic locking, and a soft-delete timestamp.
"""

import datetime as dt
import secrets
import time
import uuid
from enum import StrEnum

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    literal_column,
    text,
    true,
)
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column, relationship

from kzmigdesk import languages
from kzmigdesk.domain.enums import (
    ChangeKind,
    DocumentType,
    HouseholdRelation,
    LegalBasis,
    OfficeKind,
    PermitCategory,
    PermitStatus,
    PersonCategory,
    RegionKind,
    RepatriateStatus,
    RequestStatus,
    Sex,
    SupportStatus,
    UserRole,
    ViolationKind,
    WorkerDecision,
)
from kzmigdesk.i18n import current_language

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


LIVE_ROWS = {
    "sqlite_where": text("deleted_at IS NULL"),
    "postgresql_where": text("deleted_at IS NULL"),
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def ordered_uuid() -> uuid.UUID:
    """A random UUID that begins with the time in milliseconds (the layout of UUID version 7):
    records made in bulk (an import) go to the end of the indexes on their ids instead of
    all over them, which makes each batch's writes several times smaller."""
    bits = int(time.time() * 1000) << 80 | secrets.randbits(80)
    bits = bits & ~(0xF << 76) | 0x7 << 76  # version 7
    return uuid.UUID(int=bits & ~(0x3 << 62) | 0x2 << 62)  # RFC 4122 variant


def enum_type(enum_cls: type[StrEnum]) -> SAEnum:
    """Store an enumeration as its string value in a VARCHAR(32), on every back end."""
    return SAEnum(
        enum_cls,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        uuid.UUID: Uuid,
        dt.datetime: DateTime(timezone=True),
        dt.date: Date,
        str: String(255),
    }


class Entity(Base):
    __abstract__ = True

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.__table__.c.version}

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class LocalizedNameMixin:
    # Language code → name (kzmigdesk.languages): a new language needs no new column. A
    # changed name is stored by assigning a new dict (a change inside the dict goes unseen).
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)

    @property
    def name(self) -> str:
        """The name in the current language, else in its fallback language."""
        return languages.pick(self.names, current_language())


class Region(LocalizedNameMixin, Entity):
    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(8), unique=True)
    kind: Mapped[RegionKind] = mapped_column(enum_type(RegionKind))
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class Office(Entity):
    __tablename__ = "offices"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[OfficeKind] = mapped_column(enum_type(OfficeKind))
    region_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("regions.id"))
    district: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None]
    phone: Mapped[str | None] = mapped_column(String(32))

    region: Mapped[Region] = relationship()


class User(Entity):
    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str]
    password_hash: Mapped[str | None]
    role: Mapped[UserRole] = mapped_column(enum_type(UserRole))
    office_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("offices.id"))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None]
    language: Mapped[str | None] = mapped_column(String(2))

    office: Mapped[Office | None] = relationship()


class Person(Entity):
    __tablename__ = "persons"
    __table_args__ = (
        # Each sort of the persons list reads one of these in order (the id breaks ties); they
        # hold only the rows not deleted, so a page or a count never skips deleted ones.
        Index("ix_persons_sort_name_id", "sort_name", "id", **LIVE_ROWS),
        Index("ix_persons_birth_date_sort_name_id", "birth_date", "sort_name", "id", **LIVE_ROWS),
        Index("ix_persons_created_at_id", "created_at", "id", **LIVE_ROWS),
        Index("ix_persons_category_status", "category", "status"),
        # The IIN order, and each filter of the list in each of its orders, among live
        # persons (issue 26): a filter's first page and its count read one range.
        Index("ix_persons_iin_id_live", "iin", "id", **LIVE_ROWS),
        *(Index(f"ix_persons_{column}_{'_'.join(order)}", column, *order, **LIVE_ROWS)
          for column in ("status", "category", "region_id")
          for order in (("sort_name", "id"), ("birth_date", "sort_name", "id"), ("iin", "id"),
                        ("created_at", "id"))),
        # One live person per IIN (the services check first and say who; this is the last
        # line). Deleted persons keep theirs and do not count.
        Index("uq_persons_iin_live", "iin", unique=True,
              sqlite_where=text("deleted_at IS NULL AND iin IS NOT NULL"),
              postgresql_where=text("deleted_at IS NULL AND iin IS NOT NULL")),
        # Every IIN, deleted persons' too: an IIN prefix search, and the checks that a
        # deleted person's IIN still blocks (legacy import, exchange), read it by range.
        Index("ix_persons_iin", "iin"),
        # A person's name by id without the person's row (a report's holders: db/indexed.py)
        Index("ix_persons_names_by_id", "id", "surname", "given_name", **LIVE_ROWS),
    )

    surname: Mapped[str] = mapped_column(String(100))
    given_name: Mapped[str] = mapped_column(String(100))
    patronymic: Mapped[str | None] = mapped_column(String(100))
    surname_latin: Mapped[str | None] = mapped_column(String(100))
    given_name_latin: Mapped[str | None] = mapped_column(String(100))
    sex: Mapped[Sex] = mapped_column(enum_type(Sex))
    birth_date: Mapped[dt.date]
    citizenship: Mapped[str | None] = mapped_column(String(2), comment="ISO 3166 alpha-2")
    iin: Mapped[str | None] = mapped_column(String(12))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    region_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("regions.id"), index=True)
    district: Mapped[str | None] = mapped_column(String(100))
    locality: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None]
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    notes: Mapped[str | None] = mapped_column(Text)
    office_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("offices.id"))
    # Kept by the services from the person's case or permits, for the list's filters.
    category: Mapped[PersonCategory] = mapped_column(
        enum_type(PersonCategory), default=PersonCategory.OTHER
    )
    status: Mapped[str | None] = mapped_column(String(32), comment="case or permit status")
    sort_name: Mapped[str] = mapped_column(String(100), default="", comment="see search.sort_key")

    region: Mapped[Region | None] = relationship()
    documents: Mapped[list["IdentityDocument"]] = relationship(back_populates="person")

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)


class PersonNumber(Base):
    """A local integer number for each person in the search index: the name tokens refer to
    it, so that a search intersecting common names compares integers, not UUID strings.
    Derived data (see services/name_index.py), never exchanged between offices."""

    __tablename__ = "person_numbers"

    no: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), unique=True)


class PersonNameToken(Base):
    """Search index of names in any script (see domain/search.py). Derived data: rebuilt from
    the persons, never exchanged between offices, so it has no version or soft delete."""

    __tablename__ = "person_name_tokens"
    __table_args__ = (
        # A person's tokens, and whether one of them begins with a short word of a search.
        Index("ix_person_name_tokens_person_no_token", "person_no", "token"),
        {"sqlite_with_rowid": False},
    )

    token: Mapped[str] = mapped_column(String(40), primary_key=True)
    person_no: Mapped[int] = mapped_column(
        ForeignKey("person_numbers.no", ondelete="CASCADE"), primary_key=True)
    # The person's Person.sort_name: the persons a word begins, in the list's order, without
    # reading their rows (person_search.first_page).
    sort_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    # The lists the person may have rows in (LISTED_IN bits): a search in one of them reads
    # only these persons. Set by triggers when a row names the person (migration 0034) and by
    # name_index when the tokens are written; never cleared, so it may only be too wide.
    lists: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # The person's id (PersonNumber.person_id): a list's walk by persons hashes them from the
    # list's index alone (list_pages.person_condition) instead of looking each number up.
    person_id: Mapped[uuid.UUID | None]


class PersonNamePair(Base):
    """Every two tokens of one person's names (first_token < second_token), with the
    person's sort name and id: the persons two words of a search name are read in the list's
    order from one range a token of a word, not by intersecting each word's tokens
    (person_search._by_name_pair). Derived data, written with the tokens (name_index)."""

    __tablename__ = "person_name_pairs"
    __table_args__ = ({"sqlite_with_rowid": False},)

    first_token: Mapped[str] = mapped_column(String(40), primary_key=True)
    second_token: Mapped[str] = mapped_column(String(40), primary_key=True)
    sort_name: Mapped[str] = mapped_column(String(100), primary_key=True)
    person_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)


# The bit of PersonNameToken.lists for each list of rows that name a person.
LISTED_IN = {"repatriate_cases": 1, "work_permits": 2, "service_records": 4}
# PostgreSQL reads the persons whose name a word of one or two letters begins in the list's
# order from an index of the tokens' first letters (person_search._by_name_tokens).
for _letters in (1, 2):
    Index(f"ix_person_name_tokens_first{_letters}_pg",
          func.left(PersonNameToken.token, literal_column(str(_letters))),
          PersonNameToken.sort_name, PersonNameToken.person_no,
          info={"dialect": "postgresql"}).ddl_if(dialect="postgresql")
# PostgreSQL reads the tokens of one list's persons from an index of them alone (SQLite's
# table is an index by token already: WITHOUT ROWID). A query uses it when its condition is
# the index's, the bit a literal (person_search.matching_numbers); a walk by persons hashes
# their ids from it (list_pages.person_condition).
for _table, _flag in LISTED_IN.items():
    Index(f"ix_person_name_tokens_{_table}_pg", PersonNameToken.token, PersonNameToken.person_no,
          PersonNameToken.person_id, postgresql_where=text(f"(lists & {_flag}) <> 0"),
          info={"dialect": "postgresql"}).ddl_if(dialect="postgresql")


class DuplicateDecision(Entity):
    """A clerk saved a person although the app had found a possible duplicate."""

    __tablename__ = "duplicate_decisions"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    candidate_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    reason: Mapped[str] = mapped_column(String(100))
    score: Mapped[float]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class IdentityDocument(Entity):
    __tablename__ = "identity_documents"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    doc_type: Mapped[DocumentType] = mapped_column(enum_type(DocumentType))
    number: Mapped[str] = mapped_column(String(32), index=True)
    issuing_country: Mapped[str | None] = mapped_column(String(2))
    issued_by: Mapped[str | None] = mapped_column(String(200))
    issue_date: Mapped[dt.date | None]
    expiry_date: Mapped[dt.date | None] = mapped_column(index=True)

    person: Mapped[Person] = relationship(back_populates="documents")


class Household(Entity):
    __tablename__ = "households"

    head_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"))
    region_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("regions.id"))
    address: Mapped[str | None]

    head: Mapped[Person | None] = relationship()
    members: Mapped[list["HouseholdMember"]] = relationship(back_populates="household")


class HouseholdMember(Entity):
    __tablename__ = "household_members"
    __table_args__ = (UniqueConstraint("household_id", "person_id"),)

    household_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("households.id"))
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    relation: Mapped[HouseholdRelation] = mapped_column(enum_type(HouseholdRelation))

    household: Mapped[Household] = relationship(back_populates="members")
    person: Mapped[Person] = relationship()


class RepatriateCase(Entity):
    __tablename__ = "repatriate_cases"
    __table_args__ = (
        # The cases list, read backwards: the latest first (see repatriation.fetch_cases);
        # with the applicant, so a name search walks it without reading rows (list_pages).
        Index("ix_repatriate_cases_list", "application_date", "case_number", "id",
              "person_id", **LIVE_ROWS),
        # A person's cases; a name search that finds its persons first sorts their cases from
        # this index alone, in the list's order.
        Index("ix_repatriate_cases_by_person", "person_id", "application_date", "case_number",
              "id", "deleted_at"),
        Index("ix_repatriate_cases_quota", "quota_year", "resettlement_region_id", "status",
              "certificate_issue_date", "deleted_at"),
        # Certificates by their expiry, with what the monthly summary and the worklist read
        # of them (migration 0042): no case's row read for next month's or this week's.
        Index("ix_repatriate_cases_expiring", "certificate_expiry_date", "status",
              "certificate_number", "person_id", "office_id", "deleted_at"),
        # "Mine": an owner's cases in the list's order (issue 19).
        Index("ix_repatriate_cases_owner", "owner_id", "application_date", "case_number", "id",
              **LIVE_ROWS),
        # A case's office by id without its row: status changes counted by office.
        Index("ix_repatriate_cases_office_by_id", "id", "office_id", **LIVE_ROWS),
    )

    case_number: Mapped[str] = mapped_column(String(32), unique=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))  # ix_*_by_person
    household_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("households.id"))
    country_of_origin: Mapped[str] = mapped_column(String(2), comment="ISO 3166 alpha-2")
    application_date: Mapped[dt.date]
    arrival_date: Mapped[dt.date | None]
    status: Mapped[RepatriateStatus] = mapped_column(enum_type(RepatriateStatus), index=True)
    certificate_number: Mapped[str | None] = mapped_column(String(32), unique=True)
    certificate_issue_date: Mapped[dt.date | None]
    certificate_expiry_date: Mapped[dt.date | None]  # ix_repatriate_cases_expiring
    resettlement_region_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("regions.id"))
    quota_year: Mapped[int | None] = mapped_column(Integer)
    # Why a supervisor granted the case beyond its region's kandas quota (services/quotas.py).
    quota_override_reason: Mapped[str | None] = mapped_column(Text)
    office_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("offices.id"))
    owner_id: Mapped[uuid.UUID | None] = mapped_column(  # the assigned clerk (ownership.py)
        ForeignKey("users.id"))

    person: Mapped[Person] = relationship()
    household: Mapped[Household | None] = relationship()
    resettlement_region: Mapped[Region | None] = relationship()
    status_changes: Mapped[list["CaseStatusChange"]] = relationship(
        back_populates="case", order_by="CaseStatusChange.changed_on"
    )


class CaseStatusChange(Entity):
    __tablename__ = "case_status_changes"
    __table_args__ = (
        # A month's changes with their new status and cases, for the monthly summary
        # (migrations 0036, 0039): counted from the index alone
        Index("ix_case_status_changes_month", "changed_on", "to_status", "case_id",
              **LIVE_ROWS),
    )

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repatriate_cases.id"), index=True)
    from_status: Mapped[RepatriateStatus | None] = mapped_column(enum_type(RepatriateStatus))
    to_status: Mapped[RepatriateStatus] = mapped_column(enum_type(RepatriateStatus))
    changed_on: Mapped[dt.date]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str | None] = mapped_column(Text)

    case: Mapped[RepatriateCase] = relationship(back_populates="status_changes")


class Employer(Entity):
    __tablename__ = "employers"

    bin: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str]
    sector: Mapped[str | None] = mapped_column(String(100))  # free text, before issue 24
    region_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("regions.id"))
    address: Mapped[str | None]
    phone: Mapped[str | None] = mapped_column(String(32))
    contact_person: Mapped[str | None] = mapped_column(String(200))
    # Its section of the economic activity classifier (issue 24; services/sectors.py).
    sector_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("economic_sectors.id"))

    region: Mapped[Region] = relationship()
    permits: Mapped[list["WorkPermit"]] = relationship(back_populates="employer")
    economic_sector: Mapped["EconomicSector | None"] = relationship()


class WorkPermit(Entity):
    __tablename__ = "work_permits"
    __table_args__ = (
        # Quota usage and its monthly shape read only this index (services/quotas.py).
        Index("ix_work_permits_quota", "quota_year", "region_id", "category",
              "holds_quota_slot", "valid_from", "sector_id", "deleted_at"),
        # The permits list, read backwards: the latest first (see labour.fetch_permits).
        Index("ix_work_permits_list", "valid_from", "number", "person_id", **LIVE_ROWS),
        # A person's permits; as ix_repatriate_cases_by_person.
        Index("ix_work_permits_by_person", "person_id", "valid_from", "number", "id",
              "deleted_at"),
        Index("ix_work_permits_status_list", "status", "valid_from", "number", "person_id",
              **LIVE_ROWS),
        # "Mine": an owner's permits in the list's order (issue 19).
        Index("ix_work_permits_owner", "owner_id", "valid_from", "number", **LIVE_ROWS),
        # As ix_repatriate_cases_expiring, for the permits.
        Index("ix_work_permits_expiring", "valid_to", "status", "number", "person_id",
              "office_id", "deleted_at"),
        # As ix_repatriate_cases_office_by_id.
        Index("ix_work_permits_office_by_id", "id", "office_id", **LIVE_ROWS),
    )

    number: Mapped[str] = mapped_column(String(32), unique=True)
    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))  # ix_*_by_person
    category: Mapped[PermitCategory] = mapped_column(enum_type(PermitCategory))
    profession: Mapped[str | None] = mapped_column(String(200))
    region_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("regions.id"))
    valid_from: Mapped[dt.date]
    valid_to: Mapped[dt.date]  # ix_work_permits_expiring
    status: Mapped[PermitStatus] = mapped_column(enum_type(PermitStatus))
    quota_year: Mapped[int] = mapped_column(Integer)
    # False once the permit gave its slot back to the quota (see services/quotas.py).
    holds_quota_slot: Mapped[bool] = mapped_column(default=True, server_default=true())
    quota_override_reason: Mapped[str | None] = mapped_column(Text)
    office_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("offices.id"))
    owner_id: Mapped[uuid.UUID | None] = mapped_column(  # the assigned clerk (ownership.py)
        ForeignKey("users.id"))
    # The employer's economic sector when the permit was issued: the sector of its quota slot
    # (issue 24; services/quotas.py). None: no sector known.
    sector_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("economic_sectors.id"))
    employer_warning: Mapped[str | None] = mapped_column(
        Text, comment="the employer's violations, acknowledged by the clerk who issued it")

    employer: Mapped[Employer] = relationship(back_populates="permits")
    person: Mapped[Person] = relationship()
    region: Mapped[Region] = relationship()
    status_changes: Mapped[list["PermitStatusChange"]] = relationship(
        back_populates="permit", order_by="PermitStatusChange.changed_on"
    )


class PermitStatusChange(Entity):
    __tablename__ = "permit_status_changes"
    __table_args__ = (
        Index("ix_permit_status_changes_month", "changed_on", "to_status", "permit_id",
              **LIVE_ROWS),
    )

    permit_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("work_permits.id"), index=True)
    from_status: Mapped[PermitStatus | None] = mapped_column(enum_type(PermitStatus))
    to_status: Mapped[PermitStatus] = mapped_column(enum_type(PermitStatus))
    changed_on: Mapped[dt.date]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str | None] = mapped_column(Text)

    permit: Mapped[WorkPermit] = relationship(back_populates="status_changes")


class AdaptationCentre(Entity):
    __tablename__ = "adaptation_centres"

    name: Mapped[str]
    region_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("regions.id"))
    address: Mapped[str | None]
    phone: Mapped[str | None] = mapped_column(String(32))
    beds: Mapped[int] = mapped_column(Integer, default=0)

    region: Mapped[Region] = relationship()


class ServiceType(LocalizedNameMixin, Entity):
    __tablename__ = "service_types"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    is_accommodation: Mapped[bool] = mapped_column(default=False)
    is_course: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class ServiceRecord(Entity):
    __tablename__ = "service_records"
    __table_args__ = (
        # The service records list, read backwards: latest first (adaptation.fetch_services).
        Index("ix_service_records_list", "start_date", "id", "person_id", **LIVE_ROWS),
        # A person's records; as ix_repatriate_cases_by_person.
        Index("ix_service_records_by_person", "person_id", "start_date", "id", "deleted_at"),
        # Stays by type and last day: centre occupancy (services/reports.py, adaptation.py),
        # from the index alone (migration 0044: with deleted_at).
        Index("ix_service_records_stays", "service_type_id", "end_date", "start_date",
              "centre_id", "deleted_at"),
        # A month's services by centre and type (the monthly summary), from the index alone.
        Index("ix_service_records_month", "start_date", "centre_id", "service_type_id",
              **LIVE_ROWS),
        # "Mine": an owner's records in the list's order (issue 19).
        Index("ix_service_records_owner", "owner_id", "start_date", "id", **LIVE_ROWS),
        # Stays still going on past their planned end (services/deadlines.py, worklist.py).
        Index("ix_service_records_planned_end", "planned_end_date",
              sqlite_where=text("end_date IS NULL AND deleted_at IS NULL"),
              postgresql_where=text("end_date IS NULL AND deleted_at IS NULL")),
    )

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))  # ix_*_by_person
    centre_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("adaptation_centres.id"))
    service_type_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("service_types.id"))
    start_date: Mapped[dt.date]  # ix_service_records_month
    end_date: Mapped[dt.date | None]
    staff_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    staff_name: Mapped[str | None] = mapped_column(String(200))
    outcome: Mapped[str | None]
    notes: Mapped[str | None] = mapped_column(Text)
    hours_attended: Mapped[int | None] = mapped_column(Integer)
    completed: Mapped[bool | None]
    owner_id: Mapped[uuid.UUID | None] = mapped_column(  # the assigned clerk (ownership.py)
        ForeignKey("users.id"))
    # A stay still going on (no end_date) is planned to end on this day; the deadlines run
    # flags it on the first day past it (past_end_flagged_on) until the person is checked out.
    planned_end_date: Mapped[dt.date | None]
    past_end_flagged_on: Mapped[dt.date | None]

    person: Mapped[Person] = relationship()
    centre: Mapped[AdaptationCentre] = relationship()
    service_type: Mapped[ServiceType] = relationship()


class LabourQuota(Entity):
    __tablename__ = "labour_quotas"
    __table_args__ = (
        # One quota per year, region, category and sector; one "all sectors" quota (no sector)
        # per year, region and category (issue 24).
        UniqueConstraint("year", "region_id", "category", "sector_id"),
        Index("uq_labour_quotas_all_sectors", "year", "region_id", "category", unique=True,
              sqlite_where=text("sector_id IS NULL"),
              postgresql_where=text("sector_id IS NULL")),
    )

    year: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("regions.id"))
    category: Mapped[PermitCategory] = mapped_column(enum_type(PermitCategory))
    amount: Mapped[int] = mapped_column(Integer)
    # The economic sector the quota is for; None: all sectors (services/quotas.py).
    sector_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("economic_sectors.id"))

    region: Mapped[Region] = relationship()


class KandasQuota(Entity):
    __tablename__ = "kandas_quotas"
    __table_args__ = (UniqueConstraint("year", "region_id"),)

    year: Mapped[int] = mapped_column(Integer)
    region_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("regions.id"))
    amount: Mapped[int] = mapped_column(Integer)

    region: Mapped[Region] = relationship()


class AuditEntry(Base):
    """Append-only audit trail; each entry's hash covers the previous entry's hash."""

    __tablename__ = "audit_entries"
    __table_args__ = (
        # The trail's window filtered by action or record type, newest first (issue 26).
        Index("ix_audit_entries_action_seq", "action", "seq"),
        Index("ix_audit_entries_entity_type_seq", "entity_type", "seq"),
        # ... and by user (the names a prefix begins: services/audit.py), and the distinct
        # names probed from it (migration 0033)
        Index("ix_audit_entries_username_seq", "username", "seq"),
        # ... and by a period: its entries' numbers sorted from this index alone (0035)
        Index("ix_audit_entries_occurred_at_seq", "occurred_at", "seq"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    username: Mapped[str | None] = mapped_column(String(64))
    office_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("offices.id"))
    action: Mapped[str] = mapped_column(String(32))
    entity_type: Mapped[str | None] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(36), index=True)
    changes: Mapped[dict | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


# --- offline exchange between offices (services/exchange.py); never exchanged themselves ---


class LocalSetting(Base):
    """Settings of this database (not of a desk): e.g. the office's exchange name."""

    __tablename__ = "local_settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class ExchangePeer(Base):
    """Another office this one exchanges packages with, and the key they share."""

    __tablename__ = "exchange_peers"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key: Mapped[str] = mapped_column(String(200), comment="shared HMAC key, base64")
    last_sent_seq: Mapped[int] = mapped_column(BigInteger, default=0,
                                               comment="audit seq exported up to")
    last_export_at: Mapped[dt.datetime | None]
    last_import_at: Mapped[dt.datetime | None]
    last_package_created_at: Mapped[dt.datetime | None]
    sends: Mapped[str] = mapped_column(
        String(16), default="everything", server_default="everything",
        comment="everything: every record; own: those registered here or at the peer, or "
                "that came through it (a region to a district)")


class RecordOrigin(Base):
    """Where a record that arrived in a package comes from (issue 25): the office that
    registered it, and the offices its latest version came through, from that office to
    the sender. A record registered here and never received has none."""

    __tablename__ = "record_origins"

    entity_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(String(100))
    path: Mapped[list] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, comment="the version that came by `path`")
    author_role: Mapped[str | None] = mapped_column(
        String(16), comment="the role of that version's author, as its trail said")
    received_at: Mapped[dt.datetime] = mapped_column(index=True)


class ExchangeState(Base):
    """The version of a record that this office and the peer both have."""

    __tablename__ = "exchange_states"

    peer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exchange_peers.id"),
                                               primary_key=True)
    entity_type: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(Integer)


class ExchangeConflict(Base):
    """The same record changed here and at the peer: kept for a supervisor to resolve."""

    __tablename__ = "exchange_conflicts"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    peer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exchange_peers.id"))
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[uuid.UUID] = mapped_column(index=True)
    local: Mapped[dict] = mapped_column(JSON)
    incoming: Mapped[dict] = mapped_column(JSON)
    incoming_version: Mapped[int] = mapped_column(Integer)
    detected_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None]
    resolution: Mapped[str | None] = mapped_column(String(16))


class ImportedPackage(Base):
    """Packages already imported: a second import of one changes nothing."""

    __tablename__ = "imported_packages"

    package_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    peer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exchange_peers.id"))
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    records: Mapped[int] = mapped_column(Integer, default=0)


# --- imports of legacy lists (services/legacy_import.py); local bookkeeping, never exchanged ---


class LegacyImport(Base):
    """One import of a legacy list of persons (a CSV or XLSX file), resumable until done."""

    __tablename__ = "legacy_imports"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    file_name: Mapped[str]
    file_sha256: Mapped[str] = mapped_column(String(64), index=True)
    header: Mapped[str] = mapped_column(Text, comment="the file's column names, JSON")
    mapping: Mapped[str] = mapped_column(Text, comment="target field per column, JSON")
    options: Mapped[str] = mapped_column(Text, default="{}", comment="JSON")
    total_rows: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), comment="unfinished, finished, abandoned")
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None]
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))


class LegacyImportRow(Base):
    """What became of one row of the file: each row has at most one, so none is imported
    twice. Written in the same transaction as the persons of its batch."""

    __tablename__ = "legacy_import_rows"

    import_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("legacy_imports.id"),
                                                 primary_key=True)
    row_number: Mapped[int] = mapped_column(Integer, primary_key=True)
    outcome: Mapped[str] = mapped_column(String(16), comment="imported or rejected")
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"))
    duplicate: Mapped[bool] = mapped_column(default=False)
    reasons: Mapped[str | None] = mapped_column(Text, comment="why it was rejected, JSON")
    cells: Mapped[str | None] = mapped_column(Text, comment="a rejected row's cells, JSON")


# --- office profile and outgoing register (issue 21) ---


class OfficeProfile(Entity):
    """What an office's documents say about it: its letterhead (names and address by language,
    BIN, phone, logo), its head, and the pattern of its outgoing register numbers. One per
    office, apart from the Office row (kept narrow: it is loaded with every user)."""

    __tablename__ = "office_profiles"

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"), unique=True)
    # Language code → text, as the names of reference data.
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    addresses: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    head_positions: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    head_names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    bin: Mapped[str | None] = mapped_column(String(12))
    phone: Mapped[str | None] = mapped_column(String(32))
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_type: Mapped[str | None] = mapped_column(String(16), comment="png or jpeg")
    register_pattern: Mapped[str] = mapped_column(String(64), default="{n}")

    office: Mapped[Office] = relationship()


class RegisterCounter(Base):
    """The last outgoing number an office gave in a year: the row a new number locks.
    Local bookkeeping, never exchanged (each office numbers its own letters)."""

    __tablename__ = "register_counters"

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)


class OutgoingEntry(Entity):
    """One line of the outgoing register: a document that left the office under a number."""

    __tablename__ = "outgoing_entries"
    __table_args__ = (UniqueConstraint("office_id", "year", "seq"),
                      Index("ix_outgoing_entries_issued_on", "issued_on", "seq"))

    office_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("offices.id"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    number: Mapped[str] = mapped_column(String(64))
    issued_on: Mapped[dt.date]
    kind: Mapped[str] = mapped_column(String(32), comment="the document's kind")
    addressee: Mapped[str | None] = mapped_column(Text)
    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"), index=True)
    person_name: Mapped[str | None] = mapped_column(String(300))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    user_name: Mapped[str | None] = mapped_column(String(255))


# --- flows on screen (issue 19) ---

# The live persons by the month they were registered ("YYYY-MM"), with what the flows
# dashboard groups them by (services/flows.py): SQLite reads its one query in this index's
# order, with no sorting (at 1,000,000 persons 0.2 s instead of 1 s by created_at). An
# expression SQLite can index; PostgreSQL keeps the plain columns (its aggregate hashes).
# Partial on SQLite, not led by deleted_at: with no statistics SQLite took deleted_at IS NULL
# for a selective key and read the whole table for every search (migration 0032).
Index("ix_persons_arrivals", func.substr(Person.created_at, 1, 7),
      Person.category, Person.citizenship, Person.region_id, Person.office_id,
      sqlite_where=text("deleted_at IS NULL"),
      info={"dialect": "sqlite"}).ddl_if(dialect="sqlite")
Index("ix_persons_arrivals_pg", Person.deleted_at, Person.created_at, Person.category,
      Person.citizenship, Person.region_id, Person.office_id,
      info={"dialect": "postgresql"}).ddl_if(dialect="postgresql")


# --- change requests and scans (issue 20; services/change_requests.py) ---


class ChangeRequest(Entity):
    """A change that waits for a supervisor's approval: what the author proposed (`changes`)
    and the target's values they saw (`base`, with its version), so an approver sees both side
    by side and a request whose target changed since is never applied blindly."""

    __tablename__ = "change_requests"
    __table_args__ = (Index("ix_change_requests_status_office", "status", "office_id"),)

    kind: Mapped[ChangeKind] = mapped_column(enum_type(ChangeKind))
    status: Mapped[RequestStatus] = mapped_column(enum_type(RequestStatus))
    target_type: Mapped[str] = mapped_column(String(64), comment="the target's table")
    target_id: Mapped[uuid.UUID] = mapped_column(index=True)
    changes: Mapped[dict] = mapped_column(JSON)
    base: Mapped[dict] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(String(255), default="", comment="the target, as named")
    office_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("offices.id"))
    author_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    author_name: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    decided_by_name: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime | None]
    reason: Mapped[str | None] = mapped_column(Text)
    # A change received in an exchange package and held here: the office (its exchange name)
    # that decides it; the request travels to the other office too, which only shows it.
    held_at: Mapped[str | None] = mapped_column(String(100))


class Scan(Entity):
    """A scanned paper (PDF, JPEG or PNG) attached to a person or a change request, kept in
    the database so that backups and exchange packages carry it (services/scans.py)."""

    __tablename__ = "scans"

    person_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("persons.id"), index=True)
    request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("change_requests.id"),
                                                         index=True)
    file_name: Mapped[str]
    media_type: Mapped[str] = mapped_column(String(32), comment="from the content's magic bytes")
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    description: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


# --- case owners (issue 19) ---


class OwnerChange(Entity):
    """A record's owner changed (services/ownership.py): the timeline shows it. The names are
    kept as they were, so that it reads the same at an office that does not know the users."""

    __tablename__ = "owner_changes"

    record_type: Mapped[str] = mapped_column(String(32), comment="the record's table")
    record_id: Mapped[uuid.UUID] = mapped_column(index=True)
    owner_id: Mapped[uuid.UUID | None] = mapped_column(comment="None: unassigned")
    owner_name: Mapped[str | None] = mapped_column(String(200))
    changed_by: Mapped[str | None] = mapped_column(String(200))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


# --- a sealed audit trail: anchors and the peers' trails (issue 22); never exchanged ---


class AuditAnchor(Base):
    """A chain head that left this office in a package ("sent") or arrived from a peer
    ("received"): the trail must still pass through every head sent (services/audit.py)."""

    __tablename__ = "audit_anchors"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    direction: Mapped[str] = mapped_column(String(8), comment="sent or received")
    peer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exchange_peers.id"), index=True)
    package_id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    recorded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class PeerAuditEntry(Base):
    """An audit entry of a peer office, as it arrived in its packages (the region holds each
    district's trail): the columns of AuditEntry, keyed by the peer and the entry's number."""

    __tablename__ = "peer_audit_entries"

    peer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exchange_peers.id"),
                                               primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    id: Mapped[uuid.UUID]
    occurred_at: Mapped[dt.datetime]
    user_id: Mapped[uuid.UUID | None]
    username: Mapped[str | None] = mapped_column(String(64))
    office_id: Mapped[uuid.UUID | None]
    action: Mapped[str] = mapped_column(String(32))
    entity_type: Mapped[str | None] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(36))
    changes: Mapped[dict | None] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


# --- retention of personal data (issue 23; services/retention.py) ---


class RetentionRule(Base):
    """How long this office keeps a kind of record after it ended: set by its administrator,
    never exchanged (each office sets its own; the purges themselves travel)."""

    __tablename__ = "retention_rules"

    record_type: Mapped[str] = mapped_column(String(32), primary_key=True,
                                             comment="see retention.RECORD_TYPES")
    years: Mapped[int] = mapped_column(Integer, comment="0: kept without a limit")
    changed_at: Mapped[dt.datetime | None]
    changed_by: Mapped[str | None] = mapped_column(String(64))


class RetentionPurge(Entity):
    """A purge a supervisor approved: the persons whose records were anonymised, each with the
    rule that made them due (ids and rule codes only, never the data). It travels in exchange
    packages, and every office that receives it anonymises the same records."""

    __tablename__ = "retention_purges"

    approved_on: Mapped[dt.date]
    approved_by: Mapped[str | None] = mapped_column(String(64))
    office_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("offices.id"))
    # [[person id, rule code], ...]
    persons: Mapped[list] = mapped_column(JSON, default=list)


class PurgedPerson(Base):
    """A person whose records were anonymised here (by a purge of this office or of a peer):
    local bookkeeping, filled wherever a purge is applied, never exchanged."""

    __tablename__ = "purged_persons"

    person_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True)
    purge_id: Mapped[uuid.UUID] = mapped_column(index=True)
    purged_on: Mapped[dt.date]
# --- personal data: access accounting and legal basis (issue 23) ---


class AccessEntry(Base):
    """A read of a person's data (services/access.py): who, when, from which desk, what. An
    append-only log of its own, apart from the audit trail: reads are many, written in
    batches, and need no hash chain; never exchanged, never changed (triggers)."""

    __tablename__ = "access_entries"
    __table_args__ = (Index("ix_access_entries_person_id_at", "person_id", "at"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    at: Mapped[dt.datetime] = mapped_column(index=True)
    person_id: Mapped[uuid.UUID]
    kind: Mapped[str] = mapped_column(String(16), comment="an AccessKind")
    detail: Mapped[str | None] = mapped_column(String(100), comment="the form, the scan, ...")
    user_id: Mapped[uuid.UUID | None]
    username: Mapped[str | None] = mapped_column(String(64))
    office_id: Mapped[uuid.UUID | None]
    desk: Mapped[str | None] = mapped_column(String(64), comment="the computer's name")


class PersonLegalBasis(Entity):
    """The legal basis for processing a person's data: a law or the person's consent, since
    a date, with the signed paper as a scan; consent may be withdrawn (a date). A new basis
    is a new row: the earlier ones stay, as a history."""

    __tablename__ = "person_legal_bases"

    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    basis: Mapped[LegalBasis] = mapped_column(enum_type(LegalBasis))
    since: Mapped[dt.date]
    reference: Mapped[str | None] = mapped_column(String(200), comment="the law's article, ...")
    scan_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("scans.id"))
    withdrawn_on: Mapped[dt.date | None]
    office_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("offices.id"))
# --- kandas support (issue 24; services/support.py) ---


class SupportMeasure(LocalizedNameMixin, Entity):
    """A kind of state support for kandas (relocation payment, settling-in payment, housing
    subsidy): reference data an administrator keeps, with its names in each language."""

    __tablename__ = "support_measures"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    # An application is eligible within this many months after the family's arrival.
    deadline_months: Mapped[int] = mapped_column(Integer, default=12)
    active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class SupportNorm(Entity):
    """A measure's amount from `effective_from` on: so many monthly calculation indices (МРП)
    for the head of the family and for each other member (a supervisor sets them)."""

    __tablename__ = "support_norms"
    __table_args__ = (UniqueConstraint("measure_id", "effective_from"),)

    measure_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("support_measures.id"))
    effective_from: Mapped[dt.date]
    head_indices: Mapped[int] = mapped_column(Integer)
    member_indices: Mapped[int] = mapped_column(Integer)

    measure: Mapped[SupportMeasure] = relationship()


class MonthlyIndex(Entity):
    """The monthly calculation index (МРП / АЕК) of a year, in tenge (a supervisor sets it)."""

    __tablename__ = "monthly_indices"

    year: Mapped[int] = mapped_column(Integer, unique=True)
    value: Mapped[int] = mapped_column(Integer, comment="tenge")


class SupportApplication(Entity):
    """A repatriation case's application for a support measure, for the head and the members
    of its household; the amount as computed from the norm and the index on the day applied."""

    __tablename__ = "support_applications"
    __table_args__ = (Index("ix_support_applications_status", "status", "decided_on"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repatriate_cases.id"), index=True)
    measure_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("support_measures.id"))
    applied_on: Mapped[dt.date]
    status: Mapped[SupportStatus] = mapped_column(enum_type(SupportStatus))
    members: Mapped[int] = mapped_column(Integer, comment="household members besides the head")
    norm_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("support_norms.id"))
    head_indices: Mapped[int] = mapped_column(Integer)
    member_indices: Mapped[int] = mapped_column(Integer)
    index_value: Mapped[int] = mapped_column(Integer, comment="tenge")
    amount: Mapped[int] = mapped_column(BigInteger, comment="tenge")
    decided_on: Mapped[dt.date | None]
    paid_on: Mapped[dt.date | None]
    payment_reference: Mapped[str | None] = mapped_column(String(64))
    refusal_reason: Mapped[str | None] = mapped_column(Text)
    office_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("offices.id"))

    case: Mapped[RepatriateCase] = relationship()
    measure: Mapped[SupportMeasure] = relationship()
# --- economic sectors (issue 24) --------------------------------------------------------------


class EconomicSector(LocalizedNameMixin, Entity):
    """A section (A … U) of the economic activity classifier (ОКЭД): reference data, as the
    regions (kzmigdesk/domain/reference.py)."""

    __tablename__ = "economic_sectors"

    code: Mapped[str] = mapped_column(String(2), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)


# --- labour violations (issue 24) ------------------------------------------------------------


class LabourViolation(Entity):
    """An inspection's finding of illegal employment at an employer (services/violations.py):
    the fine imposed on the employer and its payment; the workers found are its
    ViolationWorker rows."""

    __tablename__ = "labour_violations"
    __table_args__ = (Index("ix_labour_violations_found", "found_on", "id", **LIVE_ROWS),)

    employer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employers.id"), index=True)
    found_on: Mapped[dt.date]
    inspecting_body: Mapped[str] = mapped_column(String(300))
    act_number: Mapped[str | None] = mapped_column(String(64))
    fine_amount: Mapped[int] = mapped_column(Integer, default=0, comment="tenge")
    fine_paid_on: Mapped[dt.date | None]
    notes: Mapped[str | None] = mapped_column(Text)
    office_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("offices.id"))

    employer: Mapped[Employer] = relationship()
    workers: Mapped[list["ViolationWorker"]] = relationship(back_populates="violation")


class ViolationWorker(Entity):
    """A worker found at an inspection: how they broke the rules (with the permit they held,
    if any) and the decision on them."""

    __tablename__ = "violation_workers"

    violation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("labour_violations.id"),
                                                    index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"), index=True)
    permit_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("work_permits.id"))
    kind: Mapped[ViolationKind] = mapped_column(enum_type(ViolationKind))
    decision: Mapped[WorkerDecision] = mapped_column(enum_type(WorkerDecision))

    violation: Mapped[LabourViolation] = relationship(back_populates="workers")
    person: Mapped[Person] = relationship()
    permit: Mapped["WorkPermit | None"] = relationship()
