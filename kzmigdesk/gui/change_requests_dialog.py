"""Change requests (services/change_requests.py): a supervisor's queue of the changes waiting
for approval, each with the old and the new values side by side and, when the record changed
since, what changed; approve, reject with a reason, or (its author) withdraw."""

import uuid
from contextlib import nullcontext

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.domain.enums import ChangeKind, UserRole, label
from kzmigdesk.gui.widgets.dialogs import (
    DRAFT,
    button_box,
    confirm_action,
    confirm_or_draft,
    error_label,
    no_default_buttons,
)
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.i18n import N_, _
from kzmigdesk.services import change_requests as cr
from kzmigdesk.services.auth import Permission, actor_may
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.quotas import QuotaExceeded
from kzmigdesk.services.workspace import Database


def tell_sent_for_approval(parent: QWidget, sent: cr.SentForApproval) -> QMessageBox:
    """Say that a change went to a supervisor instead of being applied (not blocking)."""
    box = QMessageBox(QMessageBox.Icon.Information, _("Sent for approval"), sent.message(),
                      QMessageBox.StandardButton.Ok, parent)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


# What deleting a record does, said before the user confirms it.
DELETE_CONSEQUENCES = {
    "persons": N_("The person disappears from the lists and searches. The record stays in "
                  "the database and in the audit trail; their cases and permits are not "
                  "deleted with them."),
    "repatriate_cases": N_("The case disappears from the lists of cases. The person stays; "
                           "the record stays in the database and in the audit trail."),
    "work_permits": N_("The permit disappears from the lists of permits. The worker stays; "
                       "the record stays in the database and in the audit trail."),
}


def ask_delete(parent: QWidget, text: str, may_draft: bool = False) -> bool | str:
    """The question before a deletion: its consequence, a Delete button and Cancel (the
    default); with `may_draft` (the deletion waits for a supervisor), Keep as a draft too."""
    if may_draft:
        return confirm_or_draft(parent, _("&Delete"), text)
    return confirm_action(parent, _("&Delete"), text)


WAITS_FOR_APPROVAL = N_("Your change needs a supervisor's approval: it is sent as a request "
                        "and applies once approved, or kept as your draft to submit later "
                        "(File → Change requests).")


def ask_decision(parent: QWidget, database: Database, kind: ChangeKind | None, action: str,
                 consequence: str | None) -> bool | str:
    """The question before a decision (a status change): when the user's decision waits for
    a supervisor, send it, keep it as a draft or cancel; otherwise the confirmation of an
    irreversible one (`consequence`), or none. True, DRAFT or False."""
    if kind is not None and cr.change_needs_approval(database, kind):
        text = "\n\n".join(t for t in (consequence, _(WAITS_FOR_APPROVAL)) if t)
        return confirm_or_draft(parent, action, text)
    return True if consequence is None else confirm_action(parent, action, consequence)


def run_or_draft(answer: bool | str, action):
    """Run `action()`, within drafting() when the answer was Keep as a draft."""
    with cr.drafting() if answer == DRAFT else nullcontext():
        return action()


def delete_with_confirmation(parent: QWidget, database: Database, target_type: str,
                             target_id: uuid.UUID, what: str, ask,
                             expected_version: int | None = None) -> str | None:
    """Ask (`ask(text) -> bool`) whether to delete `what`, saying what it does and whether it
    waits for a supervisor; then delete it (softly) or send the deletion for approval.
    Returns "deleted", "sent" (a request waits), or None (not confirmed, or refused: the
    reason is shown)."""
    try:
        waits = cr.deletion_needs_approval(database)
    except ServiceError as error:
        QMessageBox.warning(parent, _("Not deleted"), error.message())
        return None
    text = "\n\n".join((
        _("Delete {what}?").format(what=what), _(DELETE_CONSEQUENCES[target_type]),
        _("Your deletion needs a supervisor's approval: a request is sent, and the record "
          "stays until it is approved.") if waits else _("It is deleted at once.")))
    answer = ask(text, may_draft=True) if waits else ask(text)
    if not answer:
        return None
    try:
        run_or_draft(answer, lambda: cr.delete(database, target_type, target_id,
                                               expected_version))
    except cr.SentForApproval as sent:
        tell_sent_for_approval(parent, sent)
        return "sent"
    except ServiceError as error:
        QMessageBox.warning(parent, _("Not deleted"), error.message())
        return None
    return "deleted"


class ChangeRequestsDialog(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.request_ids: list[uuid.UUID] = []
        self.detail: cr.RequestDetail | None = None
        self.seen_version: int | None = None  # the approver compared the record as it is now
        self.setWindowTitle(_("Change requests"))
        self.resize(1000, 620)
        self.show_decided = QCheckBox(_("Show &decided requests too"))
        self.list = read_only_table(5)
        self.list.setAccessibleName(_("Change requests"))
        self.fields = read_only_table(3)
        self.fields.setAccessibleName(_("Proposed change"))
        self.stale_label = error_label()
        self.since = read_only_table(3)
        self.since.setAccessibleName(_("Changed since the request"))
        self.state_label = QLabel()
        self.state_label.setWordWrap(True)
        self.reason = QLineEdit()
        reason_label = QLabel(_("&Reason for rejecting:"))
        reason_label.setBuddy(self.reason)
        self.approve_button = QPushButton(_("&Approve"))
        self.reject_button = QPushButton(_("Re&ject"))
        self.withdraw_button = QPushButton(_("&Withdraw"))
        self.submit_button = QPushButton(_("Su&bmit"))
        self.ask_override_reason = self._ask_override_reason  # (message) -> str | None
        self.scans_button = QPushButton(_("&Scans…"))
        self.print_button = QPushButton(_("&Print…"))
        self.rules_button = QPushButton(_("R&ules…"))
        self.rules_button.setVisible(actor_may(database.actor, Permission.MANAGE_USERS))
        self.rules_button.clicked.connect(self.edit_rules)
        no_default_buttons(self.approve_button, self.reject_button, self.withdraw_button,
                           self.submit_button, self.scans_button, self.print_button)
        self.errors_label = error_label()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)

        decide = QHBoxLayout()
        decide.addWidget(reason_label)
        decide.addWidget(self.reason, 1)
        decide.addWidget(self.reject_button)
        decide.addWidget(self.approve_button)
        decide.addWidget(self.withdraw_button)
        decide.addWidget(self.submit_button)
        decide.addWidget(self.scans_button)
        decide.addWidget(self.print_button)
        top = QHBoxLayout()
        top.addWidget(self.show_decided)
        top.addStretch()
        top.addWidget(self.rules_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.list, 2)
        layout.addWidget(self.state_label)
        layout.addWidget(self.fields, 2)
        layout.addWidget(self.stale_label)
        layout.addWidget(self.since, 1)
        layout.addLayout(decide)
        layout.addWidget(self.errors_label)
        layout.addWidget(close)

        self.show_decided.toggled.connect(self.load)
        self.list.currentCellChanged.connect(self._chosen)
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self.reject_request)
        self.withdraw_button.clicked.connect(self.withdraw)
        self.submit_button.clicked.connect(self.submit)
        self.scans_button.clicked.connect(self.show_scans)
        self.print_button.clicked.connect(self.print_form)
        self.load()

    def load(self) -> None:
        try:
            rows = cr.list_requests(self.database, waiting_only=not self.show_decided.isChecked())
        except ServiceError as error:
            self.errors_label.setText(error.message())
            rows = []
        self.request_ids = [r.id for r in rows]
        self.list.blockSignals(True)
        fill_table(self.list, [[label(r.kind), r.summary, r.author,
                                i18n.format_datetime(r.submitted_at) if r.submitted_at else "",
                                label(r.status)] for r in rows],
                   [_("Change"), _("Record"), _("Author"), _("Sent"), _("State")])
        self.list.blockSignals(False)
        self.detail = None
        if rows:
            self.list.selectRow(0)
            self._chosen(0)
        else:
            self._show(None)

    def _chosen(self, row: int, *_args) -> None:
        if not 0 <= row < len(self.request_ids):
            return
        try:
            self._show(cr.load_request(self.database, self.request_ids[row]))
        except ServiceError as error:
            self.errors_label.setText(error.message())

    def _show(self, detail: cr.RequestDetail | None) -> None:
        self.detail, self.seen_version = detail, None
        self.errors_label.clear()
        fill_table(self.fields, [[d.label, d.old, d.new] for d in detail.fields] if detail
                   else [], [_("Field"), _("Before"), _("Proposed")])
        self._show_since(detail.changed_since if detail else ())
        state = ""
        if detail is not None:
            row = detail.row
            state = label(row.status)
            if row.decided_by:
                state += " · " + _("{user}, {time}").format(
                    user=row.decided_by, time=i18n.format_datetime(row.decided_at))
            if row.reason:
                state += " · " + row.reason
        self.state_label.setText(state)
        self.approve_button.setText(_("&Approve"))
        self.approve_button.setEnabled(bool(detail and detail.may_decide))
        self.reject_button.setEnabled(bool(detail and detail.may_decide))
        self.reason.setEnabled(bool(detail and detail.may_decide))
        self.withdraw_button.setEnabled(bool(detail and detail.may_withdraw))
        self.submit_button.setEnabled(bool(detail and detail.may_submit))
        self.scans_button.setEnabled(detail is not None)
        self.print_button.setEnabled(detail is not None)

    def _show_since(self, changed) -> None:
        self.stale_label.setText(_("The record has changed since this request was made:")
                                 if changed else "")
        fill_table(self.since, [[d.label, d.old, d.new] for d in changed],
                   [_("Field"), _("When requested"), _("Now")])
        self.since.setVisible(bool(changed))

    def show_scans(self):
        """The request's scans (a decision, a corrected passport …)."""
        from kzmigdesk.gui.scans_dialog import ScansDialog

        if self.detail is None:
            return None
        dialog = ScansDialog(self.database, request_id=self.detail.row.id,
                             title=self.detail.row.summary, parent=self)
        dialog.show()
        return dialog

    def edit_rules(self) -> "ApprovalRulesDialog":
        dialog = ApprovalRulesDialog(self.database, self)
        dialog.show()
        return dialog

    def print_form(self):
        """The request as a bilingual kk/ru form for the paper file."""
        from kzmigdesk.gui.print_actions import print_document
        from kzmigdesk.printing.request_form import request_form
        from kzmigdesk.services import prints

        if self.detail is None:
            return None
        try:
            return print_document(self.database, "change-request", prints.change_request_form,
                                  request_form, self.detail.row.id)
        except (ServiceError, OSError) as error:
            self.errors_label.setText(error.message() if isinstance(error, ServiceError)
                                      else str(error))
            return None

    def _current_id(self) -> uuid.UUID | None:
        return self.detail.row.id if self.detail else None

    def _decide(self, action) -> bool:
        try:
            action()
        except QuotaExceeded:
            raise  # approve asks a supervisor for the reason
        except cr.StaleRequest as stale:
            self._show_since(stale.differences)
            self.seen_version = stale.version
            self.approve_button.setText(_("&Approve against the record as it is now"))
            self.errors_label.setText(stale.message())
            return False
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.reason.clear()
        self.load()
        return True

    def approve(self) -> bool:
        """Approve the request; when applying it would go beyond a quota, a supervisor is
        asked for the override's reason (recorded with the approval)."""
        request_id, seen = self._current_id(), self.seen_version
        if request_id is None:
            return False
        reason = None
        while True:
            try:
                return self._decide(lambda reason=reason: cr.approve_request(
                    self.database, request_id, seen_version=seen, override_reason=reason))
            except QuotaExceeded as refused:
                may = actor_may(self.database.actor, Permission.OVERRIDE_QUOTA)
                reason = self.ask_override_reason(refused.message()) if may else None
                if reason is None:
                    self.errors_label.setText(refused.message())
                    return False

    def _ask_override_reason(self, message: str) -> str | None:
        reason, accepted = QInputDialog.getText(
            self, _("Beyond the quota"),
            message + "\n\n" + _("Reason for going beyond the quota"))
        return reason if accepted else None

    def submit(self) -> bool:
        """The author sends their draft to the supervisors."""
        request_id = self._current_id()
        return request_id is not None and self._decide(
            lambda: cr.submit_request(self.database, request_id))

    def reject_request(self) -> bool:
        request_id = self._current_id()
        return request_id is not None and self._decide(
            lambda: cr.reject_request(self.database, request_id, self.reason.text()))

    def withdraw(self) -> bool:
        request_id = self._current_id()
        return request_id is not None and self._decide(
            lambda: cr.withdraw_request(self.database, request_id))


class ApprovalRulesDialog(QDialog):
    """What needs approval, and whose changes (administrators only; services check it)."""

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.setWindowTitle(_("What needs approval"))
        rules = cr.approval_rules(database)
        kinds_box = QGroupBox(_("Changes that wait for a supervisor's approval"))
        kinds_layout = QVBoxLayout(kinds_box)
        self.kinds = {}
        for kind in ChangeKind:
            self.kinds[kind] = box = QCheckBox(label(kind))
            box.setChecked(kind in rules.kinds)
            kinds_layout.addWidget(box)
        roles_box = QGroupBox(_("When made by"))
        roles_layout = QVBoxLayout(roles_box)
        self.roles = {}
        for role in (UserRole.CLERK, UserRole.SUPERVISOR):
            self.roles[role] = box = QCheckBox(label(role))
            box.setChecked(role in rules.roles)
            roles_layout.addWidget(box)
        self.errors_label = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(kinds_box)
        layout.addWidget(roles_box)
        layout.addWidget(QLabel(_("An administrator's changes never wait; nobody approves "
                                  "their own request.")))
        layout.addWidget(self.errors_label)
        layout.addWidget(button_box(self.save, self.reject, save=True))

    def save(self) -> bool:
        rules = cr.ApprovalRules(
            frozenset(k for k, box in self.kinds.items() if box.isChecked()),
            frozenset(r for r, box in self.roles.items() if box.isChecked()))
        try:
            cr.set_approval_rules(self.database, rules)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.accept()
        return True
