"""Scans (services/scans.py): PDF, JPEG and PNG told by their content, a size limit, the
SHA-256 kept; in the person's timeline; carried by a backup and by an exchange package."""

import hashlib
import io

import pytest
from PIL import Image
from sqlalchemy import select

from kzmigdesk.domain.models import Scan
from kzmigdesk.services import backup, exchange, scans, timeline
from kzmigdesk.services.auth import OtherOffice
from kzmigdesk.services.workspace import open_database

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "white").save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def person_id(database):
    import datetime as dt

    from kzmigdesk.domain.enums import Sex
    from kzmigdesk.services.registration import PersonInput, register_person

    return register_person(database, PersonInput(surname="Әбенов", given_name="Нұрлан",
                                                 sex=Sex.MALE, birth_date=dt.date(1980, 1, 1)))


def test_types_are_told_by_content_not_by_name(database, person_id, tmp_path):
    for content, kind in ((PDF, "application/pdf"), (png(), "image/png"),
                          (jpeg(), "image/jpeg")):
        path = tmp_path / "scan.txt"  # the name says nothing
        path.write_bytes(content)
        scan_id = scans.attach_file(database, path, person_id=person_id, description="passport")
        [row] = [r for r in scans.list_scans(database, person_id) if r.id == scan_id]
        assert (row.media_type, row.size, row.sha256) == (
            kind, len(content), hashlib.sha256(content).hexdigest())
    fake = tmp_path / "passport.pdf"
    fake.write_bytes(b"MZ\x90\x00 not a pdf at all")
    with pytest.raises(scans.ScanRefused, match="Only PDF, JPEG and PNG"):
        scans.attach_file(database, fake, person_id=person_id)
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    with pytest.raises(scans.ScanRefused, match="empty"):
        scans.attach_file(database, empty, person_id=person_id)
    big = tmp_path / "big.pdf"
    big.write_bytes(PDF + b"0" * scans.MAX_BYTES)
    with pytest.raises(scans.ScanRefused) as refused:
        scans.attach_file(database, big, person_id=person_id)
    assert refused.value.message() == "The file is larger than 10 MB."
    with database.transaction() as session, pytest.raises(scans.ScanRefused):
        scans.attach(session, PDF + b"0" * scans.MAX_BYTES, "big.pdf", person_id=person_id)
    assert len(scans.list_scans(database, person_id)) == 3


def test_shown_in_the_timeline_opened_and_removed(database, person_id, tmp_path):
    path = tmp_path / "kandas certificate.png"
    path.write_bytes(png())
    scan_id = scans.attach_file(database, path, person_id=person_id,
                                description="kandas certificate")
    events = timeline.load_timeline(database, person_id)
    assert ("Scan", "kandas certificate · kandas certificate.png") in [
        (e.kind_label, e.text) for e in events]
    written = scans.save_to(database, scan_id, tmp_path)
    assert written.suffix == ".png" and written.read_bytes() == path.read_bytes()
    scans.remove_scan(database, scan_id)
    assert scans.list_scans(database, person_id) == []


def test_a_clerk_attaches_only_to_their_office(database, person_id):
    from kzmigdesk.domain.enums import OfficeKind, UserRole
    from kzmigdesk.domain.models import Office, Person, Region
    from kzmigdesk.services.auth import Actor

    with database.transaction() as session:
        region = session.scalars(select(Region)).first()
        a, b = (Office(code=code, name=code, kind=OfficeKind.DISTRICT, region_id=region.id)
                for code in "AB")
        session.add_all([a, b])
        session.flush()
        session.get(Person, person_id).office_id = a.id
    stranger = database.acting_as(Actor("bolat", UserRole.CLERK, office_id=b.id))
    with stranger.transaction() as session, pytest.raises(OtherOffice):
        scans.attach(session, PDF, "b.pdf", person_id=person_id)
    with database.acting_as(Actor("aigerim", UserRole.CLERK, office_id=a.id)).transaction() \
            as session:
        scans.attach(session, PDF, "a.pdf", person_id=person_id)


@pytest.mark.sqlite_only  # a backup copies the SQLite file
def test_scans_round_trip_through_a_backup(database, person_id, tmp_path):
    content = jpeg()
    with database.transaction() as session:
        scans.attach(session, content, "passport.jpg", person_id=person_id)
    made = backup.backup(database.url, tmp_path / "backups")
    copy = open_database(str(made))
    try:
        with copy.sessions() as session:
            [scan] = session.scalars(select(Scan)).all()
            assert scans.content_of(session, scan.id) == content
            assert scan.sha256 == hashlib.sha256(content).hexdigest()
    finally:
        copy.close()


def test_scans_travel_in_a_package_both_ways(tmp_path, migrated_template):
    import shutil

    from conftest import TEST_ADMINISTRATOR
    from test_exchange import DISTRICT, REGION, package

    databases = []
    key = exchange.new_key()
    for number, (name, peer) in enumerate(((DISTRICT, REGION), (REGION, DISTRICT))):
        path = tmp_path / f"{number}.sqlite3"
        shutil.copyfile(migrated_template, path)
        database = open_database(str(path))
        database.actor = TEST_ADMINISTRATOR
        with database.transaction() as session:
            exchange.set_office_name(session, name)
            exchange.add_peer(session, peer, key)
        databases.append(database)
    district, region = databases
    try:
        import datetime as dt

        from kzmigdesk.domain.enums import Sex
        from kzmigdesk.services.registration import PersonInput, register_person

        person_id = register_person(district, PersonInput(
            surname="Әбенов", given_name="Нұрлан", sex=Sex.MALE, birth_date=dt.date(1980, 1, 1)))
        with district.transaction() as session:
            scans.attach(session, PDF, "decision.pdf", person_id=person_id)
        with region.transaction() as session:
            exchange.import_package(session, package(district, REGION))
        assert [r.file_name for r in scans.list_scans(region, person_id)] == ["decision.pdf"]
        with region.transaction() as session:
            scans.attach(session, png(), "passport.png", person_id=person_id)
        with district.transaction() as session:
            exchange.import_package(session, package(region, DISTRICT))
        for database in (district, region):
            rows = scans.list_scans(database, person_id)
            assert [r.file_name for r in rows] == ["decision.pdf", "passport.png"]
            with database.sessions() as session:
                assert [scans.content_of(session, r.id) for r in rows] == [PDF, png()]
    finally:
        for database in databases:
            database.close()
