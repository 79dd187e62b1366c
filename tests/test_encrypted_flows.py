"""The key flows on an encrypted (SQLCipher) database, whatever KZMIGDESK_NEW_DATABASES the
run has (issue 22): create, open again, back up, restore, export the monthly summary. CI
runs the suite on plain databases; this module keeps encryption covered there."""

import datetime as dt
import io

import pypdf
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from kzmigdesk.db import keys
from kzmigdesk.domain.enums import Sex
from kzmigdesk.domain.models import Person
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.monthly import summary_pdf
from kzmigdesk.printing.summary_files import summary_csv, summary_xlsx
from kzmigdesk.services import audit, backup
from kzmigdesk.services.registration import PersonInput, save_person
from kzmigdesk.services.reports import monthly_summary
from kzmigdesk.services.workspace import open_database

pytestmark = pytest.mark.sqlite_only


def actor():
    from conftest import TEST_ADMINISTRATOR

    return TEST_ADMINISTRATOR


def add(database, *surnames):
    with database.transaction() as session:
        for surname in surnames:
            save_person(session, PersonInput(surname=surname, given_name="Нұрлан",
                                             sex=Sex.MALE, birth_date=dt.date(1980, 1, 1)),
                        confirm_duplicates=True)


def surnames(path) -> list[str]:
    database = open_database(str(path))
    try:
        with database.sessions() as session:
            return sorted(session.scalars(select(Person.surname)))
    finally:
        database.close()


@pytest.fixture
def sealed(tmp_path, monkeypatch):
    monkeypatch.setenv(keys.NEW_DATABASES_ENV, "encrypted")
    path = tmp_path / "office.sqlite3"
    database = open_database(str(path), create=True)
    assert database.created_key is not None  # created encrypted, its key to show once
    database.actor = actor()
    add(database, "Әбенов", "Құрманов")
    database.close()
    return path, database.created_key


def test_create_and_open_again(sealed):
    path, key = sealed
    assert keys.looks_encrypted(path) and "Әбенов".encode() not in path.read_bytes()
    assert keys.stored_key(path) == key
    assert surnames(path) == sorted(["Әбенов", "Құрманов"])


def test_backup_and_restore(sealed, tmp_path):
    path, key = sealed
    url = f"sqlite:///{path}"
    made = backup.backup(url, tmp_path / "backups")
    assert keys.looks_encrypted(made) and backup.verify(made).problem is None
    assert keys.stored_key(made) == key
    database = open_database(str(path))
    database.actor = actor()
    add(database, "Кейін")
    database.close()
    assert surnames(path) == sorted(["Әбенов", "Кейін", "Құрманов"])
    backup.restore(url, made, actor())
    assert keys.looks_encrypted(path) and surnames(path) == sorted(["Әбенов", "Құрманов"])


def test_export_the_monthly_summary(sealed):
    path, _key = sealed
    database = open_database(str(path))
    database.actor = actor()
    try:
        words = Words.of("en")
        month = dt.date.today().replace(day=1)
        with database.sessions() as session:
            report = monthly_summary(session, month, words)
        head = audit.chain_head(database)
        assert (report.audit_seq, report.audit_hash) == (head.seq, head.hash) and head.seq > 0
        pdf = summary_pdf(report, words)
        text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
        assert head.hash in text.replace("\n", "").replace(" ", "")
        assert summary_csv(report, words).decode("utf-8-sig").startswith("Monthly summary")
        # a new database has no quota yet: the XLSX's flows sheet leaves those charts out
        book = load_workbook(io.BytesIO(summary_xlsx(report, words)))
        assert book.worksheets[0]["A1"].value.startswith("Monthly summary")
    finally:
        database.close()
