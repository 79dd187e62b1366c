"""Sign-in at start (on the first start: creating the administrator) and the administrator's
accounts dialog. The rules live in services/users.py."""

import uuid

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from kzmigdesk.domain.enums import UserRole, label
from kzmigdesk.domain.models import Office, User
from kzmigdesk.gui.widgets.dialogs import button_box, error_label
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table, yes_no
from kzmigdesk.i18n import _
from kzmigdesk.services import users
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.errors import ServiceError, ValidationFailed
from kzmigdesk.services.workspace import Database


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit




class SignInDialog(QDialog):
    """User name and password; `actor` is set once the service accepts them."""

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.actor: Actor | None = None
        self.setWindowTitle(_("Sign in to kzmigdesk"))
        self.username, self.password = QLineEdit(), password_edit()
        self.errors_label = error_label()
        form = QFormLayout(self)
        form.addRow(_("User name"), self.username)
        form.addRow(_("Password"), self.password)
        form.addRow(self.errors_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Sign in"))
        buttons.accepted.connect(self.sign_in)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def sign_in(self) -> bool:
        try:
            self.actor = users.sign_in(self.database, self.username.text(),
                                       self.password.text())
        except ServiceError as error:
            self.errors_label.setText(error.message())
            self.password.clear()
            self.password.setFocus()
            return False
        self.accept()
        return True


class FirstAdministratorDialog(QDialog):
    """The first start: the person at the desk creates the administrator's account."""

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.actor: Actor | None = None
        self.setWindowTitle(_("Create the administrator"))
        self.username, self.full_name = QLineEdit("admin"), QLineEdit()
        self.password, self.repeat = password_edit(), password_edit()
        self.errors_label = error_label()
        form = QFormLayout(self)
        form.addRow(QLabel(_("This database has no user yet. Create the administrator's "
                             "account; the administrator then creates the other users.")))
        form.addRow(_("User name"), self.username)
        form.addRow(_("Full name"), self.full_name)
        form.addRow(_("Password"), self.password)
        form.addRow(_("Repeat the password"), self.repeat)
        form.addRow(self.errors_label)
        buttons = button_box(self.create, self.reject)
        form.addRow(buttons)

    def create(self) -> bool:
        if self.password.text() != self.repeat.text():
            self.errors_label.setText(_("The two passwords differ."))
            return False
        data = users.UserInput(self.username.text(), self.full_name.text(),
                               UserRole.ADMINISTRATOR, self.password.text())
        try:
            with self.database.transaction() as session:
                self.actor = users.actor_of(users.create_first_administrator(session, data))
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.accept()
        return True


def sign_in_at_start(database: Database, parent: QWidget | None = None) -> Actor | None:
    """Ask until someone signs in (or creates the first administrator); None: cancelled."""
    with database.sessions() as session:
        first = not users.has_users(session)
    dialog = FirstAdministratorDialog(database, parent) if first else SignInDialog(database,
                                                                                   parent)
    return dialog.actor if dialog.exec() == QDialog.DialogCode.Accepted else None


class UsersDialog(QDialog):
    """The accounts: a table, and a form that adds one or changes the chosen one."""

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.user_ids: list[uuid.UUID] = []
        self.editing: uuid.UUID | None = None
        self.setWindowTitle(_("Users"))
        self.resize(820, 560)
        self.table = read_only_table(5)
        self.username, self.full_name, self.password = QLineEdit(), QLineEdit(), password_edit()
        self.password.setPlaceholderText(_("Leave empty to keep the password"))
        self.role, self.office = QComboBox(), QComboBox()
        for role in UserRole:
            self.role.addItem(label(role), role.value)
        self.office.addItem("", None)
        with database.sessions() as session:
            for office in session.scalars(select(Office).order_by(Office.name)):
                self.office.addItem(office.name, str(office.id))
        self.active = QCheckBox(_("Active"))
        self.active.setChecked(True)
        self.errors_label = error_label()
        form = QFormLayout()
        form.addRow(_("User name"), self.username)
        form.addRow(_("Full name"), self.full_name)
        form.addRow(_("Role"), self.role)
        form.addRow(_("Office"), self.office)
        form.addRow(_("Password"), self.password)
        form.addRow("", self.active)
        self.new_button, self.save_button = QPushButton(_("New user")), QPushButton(_("Save"))
        close_button = QPushButton(_("Close"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addStretch()
        buttons.addWidget(self.save_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(form)
        layout.addWidget(self.errors_label)
        layout.addLayout(buttons)
        self.table.currentCellChanged.connect(self._row_chosen)
        self.new_button.clicked.connect(self.clear_form)
        self.save_button.clicked.connect(self.save)
        close_button.clicked.connect(self.accept)
        self.load()

    def load(self) -> None:
        try:
            with self.database.sessions() as session:
                accounts = users.list_users(session)
                rows = [[u.username, u.full_name, label(u.role),
                         u.office.name if u.office_id and u.office else "",
                         yes_no(u.active)] for u in accounts]
                self.user_ids = [u.id for u in accounts]
        except ServiceError as error:
            self.errors_label.setText(error.message())
            rows, self.user_ids = [], []
        self.table.blockSignals(True)
        fill_table(self.table, rows, [_("User name"), _("Full name"), _("Role"), _("Office"),
                                      _("Active")])
        self.table.blockSignals(False)

    def clear_form(self) -> None:
        self.editing = None
        for edit in (self.username, self.full_name, self.password):
            edit.clear()
        self.role.setCurrentIndex(0)
        self.office.setCurrentIndex(0)
        self.active.setChecked(True)
        self.errors_label.clear()

    def _row_chosen(self, row: int, *_args) -> None:
        if not 0 <= row < len(self.user_ids):
            return
        with self.database.sessions() as session:
            user = session.get(User, self.user_ids[row])
            self.editing = user.id
            self.username.setText(user.username)
            self.full_name.setText(user.full_name)
            self.role.setCurrentIndex(self.role.findData(user.role.value))
            self.office.setCurrentIndex(max(0, self.office.findData(
                str(user.office_id) if user.office_id else None)))
            self.active.setChecked(user.active)
        self.password.clear()
        self.errors_label.clear()

    def save(self) -> bool:
        office = self.office.currentData()
        data = users.UserInput(
            self.username.text(), self.full_name.text(), UserRole(self.role.currentData()),
            self.password.text() or None, uuid.UUID(office) if office else None,
            self.active.isChecked())
        try:
            with self.database.transaction() as session:
                self.editing = users.save_user(session, data, self.editing).id
        except ValidationFailed as failure:
            self.errors_label.setText(failure.message())
            return False
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.errors_label.clear()
        self.password.clear()
        self.load()
        return True
