
"""Backups from the window: daily in the background, to a folder, restore with confirmation,
and a damaged or foreign database file at start."""

import datetime as dt

import pytest
from sqlalchemy import select
from test_backup import ADMIN, add_persons, surnames

from kzmigdesk.domain.enums import UserRole
from kzmigdesk.domain.models import AuditEntry
from kzmigdesk.gui import backup_actions as gui_backups
from kzmigdesk.services import backup
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.workspace import open_database

# Backups copy SQLite files; a PostgreSQL database is backed up on its server.
pytestmark = pytest.mark.sqlite_only


def test_daily_backup_runs_in_the_background_when_due(qtbot, database):
    add_persons(database, ["Әбенов"])
    daily = gui_backups.DailyBackup(database)
    assert daily.run_if_due()
    daily.thread.join(30)
    assert daily.error is None and daily.last in backup.backups()
    assert not daily.run_if_due()  # one a day
    with database.sessions() as session:
        assert session.scalars(select(AuditEntry.action).where(
            AuditEntry.action == "backup")).all() == ["backup"]


def test_a_daily_backup_the_disk_refuses_is_reported_not_raised(qtbot, database, monkeypatch):
    """A disk I/O error during the background copy is the status bar's error, not an
    exception that ends the thread unseen."""
    def disk_fails(path, key):
        raise backup.database_errors(key)[0]("disk I/O error")

    monkeypatch.setattr(backup, "connect", disk_fails)
    daily = gui_backups.DailyBackup(database)
    assert daily.run_if_due()
    daily.thread.join(30)
    assert daily.last is None and "disk I/O error" in daily.error


def test_back_up_to_a_folder_and_restore(qtbot, database, tmp_path):
    add_persons(database, ["Әбенов"])
    made = gui_backups.back_up_to_folder(None, database, tmp_path / "usb")
    assert made.parent == tmp_path / "usb"
    add_persons(database, ["Кейін"])
    asked = []

    def no(parent, title, text):
        asked.append(text)
        return False

    assert gui_backups.restore_from_file(None, database, made, ask=no) is None
    assert "the current file is kept aside" in asked[0]
    assert len(surnames(database)) == 2
    database.actor = ADMIN
    kept = gui_backups.restore_from_file(None, database, made, ask=lambda *args: True)
    assert kept.exists()
    assert surnames(database) == ["Әбенов"]  # the same Database object, reopened


def test_a_clerk_cannot_restore(qtbot, database, tmp_path, monkeypatch):
    made = gui_backups.back_up_to_folder(None, database, tmp_path / "usb")
    database.actor = Actor("aigerim", UserRole.CLERK)
    warnings = []
    monkeypatch.setattr(gui_backups.QMessageBox, "warning",
                        lambda parent, title, text: warnings.append(text))
    assert gui_backups.restore_from_file(None, database, made, ask=lambda *args: True) is None
    assert warnings == ["Your role (clerk) does not allow this: restoring a backup."]


def test_damaged_file_at_start_offers_the_newest_backup(qtbot, database, tmp_path,
                                                        monkeypatch):
    add_persons(database, ["Әбенов"])
    newest = backup.backup(database.url)
    url = database.url
    database.close()
    path = tmp_path / "test.sqlite3"
    path.write_bytes(b"garbage, not a database" * 100)
    (tmp_path / "test.sqlite3-wal").unlink(missing_ok=True)
    asked = []
    assert gui_backups.check_at_start(str(path), ask=lambda p, t, text: asked.append(text)) == (
        False, None)  # refused: nothing changed
    assert path.read_bytes().startswith(b"garbage")
    assert "The file is not a SQLite database." in asked[0]
    assert newest.name in asked[0]
    go_on, restored = gui_backups.check_at_start(
        str(path), ask=lambda *args: True, now=dt.datetime(2026, 11, 2, 9, 0))
    assert (go_on, restored) == (True, newest)
    assert (tmp_path / "test.sqlite3.before-restore-20261102-090000").read_bytes().startswith(
        b"garbage")
    again = open_database(url)
    try:
        assert surnames(again) == ["Әбенов"]
    finally:
        again.close()


def test_damaged_file_without_backup_is_left_alone(qtbot, tmp_path, monkeypatch):
    path = tmp_path / "other.sqlite3"
    path.write_bytes(b"not ours")
    shown = []
    monkeypatch.setattr(gui_backups.QMessageBox, "critical",
                        lambda parent, title, text: shown.append(text))
    assert gui_backups.check_at_start(str(path)) == (False, None)
    assert "No backup was found. The file was left as it is." in shown[0]
    assert path.read_bytes() == b"not ours"


def test_restore_shows_the_refusal_of_a_changed_backup(qtbot, database, tmp_path,
                                                       monkeypatch):
    from test_backup import flip_a_byte

    add_persons(database, ["Әбенов"])
    made = gui_backups.back_up_to_folder(None, database, tmp_path / "usb")
    flip_a_byte(made)
    add_persons(database, ["Кейін"])
    database.actor = ADMIN
    warnings = []
    monkeypatch.setattr(gui_backups.QMessageBox, "warning",
                        lambda parent, title, text: warnings.append(text))
    assert gui_backups.restore_from_file(None, database, made, ask=lambda *args: True) is None
    assert warnings == [backup.verify(made).message()]
    assert "does not match its checksum" in warnings[0]
    assert len(surnames(database)) == 2
