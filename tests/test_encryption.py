"""Encryption at rest (issue 22): SQLCipher with a random raw key kept in the credential
store (an in-memory keyring in the tests, see conftest.py), `db encrypt` converting a plain
database with nothing lost, backups that stay encrypted, and clear messages for a missing or
wrong key."""

import datetime as dt
import io
import os
import sqlite3
import sys

import keyring
import pytest
from conftest import plain_run_only
from pypdf import PdfReader
from sqlalchemy import func, select

from kzmigdesk.cli import main
from kzmigdesk.db import keys
from kzmigdesk.db.files import NO_CIPHER, NO_KEY, NO_KEY_STORE, WRONG_KEY, check_file
from kzmigdesk.domain.documents import RecoverySheet
from kzmigdesk.domain.enums import Sex
from kzmigdesk.domain.models import AuditEntry, Person
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.recovery_sheet import recovery_sheet
from kzmigdesk.services import audit, backup
from kzmigdesk.services.registration import PersonInput, save_person
from kzmigdesk.services.workspace import (
    DatabaseFileError,
    encrypt_database,
    import_key,
    key_of,
    open_database,
)

pytestmark = pytest.mark.sqlite_only
NAMES = ["Әбенов", "Құрманов", "Иванов"]


def add_persons(database, names=NAMES):
    with database.transaction() as session:
        for name in names:
            save_person(session, PersonInput(surname=name, given_name="Нұрлан", sex=Sex.MALE,
                                             birth_date=dt.date(1980, 1, 1)),
                        confirm_duplicates=True)


def surnames(database) -> list[str]:
    with database.sessions() as session:
        return sorted(session.scalars(select(Person.surname)))


def store():
    return keyring.get_keyring().entries


@pytest.fixture
def encrypted(tmp_path, monkeypatch):
    """A new database, encrypted as every new one is outside the tests, with three persons."""
    monkeypatch.setenv(keys.NEW_DATABASES_ENV, "encrypted")
    database = open_database(str(tmp_path / "sealed.sqlite3"), create=True)
    database.actor = audit_actor()
    add_persons(database)
    database.close()
    return tmp_path / "sealed.sqlite3", database.created_key


def refusal(function, *args) -> str:
    with pytest.raises(DatabaseFileError) as refused:
        function(*args)
    return refused.value.message()


def audit_actor():
    from conftest import TEST_ADMINISTRATOR

    return TEST_ADMINISTRATOR


@plain_run_only
def test_a_new_database_is_encrypted_and_unreadable_without_its_key(encrypted):
    path, key = encrypted
    assert len(key) == 32 and not path.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError):  # plain sqlite3 sees no database
        sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()
    assert "Әбенов".encode() not in path.read_bytes()
    assert store()[(keys.SERVICE, keys.identity(path))] == key.hex()
    database = open_database(str(path))  # the key comes from the credential store
    try:
        assert surnames(database) == sorted(NAMES)
        with database.sessions() as session:
            assert audit.verify(session).intact
            assert session.connection().exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        database.close()


def test_tests_make_plain_databases_unless_asked(database):
    assert database.created_key is None


@plain_run_only
def test_a_missing_or_wrong_key_is_a_clear_message_never_file_is_not_a_database(encrypted):
    path, key = encrypted
    del store()[(keys.SERVICE, keys.identity(path))]
    with pytest.raises(DatabaseFileError) as refused:
        open_database(str(path))
    assert refused.value.message() == (
        f"The database {path} cannot be used: It is encrypted, and its key is not on this "
        "computer. Type the key from the database's recovery sheet with: kzmigdesk db key "
        "--import")
    store()[(keys.SERVICE, keys.identity(path))] = "00" * 32
    assert check_file(path).problem == WRONG_KEY
    assert "the key kept for it does not open it" in refusal(open_database, str(path))
    assert "This key does not open it" in refusal(import_key, str(path), "11" * 32)
    # the key typed from the sheet: groups, spaces, any case
    import_key(str(path), keys.format_key(key).lower())
    database = open_database(str(path))
    assert surnames(database) == sorted(NAMES)
    database.close()


@plain_run_only
def test_without_a_credential_store_or_sqlcipher_the_message_says_so(encrypted, monkeypatch):
    path, key = encrypted
    from keyring.backends import fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert check_file(path).problem == NO_KEY_STORE
    assert not keys.available() and not keys.encrypt_new_databases()
    monkeypatch.setenv(keys.KEY_ENV, key.hex())  # a server's or CI's way: the environment
    assert check_file(path).ok
    monkeypatch.delenv(keys.KEY_ENV)
    monkeypatch.setitem(sys.modules, "sqlcipher3", None)  # an installation without it
    assert check_file(path).problem == NO_CIPHER
    assert NO_KEY != NO_CIPHER


@plain_run_only
def test_without_a_credential_store_a_new_database_is_plain_with_a_warning(
        tmp_path, monkeypatch, capsys):
    from keyring.backends import fail

    monkeypatch.setenv(keys.NEW_DATABASES_ENV, "encrypted")
    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    path = tmp_path / "new.sqlite3"
    assert main(["db", "init", str(path)]) == 0
    assert path.read_bytes().startswith(b"SQLite format 3")
    assert "not encrypted: this computer has no credential store" in capsys.readouterr().err


def test_db_init_encrypts_and_shows_the_key_once_with_its_recovery_sheet(
        tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(keys.NEW_DATABASES_ENV, "encrypted")
    path, sheet = tmp_path / "new.sqlite3", tmp_path / "sheet.pdf"
    assert main(["db", "init", str(path), "--sheet", str(sheet)]) == 0
    out = capsys.readouterr().out
    key = keys.parse_key(out.splitlines()[2])
    assert key == keys.stored_key(path)
    assert sheet.read_bytes().startswith(b"%PDF")
    assert main(["db", "key", "--show", str(path)]) == 0
    assert keys.format_key(key) in capsys.readouterr().out
    assert main(["db", "init", str(tmp_path / "plain.sqlite3"), "--plain"]) == 0
    assert (tmp_path / "plain.sqlite3").read_bytes().startswith(b"SQLite format 3")


def test_the_recovery_sheet_shows_the_key_in_groups(tmp_path):
    key = bytes(range(32))
    pdf = recovery_sheet(RecoverySheet("C:/kzmigdesk/office.sqlite3",
                                       tuple(keys.key_groups(key)), dt.date(2026, 12, 2)),
                         Words.of("kk"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "0001 0203 0405 0607" in " ".join(text.split())
    assert keys.parse_key(" ".join(keys.key_groups(key))) == key


@plain_run_only
def test_db_encrypt_converts_a_plain_database_with_nothing_lost(database, tmp_path, capsys):
    add_persons(database)
    path = database.url.removeprefix("sqlite:///")
    with database.sessions() as session:
        entries = session.scalar(select(func.count()).select_from(AuditEntry))
    database.close()
    before = open(path, "rb").read()
    assert main(["db", "encrypt", path]) == 0
    out = capsys.readouterr().out
    kept = next(p for p in tmp_path.iterdir() if ".plain-" in p.name)
    assert kept.read_bytes() == before  # the original is never lost
    assert f"was kept as {kept}" in out
    assert keys.looks_encrypted(tmp_path / "test.sqlite3")
    assert keys.parse_key(out.splitlines()[2]) == key_of(path)
    reopened = open_database(path)
    reopened.actor = audit_actor()
    try:
        assert surnames(reopened) == sorted(NAMES)
        with reopened.sessions() as session:
            assert session.scalar(select(func.count()).select_from(AuditEntry)) == entries
            assert audit.verify(session).intact
        add_persons(reopened, ["Жаңа"])  # and it takes new work
        assert "Жаңа" in surnames(reopened)
    finally:
        reopened.close()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".encrypting")]
    assert main(["db", "encrypt", path]) == 1
    assert "It is encrypted already." in capsys.readouterr().err


@plain_run_only
def test_db_encrypt_leaves_everything_as_it_was_when_the_key_cannot_be_kept(
        database, tmp_path, monkeypatch):
    path = database.url.removeprefix("sqlite:///")
    database.close()
    before = open(path, "rb").read()

    def no_store(*_args):
        raise keys.NoKeyStore()

    monkeypatch.setattr(keys, "store_key", no_store)
    with pytest.raises(keys.NoKeyStore):
        encrypt_database(path)
    assert open(path, "rb").read() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["test.sqlite3"]


def test_backup_and_restore_of_an_encrypted_database(encrypted, tmp_path):
    path, key = encrypted
    url = f"sqlite:///{path}"
    made = backup.backup(url, tmp_path / "backups")
    assert keys.looks_encrypted(made) and "Әбенов".encode() not in made.read_bytes()
    assert backup.verify(made).problem is None
    assert keys.stored_key(made) == key  # the backup has its own entry, the same key
    database = open_database(str(path))
    database.actor = audit_actor()
    add_persons(database, ["Кейін"])
    database.close()
    kept = backup.restore(url, made, audit_actor())
    assert kept.exists()
    database = open_database(str(path))
    try:
        assert surnames(database) == sorted(NAMES)
    finally:
        database.close()
    # the restored database has the backup's identity: rotating the backup away keeps it
    for day in range(1, 4):
        backup.backup(url, tmp_path / "backups", keep=1, now=dt.datetime(2030, 1, day))
    assert not made.exists()
    database = open_database(str(path))
    assert surnames(database) == sorted(NAMES)
    database.close()


@plain_run_only
def test_a_backup_opens_on_another_computer_with_the_key_from_the_sheet(encrypted, tmp_path,
                                                                         capsys, monkeypatch):
    path, key = encrypted
    made = backup.backup(f"sqlite:///{path}", tmp_path / "backups")
    monkeypatch.setattr(keyring.get_keyring(), "entries", {})  # another computer
    copy = tmp_path / "elsewhere.sqlite3"
    copy.write_bytes(made.read_bytes())
    assert main(["--db", str(copy), "audit", "verify"]) == 1
    assert "its key is not on this computer" in capsys.readouterr().err
    import io

    sys_stdin = sys.stdin
    sys.stdin = io.StringIO(keys.format_key(key) + "\n")
    try:
        assert main(["db", "key", "--import", str(copy)]) == 0
    finally:
        sys.stdin = sys_stdin
    assert main(["--db", str(copy), "audit", "verify"]) == 0


def test_the_key_is_raw_no_key_derivation_per_connection(encrypted):
    path, key = encrypted
    assert keys.pragma(key) == f"PRAGMA key = \"x'{key.hex()}'\""
    assert os.path.getsize(path) % 4096 == 0


def test_a_read_only_url_of_an_encrypted_database_is_backed_up_encrypted(encrypted, tmp_path,
                                                                          capsys):
    """A `file:…?mode=ro` URL names the same encrypted file: its backup is SQLCipher's with
    the same key (it used to be taken for a plain database and fail or copy nothing)."""
    path, key = encrypted
    url = f"sqlite:///file:{path}?mode=ro&uri=true"
    made = backup.backup(url, tmp_path / "backups")
    assert keys.looks_encrypted(made) and "Әбенов".encode() not in made.read_bytes()
    assert keys.stored_key(made) == key and backup.verify(made).problem is None
    copy = open_database(str(made))
    try:
        assert surnames(copy) == sorted(NAMES)
    finally:
        copy.close()
    assert main(["--db", url, "backup", "--to", str(tmp_path / "cli")]) == 0
    assert "Backed up to" in capsys.readouterr().out
    [second] = (tmp_path / "cli").glob("kzmigdesk-*.sqlite3")
    assert keys.looks_encrypted(second) and backup.verify(second).problem is None


SHA256_PAGES = "PRAGMA cipher_hmac_algorithm = HMAC_SHA256"


def read_with(path, key, *settings) -> bool:
    """Whether SQLCipher reads `path` with `key` and exactly these setting statements."""
    import sqlcipher3

    connection = sqlcipher3.connect(str(path))
    try:
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(keys.pragma(key))
        for statement in settings:
            connection.execute(statement)
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher3.DatabaseError:
        return False
    finally:
        connection.close()


def earlier_copy(path, key, copy):
    """`copy`: the database at `path` as versions before HMAC-SHA256 wrote it (SQLCipher 4's
    defaults), its key kept."""
    import sqlcipher3

    connection = sqlcipher3.connect(str(path), isolation_level=None)
    try:
        connection.execute(keys.pragma(key))
        connection.execute(SHA256_PAGES)
        connection.execute(f"ATTACH DATABASE ? AS earlier KEY \"x'{key.hex()}'\"", (str(copy),))
        connection.execute("SELECT sqlcipher_export('earlier')")
        connection.execute("DETACH DATABASE earlier")
    finally:
        connection.close()
    keys.store_key(copy, key)
    return copy


@plain_run_only
def test_new_files_check_pages_with_hmac_sha256(encrypted, tmp_path, database):
    """SHA-256, which the CPU computes itself, makes reading ~1.5× faster than SQLCipher's
    default SHA-512 (benchmarks/RESULTS.md): new databases, `db encrypt`'s and backups."""
    path, key = encrypted
    assert read_with(path, key, SHA256_PAGES) and not read_with(path, key)
    made = backup.backup(f"sqlite:///{path}", tmp_path / "backups")
    assert read_with(made, key, SHA256_PAGES) and not read_with(made, key)
    plain = database.url.removeprefix("sqlite:///")
    database.close()
    encrypt_database(plain)
    assert read_with(plain, key_of(plain), SHA256_PAGES)
    assert not read_with(plain, key_of(plain))


@plain_run_only
def test_databases_encrypted_with_sqlciphers_defaults_still_open(encrypted, tmp_path):
    path, key = encrypted
    earlier = earlier_copy(path, key, tmp_path / "earlier.sqlite3")
    assert read_with(earlier, key) and not read_with(earlier, key, SHA256_PAGES)
    assert check_file(earlier).ok and check_file(earlier, thorough=True).ok
    database = open_database(str(earlier))
    database.actor = audit_actor()
    try:
        add_persons(database, ["Кейін"])  # several pooled connections, written and read
        assert surnames(database) == sorted([*NAMES, "Кейін"])
    finally:
        database.close()
    made = backup.backup(f"sqlite:///{earlier}", tmp_path / "backups")
    assert read_with(made, key) and backup.verify(made).problem is None  # as its original
    store()[(keys.SERVICE, keys.identity(earlier))] = "00" * 32
    assert check_file(earlier).problem == WRONG_KEY  # neither settings open it: a wrong key


def test_the_connection_used_last_is_taken_first(encrypted):
    """Its cache holds the pages it decrypted (a count before a jump deep into a list)."""
    path, _key = encrypted
    database = open_database(str(path))
    try:
        first, second = database.engine.raw_connection(), database.engine.raw_connection()
        used_last = second.driver_connection
        first.close()
        second.close()
        again = database.engine.raw_connection()
        assert again.driver_connection is used_last
        again.close()
    finally:
        database.close()
