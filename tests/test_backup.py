"""Backup and restore: rotation, a consistent copy while the application writes, the restore
round trip, damaged and foreign files, the CLI, and a kill -9 during a long write."""

import datetime as dt
import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest
from conftest import connect_file, plain_run_only
from sqlalchemy import func, select

from kzmigdesk.cli import main
from kzmigdesk.domain.enums import Sex, UserRole
from kzmigdesk.domain.models import AuditEntry, Person
from kzmigdesk.services import audit, backup
from kzmigdesk.services.auth import Actor, PermissionDenied
from kzmigdesk.services.registration import PersonInput, save_person
from kzmigdesk.services.workspace import open_database

# Backups copy SQLite files; a PostgreSQL database is backed up on its server.
pytestmark = pytest.mark.sqlite_only

ADMIN = Actor("admin", UserRole.ADMINISTRATOR)


def add_persons(database, names, born=dt.date(1980, 1, 1)):
    with database.transaction() as session:
        for name in names:
            save_person(session, PersonInput(surname=name, given_name="Нұрлан", sex=Sex.MALE,
                                             birth_date=born), confirm_duplicates=True)


def surnames(database) -> list[str]:
    with database.sessions() as session:
        return sorted(session.scalars(select(Person.surname)))


def sqlite_check(path: Path) -> str:
    connection = connect_file(path)
    try:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()


def test_backup_and_rotation(database, tmp_path):
    add_persons(database, ["Әбенов", "Құрманов"])
    folder = tmp_path / "backups"
    made = [backup.backup(database.url, folder, keep=3,
                          now=dt.datetime(2026, 11, day, 18, 0)) for day in range(1, 6)]
    assert [p.name for p in backup.backups(folder)] == [
        "kzmigdesk-20261105-180000.sqlite3", "kzmigdesk-20261104-180000.sqlite3",
        "kzmigdesk-20261103-180000.sqlite3"]
    assert not made[0].exists()
    assert sqlite_check(made[-1]) == "ok"
    copy = open_database(str(made[-1]))
    try:
        assert surnames(copy) == sorted(["Әбенов", "Құрманов"])
    finally:
        copy.close()


def flip_a_byte(path: Path, at: int = 5000) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def test_each_backup_has_its_checksum_rotated_with_it(database, tmp_path):
    folder = tmp_path / "b"
    made = [backup.backup(database.url, folder, keep=2, now=dt.datetime(2026, 11, day, 18, 0))
            for day in range(1, 4)]
    assert sorted(p.name for p in folder.iterdir()) == [
        "kzmigdesk-20261102-180000.sqlite3", "kzmigdesk-20261102-180000.sqlite3.sha256",
        "kzmigdesk-20261103-180000.sqlite3", "kzmigdesk-20261103-180000.sqlite3.sha256"]
    # The sha256sum format: the hex digest, two spaces, the file's name.
    digest = hashlib.sha256(made[-1].read_bytes()).hexdigest()
    assert backup.checksum_file(made[-1]).read_text() == f"{digest}  {made[-1].name}\n"
    assert [verdict.problem for verdict in backup.verify_folder(folder)] == [None, None]


@pytest.mark.parametrize("keep", [0, -1])
def test_rotation_never_removes_the_backup_just_made(database, tmp_path, keep):
    folder = tmp_path / "b"
    backup.backup(database.url, folder, now=dt.datetime(2026, 11, 5, 18, 0))
    # A clock set back: the new backup's name sorts below the old one's, and it stays.
    made = backup.backup(database.url, folder, keep=keep, now=dt.datetime(2026, 11, 1, 18, 0))
    assert backup.backups(folder) == [made]
    assert backup.checksum_file(made).exists()


@pytest.mark.parametrize("keep", ["0", "-2", "two"])
def test_cli_refuses_keep_below_one(database, tmp_path, capsys, keep):
    assert main(["--db", database.url, "backup", "--to", str(tmp_path / "b"),
                 f"--keep={keep}"]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "--keep: must be a whole number of at least 1" in error
    assert not (tmp_path / "b").exists()


def test_a_failed_checksum_write_leaves_no_backup(database, tmp_path, monkeypatch):
    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("kzmigdesk.files.os.fsync", disk_full)
    with pytest.raises(OSError):
        backup.backup(database.url, tmp_path / "b")
    assert list((tmp_path / "b").iterdir()) == []


def test_a_copy_the_disk_refuses_is_a_clear_error_and_leaves_nothing(database, tmp_path,
                                                                      monkeypatch):
    """A disk that fails or fills during the copy (SQLite's "disk I/O error") is a
    BackupError naming it, and no half copy stays in the folder."""
    connect = backup.connect

    class FailingCopy:
        def __init__(self, connection):
            self.connection = connection

        def backup(self, destination):
            raise backup.database_errors(None)[0]("disk I/O error")

        def close(self):
            self.connection.close()

    def failing(path, key, settings=None):
        connection, settings = connect(path, key, settings)
        return (connection if path.suffix == ".partial" else FailingCopy(connection)), settings

    monkeypatch.setattr(backup, "connect", failing)
    with pytest.raises(backup.BackupError) as raised:
        backup.backup(database.url, tmp_path / "b")
    assert "disk I/O error" in raised.value.message()
    assert list((tmp_path / "b").iterdir()) == []


def test_a_flipped_byte_is_found_by_verify_and_refused_by_restore(database, tmp_path, capsys):
    add_persons(database, ["Әбенов"])
    folder = tmp_path / "b"
    good = backup.backup(database.url, folder, now=dt.datetime(2026, 11, 1, 18, 0))
    bad = backup.backup(database.url, folder, now=dt.datetime(2026, 11, 2, 18, 0))
    flip_a_byte(bad)
    assert backup.verify(good).problem is None
    assert "does not match its checksum" in backup.verify(bad).message()
    assert main(["backup", "verify", "--folder", str(folder)]) == 1
    out, err = capsys.readouterr()
    assert out == f"{good}: intact\n"
    assert err == (f"The backup {bad} does not match its checksum in {bad.name}.sha256: it was "
                   "changed or damaged. Use another backup.\n")
    assert main(["backup", "verify", str(good)]) == 0
    assert main(["backup", "verify", str(tmp_path / "missing.sqlite3")]) == 1
    assert capsys.readouterr().err == (f"The backup {tmp_path / 'missing.sqlite3'} is missing "
                                       "or not a file.\n")
    assert main(["backup", "verify", str(tmp_path)]) == 1  # a folder: its backups, none here
    assert capsys.readouterr().err == f"No backup was found in {tmp_path}.\n"
    url = database.url
    database.close()
    before = Path(url.removeprefix("sqlite:///")).read_bytes()
    with pytest.raises(backup.BackupError) as refused:
        backup.restore(url, bad, ADMIN)
    assert refused.value.message() == backup.verify(bad).message()
    # --no-checksum does not override a checksum that is there and wrong.
    assert main(["--db", url, "restore", str(bad), "--yes", "--no-checksum"]) == 1
    assert capsys.readouterr().err.startswith(f"The backup {bad} does not match its checksum")
    assert Path(url.removeprefix("sqlite:///")).read_bytes() == before


def test_a_backup_without_checksum_needs_no_checksum_and_the_integrity_check(
        database, tmp_path, capsys):
    add_persons(database, ["Әбенов"])
    old = backup.backup(database.url, tmp_path / "b")
    backup.checksum_file(old).unlink()  # as an earlier version made it
    add_persons(database, ["Кейін"])
    url = database.url
    database.close()
    assert main(["--db", url, "restore", str(old), "--yes"]) == 1
    assert capsys.readouterr().err == (
        f"The backup {old} has no checksum file ({old.name}.sha256), so it cannot be checked "
        "(backups made by earlier versions have none). To restore it anyway, after SQLite's "
        f"integrity check, run: kzmigdesk restore --no-checksum {old}\n")
    assert main(["backup", "verify", str(old)]) == 1
    damaged = tmp_path / "damaged.sqlite3"
    data = bytearray(old.read_bytes())
    data[100:4096] = os.urandom(3996)  # the schema page
    damaged.write_bytes(bytes(data))
    assert main(["--db", url, "restore", str(damaged), "--yes", "--no-checksum"]) == 1
    assert "damaged" in capsys.readouterr().err
    assert main(["--db", url, "restore", str(old), "--yes", "--no-checksum"]) == 0
    again = open_database(url)
    try:
        assert surnames(again) == ["Әбенов"]
    finally:
        again.close()


def test_backup_is_due_daily(tmp_path):
    folder = tmp_path / "b"
    assert backup.backup_due(folder)
    folder.mkdir()
    made = folder / "kzmigdesk-20261101-100000.sqlite3"
    made.write_bytes(b"x")
    now = dt.datetime.fromtimestamp(made.stat().st_mtime)
    assert not backup.backup_due(folder, now + dt.timedelta(hours=23))
    assert backup.backup_due(folder, now + dt.timedelta(hours=24))


def test_postgresql_is_not_backed_up_here():
    with pytest.raises(backup.BackupError) as refused:
        backup.backup("postgresql+psycopg://clerk@server/kzmigdesk")
    assert "pg_dump" in refused.value.message()


def test_backup_while_the_application_writes_is_consistent(database, tmp_path):
    stop = threading.Event()
    written = []

    def writer():
        number = 0
        while not stop.is_set():
            number += 1
            add_persons(database, [f"Writer{number:04d}", f"Writer{number:04d}b"],
                        born=dt.date(1950, 1, 1) + dt.timedelta(days=number))
            written.append(number)

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        copies = []
        while len(copies) < 4:
            assert thread.is_alive(), "the writer stopped"
            if written:
                copies.append(backup.backup(database.url, tmp_path / "b", keep=None,
                                            now=dt.datetime(2026, 11, 1, 10, len(copies))))
    finally:
        stop.set()
        thread.join(30)
    assert len(written) >= 2
    for copy_path in copies:
        assert sqlite_check(copy_path) == "ok"
        copy = open_database(str(copy_path), upgrade=False)
        try:
            with copy.sessions() as session:
                persons = session.scalar(select(func.count()).select_from(Person))
                created = session.scalar(select(func.count()).where(
                    AuditEntry.entity_type == "persons", AuditEntry.action == "create"))
                assert audit.verify(session).intact
            assert persons % 2 == 0 and persons == created  # whole transactions only
        finally:
            copy.close()


def test_restore_round_trip_keeps_the_current_file_aside(database, tmp_path):
    add_persons(database, ["Әбенов"])
    saved = backup.backup(database.url, tmp_path / "b")
    add_persons(database, ["Кейін"])
    url = database.url
    database.close()
    with pytest.raises(PermissionDenied):
        backup.restore(url, saved, Actor("aigerim", UserRole.CLERK))
    kept = backup.restore(url, saved, ADMIN, now=dt.datetime(2026, 11, 2, 9, 0))
    assert kept.name == "test.sqlite3.before-restore-20261102-090000"
    restored = open_database(url)
    previous = open_database(str(kept))
    try:
        assert surnames(restored) == ["Әбенов"]
        assert surnames(previous) == sorted(["Әбенов", "Кейін"])
    finally:
        restored.close()
        previous.close()


def test_restore_over_the_open_database_as_its_user(database, tmp_path):
    from types import SimpleNamespace

    assert backup.is_sqlite(database)
    assert not backup.is_sqlite(SimpleNamespace(url="postgresql+psycopg://h/kzmigdesk"))
    add_persons(database, ["Әбенов"])
    saved = backup.backup(database.url, tmp_path / "b")
    add_persons(database, ["Кейін"])
    with pytest.raises(PermissionDenied):
        backup.restore_open(database.acting_as(Actor("aigerim", UserRole.CLERK)), saved)
    database.actor = ADMIN
    assert backup.restore_open(database, saved).exists()
    assert surnames(database) == ["Әбенов"]  # the same handle, on the restored file
    with database.sessions() as session:
        assert session.scalars(select(AuditEntry.action).order_by(
            AuditEntry.seq.desc()).limit(1)).one() == "restore"


def test_a_damaged_backup_is_refused_and_nothing_changes(database, tmp_path):
    add_persons(database, ["Әбенов"])
    bad = tmp_path / "kzmigdesk-bad.sqlite3"
    good = backup.backup(database.url, tmp_path / "b")
    data = bytearray(good.read_bytes())
    data[4096:8192] = os.urandom(4096)  # a damaged page
    bad.write_bytes(bytes(data))
    url = database.url
    database.close()
    with pytest.raises(backup.BackupError):
        backup.restore(url, bad, ADMIN)  # no checksum file
    with pytest.raises(backup.BackupError):
        backup.restore(url, bad, ADMIN, without_checksum=True)  # the integrity check
    with pytest.raises(backup.BackupError):
        backup.restore(url, tmp_path, ADMIN)  # a folder
    with pytest.raises(backup.BackupError):
        backup.restore(url, tmp_path / "missing.sqlite3", ADMIN)
    again = open_database(url)
    try:
        assert surnames(again) == ["Әбенов"]
    finally:
        again.close()


@plain_run_only  # an encrypted file damaged so reads as one its key does not open
def test_check_file_finds_foreign_and_damaged_files(database, tmp_path):
    assert backup.check_file(tmp_path / "absent.sqlite3").ok
    assert backup.check_file(Path(database.url.removeprefix("sqlite:///")), thorough=True).ok
    text = tmp_path / "notes.sqlite3"
    text.write_text("not a database")
    assert backup.check_file(text).problem == "The file is not a SQLite database."
    foreign = tmp_path / "foreign.sqlite3"
    connection = sqlite3.connect(foreign)
    connection.execute("CREATE TABLE invoices (id INTEGER)")
    connection.commit()
    connection.close()
    assert backup.check_file(foreign).problem == "The file is a database of another program."
    good = backup.backup(database.url, tmp_path / "b")
    data = bytearray(good.read_bytes())
    data[100:4096] = os.urandom(3996)  # the schema page
    damaged = tmp_path / "damaged.sqlite3"
    damaged.write_bytes(bytes(data))
    assert backup.check_file(damaged, thorough=True).problem == "The database file is damaged."


def test_cli_backup_and_restore(database, tmp_path, capsys, monkeypatch):
    add_persons(database, ["Әбенов"])
    url = database.url
    assert main(["--db", url, "backup", "--to", str(tmp_path / "b"), "--keep", "2"]) == 0
    [made] = backup.backups(tmp_path / "b")
    assert capsys.readouterr().out == f"Backed up to {made}.\n"
    add_persons(database, ["Кейін"])
    database.close()
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("no\n"))
    assert main(["--db", url, "restore", str(made)]) == 1
    assert main(["--db", url, "restore", str(made), "--yes"]) == 0
    assert "the previous database was kept as" in capsys.readouterr().out
    again = open_database(url)
    try:
        assert surnames(again) == ["Әбенов"]
        with again.sessions() as session:
            actions = session.scalars(select(AuditEntry.action).where(
                AuditEntry.action.in_(["backup", "restore"])).order_by(AuditEntry.seq)).all()
        # The backup was noted after the copy was taken, in the file now kept aside.
        assert actions == ["restore"]
    finally:
        again.close()


WRITER = textwrap.dedent("""
    import datetime as dt, sys
    from kzmigdesk.services.workspace import open_database
    from kzmigdesk.domain.enums import Sex, UserRole
    from kzmigdesk.services.auth import Actor
    from kzmigdesk.services.registration import PersonInput, save_person

    database = open_database(sys.argv[1])
    database.actor = Actor("writer", UserRole.ADMINISTRATOR)
    batch = 0
    while True:
        batch += 1
        with database.transaction() as session:
            for n in range(150):  # a long write: many rows in one transaction
                save_person(session, PersonInput(
                    surname=f"Batch{batch:05d}", given_name=f"N{n:03d}", sex=Sex.MALE,
                    birth_date=dt.date(1940, 1, 1) + dt.timedelta(days=batch * 150 + n)),
                    confirm_duplicates=True)
        print(batch, flush=True)
""")


@pytest.mark.slow
def test_kill_9_during_a_long_write_loses_no_committed_record(database, tmp_path):
    url = database.url
    database.close()
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    process = subprocess.Popen([sys.executable, str(script), url], stdout=subprocess.PIPE,
                               text=True)
    committed = 0
    try:
        for line in process.stdout:
            committed = int(line)
            if committed >= 6:
                break
        # Kill it in the middle of the next transaction.
        threading.Event().wait(0.15)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(30)
    assert process.returncode == -signal.SIGKILL
    path = Path(url.removeprefix("sqlite:///"))
    assert sqlite_check(path) == "ok"
    again = open_database(url)
    try:
        with again.sessions() as session:
            batches = dict(session.execute(
                select(Person.surname, func.count()).group_by(Person.surname)).all())
            assert audit.verify(session).intact
        for batch in range(1, committed + 1):
            assert batches[f"Batch{batch:05d}"] == 150  # every committed record is there
        assert set(batches.values()) == {150}  # and no half transaction
    finally:
        again.close()
