"""Opening a repatriate case for an applicant found by search."""

import uuid

from PySide6.QtCore import QDate, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QDialogButtonBox, QFormLayout, QVBoxLayout, QWidget

from kzmigdesk import i18n
from kzmigdesk.gui.widgets.dates import date_edit, from_qdate
from kzmigdesk.gui.widgets.dialogs import INVALID_STYLE, error_label
from kzmigdesk.gui.widgets.person_picker import PersonPicker
from kzmigdesk.gui.widgets.unsaved import GuardedDialog
from kzmigdesk.i18n import _
from kzmigdesk.services import repatriation as rep
from kzmigdesk.services.errors import FieldError, ServiceError, ValidationFailed
from kzmigdesk.services.workspace import Database


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
            _("&Open case"), QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(_("C&ancel"), QDialogButtonBox.ButtonRole.RejectRole)
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
        data = rep.CaseInput(
            country_of_origin=self.country.currentData() or "",
            application_date=from_qdate(self.application_date.date()),
            arrival_date=from_qdate(self.arrival_date.date()),
        )
        try:
            case_id = rep.open_case_for(self.database, self.picker.selected_id(), data)
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
