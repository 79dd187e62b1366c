"""The data of each printable form, gathered from the database into the plain dataclasses of
kzmigdesk.domain.documents (the printing layer's forms lay them out), and the audit trail's
record of a form with personal data printed.

`write_pdf` gathers and renders (a function the caller gives) the form, writes the PDF to a
file (atomically) and only then records the print: a form that could not be made or written
leaves no record, a record that could not be written leaves no file. A missing record raises
NotFound.
"""

import dataclasses
import datetime as dt
import uuid
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.documents import (
    AccessLine,
    AccessReport,
    Applicant,
    CaseSummary,
    Centre,
    ChangeRequestForm,
    EmployerPermitsExtract,
    HouseholdLine,
    IdentityDocumentLine,
    KandasCertificate,
    LegalBasisLine,
    Named,
    PermitLine,
    PersonCard,
    QuotaLine,
    QuotaStatement,
    ReferralLetter,
    StatusLine,
    Worker,
    WorkPermitDocument,
)
from kzmigdesk.domain.enums import AccessKind, PermitStatus
from kzmigdesk.domain.models import (
    AdaptationCentre,
    EconomicSector,
    Employer,
    IdentityDocument,
    Office,
    Person,
    Region,
    RepatriateCase,
    ServiceType,
    WorkPermit,
)
from kzmigdesk.files import write_atomically
from kzmigdesk.i18n import N_
from kzmigdesk.services import access, audit, legal_basis, register
from kzmigdesk.services.errors import NotFound
from kzmigdesk.services.labour import employer_permits
from kzmigdesk.services.quotas import QuotaKind, quota_usage
from kzmigdesk.services.repatriation import case_history, household_members

# Messages of records that are not there (msgids).
NO_PERSON = N_("The person no longer exists.")
NO_CASE = N_("The case no longer exists.")
NO_EMPLOYER = N_("The employer no longer exists.")
NO_SERVICE_TYPE = N_("The service no longer exists.")
NO_CENTRE = N_("The centre no longer exists.")
NO_PERMIT = N_("The permit no longer exists.")
NO_CERTIFICATE = N_("The case has no kandas certificate yet.")

QUOTA_TITLES = {
    QuotaKind.LABOUR: N_("Foreign labour quota"),
    QuotaKind.KANDAS: N_("Kandas resettlement quota"),
}

Document = TypeVar("Document")


def named(record) -> Named | None:
    """A region's, service type's ... names in every language, or None."""
    if record is None:
        return None
    return Named(dict(record.names))


def sector_named(record) -> Named | str | None:
    """An economic sector ("F — Construction" in every language); for an employer, its
    section of the classifier, else its old free-text sector."""
    if isinstance(record, Employer):
        if record.economic_sector is None:
            return record.sector
        record = record.economic_sector
    return Named({code: f"{record.code} — {name}" for code, name in record.names.items()})


def _load(session: Session, model: type, record_id, msgid: str):
    """The record of `model` with this id (a UUID or its text), or NotFound(msgid)."""
    try:
        key = record_id if isinstance(record_id, uuid.UUID) else uuid.UUID(str(record_id))
    except (TypeError, ValueError):
        raise NotFound(msgid) from None
    record = session.get(model, key)
    if record is None or record.deleted_at is not None:
        raise NotFound(msgid)
    return record


def _office(session: Session, office_id) -> str | None:
    office = session.get(Office, office_id) if office_id else None
    return office.name if office is not None else None


# --- 1. the person registration card --------------------------------------------------------


def person_card(session: Session, person_id, today: dt.date | None = None) -> PersonCard:
    """Every field of the person, the photo and the identity documents."""
    person = _load(session, Person, person_id, NO_PERSON)
    documents = session.scalars(
        select(IdentityDocument)
        .where(IdentityDocument.person_id == person.id)
        .order_by(IdentityDocument.issue_date, IdentityDocument.created_at)
    ).all()
    return PersonCard(
        person_id=person.id, surname=person.surname, given_name=person.given_name,
        patronymic=person.patronymic, surname_latin=person.surname_latin,
        given_name_latin=person.given_name_latin, sex=person.sex, birth_date=person.birth_date,
        iin=person.iin, citizenship=person.citizenship, phone=person.phone, email=person.email,
        region=named(person.region), district=person.district, locality=person.locality,
        address=person.address, category=person.category, status=person.status,
        registered_on=person.created_at.date() if person.created_at else None,
        office=_office(session, person.office_id), notes=person.notes, photo=person.photo,
        documents=tuple(IdentityDocumentLine(d.doc_type, d.number, d.issuing_country,
                                             d.issued_by, d.issue_date, d.expiry_date)
                        for d in documents),
        today=today or dt.date.today(), legal_basis=_legal_basis(session, person.id))


def _legal_basis(session: Session, person_id) -> LegalBasisLine | None:
    basis = legal_basis.current(session, person_id)
    return None if basis is None else LegalBasisLine(
        basis.basis.value, basis.since, basis.reference, basis.scan_name, basis.withdrawn_on)


def access_report(session: Session, person_id, for_person: bool = False,
                  today: dt.date | None = None) -> AccessReport:
    """Who read the person's data (issue 23): for a supervisor, or for the person on request
    (no logins, no computers). VIEW_AUDIT, in the person's office (access.accesses_of)."""
    lines = access.accesses_of(session, person_id)
    person = _load(session, Person, person_id, NO_PERSON)

    def employee(row) -> str:
        if for_person:
            return row.full_name or row.username or ""
        return f"{row.full_name} ({row.username})" if row.full_name else row.username or ""

    return AccessReport(
        person_id=person.id, full_name=person.full_name, birth_date=person.birth_date,
        iin=person.iin, for_person=for_person, today=today or dt.date.today(),
        lines=tuple(AccessLine(row.at.astimezone(), row.kind.value, employee(row), row.office,
                               None if for_person else row.desk,
                               None if for_person else row.detail) for row in lines))


# --- 2. the repatriate case summary ---------------------------------------------------------


def case_summary(session: Session, case_id, today: dt.date | None = None) -> CaseSummary:
    """A repatriate (kandas) case: its fields and certificate, the household members and the
    history of its statuses."""
    case = _load(session, RepatriateCase, case_id, NO_CASE)
    person = case.person
    return CaseSummary(
        case_id=case.id, case_number=case.case_number,
        applicant=Applicant(person.full_name, person.birth_date, person.iin) if person else None,
        country_of_origin=case.country_of_origin, application_date=case.application_date,
        arrival_date=case.arrival_date, status=case.status,
        certificate_number=case.certificate_number,
        certificate_issue_date=case.certificate_issue_date,
        certificate_expiry_date=case.certificate_expiry_date,
        resettlement_region=named(case.resettlement_region), quota_year=case.quota_year,
        office=_office(session, case.office_id),
        quota_override_reason=case.quota_override_reason,
        members=tuple(HouseholdLine(m.person.full_name, m.relation, m.person.birth_date,
                                    m.person.iin) for m in household_members(session, case)),
        history=tuple(StatusLine(c.changed_on, c.from_status, c.to_status, c.comment)
                      for c in case_history(session, case)),
        today=today or dt.date.today(),
        support=_support_lines(session, case))


def _support_lines(session: Session, case) -> tuple:
    """The case's kandas support applications, oldest first (issue 24)."""
    from kzmigdesk.domain.documents import SupportLine
    from kzmigdesk.domain.models import SupportApplication

    return tuple(SupportLine(named(a.measure), a.applied_on, 1 + a.members, a.amount,
                             a.status.value, a.decided_on, a.paid_on)
                 for a in session.scalars(select(SupportApplication).where(
                     SupportApplication.case_id == case.id,
                     SupportApplication.deleted_at.is_(None))
                     .order_by(SupportApplication.applied_on, SupportApplication.created_at)))


# --- 3. the work permit register extract of an employer -------------------------------------


def permit_in_force(permit: WorkPermit, on: dt.date) -> bool:
    return (permit.status in (PermitStatus.ISSUED, PermitStatus.EXTENDED)
            and permit.valid_from <= on <= permit.valid_to)


def employer_permits_extract(session: Session, employer_id,
                             today: dt.date | None = None) -> EmployerPermitsExtract:
    """The employer and every work permit issued for it (newest first), and how many of them
    are in force today."""
    today = today or dt.date.today()
    employer = _load(session, Employer, employer_id, NO_EMPLOYER)
    permits = employer_permits(session, employer)
    return EmployerPermitsExtract(
        employer_id=employer.id, bin=employer.bin, name=employer.name, address=employer.address,
        region=named(employer.region), sector=sector_named(employer),
        contact_person=employer.contact_person, phone=employer.phone,
        permits=tuple(PermitLine(
            p.number, Worker(p.person.full_name, p.person.citizenship) if p.person else None,
            p.category, p.profession, named(p.region), p.valid_from, p.valid_to, p.status)
            for p in permits),
        in_force=sum(permit_in_force(p, today) for p in permits),
        today=today)


# --- 4. the service referral letter ---------------------------------------------------------


def referral_letter(session: Session, person_id, addressee: str, purpose: str,
                    service_type_id=None, centre_id=None,
                    today: dt.date | None = None) -> ReferralLetter:
    """A letter referring the person to an organisation or employer (`addressee`) for a
    service (its type, when given) and `purpose`, at a centre when given."""
    today = today or dt.date.today()
    person = _load(session, Person, person_id, NO_PERSON)
    service = (_load(session, ServiceType, service_type_id, NO_SERVICE_TYPE)
               if service_type_id is not None else None)
    centre = (_load(session, AdaptationCentre, centre_id, NO_CENTRE)
              if centre_id is not None else None)
    return ReferralLetter(
        person_id=person.id, number=None,
        addressee=addressee or "", purpose=purpose or "", full_name=person.full_name,
        birth_date=person.birth_date, iin=person.iin, citizenship=person.citizenship,
        category=person.category, service=named(service),
        centre=Centre(centre.name, centre.address, centre.phone) if centre else None,
        today=today)


# --- 5. the quota usage statement -----------------------------------------------------------


def _forecast(forecast) -> tuple:
    """The forecast's expected day, earliest and latest days and usage on 31 December."""
    if forecast is None:
        return None, None, None, None
    return forecast.expected, forecast.earliest, forecast.latest, forecast.year_end_usage


def quota_statement(session: Session, kind: QuotaKind | str, year: int,
                    today: dt.date | None = None) -> QuotaStatement:
    """The usage of every quota of `kind` in `year`, per region (and permit category for the
    labour quota), with the day each is expected to run out."""
    today = today or dt.date.today()
    kind = QuotaKind(kind)
    usage = quota_usage(session, kind, year, today=today)
    regions = {region.id: region for region in session.scalars(select(Region))}
    sectors = {sector.id: sector for sector in session.scalars(select(EconomicSector))}
    return QuotaStatement(
        title=QUOTA_TITLES[kind], year=year, by_category=kind is QuotaKind.LABOUR,
        lines=tuple(QuotaLine(
            named(regions[row.region_id]), row.category, row.amount, row.used, row.remaining,
            row.share, row.level, *_forecast(row.forecast),
            sector=sector_named(sectors[row.sector_id]) if row.sector_id else None)
            for row in usage),
        today=today)


# --- 6. the work permit of a worker ---------------------------------------------------------


def _identity_document(session: Session, person_id) -> IdentityDocumentLine | None:
    d = session.scalars(
        select(IdentityDocument).where(IdentityDocument.person_id == person_id)
        .order_by(IdentityDocument.issue_date.desc(), IdentityDocument.created_at.desc())
    ).first()
    return (IdentityDocumentLine(d.doc_type, d.number, d.issuing_country, d.issued_by,
                                 d.issue_date, d.expiry_date) if d is not None else None)


def work_permit(session: Session, permit_id, today: dt.date | None = None
                ) -> WorkPermitDocument:
    """One permit as the worker receives it: worker, employer, position, region, period."""
    permit = _load(session, WorkPermit, permit_id, NO_PERMIT)
    person, employer = permit.person, permit.employer
    latin = " ".join(p for p in (person.surname_latin, person.given_name_latin) if p)
    return WorkPermitDocument(
        permit_id=permit.id, person_id=person.id, permit_number=permit.number,
        full_name=person.full_name, full_name_latin=latin or None,
        birth_date=person.birth_date, citizenship=person.citizenship, iin=person.iin,
        identity_document=_identity_document(session, person.id), employer=employer.name,
        employer_bin=employer.bin, employer_address=employer.address,
        category=permit.category, profession=permit.profession, region=named(permit.region),
        valid_from=permit.valid_from, valid_to=permit.valid_to, status=permit.status,
        today=today or dt.date.today())


# --- 7. the kandas certificate --------------------------------------------------------------


def kandas_certificate(session: Session, case_id, today: dt.date | None = None
                       ) -> KandasCertificate:
    """The certificate of a case that has one (granted), with its household."""
    case = _load(session, RepatriateCase, case_id, NO_CASE)
    if not case.certificate_number:
        raise NotFound(NO_CERTIFICATE)
    person = case.person
    return KandasCertificate(
        case_id=case.id, person_id=person.id, case_number=case.case_number,
        certificate_number=case.certificate_number,
        issue_date=case.certificate_issue_date, expiry_date=case.certificate_expiry_date,
        full_name=person.full_name, birth_date=person.birth_date, iin=person.iin,
        country_of_origin=case.country_of_origin, arrival_date=case.arrival_date,
        resettlement_region=named(case.resettlement_region), status=case.status,
        members=tuple(HouseholdLine(m.person.full_name, m.relation, m.person.birth_date,
                                    m.person.iin) for m in household_members(session, case)),
        today=today or dt.date.today())


# --- 8. the outgoing register's journal -----------------------------------------------------

register_journal = register.journal_of


# --- printing and its record ----------------------------------------------------------------

# The forms with personal data whose print the audit trail records: the entity, its id, the
# form's name.
_RECORDED: dict[type, Callable[[Any], tuple[str, uuid.UUID, str]]] = {
    PersonCard: lambda d: ("persons", d.person_id, "person_card"),
    AccessReport: lambda d: ("persons", d.person_id,
                             "access_report_for_person" if d.for_person else "access_report"),
    CaseSummary: lambda d: ("repatriate_cases", d.case_id, "case_summary"),
    EmployerPermitsExtract: lambda d: ("employers", d.employer_id, "employer_permits_extract"),
    ReferralLetter: lambda d: ("persons", d.person_id, "referral_letter"),
    WorkPermitDocument: lambda d: ("work_permits", d.permit_id, "work_permit"),
    KandasCertificate: lambda d: ("repatriate_cases", d.case_id, "kandas_certificate"),
    ChangeRequestForm: lambda d: ("change_requests", d.request_id, "change_request_form"),
}

# The outgoing documents, which take a register number when printed: the kind (a key of
# register.KINDS), the addressee, the person's id and name.
_REGISTERED: dict[type, Callable[[Any], tuple]] = {
    ReferralLetter: lambda d: ("referral_letter", d.addressee, d.person_id, d.full_name),
    QuotaStatement: lambda d: ("quota_statement", None, None, None),
    WorkPermitDocument: lambda d: ("work_permit", d.full_name, d.person_id, d.full_name),
    KandasCertificate: lambda d: ("kandas_certificate", d.full_name, d.person_id,
                                  d.full_name),
}


def numbered(session: Session, document: Document) -> Document:
    """An outgoing document with its register number taken (in the session's transaction);
    any other document as it is."""
    registered = _REGISTERED.get(type(document))
    if registered is None:
        return document
    kind, addressee, person_id, person_name = registered(document)
    number = register.take_number(session, kind, document.today, addressee, person_id,
                                  person_name)
    return dataclasses.replace(document, number=number)


def change_request_form(session: Session, request_id, today: dt.date | None = None
                        ) -> ChangeRequestForm:
    """A change request as a bilingual kk/ru form for the paper file (issue 20)."""
    from kzmigdesk.services.change_requests import request_form

    return request_form(session, request_id, today)


def record_print(session: Session, document) -> None:
    """Write to the audit trail that a form with personal data was printed (the others, such
    as the quota statement, are not recorded)."""
    recorded = _RECORDED.get(type(document))
    if recorded is not None:
        entity_type, entity_id, form = recorded(document)
        audit.record(session, "print", entity_type, entity_id, {"form": form})
    person_id = getattr(document, "person_id", None)
    if person_id is not None:  # the access log too (issue 23), with the print
        access.record_now(session, AccessKind.PRINT, [person_id],
                          recorded(document)[2] if recorded else type(document).__name__)


def write_pdf(database: Database, path: Path, gather: Callable[..., Document],
              render: Callable[[Document], bytes], *args, **kwargs) -> Path:
    """Gather a form's data with `gather(session, *args, **kwargs)`, give an outgoing
    document its register number, make its PDF with `render(data)`, write it to `path`, then
    record the print: all in one transaction, so that a print that fails (ServiceError from
    `gather`, OSError from the write, ...) takes no number, leaves no record and no file."""
    written = False
    access.flush(database)  # the waiting accesses first: a report of them must name them
    try:
        with database.transaction() as session:
            document = numbered(session, gather(session, *args, **kwargs))
            pdf = render(document)
            write_atomically(path, pdf, lambda: record_print(session, document))
            written = True
    except BaseException:
        if written:  # the transaction failed to commit after the file was written
            with suppress(OSError):
                path.unlink()
        raise
    return path
