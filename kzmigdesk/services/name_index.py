"""The search index of names: every token of a person's names in any script (see
domain/search.py), under the person's local number (PersonNumber). Derived from the persons
and kept in step by whatever writes them: the registration form, the offline exchange, the
legacy import and the demo data. Nothing here checks permissions: the callers do."""

import uuid
from collections.abc import Iterable, Sequence
from itertools import combinations

from sqlalchemy import delete, insert, select, tuple_
from sqlalchemy.orm import Session, aliased

from kzmigdesk.db.session import in_chunks
from kzmigdesk.domain.models import (
    LISTED_IN,
    Person,
    PersonNamePair,
    PersonNameToken,
    PersonNumber,
    RepatriateCase,
    ServiceRecord,
    WorkPermit,
)
from kzmigdesk.domain.search import name_tokens

Names = Sequence[str | None]  # surname, given name, patronymic, and the Latin ones


def _numbers(session: Session, person_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    numbers = {}
    for chunk in in_chunks(person_ids):
        numbers.update(session.execute(select(PersonNumber.person_id, PersonNumber.no)
                                       .where(PersonNumber.person_id.in_(chunk))).all())
    return numbers


def index_names(session: Session, persons: list[tuple[uuid.UUID, Names]],
                new: bool = False) -> None:
    """Write the tokens of these persons' names, replacing any they had. `new`: none of
    them is in the index yet (a bulk insert then spares the lookups and the delete)."""
    write_tokens(session, {person_id: name_tokens(*names) for person_id, names in persons},
                 new)


def write_tokens(session: Session, tokens: dict[uuid.UUID, Iterable[str]],
                 new: bool = False) -> None:
    """index_names with the tokens already made (a bulk import caches them)."""
    tokens = {person_id: set(person_tokens) for person_id, person_tokens in tokens.items()}
    ids = list(tokens)
    numbers = {} if new else _numbers(session, ids)
    for chunk in in_chunks(list(numbers.values())):
        _delete_pairs(session, chunk)
        session.execute(delete(PersonNameToken).where(PersonNameToken.person_no.in_(chunk)))
    missing = [person_id for person_id in ids if person_id not in numbers]
    if missing:
        session.execute(insert(PersonNumber.__table__),
                        [{"person_id": person_id} for person_id in missing])
        numbers.update(_numbers(session, missing))
    sort_names = _sort_names(session, ids)
    lists = _lists(session, ids)
    rows = sorted(((token, numbers[person_id], sort_names.get(person_id, ""),
                    lists.get(person_id, 0), person_id)
                   for person_id, person_tokens in tokens.items()
                   for token in person_tokens))  # the index's order spares work
    if rows:
        session.execute(insert(PersonNameToken.__table__),
                        [{"token": token, "person_no": number, "sort_name": name,
                          "lists": listed, "person_id": person_id}
                         for token, number, name, listed, person_id in rows])
    pairs = sorted((first, second, sort_names.get(person_id, ""), person_id)
                   for person_id, person_tokens in tokens.items()
                   for first, second in combinations(sorted(person_tokens), 2))
    if pairs:
        session.execute(insert(PersonNamePair.__table__),
                        [{"first_token": first, "second_token": second, "sort_name": name,
                          "person_id": person_id} for first, second, name, person_id in pairs])


def _delete_pairs(session: Session, numbers: list[int]) -> None:
    """The pairs of these persons' tokens (read from the tokens: the pairs' key)."""
    first, second = aliased(PersonNameToken), aliased(PersonNameToken)
    theirs = (select(first.token, second.token, first.sort_name, PersonNumber.person_id)
              .join(second, (second.person_no == first.person_no) & (first.token < second.token))
              .join(PersonNumber, PersonNumber.no == first.person_no)
              .where(first.person_no.in_(numbers)))
    key = tuple_(PersonNamePair.first_token, PersonNamePair.second_token,
                 PersonNamePair.sort_name, PersonNamePair.person_id)
    session.execute(delete(PersonNamePair).where(key.in_(theirs)))


def _sort_names(session: Session, person_ids: list[uuid.UUID]) -> dict[uuid.UUID, str]:
    names = {}
    for chunk in in_chunks(person_ids):
        names.update(session.execute(select(Person.id, Person.sort_name).where(
            Person.id.in_(chunk)).execution_options(include_deleted=True)).all())
    return names


def _lists(session: Session, person_ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """PersonNameToken.lists of these persons: the lists that have rows naming them (the
    triggers of migration 0034 mark the rows written after the tokens)."""
    lists: dict[uuid.UUID, int] = {}
    for model in (RepatriateCase, WorkPermit, ServiceRecord):
        flag = LISTED_IN[model.__tablename__]
        for chunk in in_chunks(person_ids):
            for person_id in session.scalars(
                    select(model.person_id).distinct().where(model.person_id.in_(chunk))
                    .execution_options(include_deleted=True)):
                lists[person_id] = lists.get(person_id, 0) | flag
    return lists


def unindex(session: Session, person_id: uuid.UUID) -> None:
    """A deleted person is no longer found by name."""
    numbers = list(session.scalars(select(PersonNumber.no)
                                   .where(PersonNumber.person_id == person_id)))
    _delete_pairs(session, numbers)
    session.execute(delete(PersonNameToken).where(PersonNameToken.person_no.in_(numbers)))


def tokens_of(session: Session, person_id: uuid.UUID) -> set[str]:
    """The tokens a person is found under."""
    return set(session.scalars(select(PersonNameToken.token).join(
        PersonNumber, PersonNumber.no == PersonNameToken.person_no)
        .where(PersonNumber.person_id == person_id)))
