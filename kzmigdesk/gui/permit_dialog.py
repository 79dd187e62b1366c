"""The permit dialog: issuing a permit, then moving it through its life cycle.

The rules live in services/labour.py: this dialog collects input and shows the services'
messages in an errors label, never in a message box.
"""

import datetime as dt
import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.domain.enums import ChangeKind, PermitCategory, PermitStatus, label
from kzmigdesk.gui.change_requests_dialog import (
    ask_decision,
    ask_delete,
    delete_with_confirmation,
    run_or_draft,
    tell_sent_for_approval,
)
from kzmigdesk.gui.employer_dialog import ID_ROLE, EmployerDialog
from kzmigdesk.gui.sector_combo import chosen_sector, sector_combo
from kzmigdesk.gui.widgets.choices import sorted_regions
from kzmigdesk.gui.widgets.colours import NOTICE_STYLE
from kzmigdesk.gui.widgets.dates import date_edit, from_qdate, to_qdate
from kzmigdesk.gui.widgets.dialogs import (
    ERROR_STYLE,
    INVALID_STYLE,
    button_box,
    no_default_buttons,
    without_mnemonic,
)
from kzmigdesk.gui.widgets.list_page import search_hint
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.gui.widgets.unsaved import GuardedDialog
from kzmigdesk.i18n import _
from kzmigdesk.services.auth import Permission, actor_may
from kzmigdesk.services.change_requests import SentForApproval
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.labour import (
    KAZAKHSTAN,
    PERMIT_ACTIONS,
    PERMIT_IRREVERSIBLE,
    PERMIT_TRANSITIONS,
    EmployerInput,
    PermitInput,
    PermitNotIssued,
    PermitRecord,
    employer_choices,
    issue_new_permit,
    load_permit,
    load_worker,
    needs_work_permit,
    set_permit_status,
    worker_choices,
)
from kzmigdesk.services.quotas import QuotaExceeded
from kzmigdesk.services.violations import EmployerFlagged
from kzmigdesk.services.workspace import Database

EXTRA_ROLE = Qt.ItemDataRole.UserRole + 1


def citizenship_name(code: str | None) -> str:
    return i18n.country_name(code) if code else _("stateless or unknown")


def no_permit_notice(citizenship: str | None) -> str:
    """Why a person of this citizenship gets no permit ("" when they need one)."""
    if needs_work_permit(citizenship):
        return ""
    if citizenship.strip().upper() == KAZAKHSTAN:
        reason = _("Citizens of Kazakhstan need no work permit.")
    else:
        reason = _("Citizens of the Eurasian Economic Union member states (Armenia, Belarus, "
                   "Kyrgyzstan, Russia) need no work permit.")
    return reason + "\n" + _("No permit can be issued, and nothing is counted against the "
                             "labour quota.")


class PermitDialog(GuardedDialog):
    """Issue a new permit, or show an existing one with its history and status changes."""

    saved = Signal(object)  # the permit's id

    def __init__(self, database: Database, permit_id: uuid.UUID | None = None,
                 parent: QWidget | None = None, person_id: uuid.UUID | None = None):
        super().__init__(parent)
        self.database = database
        self.permit_id = permit_id
        self.record: PermitRecord | None = None  # the stored permit, once loaded
        # Replaceable in tests: asks for the date, comment and (for EXTENDED) the new last
        # valid day of a status change; a dict with "on", "comment", "new_valid_to", or None.
        self.ask_transition = self._ask_transition
        # Replaceable in tests: (new_status) -> bool, True to go on with the change.
        self.confirm_transition = self._confirm_transition
        self.errors_label = QLabel()
        self.errors_label.setStyleSheet(ERROR_STYLE)
        self.errors_label.setWordWrap(True)
        self.body = QVBoxLayout(self)
        if permit_id is None:
            self._build_new(person_id)
        else:
            self._build_existing()
            self.load()
        self.remember_state()

    # --- a new permit ---

    def _build_new(self, person_id: uuid.UUID | None) -> None:
        self.setWindowTitle(_("New work permit"))
        self.resize(760, 720)
        self.worker_search = QLineEdit()
        search_hint(self.worker_search,
                    _("Search by name in any script, IIN or document number"))
        self.worker_list = QListWidget()
        self.worker_list.setAccessibleName(_("Worker"))
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(NOTICE_STYLE)
        self.notice_label.hide()
        worker_box = QGroupBox(_("Worker"))
        box = QVBoxLayout(worker_box)
        for widget in (self.worker_search, self.worker_list, self.notice_label):
            box.addWidget(widget)

        self.employer_search = QLineEdit()
        search_hint(self.employer_search, _("BIN or name of the employer"))
        self.employer_list = QListWidget()
        self.employer_list.setAccessibleName(_("Employer"))
        self.new_employer = QCheckBox(_("Register a new employer"))
        self.employer_bin, self.employer_name = QLineEdit(), QLineEdit()
        self.employer_sector = sector_combo(self.database)
        self.employer_bin.setMaxLength(12)
        self.employer_region = QComboBox()
        self.new_employer_fields = QWidget()
        form = QFormLayout(self.new_employer_fields)
        form.addRow(_("BIN"), self.employer_bin)
        form.addRow(_("Employer name"), self.employer_name)
        form.addRow(_("Sector"), self.employer_sector)
        form.addRow(_("Region"), self.employer_region)
        self.new_employer_fields.hide()
        employer_box = QGroupBox(_("Employer"))
        box = QVBoxLayout(employer_box)
        for widget in (self.employer_search, self.employer_list, self.new_employer,
                       self.new_employer_fields):
            box.addWidget(widget)

        self.number, self.profession = QLineEdit(), QLineEdit()
        self.category, self.region = QComboBox(), QComboBox()
        self.valid_from, self.valid_to = date_edit(), date_edit()
        self.valid_from.setDate(to_qdate(dt.date.today()))
        self.category.addItem("", None)
        for category in PermitCategory:
            self.category.addItem(label(category), category.value)
        permit_box = QGroupBox(_("Permit"))
        form = QFormLayout(permit_box)
        form.addRow(_("Permit number"), self.number)
        form.addRow(_("Permit category"), self.category)
        form.addRow(_("Profession"), self.profession)
        form.addRow(_("Region"), self.region)
        form.addRow(_("Valid from"), self.valid_from)
        form.addRow(_("Valid to"), self.valid_to)
        # Shown when the quota is used up and the user may go beyond it.
        self.override_reason = QLineEdit()
        form.addRow(_("Reason for going beyond the quota"), self.override_reason)
        form.setRowVisible(self.override_reason, False)
        # Shown when the employer has labour violations: the clerk acknowledges the warning.
        self.acknowledge = QCheckBox(_("I have read the warning about the employer's "
                                       "violations"))
        form.addRow(self.acknowledge)
        form.setRowVisible(self.acknowledge, False)
        self.permit_form = form

        self.save_button, self.cancel_button = QPushButton(_("&Save")), QPushButton(_("C&ancel"))
        no_default_buttons(self.save_button, self.cancel_button)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        columns = QHBoxLayout()
        columns.addWidget(worker_box)
        columns.addWidget(employer_box)
        self.body.addLayout(columns)
        self.body.addWidget(permit_box)
        self.body.addWidget(self.errors_label)
        self.body.addLayout(buttons)

        self.region.addItem("", None)
        self.employer_region.addItem("", None)
        for name, region_id in sorted_regions(self.database):
            self.region.addItem(name, region_id)
            self.employer_region.addItem(name, region_id)
        self.worker_search.textChanged.connect(self.find_workers)
        self.worker_list.currentItemChanged.connect(self._worker_chosen)
        self.employer_search.textChanged.connect(self.find_employers)
        self.employer_list.currentItemChanged.connect(self._employer_chosen)
        self.new_employer.toggled.connect(self._new_employer_toggled)
        self.save_button.clicked.connect(self.save)
        self.cancel_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        self.find_employers()
        if person_id is not None:
            self._show_worker(person_id)

    @staticmethod
    def _item(text: str, item_id: uuid.UUID, extra: str | None) -> QListWidgetItem:
        item = QListWidgetItem(text)
        item.setData(ID_ROLE, str(item_id))
        item.setData(EXTRA_ROLE, extra or "")
        return item

    def _worker_item(self, person) -> QListWidgetItem:
        parts = [person.full_name, i18n.format_date(person.birth_date),
                 citizenship_name(person.citizenship), person.iin or ""]
        return self._item(" · ".join(p for p in parts if p), person.id, person.citizenship)

    def find_workers(self) -> None:
        self.worker_list.clear()
        text = self.worker_search.text()
        if not text.strip():
            return
        for person in worker_choices(self.database, text):
            self.worker_list.addItem(self._worker_item(person))

    def _show_worker(self, person_id: uuid.UUID) -> None:
        self.worker_list.addItem(self._worker_item(load_worker(self.database, person_id)))
        self.worker_list.setCurrentRow(0)

    def worker_id(self) -> uuid.UUID | None:
        item = self.worker_list.currentItem()
        return uuid.UUID(item.data(ID_ROLE)) if item else None

    def _worker_chosen(self, item: QListWidgetItem | None) -> None:
        notice = no_permit_notice(item.data(EXTRA_ROLE) or None) if item else ""
        self.notice_label.setText(notice)
        self.notice_label.setVisible(bool(notice))
        self.save_button.setEnabled(not notice)

    def find_employers(self) -> None:
        self.employer_list.clear()
        for employer in employer_choices(self.database, self.employer_search.text()):
            self.employer_list.addItem(self._item(
                f"{employer.name} · {employer.bin}", employer.id, str(employer.region_id)))

    def employer_id(self) -> uuid.UUID | None:
        item = self.employer_list.currentItem()
        return uuid.UUID(item.data(ID_ROLE)) if item else None

    def _employer_chosen(self, item: QListWidgetItem | None) -> None:
        if item is not None and self.region.currentData() is None:
            self.region.setCurrentIndex(max(0, self.region.findData(item.data(EXTRA_ROLE))))

    def _new_employer_toggled(self, on: bool) -> None:
        self.new_employer_fields.setVisible(on)
        self.employer_search.setEnabled(not on)
        self.employer_list.setEnabled(not on)

    def collect_permit(self) -> PermitInput:
        category, region = self.category.currentData(), self.region.currentData()
        return PermitInput(
            number=self.number.text(),
            category=PermitCategory(category) if category else None,
            profession=self.profession.text(),
            region_id=uuid.UUID(region) if region else None,
            valid_from=from_qdate(self.valid_from.date()),
            valid_to=from_qdate(self.valid_to.date()),
        )

    def collect_employer(self) -> EmployerInput:
        region = self.employer_region.currentData()
        return EmployerInput(bin=self.employer_bin.text(), name=self.employer_name.text(),
                             sector_id=chosen_sector(self.employer_sector),
                             region_id=uuid.UUID(region) if region else None)

    def save(self) -> bool:
        """Issue the permit (and register the new employer) in one transaction."""
        if self.permit_id is not None or not self.save_button.isEnabled():
            return False
        messages, employer_errors, permit_errors = [], [], []
        worker_id, employer_id = self.worker_id(), self.employer_id()
        if worker_id is None:
            messages.append(_("Choose the worker from the search results."))
        if employer_id is None and not self.new_employer.isChecked():
            messages.append(_("Choose the employer, or register a new one."))
        employer = self.collect_employer() if self.new_employer.isChecked() else employer_id
        try:
            permit_id = issue_new_permit(
                self.database, worker_id, employer, self.collect_permit(),
                self.given_override_reason(),
                acknowledge_warning=(self.permit_form.isRowVisible(self.acknowledge)
                                     and self.acknowledge.isChecked()))
        except PermitNotIssued as failure:
            employer_errors, permit_errors = failure.employer_errors, failure.permit_errors
        except QuotaExceeded as refused:
            messages.append(refused.message())
            if actor_may(self.database.actor, Permission.OVERRIDE_QUOTA):
                self.permit_form.setRowVisible(self.override_reason, True)
                messages.append(_("To issue it beyond the quota, give the reason and save "
                                  "again."))
        except EmployerFlagged as flagged:
            messages.append(flagged.message())
            self.permit_form.setRowVisible(self.acknowledge, True)
            self.acknowledge.setStyleSheet(INVALID_STYLE)
        except ServiceError as error:
            messages.append(error.message())
        else:
            self.permit_id = permit_id
            self.remember_state()
            self.saved.emit(permit_id)
            self.accept()
            return True
        self.show_errors(messages, employer_errors, permit_errors)
        return False

    def given_override_reason(self) -> str | None:
        """The reason typed for going beyond the quota, once that field is shown."""
        if not self.permit_form.isRowVisible(self.override_reason):
            return None
        return self.override_reason.text()

    def show_errors(self, messages: list[str], employer_errors, permit_errors) -> None:
        fields = {
            self.worker_list: bool(messages and self.worker_id() is None),
            self.employer_list: bool(messages and self.employer_id() is None
                                     and not self.new_employer.isChecked()),
        }
        employer_fields = {"bin": self.employer_bin, "name": self.employer_name,
                           "region_id": self.employer_region}
        permit_fields = {"number": self.number, "category": self.category,
                         "region_id": self.region, "valid_from": self.valid_from,
                         "valid_to": self.valid_to, "quota_override_reason": self.override_reason}
        for errors, widgets in ((employer_errors, employer_fields),
                                (permit_errors, permit_fields)):
            invalid = {e.field: e.message() for e in errors}
            for name, widget in widgets.items():
                fields[widget] = name in invalid
                widget.setToolTip(invalid.get(name, ""))
        for widget, invalid in fields.items():
            widget.setStyleSheet(INVALID_STYLE if invalid else "")
        self.errors_label.setText("\n".join(
            messages + [e.message() for e in [*employer_errors, *permit_errors]]))

    # --- an existing permit ---

    def _build_existing(self) -> None:
        self.resize(760, 560)
        self.info = {key: QLabel() for key in (
            "number", "worker", "citizenship", "employer", "category", "profession", "region",
            "valid_from", "valid_to", "status")}
        for widget in self.info.values():
            widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.employer_button = QPushButton(_("&Employer…"))
        employer_row = QHBoxLayout()
        employer_row.addWidget(self.info["employer"], 1)
        employer_row.addWidget(self.employer_button)
        form = QFormLayout()
        form.addRow(_("Permit number"), self.info["number"])
        form.addRow(_("Worker"), self.info["worker"])
        form.addRow(_("Citizenship"), self.info["citizenship"])
        form.addRow(_("Employer"), employer_row)
        form.addRow(_("Permit category"), self.info["category"])
        form.addRow(_("Profession"), self.info["profession"])
        form.addRow(_("Region"), self.info["region"])
        form.addRow(_("Valid from"), self.info["valid_from"])
        form.addRow(_("Valid to"), self.info["valid_to"])
        form.addRow(_("Status"), self.info["status"])
        self.history = read_only_table(4)
        self.history.setAccessibleName(_("Status history"))
        self.transitions = QHBoxLayout()
        self.transition_buttons: dict[PermitStatus, QPushButton] = {}
        self.close_button = QPushButton(_("&Close"))
        self.print_button = QPushButton(_("Pr&int permit…"))
        self.print_button.clicked.connect(self.print_permit)
        self.delete_button = QPushButton(_("De&lete permit…"))
        self.delete_button.setVisible(actor_may(self.database.actor, Permission.REGISTER))
        self.delete_button.clicked.connect(self.delete)
        self.ask_delete = lambda text, **draft: ask_delete(self, text, **draft)
        no_default_buttons(self.employer_button, self.close_button, self.print_button,
                           self.delete_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.delete_button)
        buttons.addLayout(self.transitions)
        buttons.addStretch()
        buttons.addWidget(self.close_button)
        self.body.addLayout(form)
        self.body.addWidget(QLabel(_("Status history")))
        self.body.addWidget(self.history)
        self.body.addWidget(self.errors_label)
        self.body.addLayout(buttons)
        self.employer_button.clicked.connect(self.open_employer)
        self.close_button.clicked.connect(self.accept)

    def delete(self) -> bool:
        """Delete the permit (softly) once confirmed, or send its deletion for approval."""
        what = _("the work permit {number}, {worker}").format(
            number=self.record.number, worker=self.record.worker_name)
        outcome = delete_with_confirmation(self, self.database, "work_permits",
                                           self.permit_id, what, self.ask_delete)
        if outcome == "deleted":
            self.saved.emit(self.permit_id)
            self.accept()
        return outcome is not None

    def print_permit(self):
        """The permit for the worker, under the office's next outgoing number (issue 21)."""
        from kzmigdesk.gui.print_actions import print_work_permit

        try:
            return print_work_permit(self.database, self.permit_id)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return None

    def load(self) -> None:
        """Show the stored permit, its history and the status changes it allows."""
        permit = self.record = load_permit(self.database, self.permit_id)
        values = {
            "number": permit.number,
            "worker": permit.worker_name,
            "citizenship": citizenship_name(permit.citizenship),
            "employer": f"{permit.employer_name} · {permit.employer_bin}",
            "category": label(permit.category),
            "profession": permit.profession or "",
            "region": permit.region_name,
            "valid_from": i18n.format_date(permit.valid_from),
            "valid_to": i18n.format_date(permit.valid_to),
            "status": label(permit.status),
        }
        history = [
            [i18n.format_date(change.changed_on),
             label(change.from_status) if change.from_status else "",
             label(change.to_status), change.comment or ""]
            for change in permit.history
        ]
        self.setWindowTitle(_("Work permit {number}").format(number=values["number"]))
        for key, value in values.items():
            self.info[key].setText(value)
        fill_table(self.history, history,
                   [_("Date"), _("Previous status"), _("New status"), _("Comment")])
        for button in self.transition_buttons.values():
            self.transitions.removeWidget(button)
            button.deleteLater()
        self.transition_buttons = {}
        for status in PermitStatus:  # in the enumeration's order
            if status in PERMIT_TRANSITIONS[permit.status]:
                button = QPushButton(_(PERMIT_ACTIONS[status]))
                no_default_buttons(button)
                button.clicked.connect(lambda _checked=False, s=status: self.change_status(s))
                self.transitions.addWidget(button)
                self.transition_buttons[status] = button

    def change_status(self, new_status: PermitStatus) -> bool:
        answer = self.ask_transition(new_status)
        confirmed = answer is not None and self.confirm_transition(new_status)
        if not confirmed:
            return False
        try:
            run_or_draft(confirmed, lambda: set_permit_status(
                self.database, self.permit_id, new_status, answer.get("on") or dt.date.today(),
                comment=answer.get("comment"), new_valid_to=answer.get("new_valid_to")))
        except SentForApproval as sent:  # the permit stays as it is until a supervisor approves
            tell_sent_for_approval(self, sent)
            return True
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.errors_label.clear()
        self.load()
        self.saved.emit(self.permit_id)
        return True

    def _ask_transition(self, new_status: PermitStatus) -> dict | None:
        """The default question: a small modal dialog."""
        dialog = QDialog(self)
        dialog.setWindowTitle(without_mnemonic(_(PERMIT_ACTIONS[new_status])))
        on, comment, new_valid_to = date_edit(), QLineEdit(), date_edit()
        on.setDate(to_qdate(dt.date.today()))
        new_valid_to.setDate(to_qdate(self.record.valid_to))
        form = QFormLayout(dialog)
        form.addRow(_("Date of the change"), on)
        form.addRow(_("Comment"), comment)
        if new_status is PermitStatus.EXTENDED:
            form.addRow(_("New last valid day"), new_valid_to)
        buttons = button_box(dialog.accept, dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return {"on": from_qdate(on.date()), "comment": comment.text(),
                "new_valid_to": from_qdate(new_valid_to.date())
                if new_status is PermitStatus.EXTENDED else None}

    def _confirm_transition(self, new_status: PermitStatus) -> bool | str:
        """Confirm an irreversible move; a revocation that waits for a supervisor may be kept
        as a draft instead (True, DRAFT or False)."""
        consequence = PERMIT_IRREVERSIBLE.get(new_status)
        kind = ChangeKind.PERMIT_REVOCATION if new_status is PermitStatus.REVOKED else None
        return ask_decision(self, self.database, kind, _(PERMIT_ACTIONS[new_status]),
                            _(consequence) if consequence else None)

    def open_employer(self) -> "EmployerDialog":
        dialog = EmployerDialog(self.database, self.record.employer_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
