"""Pages and counts of the lists of records that name a person (repatriate cases, work
permits, service records), fast at any size.

A name search of a few letters can name hundreds of thousands of persons. Finding them all
first (IN) and then the list's rows costs seconds, and so does counting them. Instead:
- a name search reads only the persons of its list (PersonNameToken.lists: a name that many
  persons bear but few in the list is no longer all of them looked up in it);
- when a name search names many persons of the list, the list's order index is walked and
  each row's person tested (Walk), until the page is full; a walk through rows that rarely
  match stops after WALK_SECONDS and the persons are found first;
- the first answer's count is exact when it is cheap, else a lower bound (COUNT_CAP, or the
  page's length for a search of names) that the list shows as "10,000+" or "200+" until its
  exact count, read in the background, replaces it."""

import enum
import math
from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import (
    Select,
    and_,
    exists,
    false,
    func,
    or_,
    select,
    union,
)
from sqlalchemy import text as sql
from sqlalchemy.orm import Session, aliased

from kzmigdesk.domain.models import LISTED_IN, PersonNameToken, PersonNumber
from kzmigdesk.services.person_search import (
    COUNT_CAP,
    SortedAfter,
    TimeUp,
    listed_person_ids,
    matching_ids,
    matching_numbers,
    name_words,
    numbers_as_values,
    prefix_range,
    within_seconds,
)

# A name search with at most this many matches among the list's persons in the name index
# (a person may match by a few tokens: their spellings in other scripts) finds them first and
# sorts their rows from the list's index by person: some 40 ms at most on SQLite, 1,000,000
# persons. Counting the matches without DISTINCT keeps this check a short index range.
FEW_PERSONS = 10_000
WALK_SECONDS = 0.07  # a walk that takes longer goes through rows that rarely match
# On PostgreSQL, a search with more matches than this (and at most AS_VALUES) walks by
# persons (Walk), after a walk by names of at most NAMES_WALK_SECONDS a page when they are
# many for the list (_names_first_from): a name that 2,000-10,000 persons of a list bear is
# a few thousand rows' walk by persons (5-15 ms), and some 40 ms found first.
PERSONS_WALK_FROM = 2_000
NAMES_WALK_SECONDS = 0.03
# A walk by persons reads and hashes them before its first row, then walks the list's rows
# that name others: its time is WALK_SECONDS beyond HASH_SECONDS a person. (The ids of a
# name's persons are read from the list's index of tokens, 0.2 us each: 96,000 of "Х" in
# 18 ms at 5,000,000 persons; looked up by number they cost 2.5 us, which is what a text
# with a short word beside longer ones still costs.)
HASH_SECONDS = 2.5e-6
NAMES_FIRST_FACTOR = 250  # see _names_first_from: 20,000 of the 1,700,000 services' tokens
# On PostgreSQL, the persons found first (after a walk that took too long, more than
# FEW_PERSONS) are given to the list's query as values up to this many: its plan of the
# query finding them itself read a whole list of 3,000,000 services (0.4 s).
AS_VALUES = 40_000
# More matches than AS_VALUES: the walk by names is tried for WALK_SECONDS a page of depth
# (up to three: "Ү" at 5,000,000 persons, 172,000 persons, one row in 20 of the services, a
# second page 8,000 rows' walk, 80 ms; after 70 ms its persons were hashed, 0.6 s), then a
# walk by persons holding up to HASHED_UP_TO of them (HASH_SECONDS each to read and hash),
# for up to LAST_WALK_SECONDS: finding them first would sort all their rows (services, "Ч" at
# 5,000,000 persons: 49,000 persons, 560,000 rows, 2.2 s).
HASHED_UP_TO = 250_000
LAST_WALK_SECONDS = 2.0


class Walk(enum.Enum):
    """How a walk of a list's order tests each row's person: by the name index (EXISTS, a few
    index probes a row), or, on PostgreSQL when they are at most AS_VALUES, against the
    persons found first and kept in a hash (a hashed SubPlan: a few ms to build, then next to
    nothing a row: the 62,000 latest services walked for 200 of the 11,000 persons named "В"
    in 17 ms, where the walk by names gives up at 70 ms; 1,000,000 persons)."""

    NAMES = "names"
    PERSONS = "persons"


class Listing(NamedTuple):
    """What a list's worker gives the table model: the count, the first page and whether
    the count is exact (else a lower bound)."""

    count: int
    rows: list
    exact: bool


def listed_in(person_column) -> int:
    """The bit of PersonNameToken.lists for the list whose rows name a person in
    `person_column` (0: any person)."""
    return LISTED_IN.get(person_column.table.name, 0) if person_column is not None else 0


def names_found(session: Session, text: str, person_column=None, cap: int = FEW_PERSONS) -> int:
    """How many matches (tokens) `text`, a search of names, has among the persons of the list
    of `person_column` (of every person without it), counted up to `cap` + 1; 0 for any other
    text."""
    numbers = (matching_numbers(text.strip(), listed_in(person_column))
               if text and text.strip() else None)
    if numbers is None:
        return 0
    return session.scalar(select(func.count()).select_from(numbers.limit(cap + 1).subquery()))


def names_many(session: Session, text: str, person_column=None) -> bool:
    """Whether `text` is a search of names with more than FEW_PERSONS matches (names_found)."""
    return names_found(session, text, person_column) > FEW_PERSONS


def _postgres(session: Session | None) -> bool:
    return session is not None and session.get_bind().dialect.name == "postgresql"


def person_condition(column, text: str, walk: Walk | bool = False,
                     session: Session | None = None):
    """The condition that the person in `column` matches `text` (a name in any script, an
    IIN or a document number); None without text. With `walk` (True: Walk.NAMES), tested on
    each row for a walk of the list's order (see Walk). Else the persons are found first:
    on PostgreSQL (with `session`) read here when they are few, and given to the list's
    query as values, since its estimate of a name's matches among a list's persons can be
    wrong by thousands, and its plan with it."""
    by_names = walk and not (walk is Walk.PERSONS and _postgres(session))
    words = name_words(text.strip()) if by_names and text and text.strip() else None
    if words:
        conditions = []
        for word in words:
            token, number = aliased(PersonNameToken), aliased(PersonNumber)
            conditions.append(exists().where(number.person_id == column,
                                             token.person_no == number.no,
                                             prefix_range(token.token, word)))
        return and_(*conditions)
    listed = listed_in(column)
    if walk is Walk.PERSONS and listed and _postgres(session) and text and text.strip():
        ids = listed_person_ids(text.strip(), listed)
        if ids is not None:  # IS TRUE keeps PostgreSQL from making the IN a join (see below)
            return column.in_(ids).is_(True)
    numbers = matching_numbers(text.strip(), listed) if text and text.strip() else None
    ids = None
    if numbers is not None and session is not None:
        cap = HASHED_UP_TO if walk is Walk.PERSONS else AS_VALUES
        ids = numbers_as_values(session, numbers, cap)
    ids = matching_ids(text or "", listed) if ids is None else ids
    if ids is None:
        return None
    persons = column.in_(ids)
    # IS TRUE keeps PostgreSQL from making the IN a join, which loses the walk's order
    return persons.is_(True) if walk is Walk.PERSONS else persons


def any_of(id_column, numbers: list, named=None, walk: Walk | bool = False,
           session: Session | None = None):
    """A row matches any of the `numbers` conditions (a number's range) or `named` (the
    person's name, or None): tested on each row for a walk of the list's order; else each
    found by its own index and their ids united, as an OR holding an IN (subquery) would have
    PostgreSQL run the subquery for every row when its result is large. With `session`, the
    ranges no row meets are left out first (an index probe each): a name alone is then found
    by the list's index by person, in its order, without reading a row for the union, or
    walked without an OR (which PostgreSQL would not walk)."""
    if session is not None:
        numbers = [condition for condition in numbers
                   if session.scalar(select(id_column).where(condition).limit(1)) is not None]
    conditions = numbers + ([] if named is None else [named])
    if not conditions:
        return false()
    if walk or len(conditions) == 1:
        return or_(*conditions)
    return id_column.in_(union(*(select(id_column).where(c) for c in conditions)))


def page_order(columns, text: str, walk: Walk | bool) -> list:
    """The ORDER BY (descending) of a page's ids: by the list's order index when it is
    walked or there is no text; else the matches are found first (by their indexes) and
    sorted after, so the order's index must not lead."""
    if text and text.strip() and not walk:
        columns = [SortedAfter(column) for column in columns]
    return [column.desc() for column in columns]


def page_ids(session: Session, text: str, ids_query: Callable[[Walk | bool], Select],
             person_column, pages: int = 1) -> list:
    """The ids of a page: `ids_query(walk)` is the list's query of them, filtered, ordered
    (page_order) and limited; walks (Walk) when `text` names many persons of the list (its
    rows name them in `person_column`), each within its time (on PostgreSQL a statement
    timeout, see person_search.within_seconds), else the persons found first. `pages`: the
    page's number, the pages' rows a walk reads to reach it (a walk by names before one by
    persons has that many times NAMES_WALK_SECONDS, up to three)."""
    postgres = _postgres(session)
    found = names_found(session, text, person_column, AS_VALUES if postgres else FEW_PERSONS)
    walks = []
    if postgres and found > PERSONS_WALK_FROM:
        if found > AS_VALUES:
            walks.append((Walk.NAMES, WALK_SECONDS * min(pages, 3)))
        elif found > _names_first_from(session, person_column):
            walks.append((Walk.NAMES, NAMES_WALK_SECONDS * min(pages, 3)))
        walks.append((Walk.PERSONS, WALK_SECONDS + found * HASH_SECONDS if found <= AS_VALUES
                      else LAST_WALK_SECONDS))
    elif found > FEW_PERSONS:
        walks.append((Walk.NAMES, WALK_SECONDS))
    for walk, seconds in walks:
        try:
            return within_seconds(session, seconds,
                                  lambda walk=walk: list(session.scalars(ids_query(walk))))
        except TimeUp:
            pass
    return list(session.scalars(ids_query(False)))


def _names_first_from(session: Session, person_column) -> float:
    """How many matches make a walk by names worth trying before one by persons, on
    PostgreSQL: a walk by persons costs about its persons (P), a walk by names the rows it
    tests to fill a page, about the list's persons (L) over P; both alike near
    sqrt(NAMES_FIRST_FACTOR * L). L: the tokens of the list's persons, as its index counts
    them (its statistics, not a count)."""
    index = f"ix_person_name_tokens_{person_column.table.name}_pg"
    tokens = session.scalar(sql("SELECT reltuples FROM pg_class WHERE relname = :index"),
                           {"index": index}) or 0
    return max(FEW_PERSONS, math.sqrt(NAMES_FIRST_FACTOR * max(tokens, 0)))


def first_listing(session: Session, text: str, rows: list, limit: int,
                  filtered_ids: Callable[[], Select]) -> Listing:
    """The first page's Listing: an exact count when the page is short; a lower bound for a
    search of names (its count would find the persons again: it is read in the background);
    else counted up to COUNT_CAP. `filtered_ids()`: the list's query of its ids with every
    filter."""
    if len(rows) < limit:
        return Listing(len(rows), rows, True)
    if text and text.strip() and matching_numbers(text.strip()) is not None:
        return Listing(len(rows), rows, False)
    capped = session.scalar(select(func.count()).select_from(
        filtered_ids().limit(COUNT_CAP + 1).subquery()))
    return Listing(min(capped, COUNT_CAP), rows, capped <= COUNT_CAP)
