"""A repatriate case: its details, household, status history and status changes, with the
small dialogs it opens (a household member, a status change).

Every rule lives in services/repatriation.py; this module shows its results and messages.
The questions the dialog asks are attributes, so that tests can replace them.
"""

import datetime as dt
import uuid
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
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
from kzmigdesk.gui.change_requests_dialog import (
    ask_decision,
    ask_delete,
    delete_with_confirmation,
    run_or_draft,
    tell_sent_for_approval,
)
from kzmigdesk.gui.print_actions import print_document, print_kandas_certificate
from kzmigdesk.gui.widgets.colours import EXPIRING_STYLE, EXPIRY_WARNING_DAYS
from kzmigdesk.gui.widgets.dates import date_edit, from_qdate, to_qdate
from kzmigdesk.gui.widgets.dialogs import error_label, without_mnemonic
from kzmigdesk.gui.widgets.person_picker import PersonPicker
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.i18n import N_, _
from kzmigdesk.printing import forms
from kzmigdesk.services import prints
from kzmigdesk.services import repatriation as rep
from kzmigdesk.services.auth import Permission, actor_may
from kzmigdesk.services.change_requests import SentForApproval, status_kind
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.quotas import QuotaExceeded
from kzmigdesk.services.workspace import Database

S = RepatriateStatus


def expiry_warning(expiry: dt.date, today: dt.date) -> str:
    days = (expiry - today).days
    if days <= 0:
        return _("The certificate expires today.")
    return i18n.ngettext("The certificate expires in {days} day, on {date}.",
                         "The certificate expires in {days} days, on {date}.", days).format(
        days=i18n.format_number(days), date=i18n.format_date(expiry))


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
        self.ok_button = buttons.addButton(_("A&dd"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("C&ancel"), QDialogButtonBox.ButtonRole.RejectRole)
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
        self.setWindowTitle(without_mnemonic(_(rep.TRANSITION_ACTIONS[new_status])))
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
        buttons.addButton(_("&OK"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("C&ancel"), QDialogButtonBox.ButtonRole.RejectRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> dict:
        return {"on": from_qdate(self.date.date()), "comment": self.comment.toPlainText(),
                "certificate_number": self.certificate_number.text()}


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
        self.case: rep.CaseRecord | None = None  # as last loaded
        # Replaceable in tests: the questions this dialog asks.
        self.ask_transition = self._ask_transition  # (new_status) -> dict | None
        self.confirm_transition = self._confirm_transition  # (new_status) -> bool
        self.ask_member = self._ask_member  # () -> (person_id, relation) | None
        self.confirm_remove = self._confirm_remove  # (name) -> bool
        self.ask_override_reason = self._ask_override_reason  # (message) -> str | None
        self.ask_delete = lambda text, **draft: ask_delete(self, text, **draft)
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
        self.members_table.setAccessibleName(_(rep.LABEL_MEMBERS))
        self.add_member_button = QPushButton(_("&Add member…"))
        self.remove_member_button = QPushButton(_("Remove &member"))
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
        self.history_table.setAccessibleName(_("Status history"))
        history_box = QGroupBox(_("Status history"))
        QVBoxLayout(history_box).addWidget(self.history_table)

        self.transitions_label = QLabel()
        self.transitions = QHBoxLayout()
        self.transitions.addWidget(self.transitions_label)
        self.transitions.addStretch()
        self.transition_buttons: dict[S, QPushButton] = {}
        self.errors_label = error_label()
        close_button = QPushButton(_("&Close"))
        close_button.setDefault(True)
        close_button.clicked.connect(self.accept)
        self.print_button = QPushButton(_("&Print summary…"))
        self.print_button.setAutoDefault(False)
        self.print_button.clicked.connect(self.print_summary)
        self.certificate_button = QPushButton(_("Pr&int certificate…"))
        self.certificate_button.setAutoDefault(False)
        self.certificate_button.clicked.connect(self.print_certificate)
        self.delete_button = QPushButton(_("De&lete case…"))
        self.delete_button.setAutoDefault(False)
        self.delete_button.setVisible(actor_may(database.actor, Permission.REGISTER))
        self.delete_button.clicked.connect(self.delete)
        self.support_button = QPushButton(_("Kandas s&upport…"))  # issue 24
        self.support_button.setAutoDefault(False)
        self.support_button.clicked.connect(self.open_support)
        bottom = QHBoxLayout()
        bottom.addWidget(self.print_button)
        bottom.addWidget(self.certificate_button)
        bottom.addWidget(self.support_button)
        bottom.addWidget(self.delete_button)
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
        case = self.case = rep.load_case(self.database, self.case_id)
        shown = {
            "case_number": case.case_number,
            "applicant": case.applicant,
            "country": i18n.country_name(case.country_of_origin),
            "application_date": i18n.format_date(case.application_date),
            "arrival_date": i18n.format_date(case.arrival_date),
            "region": case.region,
            "quota_year": str(case.quota_year or ""),
            "status": label(case.status),
            "certificate_number": case.certificate_number or "",
            "certificate_issue_date": i18n.format_date(case.certificate_issue_date),
            "certificate_expiry_date": i18n.format_date(case.certificate_expiry_date),
        }
        self.setWindowTitle(_("Case {case_number}").format(case_number=case.case_number))
        self.certificate_button.setEnabled(bool(case.certificate_number))
        for key, text in shown.items():
            self.values[key].setText(text)
        today = dt.date.today()
        expiring = case.expires_within(today, EXPIRY_WARNING_DAYS)
        self.expiry_warning.setText(
            expiry_warning(case.certificate_expiry_date, today) if expiring else "")
        self.expiry_warning.setStyleSheet(
            EXPIRING_STYLE if expiring else "")

        fill_table(self.members_table,
                   [(m.full_name, label(m.relation), i18n.format_date(m.birth_date))
                    for m in case.members],
                   [_(h) for h in MEMBER_COLUMNS])
        for row, member in enumerate(case.members):
            self.members_table.item(row, 0).setData(Qt.ItemDataRole.UserRole,
                                                    str(member.person_id))
        fill_table(self.history_table,
                   [(i18n.format_date(c.changed_on),
                     label(c.from_status) if c.from_status else "",
                     label(c.to_status), c.comment or "")
                    for c in case.history],
                   [_(h) for h in HISTORY_COLUMNS])
        self.add_member_button.setEnabled(case.is_open)
        self.remove_member_button.setEnabled(case.is_open)
        self._show_transitions()
        self.errors_label.clear()

    def open_support(self) -> None:
        """The case's kandas support applications (issue 24)."""
        from kzmigdesk.gui.support_dialog import SupportDialog

        SupportDialog(self.database, self.case_id, self.case.case_number, self).exec()

    def _show_transitions(self) -> None:
        for button in self.transition_buttons.values():
            self.transitions.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.transition_buttons = {}
        allowed = rep.allowed_next(self.case.status)
        self.transitions_label.setText("" if allowed else _("The case is closed."))
        for position, status in enumerate(allowed, start=1):
            button = QPushButton(_(rep.TRANSITION_ACTIONS[status]))
            button.setProperty("status", status.value)
            button.clicked.connect(self._transition_clicked)
            self.transitions.insertWidget(position, button)
            self.transition_buttons[status] = button

    # --- changes ---

    def _transition_clicked(self) -> None:
        self.change_status(S(self.sender().property("status")))

    def _apply(self, action) -> bool:
        """Run `action()`, a change of the case; show why it was refused, or reload and tell
        the listeners."""
        self.errors_label.clear()
        try:
            action()
        except QuotaExceeded:
            raise  # change_status asks a supervisor for the reason
        except SentForApproval as sent:  # the case stays as it is until a supervisor approves
            tell_sent_for_approval(self, sent)
            return True
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.load()
        self.changed.emit(self.case_id)
        return True

    def change_status(self, new_status: S) -> bool:
        self.errors_label.clear()
        answer = self.ask_transition(S(new_status))
        confirmed = answer is not None and self.confirm_transition(S(new_status))
        if not confirmed:
            return False
        reason = None
        while True:
            try:
                return self._apply(lambda reason=reason: run_or_draft(
                    confirmed, lambda: rep.change_case_status(
                        self.database, self.case_id, new_status, answer.get("on"),
                        comment=answer.get("comment"),
                        certificate_number=answer.get("certificate_number"),
                        override_reason=reason)))
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
        return self._apply(lambda: rep.add_case_member(
            self.database, self.case_id, person_id, relation))

    def remove_member(self) -> bool:
        self.errors_label.clear()
        item = self.members_table.item(self.members_table.currentRow(), 0)
        if item is None:
            self.errors_label.setText(_("Choose a household member first."))
            return False
        if not self.confirm_remove(item.text()):
            return False
        person_id = uuid.UUID(item.data(Qt.ItemDataRole.UserRole))
        return self._apply(lambda: rep.remove_case_member(
            self.database, self.case_id, person_id))

    # --- the default questions ---

    def _ask_transition(self, new_status: S) -> dict | None:
        on = dt.date.today()
        if new_status is S.EXPIRED and self.case.certificate_expiry_date:
            on = min(on, self.case.certificate_expiry_date)
        dialog = TransitionDialog(new_status, on, self)
        return dialog.values() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def _confirm_transition(self, new_status: S) -> bool | str:
        """Confirm an irreversible move; a decision that waits for a supervisor may be kept
        as a draft instead (True, DRAFT or False)."""
        consequence = rep.IRREVERSIBLE.get(new_status)
        return ask_decision(self, self.database, status_kind(new_status),
                            _(rep.TRANSITION_ACTIONS[new_status]),
                            _(consequence) if consequence else None)

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

    def print_certificate(self) -> Path | None:
        try:
            return print_kandas_certificate(self.database, self.case_id)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return None

    def delete(self) -> bool:
        """Delete the case (softly) once confirmed, or send its deletion for approval."""
        what = _("the case {number}, {applicant}").format(
            number=self.case.case_number, applicant=self.case.applicant)
        outcome = delete_with_confirmation(self, self.database, "repatriate_cases",
                                           self.case_id, what, self.ask_delete)
        if outcome == "deleted":
            self.changed.emit(self.case_id)
            self.accept()
        return outcome is not None

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
