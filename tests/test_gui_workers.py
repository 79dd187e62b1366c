import datetime as dt

import pytest
from gui_helpers import check_ctrl_f_and_enter
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDateEdit, QDialog, QLineEdit, QMessageBox
from sqlalchemy import select

from kzmigdesk import i18n
from kzmigdesk.domain.enums import PermitCategory, PermitStatus, Sex
from kzmigdesk.domain.identifiers import make_bin
from kzmigdesk.domain.models import (
    Employer,
    PermitStatusChange,
    Person,
    Region,
    WorkPermit,
)
from kzmigdesk.domain.reference import reference_id
from kzmigdesk.gui.employer_dialog import EmployerDialog
from kzmigdesk.gui.foreign_workers_page import ForeignWorkersPage
from kzmigdesk.gui.permit_dialog import PermitDialog
from kzmigdesk.gui.person_dialog import INVALID_STYLE
from kzmigdesk.services.labour import EmployerInput, PermitInput, issue_permit, save_employer
from kzmigdesk.services.registration import PersonInput, save_person

# Permits take quota slots: every quota has room here.
pytestmark = pytest.mark.usefixtures("open_quotas")

C, P = PermitCategory, PermitStatus
TODAY = dt.date.today()
BIN = make_bin(dt.date(2015, 3, 1), 1)
NEW_BIN = make_bin(dt.date(2020, 6, 1), 7)


def region_id(session, code="ALA"):
    return session.scalars(select(Region).where(Region.code == code)).one().id


def add_person(database, surname="Wang", given="Wei", citizenship="CN"):
    with database.transaction() as session:
        return save_person(session, PersonInput(
            surname=surname, given_name=given, sex=Sex.MALE, birth_date=dt.date(1988, 5, 20),
            citizenship=citizenship)).id


def add_employer(database, bin=BIN, name="ТОО «Казстрой»"):
    with database.transaction() as session:
        return save_employer(session, EmployerInput(
            bin=bin, name=name, region_id=region_id(session))).id


def add_permit(database, person_id, employer_id, number="WP-0001", category=C.CATEGORY_4,
               start=TODAY - dt.timedelta(days=30), end=TODAY + dt.timedelta(days=300)):
    with database.transaction() as session:
        return issue_permit(
            session, session.get(Person, person_id), session.get(Employer, employer_id),
            PermitInput(number=number, category=category, profession="сварщик",
                        region_id=region_id(session), valid_from=start, valid_to=end),
            today=start).id


def permits(database):
    with database.sessions() as session:
        return session.scalars(select(WorkPermit).order_by(WorkPermit.number)).all()


def employers(database):
    with database.sessions() as session:
        return session.scalars(select(Employer)).all()


def make_page(qtbot, database):
    page = ForeignWorkersPage(database)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


def cell(page, row, column):
    return page.model.index(row, column).data()


def test_list_search_and_filters(qtbot, database):
    wang, yilmaz = add_person(database), add_person(database, "Йылмаз", "Мехмет", "TR")
    employer = add_employer(database)
    add_permit(database, wang, employer, "WP-0001")
    add_permit(database, yilmaz, employer, "WP-0002", category=C.CATEGORY_3,
               start=TODAY - dt.timedelta(days=10))
    page = make_page(qtbot, database)
    assert page.model.rowCount() == 2 and page.count_label.text() == "2 permits"
    assert [cell(page, 0, c) for c in (0, 1, 2, 3, 4, 7)] == [
        "WP-0002", "Йылмаз Мехмет", i18n.country_name("TR"), "ТОО «Казстрой»",
        "category 3: specialists", "issued"]
    assert cell(page, 0, 5) == i18n.format_date(TODAY - dt.timedelta(days=10))
    assert cell(page, 1, 2) == "China"

    qtbot.keyClicks(page.search, "Wang")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert cell(page, 0, 0) == "WP-0001" and page.count_label.text() == "1 permit"
    page.search.clear()
    page.search.insert("Йылмаз")
    page.apply_filter()
    assert page.model.rowCount() == 1 and cell(page, 0, 0) == "WP-0002"
    page.search.setText(BIN[:5])
    page.apply_filter()
    assert page.model.rowCount() == 2
    page.search.clear()
    page.apply_filter()
    page.category.setCurrentIndex(page.category.findData(C.CATEGORY_4.value))
    assert page.model.rowCount() == 1 and cell(page, 0, 0) == "WP-0001"
    page.status.setCurrentIndex(page.status.findData(P.REVOKED.value))
    assert page.model.rowCount() == 0 and page.count_label.text() == "0 permits"
    page.category.setCurrentIndex(0)
    page.status.setCurrentIndex(page.status.findData(P.ISSUED.value))
    assert page.model.rowCount() == 2


def test_permits_running_out_are_highlighted_and_can_be_shown_alone(qtbot, database):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QColor

    employer = add_employer(database)
    add_permit(database, add_person(database), employer, "WP-SOON",
               end=TODAY + dt.timedelta(days=7))
    add_permit(database, add_person(database, "Йылмаз", "Мехмет", "TR"), employer, "WP-LATER")
    page = make_page(qtbot, database)
    assert page.expiring.text() == "Permits running out within 30 days"
    rows = {cell(page, row, 0): row for row in range(page.model.rowCount())}
    soon = page.model.index(rows["WP-SOON"], 0)
    later = page.model.index(rows["WP-LATER"], 0)
    assert page.model.data(soon, Qt.ItemDataRole.BackgroundRole) is not None
    assert page.model.data(soon, Qt.ItemDataRole.ToolTipRole) == (
        f"The permit runs out in 7 days, on {i18n.format_date(TODAY + dt.timedelta(days=7))}.")
    assert page.model.data(soon, Qt.ItemDataRole.ForegroundRole) == QColor("#000000")  # dark
    assert page.model.data(later, Qt.ItemDataRole.BackgroundRole) is None
    page.expiring.setChecked(True)
    assert page.model.rowCount() == 1 and cell(page, 0, 0) == "WP-SOON"
    assert page.count_label.text() == "1 permit"


def test_ctrl_f_and_enter_emits_open_requested(qtbot, database):
    permit_id = add_permit(database, add_person(database), add_employer(database))
    page = make_page(qtbot, database)
    check_ctrl_f_and_enter(qtbot, page, permit_id)
    dialogs = page.findChildren(PermitDialog)
    assert [d.permit_id for d in dialogs] == [permit_id]  # the page opens it itself
    assert dialogs[0].info["number"].text() == "WP-0001"
    dialogs[0].close()


def test_language_switch_retranslates_the_list(qtbot, database):
    add_permit(database, add_person(database), add_employer(database))
    page = make_page(qtbot, database)
    i18n.set_language("ru")
    page.retranslate()
    assert page.model.headerData(0, Qt.Orientation.Horizontal) == i18n._("Permit number")
    assert cell(page, 0, 7) == i18n._("issued") != "issued"
    assert cell(page, 0, 2) == "Китай"


# --- issuing ---


def open_new(qtbot, database, **kwargs):
    dialog = PermitDialog(database, **kwargs)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def choose_worker(dialog, text="Wang"):
    dialog.worker_search.insert(text)
    assert dialog.worker_list.count() >= 1
    dialog.worker_list.setCurrentRow(0)


def fill_permit(dialog, number="WP-2026-0001", category=C.CATEGORY_4,
                start=TODAY, end=TODAY + dt.timedelta(days=180)):
    dialog.number.insert(number)
    dialog.category.setCurrentIndex(dialog.category.findData(category.value))
    dialog.profession.insert("сварщик")
    dialog.valid_from.setDate(QDate(start.year, start.month, start.day))
    dialog.valid_to.setDate(QDate(end.year, end.month, end.day))


def test_issue_permit_for_an_existing_employer(qtbot, database):
    person_id = add_person(database)
    add_employer(database, make_bin(dt.date(2019, 7, 1), 2), "ТОО «Береке»")
    employer_id = add_employer(database)
    dialog = open_new(qtbot, database)
    assert dialog.employer_list.count() == 2
    choose_worker(dialog)
    assert dialog.notice_label.isHidden() and dialog.save_button.isEnabled()
    dialog.employer_search.insert(BIN[:6])
    assert dialog.employer_list.count() == 1
    dialog.employer_list.setCurrentRow(0)
    assert dialog.region.currentText() == "Almaty"  # the employer's region by default
    fill_permit(dialog)
    with qtbot.waitSignal(dialog.saved) as saved:
        dialog.save_button.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    [permit] = permits(database)
    assert saved.args == [permit.id]
    assert (permit.number, permit.person_id, permit.employer_id) == (
        "WP-2026-0001", person_id, employer_id)
    assert (permit.category, permit.status, permit.profession) == (
        C.CATEGORY_4, P.ISSUED, "сварщик")


def test_issue_permit_with_a_new_employer(qtbot, database):
    person_id = add_person(database)
    dialog = open_new(qtbot, database, person_id=person_id)
    assert dialog.worker_id() == person_id  # chosen beforehand
    dialog.new_employer.setChecked(True)
    assert dialog.new_employer_fields.isVisible()
    dialog.employer_bin.insert(NEW_BIN)
    dialog.employer_name.insert("ТОО «Жаңа құрылыс»")
    dialog.employer_sector.setCurrentIndex(dialog.employer_sector.findText("F — Construction"))
    dialog.employer_region.setCurrentIndex(dialog.employer_region.findText("Astana"))
    fill_permit(dialog)
    dialog.region.setCurrentIndex(dialog.region.findText("Astana"))
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    with qtbot.waitSignal(dialog.saved):
        qtbot.keyClick(dialog.number, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    [employer] = employers(database)
    assert (employer.bin, employer.name, employer.sector_id) == (
        NEW_BIN, "ТОО «Жаңа құрылыс»", reference_id("economic_sector", "F"))
    [permit] = permits(database)
    assert permit.employer_id == employer.id


def test_invalid_bin_and_missing_fields_save_nothing(qtbot, database):
    add_person(database)
    dialog = open_new(qtbot, database)
    qtbot.keyClick(dialog.worker_search, Qt.Key.Key_Return)  # Enter in a search box: no save
    assert dialog.errors_label.text() == "" and dialog.isVisible()
    dialog.save_button.click()
    text = dialog.errors_label.text()
    assert "Choose the worker from the search results." in text
    assert "Choose the employer, or register a new one." in text
    assert "Permit number: is required" in text and "Permit category: is required" in text
    assert "Valid to: is required" in text
    assert dialog.number.styleSheet() == INVALID_STYLE
    assert dialog.worker_list.styleSheet() == INVALID_STYLE
    assert dialog.isVisible()

    choose_worker(dialog)
    dialog.new_employer.setChecked(True)
    dialog.employer_bin.insert(BIN[:11] + str((int(BIN[11]) + 1) % 10))
    fill_permit(dialog)
    dialog.region.setCurrentIndex(dialog.region.findText("Astana"))
    dialog.save_button.click()
    text = dialog.errors_label.text()
    assert text.splitlines() == ["BIN: check digit is wrong", "Employer name: is required",
                                 "Region: is required"]
    assert dialog.employer_bin.styleSheet() == INVALID_STYLE
    assert dialog.employer_bin.toolTip() == "BIN: check digit is wrong"
    assert dialog.number.styleSheet() == "" and dialog.worker_list.styleSheet() == ""

    dialog.employer_bin.setText(NEW_BIN)
    dialog.employer_name.insert("ТОО «Береке»")
    dialog.employer_region.setCurrentIndex(dialog.employer_region.findText("Astana"))
    dialog.valid_to.setDate(QDate(TODAY.year + 2, 1, 1))
    dialog.save_button.click()
    assert dialog.errors_label.text() == (
        "Valid to: this permit category allows at most one year at a time")
    assert dialog.valid_to.styleSheet() == INVALID_STYLE
    assert permits(database) == [] and employers(database) == []  # rolled back together


def test_eaeu_citizen_needs_no_permit(qtbot, database):
    add_person(database, "Асанов", "Бакыт", "KG")
    add_employer(database)
    dialog = open_new(qtbot, database)
    dialog.worker_search.insert("Асанов")
    dialog.worker_list.setCurrentRow(0)
    assert dialog.notice_label.isVisible()
    assert "Eurasian Economic Union" in dialog.notice_label.text()
    assert "quota" in dialog.notice_label.text()
    assert not dialog.save_button.isEnabled()
    dialog.employer_list.setCurrentRow(0)
    fill_permit(dialog)
    assert dialog.save() is False
    assert permits(database) == []

    kz = add_person(database, "Сейітов", "Арман", "KZ")
    dialog = open_new(qtbot, database, person_id=kz)
    assert dialog.notice_label.text().startswith("Citizens of Kazakhstan need no work permit.")
    assert not dialog.save_button.isEnabled()


# --- the life cycle ---


def test_transitions_store_history_and_change_the_buttons(qtbot, database):
    permit_id = add_permit(database, add_person(database), add_employer(database))
    dialog = open_new(qtbot, database, permit_id=permit_id)
    assert dialog.windowTitle() == "Work permit WP-0001"
    assert dialog.info["status"].text() == "issued"
    assert [b.text() for b in dialog.transition_buttons.values()] == [
        "Extend the &permit", "&Revoke the permit", "Record &the permit's expiry"]
    dialog.confirm_transition = lambda status: True  # the clerk confirms
    assert dialog.history.rowCount() == 1
    new_end = TODAY + dt.timedelta(days=400)
    asked = []

    def extend(status):
        asked.append(status)
        return {"on": TODAY, "comment": "продлено", "new_valid_to": new_end}

    dialog.ask_transition = extend
    with qtbot.waitSignal(dialog.saved):
        dialog.transition_buttons[P.EXTENDED].click()
    assert asked == [P.EXTENDED]
    assert dialog.info["status"].text() == "extended"
    assert dialog.info["valid_to"].text() == i18n.format_date(new_end)
    assert dialog.history.rowCount() == 2
    assert [dialog.history.item(1, c).text() for c in range(4)] == [
        i18n.format_date(TODAY), "issued", "extended", "продлено"]
    assert dialog.errors_label.text() == ""

    dialog.ask_transition = lambda status: None  # cancelled: nothing happens
    dialog.transition_buttons[P.REVOKED].click()
    assert dialog.history.rowCount() == 2

    dialog.ask_transition = lambda status: {"on": TODAY, "comment": "  "}
    dialog.transition_buttons[P.REVOKED].click()
    assert dialog.errors_label.text() == "Comment: the reason for revoking is required"
    assert dialog.info["status"].text() == "extended"

    dialog.ask_transition = lambda status: {"on": TODAY, "comment": "нарушение"}
    dialog.transition_buttons[P.REVOKED].click()
    assert dialog.info["status"].text() == "revoked"
    assert dialog.transition_buttons == {}
    assert dialog.errors_label.text() == ""
    with database.sessions() as session:
        changes = session.scalars(select(PermitStatusChange).order_by(
            PermitStatusChange.created_at)).all()
        assert [(c.from_status, c.to_status, c.comment) for c in changes] == [
            (None, P.ISSUED, None), (P.ISSUED, P.EXTENDED, "продлено"),
            (P.EXTENDED, P.REVOKED, "нарушение")]
        assert session.get(WorkPermit, permit_id).valid_to == new_end


def test_the_default_question_asks_for_date_comment_and_new_last_day(qtbot, database,
                                                                    monkeypatch):
    permit_id = add_permit(database, add_person(database), add_employer(database))
    dialog = open_new(qtbot, database, permit_id=permit_id)
    new_end = TODAY + dt.timedelta(days=365)
    seen = []

    def answer(question):
        seen.append(question.windowTitle())
        on, new_valid_to = question.findChildren(QDateEdit)
        assert on.date() == QDate(TODAY.year, TODAY.month, TODAY.day)
        new_valid_to.setDate(QDate(new_end.year, new_end.month, new_end.day))
        question.findChild(QLineEdit).setText("по заявлению")
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(QDialog, "exec", answer)
    assert dialog.ask_transition(P.EXTENDED) == {
        "on": TODAY, "comment": "по заявлению", "new_valid_to": new_end}
    assert seen == ["Extend the permit"]
    monkeypatch.setattr(QDialog, "exec", lambda question: QDialog.DialogCode.Rejected)
    assert dialog.ask_transition(P.REVOKED) is None


def test_expiring_too_early_shows_the_message(qtbot, database):
    permit_id = add_permit(database, add_person(database), add_employer(database))
    dialog = open_new(qtbot, database, permit_id=permit_id)
    dialog.ask_transition = lambda status: {"on": TODAY}
    dialog.confirm_transition = lambda status: True
    dialog.transition_buttons[P.EXPIRED].click()
    assert dialog.errors_label.text() == (
        "Date of the change: must be after the permit's last valid day")
    assert permits(database)[0].status is P.ISSUED


def test_revoking_is_confirmed_with_its_consequence(qtbot, database, monkeypatch):
    permit_id = add_permit(database, add_person(database), add_employer(database))
    dialog = open_new(qtbot, database, permit_id=permit_id)
    dialog.ask_transition = lambda status: {"on": TODAY, "comment": "нарушение"}
    asked = []

    def answer(press_action):
        def exec_(box):
            asked.append((box.windowTitle(), box.text(), sorted(b.text() for b in box.buttons())))
            cancel = box.button(QMessageBox.StandardButton.Cancel)
            next(b for b in box.buttons() if (b is cancel) != press_action).click()
            return 0
        monkeypatch.setattr(QMessageBox, "exec", exec_)

    answer(press_action=False)
    assert not dialog.change_status(P.REVOKED)
    assert asked == [("Revoke the permit", "The permit will be revoked: the worker may no longer "
                      "work for this employer. This cannot be undone.",
                      sorted(["Cancel", "&Revoke the permit"]))]
    assert permits(database)[0].status is P.ISSUED and dialog.history.rowCount() == 1
    answer(press_action=True)
    assert dialog.change_status(P.REVOKED)
    assert permits(database)[0].status is P.REVOKED and len(asked) == 2


def test_status_buttons_are_actions_in_kazakh(qtbot, database):
    permit_id = add_permit(database, add_person(database), add_employer(database))
    i18n.set_language("kk")
    dialog = open_new(qtbot, database, permit_id=permit_id)
    assert [b.text() for b in dialog.transition_buttons.values()] == [
        "Рұ&қсатты ұзарту", "&Рұқсатты кері қайтарып алу", "Рұқсаттың &мерзімі өткенін тіркеу"]


# --- employers ---


def test_employer_dialog_lists_its_permits(qtbot, database):
    employer_id = add_employer(database)
    other = add_employer(database, make_bin(dt.date(2019, 7, 1), 2), "ТОО «Береке»")
    wang = add_person(database)
    add_permit(database, wang, employer_id, "WP-0001")
    newer = add_permit(database, wang, employer_id, "WP-0002", category=C.CATEGORY_3,
                       start=TODAY - dt.timedelta(days=5))
    add_permit(database, wang, other, "WP-0003")
    dialog = EmployerDialog(database, employer_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.windowTitle() == "Employer: ТОО «Казстрой»"
    assert dialog.values["bin"].text() == BIN
    assert dialog.values["region"].text() == "Almaty"
    table = dialog.permits
    assert table.rowCount() == 2
    assert [table.item(0, c).text() for c in range(6)] == [
        "WP-0002", "Wang Wei", "category 3: specialists",
        i18n.format_date(TODAY - dt.timedelta(days=5)),
        i18n.format_date(TODAY + dt.timedelta(days=300)), "issued"]
    assert table.item(1, 0).text() == "WP-0001"
    with qtbot.waitSignal(dialog.open_requested) as opened:
        table.itemActivated.emit(table.item(0, 0))
    assert opened.args == [newer]


def test_employer_view_is_reachable_from_the_page_and_the_permit(qtbot, database):
    employer_id = add_employer(database)
    permit_id = add_permit(database, add_person(database), employer_id)
    page = make_page(qtbot, database)
    employers_dialog = page.open_employers()
    assert employers_dialog.list.count() == 1
    employers_dialog.search.insert("береке")
    assert employers_dialog.list.count() == 0
    employers_dialog.search.clear()
    view = employers_dialog.open_employer(employer_id)
    assert view.permits.rowCount() == 1
    view.permits.itemActivated.emit(view.permits.item(0, 0))  # opens the permit from the page
    assert [d.permit_id for d in page.findChildren(PermitDialog)] == [permit_id]

    permit_dialog = page.findChildren(PermitDialog)[0]
    from_permit = permit_dialog.open_employer()
    assert from_permit.employer_id == employer_id
    for widget in (from_permit, permit_dialog, view, employers_dialog):
        widget.close()
