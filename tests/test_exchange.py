"""Two offices on two databases exchanging packages in both directions: identical data in the
end, the expected conflicts, and the refused packages (tampered, cut short, replayed, wrong
key, wrong password) that change nothing."""

import datetime as dt
import io
import json
import shutil
import zipfile

import pytest
from sqlalchemy import func, select

from kzmigdesk.domain.enums import Sex
from kzmigdesk.domain.models import ExchangeConflict, ExchangePeer, Person
from kzmigdesk.domain.search import name_tokens
from kzmigdesk.services import exchange
from kzmigdesk.services.exchange import PackageRefused
from kzmigdesk.services.name_index import tokens_of
from kzmigdesk.services.person_search import matching_ids
from kzmigdesk.services.registration import PersonInput, save_person
from kzmigdesk.services.workspace import open_database

DISTRICT, REGION = "Қосшы district office", "Akmola regional office"


@pytest.fixture
def offices(tmp_path, migrated_template):
    from conftest import TEST_ADMINISTRATOR

    databases = {}
    key = exchange.new_key()
    for name, peer in ((DISTRICT, REGION), (REGION, DISTRICT)):
        path = tmp_path / f"{len(databases)}.sqlite3"
        shutil.copyfile(migrated_template, path)
        database = open_database(str(path))
        database.actor = TEST_ADMINISTRATOR
        with database.transaction() as session:
            exchange.set_office_name(session, name)
            exchange.add_peer(session, peer, key)
        databases[name] = database
    yield databases[DISTRICT], databases[REGION]
    for database in databases.values():
        database.close()


def send(source, target, peer, password=None):
    with source.transaction() as session:
        data = exchange.export_package(session, peer, password).data
    with target.transaction() as session:
        return exchange.import_package(session, data, password)


def package(source, peer, password=None) -> bytes:
    with source.transaction() as session:
        return exchange.export_package(session, peer, password).data


def register(database, surname, born=dt.date(1980, 1, 1), **changes):
    with database.transaction() as session:
        return save_person(session, PersonInput(surname=surname, given_name="Нұрлан",
                                                sex=Sex.MALE, birth_date=born, **changes),
                           confirm_duplicates=True).id


def edit(database, person_id, **changes):
    with database.transaction() as session:
        person = session.get(Person, person_id)
        data = PersonInput(surname=person.surname, given_name=person.given_name, sex=person.sex,
                           birth_date=person.birth_date, phone=person.phone)
        for key, value in changes.items():
            setattr(data, key, value)
        save_person(session, data, person_id=person_id, confirm_duplicates=True)


def snapshot(database) -> dict:
    """Every exchanged record's content, as the other office would compare it."""
    with database.sessions() as session:
        return {table.name: sorted(json.dumps(exchange.row_json(row), sort_keys=True)
                                   for row in session.execute(select(table)))
                for table in exchange.synced_tables()}


def conflicts(database) -> list[tuple]:
    with database.sessions() as session:
        return [(c.entity_type, c.resolution) for c in session.scalars(
            select(ExchangeConflict).order_by(ExchangeConflict.detected_at))]


def test_two_offices_exchange_both_ways_and_end_identical(offices):
    district, region = offices
    first = register(district, "Әбенов", dt.date(1980, 1, 1), phone="+77010000001")
    second = register(district, "Құрманов", dt.date(1985, 5, 5))
    result = send(district, region, REGION)
    assert (result.sender, result.conflicts) == (DISTRICT, 0)
    assert result.applied == 2  # the two persons (the reference data is the same)
    with region.sessions() as session:
        assert session.get(Person, first).surname == "Әбенов"
        assert first in session.scalars(matching_ids("Абенов")).all()  # tokens rebuilt
    assert send(district, region, REGION).applied == 0  # nothing new

    # Each office edits a different person; both directions.
    edit(region, first, surname="Әбенұлы")
    edit(district, second, phone="+77010000002")
    assert send(region, district, DISTRICT).applied == 1
    assert send(district, region, REGION).applied == 1
    assert snapshot(district) == snapshot(region)

    # Both edit the same person: a conflict on each side, nothing overwritten.
    edit(region, first, surname="Әбенов-Region")
    edit(district, first, phone="+77019999999")
    assert send(district, region, REGION).conflicts == 1
    assert send(region, district, DISTRICT).conflicts == 1
    with region.sessions() as session:
        assert session.get(Person, first).surname == "Әбенов-Region"
        assert session.get(Person, first).phone == "+77010000001"
    assert conflicts(region) == [("persons", None)]
    assert conflicts(district) == [("persons", None)]

    # The region's supervisor keeps the incoming phone; the district takes that result.
    with region.transaction() as session:
        [conflict] = exchange.open_conflicts(session)
        assert conflict.local["surname"] == "Әбенов-Region"
        assert conflict.incoming["phone"] == "+77019999999"
        exchange.resolve_conflict(session, conflict.id, "incoming")
    send(region, district, DISTRICT)
    send(district, region, REGION)
    assert conflicts(region) == [("persons", "incoming")]
    assert conflicts(district) == [("persons", "peer")]
    assert snapshot(district) == snapshot(region)
    from test_person_list_fast import stale_sort_names

    with district.sessions() as session:
        assert stale_sort_names(session) == 0  # the tokens follow the names that arrive
        person = session.get(Person, first)
        assert (person.surname, person.phone) == ("Әбенұлы", "+77019999999")
        tokens = tokens_of(session, first)
        assert tokens == set(name_tokens("Әбенұлы", "Нұрлан", None, None, None))

    # Several more rounds change nothing.
    for _round in range(2):
        assert send(district, region, REGION).applied == 0
        assert send(region, district, DISTRICT).applied == 0
    assert snapshot(district) == snapshot(region)
    with region.sessions() as session:
        peer = session.scalars(select(ExchangePeer).where(ExchangePeer.name == DISTRICT)).one()
        assert peer.last_import_at is not None and peer.last_package_created_at is not None


def test_a_lost_package_is_noticed_and_everything_is_sent_again(offices):
    """The district's package is lost on the way: the next one says so at the region (and in
    its audit entry), and a package with everything brings the lost change."""
    district, region = offices
    first = register(district, "Әбенов")
    assert send(district, region, REGION).missing is None
    edit(district, first, surname="Әбенұлы")
    package(district, REGION)  # lost
    second = register(district, "Құрманов")
    result = send(district, region, REGION)
    assert result.applied == 1 and result.missing is not None
    first_lost, last_lost = result.missing
    assert first_lost <= last_lost
    message = exchange.missing_message(result)
    assert DISTRICT in message and "Send everything again" in message
    with region.sessions() as session:
        assert session.get(Person, first).surname == "Әбенов"  # the lost change
        assert session.get(Person, second) is not None
        from kzmigdesk.domain.models import AuditEntry

        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "exchange.import").order_by(AuditEntry.seq.desc())).first()
        assert entry.changes["missing"] == [first_lost, last_lost]
    with district.transaction() as session:
        data = exchange.export_package(session, REGION, everything=True).data
    with region.transaction() as session:
        again = exchange.import_package(session, data)
    assert again.missing is None and again.applied >= 1
    with region.sessions() as session:
        assert session.get(Person, first).surname == "Әбенұлы"
    assert snapshot(district) == snapshot(region)
    assert send(district, region, REGION).missing is None  # and on as before
    assert exchange.missing_message(again) == ""


def test_replayed_and_older_packages_change_nothing(offices):
    district, region = offices
    person = register(district, "Әбенов")
    older = package(district, REGION)
    edit(district, person, surname="Әбенұлы")
    newer = package(district, REGION)
    with region.transaction() as session:
        exchange.import_package(session, newer)
    with region.transaction() as session:
        with pytest.raises(PackageRefused) as refused:
            exchange.import_package(session, newer)
        assert refused.value.message() == "This package was imported already."
    with region.transaction() as session:
        exchange.import_package(session, older)  # its versions are older: ignored
    with region.sessions() as session:
        assert session.get(Person, person).surname == "Әбенұлы"


def rezip(data: bytes, change) -> bytes:
    """The package with one of its files changed by `change(name, content) -> content`."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name in source.namelist():
            target.writestr(name, change(name, source.read(name)))
    return buffer.getvalue()


def persons(database) -> int:
    with database.sessions() as session:
        return session.scalar(select(func.count()).select_from(Person))


@pytest.mark.parametrize("case, message", [
    ("records", "The package's content does not match its manifest: it was changed."),
    ("manifest", "The package's signature does not match: it was changed, or the key shared "
                 "with “Қосшы district office” is not the same."),
    ("truncated", "The file is not a complete exchange package: it is damaged or cut short."),
    ("wrong key", "The package's signature does not match: it was changed, or the key shared "
                  "with “Қосшы district office” is not the same."),
])
def test_tampered_truncated_or_wrong_key_packages_are_refused(offices, case, message):
    district, region = offices
    register(district, "Әбенов")
    data = package(district, REGION)
    if case == "records":
        data = rezip(data, lambda name, content: content.replace("Әбенов".encode(),
                                                                  "Иванов".encode()))
    elif case == "manifest":
        def forge(name, content):
            if name != "manifest.json":
                return content
            manifest = json.loads(content)
            manifest["created_at"] = "2020-01-01T00:00:00"  # any change at all
            return json.dumps(manifest).encode()

        data = rezip(data, forge)
    elif case == "truncated":
        data = data[: len(data) // 2]
    else:
        with region.transaction() as session:
            exchange.peer_by_name(session, DISTRICT).key = exchange.new_key()
    before = persons(region)
    with region.transaction() as session:
        with pytest.raises(PackageRefused) as refused:
            exchange.import_package(session, data)
    assert refused.value.message() == message
    assert persons(region) == before


def test_package_for_another_office_is_refused(offices):
    district, region = offices
    with district.transaction() as session:
        exchange.add_peer(session, "Elsewhere", exchange.new_key())
        data = exchange.export_package(session, "Elsewhere").data
    with region.transaction() as session:
        with pytest.raises(PackageRefused) as refused:
            exchange.import_package(session, data)
    assert refused.value.message() == (
        "The package is addressed to “Elsewhere”, not to this office.")


def test_password_encrypted_package(offices):
    district, region = offices
    person = register(district, "Әбенов")
    data = package(district, REGION, password="ұзын құпиясөз")
    assert not data.startswith(b"PK")  # not a readable ZIP
    for password, message in ((None, "The package is encrypted: give its password."),
                              ("wrong", "The password is wrong, or the package was changed.")):
        with region.transaction() as session:
            with pytest.raises(PackageRefused) as refused:
                exchange.import_package(session, data, password)
        assert refused.value.message() == message
    with region.transaction() as session:
        assert exchange.import_package(session, data, "ұзын құпиясөз").applied >= 1
    with region.sessions() as session:
        assert session.get(Person, person) is not None


def test_cli_exchange(tmp_path, capsys, migrated_template):
    from kzmigdesk.cli import main

    urls = []
    for number in range(2):
        path = tmp_path / f"cli{number}.sqlite3"
        shutil.copyfile(migrated_template, path)
        urls.append(str(path))
    district, region = urls
    assert main(["--db", district, "exchange", "name", "District"]) == 0
    assert main(["--db", region, "exchange", "name", "Region"]) == 0
    assert main(["--db", region, "exchange", "add-peer", "District"]) == 0
    key = capsys.readouterr().out.strip().rsplit(" ", 1)[-1]
    assert main(["--db", district, "exchange", "add-peer", "Region", "--key", key]) == 0
    database = open_database(district)
    database.actor = __import__("conftest").TEST_ADMINISTRATOR
    register(database, "Әбенов")
    database.close()
    out = tmp_path / "to-region.kzx"
    assert main(["--db", district, "exchange", "export", "--peer", "Region", "--out", str(out),
                 "--password", "secret"]) == 0
    assert main(["--db", region, "exchange", "import", str(out)]) == 1
    assert "The package is encrypted" in capsys.readouterr().err
    assert main(["--db", region, "exchange", "import", str(out), "--password", "secret"]) == 0
    assert "Imported from District: 1 records taken" in capsys.readouterr().out
    assert main(["--db", region, "exchange", "peers"]) == 0
    assert capsys.readouterr().out.startswith("District: last package made ")
    assert main(["--db", region, "exchange", "sends", "District", "own"]) == 0
    assert "“District” is sent from now on only the records" in capsys.readouterr().out
    assert main(["--db", region, "exchange", "sends", "Nobody", "own"]) == 1
    database = open_database(district)
    database.actor = __import__("conftest").TEST_ADMINISTRATOR
    register(database, "Құрманов")
    database.close()
    for _lost_then_sent in range(2):
        assert main(["--db", district, "exchange", "export", "--peer", "Region", "--out",
                     str(out)]) == 0
    assert main(["--db", region, "exchange", "import", str(out)]) == 0
    assert "never arrived" in capsys.readouterr().err
    assert main(["--db", district, "exchange", "export", "--peer", "Region", "--out", str(out),
                 "--everything"]) == 0
    assert main(["--db", region, "exchange", "import", str(out)]) == 0
    assert "never arrived" not in capsys.readouterr().err


def test_the_window_functions(offices, tmp_path):
    from kzmigdesk.domain.enums import UserRole
    from kzmigdesk.services.auth import Actor
    from kzmigdesk.services.errors import NotFound

    district, region = offices
    person = register(district, "Әбенов")
    with pytest.raises(OSError):  # not written: the watermark stays
        exchange.export_to_file(district, REGION, None, tmp_path / "missing" / "p.kzx")
    assert exchange.overview(district).peers[0].last_export_at is None
    path = tmp_path / "p.kzx"
    assert exchange.export_to_file(district, REGION, None, path).records >= 1
    assert exchange.import_from_bytes(region, path.read_bytes()).applied >= 1
    edit(region, person, surname="Әбенов-Region")
    edit(district, person, surname="Әбенов-District")
    exchange.import_from_bytes(region, package(district, REGION))
    seen = exchange.overview(region)
    assert (seen.office_name, [p.name for p in seen.peers]) == (REGION, [DISTRICT])
    assert seen.peers[0].last_import_at is not None and seen.open_conflicts == 1
    [conflict] = exchange.conflicts(region)
    assert (conflict.peer_name, conflict.entity_type, conflict.entity_id) == (
        DISTRICT, "persons", person)
    assert (conflict.local["surname"], conflict.incoming["surname"]) == (
        "Әбенов-Region", "Әбенов-District")
    assert exchange.overview(region.acting_as(Actor("a", UserRole.CLERK))).open_conflicts is None
    exchange.choose_version(region, conflict.id, "local")
    with pytest.raises(NotFound):
        exchange.choose_version(region, conflict.id, "local")
    assert exchange.overview(region).open_conflicts == 0


def _name_index(database) -> set[tuple]:
    """Each person's name tokens, with their sort name and lists (numbers are local)."""
    from kzmigdesk.domain.models import PersonNameToken, PersonNumber

    with database.sessions() as session:
        return set(session.execute(
            select(PersonNumber.person_id, PersonNameToken.token, PersonNameToken.sort_name,
                   PersonNameToken.lists)
            .join(PersonNumber, PersonNumber.no == PersonNameToken.person_no)).all())


def test_an_import_reads_the_local_rows_in_bulk_and_indexes_the_names_once(offices):
    """A package's records are looked up here a thousand at a time and its persons' names
    indexed together after them (one person at a time cost three to four statements a
    record); the name index ends as the sender's, lists of each person's rows included."""
    from sqlalchemy import event

    from kzmigdesk.demo import generate_demo_data

    district, region = offices
    generate_demo_data(district, persons=60, seed=7, today=dt.date(2026, 12, 1))
    data = package(district, REGION)
    statements = []
    count = lambda *_args: statements.append(1)  # noqa: E731
    event.listen(region.engine, "before_cursor_execute", count)
    try:
        with region.transaction() as session:
            result = exchange.import_package(session, data)
    finally:
        event.remove(region.engine, "before_cursor_execute", count)
    assert result.applied > 300 and result.conflicts == 0
    assert len(statements) < 1.3 * result.applied + 100, (len(statements), result.applied)
    assert _name_index(region) == _name_index(district)
    assert any(lists for *_rest, lists in _name_index(region))
