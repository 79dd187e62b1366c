"""The administrator's accounts dialog: the accounts, and a form that adds one or changes the
chosen one. The rules live in services/users.py."""

import uuid

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk.domain.enums import UserRole, label
from kzmigdesk.gui.sign_in_dialog import password_edit
from kzmigdesk.gui.widgets.dialogs import error_label
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table, yes_no
from kzmigdesk.i18n import _
from kzmigdesk.services import offices, users
from kzmigdesk.services.errors import ServiceError, ValidationFailed
from kzmigdesk.services.workspace import Database


class UsersDialog(QDialog):
    """The accounts: a table, and a form that adds one or changes the chosen one."""

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.accounts: list[users.Account] = []
        self.editing: uuid.UUID | None = None
        self.setWindowTitle(_("Users"))
        self.resize(820, 560)
        self.table = read_only_table(5)
        self.table.setAccessibleName(_("Users"))
        self.username, self.full_name, self.password = QLineEdit(), QLineEdit(), password_edit()
        self.password.setPlaceholderText(_("Leave empty to keep the password"))
        self.role, self.office = QComboBox(), QComboBox()
        for role in UserRole:
            self.role.addItem(label(role), role.value)
        self.office.addItem("", None)
        for name, office_id in offices.office_choices(database):
            self.office.addItem(name, str(office_id))
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
        self.new_button, self.save_button = QPushButton(_("&New user")), QPushButton(_("&Save"))
        close_button = QPushButton(_("&Close"))
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
            self.accounts = users.accounts(self.database)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            self.accounts = []
        rows = [[a.username, a.full_name, label(a.role), a.office_name, yes_no(a.active)]
                for a in self.accounts]
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
        if not 0 <= row < len(self.accounts):
            return
        account = self.accounts[row]
        self.editing = account.id
        self.username.setText(account.username)
        self.full_name.setText(account.full_name)
        self.role.setCurrentIndex(self.role.findData(account.role.value))
        self.office.setCurrentIndex(max(0, self.office.findData(
            str(account.office_id) if account.office_id else None)))
        self.active.setChecked(account.active)
        self.password.clear()
        self.errors_label.clear()

    def save(self) -> bool:
        office = self.office.currentData()
        data = users.UserInput(
            self.username.text(), self.full_name.text(), UserRole(self.role.currentData()),
            self.password.text() or None, uuid.UUID(office) if office else None,
            self.active.isChecked())
        try:
            self.editing = users.save_account(self.database, data, self.editing)
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
