import datetime as dt

from gui_helpers import check_ctrl_f_and_enter
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kzmigdesk import i18n
from kzmigdesk.demo import generate_demo_data
from kzmigdesk.domain.enums import PersonCategory, Sex
from kzmigdesk.domain.models import Region
from kzmigdesk.gui.persons_page import PersonsPage, PersonsTableModel
from kzmigdesk.services import person_search
from kzmigdesk.services.registration import PersonInput, save_person

PAGE_SIZE = PersonsTableModel.PAGE_SIZE

def make_page(qtbot, database):
    page = PersonsPage(database)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


def add(database, surname, given, region_code="AST", birth=dt.date(1990, 1, 1)):
    with database.transaction() as session:
        region = session.query(Region).filter_by(code=region_code).one()
        return save_person(session, PersonInput(surname=surname, given_name=given, sex=Sex.MALE,
                                                birth_date=birth, region_id=region.id)).id


def cell(page, row, column):
    return page.model.index(row, column).data()


def test_list_search_and_filters(qtbot, database):
    add(database, "Әбенов", "Нұрлан")
    add(database, "Ахметов", "Бауыржан", region_code="ALA")
    page = make_page(qtbot, database)
    assert page.model.rowCount() == 2
    assert cell(page, 0, 0) == "Ахметов Бауыржан" and cell(page, 1, 0) == "Әбенов Нұрлан"
    assert cell(page, 1, 4) == "Astana"
    assert page.count_label.text() == "2 persons"

    qtbot.keyClicks(page.search, "Nurlan Abenov")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1)
    assert cell(page, 0, 0) == "Әбенов Нұрлан"
    assert cell(page, 0, 1) == ""  # no Latin name was entered
    page.search.clear()
    page.apply_filter()
    page.region.setCurrentIndex(page.region.findText("Almaty"))
    assert page.model.rowCount() == 1 and cell(page, 0, 0) == "Ахметов Бауыржан"
    page.region.setCurrentIndex(0)
    page.category.setCurrentIndex(page.category.findData(PersonCategory.KANDAS))
    assert page.model.rowCount() == 0 and page.count_label.text() == "0 persons"


def test_sorting_by_header(qtbot, database):
    add(database, "Әбенов", "Нұрлан", birth=dt.date(1970, 1, 1))
    add(database, "Ахметов", "Бауыржан", birth=dt.date(1990, 1, 1))
    page = make_page(qtbot, database)
    page.table.sortByColumn(2, Qt.SortOrder.DescendingOrder)
    assert cell(page, 0, 0) == "Ахметов Бауыржан"
    page.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)
    assert cell(page, 0, 0) == "Әбенов Нұрлан"


def test_pages_are_read_lazily(qtbot, database, monkeypatch):
    generate_demo_data(database, persons=PAGE_SIZE * 5)
    calls = []
    real_fetch, real_first = person_search.fetch_persons, person_search.first_page

    def counting_fetch(*args, **kwargs):
        calls.append(kwargs.get("offset", 0))
        return real_fetch(*args, **kwargs)

    def counting_first(*args, **kwargs):
        calls.append(0)
        return real_first(*args, **kwargs)

    # The first page is read by the service's first_page, every other one by fetch_persons.
    monkeypatch.setattr(person_search, "fetch_persons", counting_fetch)
    monkeypatch.setattr(person_search, "first_page", counting_first)
    page = make_page(qtbot, database)
    assert page.model.rowCount() == PAGE_SIZE * 5
    QApplication.processEvents()
    assert calls == [0]  # only the first page is on screen
    page.table.scrollToBottom()
    QApplication.processEvents()
    assert calls[-1] == PAGE_SIZE * 4 and len(calls) <= 3
    last = page.model.rowCount() - 1
    assert cell(page, last, 0)


def test_ctrl_f_focuses_search_and_enter_opens(qtbot, database):
    person_id = add(database, "Әбенов", "Нұрлан")
    page = make_page(qtbot, database)
    check_ctrl_f_and_enter(qtbot, page, person_id)


def test_language_switch_retranslates_the_list(qtbot, database):
    add(database, "Әбенов", "Нұрлан")
    page = make_page(qtbot, database)
    i18n.set_language("ru")
    page.retranslate()
    assert page.model.headerData(0, Qt.Orientation.Horizontal) != "Name"
    assert cell(page, 0, 4) == "город Астана"
    assert "1" in page.count_label.text() and "persons" not in page.count_label.text()
