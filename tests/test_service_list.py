import datetime as dt

from sqlalchemy import select

from kzmigdesk import i18n
from kzmigdesk.domain.enums import Sex
from kzmigdesk.domain.models import Region, ServiceType
from kzmigdesk.services.adaptation import (
    CentreInput,
    ServiceInput,
    ServiceRow,
    count_services,
    count_services_in,
    fetch_services,
    fetch_services_in,
    record_service,
    save_centre,
)
from kzmigdesk.services.registration import PersonInput, save_person

TODAY = dt.date(2026, 3, 10)
DAY = dt.timedelta(days=1)


def type_id(session, code):
    return session.scalars(select(ServiceType).where(ServiceType.code == code)).one().id


def populate(database):
    with database.transaction() as session:
        region = session.scalars(select(Region).where(Region.code == "ALA")).one().id
        almaty = save_centre(session, CentreInput(name="ЦАИ Алматы", region_id=region, beds=5))
        astana = save_centre(session, CentreInput(name="ЦАИ Астана", region_id=region, beds=5))
        omarov = save_person(session, PersonInput(surname="Омаров", given_name="Ерлан",
                                                  sex=Sex.MALE, birth_date=dt.date(1985, 4, 12)),
                             confirm_duplicates=True)
        seitova = save_person(session, PersonInput(surname="Сейітова", given_name="Айгүл",
                                                   sex=Sex.FEMALE, birth_date=dt.date(1990, 1, 2)),
                              confirm_duplicates=True)

        def add(person, centre, code, start, end=None, **kwargs):
            return record_service(session, ServiceInput(
                person_id=person.id, centre_id=centre.id, service_type_id=type_id(session, code),
                start_date=start, end_date=end, **kwargs), today=TODAY).id

        ids = {
            "open_stay": add(omarov, almaty, "accommodation", TODAY - 5 * DAY),
            "course": add(omarov, astana, "kazakh_course", TODAY - 20 * DAY, TODAY - DAY,
                          hours_attended=40, completed=True),
            "ended_stay": add(seitova, almaty, "accommodation", TODAY - 30 * DAY,
                              TODAY - 10 * DAY),
            "legal": add(seitova, astana, "legal", TODAY - 5 * DAY, outcome="Advised"),
        }
        return ids, almaty.id, astana.id


def test_fetch_orders_by_start_date_then_id_and_fills_rows(database):
    ids, almaty, _ = populate(database)
    with database.sessions() as session:
        rows = fetch_services(session)
        assert count_services(session) == 4
    assert [r.id for r in rows[2:]] == [ids["course"], ids["ended_stay"]]
    assert {r.id for r in rows[:2]} == {ids["open_stay"], ids["legal"]}
    assert rows[0].id > rows[1].id
    stay = next(r for r in rows if r.id == ids["open_stay"])
    assert stay == ServiceRow(
        id=ids["open_stay"], person_name="Омаров Ерлан", centre_name="ЦАИ Алматы",
        service_name="Temporary accommodation", is_accommodation=True,
        start_date=TODAY - 5 * DAY, end_date=None, hours_attended=None, completed=None,
        outcome=None)
    course = next(r for r in rows if r.id == ids["course"])
    assert (course.hours_attended, course.completed, course.is_accommodation) == (40, True, False)


def test_service_name_follows_the_language(database):
    populate(database)
    i18n.set_language("ru")
    with database.sessions() as session:
        names = {r.service_name for r in fetch_services(session)}
    assert "Временное проживание" in names


def test_filters_text_centre_type_and_open_stays(database):
    ids, almaty, astana = populate(database)
    with database.sessions() as session:
        def found(**kwargs):
            assert count_services(session, **kwargs) == len(fetch_services(session, **kwargs))
            return {r.id for r in fetch_services(session, **kwargs)}

        assert found(text="омаров") == {ids["open_stay"], ids["course"]}
        assert found(text="omarov") == {ids["open_stay"], ids["course"]}
        assert found(text="   ") == set(ids.values())
        assert found(text="Никто") == set()
        assert found(centre_id=almaty) == {ids["open_stay"], ids["ended_stay"]}
        assert found(service_type_id=type_id(session, "accommodation")) == {
            ids["open_stay"], ids["ended_stay"]}
        assert found(open_stays_only=True) == {ids["open_stay"]}
        assert found(text="Сейітова", open_stays_only=True) == set()
        assert found(centre_id=astana, text="Сейітова") == {ids["legal"]}


def test_paging(database):
    populate(database)
    with database.sessions() as session:
        everything = [r.id for r in fetch_services(session)]
        first = [r.id for r in fetch_services(session, limit=3)]
        rest = [r.id for r in fetch_services(session, offset=3, limit=3)]
    assert first + rest == everything


def test_the_list_reads_in_its_own_session(database):
    ids, almaty, _ = populate(database)
    assert count_services_in(database, centre_id=almaty) == 2
    rows = fetch_services_in(database, 1, 1, centre_id=almaty)
    assert [row.id for row in rows] == [ids["ended_stay"]]
