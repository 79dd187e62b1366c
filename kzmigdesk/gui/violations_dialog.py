"""Labour violations (issue 24): the list of findings of illegal employment, recording a new
one (the employer, the day, the inspecting body, the fine, the workers found and the decision
on each), and the payment of a fine. The rules live in services/violations.py."""

import datetime as dt
import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.domain.enums import ViolationKind, WorkerDecision, label
from kzmigdesk.gui.widgets.dates import date_edit, from_qdate, to_qdate
from kzmigdesk.gui.widgets.dialogs import ERROR_STYLE, no_default_buttons, reported
from kzmigdesk.gui.widgets.list_page import search_hint
from kzmigdesk.gui.widgets.tables import (
    MAX_COLUMN_WIDTH,
    ElidedTextTips,
    fill_table,
    read_only_table,
)
from kzmigdesk.i18n import N_, _
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.labour import employer_choices, worker_choices
from kzmigdesk.services.violations import (
    SavedFinding,
    ViolationInput,
    ViolationRow,
    WorkerFound,
    correct_violation,
    load_finding,
    save_violation,
    store_payment,
    violation_rows,
)
from kzmigdesk.services.workspace import Database

COLUMNS = (N_("Date of the finding"), N_("Employer"), N_("Inspecting body"), N_("Workers found"),
           N_("Fine, tenge"), N_("Fine paid on"))
WORKER_COLUMNS = (N_("Worker"), N_("Violation"), N_("Decision"))
ID_ROLE = Qt.ItemDataRole.UserRole


class ViolationsDialog(QDialog):
    """The findings, the latest first; record a new one, or the payment of a fine."""

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.rows: list[ViolationRow] = []
        self.setWindowTitle(_("Labour violations"))
        self.resize(1100, 560)
        self.table = read_only_table(len(COLUMNS))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setMaximumSectionSize(MAX_COLUMN_WIDTH)  # longer texts elide (tooltip)
        header.setStretchLastSection(True)
        self.table.setItemDelegate(ElidedTextTips(self.table))
        self.table.setAccessibleName(_("Labour violations"))
        self.new_button = QPushButton(_("&New finding…"))
        self.edit_button = QPushButton(_("&Edit the finding…"))
        self.paid_on = date_edit()
        self.paid_on.setDate(to_qdate(dt.date.today()))
        self.paid_on.setAccessibleName(_("Fine paid on"))
        self.paid_button = QPushButton(_("Fine &paid"))
        close_button = QPushButton(_("&Close"))
        no_default_buttons(self.new_button, self.edit_button, self.paid_button, close_button)
        self.errors_label = QLabel()
        self.errors_label.setStyleSheet(ERROR_STYLE)
        self.errors_label.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.edit_button)
        buttons.addStretch()
        buttons.addWidget(QLabel(_("Fine paid on")))
        buttons.addWidget(self.paid_on)
        buttons.addWidget(self.paid_button)
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.errors_label)
        layout.addLayout(buttons)
        self.new_button.clicked.connect(self.open_new)
        self.edit_button.clicked.connect(self.open_chosen)
        self.table.itemActivated.connect(lambda _item: self.open_chosen())
        self.paid_button.clicked.connect(self.fine_paid)
        close_button.clicked.connect(self.accept)
        self.refresh()

    def refresh(self) -> None:
        self.rows = violation_rows(self.database)
        fill_table(self.table, [
            [i18n.format_date(row.found_on), row.employer_name,
             row.inspecting_body, _("{workers}, expelled: {expelled}").format(
                 workers=i18n.format_number(row.workers),
                 expelled=i18n.format_number(row.expelled)),
             i18n.format_number(row.fine_amount),
             i18n.format_date(row.fine_paid_on) if row.fine_paid_on
             else (_("not paid") if row.fine_amount else "")]
            for row in self.rows], [_(title) for title in COLUMNS])

    def open_new(self, violation_id: uuid.UUID | None = None) -> "ViolationDialog":
        dialog = ViolationDialog(self.database, self, violation_id)
        dialog.accepted.connect(self.refresh)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_chosen(self) -> "ViolationDialog | None":
        """The chosen finding, to correct it."""
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            self.errors_label.setText(_("Choose a finding."))
            return None
        try:
            return self.open_new(self.rows[row].id)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return None

    def fine_paid(self) -> bool:
        """The chosen finding's fine was paid on the day chosen."""
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            self.errors_label.setText(_("Choose a finding."))
            return False
        try:
            store_payment(self.database, self.rows[row].id, from_qdate(self.paid_on.date()))
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.errors_label.clear()
        self.refresh()
        return True


class ViolationDialog(QDialog):
    """Record a finding: the employer, the inspection and the fine, the workers found; or
    correct a saved one (`violation_id`)."""

    def __init__(self, database: Database, parent: QWidget | None = None,
                 violation_id: uuid.UUID | None = None):
        super().__init__(parent)
        self.database = database
        self.workers: list[tuple[uuid.UUID, str]] = []
        self.saved = load_finding(database, violation_id) if violation_id else None
        self.setWindowTitle(_("Correct the finding") if self.saved
                            else _("New finding of illegal employment"))
        self.resize(1100, 600)
        self.employer_search = QLineEdit()
        search_hint(self.employer_search, _("BIN or name of the employer"))
        self.employer_list = QListWidget()
        self.employer_list.setAccessibleName(_("Employer"))
        self.employer_list.setMaximumHeight(110)
        self.found_on = date_edit()
        self.found_on.setDate(to_qdate(dt.date.today()))
        self.body, self.act_number = QLineEdit(), QLineEdit()
        self.fine = QSpinBox()
        self.fine.setRange(0, 1_000_000_000)
        self.paid_on: QDateEdit = date_edit()
        self.paid_on.setSpecialValueText(" ")
        self.paid_on.setMinimumDate(self.paid_on.minimumDate())
        self.paid_on.setDate(self.paid_on.minimumDate())  # empty: not paid
        self.notes = QLineEdit()
        inspection = QGroupBox(_("Inspection"))
        form = QFormLayout(inspection)
        form.addRow(_("Employer"), self.employer_search)
        form.addRow("", self.employer_list)
        form.addRow(_("Date of the finding"), self.found_on)
        form.addRow(_("Inspecting body"), self.body)
        form.addRow(_("Act number"), self.act_number)
        form.addRow(_("Fine, tenge"), self.fine)
        form.addRow(_("Fine paid on"), self.paid_on)
        form.addRow(_("Notes"), self.notes)

        self.worker_search = QLineEdit()
        search_hint(self.worker_search, _("Search by name in any script, IIN or document number"))
        self.worker_list = QListWidget()
        self.worker_list.setAccessibleName(_("Worker"))
        self.worker_list.setMaximumHeight(90)
        self.add_button = QPushButton(_("A&dd the worker"))
        self.remove_button = QPushButton(_("&Remove the worker"))
        self.found = QTableWidget(0, len(WORKER_COLUMNS))
        self.found.verticalHeader().hide()
        header = self.found.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):  # as wide as their combo boxes (add_worker)
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
        self.found.setHorizontalHeaderLabels([_(title) for title in WORKER_COLUMNS])
        self.found.setAccessibleName(_("Workers found"))
        workers = QGroupBox(_("Workers found"))
        box = QVBoxLayout(workers)
        search_row = QHBoxLayout()
        search_row.addWidget(self.worker_search, 1)
        search_row.addWidget(self.add_button)
        search_row.addWidget(self.remove_button)
        box.addLayout(search_row)
        box.addWidget(self.worker_list)
        box.addWidget(self.found, 1)

        self.errors_label = QLabel()
        self.errors_label.setStyleSheet(ERROR_STYLE)
        self.errors_label.setWordWrap(True)
        self.save_button, cancel_button = QPushButton(_("&Save")), QPushButton(_("C&ancel"))
        no_default_buttons(self.add_button, self.remove_button, self.save_button, cancel_button)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.save_button)
        buttons.addWidget(cancel_button)
        columns = QHBoxLayout()
        columns.addWidget(inspection, 2)
        columns.addWidget(workers, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.errors_label)
        layout.addLayout(buttons)
        self.employer_search.textChanged.connect(self.find_employers)
        self.worker_search.textChanged.connect(self.find_workers)
        self.add_button.clicked.connect(self.add_worker)
        self.worker_list.itemActivated.connect(lambda _item: self.add_worker())
        self.remove_button.clicked.connect(self.remove_worker)
        self.save_button.clicked.connect(self.save)
        cancel_button.clicked.connect(self.reject)
        if self.saved:
            self.show_saved(self.saved)

    def show_saved(self, saved: SavedFinding) -> None:
        data = saved.data
        item = QListWidgetItem(saved.employer_title)
        item.setData(ID_ROLE, str(data.employer_id))
        self.employer_list.addItem(item)
        self.employer_list.setCurrentRow(0)
        self.found_on.setDate(to_qdate(data.found_on))
        self.body.setText(data.inspecting_body or "")
        self.act_number.setText(data.act_number or "")
        self.fine.setValue(data.fine_amount)
        if data.fine_paid_on:
            self.paid_on.setDate(to_qdate(data.fine_paid_on))
        self.notes.setText(data.notes or "")
        for worker in data.workers:
            self.add_person(worker.person_id, saved.worker_titles[worker.person_id],
                            worker.kind, worker.decision)

    def find_employers(self) -> None:
        self.employer_list.clear()
        text = self.employer_search.text()
        if not text.strip():
            return
        for employer in employer_choices(self.database, text):
            item = QListWidgetItem(f"{employer.name} · {employer.bin}")
            item.setData(ID_ROLE, str(employer.id))
            self.employer_list.addItem(item)
        self.employer_list.setCurrentRow(0)

    def find_workers(self) -> None:
        self.worker_list.clear()
        text = self.worker_search.text()
        if not text.strip():
            return
        for person in worker_choices(self.database, text)[:50]:
            name = " ".join(p for p in (person.surname, person.given_name) if p)
            item = QListWidgetItem(" · ".join(
                p for p in (name, i18n.format_date(person.birth_date), person.iin) if p))
            item.setData(ID_ROLE, str(person.id))
            self.worker_list.addItem(item)
        self.worker_list.setCurrentRow(0)

    def add_worker(self) -> None:
        item = self.worker_list.currentItem()
        if item is not None:
            self.add_person(uuid.UUID(item.data(ID_ROLE)), item.text())

    def add_person(self, person_id: uuid.UUID, title: str,
                   kind: ViolationKind | None = None,
                   decision: WorkerDecision | None = None) -> None:
        if any(known == person_id for known, _name in self.workers):
            return
        self.workers.append((person_id, title))
        row = self.found.rowCount()
        self.found.insertRow(row)
        name = QLabel(title)
        self.found.setCellWidget(row, 0, name)
        kind_box, decision_box = QComboBox(), QComboBox()
        for member in ViolationKind:
            kind_box.addItem(label(member), member.value)
        for member in WorkerDecision:
            decision_box.addItem(label(member), member.value)
        if kind is not None:
            kind_box.setCurrentIndex(kind_box.findData(kind.value))
        if decision is not None:
            decision_box.setCurrentIndex(decision_box.findData(decision.value))
        self.found.setCellWidget(row, 1, kind_box)
        self.found.setCellWidget(row, 2, decision_box)
        header = self.found.horizontalHeader()
        for column, combo in ((1, kind_box), (2, decision_box)):
            header.resizeSection(column, max(header.sectionSize(column),
                                             combo.sizeHint().width()))

    def remove_worker(self) -> None:
        row = self.found.currentRow()
        if 0 <= row < len(self.workers):
            self.found.removeRow(row)
            del self.workers[row]

    def collect(self) -> ViolationInput:
        item = self.employer_list.currentItem()
        paid = self.paid_on.date()
        return ViolationInput(
            employer_id=uuid.UUID(item.data(ID_ROLE)) if item is not None else None,
            found_on=from_qdate(self.found_on.date()),
            inspecting_body=self.body.text(), act_number=self.act_number.text(),
            fine_amount=self.fine.value(),
            fine_paid_on=None if paid == self.paid_on.minimumDate() else from_qdate(paid),
            notes=self.notes.text(),
            workers=[WorkerFound(person_id,
                                 ViolationKind(self.found.cellWidget(row, 1).currentData()),
                                 WorkerDecision(self.found.cellWidget(row, 2).currentData()))
                     for row, (person_id, _name) in enumerate(self.workers)])

    def save(self) -> bool:
        data, saved = self.collect(), self.saved

        def write() -> None:
            if saved:
                correct_violation(self.database, saved.id, saved.version, data)
            else:
                save_violation(self.database, data)

        if not reported(self.errors_label, write):
            return False
        self.accept()
        return True
