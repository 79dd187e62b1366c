"""The lists that name a person (cases, permits, services) read their pages one of two ways
(list_pages): walking their order and testing each row's person, or finding the persons
first. Both give the same rows; the first answer's count is exact or a lower bound."""

import pytest

from kzmigdesk.gui.cases_page import CasesTableModel
from kzmigdesk.services import adaptation, labour, list_pages
from kzmigdesk.services import repatriation as rep
from tests import test_case_list, test_permit_list, test_service_list

TEXTS = ["", "а", "Ә", "Аб", "abe", "Нұр", "nurlan", "Wang", "wei", "йыл", "Ер", "Айгүл",
         "KND", "knd-0001", "WP-2024", "wp", "Әбенов Нұрлан", "z", "1980"]


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


def _time_up_always(monkeypatch):
    def time_up(*_args):
        raise list_pages.TimeUp()
    _walk_always(monkeypatch)
    monkeypatch.setattr(list_pages, "within_seconds", time_up)


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("way", [_walk_always, _time_up_always])
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
    assert bool(walked) == (way is _walk_always)


@pytest.mark.parametrize("name", LISTS)
def test_the_first_count_is_exact_when_cheap_else_a_lower_bound(lists, monkeypatch, name):
    with lists.sessions() as session:
        assert not list_pages.names_many(session, "Әбенов")
    for text in ("", "Ә", "wang", "KND", "z"):
        everything = len(_pages(lambda o, n, t=text: LISTS[name](lists, t, o, n), 50))
        exact = FIRST[name](lists, 50, text=text)
        assert (exact.count, exact.exact, len(exact.rows)) == (everything, True, everything)
        if everything > 1:
            capped = FIRST[name](lists, 1, text=text)  # a full page: counted up to COUNT_CAP
            assert (capped.count, capped.exact, len(capped.rows)) == (everything, True, 1)
    _walk_always(monkeypatch)
    with lists.sessions() as session:
        assert list_pages.names_many(session, "Әбенов")
        assert not list_pages.names_many(session, "KND")  # not a name: no digit-free words
    named = [t for t in ("а", "wang", "Айгүл", "Ер")
             if len(_pages(lambda o, n, t=t: LISTS[name](lists, t, o, n), 50)) > 1]
    assert named
    for text in named:
        bound = FIRST[name](lists, 1, text=text)
        assert (bound.count, bound.exact, len(bound.rows)) == (1, False, 1)


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
