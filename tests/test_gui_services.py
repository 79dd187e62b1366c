import datetime as dt

from gui_helpers import check_ctrl_f_and_enter
from PySide6.QtCore import Qt
from sqlalchemy import func, select

from kzmigdesk import i18n
from kzmigdesk.domain.enums import Sex, UserRole
from kzmigdesk.domain.models import Region, ServiceRecord, ServiceType
from kzmigdesk.gui.catalogue_dialog import CatalogueDialog
from kzmigdesk.gui.centres_dialog import CentresDialog
from kzmigdesk.gui.person_dialog import INVALID_STYLE, to_qdate
from kzmigdesk.gui.service_dialog import ServiceDialog
from kzmigdesk.gui.services_page import ServicesPage
from kzmigdesk.services.adaptation import (
    CentreInput,
    ServiceInput,
    record_service,
    save_centre,
)
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.registration import PersonInput, save_person

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)


def type_id(session, code):
    return session.scalars(select(ServiceType).where(ServiceType.code == code)).one().id


def add_centre(database, name, beds):
    with database.transaction() as session:
        region = session.scalars(select(Region).where(Region.code == "ALA")).one().id
        return save_centre(session, CentreInput(name=name, region_id=region, beds=beds)).id


def add_person(database, surname, given):
    with database.transaction() as session:
        return save_person(session, PersonInput(surname=surname, given_name=given, sex=Sex.MALE,
                                                birth_date=dt.date(1980, 5, 1)),
                           confirm_duplicates=True).id


def add_service(database, person_id, centre_id, code, start, end=None, **kwargs):
    with database.transaction() as session:
        return record_service(session, ServiceInput(
            person_id=person_id, centre_id=centre_id, service_type_id=type_id(session, code),
            start_date=start, end_date=end, **kwargs)).id


def count_records(database):
    with database.sessions() as session:
        return session.scalar(select(func.count()).select_from(ServiceRecord))


def populate(database):
    almaty = add_centre(database, "Almaty centre", 5)
    astana = add_centre(database, "Astana centre", 5)
    omarov = add_person(database, "Омаров", "Ерлан")
    seitov = add_person(database, "Сейітов", "Ерлан")
    stay = add_service(database, omarov, almaty, "accommodation", TODAY - 4 * DAY)
    course = add_service(database, seitov, astana, "kazakh_course", TODAY - 30 * DAY,
                         TODAY - 2 * DAY, hours_attended=40, completed=True)
    return {"almaty": almaty, "astana": astana, "omarov": omarov, "seitov": seitov,
            "stay": stay, "course": course}


def show(qtbot, widget):
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def cell(page, row, column):
    return page.model.index(row, column).data(Qt.ItemDataRole.DisplayRole)


def test_list_shows_records_filters_and_current_stays(qtbot, database):
    ids = populate(database)
    page = show(qtbot, ServicesPage(database))
    assert page.model.rowCount() == 2 and page.count_label.text() == "2 service records"
    assert [cell(page, 0, c) for c in range(8)] == [
        "Омаров Ерлан", "Temporary accommodation", "Almaty centre",
        i18n.format_date(TODAY - 4 * DAY), "", "5 days", "", ""]
    assert cell(page, 1, 6) == "40" and cell(page, 1, 5) == ""
    page.centre.setCurrentIndex(page.centre.findData(str(ids["astana"])))
    assert page.model.rowCount() == 1 and cell(page, 0, 0) == "Сейітов Ерлан"
    page.centre.setCurrentIndex(0)
    with database.sessions() as session:
        course_type = str(type_id(session, "kazakh_course"))
    page.service_type.setCurrentIndex(page.service_type.findData(course_type))
    assert page.model.rowCount() == 1 and cell(page, 0, 0) == "Сейітов Ерлан"
    page.service_type.setCurrentIndex(0)
    page.current_stays.setChecked(True)
    assert page.model.rowCount() == 1 and cell(page, 0, 0) == "Омаров Ерлан"
    assert page.count_label.text() == "1 service record"
    page.current_stays.setChecked(False)
    page.search.insert("Сейітов")
    page.apply_filter()
    assert page.model.rowCount() == 1 and cell(page, 0, 0) == "Сейітов Ерлан"


def test_ctrl_f_and_enter(qtbot, database):
    ids = populate(database)
    page = show(qtbot, ServicesPage(database))
    check_ctrl_f_and_enter(qtbot, page, ids["stay"])


def choose_person(qtbot, dialog, text):
    dialog.picker.search.insert(text)
    dialog.picker.search_now()
    assert dialog.picker.results.count() == 1
    dialog.picker.results.setCurrentRow(0)


def fill(dialog, centre_id, kind_id, start):
    dialog.centre.setCurrentIndex(dialog.centre.findData(str(centre_id)))
    dialog.service_type.setCurrentIndex(dialog.service_type.findData(str(kind_id)))
    dialog.start_date.setDate(to_qdate(start))


def test_recording_a_stay_with_ctrl_s(qtbot, database):
    ids = populate(database)
    page = show(qtbot, ServicesPage(database))
    dialog = page.open_new()
    with database.sessions() as session:
        stay_type = type_id(session, "accommodation")
    choose_person(qtbot, dialog, "Сейітов")
    fill(dialog, ids["almaty"], stay_type, TODAY - DAY)
    dialog.outcome.insert("Given a bed")
    assert not dialog.hours.isEnabled() and not dialog.completed.isEnabled()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    with qtbot.waitSignal(dialog.saved) as saved:
        qtbot.keyClick(dialog, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    with database.sessions() as session:
        record = session.get(ServiceRecord, saved.args[0])
        assert (record.person_id, record.centre_id, record.start_date, record.outcome) == (
            ids["seitov"], ids["almaty"], TODAY - DAY, "Given a bed")
        assert record.hours_attended is None and record.completed is None
    assert dialog.errors_label.text() == "" and not dialog.has_unsaved_changes()
    assert page.model.rowCount() == 3


def test_missing_fields_are_marked(qtbot, database):
    populate(database)
    dialog = show(qtbot, ServiceDialog(database))
    dialog.centre.setCurrentIndex(0)
    assert not dialog.save()
    assert "Person: is required" in dialog.errors_label.text()
    assert "Centre: is required" in dialog.errors_label.text()
    assert dialog.centre.styleSheet() == INVALID_STYLE
    assert dialog.picker.search.styleSheet() == INVALID_STYLE
    assert count_records(database) == 2


def test_full_centre_refuses_a_second_check_in(qtbot, database):
    small = add_centre(database, "Small centre", 1)
    first = add_person(database, "Омаров", "Ерлан")
    add_person(database, "Сейітов", "Ерлан")
    add_service(database, first, small, "accommodation", TODAY - 3 * DAY)
    dialog = show(qtbot, ServiceDialog(database))
    with database.sessions() as session:
        stay_type = type_id(session, "accommodation")
    choose_person(qtbot, dialog, "Сейітов")
    fill(dialog, small, stay_type, TODAY - DAY)
    assert not dialog.save()
    assert dialog.errors_label.text() == (
        f"Small centre is full on {i18n.format_date(TODAY - DAY)}: all 1 beds are taken.")
    assert dialog.record_id is None and count_records(database) == 1


def test_course_hours_only_for_courses(qtbot, database):
    ids = populate(database)
    dialog = show(qtbot, ServiceDialog(database))
    with database.sessions() as session:
        legal, course = type_id(session, "legal"), type_id(session, "kazakh_course")
    choose_person(qtbot, dialog, "Омаров")
    fill(dialog, ids["astana"], legal, TODAY)
    assert not dialog.hours.isEnabled() and not dialog.completed.isEnabled()
    fill(dialog, ids["astana"], course, TODAY - 10 * DAY)
    assert dialog.hours.isEnabled() and dialog.completed.isEnabled()
    dialog.hours.setValue(12)
    dialog.completed.setChecked(True)
    assert dialog.save()
    with database.sessions() as session:
        record = session.get(ServiceRecord, dialog.record_id)
        assert (record.hours_attended, record.completed) == (12, True)


def test_existing_record_and_check_out(qtbot, database):
    ids = populate(database)
    course = show(qtbot, ServiceDialog(database, ids["course"]))
    assert not course.check_out_button.isVisibleTo(course)
    assert course.person_label.text() == "Сейітов Ерлан" and course.hours.value() == 40
    dialog = show(qtbot, ServiceDialog(database, ids["stay"]))
    assert dialog.check_out_button.isVisibleTo(dialog)
    dialog.ask_end_date = lambda: None
    assert not dialog.check_out()
    dialog.ask_end_date = lambda: TODAY + DAY
    assert not dialog.check_out()
    assert dialog.errors_label.text() == "End date: is in the future"
    dialog.ask_end_date = lambda: TODAY - DAY
    with qtbot.waitSignal(dialog.saved):
        assert dialog.check_out()
    with database.sessions() as session:
        assert session.get(ServiceRecord, ids["stay"]).end_date == TODAY - DAY
    assert not dialog.check_out_button.isVisibleTo(dialog)
    assert dialog.end_date.date() == to_qdate(TODAY - DAY)


def test_centres_dialog_adds_a_centre_and_shows_occupancy(qtbot, database):
    populate(database)
    dialog = show(qtbot, CentresDialog(database))
    assert dialog.table.rowCount() == 2
    assert [dialog.table.item(0, c).text() for c in range(4)][2:] == ["5", "1"]
    assert not dialog.save()
    assert "Centre name: is required" in dialog.errors_label.text()
    assert dialog.name.styleSheet() == INVALID_STYLE
    dialog.name.insert("Қостанай орталығы")
    dialog.region.setCurrentIndex(1)
    dialog.beds.setValue(12)
    with qtbot.waitSignal(dialog.changed):
        assert dialog.save()
    names = [dialog.table.item(r, 0).text() for r in range(dialog.table.rowCount())]
    assert "Қостанай орталығы" in names
    row = names.index("Қостанай орталығы")
    assert [dialog.table.item(row, c).text() for c in (2, 3)] == ["12", "0"]
    assert dialog.errors_label.text() == ""


def test_catalogue_adds_a_type_and_refuses_a_duplicate_code(qtbot, database):
    supervisor = Actor("serik", UserRole.SUPERVISOR)
    dialog = show(qtbot, CatalogueDialog(database.acting_as(supervisor)))
    before = dialog.table.rowCount()
    dialog.code.insert("sewing")
    dialog.names["kk"].insert("Тігін курсы")
    dialog.names["ru"].insert("Курсы шитья")
    dialog.names["en"].insert("Sewing course")
    dialog.is_course.setChecked(True)
    assert dialog.save()
    assert dialog.table.rowCount() == before + 1
    with database.sessions() as session:
        kind = session.scalars(select(ServiceType).where(ServiceType.code == "sewing")).one()
        assert kind.is_course and kind.active and kind.names["kk"] == "Тігін курсы"
    dialog.clear_form()
    dialog.code.insert("legal")
    dialog.names["kk"].insert("A")
    dialog.names["ru"].insert("B")
    dialog.names["en"].insert("C")
    assert not dialog.save()
    assert dialog.errors_label.text() == "Code: is already used by another service"
    assert dialog.code.styleSheet() == INVALID_STYLE
    assert dialog.table.rowCount() == before + 1


def test_a_clerk_sees_the_catalogue_but_cannot_change_it(qtbot, database):
    dialog = show(qtbot, CatalogueDialog(database.acting_as(Actor("aigerim", UserRole.CLERK))))
    assert dialog.table.rowCount() >= 10
    assert not dialog.save_button.isEnabled() and not dialog.code.isEnabled()
    assert dialog.errors_label.text() == "Only a supervisor can change the service catalogue."
    dialog.code.setText("sewing")  # even if the form were filled, the service refuses
    dialog.names["kk"].setText("A")
    dialog.names["ru"].setText("B")
    dialog.names["en"].setText("C")
    assert not dialog.save()
    assert "does not allow this: editing the service catalogue" in dialog.errors_label.text()
