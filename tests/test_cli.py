import subprocess
import sys

from kzmigdesk.cli import build_parser, main
from kzmigdesk.db.engine import resolve_database_url
from kzmigdesk.demo import database_is_empty
from kzmigdesk.services.workspace import open_database


def test_help_lists_the_subcommands(capsys):
    help_text = build_parser().format_help()
    for command in ("demo", "db", "self-check", "gui"):
        assert command in help_text
    result = subprocess.run([sys.executable, "-m", "kzmigdesk", "db", "--help"],
                            capture_output=True, text=True, check=True)
    assert "upgrade" in result.stdout and "check" in result.stdout


def test_self_check_passes(qapp, capsys):
    assert main(["self-check"]) == 0
    out = capsys.readouterr().out
    assert "self-check OK" in out
    assert "ui: " in out and "locales: " in out  # where the data folders were found


def test_self_check_reports_a_broken_form_and_preview(qapp, monkeypatch, capsys):
    from kzmigdesk.gui import reports_page, uiloader

    def broken(*args, **kwargs):
        raise RuntimeError("broken")

    monkeypatch.setattr(uiloader, "load_ui", broken)
    monkeypatch.setattr(reports_page, "first_page_png", broken)
    assert main(["self-check"]) == 1
    captured = capsys.readouterr()
    assert "self-check OK" not in captured.out
    assert "FAIL form first_start.ui: broken" in captured.err
    assert "FAIL PDF preview: broken" in captured.err


def test_db_init_upgrade_and_check(tmp_path, capsys):
    db_file = tmp_path / "new" / "cli.sqlite3"
    assert main(["--db", str(db_file), "db", "upgrade"]) == 1
    assert not db_file.parent.exists()  # a mistyped path creates nothing
    assert capsys.readouterr().err == (
        f"There is no database {db_file}; create one with: kzmigdesk db init {db_file}\n")
    assert main(["db", "init", str(db_file)]) == 0
    assert db_file.exists()
    assert main(["--db", str(db_file), "db", "upgrade"]) == 0
    assert main(["--db", str(db_file), "db", "init"]) == 1  # an existing file is kept
    assert "It already exists; nothing was changed." in capsys.readouterr().err
    (tmp_path / "empty.sqlite3").touch()  # an empty file may become the new database
    assert main(["db", "init", str(tmp_path / "empty.sqlite3")]) == 0
    assert main(["db", "check"]) == 0
    assert "No drift" in capsys.readouterr().out


def test_db_check_fails_on_drift(monkeypatch, capsys):
    from kzmigdesk.db import migrate

    monkeypatch.setattr(migrate, "migrations_drift", lambda: [("add_table", "unmigrated")])
    assert main(["db", "check"]) == 1
    assert "differ" in capsys.readouterr().err


def test_demo_fills_an_empty_database_once_unless_forced(tmp_path, capsys):
    db_file = tmp_path / "demo.sqlite3"
    assert main(["db", "init", str(db_file)]) == 0
    assert main(["--db", str(db_file), "demo", "--persons", "30"]) == 0
    database = open_database(str(db_file))
    with database.sessions() as session:
        assert not database_is_empty(session)
    database.close()
    assert main(["--db", str(db_file), "demo", "--persons", "30"]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["--db", str(db_file), "demo", "--persons", "300", "--force"]) == 0
    assert "Demo data added: 300 persons" in capsys.readouterr().out
    assert main(["--db", str(db_file), "audit", "verify"]) == 0


def test_demo_wants_at_least_one_person(tmp_path, capsys):
    for persons in ("-5", "0", "many"):
        assert main(["--db", str(tmp_path / "x.sqlite3"), "demo", "--persons", persons]) == 2
        err = capsys.readouterr().err
        assert err.startswith("Wrong command line: argument --persons: ")
        assert len(err.splitlines()) == 1


def test_database_location(monkeypatch, tmp_path):
    monkeypatch.setenv("KZMIGDESK_DATABASE_URL", "postgresql+psycopg://u@localhost/kz")
    assert resolve_database_url() == "postgresql+psycopg://u@localhost/kz"
    assert resolve_database_url(str(tmp_path / "x.db")) == f"sqlite:///{tmp_path / 'x.db'}"
    monkeypatch.delenv("KZMIGDESK_DATABASE_URL")
    default = resolve_database_url()
    assert default.startswith("sqlite:///") and str(tmp_path / "xdg-data") in default


def test_messages_follow_lang(tmp_path, capsys):
    assert main(["--lang", "ru", "--db", str(tmp_path / "r.sqlite3"), "db", "init"]) == 0
    from kzmigdesk.db.migrate import head_revision

    out = capsys.readouterr().out
    assert head_revision() in out and "is at revision" not in out


def test_a_wrong_command_line_is_one_line_and_exit_code_2(capsys):
    assert main(["no-such-command"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("Wrong command line: ") and "Traceback" not in err


def test_an_unexpected_error_is_one_line_and_its_traceback_goes_to_the_log(monkeypatch, capsys):
    import kzmigdesk.cli as cli
    from kzmigdesk.crash_log import log_path

    def broken(args):
        raise RuntimeError("something odd\nsecond line")

    monkeypatch.setattr(cli, "cmd_audit", broken)
    assert main(["audit", "verify"]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        f"An unexpected error stopped the command: something odd. The details are in "
        f"{log_path()}."]
    log = log_path().read_text(encoding="utf-8")
    assert "Traceback" in log and "RuntimeError: something odd" in log
    assert "kzmigdesk audit verify" in log and "kzmigdesk 0." in log
