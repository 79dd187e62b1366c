import datetime as dt

from gui_helpers import check_ctrl_f_and_enter
from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QMessageBox

from kzmigdesk import i18n
from kzmigdesk.domain.enums import HouseholdRelation, RepatriateStatus, Sex, label
from kzmigdesk.domain.models import CaseStatusChange, RepatriateCase
from kzmigdesk.gui import cases_page as cases_gui
from kzmigdesk.gui import qt_translations
from kzmigdesk.gui.case_dialog import CaseDialog, TransitionDialog
from kzmigdesk.gui.cases_page import CasesPage
from kzmigdesk.gui.new_case_dialog import NewCaseDialog
from kzmigdesk.gui.person_dialog import INVALID_STYLE
from kzmigdesk.services import repatriation as rep
from kzmigdesk.services.registration import PersonInput, save_person

S = RepatriateStatus
TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


def add_person(database, surname, given, birth=dt.date(1980, 5, 1)):
    with database.transaction() as session:
        return save_person(session, PersonInput(surname=surname, given_name=given, sex=Sex.MALE,
                                                birth_date=birth), confirm_duplicates=True).id


def add_case(database, surname, given, applied_days_ago, granted_days_ago=None, number=None):
    """A case applied for that many days ago, granted (certificate `number`) if asked."""
    person_id = add_person(database, surname, given)
    applied = TODAY - applied_days_ago * DAY
    with database.transaction() as session:
        head = session.get(rep.Person, person_id)
        case = rep.open_case(session, head, rep.CaseInput("CN", applied), today=applied)
        if granted_days_ago is not None:
            rep.change_status(session, case, S.GRANTED, TODAY - granted_days_ago * DAY,
                              certificate_number=number)
        return case.id


def populate(database):
    """A recent application, a certificate granted lately and one expiring in 10 days."""
    applied = add_case(database, "Әбенов", "Нұрлан", 10)
    later = add_case(database, "Сейітов", "Ерлан", 200, granted_days_ago=100, number="KND-2")
    soon = add_case(database, "Ахметов", "Бауыржан", 400, granted_days_ago=355, number="KND-1")
    return applied, later, soon


def make_page(qtbot, database):
    page = CasesPage(database)
    qtbot.addWidget(page)
    page.resize(1100, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


def cell(page, row, column, role=Qt.ItemDataRole.DisplayRole):
    return page.model.index(row, column).data(role)


def applicants(page):
    return [cell(page, row, 1) for row in range(page.model.rowCount())]


def test_list_shows_cases_and_highlights_expiring_certificates(qtbot, database):
    populate(database)
    page = make_page(qtbot, database)
    assert page.model.rowCount() == 3 and page.count_label.text() == "3 cases"
    assert applicants(page) == ["Әбенов Нұрлан", "Сейітов Ерлан", "Ахметов Бауыржан"]
    assert page.model.headerData(0, Qt.Orientation.Horizontal) == "Case number"
    assert cell(page, 0, 0).startswith("KC-")
    assert cell(page, 0, 2) == "China"
    assert cell(page, 0, 3) == i18n.format_date(TODAY - 10 * DAY)
    assert cell(page, 0, 4) == "applied" and cell(page, 0, 5) == ""
    assert cell(page, 2, 4) == "kandas status granted"
    with database.sessions() as session:
        expiry = session.query(RepatriateCase).filter_by(certificate_number="KND-1").one()
        expiry = expiry.certificate_expiry_date
    assert 0 < (expiry - TODAY).days <= 30
    assert cell(page, 2, 5) == i18n.format_date(expiry)
    assert cell(page, 2, 6) == "1"
    for column in range(7):
        assert cell(page, 2, column, Qt.ItemDataRole.BackgroundRole) == QColor("#ffe0b2")
        assert cell(page, 1, column, Qt.ItemDataRole.BackgroundRole) is None
        assert cell(page, 0, column, Qt.ItemDataRole.BackgroundRole) is None
    tooltip = cell(page, 2, 0, Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("The certificate expires in ") and i18n.format_date(expiry) in tooltip
    assert cell(page, 1, 0, Qt.ItemDataRole.ToolTipRole) is None


def test_search_and_status_filter(qtbot, database):
    populate(database)
    page = make_page(qtbot, database)
    page.search.insert("Ахмет")  # QTest cannot type letters beyond Latin-1
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert applicants(page) == ["Ахметов Бауыржан"] and page.count_label.text() == "1 case"
    page.search.clear()
    qtbot.keyClicks(page.search, "knd-")
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    page.search.clear()
    qtbot.keyClicks(page.search, "Nurlan Abenov")
    page.search.returnPressed.emit()
    assert applicants(page) == ["Әбенов Нұрлан"]
    page.search.clear()
    page.apply_filter()
    page.status.setCurrentIndex(page.status.findData(S.GRANTED.value))
    assert page.status.currentText() == "kandas status granted"
    assert applicants(page) == ["Сейітов Ерлан", "Ахметов Бауыржан"]
    page.status.setCurrentIndex(page.status.findData(S.REFUSED.value))
    assert page.model.rowCount() == 0 and page.count_label.text() == "0 cases"
    page.status.setCurrentIndex(0)
    assert page.status.currentText() == "All statuses" and page.model.rowCount() == 3


def test_expiring_only_check_box(qtbot, database):
    populate(database)
    page = make_page(qtbot, database)
    assert page.expiring.text() == "Certificates expiring within 30 days"
    page.expiring.setChecked(True)
    assert applicants(page) == ["Ахметов Бауыржан"]
    page.status.setCurrentIndex(page.status.findData(S.APPLIED.value))
    assert page.model.rowCount() == 0
    page.status.setCurrentIndex(0)
    page.expiring.setChecked(False)
    assert page.model.rowCount() == 3


def test_pages_are_read_lazily(qtbot, database, monkeypatch):
    for n in range(5):
        add_case(database, f"Surname{n}", "Given", 10 + n)
    monkeypatch.setattr(cases_gui.CasesTableModel, "PAGE_SIZE", 2)
    calls = []
    real_fetch = rep.fetch_cases
    monkeypatch.setattr(rep, "fetch_cases",
                        lambda *a, **kw: calls.append(kw["offset"]) or real_fetch(*a, **kw))
    page = make_page(qtbot, database)
    QApplication.processEvents()
    assert page.model.rowCount() == 5 and set(calls) == {0, 2, 4}
    assert applicants(page) == [f"Surname{n} Given" for n in range(5)]


def test_ctrl_f_focuses_search_and_enter_opens(qtbot, database):
    applied, _later, _soon = populate(database)
    page = make_page(qtbot, database)
    check_ctrl_f_and_enter(qtbot, page, applied)


def test_language_switch_retranslates_the_list(qtbot, database):
    populate(database)
    page = make_page(qtbot, database)
    i18n.set_language("ru")
    page.retranslate()
    assert cell(page, 0, 4) == label(S.APPLIED) != "applied"
    assert cell(page, 0, 2) == "Китай"
    assert page.status.itemText(page.status.findData(S.GRANTED.value)) == label(S.GRANTED)


# --- the case dialog ---


def open_dialog(qtbot, database, case_id):
    dialog = CaseDialog(database, case_id)
    dialog.ask_transition = lambda status: (_ for _ in ()).throw(AssertionError("asked"))
    dialog.ask_member = lambda: (_ for _ in ()).throw(AssertionError("asked"))
    dialog.confirm_remove = lambda name: True
    dialog.confirm_transition = lambda status: True  # the clerk confirms
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def table_rows(table):
    return [tuple(table.item(r, c).text() for c in range(table.columnCount()))
            for r in range(table.rowCount())]


def stored(database, case_id):
    with database.sessions() as session:
        case = session.get(RepatriateCase, case_id)
        changes = session.query(CaseStatusChange).filter_by(case_id=case_id).count()
        return case.status, case.certificate_number, changes


def test_dialog_shows_the_case(qtbot, database):
    _applied, _later, soon = populate(database)
    dialog = open_dialog(qtbot, database, soon)
    values = {key: widget.text() for key, widget in dialog.values.items()}
    assert values["applicant"] == "Ахметов Бауыржан" and values["country"] == "China"
    assert values["status"] == "kandas status granted"
    assert values["certificate_number"] == "KND-1"
    assert values["certificate_issue_date"] == i18n.format_date(TODAY - 355 * DAY)
    assert dialog.windowTitle() == f"Case {values['case_number']}"
    assert dialog.expiry_warning.text().startswith("The certificate expires in ")
    assert table_rows(dialog.members_table) == [
        ("Ахметов Бауыржан", "head of household", i18n.format_date(dt.date(1980, 5, 1)))]
    assert [row[1:3] for row in table_rows(dialog.history_table)] == [
        ("", "applied"), ("applied", "kandas status granted")]


def test_transition_buttons_follow_the_status(qtbot, database):
    applied = add_case(database, "Әбенов", "Нұрлан", 10)
    dialog = open_dialog(qtbot, database, applied)
    assert list(dialog.transition_buttons) == rep.allowed_next(S.APPLIED)
    assert [b.text() for b in dialog.transition_buttons.values()] == [
        "&Grant kandas status", "Re&fuse the application", "&Withdraw the application"]
    asked = []

    def answer(status):
        asked.append(status)
        return {"on": TODAY - DAY, "certificate_number": " KND-77 ", "comment": "documents ok"}

    dialog.ask_transition = answer
    with qtbot.waitSignal(dialog.changed) as changed:
        dialog.transition_buttons[S.GRANTED].click()
    assert asked == [S.GRANTED] and changed.args == [applied]
    assert dialog.errors_label.text() == ""
    assert stored(database, applied) == (S.GRANTED, "KND-77", 2)
    assert table_rows(dialog.history_table)[-1] == (
        i18n.format_date(TODAY - DAY), "applied", "kandas status granted", "documents ok")
    assert dialog.values["status"].text() == "kandas status granted"
    assert dialog.values["certificate_number"].text() == "KND-77"
    assert list(dialog.transition_buttons) == rep.allowed_next(S.GRANTED)
    qtbot.waitUntil(lambda: all(b.isVisible() for b in dialog.transition_buttons.values()))

    dialog.ask_transition = lambda status: {"on": TODAY, "comment": "moved away"}
    dialog.transition_buttons[S.WITHDRAWN].click()
    assert stored(database, applied)[0] is S.WITHDRAWN
    assert dialog.transition_buttons == {}
    assert dialog.transitions_label.text() == "The case is closed."
    assert not dialog.add_member_button.isEnabled()


def test_status_buttons_are_actions_in_kazakh(qtbot, database):
    applied = add_case(database, "Әбенов", "Нұрлан", 10, granted_days_ago=5, number="KND-5")
    i18n.set_language("kk")
    dialog = open_dialog(qtbot, database, applied)
    assert [b.text() for b in dialog.transition_buttons.values()] == [
        "Азаматтыққа қабылдау &туралы өтінішті тіркеу", "&Өтінішті қайтарып алу",
        "&Куәліктің мерзімі өткенін тіркеу"]


def answer_confirmation(monkeypatch, press_action: bool) -> list:
    """Replace QMessageBox.exec: note the question's title, text and buttons, and press
    the action's button or Cancel."""
    asked = []

    def exec_(box):
        asked.append((box.windowTitle(), box.text(), sorted(b.text() for b in box.buttons())))
        cancel = box.button(QMessageBox.StandardButton.Cancel)
        assert box.defaultButton() is cancel
        next(b for b in box.buttons() if (b is cancel) != press_action).click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return asked


def test_an_irreversible_change_is_confirmed_with_its_consequence(qtbot, database,
                                                                  monkeypatch):
    applied = add_case(database, "Әбенов", "Нұрлан", 10)
    dialog = CaseDialog(database, applied)
    qtbot.addWidget(dialog)
    dialog.ask_transition = lambda status: {"on": TODAY, "comment": "moved away"}
    asked = answer_confirmation(monkeypatch, press_action=False)
    with qtbot.assertNotEmitted(dialog.changed):
        assert not dialog.change_status(S.WITHDRAWN)
    assert asked == [("Withdraw the application",
                      "The application will be withdrawn and the case closed. "
                      "This cannot be undone.",
                      sorted(["Cancel", "&Withdraw the application"]))]
    assert stored(database, applied) == (S.APPLIED, None, 1)

    asked = answer_confirmation(monkeypatch, press_action=True)
    assert dialog.change_status(S.WITHDRAWN)
    assert len(asked) == 1 and stored(database, applied)[0] is S.WITHDRAWN


def test_granting_is_not_asked_again(qtbot, database, monkeypatch):
    applied = add_case(database, "Әбенов", "Нұрлан", 10)
    dialog = CaseDialog(database, applied)
    qtbot.addWidget(dialog)
    dialog.ask_transition = lambda status: {"on": TODAY, "certificate_number": "KND-1"}
    asked = answer_confirmation(monkeypatch, press_action=False)
    assert dialog.change_status(S.GRANTED)
    assert asked == [] and stored(database, applied)[0] is S.GRANTED


def test_the_confirmation_speaks_kazakh(qtbot, database, monkeypatch):
    applied = add_case(database, "Әбенов", "Нұрлан", 10)
    qt_translations.follow_language()
    try:
        i18n.set_language("kk")
        dialog = CaseDialog(database, applied)
        qtbot.addWidget(dialog)
        dialog.ask_transition = lambda status: {"on": TODAY, "comment": "жоқ"}
        asked = answer_confirmation(monkeypatch, press_action=False)
        assert not dialog.change_status(S.REFUSED)
    finally:
        i18n.set_language("en")
        i18n.remove_language_listener(qt_translations.apply)
    assert asked == [("Өтінішті қабылдамау",
                      "Өтініш қабылданбайды, іс жабылады. Мұны кері қайтару мүмкін емес.",
                      sorted(["Бас тарту", "Өт&інішті қабылдамау"]))]
    assert stored(database, applied)[0] is S.APPLIED


def test_refused_without_comment_shows_the_message_and_stores_nothing(qtbot, database):
    applied = add_case(database, "Әбенов", "Нұрлан", 10)
    dialog = open_dialog(qtbot, database, applied)
    dialog.ask_transition = lambda status: {"on": TODAY, "comment": "  "}
    with qtbot.assertNotEmitted(dialog.changed):
        dialog.transition_buttons[S.REFUSED].click()
    assert dialog.errors_label.text() == "Comment: is required"
    assert stored(database, applied) == (S.APPLIED, None, 1)
    assert len(table_rows(dialog.history_table)) == 1
    assert list(dialog.transition_buttons) == rep.allowed_next(S.APPLIED)

    dialog.ask_transition = lambda status: {"on": TODAY + DAY, "certificate_number": ""}
    dialog.transition_buttons[S.GRANTED].click()
    assert dialog.errors_label.text().splitlines() == [
        "Date of the change: cannot be in the future", "Certificate number: is required"]
    assert stored(database, applied) == (S.APPLIED, None, 1)

    dialog.ask_transition = lambda status: None  # the clerk cancelled
    dialog.transition_buttons[S.REFUSED].click()
    assert dialog.errors_label.text() == "" and stored(database, applied)[2] == 1


def test_add_and_remove_household_members(qtbot, database):
    applied = add_case(database, "Әбенов", "Нұрлан", 10)
    child = add_person(database, "Әбенов", "Арман", birth=dt.date(2010, 3, 3))
    dialog = open_dialog(qtbot, database, applied)
    dialog.ask_member = lambda: (child, HouseholdRelation.CHILD)
    with qtbot.waitSignal(dialog.changed):
        dialog.add_member_button.click()
    assert [row[:2] for row in table_rows(dialog.members_table)] == [
        ("Әбенов Нұрлан", "head of household"), ("Әбенов Арман", "child")]
    dialog.add_member_button.click()
    assert dialog.errors_label.text() == "Person: is already a member of this household"

    dialog.members_table.setCurrentCell(0, 0)
    dialog.remove_member_button.click()
    assert dialog.errors_label.text() == "The head of household cannot be removed."
    dialog.members_table.setCurrentCell(1, 0)
    names = []
    dialog.confirm_remove = lambda name: names.append(name) or False
    dialog.remove_member_button.click()
    assert names == ["Әбенов Арман"] and dialog.members_table.rowCount() == 2
    dialog.confirm_remove = lambda name: True
    with qtbot.waitSignal(dialog.changed):
        dialog.remove_member_button.click()
    assert dialog.members_table.rowCount() == 1 and dialog.errors_label.text() == ""


def test_transition_dialog_values():
    dialog = TransitionDialog(S.GRANTED, TODAY)
    dialog.certificate_number.setText("KND-9")
    dialog.comment.setPlainText("ok")
    assert dialog.values() == {"on": TODAY, "certificate_number": "KND-9", "comment": "ok"}
    assert dialog.windowTitle() == "Grant kandas status"


# --- a new case ---


def test_new_case_shows_field_messages_then_opens(qtbot, database):
    person_id = add_person(database, "Әбенов", "Нұрлан")
    page = make_page(qtbot, database)
    dialog = page.new_case()
    qtbot.waitExposed(dialog)
    dialog.open_button.click()
    assert dialog.errors_label.text() == "Applicant: is required"
    assert dialog.picker.search.styleSheet() == INVALID_STYLE

    dialog.picker.search.insert("Әбенов")
    dialog.picker.search_now()
    assert dialog.picker.selected_id() == person_id
    future = TODAY + DAY
    dialog.application_date.setDate(QDate(future.year, future.month, future.day))
    dialog.open_button.click()
    assert dialog.errors_label.text().splitlines() == [
        "Country of origin: is required", "Application date: cannot be in the future"]
    assert dialog.country.styleSheet() == INVALID_STYLE
    assert dialog.picker.search.styleSheet() == ""
    assert dialog.isVisible()
    with database.sessions() as session:
        assert session.query(RepatriateCase).count() == 0

    dialog.country.setCurrentIndex(dialog.country.findData("MN"))
    dialog.application_date.setDate(QDate.currentDate())
    with qtbot.waitSignal(page.open_requested) as opened:
        dialog.open_button.click()
    assert not dialog.isVisible()
    with database.sessions() as session:
        case = session.query(RepatriateCase).one()
        assert (case.id, case.person_id, case.country_of_origin) == (
            opened.args[0], person_id, "MN")
    assert applicants(page) == ["Әбенов Нұрлан"]

    again = NewCaseDialog(database)
    qtbot.addWidget(again)
    again.picker.search.insert("Нұрлан")
    again.picker.search_now()
    again.country.setCurrentIndex(again.country.findData("MN"))
    assert not again.open_case()
    assert again.errors_label.text() == f"Applicant: already has an open case {case.case_number}"


def test_page_opens_the_case_dialog_and_follows_its_changes(qtbot, database):
    applied = add_case(database, "Әбенов", "Нұрлан", 10)
    page = make_page(qtbot, database)
    page.open_requested.connect(page.show_case)
    page.table.setCurrentIndex(page.model.index(0, 0))
    page.table.activated.emit(page.model.index(0, 0))
    dialog = next(d for d in page.findChildren(CaseDialog))
    assert dialog.case_id == applied and dialog.isVisible()
    dialog.ask_transition = lambda status: {"on": TODAY, "comment": "not a kandas"}
    dialog.confirm_transition = lambda status: True
    dialog.transition_buttons[S.REFUSED].click()
    assert cell(page, 0, 4) == "refused"
    dialog.close()
