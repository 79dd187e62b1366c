"""The lists that name a person (cases, permits, services) read their pages one of two ways
(list_pages): walking their order and testing each row's person, or finding the persons
first. Both give the same rows; the first answer's count is exact or a lower bound."""

import pytest

from kzmigdesk.gui.cases_page import CasesTableModel
from kzmigdesk.services import adaptation, labour, list_pages
from kzmigdesk.services import repatriation as rep
from tests import test_case_list, test_permit_list, test_service_list

TEXTS = ["", "а", "Ә", "Аб", "abe", "Нұр", "nurlan", "Wang", "wei", "йыл", "Ер", "Айгүл",
         "KND", "knd-0001", "WP-2024", "wp", "Әбенов Нұрлан", "Әбенов Н", "z", "1980"]


def _pages(read, limit):
    rows, offset = [], 0
    while True:
        page = read(offset, limit)
        rows += [row.id for row in page]
        if len(page) < limit:
            return rows
        offset += limit


LISTS = {
    "cases": lambda db, text, offset, limit: rep.cases_page(db, offset, limit, text=text),
    "permits": lambda db, text, offset, limit: labour.permits_page(
        db, text=text, offset=offset, limit=limit),
    "services": lambda db, text, offset, limit: adaptation.fetch_services_in(
        db, offset=offset, limit=limit, text=text),
}
FIRST = {"cases": lambda db, limit, text: rep.first_cases(db, limit, text=text),
         "permits": labour.first_permits, "services": adaptation.first_services}


@pytest.fixture
def lists(database, open_quotas):
    test_case_list.populate(database)
    test_permit_list.setup(database)
    test_service_list.populate(database)
    return database


def _walk_always(monkeypatch):
    monkeypatch.setattr(list_pages, "FEW_PERSONS", 0)


def _walk_by_names(monkeypatch):
    _walk_always(monkeypatch)
    monkeypatch.setattr(list_pages, "PERSONS_WALK_FROM", 10**9)


def _walk_by_persons(monkeypatch):
    """On PostgreSQL; SQLite finds the persons first."""
    monkeypatch.setattr(list_pages, "PERSONS_WALK_FROM", 0)


def _walk_by_persons_beyond_values(monkeypatch):
    """More persons than AS_VALUES: held up to HASHED_UP_TO (PostgreSQL)."""
    _walk_by_persons(monkeypatch)
    monkeypatch.setattr(list_pages, "AS_VALUES", 0)


def _walk_by_persons_the_database_finds(monkeypatch):
    """More than HASHED_UP_TO: the database finds them for the hash itself (PostgreSQL)."""
    _walk_by_persons_beyond_values(monkeypatch)
    monkeypatch.setattr(list_pages, "HASHED_UP_TO", 0)


def _time_up_always(monkeypatch):
    def time_up(*_args):
        raise list_pages.TimeUp()
    _walk_always(monkeypatch)
    monkeypatch.setattr(list_pages, "within_seconds", time_up)


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("way", [_walk_always, _walk_by_names, _walk_by_persons,
                                 _walk_by_persons_beyond_values,
                                 _walk_by_persons_the_database_finds, _time_up_always])
def test_a_walk_and_a_search_give_the_same_rows_in_the_same_order(lists, monkeypatch, name,
                                                                  way):
    read = LISTS[name]
    expected = {t: [_pages(lambda o, n, t=t: read(lists, t, o, n), limit) for limit in (1, 2, 50)]
                for t in TEXTS}
    assert any(expected[t][0] for t in TEXTS if t) and not all(expected[t][0] for t in TEXTS)
    walked = []
    original = list_pages.within_seconds
    monkeypatch.setattr(list_pages, "within_seconds",
                        lambda *a: walked.append(True) or original(*a))
    way(monkeypatch)
    for text in TEXTS:
        got = [_pages(lambda o, n, t=text: read(lists, t, o, n), limit) for limit in (1, 2, 50)]
        assert got == expected[text], text
        assert got[0] == got[1] == got[2]
    postgres = lists.engine.dialect.name == "postgresql"
    by_persons = (_walk_by_persons, _walk_by_persons_beyond_values,
                  _walk_by_persons_the_database_finds)
    assert bool(walked) == (way in (_walk_always, _walk_by_names)
                            or (way in by_persons and postgres))


@pytest.mark.parametrize("name", LISTS)
def test_the_first_count_is_exact_when_cheap_else_a_lower_bound(lists, monkeypatch, name):
    """Exact when the page is short; a full page of a search of names gives a lower bound
    (its count would find the persons again: the list reads it in the background); other
    full pages are counted up to COUNT_CAP."""
    for text in ("", "Ә", "wang", "KND", "z", "2024", "KND-2"):
        everything = len(_pages(lambda o, n, t=text: LISTS[name](lists, t, o, n), 50))
        exact = FIRST[name](lists, 50, text=text)
        assert (exact.count, exact.exact, len(exact.rows)) == (everything, True, everything)
        if everything > 1:
            named = text and not any(c.isdigit() for c in text)
            first = FIRST[name](lists, 1, text=text)
            assert (first.count, first.exact, len(first.rows)) == (
                (1, False, 1) if named else (everything, True, 1)), text
    monkeypatch.setattr(list_pages, "COUNT_CAP", 1)
    assert (FIRST[name](lists, 1, text="").exact) is False
    with lists.sessions() as session:
        assert not list_pages.names_many(session, "Әбенов")
    _walk_always(monkeypatch)
    with lists.sessions() as session:
        assert list_pages.names_many(session, "Әбенов")
        assert not list_pages.names_many(session, "KND")  # no person's name begins so


def test_the_cases_list_shows_the_lower_bound_then_the_exact_count(lists, qtbot, monkeypatch):
    _walk_always(monkeypatch)
    monkeypatch.setattr(CasesTableModel, "PAGE_SIZE", 1)
    model = CasesTableModel(lists)
    qtbot.waitUntil(lambda: not model.loading and not model.count_is_estimate)
    assert model.rowCount() == 3
    model.set_filter("а", None, False)  # Әбенов, Ахметов: a name of more than FEW_PERSONS
    qtbot.waitUntil(lambda: not model.loading)
    counts = [model.rowCount()]
    model.counted.connect(lambda: counts.append(model.rowCount()))
    qtbot.waitUntil(lambda: not model.count_is_estimate)
    assert model.rowCount() == 2 and counts[0] in (1, 2)


def test_a_search_not_walked_unites_each_conditions_ids(database):
    """An OR holding `person_id IN (subquery)` made PostgreSQL run the subquery for every
    row once its result outgrew work_mem (minutes for one letter at 1,000,000 persons): the
    cases and permits searches unite their conditions' ids instead; a walk tests the row."""
    from sqlalchemy import select

    from kzmigdesk.domain.models import RepatriateCase, WorkPermit

    for query in (rep._filtered_cases(select(RepatriateCase.id), "Нұр", None, None, None),
                  labour._permits_filtered(select(WorkPermit.id), "Нұр", None, None)):
        sql = str(query.compile(database.engine))
        assert " UNION " in sql and " OR " not in sql, sql
    walked = rep._filtered_cases(select(RepatriateCase.id), "Нұр", None, None, None,
                                 walk=True)
    assert " OR " in str(walked.compile(database.engine))


def _lists_of(database, surname: str) -> set[int]:
    """PersonNameToken.lists of the tokens of the person of this surname."""
    from sqlalchemy import select

    from kzmigdesk.domain.models import Person, PersonNameToken, PersonNumber

    with database.sessions() as session:
        return set(session.scalars(
            select(PersonNameToken.lists)
            .join(PersonNumber, PersonNumber.no == PersonNameToken.person_no)
            .join(Person, Person.id == PersonNumber.person_id).where(Person.surname == surname)))


def test_name_tokens_know_the_lists_their_person_is_in(lists, monkeypatch):
    """The triggers of migration 0034 mark a person's tokens when a row names them (added or
    moved to them); name_index marks tokens it writes; a name search in a list reads only
    the persons marked for it, so a name no one in the list bears is never walked for."""
    from sqlalchemy import select, update

    from kzmigdesk.domain.models import LISTED_IN, Person, WorkPermit
    from kzmigdesk.services.name_index import index_names

    case, permit, service = (LISTED_IN[t] for t in
                             ("repatriate_cases", "work_permits", "service_records"))
    assert _lists_of(lists, "Wang") == {permit}
    assert _lists_of(lists, "Омаров") == {service}
    assert _lists_of(lists, "Әбенов") == {case}
    _walk_always(monkeypatch)  # any name of a list's person is walked for
    with lists.sessions() as session:
        assert list_pages.names_many(session, "Омаров", Person.id)  # a person, in no list
        assert not list_pages.names_many(session, "Омаров", WorkPermit.person_id)
    assert labour.permits_page(lists, text="Омаров") == []

    with lists.transaction() as session:
        omarov = session.scalars(select(Person.id).where(Person.surname == "Омаров")).one()
        moved = session.scalars(select(WorkPermit.id).where(
            WorkPermit.number == "WP-2024-0001")).one()
        session.execute(update(WorkPermit).where(WorkPermit.id == moved)
                        .values(person_id=omarov))
    assert _lists_of(lists, "Омаров") == {service | permit}
    assert [row.id for row in labour.permits_page(lists, text="Омаров")] == [moved]
    assert [row.id for row in labour.first_permits(lists, 200, text="omarov").rows] == [moved]

    with lists.transaction() as session:  # the tokens written again keep the lists
        index_names(session, [(omarov, ("Омаров", "Ерлан", "Серікұлы", None, None))])
    assert _lists_of(lists, "Омаров") == {service | permit}
    assert [row.id for row in labour.permits_page(lists, text="Серікұлы")] == [moved]


def test_each_name_token_carries_its_persons_id(lists):
    """The lists' walks by persons read the ids from the tokens (migration 0041): written
    with them, and again when a person's tokens are written anew."""
    from sqlalchemy import func, select

    from kzmigdesk.domain.models import Person, PersonNameToken, PersonNumber
    from kzmigdesk.services.name_index import index_names

    def wrong(session) -> int:
        return session.scalar(select(func.count()).select_from(PersonNameToken).join(
            PersonNumber, PersonNumber.no == PersonNameToken.person_no).where(
            PersonNameToken.person_id.is_distinct_from(PersonNumber.person_id)))

    with lists.transaction() as session:
        assert session.scalar(select(func.count()).select_from(PersonNameToken)) > 10
        assert wrong(session) == 0
        omarov = session.scalars(select(Person.id).where(Person.surname == "Омаров")).one()
        index_names(session, [(omarov, ("Омаров", "Ерлан", "Серікұлы", None, None))])
        assert wrong(session) == 0
        number = session.scalar(select(PersonNumber.no).where(PersonNumber.person_id == omarov))
        assert set(session.scalars(select(PersonNameToken.person_id).where(
            PersonNameToken.person_no == number))) == {omarov}


@pytest.mark.sqlite_only
@pytest.mark.parametrize("name", LISTS)
def test_a_name_found_first_reads_the_list_by_person(lists, name):
    """A search of a name that few persons of the list bear finds them first, then sorts
    their rows from the list's index by person (no row read); number ranges that no row
    meets are left out of the query (no union of ids to look up)."""
    from tests.query_plans import sqlite_plans

    plans = sqlite_plans(lists, lambda: LISTS[name](lists, "Омаров", 0, 50),
                         lambda sql: "person_name_tokens" in sql and "ORDER BY" in sql)
    assert plans
    for statement, plan in plans:
        assert "UNION" not in statement
        assert "_by_person" in plan and "lists" in statement, plan


@pytest.mark.parametrize("name", LISTS)
def test_a_few_persons_found_first_are_given_to_the_list_as_values(lists, name):
    """PostgreSQL's estimate of a name's matches among a list's persons can be wrong by
    thousands, and its plan with it: there the persons' numbers are read first and the
    list's query gets them as values; SQLite's query finds them itself."""
    from sqlalchemy import event

    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(lists.engine, "before_cursor_execute", listener)
    try:
        rows = LISTS[name](lists, "Омаров", 0, 50)
    finally:
        event.remove(lists.engine, "before_cursor_execute", listener)
    pages = [sql for sql in statements if "ORDER BY" in sql and "person_numbers" in sql]
    assert pages and (rows != []) == (name == "services")
    postgres = lists.engine.dialect.name == "postgresql"
    assert all(("person_name_tokens" in sql) != postgres for sql in pages), pages


def test_persons_found_first_in_any_number_give_the_same_rows(lists, monkeypatch):
    """However many persons a name search finds first (a few, or more than FEW_PERSONS after
    a walk that ran out of time: the numbers read may then repeat and stop short, as two
    persons named Ерланов Ерлан have two tokens each before Ертай's), the pages are the
    same."""
    import datetime as dt

    from sqlalchemy import select

    from kzmigdesk.domain.enums import Sex
    from kzmigdesk.domain.models import AdaptationCentre
    from kzmigdesk.services.adaptation import ServiceInput, record_service
    from kzmigdesk.services.registration import PersonInput, save_person

    with lists.transaction() as session:
        centre = session.scalars(select(AdaptationCentre.id)).first()
        for surname, given in (("Ерланов", "Ерлан"), ("Ерланов", "Ерлан"), ("Ертай", "Серік")):
            person = save_person(session, PersonInput(
                surname=surname, given_name=given, sex=Sex.MALE,
                birth_date=dt.date(1980, 1, 1)), confirm_duplicates=True)
            record_service(session, ServiceInput(
                person_id=person.id, centre_id=centre,
                service_type_id=test_service_list.type_id(session, "legal"),
                start_date=test_service_list.TODAY), today=test_service_list.TODAY)
    read = LISTS["services"]
    expected = {t: _pages(lambda o, n, t=t: read(lists, t, o, n), 2) for t in TEXTS + ["Ер"]}
    assert len(expected["Ер"]) == 5  # Омаров Ерлан's two records, the new persons' three

    def time_up(*_args):
        raise list_pages.TimeUp()
    monkeypatch.setattr(list_pages, "within_seconds", time_up)
    for few in (1, 2, 3, 4, 5):
        monkeypatch.setattr(list_pages, "FEW_PERSONS", few)
        monkeypatch.setattr(list_pages, "AS_VALUES", few)
        for text in expected:
            assert _pages(lambda o, n, t=text: read(lists, t, o, n), 2) == expected[text], \
                (few, text)


@pytest.mark.parametrize("name", LISTS)
def test_postgresql_walks_the_list_by_persons_in_a_hash_and_counts_from_its_index(
        lists, monkeypatch, name):
    """On PostgreSQL a list's order is walked for the persons found first as a hashed
    SubPlan (a join would lose the order: the persons' rows all read and sorted), their ids
    read from the list's own index of tokens (not each number looked up), and a name's
    matches among the list's persons are counted from that index (its condition the
    index's, in every plan)."""
    from sqlalchemy import event

    from kzmigdesk.domain.models import LISTED_IN

    if lists.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    _walk_by_persons(monkeypatch)
    statements = []

    def grab(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))
    event.listen(lists.engine, "before_cursor_execute", grab)
    try:
        assert LISTS[name](lists, {"cases": "а", "permits": "w", "services": "о"}[name], 0, 1)
    finally:
        event.remove(lists.engine, "before_cursor_execute", grab)
    walks = [s for s in statements if "IS true" in s[0] and "ORDER BY" in s[0]]
    counts = [s for s in statements if "count(*)" in s[0] and "person_name_tokens" in s[0]]
    assert walks and counts
    table = {"cases": "repatriate_cases", "permits": "work_permits",
             "services": "service_records"}[name]
    # a literal, not a parameter: a prepared statement's generic plan cannot prove a partial
    # index's condition from a parameter
    assert f"(person_name_tokens.lists & {LISTED_IN[table]}) != 0" in counts[0][0]
    with lists.sessions() as session:
        connection = session.connection()
        connection.exec_driver_sql("SET enable_seqscan = off")  # the index, if it may be used
        for (statement, parameters), wanted in (
                (walks[0], ["hashed SubPlan", f"person_name_tokens_{table}_pg"]),
                (counts[0], [f"person_name_tokens_{table}_pg"])):
            plan = "\n".join(row[0] for row in connection.exec_driver_sql(
                "EXPLAIN " + statement, parameters))
            assert all(w in plan for w in wanted) and "Join" not in plan, plan
            assert "person_numbers" not in plan, plan


@pytest.mark.parametrize("first_from, walks", [(0, ["names", "persons"]), (10**9, ["persons"])])
def test_postgresql_walks_by_names_first_only_when_many_for_the_lists_size(
        lists, monkeypatch, first_from, walks):
    """A walk by names is tried before one by persons when the name's persons are many for
    the list (list_pages._names_first_from); the walk by names runs out of time here."""
    if lists.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    _walk_by_persons(monkeypatch)
    monkeypatch.setattr(list_pages, "_names_first_from", lambda *_args: first_from)
    tried = []
    original = adaptation.person_condition

    def spy(column, text, walk=False, session=None):
        if walk:
            tried.append(walk.value)
        if walk is list_pages.Walk.NAMES:
            raise list_pages.TimeUp()
        return original(column, text, walk, session)
    monkeypatch.setattr(adaptation, "person_condition", spy)
    expected = [row.id for row in LISTS["services"](lists, "о", 0, 50)]
    assert tried == walks and expected


def _seconds_given(monkeypatch) -> list:
    """The time each walk is given (list_pages.within_seconds' `seconds`), in order."""
    given = []
    original = list_pages.within_seconds

    def spy(session, seconds, work, *args, **kwargs):
        given.append(seconds)
        return original(session, seconds, work, *args, **kwargs)
    monkeypatch.setattr(list_pages, "within_seconds", spy)
    return given


def test_postgresql_gives_a_walk_by_persons_the_time_to_hash_them(lists, monkeypatch):
    """The walk by persons first looks up and hashes them all: its time grows with them (at
    5,000,000 persons, 38,000 of them took its 70 ms before its first row)."""
    if lists.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    from kzmigdesk.domain.models import ServiceRecord

    _walk_by_persons(monkeypatch)
    monkeypatch.setattr(list_pages, "_names_first_from", lambda *_args: 10**9)
    monkeypatch.setattr(list_pages, "HASH_SECONDS", 0.25)
    given = _seconds_given(monkeypatch)
    assert LISTS["services"](lists, "о", 0, 50)
    with lists.sessions() as session:
        found = list_pages.names_found(session, "о", ServiceRecord.person_id,
                                       list_pages.AS_VALUES)
    assert found and given == [list_pages.WALK_SECONDS + found * 0.25]


def test_postgresql_gives_a_walk_by_names_a_deeper_page_more_time(lists, monkeypatch):
    """Beyond AS_VALUES the walk by names has WALK_SECONDS a page of depth (up to three): a
    second page walks twice the rows."""
    if lists.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only")
    _walk_by_persons_beyond_values(monkeypatch)
    given = _seconds_given(monkeypatch)
    for page, seconds in ((0, 1), (1, 2), (5, 3)):
        given.clear()
        LISTS["services"](lists, "о", page * 2, 2)
        assert given[0] == list_pages.WALK_SECONDS * seconds
