"""Access accounting (services/access.py, issue 23): opening a person, a search by IIN or document
number, viewing a scan, printing and exporting leave entries (who, when, which person, which
desk), buffered and written in batches; the log is append-only; only supervisors read it, on
screen and as the supervisor's and the person's PDF reports."""

import datetime as dt
import io
import shutil

import pypdf
import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DatabaseError

from kzmigdesk.domain.enums import AccessKind, DocumentType, OfficeKind, Sex, UserRole
from kzmigdesk.domain.models import AccessEntry, Office, Person, Region
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.access_report import access_report
from kzmigdesk.services import access, exchange, prints, scans
from kzmigdesk.services.auth import Actor, PermissionDenied
from kzmigdesk.services.person_search import PersonFilter, find_persons, list_persons
from kzmigdesk.services.registration import DocumentInput, PersonInput, load_person, register_person
from kzmigdesk.services.workspace import open_database

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split())
                    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def world(database):
    """An office with a supervisor and a clerk, another office's clerk, two persons."""
    with database.transaction() as session:
        region = session.scalars(select(Region)).first()
        office, other = (Office(code=code, name=f"Office {code}", kind=OfficeKind.DISTRICT,
                                region_id=region.id) for code in "AB")
        session.add_all([office, other])
        session.flush()
        office_id, other_id = office.id, other.id
    alma = register_person(database, PersonInput(
        surname="Әбенов", given_name="Нұрлан", sex=Sex.MALE, birth_date=dt.date(1980, 1, 1),
        iin="800101301232"), [DocumentInput(DocumentType.FOREIGN_PASSPORT, "N7654321")])
    bota = register_person(database, PersonInput(
        surname="Жұмабаева", given_name="Бота", sex=Sex.FEMALE, birth_date=dt.date(1990, 5, 5)))
    with database.transaction() as session:
        for pid in (alma, bota):
            session.get(Person, pid).office_id = office_id
    access.flush(database)
    return {
        "database": database, "alma": alma, "bota": bota,
        "clerk": database.acting_as(Actor("aigerim", UserRole.CLERK, office_id=office_id)),
        "supervisor": database.acting_as(Actor("saule", UserRole.SUPERVISOR,
                                               office_id=office_id)),
        "stranger": database.acting_as(Actor("bolat", UserRole.CLERK, office_id=other_id)),
    }


def stored(database) -> list[AccessEntry]:
    with database.sessions() as session:
        return list(session.scalars(select(AccessEntry).order_by(AccessEntry.id)))


def test_reads_are_buffered_then_written_in_one_batch(world):
    clerk, alma, bota = world["clerk"], world["alma"], world["bota"]
    before = len(stored(clerk))
    load_person(clerk, alma)
    assert [r.id for r in list_persons(clerk, PersonFilter(text="800101301232")).rows] == [alma]
    assert [r.id for r in find_persons(clerk, "N7654321")] == [alma]
    assert find_persons(clerk, "Жұмабаева")  # a search by name: not accounted
    list_persons(clerk)  # the plain list: not accounted
    load_person(clerk, bota)
    assert access.waiting(clerk) == 4
    assert len(stored(clerk)) == before  # nothing written yet: one INSERT later
    access.flush(clerk)
    assert access.waiting(clerk) == 0
    entries = stored(clerk)[before:]
    assert [(e.person_id, e.kind) for e in entries] == [
        (alma, "open"), (alma, "search"), (alma, "search"), (bota, "open")]
    assert {(e.username, e.desk) for e in entries} == {("aigerim", access.DESK)}
    assert all(e.office_id == clerk.actor.office_id and e.at is not None for e in entries)


def test_a_full_buffer_or_an_old_one_is_written_at_once(world, monkeypatch):
    clerk, alma = world["clerk"], world["alma"]
    before = len(stored(clerk))
    monkeypatch.setattr(access, "BATCH", 3)
    for _ in range(2):
        load_person(clerk, alma)
    assert len(stored(clerk)) == before
    load_person(clerk, alma)  # the third: the batch is full
    assert len(stored(clerk)) == before + 3 and access.waiting(clerk) == 0
    monkeypatch.setattr(access, "BATCH", 1000)
    monkeypatch.setattr(access, "SECONDS", 0.0)  # the oldest waited long enough
    load_person(clerk, alma)
    assert len(stored(clerk)) == before + 4


def test_scans_prints_and_exports_are_accounted(world, tmp_path):
    database, clerk, alma = world["database"], world["clerk"], world["alma"]
    with clerk.transaction() as session:
        scan_id = scans.attach(session, PDF, "consent.pdf", person_id=alma).id
    scans.save_to(clerk, scan_id, tmp_path)
    prints.write_pdf(clerk, tmp_path / "card.pdf", prints.person_card,
                     lambda card: b"%PDF-card", alma)
    entries = stored(clerk)
    assert [(e.kind, e.detail) for e in entries[-2:]] == [
        ("scan", "consent.pdf"), ("print", "person_card")]
    # An exchange package with the persons' records names each of them.
    with database.transaction() as session:
        exchange.set_office_name(session, "District")
        exchange.add_peer(session, "Region", exchange.new_key())
    with database.transaction() as session:
        exchange.export_package(session, "Region")
    exported = [e for e in stored(clerk) if e.kind == AccessKind.EXPORT]
    assert {e.person_id for e in exported} == {alma, world["bota"]}
    assert {e.detail for e in exported} == {"Region"}


def test_the_log_is_append_only(world):
    database = world["database"]
    load_person(world["clerk"], world["alma"])
    access.flush(database)
    for statement in ("UPDATE access_entries SET username = 'nobody'",
                      "DELETE FROM access_entries"):
        with pytest.raises(DatabaseError, match="append-only"):
            with database.transaction() as session:
                session.execute(text(statement))
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(AccessEntry)) > 0


def test_only_supervisors_see_who_accessed_a_person(world):
    clerk, supervisor, alma = world["clerk"], world["supervisor"], world["alma"]
    load_person(clerk, alma)
    load_person(world["stranger"], alma)  # reading another office's person is accounted too
    with pytest.raises(PermissionDenied):
        access.person_accesses(clerk, alma)
    rows = access.person_accesses(supervisor, alma)  # the waiting entries are written first
    assert [(r.kind, r.username) for r in rows[:2]] == [
        (AccessKind.OPEN, "bolat"), (AccessKind.OPEN, "aigerim")]
    assert rows[0].at >= rows[1].at and rows[0].desk == access.DESK
    assert all(r.kind is not AccessKind.OPEN or r.username in ("aigerim", "bolat", "tester")
               for r in rows)


def test_the_supervisors_and_the_persons_reports(world, tmp_path):
    clerk, supervisor, alma = world["clerk"], world["supervisor"], world["alma"]
    load_person(clerk, alma)
    find_persons(clerk, "800101301232")
    with pytest.raises(PermissionDenied):
        prints.write_pdf(clerk, tmp_path / "no.pdf", prints.access_report,
                         lambda r: access_report(r, Words.of("en")), alma)
    path = prints.write_pdf(supervisor, tmp_path / "report.pdf", prints.access_report,
                            lambda r: access_report(r, Words.of("en")), alma)
    report = pdf_text(path.read_bytes())
    assert "Who accessed the person's data" in report and "Әбенов" in report
    assert "aigerim" in report and "record opened" in report and "found by a search" in report
    assert access.DESK in report
    mine = prints.write_pdf(supervisor, tmp_path / "mine.pdf", prints.access_report,
                            lambda r: access_report(r, Words.of("kk")), alma, for_person=True)
    given = pdf_text(mine.read_bytes())
    assert "record opened" not in given and "Who accessed" not in given  # in Kazakh
    assert access.DESK not in given
    # the report to the person is itself a print of the person's data, and accounted
    assert [e.detail for e in stored(clerk)[-2:]] == ["access_report",
                                                      "access_report_for_person"]


@pytest.mark.sqlite_only
def test_a_migrated_copy_keeps_the_log_table(tmp_path, migrated_template):
    """The migration makes the table and its triggers (the template is migrated to head)."""
    path = tmp_path / "copy.sqlite3"
    shutil.copyfile(migrated_template, path)
    database = open_database(str(path))
    try:
        with database.sessions() as session:
            names = {row[0] for row in session.execute(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger'"))}
        assert {"access_entries_no_update", "access_entries_no_delete"} <= names
    finally:
        database.close()


@pytest.mark.sqlite_only  # a SQLite trigger stands for a database that refuses the write
def test_a_refused_write_keeps_the_entries_and_the_reading_goes_on(world, monkeypatch):
    database, clerk, alma = world["database"], world["clerk"], world["alma"]
    before = len(stored(database))
    monkeypatch.setattr(access, "BATCH", 1)
    with database.transaction() as session:
        session.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON access_entries "
                             "BEGIN SELECT RAISE(ABORT, 'read-only'); END"))
    assert load_person(clerk, alma).data.surname == "Әбенов"  # the form still opens
    assert access.waiting(clerk) == 1 and len(stored(database)) == before
    with database.transaction() as session:
        session.execute(text("DROP TRIGGER refuse"))
    load_person(clerk, alma)
    assert access.waiting(clerk) == 0
    assert [e.kind for e in stored(database)[before:]] == ["open", "open"]
