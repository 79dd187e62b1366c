import datetime as dt

from PySide6.QtCore import QDate, Qt

from kzmigdesk import i18n
from kzmigdesk.domain.enums import DocumentType, Sex
from kzmigdesk.domain.identifiers import make_iin
from kzmigdesk.domain.models import DuplicateDecision, Person, Region
from kzmigdesk.gui.person_dialog import INVALID_STYLE, PersonDialog
from kzmigdesk.gui.timeline_dialog import TimelineDialog
from kzmigdesk.services.registration import PersonInput, save_person

BIRTH = dt.date(1985, 4, 12)


def open_form(qtbot, database, person_id=None):
    dialog = PersonDialog(database, person_id)
    dialog.ask_discard = lambda: True  # closing at the end of a test discards
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def fill(qtbot, dialog, surname="Әбенов", given="Нұрлан", iin=None, birth=BIRTH):
    f = dialog.form
    f.surname.insert(surname)  # as typed; QTest cannot type letters beyond Latin-1
    f.given_name.insert(given)
    f.sex.setCurrentIndex(f.sex.findData(Sex.MALE))
    f.birth_date.setDate(QDate(birth.year, birth.month, birth.day))
    f.citizenship.setCurrentIndex(f.citizenship.findData("UZ"))
    f.region_id.setCurrentIndex(f.region_id.findText("Turkistan Region"))
    if iin:
        qtbot.keyClicks(f.iin, iin)


def stored(database):
    with database.sessions() as session:
        return session.query(Person).all()


def test_fill_save_reopen_edit(qtbot, database):
    dialog = open_form(qtbot, database)
    iin = make_iin(BIRTH, "M", 3)
    fill(qtbot, dialog, iin=iin)
    dialog.form.addDocumentButton.click()
    table = dialog.form.documentsTable
    table.cellWidget(0, 0).setCurrentIndex(
        table.cellWidget(0, 0).findData(DocumentType.FOREIGN_PASSPORT))
    table.item(0, 1).setText("fa 7654321")
    table.cellWidget(0, 4).setDate(QDate(2031, 1, 1))
    with qtbot.waitSignal(dialog.saved):
        dialog.form.saveButton.click()
    assert dialog.result() == dialog.DialogCode.Accepted
    [person] = stored(database)
    assert (person.surname, person.iin, person.citizenship) == ("Әбенов", iin, "UZ")

    again = open_form(qtbot, database, person.id)
    assert again.form.surname.text() == "Әбенов"
    assert again.form.birth_date.date() == QDate(1985, 4, 12)
    assert again.form.region_id.currentText() == "Turkistan Region"
    assert again.form.documentsTable.item(0, 1).text() == "FA7654321"
    assert not again.is_dirty()
    qtbot.keyClicks(again.form.phone, "+7 701 555 44 33")
    assert again.is_dirty()
    again.activateWindow()
    qtbot.waitUntil(again.isActiveWindow)
    qtbot.keyClick(again.form.phone, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert again.result() == again.DialogCode.Accepted
    [person] = stored(database)
    assert person.phone == "+7 701 555 44 33" and person.version == 2


def test_invalid_input_is_shown_on_the_field_and_nothing_saved(qtbot, database):
    dialog = open_form(qtbot, database)
    fill(qtbot, dialog, iin="850412300000")
    dialog.form.saveButton.click()
    assert dialog.isVisible()
    assert "IIN: check digit is wrong" in dialog.form.errorsLabel.text()
    assert dialog.form.iin.styleSheet() == INVALID_STYLE
    assert dialog.form.iin.toolTip() == "IIN: check digit is wrong"
    assert dialog.form.surname.styleSheet() == ""
    assert stored(database) == []

    dialog.form.iin.setText(make_iin(dt.date(1985, 4, 13), "M", 1))
    dialog.form.saveButton.click()
    assert "IIN: does not match the date of birth" in dialog.form.errorsLabel.text()
    dialog.form.surname.clear()
    dialog.form.iin.clear()
    dialog.form.birth_date.setDate(QDate(2030, 1, 1))
    dialog.form.saveButton.click()
    text = dialog.form.errorsLabel.text()
    assert "Surname: is required" in text and "Date of birth: is in the future" in text
    assert stored(database) == []


def existing(database):
    with database.transaction() as session:
        return save_person(session, PersonInput(surname="Әбенов", given_name="Нұрлан",
                                                sex=Sex.MALE, birth_date=BIRTH)).id


def test_duplicate_warning_then_save_anyway(qtbot, database):
    first = existing(database)
    dialog = open_form(qtbot, database)
    seen = []

    def answer(_parent, found):
        seen.append([c.person_id for c in found.candidates])
        return "save", None

    dialog.ask_duplicates = answer
    fill(qtbot, dialog, surname="Abenov", given="Nurlan")
    dialog.form.saveButton.click()
    assert seen == [[first]]
    assert len(stored(database)) == 2
    with database.sessions() as session:
        assert session.query(DuplicateDecision).one().candidate_id == first


def test_duplicate_warning_then_open_the_existing_record(qtbot, database):
    first = existing(database)
    dialog = open_form(qtbot, database)
    dialog.ask_duplicates = lambda _parent, found: ("open", found.candidates[0].person_id)
    fill(qtbot, dialog, surname="Абенов", given="Нурлан")
    with qtbot.waitSignal(dialog.open_other) as opened:
        dialog.form.saveButton.click()
    assert opened.args == [first]
    assert len(stored(database)) == 1


def test_unsaved_changes_are_not_lost_silently(qtbot, database):
    dialog = open_form(qtbot, database)
    dialog.form.surname.insert("Сейітов")
    asked = []
    dialog.ask_discard = lambda: asked.append("asked") or False
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == ["asked"] and dialog.isVisible()
    assert dialog.form.surname.text() == "Сейітов"
    dialog.ask_discard = lambda: True
    dialog.form.cancelButton.click()
    assert not dialog.isVisible()


def test_untouched_form_closes_without_asking(qtbot, database):
    dialog = open_form(qtbot, database)
    dialog.ask_discard = lambda: (_ for _ in ()).throw(AssertionError("asked"))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_stale_record_keeps_what_was_typed_or_loads_the_other_version(qtbot, database):
    person_id = existing(database)
    dialog = open_form(qtbot, database, person_id)
    with database.transaction() as session:  # another clerk saves first
        session.get(Person, person_id).phone = "+7 700 000 00 00"
    asked = []
    dialog.ask_reload = lambda parent, message: asked.append(message) or False
    dialog.form.phone.setText("+7 701 111 11 11")
    dialog.form.saveButton.click()
    assert asked == ["Someone else has changed this record. Reload it and try again."]
    assert stored(database)[0].phone == "+7 700 000 00 00"  # theirs is not overwritten
    assert dialog.form.phone.text() == "+7 701 111 11 11"  # and mine is still here
    dialog.ask_reload = lambda parent, message: True
    dialog.form.saveButton.click()
    assert dialog.form.phone.text() == "+7 700 000 00 00"  # their version, loaded
    dialog.form.phone.setText("+7 701 111 11 11")
    dialog.form.saveButton.click()  # now based on the current version: saved
    assert stored(database)[0].phone == "+7 701 111 11 11"


def test_form_in_kazakh(qtbot, database, tmp_path):
    i18n.set_language("kk")
    with database.sessions() as session:
        assert session.query(Region).count() == 20
    dialog = open_form(qtbot, database)
    assert dialog.form.surname_label.text() == "Тегі"
    assert dialog.form.saveButton.text() == i18n._("&Save") != "&Save"
    assert dialog.windowTitle() == i18n._("New person")
    header = dialog.form.documentsTable.horizontalHeaderItem(1).text()
    assert header == i18n._("Document number") != "Document number"
    dialog.grab().save(str(tmp_path / "person-form-kk.png"))


def test_timeline_from_the_person_form(qtbot, database):
    person_id = existing(database)
    new = open_form(qtbot, database)
    assert not new.form.timelineButton.isEnabled()  # nothing to show before saving
    dialog = open_form(qtbot, database, person_id)
    assert dialog.form.timelineButton.isEnabled()
    dialog.form.timelineButton.click()
    [timeline] = dialog.findChildren(TimelineDialog)
    assert timeline.isVisible()
    assert timeline.table.rowCount() == len(timeline.events) >= 1
    assert timeline.table.item(0, 1).text() == "Registration"
