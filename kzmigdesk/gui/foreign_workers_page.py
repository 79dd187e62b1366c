"""The foreign workers section: the lazily paged list of work permits, the permit dialog
(issuing a permit, then moving it through its life cycle) and the employer's view.

The rules live in services/labour.py: these widgets collect input and show the services'
messages in an errors label, never in a message box.
"""

import datetime as dt
import uuid
from pathlib import Path

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
from kzmigdesk.domain.enums import PermitCategory, PermitStatus, label
from kzmigdesk.domain.models import Employer, Person, WorkPermit
from kzmigdesk.gui.print_actions import print_document
from kzmigdesk.gui.widgets.choices import sorted_regions
from kzmigdesk.gui.widgets.dates import date_edit, from_qdate, to_qdate
from kzmigdesk.gui.widgets.dialogs import ERROR_STYLE, INVALID_STYLE, button_box, no_default_buttons
from kzmigdesk.gui.widgets.list_page import ListPage, fill_filter
from kzmigdesk.gui.widgets.paged_model import PagedTableModel
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.gui.widgets.unsaved import GuardedDialog
from kzmigdesk.i18n import N_, _
from kzmigdesk.printing import forms
from kzmigdesk.services import prints
from kzmigdesk.services.auth import Permission, actor_may
from kzmigdesk.services.errors import NotFound, ServiceError, ValidationFailed
from kzmigdesk.services.labour import (
    KAZAKHSTAN,
    PERMIT_TRANSITIONS,
    EmployerInput,
    PermitInput,
    PermitRow,
    change_permit_status,
    count_permits,
    employer_permits,
    fetch_permits,
    issue_permit,
    needs_work_permit,
    permit_history,
    save_employer,
    search_employers,
    validate_permit,
)
from kzmigdesk.services.person_search import region_names, search_persons
from kzmigdesk.services.quotas import QuotaExceeded
from kzmigdesk.services.workspace import Database

COLUMNS = (N_("Permit number"), N_("Worker"), N_("Citizenship"), N_("Employer"),
           N_("Category"), N_("Valid from"), N_("Valid to"), N_("Status"))
NOTICE_STYLE = "background: #fff4ce; border: 1px solid #d4a000; padding: 6px;"
ID_ROLE = Qt.ItemDataRole.UserRole  # item data are strings: findData cannot match UUIDs
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


# --- the list -------------------------------------------------------------------------------


class PermitsTableModel(PagedTableModel):
    COLUMNS = COLUMNS

    def __init__(self, database: Database):
        super().__init__(database)
        self.text, self.status, self.category = "", None, None
        self.reload()

    def count(self) -> int:
        with self.database.sessions() as session:
            return count_permits(session, self.text, self.status, self.category)

    def fetch(self, offset: int, limit: int) -> list[PermitRow]:
        with self.database.sessions() as session:
            return fetch_permits(session, self.text, self.status, self.category,
                                 offset=offset, limit=limit)

    def display(self, permit: PermitRow, column: int) -> str:
        return (
            permit.number,
            permit.worker_name,
            citizenship_name(permit.citizenship),
            permit.employer_name,
            label(permit.category),
            i18n.format_date(permit.valid_from, "short"),
            i18n.format_date(permit.valid_to, "short"),
            label(permit.status),
        )[column]

    def set_filter(self, text: str, status: PermitStatus | None,
                   category: PermitCategory | None) -> None:
        self.text, self.status, self.category = text, status, category
        self.reload()

    def permit_id(self, number: int) -> uuid.UUID:
        return self.row(number).id


class WorkersPage(ListPage):
    """Search box, filters and the lazily paged table of work permits.

    Enter or a double click on a row emits `open_requested` with the permit's id; the page
    itself answers it by opening the permit dialog (see `open_permit`)."""

    def __init__(self, database: Database):
        super().__init__(database, PermitsTableModel(database),
                         (130, 230, 120, 220, 200, 90, 90))
        self.status = QComboBox()
        self.category = QComboBox()
        self.new_button = QPushButton()
        self.employers_button = QPushButton()
        for combo, stretch in ((self.status, 1), (self.category, 2)):
            self.filters.addWidget(combo, stretch)
            combo.currentIndexChanged.connect(self.apply_filter)
        self.filters.addWidget(self.new_button)
        self.filters.addWidget(self.employers_button)
        self.new_button.clicked.connect(lambda: self.open_permit(None))
        self.employers_button.clicked.connect(self.open_employers)
        self.open_requested.connect(self.open_permit)
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(
            _("Search by permit number, employer BIN, or the worker's name, IIN or document "
              "number"))
        self.new_button.setText(_("New permit…"))
        self.employers_button.setText(_("Employers…"))
        fill_filter(self.status, _("All statuses"), [(label(s), s.value) for s in PermitStatus])
        fill_filter(self.category, _("All categories"),
                   [(label(c), c.value) for c in PermitCategory])
        self.model.retranslate()
        self.show_count()

    def set_model_filter(self) -> None:
        status, category = self.status.currentData(), self.category.currentData()
        self.model.set_filter(self.search.text(),
                              PermitStatus(status) if status else None,
                              PermitCategory(category) if category else None)

    def count_text(self, count: int) -> str:
        return i18n.ngettext("{count} permit", "{count} permits", count).format(
            count=i18n.format_number(count))

    def open_permit(self, permit_id: uuid.UUID | None = None,
                    person_id: uuid.UUID | None = None) -> "PermitDialog":
        """Open a permit (a new one when `permit_id` is None), non-modal."""
        dialog = PermitDialog(self.database, permit_id, self, person_id=person_id)
        dialog.saved.connect(self.refresh)  # a method: a lambda would keep the page alive
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_employers(self) -> "EmployersDialog":
        dialog = EmployersDialog(self.database, self)
        dialog.open_requested.connect(self.open_permit)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog


# --- the permit -----------------------------------------------------------------------------


class _NotSaved(Exception):
    """Rolls the transaction back when the form is incomplete."""


class PermitDialog(GuardedDialog):
    """Issue a new permit, or show an existing one with its history and status changes."""

    saved = Signal(object)  # the permit's id

    def __init__(self, database: Database, permit_id: uuid.UUID | None = None,
                 parent: QWidget | None = None, person_id: uuid.UUID | None = None):
        super().__init__(parent)
        self.database = database
        self.permit_id = permit_id
        # Replaceable in tests: asks for the date, comment and (for EXTENDED) the new last
        # valid day of a status change; a dict with "on", "comment", "new_valid_to", or None.
        self.ask_transition = self._ask_transition
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
        self.worker_search.setPlaceholderText(
            _("Search by name in any script, IIN or document number"))
        self.worker_list = QListWidget()
        self.notice_label = QLabel()
        self.notice_label.setWordWrap(True)
        self.notice_label.setStyleSheet(NOTICE_STYLE)
        self.notice_label.hide()
        worker_box = QGroupBox(_("Worker"))
        box = QVBoxLayout(worker_box)
        for widget in (self.worker_search, self.worker_list, self.notice_label):
            box.addWidget(widget)

        self.employer_search = QLineEdit()
        self.employer_search.setPlaceholderText(_("BIN or name of the employer"))
        self.employer_list = QListWidget()
        self.new_employer = QCheckBox(_("Register a new employer"))
        self.employer_bin, self.employer_name, self.employer_sector = (
            QLineEdit(), QLineEdit(), QLineEdit())
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
        self.permit_form = form

        self.save_button, self.cancel_button = QPushButton(_("Save")), QPushButton(_("Cancel"))
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
        with self.database.sessions() as session:
            for person in search_persons(session, text):
                self.worker_list.addItem(self._worker_item(person))

    def _show_worker(self, person_id: uuid.UUID) -> None:
        with self.database.sessions() as session:
            person = session.get(Person, person_id)
            if person is None:
                raise NotFound(N_("The person no longer exists."))
            self.worker_list.addItem(self._worker_item(person))
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
        with self.database.sessions() as session:
            for employer in search_employers(session, self.employer_search.text()):
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
                             sector=self.employer_sector.text(),
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
        data = self.collect_permit()
        try:
            with self.database.transaction() as session:
                employer = None
                if self.new_employer.isChecked():
                    try:
                        employer = save_employer(session, self.collect_employer())
                    except ValidationFailed as failure:
                        employer_errors = failure.errors
                elif employer_id is not None:
                    employer = session.get(Employer, employer_id)
                person = session.get(Person, worker_id) if worker_id else None
                if employer is None or person is None:
                    permit_errors = validate_permit(session, data)
                    raise _NotSaved
                permit_id = issue_permit(session, person, employer, data,
                                         override_reason=self.given_override_reason()).id
        except _NotSaved:
            pass
        except ValidationFailed as failure:
            permit_errors = failure.errors
        except QuotaExceeded as refused:
            messages.append(refused.message())
            if actor_may(self.database.actor, Permission.OVERRIDE_QUOTA):
                self.permit_form.setRowVisible(self.override_reason, True)
                messages.append(_("To issue it beyond the quota, give the reason and save "
                                  "again."))
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
        self.employer_button = QPushButton(_("Employer…"))
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
        self.transitions = QHBoxLayout()
        self.transition_buttons: dict[PermitStatus, QPushButton] = {}
        self.close_button = QPushButton(_("Close"))
        no_default_buttons(self.employer_button, self.close_button)
        buttons = QHBoxLayout()
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

    def load(self) -> None:
        """Show the stored permit, its history and the status changes it allows."""
        with self.database.sessions() as session:
            permit = session.get(WorkPermit, self.permit_id)
            if permit is None:
                raise NotFound(N_("The work permit no longer exists."))
            regions = region_names(session)
            self._employer_id = permit.employer_id
            self._valid_to = permit.valid_to
            self._status = permit.status
            values = {
                "number": permit.number,
                "worker": permit.person.full_name,
                "citizenship": citizenship_name(permit.person.citizenship),
                "employer": f"{permit.employer.name} · {permit.employer.bin}",
                "category": label(permit.category),
                "profession": permit.profession or "",
                "region": regions.get(permit.region_id, ""),
                "valid_from": i18n.format_date(permit.valid_from),
                "valid_to": i18n.format_date(permit.valid_to),
                "status": label(permit.status),
            }
            history = [
                [i18n.format_date(change.changed_on),
                 label(change.from_status) if change.from_status else "",
                 label(change.to_status), change.comment or ""]
                for change in permit_history(session, permit)
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
            if status in PERMIT_TRANSITIONS[self._status]:
                button = QPushButton(label(status))
                no_default_buttons(button)
                button.clicked.connect(lambda _checked=False, s=status: self.change_status(s))
                self.transitions.addWidget(button)
                self.transition_buttons[status] = button

    def change_status(self, new_status: PermitStatus) -> bool:
        answer = self.ask_transition(new_status)
        if answer is None:
            return False
        try:
            with self.database.transaction() as session:
                permit = session.get(WorkPermit, self.permit_id)
                if permit is None:
                    raise NotFound(N_("The work permit no longer exists."))
                change_permit_status(
                    session, permit, new_status, answer.get("on") or dt.date.today(),
                    comment=answer.get("comment"),
                    new_valid_to=answer.get("new_valid_to"))
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
        dialog.setWindowTitle(_("Change the status to “{status}”").format(
            status=label(new_status)))
        on, comment, new_valid_to = date_edit(), QLineEdit(), date_edit()
        on.setDate(to_qdate(dt.date.today()))
        new_valid_to.setDate(to_qdate(self._valid_to))
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

    def open_employer(self) -> "EmployerDialog":
        dialog = EmployerDialog(self.database, self._employer_id, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog


# --- employers ------------------------------------------------------------------------------


class EmployerDialog(QDialog):
    """An employer's data and the table of its permits; Enter on a permit emits its id."""

    open_requested = Signal(object)  # a permit's id

    def __init__(self, database: Database, employer_id: uuid.UUID,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.employer_id = employer_id
        self.resize(760, 520)
        with database.sessions() as session:
            employer = session.get(Employer, employer_id)
            if employer is None:
                raise NotFound(N_("The employer no longer exists."))
            details = (
                ("bin", _("BIN"), employer.bin),
                ("name", _("Employer name"), employer.name),
                ("sector", _("Sector"), employer.sector),
                ("region", _("Region"), employer.region.name),
                ("address", _("Address"), employer.address),
                ("phone", _("Phone"), employer.phone),
                ("contact_person", _("Contact person"), employer.contact_person),
            )
            permits = employer_permits(session, employer)
            self.permit_ids = [permit.id for permit in permits]
            rows = [
                [permit.number, permit.person.full_name, label(permit.category),
                 i18n.format_date(permit.valid_from), i18n.format_date(permit.valid_to),
                 label(permit.status)]
                for permit in permits
            ]
            self.setWindowTitle(_("Employer: {name}").format(name=employer.name))
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for key, caption, value in details:
            self.values[key] = QLabel(value or "")
            form.addRow(caption, self.values[key])
        self.permits = read_only_table(6)
        fill_table(self.permits, rows, [_(COLUMNS[c]) for c in (0, 1, 4, 5, 6, 7)])
        self.permits.itemActivated.connect(
            lambda item: self.open_requested.emit(self.permit_ids[item.row()]))
        close_button = QPushButton(_("Close"))
        self.print_button = QPushButton(_("Print register extract…"))
        no_default_buttons(close_button, self.print_button)
        close_button.clicked.connect(self.accept)
        self.print_button.clicked.connect(self.print_extract)
        self.errors_label = QLabel()
        self.errors_label.setStyleSheet(ERROR_STYLE)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addStretch()
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Work permits")))
        layout.addWidget(self.permits)
        layout.addWidget(self.errors_label)
        layout.addLayout(buttons)

    def print_extract(self) -> Path | None:
        try:
            return print_document(self.database, f"employer-{self.employer_id}",
                                  prints.employer_permits_extract,
                                  forms.employer_permits_extract, self.employer_id)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return None


class EmployersDialog(QDialog):
    """Find an employer by BIN or name and open it."""

    open_requested = Signal(object)  # a permit's id, from an employer's table of permits

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.setWindowTitle(_("Employers"))
        self.resize(560, 480)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("BIN or name of the employer"))
        self.list = QListWidget()
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        self.search.textChanged.connect(self.find)
        self.list.itemActivated.connect(
            lambda item: self.open_employer(uuid.UUID(item.data(ID_ROLE))))
        self.find()

    def find(self) -> None:
        self.list.clear()
        with self.database.sessions() as session:
            for employer in search_employers(session, self.search.text(), limit=200):
                item = QListWidgetItem(f"{employer.name} · {employer.bin}")
                item.setData(ID_ROLE, str(employer.id))
                self.list.addItem(item)

    def open_employer(self, employer_id: uuid.UUID) -> EmployerDialog:
        dialog = EmployerDialog(self.database, employer_id, self)
        dialog.open_requested.connect(self.open_requested)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
