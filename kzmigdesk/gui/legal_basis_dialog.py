"""The legal basis for processing a person's data (services/legal_basis.py, issue 23): the
history of the person's bases, a new one (law, consent, a requested service; its date, a
reference and the signed paper among the person's scans), and the withdrawal of a consent."""

import datetime as dt
import uuid

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.domain.enums import LegalBasis, label
from kzmigdesk.gui.widgets.dates import date_edit, from_qdate, to_qdate
from kzmigdesk.gui.widgets.dialogs import error_label, no_default_buttons
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.i18n import _
from kzmigdesk.services import legal_basis, scans
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.workspace import Database


def describe(row: legal_basis.BasisRow | None) -> str:
    """The basis in one line, for the person form."""
    if row is None:
        return _("Legal basis: not recorded")
    text = _("Legal basis: {basis}, since {date}").format(
        basis=label(row.basis), date=i18n.format_date(row.since))
    if row.withdrawn_on:
        text += "; " + _("withdrawn on {date}").format(date=i18n.format_date(row.withdrawn_on))
    return text


class LegalBasisDialog(QDialog):
    def __init__(self, database: Database, person_id: uuid.UUID, title: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.database, self.person_id = database, person_id
        self.rows: list[legal_basis.BasisRow] = []
        self.setWindowTitle(_("Legal basis: {name}").format(name=title) if title
                            else _("Legal basis"))
        self.resize(820, 460)
        self.table = read_only_table(5)
        self.table.setAccessibleName(_("Legal bases"))
        self.basis = QComboBox()
        for member in LegalBasis:
            self.basis.addItem(label(member), member)
        self.since = date_edit()
        self.since.setDate(to_qdate(dt.date.today()))
        self.reference = QLineEdit()
        self.reference.setPlaceholderText(_("e.g. the law's article, the consent's number"))
        self.scan = QComboBox()
        self.withdrawn_on = date_edit()
        self.withdrawn_on.setDate(to_qdate(dt.date.today()))
        self.withdrawn_on.setAccessibleName(_("Withdrawn on"))
        self.record_button = QPushButton(_("&Record the basis"))
        self.withdraw_button = QPushButton(_("&Withdraw the consent"))
        no_default_buttons(self.record_button, self.withdraw_button)
        self.errors_label = error_label()
        form = QFormLayout()
        form.addRow(_("&Basis:"), self.basis)
        form.addRow(_("&Date:"), self.since)
        form.addRow(_("Re&ference:"), self.reference)
        form.addRow(_("Sca&n of the paper:"), self.scan)
        withdraw = QHBoxLayout()
        withdraw.addWidget(self.withdrawn_on)
        withdraw.addWidget(self.withdraw_button)
        withdraw.addStretch()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("&Close"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(withdraw)
        layout.addLayout(form)
        layout.addWidget(self.record_button)
        layout.addWidget(self.errors_label)
        layout.addWidget(close)
        self.record_button.clicked.connect(self.record)
        self.withdraw_button.clicked.connect(self.withdraw)
        self.table.itemSelectionChanged.connect(self._selected)
        self.load()

    def load(self) -> None:
        try:
            self.rows = legal_basis.person_bases(self.database, self.person_id)
            person_scans = scans.list_scans(self.database, self.person_id)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return
        fill_table(self.table,
                   [(label(r.basis), i18n.format_date(r.since), r.reference or "",
                     r.scan_name or "", i18n.format_date(r.withdrawn_on)) for r in self.rows],
                   [_("Basis"), _("Since"), _("Reference"), _("Scan"), _("Withdrawn on")])
        self.table.resizeColumnsToContents()
        self.scan.clear()
        self.scan.addItem(_("none"), None)
        for row in person_scans:
            self.scan.addItem(f"{row.file_name} ({i18n.format_date(row.added_on)})", row.id)
        self._selected()

    def _selected(self) -> None:
        row = self.selected()
        self.withdraw_button.setEnabled(row is not None and row.basis == LegalBasis.CONSENT
                                        and row.withdrawn_on is None)

    def selected(self) -> legal_basis.BasisRow | None:
        index = self.table.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _show(self, error: ServiceError) -> None:
        self.errors_label.setText(error.message())  # each field's problem, on its own line

    def record(self) -> bool:
        try:
            legal_basis.add_basis(self.database, self.person_id, self.basis.currentData(),
                                  from_qdate(self.since.date()), self.reference.text(),
                                  self.scan.currentData())
        except ServiceError as error:
            self._show(error)
            return False
        self.errors_label.clear()
        self.reference.clear()
        self.load()
        return True

    def withdraw(self) -> bool:
        row = self.selected()
        if row is None:
            return False
        try:
            legal_basis.withdraw_consent(self.database, row.id,
                                         from_qdate(self.withdrawn_on.date()))
        except ServiceError as error:
            self._show(error)
            return False
        self.errors_label.clear()
        self.load()
        return True
