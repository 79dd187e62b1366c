"""Every command, given a --db that is not a kzmigdesk database (or random arguments), ends in
one line on stderr and exit code 1 or 2, never a traceback, and leaves the file as it was."""

import argparse
import io
import shutil
import sqlite3
from pathlib import Path

import pytest
from conftest import connect_file
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzmigdesk import cli
from kzmigdesk.cli import build_parser, main
from kzmigdesk.db import files
from kzmigdesk.services.workspace import DatabaseFileError, ReadOnlyDatabase, open_database

pytestmark = pytest.mark.sqlite_only

# Commands that never open --db (they work in a temporary folder, or start the window).
NOT_OPENING_DB = {("db", "check"), ("self-check",), ("gui",)}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02" + b"\0" * 40


def leaf_commands(parser: argparse.ArgumentParser, path: tuple = ()) -> dict:
    """Every command of the argparse tree, as its words, with its own parser (a command
    whose actions are optional, `backup` say, is one too)."""
    found, alone = {}, True
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            alone = not action.required
            for name, sub in action.choices.items():
                found.update(leaf_commands(sub, path + (name,)))
    if path and alone:
        found[path] = parser
    return found


def required_arguments(parser: argparse.ArgumentParser, bad: Path, tmp_path: Path) -> list:
    """Values for a command's required arguments: files are the bad file, the rest plain."""
    argv = []
    for action in parser._actions:
        if action.option_strings and not action.required or action.nargs in ("?", "*"):
            continue
        if isinstance(action, (argparse._HelpAction, argparse._SubParsersAction)):
            continue
        if action.dest == "out":
            value = str(tmp_path / "written.pdf")
        elif action.dest == "month":
            value = "2026-01"
        elif action.choices:
            value = sorted(action.choices)[0]
        elif action.type is Path or action.dest in ("file", "path"):
            value = str(bad)
        else:
            value = "X"
        argv += [action.option_strings[0], value] if action.option_strings else [value]
    return argv


def make_bad(kind: str, folder: Path, template: Path) -> Path:
    folder.mkdir()
    path = folder / "db.sqlite3"
    if kind == "text":
        path.write_text("name;iin\nӘбенов;850412300123\n", encoding="utf-8")
    elif kind == "picture":
        path.write_bytes(PNG)
    elif kind == "folder":
        path.mkdir()
        (path / "inside.txt").write_text("kept")
    elif kind == "empty":
        path.touch()
    elif kind == "foreign":  # another program's SQLite database, in WAL mode
        connection = sqlite3.connect(path)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        connection.execute("INSERT INTO notes (text) VALUES ('keep me')")
        connection.commit()
        connection.close()
    elif kind == "newer":  # a kzmigdesk database of a later version
        shutil.copyfile(template, path)
        connection = connect_file(path)
        connection.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        connection.commit()
        connection.close()
    elif kind == "missing":
        return folder / "no-such-folder" / "db.sqlite3"
    return path


def snapshot(folder: Path) -> dict:
    """Every file under `folder` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


KINDS = ["text", "picture", "folder", "empty", "foreign", "newer", "missing"]
# What db init may do: create a missing database, or take an empty file.
EXPECTED_TO_WORK = {(("db", "init"), "missing"), (("db", "init"), "empty")}


@pytest.mark.parametrize("kind", KINDS)
def test_every_command_refuses_a_bad_database_in_one_line(kind, tmp_path, migrated_template,
                                                          monkeypatch, capsys):
    bad = make_bad(kind, tmp_path / "bad", migrated_template)
    before = snapshot(tmp_path / "bad")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    commands = leaf_commands(build_parser())
    assert NOT_OPENING_DB | {("backup",), ("db", "init"), ("audit", "verify")} <= set(commands)
    for words, parser in commands.items():
        if words in NOT_OPENING_DB or (words, kind) in EXPECTED_TO_WORK:
            continue
        argv = ["--db", str(bad), *words, *required_arguments(parser, bad, tmp_path)]
        code = main(argv)
        captured = capsys.readouterr()
        assert code in (1, 2), (argv, code, captured)
        assert len(captured.err.strip().splitlines()) == 1, (argv, captured.err)
        assert "Traceback" not in captured.err and "unexpected error" not in captured.err, argv
        assert snapshot(tmp_path / "bad") == before, argv  # byte-identical, nothing beside it
        assert not (tmp_path / "written.pdf").exists(), argv


def test_the_messages_name_the_file_and_the_problem(tmp_path, migrated_template, capsys):
    expected = {
        "text": "The file is not a SQLite database.",
        "picture": "The file is not a SQLite database.",
        "folder": "It is a folder, not a database file.",
        "empty": "The file is empty.",
        "foreign": "The file is a database of another program.",
        "newer": "It was made by a newer version of kzmigdesk; open it with that version.",
    }
    for kind, problem in expected.items():
        bad = make_bad(kind, tmp_path / kind, migrated_template)
        assert main(["--db", str(bad), "audit", "verify"]) == 1
        assert capsys.readouterr().err == (
            f"The database {bad} cannot be used: {problem}\n")
    missing = make_bad("missing", tmp_path / "missing", migrated_template)
    assert main(["--db", str(missing), "audit", "verify"]) == 1
    assert capsys.readouterr().err == (
        f"There is no database {missing}; create one with: kzmigdesk db init {missing}\n")
    assert not missing.parent.exists()


def test_the_default_database_is_not_created_by_a_command(capsys):
    from kzmigdesk.paths import default_database_path

    assert main(["audit", "verify"]) == 1
    assert "kzmigdesk db init" in capsys.readouterr().err
    assert not default_database_path().exists()


def test_an_unreadable_file_is_refused(tmp_path, migrated_template, monkeypatch, capsys):
    path = tmp_path / "locked.sqlite3"
    shutil.copyfile(migrated_template, path)
    opened = Path.open

    def no_permission(self, *args, **kwargs):  # as chmod 000 does (the tests may run as root)
        if self == path:
            raise PermissionError(13, "Permission denied", str(self))
        return opened(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", no_permission)
    assert main(["--db", str(path), "audit", "verify"]) == 1
    assert capsys.readouterr().err == (
        f"The database {path} cannot be used: The file cannot be read; check its permissions.\n")


def test_a_read_only_database_is_backed_up(tmp_path, migrated_template, capsys):
    path = tmp_path / "ro.sqlite3"
    shutil.copyfile(migrated_template, path)
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    assert main(["--db", url, "backup", "--to", str(tmp_path / "backups")]) == 0
    assert "Backed up to" in capsys.readouterr().out  # its trail cannot note it
    assert len(list((tmp_path / "backups").glob("kzmigdesk-*.sqlite3"))) == 1


def test_check_file_reads_a_wal_database_without_leaving_files(tmp_path, migrated_template):
    bad = make_bad("foreign", tmp_path / "bad", migrated_template)
    before = snapshot(tmp_path / "bad")
    assert files.check_file(bad).problem == files.FOREIGN
    assert snapshot(tmp_path / "bad") == before
    ours = tmp_path / "ours.sqlite3"
    shutil.copyfile(migrated_template, ours)
    assert files.check_file(ours, thorough=True).ok
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith("ours")] == ["ours.sqlite3"]


def test_open_database_creates_only_when_asked(tmp_path):
    path = tmp_path / "new" / "db.sqlite3"
    with pytest.raises(DatabaseFileError):
        open_database(str(path))
    assert not path.parent.exists()
    open_database(str(path), create=True).close()
    open_database(str(path)).close()  # now it exists


def test_a_read_only_database_refuses_writes_in_one_line(tmp_path, migrated_template, capsys):
    path = tmp_path / "ro.sqlite3"
    shutil.copyfile(migrated_template, path)
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    assert main(["--db", url, "audit", "verify"]) == 0  # reading works
    capsys.readouterr()
    assert main(["--db", url, "exchange", "name", "Astana"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [f"The database file:{path} is read-only: nothing was changed. "
                                "Ask for write access to it, or open a copy."]
    database = open_database(url)
    try:
        with pytest.raises(ReadOnlyDatabase):
            with database.transaction() as session:
                session.connection().exec_driver_sql("DELETE FROM audit_entries")
    finally:
        database.close()


def test_report_and_restore_refuse_bad_paths_in_one_line(database, tmp_path, capsys):
    db = database.url.removeprefix("sqlite:///")
    database.close()
    out = tmp_path / "missing" / "summary.pdf"
    assert main(["--db", db, "report", "monthly", "--month", "2026-01", "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"The folder {out.parent} does not exist; nothing was written.\n")
    assert main(["--db", db, "report", "monthly", "--month", "2026-01", "--out",
                 str(tmp_path)]) == 1
    assert "is a folder; give the name of a file to write." in capsys.readouterr().err
    before = Path(db).read_bytes()
    assert main(["--db", db, "restore", "--yes", str(tmp_path)]) == 1
    assert capsys.readouterr().err == (
        "The backup cannot be used: it is missing, empty or damaged.\n")
    assert main(["--db", db, "restore", "--yes", db]) == 1
    assert "is the database itself" in capsys.readouterr().err
    assert Path(db).read_bytes() == before


# --- random command lines ---------------------------------------------------------------------

def vocabulary() -> list[str]:
    """The words of the real command line: command names and option strings, at every level."""
    words = set()

    def walk(parser):
        for action in parser._actions:
            words.update(action.option_strings)
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    words.add(name)
                    walk(sub)

    walk(build_parser())
    # the window; a slow check of the install; a conversion of the file that succeeds
    # (tests/test_encryption.py), after which plain sqlite3 reads nothing to compare
    return sorted(words - {"gui", "self-check", "encrypt"})


COMMANDS = sorted(w for w in leaf_commands(build_parser())
                  if w not in NOT_OPENING_DB | {("db", "encrypt")})
JUNK = st.sampled_from(["-5", "0", "1", "3", "2026-13", "2026-01", "", " ", "ru", "pdf", "xyz",
                        "--", "-", "=", "--db=", "Әбенов", "٣", "１２", "nul\x00l", "../x",
                        "missing/x.sqlite3", "."]) | st.text(max_size=6)


def database_digest(path: Path) -> str:
    import hashlib

    connection = connect_file(path)
    try:
        tables = [row[0] for row in connection.execute(  # no iterdump() in sqlcipher3
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        dump = [repr(sorted(connection.execute(f'SELECT * FROM "{t}"'), key=repr))
                for t in tables]
        return hashlib.sha256("\n".join(tables + dump).encode()).hexdigest()
    finally:
        connection.close()


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(command=st.sampled_from(COMMANDS),
       before=st.lists(st.sampled_from(vocabulary()) | JUNK, max_size=2),
       after=st.lists(st.sampled_from(vocabulary()) | JUNK, max_size=5))
def test_random_command_lines_end_in_a_message(command, before, after, tmp_path,
                                               migrated_template, monkeypatch, capsys):
    folder = tmp_path / "fuzz"
    folder.mkdir(exist_ok=True)
    path = folder / "db.sqlite3"
    if not path.exists():
        shutil.copyfile(migrated_template, path)
    monkeypatch.chdir(folder)  # files a command line names land here
    monkeypatch.setenv("KZMIGDESK_DATABASE_URL", str(path))
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    monkeypatch.setattr("kzmigdesk.gui.app.run_gui", lambda **kwargs: 0)
    monkeypatch.setattr(cli, "cmd_self_check", lambda args: 0)
    argv = [*before, *command, *after]
    if "demo" in command:
        argv += ["--persons", "5"]
    digest = database_digest(path)
    try:
        code = main(argv)
    except SystemExit as exit:  # --help and --version
        code = exit.code
    captured = capsys.readouterr()
    assert code in (0, 1, 2), (argv, captured)
    assert "Traceback" not in captured.err and "unexpected error" not in captured.err, (
        argv, captured.err)
    if code != 0:
        assert len(captured.err.strip().splitlines()) == 1, (argv, captured.err)
        assert database_digest(path) == digest, argv
