"""Printing the forms from their windows: each opens a PDF of the right record in the system
viewer (replaced here), in the document language."""

import io

import pypdf
import pytest
from sqlalchemy import select
from test_reports import TODAY, fixture  # noqa: F401 - the hand-built database

from kzmigdesk import i18n
from kzmigdesk.domain.models import AuditEntry, Employer, Person, RepatriateCase, ServiceRecord
from kzmigdesk.gui import print_actions
from kzmigdesk.gui.case_dialog import CaseDialog
from kzmigdesk.gui.employer_dialog import EmployerDialog
from kzmigdesk.gui.person_dialog import PersonDialog
from kzmigdesk.gui.quotas_page import QuotasPage
from kzmigdesk.gui.service_dialog import ServiceDialog
from kzmigdesk.settings import load_settings, save_settings


@pytest.fixture
def opened(monkeypatch):
    urls = []
    monkeypatch.setattr(print_actions.QDesktopServices, "openUrl", urls.append)
    return urls


def text_of(path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def first(database, model, *where):
    with database.sessions() as session:
        return session.scalars(select(model).where(*where)).first().id


def test_person_card_from_the_person_form(qtbot, fixture, opened):  # noqa: F811
    database, _office = fixture
    person_id = first(database, Person, Person.surname == "Әбенов")
    dialog = PersonDialog(database, person_id)
    qtbot.addWidget(dialog)
    assert dialog.form.printButton.isEnabled()
    path = dialog.print_card()
    assert opened[0].toLocalFile() == str(path)
    assert "Әбенов" in text_of(path) and "Нұрлан" in text_of(path)
    new = PersonDialog(database, None)
    qtbot.addWidget(new)
    assert not new.form.printButton.isEnabled() and new.print_card() is None


def test_case_summary_bilingual_from_the_settings(qtbot, fixture, opened):  # noqa: F811
    database, _office = fixture
    settings = load_settings()
    settings.document_language = "kk+ru"
    save_settings(settings)
    dialog = CaseDialog(database, first(database, RepatriateCase,
                                        RepatriateCase.case_number == "KC-1"))
    qtbot.addWidget(dialog)
    text = text_of(dialog.print_summary())
    i18n.set_language("kk")
    kk = i18n._("Repatriate case summary")
    i18n.set_language("ru")
    ru = i18n._("Repatriate case summary")
    assert kk in text and ru in text and "KC-1" in text


def test_employer_extract_and_quota_statement(qtbot, fixture, opened):  # noqa: F811
    database, _office = fixture
    dialog = EmployerDialog(database, first(database, Employer))
    qtbot.addWidget(dialog)
    text = text_of(dialog.print_extract())
    assert "WP-1" in text and "WP-A11" in text and "150340000015" in text
    page = QuotasPage(database)
    page.today = lambda: TODAY
    qtbot.addWidget(page)
    page.year.setValue(2026)
    text = text_of(page.print_statement())
    assert "Astana" in text and "Almaty" in text


def test_referral_letter_from_a_service_record(qtbot, fixture, opened):  # noqa: F811
    database, _office = fixture
    record_id = first(database, ServiceRecord, ServiceRecord.end_date.is_(None))
    dialog = ServiceDialog(database, record_id)
    qtbot.addWidget(dialog)
    assert dialog.referral_button.isVisibleTo(dialog)
    dialog.ask_referral = lambda: None  # cancelled
    assert dialog.print_referral() is None and opened == []
    dialog.ask_referral = lambda: ("ТОО «Һалық құрылыс»", "жұмысқа орналасу")
    text = text_of(dialog.print_referral())
    assert "ТОО «Һалық құрылыс»" in text and "жұмысқа орналасу" in text
    new = ServiceDialog(database, None)
    qtbot.addWidget(new)
    assert not new.referral_button.isVisibleTo(new)


def print_entries(database) -> list[str]:
    with database.sessions() as session:
        return session.scalars(select(AuditEntry.entity_id).where(
            AuditEntry.action == "print")).all()


def test_a_print_is_recorded_once_its_pdf_is_written(
        qtbot, fixture, opened, tmp_path, monkeypatch):  # noqa: F811
    database, _office = fixture
    person_id = first(database, Person, Person.surname == "Әбенов")
    dialog = PersonDialog(database, person_id)
    qtbot.addWidget(dialog)
    before = print_entries(database)
    monkeypatch.setattr(print_actions, "temporary_pdf",
                        lambda name: tmp_path / "gone" / f"{name}.pdf")  # cannot be written
    with pytest.raises(OSError):
        dialog.print_card()
    assert print_entries(database) == before and opened == []
    assert not (tmp_path / "gone").exists()
    monkeypatch.setattr(print_actions, "temporary_pdf", lambda name: tmp_path / f"{name}.pdf")
    path = dialog.print_card()
    assert path.exists() and opened[0].toLocalFile() == str(path)
    assert print_entries(database) == [*before, str(person_id)]


def test_settings_dialog_sets_the_document_language_and_points_to_the_profile(qtbot):
    """The letterhead is the office profile in the database: the settings keep only the
    language of printed forms, and say where the letterhead is set."""
    from PySide6.QtWidgets import QLabel, QLineEdit

    from kzmigdesk.gui.settings_dialog import SettingsDialog

    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    assert not dialog.findChildren(QLineEdit)
    assert any("Office profile…" in label.text() for label in dialog.findChildren(QLabel))
    dialog.document_language.setCurrentIndex(dialog.document_language.findData("kk+ru"))
    assert dialog.save()
    assert print_actions.document_words().languages == ("kk", "ru")
    again = SettingsDialog()
    qtbot.addWidget(again)
    assert again.document_language.currentData() == "kk+ru"
