"""A regional office between three districts and the ministry (issue 25): the districts'
records reach the ministry through the region, once, with where they come from; a district
gets the region's records and its own back, never another district's; a conflict only where
two offices changed the same record (not where their reference data was seeded at another
time). The districts on SQLite files, the region and the
ministry on the `database` and `second_database` fixtures (PostgreSQL when
KZMIGDESK_TEST_POSTGRES_URL is set)."""

import datetime as dt
import shutil

import pytest
from sqlalchemy import select

from kzmigdesk.domain.enums import Sex
from kzmigdesk.domain.models import ExchangeConflict, Person, Region
from kzmigdesk.services import exchange
from kzmigdesk.services.registration import PersonInput, save_person

DISTRICTS = ("Қосшы district", "Целиноград district", "Шортанды district")
REGION, MINISTRY = "Akmola region", "Ministry"


@pytest.fixture
def offices(tmp_path, migrated_template, database, second_database):
    from conftest import TEST_ADMINISTRATOR

    from kzmigdesk.services.workspace import open_database

    made = {REGION: database, MINISTRY: second_database}
    for number, name in enumerate(DISTRICTS):
        path = tmp_path / f"district{number}.sqlite3"
        shutil.copyfile(migrated_template, path)
        made[name] = open_database(str(path))
        made[name].actor = TEST_ADMINISTRATOR
        with made[name].transaction() as session:  # each office seeded at its own time
            session.execute(Region.__table__.update().values(
                created_at=dt.datetime(2026, 1, 1 + number)))
    links = [(district, REGION) for district in DISTRICTS] + [(REGION, MINISTRY)]
    for name, db in made.items():
        with db.transaction() as session:
            exchange.set_office_name(session, name)
    for lower, upper in links:
        key = exchange.new_key()
        for here, there in ((lower, upper), (upper, lower)):
            with made[here].transaction() as session:
                exchange.add_peer(session, there, key)
    with database.transaction() as session:  # the region sends each district its own
        for district in DISTRICTS:
            exchange.set_sends(session, district, "own")
    yield made
    for name in DISTRICTS:
        made[name].close()


def send(offices, source: str, target: str) -> exchange.ImportResult:
    with offices[source].transaction() as session:
        data = exchange.export_package(session, target).data
    with offices[target].transaction() as session:
        return exchange.import_package(session, data)


def round_trip(offices) -> list[exchange.ImportResult]:
    """Every district to the region, the region to the ministry and back, the region to
    every district."""
    results = [send(offices, d, REGION) for d in DISTRICTS]
    results += [send(offices, REGION, MINISTRY), send(offices, MINISTRY, REGION)]
    results += [send(offices, REGION, d) for d in DISTRICTS]
    return results


def register(db, surname: str):
    with db.transaction() as session:
        return save_person(session, PersonInput(
            surname=surname, given_name="Нұрлан", sex=Sex.MALE,
            birth_date=dt.date(1980, 1, 1)), confirm_duplicates=True).id


def rename(db, person_id, surname: str) -> None:
    with db.transaction() as session:
        person = session.get(Person, person_id)
        save_person(session, PersonInput(surname=surname, given_name=person.given_name,
                                         sex=person.sex, birth_date=person.birth_date),
                    person_id=person_id, confirm_duplicates=True)


def surnames(db) -> dict:
    with db.sessions() as session:
        return {p.id: p.surname for p in session.scalars(select(Person))}


def conflicts(db) -> list:
    with db.sessions() as session:
        return [c.entity_id for c in session.scalars(select(ExchangeConflict))]


def test_districts_region_and_ministry_over_several_rounds(offices):
    own = {d: [register(offices[d], f"{d.split()[0]}-{n}") for n in range(2)]
           for d in DISTRICTS}
    at_region = register(offices[REGION], "Облыс")
    at_ministry = register(offices[MINISTRY], "Министрлік")
    first = round_trip(offices)
    everyone = {*sum(own.values(), []), at_region, at_ministry}
    assert set(surnames(offices[MINISTRY])) == everyone
    assert set(surnames(offices[REGION])) == everyone
    for district in DISTRICTS:  # its own and the region's, never another district's
        assert set(surnames(offices[district])) == {*own[district], at_region}
    # each district's persons reached the ministry once, through the region
    assert first[3].applied >= 7 and first[3].conflicts == 0
    with offices[MINISTRY].sessions() as session:
        for district in DISTRICTS:
            for person_id in own[district]:
                assert exchange.origin_of(session, "persons", person_id) == (
                    district, [district, REGION])
        assert exchange.origin_of(session, "persons", at_ministry) == (MINISTRY, [])
    with offices[REGION].sessions() as session:
        assert exchange.origin_of(session, "persons", at_ministry) == (MINISTRY, [MINISTRY])

    # A change at a district reaches the ministry; the ministry's change of another
    # district's person reaches that district, and no one else's.
    d1, d2, d3 = DISTRICTS
    rename(offices[d1], own[d1][0], "Әбенұлы")
    rename(offices[MINISTRY], own[d2][0], "Сейітов")
    round_trip(offices)
    assert surnames(offices[MINISTRY])[own[d1][0]] == "Әбенұлы"
    assert surnames(offices[d2])[own[d2][0]] == "Сейітов"
    assert own[d1][0] not in surnames(offices[d2])
    with offices[d2].sessions() as session:
        assert exchange.origin_of(session, "persons", own[d2][0]) == (d2, [MINISTRY, REGION])

    # The only conflict: the ministry and the third district change the same person.
    rename(offices[MINISTRY], own[d3][1], "Министрлік-нұсқа")
    rename(offices[d3], own[d3][1], "Аудан-нұсқа")
    round_trip(offices)
    assert conflicts(offices[REGION]) == [own[d3][1]]
    for name in (*DISTRICTS, MINISTRY):
        assert conflicts(offices[name]) in ([], [own[d3][1]]), name

    # More rounds change nothing: nothing travels twice; all agree but on the conflict,
    # where each office keeps its own version until a supervisor chooses.
    for _ in range(2):
        assert all(r.applied == 0 for r in round_trip(offices))
    disputed = own[d3][1]
    region = surnames(offices[REGION])
    assert {k: v for k, v in surnames(offices[MINISTRY]).items() if k != disputed} == {
        k: v for k, v in region.items() if k != disputed}
    for district in DISTRICTS:
        mine = surnames(offices[district])
        assert all(region[k] == v for k, v in mine.items() if k != disputed), district
    assert surnames(offices[d3])[disputed] == "Аудан-нұсқа"


def test_sends_names_a_choice_and_a_known_peer(offices):
    from kzmigdesk.services.errors import NotFound, ValidationFailed

    with offices[REGION].transaction() as session:
        with pytest.raises(ValidationFailed):
            exchange.set_sends(session, DISTRICTS[0], "some")
        with pytest.raises(NotFound):
            exchange.set_sends(session, "Nobody", "own")


def test_a_clerks_change_held_at_the_region_reaches_the_ministry_once_approved(offices):
    """Four eyes along the way: a district that lets its clerks change identity data alone
    sends such a change; the region holds it for its supervisor; approved there, it reaches
    the ministry as approved (the region's approval travels with it), not as a new request."""
    from kzmigdesk.domain.enums import RequestStatus, UserRole
    from kzmigdesk.domain.models import ChangeRequest, User
    from kzmigdesk.services import change_requests as cr
    from kzmigdesk.services import users

    d1 = DISTRICTS[0]
    person = register(offices[d1], "Әбенов")
    accounts = {}
    for office in (d1, REGION):
        with offices[office].transaction() as session:
            for name, role in (("clerk", UserRole.CLERK), ("chief", UserRole.SUPERVISOR)):
                user = User(username=f"{name}{len(accounts)}", full_name=name, role=role)
                session.add(user)
                session.flush()
                accounts[office, role] = users.actor_of(user)
    round_trip(offices)
    cr.set_approval_rules(offices[d1], cr.ApprovalRules(kinds=frozenset()))
    rename(offices[d1].acting_as(accounts[d1, UserRole.CLERK]), person, "Әбенұлы")
    round_trip(offices)
    assert surnames(offices[REGION])[person] == "Әбенов"  # held at the region
    assert surnames(offices[MINISTRY])[person] == "Әбенов"
    chief = offices[REGION].acting_as(accounts[REGION, UserRole.SUPERVISOR])
    [waiting] = cr.list_requests(chief)
    cr.approve_request(chief, waiting.id)
    round_trip(offices)
    assert surnames(offices[MINISTRY])[person] == "Әбенұлы"
    with offices[MINISTRY].sessions() as session:
        assert session.scalars(select(ChangeRequest).where(
            ChangeRequest.status == RequestStatus.SUBMITTED)).all() == []
