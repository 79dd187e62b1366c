"""The Repatriates section: the lazily paged list of repatriate (kandas) cases, the case
dialog (household, status history, status changes) and the dialog opening a new case.

Every rule lives in services/repatriation.py; this module shows its results and messages.
The questions the dialogs ask are attributes, so that tests can replace them.
"""

import datetime as dt
import uuid
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.domain.enums import HouseholdRelation, RepatriateStatus, label
from kzmigdesk.domain.models import Person, RepatriateCase
from kzmigdesk.gui.print_actions import print_document
from kzmigdesk.gui.widgets.dates import date_edit, from_qdate, to_qdate
from kzmigdesk.gui.widgets.dialogs import INVALID_STYLE, error_label
from kzmigdesk.gui.widgets.list_page import ListPage, fill_filter
from kzmigdesk.gui.widgets.paged_model import PagedTableModel
from kzmigdesk.gui.widgets.person_picker import PersonPicker
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.gui.widgets.unsaved import GuardedDialog
from kzmigdesk.i18n import N_, _
from kzmigdesk.printing import forms
from kzmigdesk.services import prints
from kzmigdesk.services import repatriation as rep
from kzmigdesk.services.auth import Permission, actor_may
from kzmigdesk.services.errors import FieldError, NotFound, ServiceError, ValidationFailed
from kzmigdesk.services.quotas import QuotaExceeded
from kzmigdesk.services.workspace import Database

S = RepatriateStatus
EXPIRY_WARNING_DAYS = 30
EXPIRING_COLOUR = "#ffe0b2"
COLUMNS = (
    N_("Case number"),
    rep.LABEL_APPLICANT,
    rep.LABEL_COUNTRY,
    rep.LABEL_APPLICATION_DATE,
    N_("Status"),
    N_("Certificate expiry"),
    rep.LABEL_MEMBERS,
)
CASE_GONE = N_("The case no longer exists.")
PERSON_GONE = N_("The person no longer exists.")


def expiry_warning(expiry: dt.date, today: dt.date) -> str:
    days = (expiry - today).days
    if days <= 0:
        return _("The certificate expires today.")
    return i18n.ngettext("The certificate expires in {days} day, on {date}.",
                         "The certificate expires in {days} days, on {date}.", days).format(
        days=i18n.format_number(days), date=i18n.format_date(expiry))




# --- the list ---


class CasesTableModel(PagedTableModel):
    COLUMNS = COLUMNS

    def __init__(self, database: Database):
        super().__init__(database)
        self.text, self.status, self.expiring_only = "", None, False
        self.today = dt.date.today()
        self.reload()

    def _filters(self) -> dict:
        within = EXPIRY_WARNING_DAYS if self.expiring_only else None
        return dict(text=self.text, status=self.status, expiring_within=within, today=self.today)

    def count(self) -> int:
        with self.database.sessions() as session:
            self.today = dt.date.today()
            return rep.count_cases(session, **self._filters())

    def fetch(self, offset: int, limit: int) -> list[rep.CaseRow]:
        with self.database.sessions() as session:
            return rep.fetch_cases(session, **self._filters(), offset=offset, limit=limit)

    def display(self, case: rep.CaseRow, column: int) -> str:
        return (
            case.case_number,
            case.applicant,
            i18n.country_name(case.country_of_origin),
            i18n.format_date(case.application_date, "short"),
            label(case.status),
            i18n.format_date(case.certificate_expiry_date, "short"),
            i18n.format_number(case.household_size),
        )[column]

    def decoration(self, case: rep.CaseRow, role):
        if not case.expires_within(self.today, EXPIRY_WARNING_DAYS):
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QColor(EXPIRING_COLOUR)
        if role == Qt.ItemDataRole.ToolTipRole:
            return expiry_warning(case.certificate_expiry_date, self.today)
        return None

    def set_filter(self, text: str, status: S | None, expiring_only: bool) -> None:
        self.text, self.status, self.expiring_only = text, status, expiring_only
        self.reload()

    def case_id(self, number: int) -> uuid.UUID:
        return self.row(number).id


class CasesPage(ListPage):
    """Search box, status filter, expiring certificates and the paged table of cases."""

    def __init__(self, database: Database):
        super().__init__(database, CasesTableModel(database), (130, 260, 150, 110, 170, 110))
        self.status = QComboBox()
        self.expiring = QCheckBox()
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self.new_case)
        self.filters.addWidget(self.status, 1)
        self.filters.addWidget(self.expiring)
        self.filters.addWidget(self.new_button)
        self.status.currentIndexChanged.connect(self.apply_filter)
        self.expiring.toggled.connect(self.apply_filter)
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(
            _("Search by case or certificate number, applicant's name or IIN"))
        self.expiring.setText(i18n.ngettext(
            "Certificates expiring within {days} day", "Certificates expiring within {days} days",
            EXPIRY_WARNING_DAYS).format(days=i18n.format_number(EXPIRY_WARNING_DAYS)))
        self.new_button.setText(_("New case…"))
        fill_filter(self.status, _("All statuses"), [(label(s), s.value) for s in S])
        self.model.retranslate()
        self.show_count()

    def set_model_filter(self) -> None:
        status = self.status.currentData()
        self.model.set_filter(self.search.text(), S(status) if status else None,
                              self.expiring.isChecked())

    def count_text(self, count: int) -> str:
        return i18n.ngettext("{count} case", "{count} cases", count).format(
            count=i18n.format_number(count))

    def show_case(self, case_id: uuid.UUID) -> "CaseDialog":
        """Open a case's dialog, non-modal; the list follows its changes."""
        dialog = CaseDialog(self.database, case_id, self)
        dialog.changed.connect(self._case_changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _case_changed(self, _case_id: uuid.UUID) -> None:
        self.refresh()

    def new_case(self) -> "NewCaseDialog":
        """Open the new case dialog, non-modal; a new case is then asked to be opened."""
        dialog = NewCaseDialog(self.database, parent=self)
        dialog.opened.connect(self._case_opened)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _case_opened(self, case_id: uuid.UUID) -> None:
        self.refresh()
        self.open_requested.emit(case_id)


class MemberDialog(QDialog):
    """Choose a person and their relation to the head of household."""

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Add a household member"))
        self.picker = PersonPicker(database)
        self.relation = QComboBox()
        for relation in HouseholdRelation:
            if relation is not HouseholdRelation.HEAD:
                self.relation.addItem(label(relation), relation.value)
        buttons = QDialogButtonBox()
        self.ok_button = buttons.addButton(_("Add"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow(_(rep.LABEL_RELATION), self.relation)
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.picker.selection_changed.connect(self._update)
        self.picker.activated.connect(self.accept)
        self._update()
        self.resize(520, 420)

    def _update(self) -> None:
        self.ok_button.setEnabled(self.picker.selected_id() is not None)

    def values(self) -> tuple[uuid.UUID, HouseholdRelation] | None:
        person_id = self.picker.selected_id()
        if person_id is None:
            return None
        return person_id, HouseholdRelation(self.relation.currentData())


class TransitionDialog(QDialog):
    """The date, comment and (for a grant) certificate number of a status change."""

    def __init__(self, new_status: S, on: dt.date, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Change the status to “{status}”").format(status=label(new_status)))
        self.date = date_edit()
        self.date.setDate(to_qdate(on))
        self.certificate_number = QLineEdit()
        self.certificate_number.setMaxLength(rep.CERTIFICATE_NUMBER_MAX)
        self.comment = QPlainTextEdit()
        form = QFormLayout()
        form.addRow(_(rep.LABEL_CHANGE_DATE), self.date)
        if new_status is S.GRANTED:
            form.addRow(_(rep.LABEL_CERTIFICATE), self.certificate_number)
        comment = _(rep.LABEL_COMMENT)
        if new_status in rep.COMMENT_REQUIRED:
            comment = _("{field} (required)").format(field=comment)
        form.addRow(comment, self.comment)
        buttons = QDialogButtonBox()
        buttons.addButton(_("OK"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> dict:
        return {"on": from_qdate(self.date.date()), "comment": self.comment.toPlainText(),
                "certificate_number": self.certificate_number.text()}


# --- a case ---

DETAILS = (
    ("case_number", N_("Case number")),
    ("applicant", rep.LABEL_APPLICANT),
    ("country", rep.LABEL_COUNTRY),
    ("application_date", rep.LABEL_APPLICATION_DATE),
    ("arrival_date", rep.LABEL_ARRIVAL_DATE),
    ("region", rep.LABEL_REGION),
    ("quota_year", rep.LABEL_QUOTA_YEAR),
    ("status", N_("Status")),
)
CERTIFICATE = (
    ("certificate_number", rep.LABEL_CERTIFICATE),
    ("certificate_issue_date", N_("Date of issue")),
    ("certificate_expiry_date", N_("Expiry date")),
)
MEMBER_COLUMNS = (N_("Name"), rep.LABEL_RELATION, N_("Date of birth"))
HISTORY_COLUMNS = (rep.LABEL_CHANGE_DATE, N_("Previous status"), N_("New status"),
                   rep.LABEL_COMMENT)


class CaseDialog(QDialog):
    """A case: its details, household, status history and the status changes allowed now."""

    changed = Signal(object)  # the case's id, after any change was saved

    def __init__(self, database: Database, case_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.case_id = case_id
        self.status: S | None = None
        self.certificate_expiry_date: dt.date | None = None
        # Replaceable in tests: the questions this dialog asks.
        self.ask_transition = self._ask_transition  # (new_status) -> dict | None
        self.ask_member = self._ask_member  # () -> (person_id, relation) | None
        self.confirm_remove = self._confirm_remove  # (name) -> bool
        self.ask_override_reason = self._ask_override_reason  # (message) -> str | None
        self.resize(900, 720)

        self.values: dict[str, QLabel] = {}
        details, certificate = QFormLayout(), QFormLayout()
        for form, rows in ((details, DETAILS), (certificate, CERTIFICATE)):
            for key, caption in rows:
                value = self.values[key] = QLabel()
                value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                form.addRow(_(caption), value)
        self.expiry_warning = QLabel()
        certificate.addRow(self.expiry_warning)
        certificate_box = QGroupBox(_("Kandas certificate"))
        certificate_box.setLayout(certificate)
        top = QHBoxLayout()
        top.addLayout(details, 3)
        top.addWidget(certificate_box, 2)

        self.members_table = read_only_table(len(MEMBER_COLUMNS))
        self.add_member_button = QPushButton(_("Add member…"))
        self.remove_member_button = QPushButton(_("Remove member"))
        self.add_member_button.clicked.connect(self.add_member)
        self.remove_member_button.clicked.connect(self.remove_member)
        member_buttons = QHBoxLayout()
        member_buttons.addWidget(self.add_member_button)
        member_buttons.addWidget(self.remove_member_button)
        member_buttons.addStretch()
        members_box = QGroupBox(_(rep.LABEL_MEMBERS))
        members_layout = QVBoxLayout(members_box)
        members_layout.addWidget(self.members_table)
        members_layout.addLayout(member_buttons)

        self.history_table = read_only_table(len(HISTORY_COLUMNS))
        history_box = QGroupBox(_("Status history"))
        QVBoxLayout(history_box).addWidget(self.history_table)

        self.transitions_label = QLabel()
        self.transitions = QHBoxLayout()
        self.transitions.addWidget(self.transitions_label)
        self.transitions.addStretch()
        self.transition_buttons: dict[S, QPushButton] = {}
        self.errors_label = error_label()
        close_button = QPushButton(_("Close"))
        close_button.setDefault(True)
        close_button.clicked.connect(self.accept)
        self.print_button = QPushButton(_("Print summary…"))
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_summary)
        bottom = QHBoxLayout()
        bottom.addWidget(self.print_button)
        bottom.addStretch()
        bottom.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(members_box, 1)
        layout.addWidget(history_box, 1)
        layout.addLayout(self.transitions)
        layout.addWidget(self.errors_label)
        layout.addLayout(bottom)
        self.load()

    def load(self) -> None:
        """Show the case as stored now."""
        with self.database.sessions() as session:
            case = session.get(RepatriateCase, self.case_id)
            if case is None:
                raise NotFound(CASE_GONE)
            members = [
                (m.person.full_name, label(m.relation), i18n.format_date(m.person.birth_date),
                 str(m.person_id))
                for m in rep.household_members(session, case)
            ]
            history = [
                (i18n.format_date(c.changed_on), label(c.from_status) if c.from_status else "",
                 label(c.to_status), c.comment or "")
                for c in rep.case_history(session, case)
            ]
            shown = {
                "case_number": case.case_number,
                "applicant": case.person.full_name,
                "country": i18n.country_name(case.country_of_origin),
                "application_date": i18n.format_date(case.application_date),
                "arrival_date": i18n.format_date(case.arrival_date),
                "region": case.resettlement_region.name if case.resettlement_region else "",
                "quota_year": str(case.quota_year or ""),
                "status": label(case.status),
                "certificate_number": case.certificate_number or "",
                "certificate_issue_date": i18n.format_date(case.certificate_issue_date),
                "certificate_expiry_date": i18n.format_date(case.certificate_expiry_date),
            }
            self.status = case.status
            self.certificate_expiry_date = case.certificate_expiry_date
            case_open = rep.is_open(case)
        self.setWindowTitle(_("Case {case_number}").format(case_number=shown["case_number"]))
        for key, text in shown.items():
            self.values[key].setText(text)
        today = dt.date.today()
        expiring = self.status is S.GRANTED and self.certificate_expiry_date is not None and (
            today <= self.certificate_expiry_date <= today + dt.timedelta(days=EXPIRY_WARNING_DAYS))
        self.expiry_warning.setText(
            expiry_warning(self.certificate_expiry_date, today) if expiring else "")
        self.expiry_warning.setStyleSheet(
            f"background: {EXPIRING_COLOUR}; padding: 4px;" if expiring else "")

        fill_table(self.members_table, [m[:3] for m in members],
                   [_(h) for h in MEMBER_COLUMNS])
        for row, member in enumerate(members):
            self.members_table.item(row, 0).setData(Qt.ItemDataRole.UserRole, member[3])
        fill_table(self.history_table, history, [_(h) for h in HISTORY_COLUMNS])
        self.add_member_button.setEnabled(case_open)
        self.remove_member_button.setEnabled(case_open)
        self._show_transitions()
        self.errors_label.clear()

    def _show_transitions(self) -> None:
        for button in self.transition_buttons.values():
            self.transitions.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.transition_buttons = {}
        allowed = rep.allowed_next(self.status)
        self.transitions_label.setText(
            _("Change the status to:") if allowed else _("The case is closed."))
        for position, status in enumerate(allowed, start=1):
            button = QPushButton(label(status))
            button.setProperty("status", status.value)
            button.clicked.connect(self._transition_clicked)
            self.transitions.insertWidget(position, button)
            self.transition_buttons[status] = button

    # --- changes ---

    def _transition_clicked(self) -> None:
        self.change_status(S(self.sender().property("status")))

    def _apply(self, action) -> bool:
        """Run `action(session, case)` in one transaction; show why it was refused, or
        reload and tell the listeners."""
        self.errors_label.clear()
        try:
            with self.database.transaction() as session:
                case = session.get(RepatriateCase, self.case_id)
                if case is None:
                    raise NotFound(CASE_GONE)
                action(session, case)
        except QuotaExceeded:
            raise  # change_status asks a supervisor for the reason
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.load()
        self.changed.emit(self.case_id)
        return True

    def change_status(self, new_status: S) -> bool:
        self.errors_label.clear()
        answer = self.ask_transition(S(new_status))
        if answer is None:
            return False
        reason = None
        while True:
            try:
                return self._apply(lambda session, case, reason=reason: rep.change_status(
                    session, case, new_status, answer.get("on"),
                    comment=answer.get("comment"),
                    certificate_number=answer.get("certificate_number"),
                    override_reason=reason))
            except QuotaExceeded as refused:
                may_override = actor_may(self.database.actor, Permission.OVERRIDE_QUOTA)
                reason = self.ask_override_reason(refused.message()) if may_override else None
                if reason is None:
                    self.errors_label.setText(refused.message())
                    return False

    def add_member(self) -> bool:
        self.errors_label.clear()
        answer = self.ask_member()
        if answer is None:
            return False
        person_id, relation = answer

        def action(session, case):
            person = session.get(Person, person_id)
            if person is None:
                raise NotFound(PERSON_GONE)
            rep.add_member(session, case, person, relation)

        return self._apply(action)

    def remove_member(self) -> bool:
        self.errors_label.clear()
        item = self.members_table.item(self.members_table.currentRow(), 0)
        if item is None:
            self.errors_label.setText(_("Choose a household member first."))
            return False
        if not self.confirm_remove(item.text()):
            return False
        person_id = uuid.UUID(item.data(Qt.ItemDataRole.UserRole))

        def action(session, case):
            person = session.get(Person, person_id)
            if person is None:
                raise NotFound(PERSON_GONE)
            rep.remove_member(session, case, person)

        return self._apply(action)

    # --- the default questions ---

    def _ask_transition(self, new_status: S) -> dict | None:
        on = dt.date.today()
        if new_status is S.EXPIRED and self.certificate_expiry_date:
            on = min(on, self.certificate_expiry_date)
        dialog = TransitionDialog(new_status, on, self)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _ask_member(self) -> tuple[uuid.UUID, HouseholdRelation] | None:
        dialog = MemberDialog(self.database, self)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def print_summary(self) -> Path | None:
        try:
            return print_document(self.database, f"case-{self.case_id}",
                                  prints.case_summary, forms.case_summary, self.case_id)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return None

    def _ask_override_reason(self, message: str) -> str | None:
        reason, accepted = QInputDialog.getText(
            self, _("Beyond the quota"),
            message + "\n\n" + _("Reason for going beyond the quota"))
        return reason if accepted else None

    def _confirm_remove(self, name: str) -> bool:
        answer = QMessageBox.question(
            self, _("Remove member"),
            _("Remove {name} from the household?").format(name=name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes


# --- a new case ---


class NewCaseDialog(GuardedDialog):
    """Open a case for an applicant found by search; the household is completed later in the
    case dialog."""

    opened = Signal(object)  # the new case's id

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.case_id: uuid.UUID | None = None
        self.setWindowTitle(_("New repatriate case"))
        self.picker = PersonPicker(database)
        self.country = QComboBox()
        self.country.addItem("", None)
        for code, name in i18n.country_names():
            if code != "KZ":
                self.country.addItem(f"{name} ({code})", code)
        self.application_date = date_edit()
        self.application_date.setDate(QDate.currentDate())
        self.arrival_date = date_edit()
        self.errors_label = error_label()
        self.fields = {"person_id": self.picker.search, "country_of_origin": self.country,
                       "application_date": self.application_date,
                       "arrival_date": self.arrival_date}
        form = QFormLayout()
        form.addRow(_(rep.LABEL_APPLICANT), self.picker)
        form.addRow(_(rep.LABEL_COUNTRY), self.country)
        form.addRow(_(rep.LABEL_APPLICATION_DATE), self.application_date)
        form.addRow(_(rep.LABEL_ARRIVAL_DATE), self.arrival_date)
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton(
            _("Open case"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.open_case)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors_label)
        layout.addWidget(buttons)
        self.resize(620, 520)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.open_case)
        self.remember_state()

    def show_errors(self, errors: list[FieldError]) -> None:
        invalid = {e.field: e.message() for e in errors}
        for name, widget in self.fields.items():
            widget.setStyleSheet(INVALID_STYLE if name in invalid else "")
            widget.setToolTip(invalid.get(name, ""))
        self.errors_label.setText("\n".join(e.message() for e in errors))

    def open_case(self) -> bool:
        person_id = self.picker.selected_id()
        data = rep.CaseInput(
            country_of_origin=self.country.currentData() or "",
            application_date=from_qdate(self.application_date.date()),
            arrival_date=from_qdate(self.arrival_date.date()),
        )
        try:
            with self.database.transaction() as session:
                head = session.get(Person, person_id) if person_id else None
                if head is None:
                    raise ValidationFailed(
                        [FieldError("person_id", rep.LABEL_APPLICANT, rep.REQUIRED)])
                case_id = rep.open_case(session, head, data).id
        except ValidationFailed as failure:
            self.show_errors(failure.errors)
            return False
        except ServiceError as error:
            self.show_errors([])
            self.errors_label.setText(error.message())
            return False
        self.case_id = case_id
        self.remember_state()
        self.opened.emit(case_id)
        self.accept()
        return True
