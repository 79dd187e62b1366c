"""Deadlines act by themselves: certificates and permits past their dates expire at a run (at
start, daily, or by `kzmigdesk deadlines run`), once only, under the system user."""

import datetime as dt

from sqlalchemy import select

from kzmigdesk.cli import main
from kzmigdesk.domain.enums import (
    HouseholdRelation,
    PermitCategory,
    PermitStatus,
    RepatriateStatus,
    Sex,
)
from kzmigdesk.domain.identifiers import make_bin
from kzmigdesk.domain.models import AuditEntry, Person, Region, RepatriateCase, WorkPermit
from kzmigdesk.services import labour
from kzmigdesk.services import repatriation as rep
from kzmigdesk.services.deadlines import DeadlinesRun, run_deadlines

GRANTED_ON = dt.date(2025, 3, 1)  # the certificate is valid to 2026-03-01
TODAY = dt.date(2026, 3, 10)


def person(session, surname, citizenship="UZ", sex=Sex.MALE) -> Person:
    found = Person(surname=surname, given_name="Test", sex=sex,
                   birth_date=dt.date(1980, 1, 1), citizenship=citizenship)
    session.add(found)
    session.flush()
    return found


def populate(database) -> None:
    with database.transaction() as session:
        head, spouse = person(session, "Әбенов"), person(session, "Әбенова", sex=Sex.FEMALE)
        case = rep.open_case(session, head, rep.CaseInput(
            country_of_origin="UZ", application_date=GRANTED_ON),
            [(spouse, HouseholdRelation.SPOUSE)], today=GRANTED_ON)
        rep.change_status(session, case, RepatriateStatus.GRANTED, GRANTED_ON,
                          certificate_number="KND-1", today=GRANTED_ON)
        region = session.scalars(select(Region).where(Region.code == "ALA")).one()
        employer = labour.save_employer(session, labour.EmployerInput(
            bin=make_bin(dt.date(2015, 3, 1), 1), name="ТОО «Казстрой»", region_id=region.id))
        for number, valid_to in (("WP-OLD", dt.date(2026, 3, 9)), ("WP-NOW", TODAY)):
            labour.issue_permit(session, person(session, number, citizenship="CN"), employer,
                                labour.PermitInput(
                                    number=number, category=PermitCategory.CATEGORY_4,
                                    region_id=region.id, valid_from=dt.date(2025, 9, 1),
                                    valid_to=valid_to), today=dt.date(2025, 9, 1))


def test_a_run_expires_what_is_due_once_under_the_system_user(open_quotas):
    database = open_quotas
    populate(database)
    first = run_deadlines(database, TODAY)
    assert first == DeadlinesRun(certificates_expired=1, permits_expired=1)
    assert first.message() == "1 kandas certificate expired; 1 work permit expired."
    assert run_deadlines(database, TODAY) == DeadlinesRun()  # idempotent
    assert run_deadlines(database, TODAY).message() == (
        "No certificate or permit reached its deadline.")
    with database.sessions() as session:
        case = session.scalars(select(RepatriateCase)).one()
        assert case.status is RepatriateStatus.EXPIRED
        assert {p.status for p in session.scalars(select(Person).where(
            Person.surname.in_(["Әбенов", "Әбенова"])))} == {"expired"}  # the household follows
        permits = dict(session.execute(select(WorkPermit.number, WorkPermit.status)).all())
        assert permits == {"WP-OLD": PermitStatus.EXPIRED, "WP-NOW": PermitStatus.ISSUED}
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.username == "system")).all()
    assert {e.action for e in entries} >= {"status", "create", "deadlines"}
    assert [e.changes for e in entries if e.action == "deadlines"] == [
        {"day": "2026-03-10", "certificates": 1, "permits": 1}]


def test_the_command_runs_the_deadlines(tmp_path, capsys, migrated_template):
    import shutil

    from kzmigdesk.services.workspace import open_database

    path = tmp_path / "office.sqlite3"
    shutil.copyfile(migrated_template, path)
    database = open_database(str(path))
    database.actor = rep_actor()
    with database.transaction() as session:
        head = person(session, "Сейітов")
        case = rep.open_case(session, head, rep.CaseInput(
            country_of_origin="CN", application_date=dt.date(2024, 1, 10)),
            today=dt.date(2024, 1, 10))
        rep.change_status(session, case, RepatriateStatus.GRANTED, dt.date(2024, 1, 10),
                          certificate_number="KND-9", today=dt.date(2024, 1, 10))
    database.close()
    assert main(["--db", str(path), "deadlines", "run"]) == 0
    assert capsys.readouterr().out.strip() == "1 kandas certificate expired."
    assert main(["--db", str(path), "deadlines", "run"]) == 0
    assert capsys.readouterr().out.strip() == "No certificate or permit reached its deadline."


def rep_actor():
    from conftest import TEST_ADMINISTRATOR

    return TEST_ADMINISTRATOR


def test_the_window_applies_the_deadlines_at_start_and_once_a_day(qtbot, open_quotas):
    from kzmigdesk.gui.main_window import MainWindow

    database = open_quotas
    populate(database)
    days = iter([TODAY, TODAY, TODAY + dt.timedelta(days=1)])
    window = MainWindow(database, on_language_chosen=lambda code: None)
    qtbot.addWidget(window)
    window.deadlines.today = lambda: next(days)
    with qtbot.waitSignal(window.deadlines.applied):
        window.deadlines.start()
    assert window.statusBar().currentMessage() == (
        "1 kandas certificate expired; 1 work permit expired.")
    assert window.deadlines.timer.isActive()
    assert window.deadlines.run_if_due() is None  # the same day: not again
    assert window.deadlines.run_if_due() == DeadlinesRun(permits_expired=1)  # the next day
    with database.sessions() as session:
        assert {p.status for p in session.scalars(select(WorkPermit))} == {
            PermitStatus.EXPIRED}


def test_stays_past_their_planned_end_are_flagged_once(database):
    """A stay still going on after its planned last day is flagged by the run, once, under the
    system user; a stay checked out, or whose end is moved on, is not (or no longer)."""
    from kzmigdesk.domain.models import AdaptationCentre, ServiceRecord, ServiceType
    from kzmigdesk.services import adaptation
    from kzmigdesk.services.adaptation import ServiceInput
    from kzmigdesk.services.worklist import worklist

    start = dt.date(2026, 1, 10)
    with database.transaction() as session:
        region = session.scalars(select(Region).where(Region.code == "ALA")).one()
        centre = AdaptationCentre(name="Алматы орталығы", region_id=region.id, beds=10)
        session.add(centre)
        session.flush()
        stay = session.scalars(select(ServiceType).where(
            ServiceType.is_accommodation.is_(True))).first()
        ids = []
        for name, planned, end in (("Late", dt.date(2026, 3, 9), None),
                                   ("Today", TODAY, None),
                                   ("Left", dt.date(2026, 3, 1), dt.date(2026, 3, 1))):
            ids.append(adaptation.record_service(session, ServiceInput(
                person(session, name).id, centre.id, stay.id, start, end,
                planned_end_date=planned), today=TODAY).id)
    first = run_deadlines(database, TODAY)
    assert first == DeadlinesRun(stays_flagged=1)
    assert first.message() == "1 stay past its planned end."
    assert run_deadlines(database, TODAY) == DeadlinesRun()  # once only
    assert run_deadlines(database, TODAY + dt.timedelta(days=1)) == DeadlinesRun(
        stays_flagged=1)  # the next day, the stay planned to end today
    with database.sessions() as session:
        flagged = {r.id: r.past_end_flagged_on for r in session.scalars(select(ServiceRecord))}
        assert flagged == {ids[0]: TODAY, ids[1]: TODAY + dt.timedelta(days=1), ids[2]: None}
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.username == "system", AuditEntry.entity_id == str(ids[0]))).all()
        assert [e.changes for e in entries] == [
            {"past_end_flagged_on": [None, TODAY.isoformat()]}]
        summary = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "deadlines")).all()
        assert [e.changes.get("stays") for e in summary] == [1, 1]
    tomorrow = TODAY + dt.timedelta(days=1)
    [group] = [g for g in worklist(database, tomorrow).groups if g.key == "past_end"]
    assert group.count == 2 and [i.id for i in group.items] == ids[:2]
    # checked out, or the end moved on: off the worklist
    adaptation.check_out(database, ids[0], TODAY)
    later = dt.date.today() + dt.timedelta(days=30)  # the service's today is the real one
    adaptation.store_service(database, ServiceInput(
        _person_of(database, ids[1]), centre.id, stay.id, start, planned_end_date=later),
        ids[1])
    [group] = [g for g in worklist(database, tomorrow).groups if g.key == "past_end"]
    assert group.count == 0
    with database.sessions() as session:
        assert session.get(ServiceRecord, ids[1]).past_end_flagged_on is None


def _person_of(database, record_id):
    from kzmigdesk.domain.models import ServiceRecord

    with database.sessions() as session:
        return session.get(ServiceRecord, record_id).person_id


def test_a_planned_end_is_for_stays_and_not_before_their_start(database):
    from kzmigdesk.domain.models import AdaptationCentre, ServiceType
    from kzmigdesk.services import adaptation
    from kzmigdesk.services.adaptation import ServiceInput
    from kzmigdesk.services.errors import ValidationFailed

    with database.transaction() as session:
        region = session.scalars(select(Region).where(Region.code == "ALA")).one()
        centre = AdaptationCentre(name="Орталық", region_id=region.id, beds=10)
        session.add(centre)
        session.flush()
        stay = session.scalars(select(ServiceType).where(
            ServiceType.is_accommodation.is_(True))).first()
        course = session.scalars(select(ServiceType).where(ServiceType.code == "legal")).one()
        who = person(session, "Planned").id
        for kind, planned, problem in (
                (course, TODAY, "Planned end: applies only to stays"),
                (stay, TODAY - dt.timedelta(days=1), "Planned end: is before the start date")):
            try:
                adaptation.record_service(session, ServiceInput(
                    who, centre.id, kind.id, TODAY, planned_end_date=planned), today=TODAY)
            except ValidationFailed as failed:
                assert [e.message() for e in failed.errors] == [problem]
            else:
                raise AssertionError("accepted")
