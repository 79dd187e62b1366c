"""Case owners travel in exchange packages (services/exchange.py, ownership.py): the owner and
its user arrive together, a reassignment goes back, and an owner the receiving office does not
know leaves the record unassigned there instead of failing the import."""

import datetime as dt

from sqlalchemy import select
from test_exchange import DISTRICT, REGION, offices, send, snapshot  # noqa: F401

from kzmigdesk.domain.enums import OfficeKind, Sex, UserRole
from kzmigdesk.domain.models import (
    ExchangePeer,
    ExchangeState,
    Office,
    OwnerChange,
    Person,
    Region,
    RepatriateCase,
    User,
)
from kzmigdesk.services import ownership
from kzmigdesk.services import repatriation as rep
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.ownership import FileKind
from kzmigdesk.services.timeline import load_timeline
from kzmigdesk.services.users import actor_of

SUPERVISOR = Actor("serik", UserRole.SUPERVISOR)


def staff(database) -> dict:
    """An office with two clerks, at `database`."""
    with database.transaction() as session:
        region = session.scalars(select(Region).where(Region.code == "AKM")).one()
        office = Office(code="KOS", name="Қосшы", kind=OfficeKind.DISTRICT, region_id=region.id)
        session.add(office)
        session.flush()
        made = {}
        for username, name in (("aigerim", "Айгерім Әлиева"), ("dana", "Дана Омарова")):
            user = User(username=username, full_name=name, role=UserRole.CLERK,
                        office_id=office.id)
            session.add(user)
            session.flush()
            made[username] = actor_of(user)
    return made


def new_case(database, surname) -> tuple:
    with database.transaction() as session:
        head = Person(surname=surname, given_name="Нұрлан", sex=Sex.MALE,
                      birth_date=dt.date(1980, 1, 1))
        session.add(head)
        session.flush()
        case = rep.open_case(session, head, rep.CaseInput("UZ", dt.date.today()))
        return case.id, head.id


def owner_of(database, case_id):
    with database.sessions() as session:
        return session.get(RepatriateCase, case_id).owner_id


def test_owners_travel_both_ways_with_their_users(offices):  # noqa: F811
    district, region = offices
    clerks = staff(district)
    case_id, head_id = new_case(district.acting_as(clerks["aigerim"]), "Әбенов")
    send(district, region, REGION)
    assert owner_of(region, case_id) == clerks["aigerim"].user_id  # the user came along
    # The region's supervisor reassigns; the district takes it.
    ownership.assign(region.acting_as(SUPERVISOR), FileKind.CASE, [case_id],
                     clerks["dana"].user_id)
    assert send(region, district, DISTRICT).conflicts == 0
    assert owner_of(district, case_id) == clerks["dana"].user_id
    assert snapshot(district) == snapshot(region)
    events = [e.text for e in load_timeline(district, head_id) if e.kind == "Owner"]
    assert events[-1].endswith("assigned to Дана Омарова by serik")


def hide_user(database, peer_name, user_id) -> None:
    """Make `database` believe the peer has the user already: its packages leave it out."""
    with database.transaction() as session:
        peer = session.scalars(select(ExchangePeer).where(ExchangePeer.name == peer_name)).one()
        user = session.get(User, user_id)
        session.add(ExchangeState(peer_id=peer.id, entity_type="users", entity_id=user.id,
                                  version=user.version))


def test_an_owner_unknown_at_the_receiving_office_leaves_the_record_unassigned(offices):  # noqa: F811
    district, region = offices
    clerks = staff(district)
    send(district, region, REGION)  # the office and both clerks
    with district.transaction() as session:
        office_id = session.get(User, clerks["aigerim"].user_id).office_id
        newcomer = User(username="newcomer", full_name="Жаңа Маман", role=UserRole.CLERK,
                        office_id=office_id)
        session.add(newcomer)
    hide_user(district, REGION, newcomer.id)
    case_id, _head = new_case(district.acting_as(actor_of(newcomer)), "Құрманов")
    result = send(district, region, REGION)
    assert result.conflicts == 0 and result.applied >= 3  # the case, its person, its history
    assert owner_of(region, case_id) is None
    with region.sessions() as session:
        assert session.get(User, newcomer.id) is None
        # the change of owner still reads as it was made
        assert session.scalars(select(OwnerChange.owner_name).where(
            OwnerChange.record_id == case_id)).all() == ["Жаңа Маман"]

    # The other way: a region user the district does not know.
    with region.transaction() as session:
        stranger = User(username="stranger", full_name="Бөгде", role=UserRole.SUPERVISOR)
        session.add(stranger)
    hide_user(region, DISTRICT, stranger.id)
    ownership.assign(region.acting_as(SUPERVISOR), FileKind.CASE, [case_id], stranger.id)
    assert send(region, district, DISTRICT).conflicts == 0
    assert owner_of(district, case_id) is None
    assert owner_of(region, case_id) == stranger.id
