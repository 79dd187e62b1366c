"""Finding persons: text search (IIN, document number, name in any script) and the paged,
filtered, sorted list behind the persons table. Every path uses an index, never a scan of
the names."""

import datetime as dt
import functools
import re
import time
import uuid
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Index,
    Integer,
    Select,
    String,
    and_,
    any_,
    bindparam,
    cast,
    exists,
    func,
    intersect,
    literal,
    literal_column,
    select,
    tuple_,
    union,
    union_all,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.visitors import InternalTraversal

from kzmigdesk.db.indexed import indexed_by
from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import AccessKind, PersonCategory
from kzmigdesk.domain.models import (
    IdentityDocument,
    Person,
    PersonNamePair,
    PersonNameToken,
    PersonNumber,
    Region,
)
from kzmigdesk.domain.search import normalise_document_number, query_tokens, sort_key
from kzmigdesk.services import access

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
    sort_name: str = ""  # the keys of the list's orders: the next page begins after a row
    created_at: dt.datetime | None = None

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.given_name, self.patronymic) if p)

    @property
    def latin_name(self) -> str:
        return " ".join(p for p in (self.surname_latin, self.given_name_latin) if p)


ROW_COLUMNS = [getattr(Person, name) for name in PersonRow.__dataclass_fields__]


SHORT_WORD = 2  # letters


def prefix_upper(prefix: str) -> str:
    """The first string after every one that `prefix` begins."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def prefix_range(column, prefix: str):
    """column LIKE 'prefix%' as a range an index can serve, in any collation."""
    return and_(column >= prefix, column < prefix_upper(prefix))


def _number_ids(lower, upper) -> Select:
    """The persons whose IIN or a live document's number lies in [lower, upper): values, or
    bound parameters for a statement built once (_number_page_query)."""
    by_iin = select(Person.id).where(Person.iin >= lower, Person.iin < upper)
    by_document = select(IdentityDocument.person_id).where(
        IdentityDocument.number >= lower, IdentityDocument.number < upper,
        IdentityDocument.deleted_at.is_(None))  # also where run without the ORM
    return by_iin.union(by_document)


def matching_ids(text: str, listed_in: int = 0) -> Select | None:
    """A query of the ids of persons matching `text`, or None when the text is empty;
    `listed_in`: a bit of PersonNameToken.lists, to find by name only the persons of a list."""
    text = text.strip()
    if not text:
        return None
    numbers = matching_numbers(text, listed_in)
    if numbers is not None:
        return select(PersonNumber.person_id).where(PersonNumber.no.in_(numbers))
    compact = normalise_document_number(text)  # NFKC: full-width digits become ASCII ones
    if re.fullmatch(r"[0-9]{4,12}", compact):
        return _number_ids(compact, prefix_upper(compact))
    if re.search(r"\d", compact):
        return select(IdentityDocument.person_id).where(
            prefix_range(IdentityDocument.number, compact))
    return select(Person.id).where(False)  # no word in the text


def matching_numbers(text: str, listed_in: int = 0):
    """For a text of names (no digits): a query of the numbers (PersonNumber) of the persons
    it names, which may repeat a number; None for other texts. `listed_in`: as matching_ids."""
    tokens = name_words(text)
    if tokens is None:
        return None
    # A word of one or two letters begins tens of thousands of names: rather than read them
    # all, it is checked on the persons that the longer words matched.
    long_words = [token for token in tokens if len(token) > SHORT_WORD] or tokens[:1]
    numbers = _token_persons(long_words, listed_in, PersonNameToken.person_no)
    short_words = tokens[len(long_words):]  # tokens are sorted longest first
    if short_words:
        matched = numbers.subquery()
        numbers = select(matched.c.person_no)
        for word in short_words:
            token = aliased(PersonNameToken)
            numbers = numbers.where(exists().where(token.person_no == matched.c.person_no,
                                                   prefix_range(token.token, word)))
    return numbers


def _token_persons(words: list[str], listed_in: int, column) -> Select:
    """`column` of the tokens that every one of `words` begins (of a list's persons)."""
    per_token = [select(column).where(prefix_range(PersonNameToken.token, word))
                 for word in words]
    if listed_in:
        # literal: the condition of the list's index (models), in every plan of the query
        listed = PersonNameToken.lists.op("&")(literal_column(str(int(listed_in))))
        per_token = [query.where(listed != literal_column("0")) for query in per_token]
    return per_token[0] if len(per_token) == 1 else intersect(*per_token)


def listed_person_ids(text: str, listed_in: int) -> Select | None:
    """The ids of a list's persons that `text`, a search of names, names, from the list's
    index of tokens alone (which holds them: a walk by persons hashes them without looking
    each one up); None for other texts and for those with a short word beside longer ones
    (matching_numbers checks it on each person)."""
    tokens = name_words(text)
    if tokens is None or (len(tokens) > 1 and min(map(len, tokens)) <= SHORT_WORD):
        return None
    return _token_persons(tokens, listed_in, PersonNameToken.person_id)


def numbers_as_values(session: Session, numbers: Select, cap: int) -> Select | None:
    """On PostgreSQL, the persons of the numbers (a query of matching_numbers) read first, at
    most `cap` of them, and given back as a query of their ids over one array of values;
    None past `cap`, and elsewhere. Its estimate of a name's matches (an intersection of
    words', or a list's persons') can be wrong by a hundredfold, and its plan with it: a
    whole name found among 5,000,000 persons by reading all their numbers (0.35 s, not 5 ms).
    One text, not a parameter a number: the ORM's rows and psycopg's arrays cost some 20 ms
    in Python for 10,000 numbers."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    found = session.connection().execute(numbers.limit(cap + 1)).scalars().all()
    if len(found) > cap:
        return None
    array = "{" + ",".join(map(str, sorted(set(found)))) + "}"  # they may repeat
    values = cast(bindparam("numbers", array, type_=String), postgresql.ARRAY(Integer))
    return select(PersonNumber.person_id).where(PersonNumber.no == any_(values))


def _filtered(query: Select, filt: PersonFilter, ids: Select | None = None) -> Select:
    """`query` restricted to the filter; `ids`: the persons of its text, if read already."""
    ids = matching_ids(filt.text) if ids is None else ids
    if ids is not None:
        query = query.where(Person.id.in_(ids))
    if filt.region_id is not None:
        query = query.where(Person.region_id == filt.region_id)
    if filt.category is not None:
        query = query.where(Person.category == filt.category)
    if filt.status is not None:
        query = query.where(Person.status == filt.status)
    return query


def count_persons(session: Session, filt: PersonFilter = PersonFilter(),
                  sort: str | None = None) -> int:
    """The number of persons of `filt`; with `sort` (a list's order), counted in that order's
    index where one holds them (SQLite: INDEXED BY): an encrypted file then has the pages a
    jump deep into the list reads decrypted in its cache (a count in another index: 250 ms,
    not 40 ms, for row 900,000 of 1,000,000)."""
    index = order_index(filt, sort) if sort else None
    if index is not None:
        return _count_in(session, index, filt)
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


FILTER_COLUMNS = ("status", "category", "region_id")
ORDER_COLUMNS = {"name": ("sort_name", "id"), "birth_date": ("birth_date", "sort_name", "id"),
                 "iin": ("iin", "id"), "registered": ("created_at", "id")}


def order_index(filt: PersonFilter, sort: str) -> Index | None:
    """The index of live persons in the list's order `sort` that holds exactly the persons
    of `filt` (its one filter first, if any); None for a text or several filters."""
    filters = [name for name in FILTER_COLUMNS if getattr(filt, name) is not None]
    if filt.text.strip() or len(filters) > 1:
        return None
    wanted = (*filters, *ORDER_COLUMNS[sort])
    return next((index for index in Person.__table__.indexes
                 if tuple(column.name for column in index.columns) == wanted
                 and index.dialect_options["sqlite"]["where"] is not None), None)


def _count_in(session: Session, index: Index, filt: PersonFilter) -> int:
    persons = indexed_by(Person, index.name)
    query = select(func.count()).select_from(persons)
    for name in FILTER_COLUMNS:
        if getattr(filt, name) is not None:
            query = query.where(getattr(persons, name) == getattr(filt, name))
    return session.scalar(query)


def fetch_persons(session: Session, filt: PersonFilter = PersonFilter(), sort: str = "name",
                  descending: bool = False, offset: int = 0, limit: int = 100,
                  after: "PersonRow | None" = None) -> list[PersonRow]:
    """One page of the list, sorted; the id breaks ties so that pages never overlap. With
    `after` (the last row of the page before, at offset - limit) the page is read from that
    row on (keyset paging: no OFFSET to skip), where the order's keys are never NULL."""
    if after is not None and sort in KEYSET_SORTS:
        return _page_after(session, filt, sort, descending, limit, after)
    order = [c.desc() if descending else c.asc() for c in (*SORT_KEYS[sort], Person.id)]
    query = _filtered(select(*ROW_COLUMNS), filt).order_by(*order)
    if offset >= DEEP_OFFSET:
        # The rows skipped are read from the order's index alone, not the table: SQLite
        # defers reading a row until it is shown, PostgreSQL reads each one skipped unless
        # asked for the ids only (an index-only scan): 0.8 s at row 500,000 instead of 0.05.
        page = _filtered(select(Person.id), filt).order_by(*order).offset(offset).limit(limit)
        return [PersonRow(*row) for row in session.execute(
            query.where(Person.id.in_(page)))]
    return [PersonRow(*row) for row in session.execute(query.offset(offset).limit(limit))]


DEEP_OFFSET = 1_000
KEYSET_SORTS = ("name", "birth_date", "registered")  # not "iin": persons without one


def _beyond(row: "PersonRow", sort: str, descending: bool):
    """The rows after `row` in the list's order."""
    columns = (*SORT_KEYS[sort], Person.id)
    values = tuple_(*(literal(getattr(row, column.key), column.type) for column in columns))
    return tuple_(*columns) < values if descending else tuple_(*columns) > values


def _page_after(session: Session, filt: PersonFilter, sort: str, descending: bool,
                limit: int, after: "PersonRow") -> list[PersonRow]:
    text = filt.text.strip()
    words = name_words(text) if text else None
    if _pairs_may_serve(filt, words, sort):
        found = _by_name_pair(session, words, descending, limit, after)
        if found is not None:
            return found[1]
    if not text or words is not None:
        try:
            return within_seconds(session, DENSE_WALK_SECONDS, lambda: _walk(
                session, filt, words, sort, descending, limit, after), on_postgres=False)
        except TimeUp:
            pass
    order = [c.desc() if descending else c.asc() for c in (*SORT_KEYS[sort], Person.id)]
    query = (_filtered(select(*ROW_COLUMNS), filt).where(_beyond(after, sort, descending))
             .order_by(*order).limit(limit))
    return [PersonRow(*row) for row in session.execute(query)]


FEW_MATCHES_DIGITS = 6  # an IIN begins with the date of birth: six digits name a day


def count_and_first_page(session: Session, filt: PersonFilter = PersonFilter(),
                         sort: str = "name", descending: bool = False,
                         limit: int = 100) -> tuple[int, list[PersonRow]]:
    """The exact count and the first page of the list (first_page, then the exact count
    when it gave a lower bound)."""
    first = first_page(session, filt, sort, descending, limit)
    return (first.count if first.exact else count_persons(session, filt)), first.rows


# --- the first page at once, at any size ---
#
# A list's first page is read one of two ways. When the matches are few (COUNT_CAP at most,
# counted by an index up to that cap), they are all read and sorted. When they are many, the
# index of the list's order is walked and each row tested (the filters on the row, each word
# of a name search by an EXISTS on the name index) until the page is full: matches that are
# at least one in a hundred fill it within a few thousand rows. A walk through rows that
# rarely match would take long: on SQLite it stops after WALK_SECONDS and the matches are
# read and sorted instead. A search of several words is mostly a whole name, of few matches:
# they are read and sorted first, and walked for only if that takes over FEW_SECONDS. Either
# way the rows are those of fetch_persons.

COUNT_CAP = 10_000  # the list shows "10,000+" until the exact count, read in the background
FIRST_LETTERS_INDEXED = 2  # PostgreSQL: words of up to so many letters, by their own index
FEW_AS_VALUES = COUNT_CAP  # PostgreSQL: the few matches sorted are read first (numbers_as_values)
TOKENS_PER_PERSON = 4  # a page of a word's persons from this many tokens each, mostly
WALK_SECONDS = 0.06
FEW_SECONDS = 0.1
FEW_SECONDS_POSTGRES = 0.5  # its walk costs more a row: a whole name at 5M, 0.35 s vs 2 s
DENSE_WALK_SECONDS = 0.25


@dataclass(frozen=True)
class FirstPage:
    count: int  # exact, or a lower bound (COUNT_CAP, or the page's length)
    exact: bool
    rows: list[PersonRow]


class Unindexed(ColumnElement):
    """A column that SQLite will not read through an index ("+column"): a sort or filter
    the query plan must not be led by. Other databases plan by their statistics."""

    inherit_cache = True
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]  # cacheable

    def __init__(self, column):
        self.column = column
        self.type = column.type


@compiles(Unindexed)
def _unindexed_default(element, compiler, **kw):
    return compiler.process(element.column, **kw)


@compiles(Unindexed, "sqlite")
def _unindexed_sqlite(element, compiler, **kw):
    return "+" + compiler.process(element.column, **kw)


class SortedAfter(Unindexed):
    """A sort key that no database reads through an index: the matches are found first,
    then sorted. PostgreSQL, whose estimate of a name's matches in a list may be wrong by
    thousands, would otherwise walk the list's order for them (1.4 s for a name no worker
    bears, at 1,000,000 persons)."""

    inherit_cache = True


@compiles(SortedAfter, "postgresql")
def _sorted_after_postgresql(element, compiler, **kw):
    column = compiler.process(element.column, **kw)
    return f"coalesce({column}, {column})"  # the same order; not an indexed expression


def name_words(text: str) -> list[str] | None:
    """The tokens of a search of names (no digits); None for another text."""
    tokens = query_tokens(text)
    if not tokens or re.search(r"\d", normalise_document_number(text)):
        return None
    return tokens


def _has_filters(filt: PersonFilter) -> bool:
    return filt != PersonFilter(text=filt.text)


def _capped_count(session: Session, filt: PersonFilter, words: list[str] | None) -> int | None:
    """The count up to COUNT_CAP + 1 where one index range counts it fast (one word of a
    name alone, one filter alone, or nothing); None otherwise."""
    text = filt.text.strip()
    filters = [v for v in (filt.region_id, filt.category, filt.status) if v is not None]
    if text and (filters or words is None or len(words) > 1) or len(filters) > 1:
        return None
    if text:
        numbers = matching_numbers(text)
        matched = numbers.subquery()
        query = select(matched.c.person_no).distinct().limit(COUNT_CAP + 1)
    else:
        query = _filtered(select(Person.id), filt).limit(COUNT_CAP + 1)
    return session.scalar(select(func.count()).select_from(query.subquery()))


def _sorted_matches(session: Session, filt: PersonFilter, sort: str, descending: bool,
                    limit: int) -> tuple[int, list[PersonRow]]:
    """The count and first page when the matches are few: all read (led by the search or a
    filter's index, not the order's), counted beside the page and sorted."""
    order = [Unindexed(c) for c in (*SORT_KEYS[sort], Person.id)]
    order = [c.desc() if descending else c.asc() for c in order]
    numbers = matching_numbers(filt.text.strip()) if filt.text.strip() else None
    ids = None if numbers is None else numbers_as_values(session, numbers, FEW_AS_VALUES)
    query = (_filtered(select(*ROW_COLUMNS, func.count().over()), filt, ids)
             .order_by(*order).limit(limit))
    rows = session.execute(query).all()
    return (rows[0][-1] if rows else 0), [PersonRow(*row[:-1]) for row in rows]


def _walk(session: Session, filt: PersonFilter, words: list[str] | None, sort: str,
          descending: bool, limit: int, after: PersonRow | None = None) -> list[PersonRow]:
    """The first page (or the page after a row) by the index of the list's order, each row
    tested."""
    query = select(*ROW_COLUMNS)
    if after is not None:
        query = query.where(_beyond(after, sort, descending))
    # The most selective filter leads: its index in the list's order (see models.Person);
    # the others are tested on the rows.
    led = False
    for column, value in ((Person.region_id, filt.region_id), (Person.status, filt.status),
                          (Person.category, filt.category)):
        if value is not None:
            query = query.where((Unindexed(column) if led else column) == value)
            led = True
    for word in words or ():
        token = aliased(PersonNameToken)
        number = aliased(PersonNumber)
        query = query.where(exists().where(
            number.person_id == Person.id, token.person_no == number.no,
            prefix_range(token.token, word)))
    order = [c.desc() if descending else c.asc() for c in (*SORT_KEYS[sort], Person.id)]
    return [PersonRow(*row) for row in session.execute(query.order_by(*order).limit(limit))]


class TimeUp(Exception):
    pass


def within_seconds(session: Session, seconds: float, work, on_postgres: bool = True):
    """work() (reads only), stopped (TimeUp) after `seconds`: on SQLite by a progress
    handler, on PostgreSQL (unless not `on_postgres`) by a statement timeout inside a
    savepoint."""
    connection = session.connection()
    if connection.dialect.name == "postgresql" and on_postgres:
        return _within_seconds_postgres(session, seconds, work)
    if connection.dialect.name != "sqlite":
        return work()
    dbapi = connection.connection.dbapi_connection
    deadline = time.monotonic() + seconds
    expired = []

    def check() -> int:
        if time.monotonic() > deadline:
            expired.append(True)
            return 1
        return 0

    dbapi.set_progress_handler(check, 20_000)
    try:
        return work()
    except OperationalError:
        if expired:
            raise TimeUp() from None
        raise
    finally:
        dbapi.set_progress_handler(None, 0)


def _within_seconds_postgres(session: Session, seconds: float, work):
    """The savepoint is rolled back either way: that ends the SET LOCAL, and work() only
    read. A cancel by a newer search (db/cancel.py) is query_canceled too: the rollback's
    statement then raises Cancelled, which wins over TimeUp."""
    savepoint = session.begin_nested()
    try:
        connection = session.connection()
        connection.exec_driver_sql(
            f"SET LOCAL statement_timeout = {max(1, round(seconds * 1000))}")
        # A read of a few rows that may stop early: workers in parallel cost more than they
        # save (a walk of a list: 170 -> 75 ms at 1,000,000 persons).
        connection.exec_driver_sql("SET LOCAL max_parallel_workers_per_gather = 0")
        # A walk's order comes whole from the list's index: not from an index of its first
        # column and the table, sorted by the rest as it goes (a services list's second page
        # by persons, the start date's index: 0.94 s instead of 30 ms).
        connection.exec_driver_sql("SET LOCAL enable_incremental_sort = off")
        return work()
    except OperationalError as error:
        if getattr(error.orig, "sqlstate", None) == "57014":  # query_canceled
            raise TimeUp() from None
        raise
    finally:
        savepoint.rollback()


def _by_name_tokens(session: Session, word: str, descending: bool,
                    limit: int) -> list[PersonRow]:
    """The first page by name of the persons that `word` begins a name of, from the tokens
    alone (each carries its person's sort name): the range of the word is ordered without
    reading a person's row, then the page's persons (and those tied with its last) are read
    and ordered as the list orders them."""
    in_range = prefix_range(PersonNameToken.token, word)
    if len(word) <= FIRST_LETTERS_INDEXED and session.get_bind().dialect.name == "postgresql":
        # the index of the tokens' first letters in this order (migration 0038): the range of
        # a letter is a fifth of the tokens, whose top-N sort took 0.45 s at 5,000,000 persons
        first = func.left(PersonNameToken.token, literal_column(str(len(word))))
        in_range = first == word
    name = PersonNameToken.sort_name
    query = (select(name, PersonNameToken.person_no).where(in_range)
             .order_by(name.desc() if descending else name, PersonNameToken.person_no))
    # A person has a few tokens a word begins (the Latin spellings too): a plain top-N sort
    # of a few times the page is much cheaper than DISTINCT over the whole range.
    found = session.execute(query.limit(limit * TOKENS_PER_PERSON)).all()
    top = list(dict.fromkeys(found))[:limit]
    if len(top) < limit and len(found) == limit * TOKENS_PER_PERSON:
        top, found = session.execute(query.distinct().limit(limit)).all(), []
    if not top:
        return []
    numbers = {number for _name, number in top}
    last = top[-1][0]
    if len(top) == limit and found and found[-1][0] != last:
        # the tokens read go past the page's last name: all tied with it are among them
        numbers.update(number for sort_name, number in found if sort_name == last)
    ids = set(session.scalars(select(PersonNumber.person_id).where(
        PersonNumber.no.in_(numbers))))
    if len(top) == limit and not (found and found[-1][0] != last):
        # those tied with the last come first when their ids come first
        person = PersonNumber.person_id
        ids.update(session.scalars(
            select(person).join(PersonNameToken, PersonNameToken.person_no == PersonNumber.no)
            .where(in_range, name == last).distinct()
            .order_by(person.desc() if descending else person).limit(limit)))
    # the few rows found by id, then sorted (not the order's index walked for them)
    order = [Unindexed(c) for c in (Person.sort_name, Person.id)]
    order = [c.desc() if descending else c.asc() for c in order]
    query = (select(*ROW_COLUMNS)
             .where(Person.id.in_(ids), Unindexed(Person.deleted_at).is_(None))
             .order_by(*order).limit(limit).execution_options(include_deleted=True))
    return [PersonRow(*row) for row in session.execute(query)]


PAIR_VOCABULARY = 100  # a word that begins more tokens is not searched by pairs


def _begins(column, name: str):
    """prefix_range over the bound values `name` and `name`_upper (statements built once)."""
    return and_(column >= bindparam(name), column < bindparam(f"{name}_upper"))


@functools.cache
def _vocabularies_query() -> Select:
    """The tokens each of two words (word0, word1) begins, one step of the tokens' index
    each (not the range of all their persons read), at most PAIR_VOCABULARY + 1 a word."""
    steps = []
    for number in range(2):
        token = aliased(PersonNameToken)
        upper = bindparam(f"word{number}_upper")

        def after(lower, token=token, upper=upper) -> Select:
            return (select(token.token).where(lower, token.token < upper)
                    .order_by(token.token).limit(1).scalar_subquery())

        found = select(after(token.token >= bindparam(f"word{number}")).label("token"),
                       literal(1).label("step")).cte(f"vocabulary{number}", recursive=True)
        found = found.union_all(select(after(token.token > found.c.token), found.c.step + 1)
                                .where(found.c.token.is_not(None),
                                       found.c.step <= PAIR_VOCABULARY))
        steps.append(select(literal(number).label("word"), found.c.token)
                     .where(found.c.token.is_not(None)))
    return union_all(*steps)


@functools.cache
def _pair_page_query(others: int, descending: bool, after: bool, limit: int) -> Select:
    """The page (after a row) of the persons whose pair of tokens holds one token the first
    word (word0) begins and one the second (word1) begins, in either order, and who have a
    token each other word (other0, ...) begins; the count of all beside each row."""
    pair = PersonNamePair
    found = []
    for vocabulary, word in (("vocabulary0", "word1"), ("vocabulary1", "word0")):
        query = select(pair.sort_name, pair.person_id).where(
            pair.first_token.in_(bindparam(vocabulary, expanding=True)),
            _begins(pair.second_token, word))
        for number in range(others):
            token, person = aliased(PersonNameToken), aliased(PersonNumber)
            query = query.where(exists().where(person.person_id == pair.person_id,
                                               token.person_no == person.no,
                                               _begins(token.token, f"other{number}")))
        found.append(query)
    # each read from the pairs' index alone (not the rows of both, a bitmap of their pages)
    matches = union(*found).subquery()
    keys = (matches.c.sort_name, matches.c.person_id)
    page = select(*keys, func.count().over().label("count")).order_by(
        *(key.desc() if descending else key for key in keys)).limit(limit)
    if after:
        bound = tuple_(bindparam("after_name", type_=Person.sort_name.type),
                       bindparam("after_id", type_=Person.id.type))
        page = page.where(tuple_(*keys) < bound if descending else tuple_(*keys) > bound)
    page = page.subquery()
    order = [Unindexed(c) for c in (Person.sort_name, Person.id)]
    return (select(*ROW_COLUMNS, page.c.count).join(page, page.c.person_id == Person.id)
            .where(Person.deleted_at.is_(None))  # run without the ORM, which adds it
            .order_by(*(c.desc() if descending else c.asc() for c in order)))


@functools.cache
def _number_page_query(sort: str, descending: bool, limit: int) -> Select:
    """The persons whose IIN or a document's number begins with `number`, sorted, with their
    count: matching_ids' and _sorted_matches' query for a number of digits alone, built
    once, its deleted rows filtered in itself (run without the ORM)."""
    ids = _number_ids(bindparam("number"), bindparam("number_upper"))
    order = [Unindexed(c) for c in (*SORT_KEYS[sort], Person.id)]
    return (select(*ROW_COLUMNS, func.count().over())
            .where(Person.id.in_(ids), Person.deleted_at.is_(None))
            .order_by(*(c.desc() if descending else c.asc() for c in order)).limit(limit))


def _by_number(session: Session, number: str, sort: str, descending: bool,
               limit: int) -> tuple[int, list[PersonRow]]:
    """_sorted_matches of a search by IIN or document number (digits, no filter)."""
    rows = session.connection().execute(_number_page_query(sort, descending, limit), {
        "number": number, "number_upper": prefix_upper(number)}).all()
    return (rows[0][-1] if rows else 0), [PersonRow(*row[:-1]) for row in rows]


def _pairs_may_serve(filt: PersonFilter, words: list[str] | None, sort: str) -> bool:
    """A search of several words of names alone, by name: _by_name_pair may read it."""
    return words is not None and len(words) > 1 and sort == "name" and not _has_filters(filt)


def _by_name_pair(session: Session, words: list[str], descending: bool, limit: int,
                  after: "PersonRow | None" = None) -> tuple[int, list[PersonRow]] | None:
    """The count and the page by name (or the page after a row, count 0) of a search of
    several words, from the pairs of the persons' tokens (PersonNamePair): its two longest
    words' persons in the list's order, the other words checked on them. None where the
    pairs cannot find them: a word of one letter, or that begins too many tokens, or one
    word beginning the other (a single token may then bear both)."""
    first, second, *others = words  # longest first
    if len(second) == 1 or first.startswith(second):
        return None
    values = {}
    for name, word in (("word0", first), ("word1", second),
                       *((f"other{number}", word) for number, word in enumerate(others))):
        values.update({name: word, f"{name}_upper": prefix_upper(word)})
    # Core statements, run without the ORM's work on each (a fifth of the search's time)
    connection = session.connection()
    vocabularies: list[list[str]] = [[], []]
    for number, token in connection.execute(_vocabularies_query(), values):
        vocabularies[number].append(token)
    if max(map(len, vocabularies)) > PAIR_VOCABULARY:
        return None
    if not all(vocabularies):  # a word no name bears
        return 0, []
    values.update(vocabulary0=vocabularies[0], vocabulary1=vocabularies[1])
    if after is not None:
        values.update(after_name=after.sort_name, after_id=after.id)
    rows = connection.execute(_pair_page_query(len(others), descending, after is not None,
                                               limit), values).all()
    count = rows[0][-1] if rows and after is None else 0
    return count, [PersonRow(*row[:-1]) for row in rows]


def first_page(session: Session, filt: PersonFilter = PersonFilter(), sort: str = "name",
               descending: bool = False, limit: int = 100) -> FirstPage:
    """The first page of the list and its count, fast at any size; the count is exact when
    the matches are few, else a lower bound (exact: False) for count_persons to replace."""
    text = filt.text.strip()
    words = name_words(text) if text else None
    capped = _capped_count(session, filt, words)
    if _pairs_may_serve(filt, words, sort):
        found = _by_name_pair(session, words, descending, limit)
        if found is not None:
            return _exact(*found)
    if words is not None and len(words) > 1:
        try:  # several words mostly name few persons (a whole name): read and sorted
            few = FEW_SECONDS_POSTGRES if session.get_bind().dialect.name == "postgresql" \
                else FEW_SECONDS
            return _exact(*within_seconds(session, few, lambda: _sorted_matches(
                session, filt, sort, descending, limit)))
        except TimeUp:
            pass  # a word of a letter or two among thousands: the walk below finds them
    if text and words is None:  # IIN or document numbers
        compact = normalise_document_number(text)
        if len(compact) >= FEW_MATCHES_DIGITS:
            if re.fullmatch(r"[0-9]{6,12}", compact) and not _has_filters(filt):
                return _exact(*_by_number(session, compact, sort, descending, limit))
            return _exact(*_sorted_matches(session, filt, sort, descending, limit))
        rows = fetch_persons(session, filt, sort, descending, limit=limit)
    elif sort == "name" and words is not None and len(words) == 1 and not _has_filters(filt):
        # One word by name, however many it begins: the tokens carry the order
        rows = _by_name_tokens(session, words[0], descending, limit)
    elif text and capped is not None and capped <= COUNT_CAP:
        return _exact(*_sorted_matches(session, filt, sort, descending, limit))
    else:
        # Many matches (more than COUNT_CAP) fill a page soon, unless they gather at the
        # end of the order: the walk then has longer before the matches are sorted instead.
        # PostgreSQL plans the walk's query by its statistics: it is not stopped there (its
        # sorting of many matches costs seconds).
        seconds = WALK_SECONDS if capped is None else DENSE_WALK_SECONDS
        try:
            rows = within_seconds(session, seconds, lambda: _walk(
                session, filt, words, sort, descending, limit), on_postgres=False)
        except TimeUp:
            return _exact(*_sorted_matches(session, filt, sort, descending, limit))
    if len(rows) < limit:
        return FirstPage(len(rows), True, rows)
    if capped is not None:
        return FirstPage(max(min(capped, COUNT_CAP), len(rows)), capped <= COUNT_CAP, rows)
    return FirstPage(len(rows), False, rows)


def _exact(count: int, rows: list[PersonRow]) -> FirstPage:
    return FirstPage(count, True, rows)


def search_persons(session: Session, text: str, limit: int = 50) -> list[PersonRow]:
    """The first persons a text finds, in the list's order (first_page: fast at any size)."""
    return first_page(session, PersonFilter(text=text), limit=limit).rows


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
    exact: bool = True  # else `count` is a lower bound: person_count() gives the exact one


def list_persons(database: Database, filt: PersonFilter = PersonFilter(), sort: str = "name",
                 descending: bool = False, limit: int = 100,
                 exact: bool = True) -> PersonListing:
    """The count, the first page and the region names; with exact=False the count may be a
    lower bound (fast at any size: see first_page)."""
    with database.sessions() as session:
        first = first_page(session, filt, sort, descending, limit=limit)
        count = first.count if first.exact or not exact else count_persons(session, filt)
        listing = PersonListing(count, first.rows, region_names(session), first.exact or exact)
    _account(database, filt.text, listing.rows)
    return listing


def _account(database: Database, text: str, rows: list[PersonRow]) -> None:
    """A search by IIN or document number names the persons it returned in the access log
    (issue 23; buffered: services/access.py). A search by name, or none, is not accounted."""
    text = text.strip()
    if rows and text and name_words(text) is None:
        access.note(database, AccessKind.SEARCH, (row.id for row in rows))


def person_count(database: Database, filt: PersonFilter = PersonFilter(),
                 sort: str | None = None) -> int:
    with database.sessions() as session:
        return count_persons(session, filt, sort)


def persons_page(database: Database, filt: PersonFilter = PersonFilter(), sort: str = "name",
                 descending: bool = False, offset: int = 0, limit: int = 100,
                 after: PersonRow | None = None) -> list[PersonRow]:
    with database.sessions() as session:
        rows = fetch_persons(session, filt, sort, descending, offset=offset, limit=limit,
                             after=after)
    _account(database, filt.text, rows)
    return rows


def find_persons(database: Database, text: str, limit: int = 50) -> list[PersonRow]:
    with database.sessions() as session:
        rows = search_persons(session, text, limit=limit)
    _account(database, text, rows)
    return rows


def region_choices(database: Database) -> list[tuple[str, uuid.UUID]]:
    """(name, id) of every region, by name in the current language."""
    with database.sessions() as session:
        names = region_names(session)
    return sorted(((name, rid) for rid, name in names.items()), key=lambda item: sort_key(item[0]))
