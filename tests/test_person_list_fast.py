"""The persons list's fast first page (person_search.first_page) shows exactly what the plain
query shows (fetch_persons and count_persons), whichever way it reads it: the matches read
and sorted, or the index of the order walked, with the count exact or a lower bound."""

import datetime as dt
import shutil

import pytest
from conftest import TEST_ADMINISTRATOR
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from query_plans import sqlite_plans
from sqlalchemy import select

from kzmigdesk.demo import generate_demo_data
from kzmigdesk.domain.enums import PermitStatus, PersonCategory, RepatriateStatus
from kzmigdesk.domain.models import Person, Region
from kzmigdesk.services import person_search
from kzmigdesk.services.person_search import (
    SORT_KEYS,
    PersonFilter,
    count_persons,
    fetch_persons,
    first_page,
)
from kzmigdesk.services.registration import delete_person
from kzmigdesk.services.workspace import open_database

LIMIT = 20
TEXTS = ["а", "А", "a", "Н", "n", "ж", "zh", "Ә", "Аб", "ab", "Нұ", "nu", "Нұр", "Nur", "сер",
         "ser", "abenov", "Нұрлан Әбенов", "a b", "ab nu", "ов", "zzz", "", "-", "8", "85",
         "1985", "850412", "FA", "e5", "abenov nurlan", "сер нұр", "Нұрлан Әбенов Серік"]
STATUSES = [None, RepatriateStatus.GRANTED.value, PermitStatus.ISSUED.value]
CATEGORIES = [None, *PersonCategory]


@pytest.fixture(scope="module")
def listed(migrated_template, tmp_path_factory):
    """A demo database of 1,500 persons (a few deleted) and its regions."""
    path = tmp_path_factory.mktemp("fast") / "list.sqlite3"
    shutil.copy(migrated_template, path)
    database = open_database(str(path))
    database.actor = TEST_ADMINISTRATOR
    generate_demo_data(database, persons=1500, seed=26, today=dt.date(2026, 12, 1))
    with database.transaction() as session:
        for person_id in session.scalars(select(Person.id).order_by(Person.id).limit(15)):
            delete_person(session, person_id)
    with database.sessions() as session:
        regions = [None, *session.scalars(select(Region.id).order_by(Region.code).limit(3))]
    yield database, regions
    database.close()


@pytest.fixture(params=["sorted", "walked", "either"])
def plan(request, monkeypatch):
    """Force each way of reading the first page: the matches sorted (every walk stops at
    once, few matches counted), the index walked (no time limit, a small count cap), or
    as it comes."""
    if request.param == "sorted":
        monkeypatch.setattr(person_search, "WALK_SECONDS", 0)
        monkeypatch.setattr(person_search, "DENSE_WALK_SECONDS", 0)
        monkeypatch.setattr(person_search, "COUNT_CAP", 10**9)
    elif request.param == "walked":
        monkeypatch.setattr(person_search, "WALK_SECONDS", 60)
        monkeypatch.setattr(person_search, "DENSE_WALK_SECONDS", 60)
        monkeypatch.setattr(person_search, "COUNT_CAP", 30)
    return request.param


def check(session, filt: PersonFilter, sort: str, descending: bool) -> None:
    first = first_page(session, filt, sort, descending, limit=LIMIT)
    expected = fetch_persons(session, filt, sort, descending, limit=LIMIT)
    assert first.rows == expected, (filt, sort, descending)
    count = count_persons(session, filt)
    assert count_persons(session, filt, sort) == count, (filt, sort)  # in the order's index
    if first.exact:
        assert first.count == count, (filt, sort, descending)
    else:
        assert len(first.rows) <= first.count <= count


@pytest.mark.parametrize("text", TEXTS)
def test_every_text_in_every_order(listed, plan, text):
    database, _regions = listed
    with database.sessions() as session:
        for sort in SORT_KEYS:
            for descending in (False, True):
                check(session, PersonFilter(text=text), sort, descending)


def test_every_filter_alone_and_with_text(listed, plan):
    database, regions = listed
    with database.sessions() as session:
        for region in regions:
            for category in CATEGORIES:
                for status in STATUSES:
                    for text in ("", "а", "Nur"):
                        filt = PersonFilter(text, region, category, status)
                        for sort in SORT_KEYS:
                            check(session, filt, sort, sort == "iin")


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet="аәбнұрсжкмтиовelnurabkmz -1", max_size=6),
       filters=st.tuples(st.integers(0, 3), st.sampled_from(CATEGORIES),
                         st.sampled_from(STATUSES)),
       sort=st.sampled_from(list(SORT_KEYS)), descending=st.booleans(),
       walk_seconds=st.sampled_from([0, 60]), cap=st.sampled_from([5, 200, 10_000]))
def test_any_search_shows_what_the_plain_query_shows(listed, monkeypatch, text, filters, sort,
                                                     descending, walk_seconds, cap):
    database, regions = listed
    monkeypatch.setattr(person_search, "WALK_SECONDS", walk_seconds)
    monkeypatch.setattr(person_search, "DENSE_WALK_SECONDS", walk_seconds)
    monkeypatch.setattr(person_search, "COUNT_CAP", cap)
    region, category, status = filters
    with database.sessions() as session:
        check(session, PersonFilter(text, regions[region], category, status), sort, descending)


@pytest.mark.sqlite_only
def test_a_lists_count_reads_the_index_of_its_order(listed):
    """The exact count of a list with one filter at most reads the index a jump deep into the
    list reads (an encrypted file finds its pages decrypted); with a text or two filters, the
    plain count."""
    database, regions = listed
    region, status = regions[1], STATUSES[1]
    with database.sessions() as session:
        for filt, indexed in ((PersonFilter(), "ix_persons_{order}"),
                              (PersonFilter(region_id=region), "ix_persons_region_id_{order}"),
                              (PersonFilter(category=PersonCategory.FOREIGN_WORKER),
                               "ix_persons_category_{order}"),
                              (PersonFilter(status=status), "ix_persons_status_{order}"),
                              (PersonFilter("Nur"), None),
                              (PersonFilter(region_id=region, status=status), None)):
            for sort, order in (("name", "sort_name_id"), ("birth_date",
                                "birth_date_sort_name_id"), ("registered", "created_at_id")):
                counts = []

                def count(f=filt, s=sort, c=counts):
                    c.append(count_persons(session, f, s))

                [(statement, _plan)] = sqlite_plans(database, count, lambda sql: "count(" in sql)
                assert counts[0] == count_persons(session, filt) > 0, (filt, sort)
                expected = indexed and f"INDEXED BY {indexed.format(order=order)} "
                assert (expected in statement) if expected else \
                    "INDEXED BY" not in statement, (filt, sort)


def test_the_same_on_any_database(database):
    """On the test run's database (PostgreSQL too): the plans' SQL is right there."""
    generate_demo_data(database, persons=150, seed=3, today=dt.date(2026, 12, 1))
    with database.sessions() as session:
        region = session.scalars(select(Person.region_id).limit(1)).first()
        for text in ("а", "Nur", "ab nu", "85", ""):
            for filt in (PersonFilter(text), PersonFilter(text, region_id=region),
                         PersonFilter(text, status=RepatriateStatus.GRANTED.value)):
                for sort in SORT_KEYS:
                    check(session, filt, sort, False)
                    first = fetch_persons(session, filt, sort, True, limit=5)
                    if first:
                        assert fetch_persons(session, filt, sort, True, 5, 5, after=first[-1]) \
                            == fetch_persons(session, filt, sort, True, 5, 5)


def test_a_page_after_a_row_is_the_page_at_its_offset(listed, plan):
    """Keyset paging: the page after the last row of a page is the next page by OFFSET."""
    database, regions = listed
    with database.sessions() as session:
        for filt in (PersonFilter(), PersonFilter("а"), PersonFilter("ab nu"),
                     PersonFilter("85"), PersonFilter(region_id=regions[1]),
                     PersonFilter("Nur", status=RepatriateStatus.GRANTED.value)):
            for sort in SORT_KEYS:
                for descending in (False, True):
                    pages = [fetch_persons(session, filt, sort, descending, offset, LIMIT)
                             for offset in (0, LIMIT, 2 * LIMIT)]
                    for number, (before, page) in enumerate(zip(pages, pages[1:],
                                                                strict=False), 1):
                        if before:  # "iin" (not keyset) reads at the offset
                            assert fetch_persons(session, filt, sort, descending,
                                                 number * LIMIT, LIMIT, after=before[-1]) == page


def stale_sort_names(session) -> int:
    """Name tokens whose sort name is not their person's (none should be)."""
    from sqlalchemy import func

    from kzmigdesk.domain.models import PersonNameToken, PersonNumber

    return session.scalar(select(func.count()).select_from(PersonNameToken).join(
        PersonNumber, PersonNumber.no == PersonNameToken.person_no).join(
        Person, Person.id == PersonNumber.person_id).where(
        PersonNameToken.sort_name != Person.sort_name))


def test_a_word_of_many_persons_of_the_same_name_pages_by_name_then_id(database, monkeypatch):
    """Issue 26: the first page of a word comes from the tokens' sort names; persons of the
    same name are ordered by id, as the list orders them, whatever the page's size. The
    tokens take a new name's sort name with the person (the form, the demo, the exchange
    and the legacy import write them through name_index)."""
    from kzmigdesk.domain.enums import Sex
    from kzmigdesk.services.registration import PersonInput, save_person

    with database.transaction() as session:
        for number in range(9):
            save_person(session, PersonInput(
                surname="Әбенов" if number % 3 else "Әбдіров", given_name="Нұрлан",
                sex=Sex.MALE, birth_date=dt.date(1980, 1, 1 + number)),
                confirm_duplicates=True)
    with database.sessions() as session:
        for per_person in (1, 4):  # 1: the page needs the DISTINCT query (Latin tokens)
            monkeypatch.setattr(person_search, "TOKENS_PER_PERSON", per_person)
            for text in ("Әб", "әбенов", "Нұр", "abenov", "a"):
                for limit in (1, 2, 3, 5, 8, 9, 12):
                    for descending in (False, True):
                        first = first_page(session, PersonFilter(text), "name", descending,
                                           limit)
                        assert first.rows == fetch_persons(session, PersonFilter(text), "name",
                                                           descending, limit=limit)
        renamed = session.scalars(select(Person.id).where(Person.surname == "Әбдіров")).first()
    with database.transaction() as session:
        person = session.get(Person, renamed)
        save_person(session, PersonInput(surname="Аббасов", given_name=person.given_name,
                                         sex=person.sex, birth_date=person.birth_date),
                    person_id=renamed, confirm_duplicates=True)
    with database.sessions() as session:
        assert stale_sort_names(session) == 0
        assert first_page(session, PersonFilter("Аб"), "name", False, 1).rows[0].id == renamed


def test_the_demo_datas_tokens_carry_their_persons_sort_names(listed):
    database, _regions = listed
    with database.sessions() as session:
        assert stale_sort_names(session) == 0


def test_postgresql_reads_a_word_of_one_or_two_letters_in_order_from_its_index(database):
    """The first page of "а" or "Нұ" is read from the index of the tokens' first letters in
    the list's order (migration 0038), not sorted from a fifth of all tokens."""
    from sqlalchemy import event

    if database.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    generate_demo_data(database, persons=150, seed=3, today=dt.date(2026, 12, 1))
    for text, letters in (("а", 1), ("Нұ", 2)):
        statements = []

        def grab(_conn, _cursor, statement, parameters, _context, _many, found=statements):
            if "ORDER BY person_name_tokens.sort_name" in statement:
                found.append((statement, parameters))
        event.listen(database.engine, "before_cursor_execute", grab)
        try:
            with database.sessions() as session:
                assert first_page(session, PersonFilter(text), limit=5).rows
        finally:
            event.remove(database.engine, "before_cursor_execute", grab)
        assert statements
        with database.sessions() as session:
            connection = session.connection()
            connection.exec_driver_sql("SET enable_seqscan = off")  # as at scale
            for statement, parameters in statements:
                plan = "\n".join(row[0] for row in connection.exec_driver_sql(
                    "EXPLAIN " + statement, parameters))
                assert f"ix_person_name_tokens_first{letters}_pg" in plan, plan
                assert "Sort" not in plan, plan


def test_postgresql_sorts_a_whole_names_few_matches_from_their_numbers_read_first(database):
    """A whole name's matches (an intersection of its words' tokens) are read first and
    given to the sorted query as values: PostgreSQL took the intersection for 131,000
    persons where there were 2,920, and read all 5,000,000 persons' numbers to join them.
    (By name they come from the pairs of their tokens: tests/test_name_pairs.py.)"""
    from sqlalchemy import event

    if database.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    generate_demo_data(database, persons=150, seed=3, today=dt.date(2026, 12, 1))
    with database.sessions() as session:
        person = session.scalars(select(Person).limit(1)).one()
        text = f"{person.surname} {person.given_name}"
    statements = []
    grab = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(database.engine, "before_cursor_execute", grab)
    try:
        with database.sessions() as session:
            first = first_page(session, PersonFilter(text), "birth_date", limit=5)
    finally:
        event.remove(database.engine, "before_cursor_execute", grab)
    assert person.id in [row.id for row in first.rows]
    sorted_pages = [sql for sql in statements if "OVER ()" in sql]
    assert sorted_pages and all("INTERSECT" not in sql and "ANY (CAST(" in sql
                                for sql in sorted_pages), sorted_pages
