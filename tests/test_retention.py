"""Retention of personal data (issue 23): rules set by an administrator, the purge proposal,
the purge a supervisor approves (anonymised, statistics unchanged, scans gone, the trail still
intact and free of the purged values), and the purge travelling to another office."""

import datetime as dt
import json
import shutil

import pytest
from sqlalchemy import func, select, update

from kzmigdesk.domain.enums import Sex, UserRole
from kzmigdesk.domain.identifiers import make_iin
from kzmigdesk.domain.models import (
    AuditEntry,
    CaseStatusChange,
    IdentityDocument,
    Person,
    PurgedPerson,
    RepatriateCase,
    RetentionPurge,
    Scan,
    ServiceRecord,
    WorkPermit,
)
from kzmigdesk.i18n.words import Words
from kzmigdesk.services import audit, exchange, retention, scans
from kzmigdesk.services.auth import Actor, PermissionDenied
from kzmigdesk.services.errors import ValidationFailed
from kzmigdesk.services.name_index import tokens_of
from kzmigdesk.services.registration import PersonInput, save_person
from kzmigdesk.services.reports import monthly_summary
from kzmigdesk.services.workspace import open_database
from tests.acting import as_user

PAST = dt.date(2018, 6, 1)  # the demo's "today": every record of it has ended long before NOW
NOW = dt.date(2026, 12, 3)
PDF = b"%PDF-1.4 a scanned passport"
IIN = make_iin(dt.date(1980, 5, 17), "M", 123)
SUPERVISOR = Actor("supervisor", UserRole.SUPERVISOR)
CLERK = Actor("clerk", UserRole.CLERK)


def age_everything(database, day: dt.date) -> None:
    """Every record's last change on `day`, every permit ended and every case closed before."""
    moment = dt.datetime(day.year, day.month, day.day)
    with database.transaction() as session:
        for model in (Person, RepatriateCase, WorkPermit, ServiceRecord):
            session.execute(update(model.__table__).values(updated_at=moment))
        session.execute(update(WorkPermit.__table__).where(
            WorkPermit.__table__.c.valid_to > day).values(valid_to=day))
        services = ServiceRecord.__table__
        session.execute(update(services).where(
            services.c.end_date.is_(None) | (services.c.end_date > day)).values(end_date=day))
        changes = CaseStatusChange.__table__
        session.execute(update(changes).where(changes.c.changed_on > day).values(changed_on=day))
        session.execute(update(RepatriateCase.__table__).values(status="citizen"))


def numbers(summary) -> dict:
    """Every section's rows, the personal columns of the expiring list left out (its rows'
    number and dates stay)."""
    found = {}
    for section in summary.sections:
        if section.key == "expiring_next_month":
            found[section.key] = sorted((row[0], str(row[3])) for row in section.rows)
        else:
            found[section.key] = [list(map(str, row)) for row in section.rows]
    return found


def summaries(database, months) -> dict:
    words = Words.of("en")
    with database.sessions() as session:
        return {month: numbers(monthly_summary(session, month, words, today=NOW))
                for month in months}


def person(database, surname: str, iin: str | None = None):
    with database.transaction() as session:
        return save_person(session, PersonInput(
            surname=surname, given_name="Нұрлан", sex=Sex.MALE, birth_date=dt.date(1980, 5, 17),
            iin=iin, phone="+77011234567", address="Астана, Абай 1", notes="сотрудник"),
            confirm_duplicates=True).id


def test_rules_are_seeded_and_only_an_administrator_sets_them(database):
    shown = {rule.record_type: rule.years for rule in retention.rules(database)}
    assert shown == retention.DEFAULT_YEARS
    retention.save_rules(database, {retention.CASE_CLOSED: 10, retention.SERVICE_ENDED: 0})
    shown = {rule.record_type: rule for rule in retention.rules(database)}
    assert shown[retention.CASE_CLOSED].years == 10
    assert shown[retention.SERVICE_ENDED].years == 0
    assert shown[retention.CASE_CLOSED].changed_by == "tester"
    with database.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "retention.rules")).one()
        assert entry.changes == {"case_closed": [5, 10], "service_ended": [3, 0]}
    with pytest.raises(ValidationFailed):
        retention.save_rules(database, {retention.CASE_CLOSED: 101})
    with pytest.raises(ValidationFailed):
        retention.save_rules(database, {retention.CASE_CLOSED: -1})
    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        assert len(retention.rules_of(session)) == 4  # a supervisor reads them
        with pytest.raises(PermissionDenied):
            retention.set_rules(session, {retention.CASE_CLOSED: 1})
    with database.transaction() as session:
        as_user(session, CLERK)
        with pytest.raises(PermissionDenied):
            retention.rules_of(session)
        with pytest.raises(PermissionDenied):
            retention.due_persons(session, NOW)
        with pytest.raises(PermissionDenied):
            retention.purge(session, [])


def test_who_is_due_under_which_rule(database):
    old, recent, unlimited = (person(database, name) for name in ("Ескі", "Жаңа", "Шексіз"))
    with database.transaction() as session:
        table = Person.__table__
        session.execute(update(table).where(table.c.id.in_([old, unlimited])).values(
            updated_at=dt.datetime(2020, 3, 1)))
        session.execute(update(table).where(table.c.id == recent).values(
            updated_at=dt.datetime(2023, 3, 1)))
    due = retention.proposal(database, NOW).due
    assert {d.person_id for d in due} == {old, unlimited}
    first = next(d for d in due if d.person_id == old)
    assert (first.rule, first.ended_on, first.due_on) == (
        retention.PERSON_INACTIVE, dt.date(2020, 3, 1), dt.date(2025, 3, 1))
    retention.save_rules(database, {retention.PERSON_INACTIVE: 0})
    assert retention.proposal(database, NOW).due == ()  # kept without a limit
    retention.save_rules(database, {retention.PERSON_INACTIVE: 2})
    assert {d.person_id for d in retention.proposal(database, NOW).due} == {old, unlimited,
                                                                              recent}


def test_an_open_record_keeps_a_person(demo):
    """The demo's persons as they are (today): open cases, permits running, no one due; aged,
    every one of them is due."""
    assert retention.proposal(demo, dt.date.today()).due == ()
    age_everything(demo, dt.date(2019, 1, 1))
    with demo.sessions() as session:
        persons = session.scalar(select(func.count()).select_from(Person.__table__))
    assert len(retention.proposal(demo, NOW).due) == persons


def test_purge_anonymises_keeps_the_statistics_and_the_trail(database):
    from kzmigdesk.demo import generate_demo_data

    generate_demo_data(database, persons=40, seed=7, today=PAST)
    age_everything(database, PAST)
    target = person(database, "Құпия", iin=IIN)
    with database.transaction() as session:
        scans.attach(session, PDF, "passport.pdf", person_id=target)
        session.execute(update(Person.__table__).values(updated_at=dt.datetime(2018, 6, 1)))
    months = [dt.date(2017, m, 1) for m in range(1, 13)] + [dt.date(2018, m, 1)
                                                            for m in range(1, 7)]
    before = summaries(database, months)
    assert sum(int(month["registrations_by_category"][-1][1]) for month in before.values()) > 0
    proposal = retention.proposal(database, NOW)
    assert target in {d.person_id for d in proposal.due}
    with database.sessions() as session:
        persons = session.scalar(select(func.count()).select_from(Person.__table__))
    assert len(proposal.due) == persons

    seen = []
    result = retention.approve_purge(database, [d.person_id for d in proposal.due],
                                     progress=lambda done, total: seen.append((done, total)),
                                     today=NOW)
    assert result.persons == persons and not result.stopped
    assert seen[-1] == (persons, persons)

    assert summaries(database, months) == before  # the statistics keep their counts
    with database.sessions() as session:
        people = session.scalars(select(Person).execution_options(include_deleted=True)).all()
        assert {p.surname for p in people} == {retention.ANONYMOUS}
        assert all(p.iin is None and p.phone is None and p.address is None and p.notes is None
                   for p in people)
        anonymised = session.get(Person, target)
        assert anonymised.birth_date == dt.date(1980, 1, 1)  # its year only
        assert {d.number for d in session.scalars(select(IdentityDocument))} <= {
            retention.ANONYMOUS}
        assert session.scalar(select(func.count()).select_from(Scan.__table__)) == 0
        assert session.scalar(select(func.count()).select_from(PurgedPerson)) == persons
        assert tokens_of(session, target) == set()  # no longer found by name
        # The trail: intact, and what the purge wrote names ids and rules, never a value.
        assert audit.verify(session).intact
        purge = session.scalars(select(RetentionPurge)).first()
        written = session.scalars(select(AuditEntry).where(AuditEntry.action.in_(
            ("retention.purge", "retention.anonymise", "retention.delete")))).all()
        created = session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "retention_purges", AuditEntry.action == "create")).all()
        text = json.dumps([e.changes for e in [*written, *created]], ensure_ascii=False)
        assert "Құпия" not in text and IIN not in text and "Абай" not in text
        assert [str(target), retention.PERSON_INACTIVE] in [
            p for c in created for p in c.changes["persons"][1]]
        assert {e.entity_id for e in written if e.action == "retention.delete"} != set()
        assert str(purge.id) in {e.entity_id for e in written}
    assert retention.proposal(database, NOW).due == ()  # purged once
    assert retention.approve_purge(database, [target], today=NOW).persons == 0


def test_purge_is_refused_for_a_person_not_due_and_can_be_cancelled(database):
    ids = [person(database, f"Адам{i}") for i in range(3)]
    with database.transaction() as session:
        session.execute(update(Person.__table__).values(updated_at=dt.datetime(2010, 1, 1)))
    fresh = person(database, "Жаңа")
    result = retention.approve_purge(database, [*ids, fresh], today=NOW)
    assert result.persons == 3  # the fresh one is not due: left alone
    with database.sessions() as session:
        assert session.get(Person, fresh).surname == "Жаңа"
    more = [person(database, f"Тағы{i}") for i in range(3)]
    with database.transaction() as session:
        session.execute(update(Person.__table__).values(updated_at=dt.datetime(2010, 1, 1)))
    stopped = retention.approve_purge(database, more, cancelled=lambda: True, today=NOW)
    assert stopped.stopped and stopped.persons == 0
    with database.sessions() as session:
        assert session.get(Person, more[0]).surname == "Тағы0"


DISTRICT, REGION = "District office", "Regional office"


@pytest.mark.sqlite_only
def test_the_purge_travels_to_the_other_office(tmp_path, migrated_template):
    from conftest import TEST_ADMINISTRATOR

    key = exchange.new_key()
    offices = []
    for index, (name, peer) in enumerate(((DISTRICT, REGION), (REGION, DISTRICT))):
        path = tmp_path / f"{index}.sqlite3"
        shutil.copyfile(migrated_template, path)
        database = open_database(str(path))
        database.actor = TEST_ADMINISTRATOR
        with database.transaction() as session:
            exchange.set_office_name(session, name)
            exchange.add_peer(session, peer, key)
        offices.append(database)
    district, region = offices
    try:
        gone = person(district, "Кетеді", iin=IIN)
        kept = person(district, "Қалады")
        with district.transaction() as session:
            scans.attach(session, PDF, "passport.pdf", person_id=gone)

        def send(source, target, to):
            with source.transaction() as session:
                data = exchange.export_package(session, to).data
            with target.transaction() as session:
                return exchange.import_package(session, data)

        send(district, region, REGION)
        with region.sessions() as session:
            assert session.get(Person, gone).surname == "Кетеді"
            assert session.scalar(select(func.count()).select_from(Scan.__table__)) == 1
        with district.transaction() as session:
            session.execute(update(Person.__table__).where(Person.__table__.c.id == gone)
                            .values(updated_at=dt.datetime(2015, 1, 1)))
        assert retention.approve_purge(district, [gone, kept], today=NOW).persons == 1
        send(district, region, REGION)
        for database in (district, region):
            with database.sessions() as session:
                assert session.get(Person, gone).surname == retention.ANONYMOUS
                assert session.get(Person, gone).iin is None
                assert session.get(Person, kept).surname == "Қалады"
                assert session.scalar(select(func.count()).select_from(Scan.__table__)) == 0
                assert retention.is_purged(session, gone)
                assert audit.verify(session).intact
                assert not exchange.open_conflicts(session)
        # A package made before the purge, imported after it, brings nothing back.
        with district.transaction() as session:
            scans.attach(session, PDF, "late.pdf", person_id=kept)
        late = person(district, "Кешіккен")
        with district.transaction() as session:
            scans.attach(session, PDF, "late.pdf", person_id=late)
            old_package = exchange.export_package(session, REGION).data
            session.execute(update(Person.__table__).where(Person.__table__.c.id == late)
                            .values(updated_at=dt.datetime(2015, 1, 1)))
        assert retention.approve_purge(district, [late], today=NOW).persons == 1
        send(district, region, REGION)
        with region.transaction() as session:
            exchange.import_package(session, old_package)
        with region.sessions() as session:
            assert session.get(Person, late).surname == retention.ANONYMOUS
            assert [s.person_id for s in session.scalars(select(Scan))] == [kept]
        # Back again: the region's rows agree, nothing to conflict over.
        result = send(region, district, DISTRICT)
        assert result.conflicts == 0
        with district.sessions() as session:
            assert audit.verify_anchors(session).chain.intact
            assert session.get(Person, gone).surname == retention.ANONYMOUS
    finally:
        for database in offices:
            database.close()


@pytest.mark.sqlite_only
def test_command_line_rules_propose_and_purge(database, capsys):
    from kzmigdesk.cli import main

    url = str(database.engine.url.database)
    old = person(database, "Ескі")
    person(database, "Жаңа")
    with database.transaction() as session:
        session.execute(update(Person.__table__).where(Person.__table__.c.id == old)
                        .values(updated_at=dt.datetime(2015, 1, 1)))
    assert main(["--db", url, "retention", "rules", "case_closed=7"]) == 0
    out = capsys.readouterr().out
    assert "case_closed: 7 years" in out and "person_inactive: 5 years" in out
    assert main(["--db", url, "retention", "rules", "case=7"]) == 2
    assert main(["--db", url, "retention", "propose"]) == 0
    out = capsys.readouterr().out
    assert "Ескі Нұрлан" in out and "Жаңа" not in out
    assert "Due for purge today: 1 persons." in out
    assert main(["--db", url, "retention", "purge"]) == 2  # without --yes
    assert main(["--db", url, "retention", "purge", "--yes"]) == 0
    assert "Purged: 1 persons anonymised" in capsys.readouterr().out
    with database.sessions() as session:
        assert session.get(Person, old).surname == retention.ANONYMOUS
        assert audit.verify(session).intact


def test_the_trail_window_withholds_a_purged_persons_old_values(database):
    gone = person(database, "Құпия", iin=IIN)
    person(database, "Қалады")
    with database.transaction() as session:
        scans.attach(session, PDF, "passport.pdf", person_id=gone)
        session.execute(update(Person.__table__).where(Person.__table__.c.id == gone)
                        .values(updated_at=dt.datetime(2015, 1, 1)))
    assert retention.approve_purge(database, [gone], today=NOW).persons == 1
    entries = audit.trail_page(database, audit.TrailFilter(), 0, 1000)
    shown = json.dumps([e.changes for e in entries], ensure_ascii=False)
    assert "Құпия" not in shown and IIN not in shown and "passport.pdf" not in shown
    assert "Қалады" in shown  # the others' values are shown as before
    assert {e.entity_type for e in entries if e.withheld} >= {"persons", "scans"}
    with database.sessions() as session:  # the entries themselves are as they were
        stored = json.dumps([e.changes for e in session.scalars(select(AuditEntry))],
                            ensure_ascii=False)
        assert "Құпия" in stored
        assert audit.verify(session).intact


def test_a_deleted_person_still_holds_data_and_is_purged_too(database):
    deleted = person(database, "Өшірілген", iin=IIN)
    with database.transaction() as session:
        session.execute(update(Person.__table__).where(Person.__table__.c.id == deleted)
                        .values(deleted_at=dt.datetime(2016, 2, 1),
                                updated_at=dt.datetime(2016, 2, 1)))
    due = retention.proposal(database, NOW).due
    assert [(d.person_id, d.ended_on) for d in due] == [(deleted, dt.date(2016, 2, 1))]
    assert retention.approve_purge(database, [deleted], today=NOW).persons == 1
    with database.sessions() as session:
        row = session.execute(select(Person.__table__.c.surname, Person.__table__.c.iin)
                              .where(Person.__table__.c.id == deleted)).one()
        assert tuple(row) == (retention.ANONYMOUS, None)
