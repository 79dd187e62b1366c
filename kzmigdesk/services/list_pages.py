"""Pages and counts of the lists of records that name a person (repatriate cases, work
permits, service records), fast at any size.

A name search of a few letters can name hundreds of thousands of persons. Finding them all
first (IN) and then the list's rows costs seconds, and so does counting them. Instead:
- when a name search names many persons, the list's order index is walked and each row's
  person tested by the name index (EXISTS), until the page is full; a walk through rows
  that rarely match stops after WALK_SECONDS and the persons are found first;
- the first answer's count is exact when it is cheap, else a lower bound (COUNT_CAP, or the
  page's length) that the list shows as "10,000+" until its exact count, read in the
  background, replaces it."""

from collections.abc import Callable
from typing import NamedTuple

from sqlalchemy import Select, and_, exists, func, or_, select, union
from sqlalchemy.orm import Session, aliased

from kzmigdesk.domain.models import PersonNameToken, PersonNumber
from kzmigdesk.services.person_search import (
    COUNT_CAP,
    TimeUp,
    Unindexed,
    matching_ids,
    matching_numbers,
    name_words,
    prefix_range,
    within_seconds,
)

# A name search with at most this many matches in the name index finds its persons first (a
# person may match by a few tokens: their spellings in other scripts); counting the matches
# without DISTINCT keeps this check a short index range.
FEW_PERSONS = 2_000
WALK_SECONDS = 0.07  # a walk that takes longer goes through rows that rarely match


class Listing(NamedTuple):
    """What a list's worker gives the table model: the count, the first page and whether
    the count is exact (else a lower bound)."""

    count: int
    rows: list
    exact: bool


def names_many(session: Session, text: str) -> bool:
    """Whether `text` is a search of names with more than FEW_PERSONS matches (tokens)."""
    numbers = matching_numbers(text.strip()) if text and text.strip() else None
    if numbers is None:
        return False
    few = numbers.limit(FEW_PERSONS + 1).subquery()
    return session.scalar(select(func.count()).select_from(few)) > FEW_PERSONS


def person_condition(column, text: str, walk: bool = False):
    """The condition that the person in `column` matches `text` (a name in any script, an
    IIN or a document number); None without text. With `walk`, each word of a name is
    tested on the row (EXISTS on the name index), for a walk of the list's order."""
    words = name_words(text.strip()) if walk and text and text.strip() else None
    if not words:
        ids = matching_ids(text or "")
        return None if ids is None else column.in_(ids)
    conditions = []
    for word in words:
        token, number = aliased(PersonNameToken), aliased(PersonNumber)
        conditions.append(exists().where(number.person_id == column,
                                         token.person_no == number.no,
                                         prefix_range(token.token, word)))
    return and_(*conditions)


def any_of(id_column, conditions: list, walk: bool = False):
    """A row matches any of `conditions` (a number's range, the person's name): tested on each
    row for a walk of the list's order; else each found by its own index and their ids
    united, as an OR holding an IN (subquery) would have PostgreSQL run the subquery for
    every row when its result is large."""
    if walk or len(conditions) == 1:
        return or_(*conditions)
    return id_column.in_(union(*(select(id_column).where(c) for c in conditions)))


def page_order(columns, text: str, walk: bool) -> list:
    """The ORDER BY (descending) of a page's ids: by the list's order index when it is
    walked or there is no text; else the matches are found first (by their indexes) and
    sorted after, so the order's index must not lead."""
    if text and text.strip() and not walk:
        columns = [Unindexed(column) for column in columns]
    return [column.desc() for column in columns]


def page_ids(session: Session, text: str, ids_query: Callable[[bool], Select]) -> list:
    """The ids of a page: `ids_query(walk)` is the list's query of them, filtered, ordered
    (page_order) and limited; a walk when `text` names many persons (within WALK_SECONDS:
    on PostgreSQL a statement timeout, see person_search.within_seconds)."""
    if names_many(session, text):
        try:
            return within_seconds(session, WALK_SECONDS,
                           lambda: list(session.scalars(ids_query(True))))
        except TimeUp:
            pass
    return list(session.scalars(ids_query(False)))


def first_listing(session: Session, text: str, rows: list, limit: int,
                  filtered_ids: Select) -> Listing:
    """The first page's Listing: an exact count when the page is short or the count cheap,
    else a lower bound. `filtered_ids`: the list's query of its ids with every filter."""
    if len(rows) < limit:
        return Listing(len(rows), rows, True)
    if names_many(session, text):
        return Listing(len(rows), rows, False)
    capped = session.scalar(select(func.count()).select_from(
        filtered_ids.limit(COUNT_CAP + 1).subquery()))
    return Listing(min(capped, COUNT_CAP), rows, capped <= COUNT_CAP)
