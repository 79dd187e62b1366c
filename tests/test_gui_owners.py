"""Case owners on the three lists (gui/assign_dialog.py): a clerk takes the selected rows and
the "Mine" filter keeps them; a supervisor assigns several rows at once in the Assign dialog,
which lists the users of their office; the owner column shows who."""

import pytest
from PySide6.QtCore import QItemSelectionModel
from sqlalchemy import select

from kzmigdesk.domain.enums import UserRole
from kzmigdesk.domain.models import Person, User
from kzmigdesk.gui.assign_dialog import AssignDialog
from kzmigdesk.gui.cases_page import CasesPage
from kzmigdesk.gui.foreign_workers_page import ForeignWorkersPage
from kzmigdesk.gui.services_page import ServicesPage
from kzmigdesk.services import ownership
from kzmigdesk.services.ownership import FileKind
from kzmigdesk.services.users import actor_of

PAGES = {FileKind.CASE: CasesPage, FileKind.PERMIT: ForeignWorkersPage,
         FileKind.SERVICE: ServicesPage}


def office_rows(database, page, kind, count: int):
    """The first `count` rows of the list, moved into the office of the first one (the demo
    data spreads them over many offices), and that office."""
    model = ownership.MODELS[kind]
    rows = list(range(count))
    with database.transaction() as session:
        records = [session.get(model, page.model.row(n).id) for n in rows]
        owned = [session.get(Person, r.person_id) if kind is FileKind.SERVICE else r
                 for r in records]
        office_id = owned[0].office_id
        assert office_id is not None
        for record in owned:
            record.office_id = office_id
    page.refresh()
    return rows, office_id


def select_rows(page, rows) -> None:
    selection = page.table.selectionModel()
    selection.clearSelection()
    for row in rows:
        selection.select(page.model.index(row, 0),
                         QItemSelectionModel.SelectionFlag.Select
                         | QItemSelectionModel.SelectionFlag.Rows)


def user_of(database, office_id, role) -> User:
    """The first user of `role` at the office (any office for a supervisor: the demo's work at
    the regional offices, and a supervisor may assign any office's records)."""
    query = select(User).where(User.role == role).order_by(User.username)
    if role is UserRole.CLERK:
        query = query.where(User.office_id == office_id)
    with database.sessions() as session:
        return session.scalars(query).first()


@pytest.mark.parametrize("kind", list(FileKind))
def test_a_clerk_takes_rows_and_the_mine_filter_keeps_them(qtbot, demo, kind):
    page = PAGES[kind](demo)
    qtbot.addWidget(page)
    rows, office_id = office_rows(demo, page, kind, 2)
    clerk = actor_of(user_of(demo, office_id, UserRole.CLERK))
    page.database.actor = clerk  # signed in as the clerk
    page = PAGES[kind](demo.acting_as(clerk))
    qtbot.addWidget(page)
    assert page.owners.button.text() == "Take" and not page.owners.supervisor
    everything = page.model.rowCount()
    select_rows(page, rows)
    taken_ids = page.owners.selected_ids()
    assert page.owners.take() == 2
    page.owners.mine.setChecked(True)  # applies at once
    assert page.model.rowCount() == 2
    assert {page.model.row(n).id for n in range(2)} == set(taken_ids)
    owner_column = page.model.COLUMNS.index("Owner")
    assert page.table.isColumnHidden(owner_column)  # a minor column
    with demo.sessions() as session:
        name = session.get(User, clerk.user_id).full_name
    assert page.model.index(0, owner_column).data() == name
    assert page.count_label.text().startswith("2 ")
    page.owners.mine.setChecked(False)
    assert page.model.rowCount() == everything


def test_a_supervisor_assigns_several_rows_in_the_dialog(qtbot, demo):
    page = ForeignWorkersPage(demo)
    qtbot.addWidget(page)
    rows, office_id = office_rows(demo, page, FileKind.PERMIT, 3)
    supervisor = actor_of(user_of(demo, office_id, UserRole.SUPERVISOR))
    clerk = user_of(demo, office_id, UserRole.CLERK)
    page = ForeignWorkersPage(demo.acting_as(supervisor))
    qtbot.addWidget(page)
    assert page.owners.button.text() == "Assign…"
    select_rows(page, rows)
    ids = page.owners.selected_ids()
    dialog = page.owners.assign()
    assert isinstance(dialog, AssignDialog)
    listed = [dialog.users.item(n).text() for n in range(dialog.users.count())]
    assert listed[0] == "Nobody (unassigned)"
    assert f"{clerk.full_name} ({clerk.username})" in listed
    with demo.sessions() as session:  # only users of the permits' office (or of none)
        offices = {session.scalars(select(User.office_id).where(
            User.username == text.rsplit("(", 1)[1].rstrip(")"))).one() for text in listed[1:]}
    assert offices <= {office_id, None}
    assert dialog.prompt.text() == "Assign the 3 selected records to:"
    dialog.choose(clerk.id)
    dialog.grab().save("/tmp/owners-assign-en.png")
    with qtbot.waitSignal(dialog.assigned) as assigned:
        dialog.accept()
    assert assigned.args == [3]
    with demo.sessions() as session:
        from kzmigdesk.domain.models import WorkPermit

        assert {session.get(WorkPermit, i).owner_id for i in ids} == {clerk.id}
    owner_column = page.model.COLUMNS.index("Owner")
    shown = {page.model.index(row, owner_column).data() for row in rows}
    assert shown == {clerk.full_name}


def test_the_assign_dialog_says_why_it_refuses(qtbot, demo):
    page = CasesPage(demo)
    qtbot.addWidget(page)
    rows, office_id = office_rows(demo, page, FileKind.CASE, 1)
    clerk = actor_of(user_of(demo, office_id, UserRole.CLERK))
    # a clerk's database: the dialog lists the office, but assigning to another is refused
    dialog = AssignDialog(demo.acting_as(clerk), FileKind.CASE, [page.model.row(rows[0]).id])
    qtbot.addWidget(dialog)
    dialog.choose(None)
    dialog.accept()
    assert dialog.errors.text() == (
        "Only a supervisor assigns records to someone else or reassigns them.")
