"""Sign-in at start (on the first start: the language, then creating the administrator).
The rules live in services/users.py; the administrator's accounts dialog is users_dialog.py."""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n, languages
from kzmigdesk.domain.enums import UserRole
from kzmigdesk.gui.widgets.dialogs import button_box, error_label
from kzmigdesk.i18n import N_, _
from kzmigdesk.services import users
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.workspace import Database


def password_edit() -> QLineEdit:
    edit = QLineEdit()
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def password_rule() -> str:
    count = users.MIN_PASSWORD_LENGTH
    return i18n.ngettext("At least {count} character.", "At least {count} characters.",
                         count).format(count=i18n.format_number(count))


CHOOSE_LANGUAGE = N_("Choose the language of the interface.")


class LanguageDialog(QDialog):
    """The first start's first question: the interface language, one button per language
    named in that language, the question asked in each language. `chosen` is the code of
    the pressed button."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.chosen: str | None = None
        self.setWindowTitle("kzmigdesk")
        self.setMinimumWidth(320)
        codes = languages.codes()
        question = QLabel("\n".join(
            dict.fromkeys(i18n.load_translations(code).gettext(CHOOSE_LANGUAGE)
                          for code in codes)))
        layout = QVBoxLayout(self)
        layout.addWidget(question)
        self.buttons: dict[str, QPushButton] = {}
        for code in codes:
            button = QPushButton("&" + languages.native_name(code))
            button.setAccessibleDescription(question.text())
            button.clicked.connect(lambda _checked=False, c=code: self.choose(c))
            layout.addWidget(button)
            self.buttons[code] = button
        current = self.buttons.get(i18n.current_language())
        if current is not None:
            current.setDefault(True)
            current.setFocus()

    def choose(self, code: str) -> None:
        self.chosen = code
        self.accept()


class SignInDialog(QDialog):
    """User name and password; `actor` is set once the service accepts them. With `url`
    instead of a database (a PostgreSQL server reached with each person's own login), the
    database is opened as the typed login, and is `database` then."""

    def __init__(self, database: Database | None, parent: QWidget | None = None,
                 url: str | None = None):
        super().__init__(parent)
        self.database = database
        self.url = url
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
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("&Sign in"))
        buttons.accepted.connect(self.sign_in)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def sign_in(self) -> bool:
        try:
            if self.url is not None:
                self.database, self.actor = users.open_as(self.url, self.username.text(),
                                                          self.password.text())
            else:
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
        # The rule up front, not only after a refused try.
        self.password_rule = QLabel(password_rule())
        form.addRow("", self.password_rule)
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
            self.actor = users.create_administrator(self.database, data)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.accept()
        return True


def sign_in_at_start(database: Database, parent: QWidget | None = None) -> Actor | None:
    """Ask until someone signs in (or creates the first administrator); None: cancelled."""
    first = not users.has_users(database)
    dialog = FirstAdministratorDialog(database, parent) if first else SignInDialog(database,
                                                                                   parent)
    return dialog.actor if dialog.exec() == QDialog.DialogCode.Accepted else None


def sign_in_as_login(url: str, parent: QWidget | None = None
                     ) -> tuple[Database, Actor] | None:
    """A server reached with each person's own login: ask until someone signs in, opening
    the database as them; None: cancelled."""
    dialog = SignInDialog(None, parent, url=url)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.database, dialog.actor


def ask_language(parent: QWidget | None = None) -> str | None:
    """The language the person picks at the first start; None if they close the question."""
    dialog = LanguageDialog(parent)
    return dialog.chosen if dialog.exec() == QDialog.DialogCode.Accepted else None
