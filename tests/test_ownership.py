"""Case owners (services/ownership.py): who may take, assign and reassign cases, permits and
service records, the "Mine" filters, the owner of a new record and the timeline."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from kzmigdesk.domain.enums import OfficeKind, PermitCategory, PermitStatus, Sex, UserRole
from kzmigdesk.domain.models import (
    AdaptationCentre,
    AuditEntry,
    Employer,
    Office,
    OwnerChange,
    Person,
    Region,
    RepatriateCase,
    ServiceRecord,
    ServiceType,
    User,
    WorkPermit,
)
from kzmigdesk.services import adaptation, labour, ownership
from kzmigdesk.services import repatriation as rep
from kzmigdesk.services.errors import NotFound, ServiceError
from kzmigdesk.services.ownership import FileKind
from kzmigdesk.services.timeline import load_timeline
from kzmigdesk.services.users import actor_of

pytestmark = pytest.mark.usefixtures("open_quotas")

TODAY = dt.date.today()


@pytest.fixture
def office(database):
    """Offices A and B, a supervisor and two clerks at A, a clerk at B, and three cases, three
    permits and three service records of A, one of each of B, all unassigned."""
    made = {}
    with database.transaction() as session:
        region = session.scalars(select(Region).where(Region.code == "ALA")).one()
        a, b = (Office(code=code, name=f"Office {code}", kind=OfficeKind.DISTRICT,
                       region_id=region.id) for code in "AB")
        session.add_all([a, b])
        session.flush()
        for username, name, role, office in (
                ("serik", "Серік Сейітов", UserRole.SUPERVISOR, a),
                ("aigerim", "Айгерім Әлиева", UserRole.CLERK, a),
                ("dana", "Дана Омарова", UserRole.CLERK, a),
                ("bolat", "Болат Жанов", UserRole.CLERK, b)):
            user = User(username=username, full_name=name, role=role, office_id=office.id)
            session.add(user)
            session.flush()
            made[username] = actor_of(user)
        employer = Employer(bin="150340000012", name="ТОО «Құрылыс»", region_id=region.id)
        centre = AdaptationCentre(name="Алматы орталығы", region_id=region.id, beds=20)
        session.add_all([employer, centre])
        stay = session.scalars(select(ServiceType).where(
            ServiceType.is_accommodation.is_(True))).first()
        session.flush()
        for office, count in ((a, 3), (b, 1)):
            ids = {FileKind.CASE: [], FileKind.PERMIT: [], FileKind.SERVICE: []}
            for n in range(count):
                person = Person(surname=f"Адам{office.code}{n}", given_name="Ә", sex=Sex.MALE,
                                birth_date=dt.date(1980, 1, 1), office_id=office.id)
                session.add(person)
                session.flush()
                case = RepatriateCase(
                    case_number=f"K-{office.code}{n}", person_id=person.id,
                    country_of_origin="UZ", application_date=TODAY, status="applied",
                    office_id=office.id)
                permit = WorkPermit(
                    number=f"WP-{office.code}{n}", employer_id=employer.id,
                    person_id=person.id, category=PermitCategory.CATEGORY_4,
                    region_id=region.id, valid_from=TODAY, valid_to=TODAY, quota_year=2026,
                    status=PermitStatus.ISSUED, office_id=office.id)
                record = ServiceRecord(person_id=person.id, centre_id=centre.id,
                                       service_type_id=stay.id, start_date=TODAY)
                session.add_all([case, permit, record])
                session.flush()
                ids[FileKind.CASE].append(case.id)
                ids[FileKind.PERMIT].append(permit.id)
                ids[FileKind.SERVICE].append(record.id)
            made[office.code] = ids
    return made


def owners(database, kind, ids):
    model = ownership.MODELS[kind]
    with database.sessions() as session:
        return [session.get(model, i).owner_id for i in ids]


@pytest.mark.parametrize("kind", list(FileKind))
def test_a_clerk_takes_unassigned_files_of_their_office(database, office, kind):
    aigerim = office["aigerim"]
    ids = office["A"][kind][:2]
    assert ownership.take(database.acting_as(aigerim), kind, ids) == 2
    assert owners(database, kind, ids) == [aigerim.user_id] * 2
    # taking one's own again changes nothing
    assert ownership.take(database.acting_as(aigerim), kind, ids[:1]) == 0


@pytest.mark.parametrize("kind", list(FileKind))
def test_a_clerk_can_not_reassign_nor_take_a_colleagues_file(database, office, kind):
    aigerim, dana = office["aigerim"], office["dana"]
    first, second = office["A"][kind][:2]
    ownership.take(database.acting_as(aigerim), kind, [first])
    with pytest.raises(ServiceError) as refused:
        ownership.assign(database.acting_as(aigerim), kind, [second], dana.user_id)
    assert refused.value.message() == (
        "Only a supervisor assigns records to someone else or reassigns them.")
    with pytest.raises(ServiceError) as refused:
        ownership.assign(database.acting_as(aigerim), kind, [first], None)
    with pytest.raises(ServiceError) as refused:
        # all or nothing: the free one is not taken either
        ownership.take(database.acting_as(dana), kind, [second, first])
    assert "is already assigned to Айгерім Әлиева: only a supervisor reassigns it" in (
        refused.value.message())
    assert owners(database, kind, [first, second]) == [aigerim.user_id, None]


@pytest.mark.parametrize("kind", list(FileKind))
def test_a_clerk_can_not_take_another_offices_file(database, office, kind):
    with pytest.raises(ServiceError) as refused:
        ownership.take(database.acting_as(office["bolat"]), kind, office["A"][kind][:1])
    assert "belongs to another office" in refused.value.message()
    assert owners(database, kind, office["A"][kind][:1]) == [None]


def test_a_supervisor_reassigns_several_at_once(database, office):
    serik, aigerim, dana = office["serik"], office["aigerim"], office["dana"]
    ids = office["A"][FileKind.CASE]
    ownership.take(database.acting_as(aigerim), FileKind.CASE, ids[:1])
    assert ownership.assign(database.acting_as(serik), FileKind.CASE, ids, dana.user_id) == 3
    assert owners(database, FileKind.CASE, ids) == [dana.user_id] * 3
    assert ownership.assign(database.acting_as(serik), FileKind.CASE, ids[:1], None) == 1
    assert owners(database, FileKind.CASE, ids[:1]) == [None]
    with database.sessions() as session:
        # each change audited on the record, and kept for the timeline
        changes = session.scalars(select(AuditEntry).where(
            AuditEntry.entity_id == str(ids[0]), AuditEntry.action == "update")).all()
        assert [c.changes["owner_id"][1] for c in changes] == [
            str(aigerim.user_id), str(dana.user_id), None]
        assert [c.username for c in changes] == ["aigerim", "serik", "serik"]
        logged = session.scalars(select(OwnerChange).where(OwnerChange.record_id == ids[0])
                                 .order_by(OwnerChange.changed_at)).all()
        assert [(c.owner_name, c.changed_by) for c in logged] == [
            ("Айгерім Әлиева", "Айгерім Әлиева"), ("Дана Омарова", "Серік Сейітов"),
            (None, "Серік Сейітов")]


def test_a_supervisor_assigns_only_to_users_of_the_files_office(database, office):
    serik, bolat = office["serik"], office["bolat"]
    mixed = office["A"][FileKind.PERMIT][:2] + office["B"][FileKind.PERMIT]
    with pytest.raises(ServiceError) as refused:
        ownership.assign(database.acting_as(serik), FileKind.PERMIT, mixed, bolat.user_id)
    assert refused.value.message() == "Болат Жанов does not work at the office of WP-A0."
    assert owners(database, FileKind.PERMIT, mixed) == [None] * 3  # all or nothing
    choices = ownership.owner_choices(database.acting_as(serik), FileKind.PERMIT, mixed[:2])
    assert [c.username for c in choices] == ["aigerim", "dana", "serik"]  # by name
    assert ownership.owner_choices(database.acting_as(serik), FileKind.PERMIT, mixed) == []


def test_gone_records_and_users(database, office):
    serik = office["serik"]
    import uuid

    with pytest.raises(NotFound):
        ownership.assign(database.acting_as(serik), FileKind.CASE, [uuid.uuid4()], None)
    with pytest.raises(ServiceError) as refused:
        ownership.assign(database.acting_as(serik), FileKind.CASE, office["A"][FileKind.CASE],
                         uuid.uuid4())
    assert refused.value.message() == "The chosen user does not exist or is no longer active."


def test_new_files_belong_to_the_clerk_who_makes_them(database, office):
    aigerim = office["aigerim"]
    clerk = database.acting_as(aigerim)
    with clerk.transaction() as session:
        region = session.scalars(select(Region).where(Region.code == "ALA")).one()
        head = Person(surname="Жаңа", given_name="Адам", sex=Sex.MALE,
                      birth_date=dt.date(1980, 1, 1), citizenship="CN")
        session.add(head)
        session.flush()
        case = rep.open_case(session, head, rep.CaseInput("UZ", TODAY))
        employer = session.scalars(select(Employer)).first()
        permit = labour.issue_permit(session, head, employer, labour.PermitInput(
            number="WP-NEW", category=PermitCategory.CATEGORY_4, region_id=region.id,
            valid_from=TODAY, valid_to=TODAY + dt.timedelta(days=90)))
        centre = session.scalars(select(AdaptationCentre)).first()
        course = session.scalars(select(ServiceType).where(ServiceType.code == "legal")).one()
        record = adaptation.record_service(session, adaptation.ServiceInput(
            head.id, centre.id, course.id, TODAY))
        made = [case, permit, record]
        assert [r.owner_id for r in made] == [aigerim.user_id] * 3
        ids = [r.id for r in made]
        head_id = head.id
    with database.sessions() as session:
        # each created once, with its owner (no second entry for the owner)
        for record_id in ids:
            entries = session.scalars(select(AuditEntry).where(
                AuditEntry.entity_id == str(record_id))).all()
            assert [e.action for e in entries] == ["create"]
            assert entries[0].changes["owner_id"] == [None, str(aigerim.user_id)]
    events = [e.text for e in load_timeline(database, head_id) if e.kind == "Owner"]
    assert events == [
        f"Case KC-{TODAY.year}-000001: assigned to Айгерім Әлиева by Айгерім Әлиева",
        "Permit WP-NEW: assigned to Айгерім Әлиева by Айгерім Әлиева",
        "Legal consultation: assigned to Айгерім Әлиева by Айгерім Әлиева"]


def test_the_timeline_shows_every_change_of_owner(database, office):
    serik, dana = office["serik"], office["dana"]
    case_id = office["A"][FileKind.CASE][0]
    ownership.assign(database.acting_as(serik), FileKind.CASE, [case_id], dana.user_id)
    ownership.assign(database.acting_as(serik), FileKind.CASE, [case_id], None)
    with database.sessions() as session:
        person_id = session.get(RepatriateCase, case_id).person_id
    events = [e.text for e in load_timeline(database, person_id) if e.kind == "Owner"]
    assert events == ["Case K-A0: assigned to Дана Омарова by Серік Сейітов",
                      "Case K-A0: unassigned by Серік Сейітов"]


def test_mine_filters_of_the_three_lists(database, office):
    aigerim, dana = office["aigerim"], office["dana"]
    for kind in FileKind:
        ownership.take(database.acting_as(aigerim), kind, office["A"][kind][:2])
        ownership.take(database.acting_as(dana), kind, office["A"][kind][2:])
    mine = database.acting_as(aigerim)
    assert rep.count_cases_in(mine, mine=True) == 2
    assert rep.count_cases_in(mine) == 4
    rows = rep.cases_page(mine, 0, 10, mine=True)
    assert {r.id for r in rows} == set(office["A"][FileKind.CASE][:2])
    assert {r.owner_name for r in rep.cases_page(mine, 0, 10)} == {
        "Айгерім Әлиева", "Дана Омарова", ""}
    assert labour.count_permits_in(mine, mine=True) == 2
    assert {r.id for r in labour.permits_page(mine, mine=True)} == set(
        office["A"][FileKind.PERMIT][:2])
    assert labour.permits_page(mine, mine=True)[0].owner_name == "Айгерім Әлиева"
    assert adaptation.count_services_in(mine, mine=True) == 2
    rows = adaptation.fetch_services_in(mine, mine=True, open_stays_only=True)
    assert {r.id for r in rows} == set(office["A"][FileKind.SERVICE][:2])
    # no signed-in user: nothing is theirs
    assert rep.count_cases_in(database, mine=True) == 0
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(RepatriateCase).where(
            RepatriateCase.owner_id == aigerim.user_id)) == 2


def test_the_mine_pages_read_the_owner_indexes(database, office):
    """SQLite reads each "Mine" list's page from its owner index, in the list's order."""
    from sqlalchemy import event

    if database.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's plans")
    mine = database.acting_as(office["aigerim"])
    statements = []

    def keep(_conn, _cursor, statement, parameters, _context, _many):
        statements.append((statement, parameters))

    pages = {"ix_repatriate_cases_owner": lambda: rep.cases_page(mine, 0, 200, mine=True),
             "ix_work_permits_owner": lambda: labour.permits_page(mine, mine=True),
             "ix_service_records_owner": lambda: adaptation.fetch_services_in(mine, mine=True)}
    for index, read in pages.items():
        statements.clear()
        event.listen(database.engine, "before_cursor_execute", keep)
        try:
            read()
        finally:
            event.remove(database.engine, "before_cursor_execute", keep)
        statement, parameters = next(s for s in statements if "LIMIT" in s[0])
        with database.engine.connect() as connection:
            plan = " ".join(str(row[-1]) for row in connection.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {statement}", parameters))
        # the page's ids in order from the index; only its 200 rows are sorted again
        page = plan.split(" SCAN anon")[0]
        assert index in page and "TEMP B-TREE" not in page, plan
