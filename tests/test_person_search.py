import datetime as dt

import pytest
from query_plans import sqlite_plans
from sqlalchemy import select

from kzmigdesk import i18n
from kzmigdesk.domain.enums import DocumentType, PersonCategory, Sex
from kzmigdesk.domain.identifiers import make_iin
from kzmigdesk.domain.models import Person, Region
from kzmigdesk.domain.search import sort_key
from kzmigdesk.services.person_search import (
    PersonFilter,
    count_and_first_page,
    count_persons,
    fetch_persons,
    find_persons,
    list_persons,
    persons_page,
    region_choices,
    search_persons,
)
from kzmigdesk.services.registration import DocumentInput, PersonInput, save_person

TODAY = dt.date(2026, 12, 1)
PEOPLE = [
    ("Әбенов", "Нұрлан", None, None, dt.date(1985, 4, 12), Sex.MALE, "UZ", "FA1234567"),
    ("Жұмабаева", "Айгерім", None, None, dt.date(1990, 2, 1), Sex.FEMALE, "CN", "E55501234"),
    ("Ахметов", "Бауыржан", None, None, dt.date(1979, 7, 7), Sex.MALE, "MN", "M0001112"),
    ("Wang", "Lei", "WANG", "LEI", dt.date(1988, 8, 8), Sex.MALE, "CN", "EA9876543"),
    ("Xolmatov", "Rustam", "XOLMATOV", "RUSTAM", dt.date(1992, 3, 3), Sex.MALE, "UZ", "AB7654321"),
    ("Иванов", "Пётр", None, None, dt.date(1970, 1, 1), Sex.MALE, "RU", "7012345678"),
]


@pytest.fixture
def people(database):
    ids = {}
    with database.transaction() as session:
        for n, (surname, given, s_lat, g_lat, birth, sex, country, doc) in enumerate(PEOPLE):
            person = save_person(session, PersonInput(
                surname=surname, given_name=given, surname_latin=s_lat, given_name_latin=g_lat,
                birth_date=birth, sex=sex, citizenship=country,
                iin=make_iin(birth, sex.value, n) if n < 3 else None,
            ), documents=[DocumentInput(doc_type=DocumentType.FOREIGN_PASSPORT, number=doc)],
                today=TODAY)
            ids[surname] = person.id
    return ids


def names(rows):
    return [row.surname for row in rows]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Nurlan Abenov", ["Әбенов"]),
        ("abenov nurl", ["Әбенов"]),
        ("НУРЛАН", ["Әбенов"]),
        ("Нурлан Абенов", ["Әбенов"]),  # Russian spelling without the Kazakh letters
        ("Zhumabaeva", ["Жұмабаева"]),
        ("Jumabaeva Aigerim", ["Жұмабаева"]),  # new Kazakh Latin spelling
        ("Айгерим", ["Жұмабаева"]),
        ("Ван", ["Wang"]),  # Russian spelling of a Chinese surname
        ("Wang", ["Wang"]),
        ("xolm", ["Xolmatov"]),
        ("Petr", ["Иванов"]),
        ("ahmetov", ["Ахметов"]),
        ("nobody", []),
        ("Lei W", ["Wang"]),  # a one-letter word is checked on what the longer ones match
        ("Lei X", []),
        ("Нұрлан Ә", ["Әбенов"]),
        ("ab nu", ["Әбенов"]),  # only short words: the first one leads
        ("ab nx", []),
    ],
)
def test_search_by_name_in_any_script(database, people, query, expected):
    with database.sessions() as session:
        assert names(search_persons(session, query)) == expected


def test_search_by_iin_prefix_and_document_number(database, people):
    with database.sessions() as session:
        abenov = session.get(Person, people["Әбенов"])
        assert names(search_persons(session, abenov.iin)) == ["Әбенов"]
        assert names(search_persons(session, abenov.iin[:6])) == ["Әбенов"]
        assert names(search_persons(session, "fa 1234567")) == ["Әбенов"]
        assert names(search_persons(session, "EA98")) == ["Wang"]
        assert names(search_persons(session, "7012345678")) == ["Иванов"]


def test_search_reads_digits_as_the_form_does(database, people):
    """Full-width and superscript digits are ASCII ones (NFKC); Arabic-Indic ones find
    nothing, as no IIN is stored in them."""
    with database.sessions() as session:
        iin = session.get(Person, people["Әбенов"]).iin
        full_width = "".join(chr(0xFF10 + int(d)) for d in iin)
        assert names(search_persons(session, full_width[:6])) == ["Әбенов"]
        assert names(search_persons(session, iin[:5] + "⁰¹²³⁴⁵⁶⁷⁸⁹"[int(iin[5])])) == ["Әбенов"]
        assert names(search_persons(session, "ＦＡ １２３")) == ["Әбенов"]
        assert search_persons(session, "".join(chr(0x0660 + int(d)) for d in iin)) == []


def test_list_sorted_in_kazakh_alphabetical_order(database, people):
    with database.sessions() as session:
        ordered = names(fetch_persons(session))
        assert ordered == ["Wang", "Xolmatov", "Ахметов", "Әбенов", "Жұмабаева", "Иванов"]
        assert names(fetch_persons(session, descending=True)) == ordered[::-1]
        by_birth = names(fetch_persons(session, sort="birth_date"))
        assert by_birth[0] == "Иванов" and by_birth[-1] == "Xolmatov"


def test_paging_never_overlaps(database, people):
    with database.sessions() as session:
        pages = [names(fetch_persons(session, offset=o, limit=2)) for o in (0, 2, 4)]
        assert sum(pages, []) == names(fetch_persons(session))


@pytest.mark.parametrize("sort", ["name", "birth_date", "iin", "registered"])
@pytest.mark.parametrize("descending", [False, True])
def test_deep_pages_read_by_their_ids_are_the_same_rows(database, people, monkeypatch,
                                                         sort, descending):
    from kzmigdesk.services import person_search

    with database.sessions() as session:
        whole = names(fetch_persons(session, sort=sort, descending=descending))
        monkeypatch.setattr(person_search, "DEEP_OFFSET", 1)  # every page after the first
        pages = [names(fetch_persons(session, sort=sort, descending=descending, offset=o,
                                     limit=2)) for o in (0, 2, 4)]
    assert sum(pages, []) == whole


def test_filters_by_region_category_status(database, people):
    with database.transaction() as session:
        astana = session.query(Region).filter_by(code="AST").one()
        wang = session.get(Person, people["Wang"])
        wang.region_id = astana.id
        wang.category = PersonCategory.FOREIGN_WORKER
        wang.status = "issued"
    with database.sessions() as session:
        assert count_persons(session) == 6
        assert names(fetch_persons(session, PersonFilter(region_id=astana.id))) == ["Wang"]
        workers = PersonFilter(category=PersonCategory.FOREIGN_WORKER, status="issued")
        assert count_persons(session, workers) == 1
        assert count_persons(session, PersonFilter(text="wang", status="revoked")) == 0


def test_sort_key_orders_kazakh_letters_after_their_neighbours():
    words = ["Яхин", "Әлиев", "Абаев", "Өмаров", "Оспанов", "Ілиясов", "Ыбыраев", "Zed"]
    assert sorted(words, key=sort_key) == [
        "Zed", "Абаев", "Әлиев", "Оспанов", "Өмаров", "Ыбыраев", "Ілиясов", "Яхин"]


def test_counts_by_text_leave_out_deleted_persons(database, people):
    from kzmigdesk.services.registration import delete_person

    with database.transaction() as session:
        delete_person(session, people["Әбенов"])
        delete_person(session, people["Wang"])
    with database.sessions() as session:
        for text in ("nurlan", "abenov nurlan", "FA1234567", "EA98", "wang"):
            assert count_persons(session, PersonFilter(text=text)) == 0, text
            assert fetch_persons(session, PersonFilter(text=text)) == []
        assert count_persons(session, PersonFilter(text="aigerim")) == 1


def test_the_list_by_number_leaves_out_deleted_persons_and_documents(database, people):
    """first_page reads a number of digits by a statement of its own (run without the ORM,
    whose filter of deleted rows it then repeats)."""
    from sqlalchemy import update

    from kzmigdesk.domain.models import IdentityDocument
    from kzmigdesk.services.person_search import first_page
    from kzmigdesk.services.registration import delete_person

    with database.sessions() as session:
        iins = {name: session.get(Person, people[name]).iin for name in ("Әбенов", "Ахметов")}
    with database.transaction() as session:
        delete_person(session, people["Әбенов"])
        session.execute(update(IdentityDocument).where(
            IdentityDocument.person_id == people["Иванов"])
            .values(deleted_at=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)))
    with database.sessions() as session:
        for text in (iins["Әбенов"], iins["Әбенов"][:8], "7012345678", "701234"):
            first = first_page(session, PersonFilter(text=text))
            assert (first.count, first.rows) == (0, []), text
        first = first_page(session, PersonFilter(text=iins["Ахметов"][:6]))
        assert names(first.rows) == ["Ахметов"] and first.count == 1


def test_a_person_with_two_matching_words_counts_once(database, people):
    with database.transaction() as session:
        save_person(session, PersonInput(surname="Серіков", given_name="Серік",
                                         patronymic="Серікұлы", sex=Sex.MALE,
                                         birth_date=dt.date(1980, 1, 1)), today=TODAY)
    with database.sessions() as session:
        assert count_persons(session, PersonFilter(text="serik")) == 1
        assert len(fetch_persons(session, PersonFilter(text="serik"))) == 1


@pytest.mark.parametrize("text", ["", "Nurlan Abenov", "ab nu", "серік серікұлы", "nobody here",
                                  "FA1234567", "FA12", "серік", "850412", "8504", "E555 01"])
def test_count_and_first_page_agree_with_the_two_queries(database, people, text):
    """Several names are searched with one query counting beside the page: same answer."""
    with database.transaction() as session:
        for n in range(5):
            save_person(session, PersonInput(surname="Серіков", given_name="Серік",
                                             patronymic="Серікұлы", sex=Sex.MALE,
                                             birth_date=dt.date(1980, 1, 1 + n)),
                        today=TODAY, confirm_duplicates=True)
    with database.transaction() as session:
        from kzmigdesk.services.registration import delete_person

        delete_person(session, people["Әбенов"])
    with database.sessions() as session:
        for descending in (False, True):
            filt = PersonFilter(text=text)
            count, page = count_and_first_page(session, filt, "birth_date", descending, limit=3)
            assert count == count_persons(session, filt)
            assert page == fetch_persons(session, filt, "birth_date", descending, limit=3)
    expected = {"Nurlan Abenov": 0, "серік серікұлы": 5, "серік": 5, "nobody here": 0}
    if text in expected:
        assert count == expected[text]


def test_list_persons_reads_the_count_the_first_page_and_the_region_names(database, people):
    listing = list_persons(database, PersonFilter(text="Nurlan Abenov"), limit=200)
    assert listing.count == 1 and names(listing.rows) == ["Әбенов"]
    everyone = list_persons(database, sort="birth_date", limit=2)
    assert everyone.count == len(PEOPLE) and names(everyone.rows) == ["Иванов", "Ахметов"]
    with database.sessions() as session:
        regions = {region.id: region.name for region in session.query(Region)}
        assert everyone.regions == regions
        assert persons_page(database, sort="birth_date", offset=2, limit=3) == fetch_persons(
            session, sort="birth_date", offset=2, limit=3)
    assert names(find_persons(database, "xolm")) == ["Xolmatov"]


@pytest.mark.parametrize("language", ["en", "ru", "kk"])
def test_region_choices_are_every_region_by_name(database, language):
    i18n.set_language(language)
    choices = region_choices(database)
    with database.sessions() as session:
        assert {rid for _name, rid in choices} == set(session.scalars(select(Region.id)))
        astana = session.query(Region).filter_by(code="AST").one()
        assert (astana.name, astana.id) in choices
    assert choices == sorted(choices, key=lambda choice: sort_key(choice[0]))


@pytest.mark.sqlite_only
def test_a_search_by_iin_is_led_by_the_iin_index_on_sqlite(database, people):
    """Without statistics SQLite once led every persons query by an index beginning with
    deleted_at and read the whole table (3.4 s at 1,000,000 persons): migration 0032."""
    with database.sessions() as session:
        iin = session.get(Person, people["Әбенов"]).iin
    plans = sqlite_plans(
        database, lambda: list_persons(database, PersonFilter(text=iin)),
        lambda s: s.lstrip().upper().startswith("SELECT") and "persons" in s)
    joined = "\n".join(plan for _statement, plan in plans)
    assert "(iin>? AND iin<?)" in joined, joined  # an index of the IIN leads
    assert "ix_persons_arrivals" not in joined, joined
    assert "SCAN persons" not in joined, joined


def test_within_seconds_stops_a_long_read_and_leaves_the_session_usable(database):
    from sqlalchemy import text

    from kzmigdesk.services.person_search import TimeUp, within_seconds

    slow = text("SELECT pg_sleep(2)" if database.engine.dialect.name == "postgresql" else
                "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                "WHERE i < 100000000) SELECT count(*) FROM n")
    with database.sessions() as session:
        with pytest.raises(TimeUp):
            within_seconds(session, 0.05, lambda: session.execute(slow).all())
        assert within_seconds(session, 5, lambda: session.scalar(select(Person.id).limit(1))) \
            is None
        if database.engine.dialect.name == "postgresql":  # the timeout ended with the read
            assert session.execute(text("SHOW statement_timeout")).scalar() == "0"
        assert session.scalar(select(Region.id).limit(1)) is not None


def test_a_query_with_an_unindexed_column_is_cached_by_its_column():
    """Unindexed has a cache key (else every list query was compiled again: 2 ms a search),
    and two columns never share one (else one sort's SQL would serve another)."""
    from kzmigdesk.services.person_search import Unindexed

    def key(column):
        return select(Person.id).order_by(Unindexed(column))._generate_cache_key()

    assert key(Person.sort_name) is not None
    assert key(Person.sort_name) == key(Person.sort_name) != key(Person.birth_date)
