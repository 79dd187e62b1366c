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


def test_the_first_start_asks_the_language_first_and_remembers_it(qtbot, monkeypatch):
    from PySide6.QtWidgets import QDialogButtonBox

    from kzmigdesk.gui import app, qt_translations
    from kzmigdesk.gui.sign_in_dialog import LanguageDialog, ask_language
    from kzmigdesk.settings import load_settings, settings_path

    asked = []

    def click_russian(dialog):
        asked.append(dialog)
        qtbot.addWidget(dialog)
        # each language is named in its own language, the question asked in each of them
        assert [b.text() for b in dialog.buttons.values()] == ["&Қазақша", "&Русский",
                                                               "&English"]
        assert "Выберите язык интерфейса." in dialog.findChild(sign_in_module.QLabel).text()
        dialog.buttons["ru"].click()
        return dialog.result()

    monkeypatch.setattr(LanguageDialog, "exec", click_russian)
    qt_translations.follow_language()
    try:
        assert not settings_path().exists()
        app.language_at_first_start()
        assert len(asked) == 1
        # applied at once, Qt's own buttons too, and kept
        assert i18n.current_language() == "ru"
        assert load_settings().language == "ru"
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        assert box.buttons()[0].text().replace("&", "") == "Отмена"
        administrator = FirstAdministratorDialog(None)  # next: the administrator, in Russian
        qtbot.addWidget(administrator)
        assert administrator.windowTitle() == "Создание администратора"
        app.language_at_first_start()  # a later start does not ask
        assert len(asked) == 1
    finally:
        i18n.set_language("en")
        i18n.remove_language_listener(qt_translations.apply)
    # closing the question keeps the language and asks again next time
    monkeypatch.setattr(LanguageDialog, "exec", lambda dialog: 0)
    assert ask_language() is None


def test_run_gui_asks_the_language_before_the_administrator(qtbot, monkeypatch, tmp_path):
    from kzmigdesk.gui import app, qt_translations

    order = []
    monkeypatch.setattr(app, "ask_language", lambda: order.append("language") or "kk")
    monkeypatch.setattr(app, "check_at_start", lambda db: (False, None))  # stop there
    assert app.run_gui(str(tmp_path / "new.sqlite3")) == 1
    assert order == ["language"]
    assert i18n.current_language() == "kk"
    i18n.set_language("en")
    i18n.remove_language_listener(qt_translations.apply)
