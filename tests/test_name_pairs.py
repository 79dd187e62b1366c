"""A search of two words reads its persons from the pairs of their name tokens
(PersonNamePair, person_search._by_name_pair): the pairs follow every change of a person's
names, and the search finds by them exactly what intersecting the words' tokens finds."""

import datetime as dt
from itertools import combinations

from sqlalchemy import delete, func, select

from kzmigdesk.domain.enums import Sex
from kzmigdesk.domain.models import Person, PersonNamePair, PersonNameToken, PersonNumber
from kzmigdesk.services import person_search
from kzmigdesk.services.person_search import PersonFilter, count_persons, fetch_persons, first_page
from kzmigdesk.services.registration import PersonInput, delete_person, save_person

NAMES = [("Әбенов", "Нұрлан", "Серікұлы"), ("Әбенов", "Нұрлан", None), ("Әбенова", "Нұргүл", None),
         ("Серікбаев", "Нұрлан", None), ("Нұрланов", "Серік", None), ("Нұр", "Нұрлан", None),
         ("Wang", "Lei", None), ("Серік", "Қанат", "Әбенұлы")]


def _register(database) -> dict[tuple, object]:
    ids = {}
    with database.transaction() as session:
        for number, (surname, given, patronymic) in enumerate(NAMES * 3):
            person = save_person(session, PersonInput(
                surname=surname, given_name=given, patronymic=patronymic, sex=Sex.MALE,
                birth_date=dt.date(1980, 1, 1 + number)), confirm_duplicates=True)
            ids.setdefault((surname, given, patronymic), person.id)
    return ids


def _pairs(session) -> set[tuple]:
    return set(session.execute(select(
        PersonNamePair.first_token, PersonNamePair.second_token, PersonNamePair.sort_name,
        PersonNamePair.person_id)).all())


def _pairs_of_tokens(session) -> set[tuple]:
    tokens: dict = {}
    for token, sort_name, person_id in session.execute(
            select(PersonNameToken.token, PersonNameToken.sort_name, PersonNumber.person_id)
            .join(PersonNumber, PersonNumber.no == PersonNameToken.person_no)):
        tokens.setdefault((person_id, sort_name), set()).add(token)
    return {(first, second, sort_name, person_id)
            for (person_id, sort_name), theirs in tokens.items()
            for first, second in combinations(sorted(theirs), 2)}


def test_the_pairs_follow_each_persons_names(database):
    ids = _register(database)
    with database.sessions() as session:
        pairs = _pairs(session)
        assert pairs == _pairs_of_tokens(session)
        assert len(pairs) == 3 * (3 + 1 + 1 + 1 + 1 + 1 + 1 + 3)  # each name's two tokens
    renamed = ids[("Серікбаев", "Нұрлан", None)]
    deleted = ids[("Wang", "Lei", None)]
    with database.transaction() as session:
        person = session.get(Person, renamed)
        save_person(session, PersonInput(surname="Аббасов", given_name="Нұрлан", sex=Sex.MALE,
                                         birth_date=person.birth_date),
                    person_id=renamed, confirm_duplicates=True)
        delete_person(session, deleted)
    with database.sessions() as session:
        pairs = _pairs(session)
        assert pairs == _pairs_of_tokens(session)
        assert {person for *_, person in pairs if person in (renamed, deleted)} == {renamed}
        assert ("abbasov", "nurlan") in {(a, b) for a, b, _, person in pairs if person == renamed}
        found = first_page(session, PersonFilter("Серікбаев Нұрлан")).rows
        assert {row.full_name for row in found} == {"Серікбаев Нұрлан"}  # the other two
        found = first_page(session, PersonFilter("Wang Lei")).rows
        assert len(found) == 2 and deleted not in {row.id for row in found}
        assert [row.id for row in first_page(session, PersonFilter("Аббасов Нұрлан")).rows] \
            == [renamed]


TEXTS = ["Әбенов Нұрлан", "nurlan abenov", "Нұрлан Әбенов Серік", "Нұр Нұрлан", "нұр сер",
         "Нұрлан Серік", "Серік Нұрлан", "Әбен Нұрғ", "Серік Әбенұлы Қанат", "Wang Lei",
         "Әбенов Zzz", "abenov ab", "әбенова нұргүл", "нұрлан нұрланов"]


def test_a_search_of_several_words_finds_what_their_tokens_find(database):
    """The page by name, its count and the pages after it, against the plain query (the
    words' tokens intersected); the texts the pairs cannot serve take the other ways."""
    _register(database)
    with database.sessions() as session:
        for text in TEXTS:
            filt = PersonFilter(text)
            for descending in (False, True):
                for limit in (1, 2, 5, 100):
                    first = first_page(session, filt, "name", descending, limit)
                    assert first.rows == fetch_persons(session, filt, "name", descending,
                                                       limit=limit), text
                    assert first.count == count_persons(session, filt), text
                    if first.rows:
                        after = fetch_persons(session, filt, "name", descending, limit,
                                              limit, after=first.rows[-1])
                        assert after == fetch_persons(session, filt, "name", descending,
                                                      limit, limit), text


def test_the_pairs_are_what_a_search_of_two_words_reads(database, monkeypatch):
    """Without the pairs a whole name is not found; a word alone, or a word that begins the
    other (one token may bear both), still is."""
    _register(database)
    calls = []
    by_pair = person_search._by_name_pair
    monkeypatch.setattr(person_search, "_by_name_pair",
                        lambda *args, **kw: calls.append(args[1]) or by_pair(*args, **kw))
    with database.transaction() as session:
        assert first_page(session, PersonFilter("Нұрлан Әбенов")).count == 6
        session.execute(delete(PersonNamePair))
    with database.sessions() as session:
        assert first_page(session, PersonFilter("Нұрлан Әбенов")).count == 0
        assert first_page(session, PersonFilter("Нұрлан")).count == 15
        assert first_page(session, PersonFilter("Нұр Нұрлан")).count == 15
        assert session.scalar(select(func.count()).select_from(PersonNamePair)) == 0
    assert ["abenov", "nurlan"] in [sorted(words) for words in calls]


def test_a_word_of_too_many_tokens_is_not_searched_by_pairs(database, monkeypatch):
    _register(database)
    monkeypatch.setattr(person_search, "PAIR_VOCABULARY", 1)  # "нұр" begins nur, nurlan, ...
    with database.transaction() as session:
        assert first_page(session, PersonFilter("нұр сер")).count == 9
        session.execute(delete(PersonNamePair))
    with database.sessions() as session:
        assert first_page(session, PersonFilter("нұр сер")).count == 9  # read as before


def test_a_deleted_person_is_not_shown_even_with_pairs_left(database):
    """The pairs' page is read without the ORM's filter of deleted rows: it has its own."""
    from sqlalchemy import update

    ids = _register(database)
    gone = ids[("Wang", "Lei", None)]
    with database.transaction() as session:
        session.execute(update(Person).where(Person.id == gone)
                        .values(deleted_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)))
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(PersonNamePair)
                              .where(PersonNamePair.person_id == gone))
        found = first_page(session, PersonFilter("Wang Lei")).rows
        assert len(found) == 2 and gone not in {row.id for row in found}
