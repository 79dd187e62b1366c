"""Opening a database: the window's start checks as the command line does; a database of a
newer version is refused (SQLite and PostgreSQL); a new one is created only when asked."""

import shutil

import pytest
from conftest import connect_file

from kzmigdesk.db import files, migrate
from kzmigdesk.services.workspace import DatabaseFileError, open_database


def test_the_known_revisions_are_those_of_the_migrations():
    known = migrate.known_revisions()
    assert migrate.head_revision() in known and "0001" in known


@pytest.mark.sqlite_only
def test_a_newer_sqlite_database_is_refused_untouched(tmp_path, migrated_template):
    path = tmp_path / "newer.sqlite3"
    shutil.copyfile(migrated_template, path)
    with connect_file(path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    connection.close()
    before = path.read_bytes()
    with pytest.raises(DatabaseFileError) as refused:
        open_database(str(path))
    assert refused.value.message() == (
        f"The database {path} cannot be used: It was made by a newer version of kzmigdesk; "
        "open it with that version.")
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newer.sqlite3"]


def test_a_newer_database_on_any_server_is_refused(database):
    """On PostgreSQL too: the revision is read before any migration runs."""
    from sqlalchemy import text

    with database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '0099'"))
    database.close()
    with pytest.raises(DatabaseFileError) as refused:
        open_database(database.url)
    assert "newer version of kzmigdesk" in refused.value.message()


def test_a_missing_server_database_is_the_servers_message_in_one_line(monkeypatch):
    """A server that cannot be reached: its own error, one line, no traceback."""
    from kzmigdesk.cli import main

    pytest.importorskip("psycopg")  # installed with the postgres extra (CI's second run)
    url = "postgresql+psycopg://nobody@127.0.0.1:1/no_such_database"
    with pytest.raises(DatabaseFileError) as refused:
        open_database(url)
    message = refused.value.message()
    assert message.startswith("The database postgresql+psycopg://nobody@127.0.0.1:1/"
                              "no_such_database cannot be used: ")
    assert len(message.splitlines()) == 1
    assert main(["--db", url, "audit", "verify"]) == 1


def test_a_server_database_without_its_driver_is_one_clear_line(monkeypatch, capsys):
    from kzmigdesk.cli import main
    from kzmigdesk.db import session

    def no_driver(url):
        raise ModuleNotFoundError("No module named 'psycopg'", name="psycopg")

    monkeypatch.setattr(session, "make_engine", no_driver)
    url = "postgresql+psycopg://clerk@server/kzmigdesk"
    with pytest.raises(DatabaseFileError) as refused:
        open_database(url)
    assert refused.value.message() == (
        "The database postgresql+psycopg://clerk@server/kzmigdesk cannot be used: This "
        "installation has no driver for it (psycopg); on a desk of an office with a PostgreSQL "
        "server, install kzmigdesk with the postgres extra.")
    assert main(["--db", url, "audit", "verify"]) == 1
    assert capsys.readouterr().err.count("\n") == 1


# --- the window's start -------------------------------------------------------------------------

@pytest.mark.sqlite_only
def test_the_window_refuses_a_missing_file_it_was_not_asked_to_create(qtbot, tmp_path,
                                                                     monkeypatch):
    from kzmigdesk.gui import backup_actions

    shown = []
    monkeypatch.setattr(backup_actions.QMessageBox, "critical",
                        lambda parent, title, text: shown.append(text))
    missing = tmp_path / "typo" / "db.sqlite3"
    assert backup_actions.check_at_start(str(missing)) == (False, None)
    assert shown == [f"There is no database {missing}; create one with: kzmigdesk db init "
                     f"{missing}"]
    assert not missing.parent.exists()
    assert backup_actions.check_at_start(None) == (True, None)  # the first start


@pytest.mark.sqlite_only
def test_the_window_offers_no_restore_over_a_folder_or_a_newer_database(qtbot, tmp_path,
                                                                        monkeypatch,
                                                                        migrated_template):
    from kzmigdesk.gui import backup_actions

    shown, asked = [], []
    monkeypatch.setattr(backup_actions.QMessageBox, "critical",
                        lambda parent, title, text: shown.append(text))
    folder = tmp_path / "folder.sqlite3"
    folder.mkdir()
    assert backup_actions.check_at_start(str(folder), ask=lambda *a: asked.append(a)) == (
        False, None)
    assert shown[-1].endswith("It is a folder, not a database file.")
    newer = tmp_path / "newer.sqlite3"
    shutil.copyfile(migrated_template, newer)
    with connect_file(newer) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099'")
    connection.close()
    assert backup_actions.check_at_start(str(newer), ask=lambda *a: asked.append(a)) == (
        False, None)
    assert shown[-1].endswith(files.NEWER)
    assert asked == [] and folder.is_dir()


@pytest.mark.sqlite_only
def test_the_first_start_creates_the_default_database(qtbot, monkeypatch):
    from kzmigdesk.gui import app
    from kzmigdesk.paths import default_database_path

    opened = []
    monkeypatch.setattr(app, "sign_in_at_start", lambda database: opened.append(database))
    monkeypatch.setattr(app, "ask_language", lambda: None)  # the language question, closed
    assert not default_database_path().exists()
    assert app.run_gui() == 0  # signing in was cancelled
    assert default_database_path().is_file()
    assert opened and opened[0].url.endswith("kzmigdesk.sqlite3")
