"""A case's kandas support applications (issue 24): apply for a measure, approve, refuse or
record the payment (a clerk's decision goes to a supervisor), and the month's payment register
for the paying body (XLSX and CSV). Rules and amounts: services/support.py."""

import datetime as dt
import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.gui.change_requests_dialog import tell_sent_for_approval
from kzmigdesk.gui.support_norms_dialog import SupportNormsDialog
from kzmigdesk.gui.widgets.dates import date_edit, from_qdate, to_qdate
from kzmigdesk.gui.widgets.dialogs import ask_path, error_label, no_default_buttons
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.i18n import N_, _
from kzmigdesk.services import support
from kzmigdesk.services.change_requests import SentForApproval
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.workspace import Database

COLUMNS = (N_("Support measure"), N_("Applied on"), N_("Persons"), N_("Norm"),
           N_("Amount, tenge"), N_("Status"), N_("Decided on"), N_("Paid on"))


class SupportDialog(QDialog):
    """The support applications of one case, and their steps."""

    def __init__(self, database: Database, case_id: uuid.UUID, title: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.database, self.case_id = database, case_id
        self.rows: list[support.ApplicationRow] = []
        self.setWindowTitle(_("Kandas support") + (f": {title}" if title else ""))
        self.resize(1200, 600)
        self.table = read_only_table(len(COLUMNS))
        self.table.setAccessibleName(_("Kandas support"))
        self.table.itemSelectionChanged.connect(self._show_actions)

        self.measure = QComboBox()
        for measure in support.measure_rows(database):
            deadline = _("{months} months after arrival").format(months=measure.deadline_months)
            self.measure.addItem(f"{measure.name} ({deadline})", str(measure.id))
        self.day = date_edit()
        self.day.setDate(to_qdate(dt.date.today()))
        self.note = QLineEdit()
        self.note.setMaxLength(200)
        form = QFormLayout()
        for text, widget in ((_("Support &measure"), self.measure), (_("&Date"), self.day),
                             (_("&Reason or payment reference"), self.note)):
            caption = QLabel(text)
            caption.setBuddy(widget)
            form.addRow(caption, widget)
        self.apply_button = QPushButton(_("Appl&y for support"))
        self.apply_button.clicked.connect(self.apply)
        self.actions = QHBoxLayout()
        self.actions.addWidget(self.apply_button)
        self.action_buttons: list[QPushButton] = []
        self.actions.addStretch()
        self.errors_label = error_label()
        self.register_button = QPushButton(_("Payment re&gister…"))
        self.register_button.clicked.connect(self.export_register)
        self.norms_button = QPushButton(_("&Norms and index…"))
        self.norms_button.clicked.connect(self.open_norms)
        close_button = QPushButton(_("&Close"))
        close_button.clicked.connect(self.accept)
        no_default_buttons(self.apply_button, self.register_button, self.norms_button,
                           close_button)
        bottom = QHBoxLayout()
        bottom.addWidget(self.register_button)
        bottom.addWidget(self.norms_button)
        bottom.addStretch()
        bottom.addWidget(close_button)
        layout = QVBoxLayout(self)
        hint = QLabel(_("The amount is the norm in effect on the day of the application "
                        "(monthly calculation indices for the head of the family and for each "
                        "member) times the index of its year; a supervisor sets both."))
        hint.setWordWrap(True)
        layout.addWidget(hint)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addLayout(self.actions)
        layout.addWidget(self.errors_label)
        layout.addLayout(bottom)
        self.load()

    def load(self) -> None:
        self.rows = support.case_applications(self.database, self.case_id)
        fill_table(self.table, [
            [r.measure, i18n.format_date(r.applied_on), i18n.format_number(r.persons), r.norm,
             i18n.format_number(r.amount), r.status_label, i18n.format_date(r.decided_on),
             i18n.format_date(r.paid_on)] for r in self.rows], [_(c) for c in COLUMNS])
        if self.rows:
            self.table.selectRow(len(self.rows) - 1)
        self._show_actions()

    def selected(self) -> support.ApplicationRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _show_actions(self) -> None:
        for button in self.action_buttons:
            self.actions.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.action_buttons = []
        chosen = self.selected()
        for position, (status, text) in enumerate(chosen.actions if chosen else (), start=1):
            button = QPushButton(text)
            button.setAutoDefault(False)
            button.setProperty("status", status.value)
            button.clicked.connect(self._action_clicked)
            self.actions.insertWidget(position, button)
            self.action_buttons.append(button)

    def _run(self, action) -> bool:
        self.errors_label.clear()
        try:
            action()
        except SentForApproval as sent:
            tell_sent_for_approval(self, sent)
            return True
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.note.clear()
        self.load()
        return True

    def apply(self) -> bool:
        measure_id = self.measure.currentData()
        if measure_id is None:
            return False
        return self._run(lambda: support.apply_for(
            self.database, self.case_id, uuid.UUID(measure_id), from_qdate(self.day.date())))

    def _action_clicked(self) -> None:
        self.step(support.SupportStatus(self.sender().property("status")))

    def step(self, status: support.SupportStatus) -> bool:
        chosen = self.selected()
        if chosen is None:
            return False
        note = self.note.text()
        return self._run(lambda: support.change_application_status(
            self.database, chosen.id, status, from_qdate(self.day.date()),
            reason=note if status is support.SupportStatus.REFUSED else None,
            reference=note if status is support.SupportStatus.PAID else None))

    def open_norms(self) -> SupportNormsDialog:
        """The norms and indices (supervisors set them); new applications use them."""
        dialog = SupportNormsDialog(self.database, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def export_register(self) -> bool:
        """The register of the month of the date field, as XLSX and a CSV beside it."""
        day = from_qdate(self.day.date()) or dt.date.today()
        name = f"support-register-{day.year}-{day.month:02d}.xlsx"
        path = ask_path(self, _("Save the payment register"), _("XLSX workbooks (*.xlsx)"),
                        name, save=True)
        if path is None:
            return False
        try:
            xlsx, csv_bytes = support.export_register(self.database, day.year, day.month)
            path.write_bytes(xlsx)
            path.with_suffix(".csv").write_bytes(csv_bytes)
        except (ServiceError, OSError) as error:
            self.errors_label.setText(error.message() if isinstance(error, ServiceError)
                                      else str(error))
            return False
        self.errors_label.setText(_("Saved {xlsx} and {csv}.").format(
            xlsx=path.name, csv=path.with_suffix(".csv").name))
        return True
