"""The person form's legal basis line and dialog, and its access log (issue 23)."""

import datetime as dt

import pytest
from PySide6.QtCore import QDate

from kzmigdesk import i18n
from kzmigdesk.domain.enums import LegalBasis, Sex, UserRole
from kzmigdesk.gui.access_log_dialog import AccessLogDialog
from kzmigdesk.gui.legal_basis_dialog import LegalBasisDialog
from kzmigdesk.gui.person_dialog import PersonDialog
from kzmigdesk.services import access, legal_basis, scans
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.person_search import find_persons
from kzmigdesk.services.registration import PersonInput, load_person, register_person

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def person_id(database):
    pid = register_person(database, PersonInput(surname="Әбенов", given_name="Нұрлан",
                                                sex=Sex.MALE, birth_date=dt.date(1980, 1, 1)))
    with database.transaction() as session:
        scans.attach(session, PDF, "consent.pdf", person_id=pid)
    return pid


def shown(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_the_form_records_a_consent_and_withdraws_it(qtbot, database, person_id):
    form = shown(qtbot, PersonDialog(database, person_id))
    form.ask_discard = lambda: True
    assert form.form.legalBasisLabel.text() == "Legal basis: not recorded"
    dialog = form.show_legal_basis()
    qtbot.addWidget(dialog)
    dialog.basis.setCurrentIndex(dialog.basis.findData(LegalBasis.CONSENT))
    dialog.since.setDate(QDate(2026, 3, 1))
    dialog.reference.setText("No. 17")
    dialog.scan.setCurrentIndex(next(i for i in range(dialog.scan.count())
                                     if dialog.scan.itemText(i).startswith("consent.pdf")))
    dialog.record_button.click()
    assert dialog.errors_label.text() == ""
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 3).text() == "consent.pdf"
    dialog.table.selectRow(0)
    assert dialog.withdraw_button.isEnabled()
    dialog.withdrawn_on.setDate(QDate(2026, 2, 1))  # before the consent: refused
    dialog.withdraw_button.click()
    assert "between the consent's date and today" in dialog.errors_label.text()
    dialog.withdrawn_on.setDate(QDate(2026, 11, 30))
    dialog.withdraw_button.click()
    assert legal_basis.current_basis(database, person_id).withdrawn_on == dt.date(2026, 11, 30)
    dialog.close()
    assert form.form.legalBasisLabel.text() == (
        "Legal basis: the person's consent, since 01/03/2026; withdrawn on 30/11/2026")


def test_the_access_log_is_for_supervisors(qtbot, database, person_id):
    clerk = database.acting_as(Actor("aigerim", UserRole.CLERK))
    form = shown(qtbot, PersonDialog(clerk, person_id))
    form.ask_discard = lambda: True
    assert not form.form.accessLogButton.isVisible()
    assert form.form.legalBasisButton.isVisible()
    supervisor = database.acting_as(Actor("saule", UserRole.SUPERVISOR))
    other = shown(qtbot, PersonDialog(supervisor, person_id))
    other.ask_discard = lambda: True
    assert other.form.accessLogButton.isVisible()
    log = other.show_access_log()
    qtbot.addWidget(log)
    users = [log.table.item(row, 2).text() for row in range(log.table.rowCount())]
    assert users[:2] == ["saule", "aigerim"]  # both openings of the form, the latest first
    assert log.table.item(0, 1).text() == "record opened"
    assert access.waiting(database) == 0


@pytest.mark.parametrize("which", ["legal basis", "access log", "form"])
def test_kazakh_screenshots(qtbot, database, person_id, which):
    i18n.set_language("kk")
    try:
        legal_basis.add_basis(database, person_id, LegalBasis.CONSENT, dt.date(2026, 3, 1),
                              "№ 17", scans.list_scans(database, person_id)[0].id)
        load_person(database.acting_as(Actor("aigerim", UserRole.CLERK)), person_id)
        find_persons(database, "N7654321")
        widget = {"legal basis": lambda: LegalBasisDialog(database, person_id, "Әбенов"),
                  "access log": lambda: AccessLogDialog(database, person_id, "Әбенов"),
                  "form": lambda: PersonDialog(database, person_id)}[which]()
        if which == "form":
            widget.ask_discard = lambda: True
        shown(qtbot, widget)
        widget.grab().save(f"/tmp/access-{which.replace(' ', '-')}-kk.png")
    finally:
        i18n.set_language("en")
