"""A list section with no records at all says what to do and offers its main button instead
of an empty table; a search or a filter that finds nothing keeps the table."""

import datetime as dt

import pytest

from kzmigdesk import i18n
from kzmigdesk.domain.enums import Sex
from kzmigdesk.gui.cases_page import CasesPage
from kzmigdesk.gui.foreign_workers_page import ForeignWorkersPage
from kzmigdesk.gui.new_case_dialog import NewCaseDialog
from kzmigdesk.gui.permit_dialog import PermitDialog
from kzmigdesk.gui.persons_page import PersonsPage
from kzmigdesk.gui.service_dialog import ServiceDialog
from kzmigdesk.gui.services_page import ServicesPage
from kzmigdesk.services.registration import PersonInput, save_person

PAGES = {
    "persons": (PersonsPage, "No one is registered yet.", "New person…"),
    "repatriates": (CasesPage, "No repatriate case is open yet.", "New case…"),
    "workers": (ForeignWorkersPage, "No work permit is recorded yet.", "New permit…"),
    "services": (ServicesPage, "No service is recorded yet.", "New service…"),
}


def show(qtbot, page):
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


def empty_shown(page) -> bool:
    assert page.empty_state.isVisible() != page.table.isVisible()
    return page.empty_state.isVisible()


@pytest.mark.parametrize("key", PAGES)
def test_an_empty_section_says_what_to_do(qtbot, database, key):
    make, text, button = PAGES[key]
    page = show(qtbot, make(database))
    assert empty_shown(page)
    assert (page.empty_label.text(), page.empty_button.text()) == (text, button)
    page.search.setText("zz")
    page.apply_filter()
    assert not empty_shown(page)  # nothing found: the table, with its count
    page.search.clear()
    page.apply_filter()
    assert empty_shown(page)
    combo = next(w for w in map(lambda i: page.filters.itemAt(i).widget(),
                                range(page.filters.count())) if w and w.count() > 1)
    combo.setCurrentIndex(1)  # a filter
    assert not empty_shown(page)
    combo.setCurrentIndex(0)
    assert empty_shown(page)


def test_the_main_button_opens_the_new_record(qtbot, database):
    persons = show(qtbot, PersonsPage(database))
    with qtbot.waitSignal(persons.open_requested) as opened:
        persons.empty_button.click()
    assert opened.args == [None]  # the main window opens a new person
    for make, dialog_type in ((CasesPage, NewCaseDialog), (ForeignWorkersPage, PermitDialog),
                              (ServicesPage, ServiceDialog)):
        page = show(qtbot, make(database))
        page.empty_button.click()
        dialogs = page.findChildren(dialog_type)
        assert len(dialogs) == 1 and dialogs[0].isVisible()
        dialogs[0].close()


def test_a_registered_person_brings_the_table_back(qtbot, database):
    page = show(qtbot, PersonsPage(database))
    assert empty_shown(page)
    with database.transaction() as session:
        save_person(session, PersonInput(surname="Әбенов", given_name="Нұрлан", sex=Sex.MALE,
                                         birth_date=dt.date(1980, 1, 1)))
    page.refresh()
    assert not empty_shown(page) and page.model.rowCount() == 1


def test_the_empty_state_speaks_kazakh(qtbot, database):
    i18n.set_language("kk")
    page = show(qtbot, PersonsPage(database))
    assert (page.empty_label.text(), page.empty_button.text()) == (
        "Әзірге ешкім тіркелмеген.", "Жаңа тұлға…")
