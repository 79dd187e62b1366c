"""Finding persons: text search (IIN, document number, name in any script) and the paged,
filtered, sorted list behind the persons table. Every path uses an index, never a scan of
the names."""

import datetime as dt
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import Select, and_, exists, func, intersect, select
from sqlalchemy.orm import Session, aliased

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import PersonCategory
from kzmigdesk.domain.models import (
    IdentityDocument,
    Person,
    PersonNameToken,
    PersonNumber,
    Region,
)
from kzmigdesk.domain.search import normalise_document_number, query_tokens, sort_key

SORT_KEYS = {
    "name": (Person.sort_name,),
    "birth_date": (Person.birth_date, Person.sort_name),
    "iin": (Person.iin,),
    "registered": (Person.created_at,),
}


@dataclass(frozen=True)
class PersonFilter:
    text: str = ""
    region_id: uuid.UUID | None = None
    category: PersonCategory | None = None
    status: str | None = None


@dataclass(frozen=True)
class PersonRow:
    id: uuid.UUID
    version: int
    surname: str
    given_name: str
    patronymic: str | None
    surname_latin: str | None
    given_name_latin: str | None
    birth_date: dt.date
    iin: str | None
    region_id: uuid.UUID | None
    category: PersonCategory
    status: str | None
    citizenship: str | None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)

    @property
    def latin_name(self) -> str:
        return " ".join(p for p in (self.surname_latin, self.given_name_latin) if p)


ROW_COLUMNS = [getattr(Person, name) for name in PersonRow.__dataclass_fields__]


SHORT_WORD = 2  # letters


def _prefix_range(column, prefix: str):
    """column LIKE 'prefix%' as a range an index can serve, in any collation."""
    return and_(column >= prefix, column < prefix[:-1] + chr(ord(prefix[-1]) + 1))


def matching_ids(text: str) -> Select | None:
    """A query of the ids of persons matching `text`, or None when the text is empty."""
    text = text.strip()
    if not text:
        return None
    numbers = matching_numbers(text)
    if numbers is not None:
        return select(PersonNumber.person_id).where(PersonNumber.no.in_(numbers))
    compact = normalise_document_number(text)  # NFKC: full-width digits become ASCII ones
    if re.fullmatch(r"[0-9]{4,12}", compact):
        by_iin = select(Person.id).where(_prefix_range(Person.iin, compact))
        by_document = select(IdentityDocument.person_id).where(
            _prefix_range(IdentityDocument.number, compact))
        return by_iin.union(by_document)
    if re.search(r"\d", compact):
        return select(IdentityDocument.person_id).where(
            _prefix_range(IdentityDocument.number, compact))
    return select(Person.id).where(False)  # no word in the text


def matching_numbers(text: str):
    """For a text of names (no digits): a query of the numbers (PersonNumber) of the persons
    it names, which may repeat a number; None for other texts."""
    tokens = query_tokens(text)
    if not tokens or re.search(r"\d", normalise_document_number(text)):
        return None
    # A word of one or two letters begins tens of thousands of names: rather than read them
    # all, it is checked on the persons that the longer words matched.
    long_words = [token for token in tokens if len(token) > SHORT_WORD] or tokens[:1]
    per_token = [
        select(PersonNameToken.person_no).where(_prefix_range(PersonNameToken.token, token))
        for token in long_words
    ]
    numbers = per_token[0] if len(per_token) == 1 else intersect(*per_token)
    short_words = tokens[len(long_words):]  # tokens are sorted longest first
    if short_words:
        matched = numbers.subquery()
        numbers = select(matched.c.person_no)
        for word in short_words:
            token = aliased(PersonNameToken)
            numbers = numbers.where(exists().where(token.person_no == matched.c.person_no,
                                                   _prefix_range(token.token, word)))
    return numbers


def _filtered(query: Select, filt: PersonFilter) -> Select:
    ids = matching_ids(filt.text)
    if ids is not None:
        query = query.where(Person.id.in_(ids))
    if filt.region_id is not None:
        query = query.where(Person.region_id == filt.region_id)
    if filt.category is not None:
        query = query.where(Person.category == filt.category)
    if filt.status is not None:
        query = query.where(Person.status == filt.status)
    return query


def count_persons(session: Session, filt: PersonFilter = PersonFilter()) -> int:
    ids = matching_ids(filt.text)
    if ids is not None and filt == PersonFilter(text=filt.text):
        # Text alone: names are counted in the token index alone (a deleted person's tokens
        # are removed); IIN and document matches are checked against the persons.
        numbers = matching_numbers(filt.text)
        if numbers is not None:
            matched = numbers.subquery()
            return session.scalar(select(func.count(matched.c.person_no.distinct())))
        live = select(Person.id).where(Person.id.in_(ids))
        return session.scalar(select(func.count()).select_from(live.subquery()))
    return session.scalar(_filtered(select(func.count()).select_from(Person), filt))


def fetch_persons(session: Session, filt: PersonFilter = PersonFilter(), sort: str = "name",
                  descending: bool = False, offset: int = 0, limit: int = 100) -> list[PersonRow]:
    """One page of the list, sorted; the id breaks ties so that pages never overlap."""
    order = [c.desc() if descending else c.asc() for c in (*SORT_KEYS[sort], Person.id)]
    query = _filtered(select(*ROW_COLUMNS), filt).order_by(*order).offset(offset).limit(limit)
    return [PersonRow(*row) for row in session.execute(query)]


FEW_MATCHES_DIGITS = 6  # an IIN begins with the date of birth: six digits name a day


def count_and_first_page(session: Session, filt: PersonFilter = PersonFilter(),
                         sort: str = "name", descending: bool = False,
                         limit: int = 100) -> tuple[int, list[PersonRow]]:
    """The count and the first page of the list. A search of two or more names intersects
    their token ranges, the costly part, and a long IIN or document number prefix matches
    few persons: either is read once, with the count taken over the matches beside the page
    (a window function). Otherwise the count stays a cheap index count, and reading every
    match for it would cost more than a second query."""
    digits = re.search(r"\d", filt.text)
    if (len(normalise_document_number(filt.text)) < FEW_MATCHES_DIGITS if digits
            else len(query_tokens(filt.text)) < 2):
        return count_persons(session, filt), fetch_persons(session, filt, sort, descending,
                                                          limit=limit)
    order = [c.desc() if descending else c.asc() for c in (*SORT_KEYS[sort], Person.id)]
    query = (_filtered(select(*ROW_COLUMNS, func.count().over()), filt)
             .order_by(*order).limit(limit))
    rows = session.execute(query).all()
    return (rows[0][-1] if rows else 0), [PersonRow(*row[:-1]) for row in rows]


def search_persons(session: Session, text: str, limit: int = 50) -> list[PersonRow]:
    return fetch_persons(session, PersonFilter(text=text), limit=limit)


def region_names(session: Session) -> dict[uuid.UUID, str]:
    """Region names in the current language, for showing rows."""
    return {region.id: region.name for region in session.scalars(select(Region))}


# --- use cases for the GUI: each opens its own session ---


@dataclass(frozen=True)
class PersonListing:
    """What the persons list shows after a reload: the count, the first page and the region
    names its rows refer to (read once per reload, in the current language)."""
    count: int
    rows: list[PersonRow]
    regions: dict[uuid.UUID, str]


def list_persons(database: Database, filt: PersonFilter = PersonFilter(), sort: str = "name",
                 descending: bool = False, limit: int = 100) -> PersonListing:
    with database.sessions() as session:
        count, rows = count_and_first_page(session, filt, sort, descending, limit=limit)
        return PersonListing(count, rows, region_names(session))


def persons_page(database: Database, filt: PersonFilter = PersonFilter(), sort: str = "name",
                 descending: bool = False, offset: int = 0, limit: int = 100) -> list[PersonRow]:
    with database.sessions() as session:
        return fetch_persons(session, filt, sort, descending, offset=offset, limit=limit)


def find_persons(database: Database, text: str, limit: int = 50) -> list[PersonRow]:
    with database.sessions() as session:
        return search_persons(session, text, limit=limit)


def region_choices(database: Database) -> list[tuple[str, uuid.UUID]]:
    """(name, id) of every region, by name in the current language."""
    with database.sessions() as session:
        names = region_names(session)
    return sorted(((name, rid) for rid, name in names.items()), key=lambda item: sort_key(item[0]))
