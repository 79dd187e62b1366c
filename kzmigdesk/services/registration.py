"""Registration of persons: validation, duplicate detection, saving with documents."""

import datetime as dt
import re
import uuid
from dataclasses import dataclass, fields

from babel import Locale
from rapidfuzz import fuzz
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import AccessKind, DocumentType, Sex
from kzmigdesk.domain.identifiers import (
    IdentifierError,
    normalized,
    normalized_line,
    validate_iin,
)
from kzmigdesk.domain.models import (
    DuplicateDecision,
    IdentityDocument,
    Person,
    utcnow,
)
from kzmigdesk.domain.search import name_tokens, normalise_document_number, sort_key
from kzmigdesk.i18n import N_
from kzmigdesk.services import access, change_requests
from kzmigdesk.services.auth import Permission, require_in
from kzmigdesk.services.errors import (
    FieldError,
    NotFound,
    ServiceError,
    StaleRecord,
    ValidationFailed,
)
from kzmigdesk.services.fields import NOT_A_PHONE, PHONE, REQUIRED, clean, field_errors
from kzmigdesk.services.name_index import index_names, unindex

LABELS = {
    "surname": N_("Surname"),
    "given_name": N_("Given name"),
    "patronymic": N_("Patronymic"),
    "surname_latin": N_("Surname in Latin letters"),
    "given_name_latin": N_("Given name in Latin letters"),
    "sex": N_("Sex"),
    "birth_date": N_("Date of birth"),
    "citizenship": N_("Citizenship"),
    "iin": N_("IIN"),
    "phone": N_("Phone"),
    "email": N_("E-mail"),
    "doc_type": N_("Document type"),
    "number": N_("Document number"),
    "issue_date": N_("Date of issue"),
    "expiry_date": N_("Expiry date"),
}
NAME_LENGTH = 100
SIMILAR_NAME_SCORE = 85
COUNTRY_CODES = frozenset(c for c in Locale("en").territories if re.fullmatch("[A-Z]{2}", c))
LATIN_NAME = re.compile(r"[A-Za-z][A-Za-z' \-]*")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass
class PersonInput:
    surname: str = ""
    given_name: str = ""
    patronymic: str | None = None
    surname_latin: str | None = None
    given_name_latin: str | None = None
    sex: Sex | None = None
    birth_date: dt.date | None = None
    citizenship: str | None = None
    iin: str | None = None
    phone: str | None = None
    email: str | None = None
    region_id: uuid.UUID | None = None
    district: str | None = None
    locality: str | None = None
    address: str | None = None
    notes: str | None = None
    photo: bytes | None = None

    @classmethod
    def from_person(cls, person: Person) -> "PersonInput":
        return cls(**{f.name: getattr(person, f.name) for f in fields(cls)})

    def cleaned(self) -> "PersonInput":
        """Blank text becomes None; names and codes lose stray spaces; the IIN and the phone
        are read in NFKC (full-width or superscript digits become ASCII ones; the validators
        refuse what is still not ASCII)."""
        values = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str):
                value = clean(value)
            values[f.name] = value
        values["surname"] = values["surname"] or ""
        values["given_name"] = values["given_name"] or ""
        if values["citizenship"]:
            values["citizenship"] = values["citizenship"].upper()
        values["iin"] = normalized(values["iin"])
        values["phone"] = normalized_line(values["phone"])
        return PersonInput(**values)


@dataclass
class DocumentInput:
    doc_type: DocumentType | None = None
    number: str = ""
    issuing_country: str | None = None
    issued_by: str | None = None
    issue_date: dt.date | None = None
    expiry_date: dt.date | None = None
    id: uuid.UUID | None = None  # an existing document's id, None for a new one


@dataclass
class DuplicateCandidate:
    person_id: uuid.UUID
    full_name: str
    birth_date: dt.date
    iin: str | None
    reason: str  # msgid
    score: float = 100.0
    blocking: bool = False  # the same IIN: the new record cannot be saved beside it


class DuplicatesFound(ServiceError):
    def __init__(self, candidates: list[DuplicateCandidate]):
        super().__init__(N_("This person may already be registered."))
        self.candidates = candidates

    @property
    def blocking(self) -> bool:
        return any(c.blocking for c in self.candidates)


@dataclass(frozen=True)
class PersonRecord:
    """A stored person as the person form edits it."""
    version: int
    data: PersonInput
    documents: tuple[DocumentInput, ...]


_error = field_errors(LABELS)


def validate_person(data: PersonInput, today: dt.date) -> list[FieldError]:
    errors = []
    for name in ("surname", "given_name"):
        if not getattr(data, name):
            errors.append(_error(name, REQUIRED))
    for name in ("surname", "given_name", "patronymic", "surname_latin", "given_name_latin"):
        value = getattr(data, name)
        if value and len(value) > NAME_LENGTH:
            errors.append(_error(name, N_("is longer than {count} characters"), count=NAME_LENGTH))
    for name in ("surname_latin", "given_name_latin"):
        value = getattr(data, name)
        if value and not LATIN_NAME.fullmatch(value):
            errors.append(_error(name, N_("may contain only Latin letters, spaces and hyphens")))
    if data.sex is None:
        errors.append(_error("sex", REQUIRED))
    if data.birth_date is None:
        errors.append(_error("birth_date", REQUIRED))
    elif data.birth_date > today:
        errors.append(_error("birth_date", N_("is in the future")))
    elif data.birth_date.year < 1900:
        errors.append(_error("birth_date", N_("is before 1900")))
    if data.citizenship and data.citizenship not in COUNTRY_CODES:
        errors.append(_error("citizenship", N_("is not a known country code")))
    if data.iin:
        try:
            validate_iin(data.iin, birth_date=data.birth_date, sex=data.sex)
        except IdentifierError as error:
            errors.append(_error("iin", error.message))
    if data.email and not EMAIL.fullmatch(data.email):
        errors.append(_error("email", N_("is not an e-mail address")))
    if data.phone and not PHONE.fullmatch(data.phone):
        errors.append(_error("phone", NOT_A_PHONE))
    return errors


def validate_document(doc: DocumentInput, index: int, today: dt.date,
                      check_expiry: bool = True) -> list[FieldError]:
    prefix = f"documents[{index}]."
    errors = []
    if doc.doc_type is None:
        errors.append(_error("doc_type", REQUIRED, prefix))
    if not normalise_document_number(doc.number or ""):
        errors.append(_error("number", REQUIRED, prefix))
    if doc.issue_date and doc.issue_date > today:
        errors.append(_error("issue_date", N_("is in the future"), prefix))
    if doc.issue_date and doc.expiry_date and doc.expiry_date <= doc.issue_date:
        errors.append(_error("expiry_date", N_("is not after the date of issue"), prefix))
    elif check_expiry and doc.expiry_date and doc.expiry_date < today:
        errors.append(_error("expiry_date", N_("has passed: the document has expired"), prefix))
    return errors


def _name_key(*names: str | None) -> str:
    return " ".join(sorted(name_tokens(*names)))


def _same_iin(session: Session, iin: str | None) -> list[Person]:
    """The live persons with this IIN (the database holds one at most)."""
    if not iin:
        return []
    return list(session.scalars(select(Person).where(Person.iin == iin)))


def find_duplicates(session: Session, data: PersonInput, documents: list[DocumentInput] = (),
                    exclude_id: uuid.UUID | None = None) -> list[DuplicateCandidate]:
    """Persons who may be this one: the same IIN or document number, or the same birth date
    with a similar name in any script."""
    found: dict[uuid.UUID, DuplicateCandidate] = {}

    def add(person: Person, reason: str, score: float = 100.0, blocking: bool = False):
        if person.id != exclude_id and person.id not in found:
            found[person.id] = DuplicateCandidate(person.id, person.full_name, person.birth_date,
                                                  person.iin, reason, score, blocking)

    for person in _same_iin(session, data.iin):
        add(person, N_("the same IIN"), blocking=True)
    numbers = {normalise_document_number(d.number) for d in documents if d.number}
    if numbers:
        query = select(Person).join(IdentityDocument).where(IdentityDocument.number.in_(numbers))
        for person in session.scalars(query):
            add(person, N_("the same document number"))
    if data.birth_date:
        key = _name_key(data.surname, data.given_name, data.surname_latin, data.given_name_latin)
        for person in session.scalars(select(Person).where(Person.birth_date == data.birth_date)):
            score = max(
                fuzz.token_sort_ratio(key, _name_key(*names))
                for names in (
                    (person.surname, person.given_name),
                    (person.surname_latin, person.given_name_latin),
                    (person.surname, person.given_name, person.surname_latin,
                     person.given_name_latin),
                )
            )
            if score >= SIMILAR_NAME_SCORE:
                add(person, N_("the same date of birth and a similar name"), score)
    return sorted(found.values(), key=lambda c: (not c.blocking, -c.score))


def _index_names(session: Session, person: Person) -> None:
    index_names(session, [(person.id, (person.surname, person.given_name, person.patronymic,
                                       person.surname_latin, person.given_name_latin))])


def _save_documents(session: Session, person: Person, documents: list[DocumentInput]) -> None:
    existing = {doc.id: doc for doc in person.documents}
    keep = set()
    for data in documents:
        document = existing.get(data.id) if data.id else None
        if document is None:
            document = IdentityDocument(person=person)
            session.add(document)
        else:
            keep.add(document.id)
        document.doc_type = data.doc_type
        document.number = normalise_document_number(data.number)
        document.issuing_country = (data.issuing_country or "").upper() or None
        document.issued_by = data.issued_by or None
        document.issue_date = data.issue_date
        document.expiry_date = data.expiry_date
    for doc_id, document in existing.items():
        if doc_id not in keep:
            document.deleted_at = utcnow()


def save_person(session: Session, data: PersonInput, documents: list[DocumentInput] | None = None,
                person_id: uuid.UUID | None = None, expected_version: int | None = None,
                confirm_duplicates: bool = False, today: dt.date | None = None) -> Person:
    """Create or update a person and their documents (None: leave the documents as they are).

    Raises ValidationFailed, DuplicatesFound (unless the clerk confirmed them), StaleRecord
    (someone saved the person since `expected_version` was read) or NotFound."""
    today = today or dt.date.today()
    data = data.cleaned()
    person = None
    actor = require_in(session, Permission.REGISTER)
    if person_id is not None:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFound(N_("The person no longer exists."))
        require_in(session, Permission.REGISTER, person.office_id)
        if expected_version is not None and person.version != expected_version:
            raise StaleRecord(N_("Someone else has changed this record. Reload it and try again."))
    old_expiry = {d.id: d.expiry_date for d in person.documents} if person else {}
    errors = validate_person(data, today)
    for index, doc in enumerate(documents or []):
        changed = doc.id is None or old_expiry.get(doc.id) != doc.expiry_date
        errors += validate_document(doc, index, today, check_expiry=changed)
    if errors:
        raise ValidationFailed(errors)

    identity_changed = person is None or any(
        getattr(person, name) != getattr(data, name)
        for name in ("surname", "given_name", "surname_latin", "given_name_latin", "birth_date",
                     "iin"))
    new_documents = [d for d in documents or [] if d.id is None]
    candidates = []
    if identity_changed or new_documents:
        candidates = find_duplicates(session, data, new_documents, exclude_id=person_id)
    if candidates and (not confirm_duplicates or any(c.blocking for c in candidates)):
        raise DuplicatesFound(candidates)
    if person is not None:  # a clerk's change of identity data waits for approval
        change_requests.divert_identity(session, person, data, documents)

    try:
        # In a savepoint: when another clerk saved the same IIN since find_duplicates looked,
        # the database's unique index refuses it, and the clerk sees the same block.
        with session.begin_nested():
            if person is None:
                person = Person(office_id=actor.office_id)  # registered by this office
                session.add(person)
            for f in fields(PersonInput):
                setattr(person, f.name, getattr(data, f.name))
            person.sort_name = sort_key(person.surname, person.given_name, person.patronymic)
            if documents is not None:
                _save_documents(session, person, documents)
            session.flush()
    except StaleDataError:
        raise StaleRecord(
            N_("Someone else has changed this record. Reload it and try again.")) from None
    except IntegrityError:
        clashes = [p for p in _same_iin(session, data.iin) if p.id != person_id]
        if not clashes:
            raise
        raise DuplicatesFound([
            DuplicateCandidate(p.id, p.full_name, p.birth_date, p.iin, N_("the same IIN"),
                               blocking=True) for p in clashes]) from None
    _index_names(session, person)
    for candidate in candidates:
        session.add(DuplicateDecision(person_id=person.id, candidate_id=candidate.person_id,
                                      reason=candidate.reason, score=candidate.score,
                                      user_id=actor.user_id))
    return person


def delete_person(session: Session, person_id: uuid.UUID, expected_version: int | None = None):
    """Soft delete: the person disappears from lists and searches but stays in the database."""
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(N_("The person no longer exists."))
    require_in(session, Permission.REGISTER, person.office_id)
    if expected_version is not None and person.version != expected_version:
        raise StaleRecord(N_("Someone else has changed this record. Reload it and try again."))
    change_requests.divert(session, change_requests.ChangeKind.DELETION, person,
                           {"deleted": True}, {"deleted": False})
    person.deleted_at = utcnow()
    unindex(session, person.id)


# --- use cases for the GUI: each opens its own session or transaction ---


def load_person(database: Database, person_id: uuid.UUID) -> PersonRecord:
    with database.sessions() as session:
        person = session.get(Person, person_id)
        if person is None:
            raise NotFound(N_("The person no longer exists."))
        documents = tuple(DocumentInput(d.doc_type, d.number, d.issuing_country, d.issued_by,
                                        d.issue_date, d.expiry_date, d.id)
                          for d in person.documents)
        record = PersonRecord(person.version, PersonInput.from_person(person), documents)
    access.note(database, AccessKind.OPEN, [person_id])  # issue 23: the read is accounted
    return record


def register_person(database: Database, data: PersonInput,
                    documents: list[DocumentInput] | None = None,
                    person_id: uuid.UUID | None = None, expected_version: int | None = None,
                    confirm_duplicates: bool = False) -> uuid.UUID:
    """save_person in its own transaction; the saved person's id. SentForApproval when the
    change waits for a supervisor (the request is stored)."""
    with change_requests.transaction(database) as session:
        return save_person(session, data, documents, person_id=person_id,
                           expected_version=expected_version,
                           confirm_duplicates=confirm_duplicates).id
