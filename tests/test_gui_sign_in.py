"""Sign-in at start, the first administrator, the accounts dialog, and the main window's
signed-in user."""

import pytest
from sqlalchemy import select

from kzmigdesk import i18n
from kzmigdesk.domain.enums import OfficeKind, UserRole
from kzmigdesk.domain.models import Office, Region, User
from kzmigdesk.gui import sign_in_dialog as sign_in_module
from kzmigdesk.gui.main_window import MainWindow
from kzmigdesk.gui.sign_in_dialog import (
    FirstAdministratorDialog,
    SignInDialog,
    sign_in_at_start,
)
from kzmigdesk.gui.users_dialog import UsersDialog
from kzmigdesk.services.auth import Actor


@pytest.fixture
def empty(database):
    database.actor = None  # nobody signed in yet
    return database


def create_admin(qtbot, database) -> Actor:
    dialog = FirstAdministratorDialog(database)
    qtbot.addWidget(dialog)
    dialog.full_name.setText("Әкімші Әлия")
    dialog.password.setText("correct horse")
    dialog.repeat.setText("correct hors")
    assert not dialog.create()
    assert dialog.errors_label.text() == "The two passwords differ."
    dialog.repeat.setText("correct horse")
    assert dialog.create()
    return dialog.actor


def test_first_start_creates_the_administrator_then_sign_in(qtbot, empty, monkeypatch):
    shown = []

    def answer(dialog):
        shown.append(type(dialog).__name__)
        if isinstance(dialog, FirstAdministratorDialog):
            dialog.full_name.setText("Әкімші Әлия")
            dialog.password.setText("correct horse")
            dialog.repeat.setText("correct horse")
            return dialog.DialogCode.Accepted if dialog.create() else 0
        dialog.username.setText("admin")
        dialog.password.setText("wrong password")
        assert not dialog.sign_in()
        assert dialog.errors_label.text() == "The user name or the password is wrong."
        dialog.password.setText("correct horse")
        return dialog.DialogCode.Accepted if dialog.sign_in() else 0

    monkeypatch.setattr(sign_in_module.QDialog, "exec", answer)
    first = sign_in_at_start(empty)
    assert (first.username, first.role) == ("admin", UserRole.ADMINISTRATOR)
    again = sign_in_at_start(empty)
    assert again.user_id == first.user_id
    assert shown == ["FirstAdministratorDialog", "SignInDialog"]


def test_cancelled_sign_in_gives_no_user(qtbot, empty, monkeypatch):
    monkeypatch.setattr(sign_in_module.QDialog, "exec", lambda dialog: 0)
    assert sign_in_at_start(empty) is None


def test_main_window_acts_as_the_signed_in_user(qtbot, empty):
    admin = create_admin(qtbot, empty)
    window = MainWindow(empty.acting_as(admin), on_language_chosen=lambda code: None)
    qtbot.addWidget(window)
    assert window.database.actor == admin
    assert window.user_label.text() == "Signed in: admin (administrator)"
    assert window.users_action.isVisible()
    clerk = Actor("aigerim", UserRole.CLERK)
    other = MainWindow(empty.acting_as(clerk), on_language_chosen=lambda code: None)
    qtbot.addWidget(other)
    assert not other.users_action.isVisible()


def test_administrator_adds_a_clerk_and_the_clerk_signs_in(qtbot, empty):
    admin = create_admin(qtbot, empty)
    with empty.acting_as(admin).transaction() as session:
        region = session.scalars(select(Region)).first()
        session.add(Office(code="A", name="Office A", kind=OfficeKind.DISTRICT,
                           region_id=region.id))
    dialog = UsersDialog(empty.acting_as(admin))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 1
    dialog.clear_form()
    dialog.username.setText("aigerim")
    dialog.full_name.setText("Айгерім Сейітқызы")
    dialog.role.setCurrentIndex(dialog.role.findData(UserRole.CLERK.value))
    dialog.password.setText("password-1")
    assert not dialog.save()
    assert dialog.errors_label.text() == "Office: is required for a clerk"
    dialog.office.setCurrentIndex(dialog.office.findText("Office A"))
    assert dialog.save()
    assert dialog.table.rowCount() == 2
    sign_in = SignInDialog(empty)
    qtbot.addWidget(sign_in)
    sign_in.username.setText("aigerim")
    sign_in.password.setText("password-1")
    assert sign_in.sign_in()
    assert (sign_in.actor.role, sign_in.actor.office_id) == (
        UserRole.CLERK, dialog.office.currentData() and sign_in.actor.office_id)
    clerk_view = UsersDialog(empty.acting_as(sign_in.actor))
    qtbot.addWidget(clerk_view)
    assert clerk_view.table.rowCount() == 0
    assert clerk_view.errors_label.text() == (
        "Your role (clerk) does not allow this: managing user accounts.")
    with empty.sessions() as session:
        assert session.scalars(select(User.username).order_by(User.username)).all() == [
            "admin", "aigerim"]


def test_the_first_start_states_the_password_rule_up_front(qtbot, empty):
    dialog = FirstAdministratorDialog(empty)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.password_rule.isVisible() and dialog.errors_label.text() == ""
    assert dialog.password_rule.text() == "At least 8 characters."
    i18n.set_language("kk")
    assert FirstAdministratorDialog(empty).password_rule.text() == "Кемінде 8 таңба."
