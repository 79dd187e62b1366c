"""A service record: record a service given to a person or edit one, check a person out of a
stay, print a referral letter.

The rules live in services/adaptation.py; problems are shown in the errors label."""

import datetime as dt
import uuid
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk.gui.print_actions import print_document
from kzmigdesk.gui.widgets.dates import date_edit, from_qdate, to_qdate
from kzmigdesk.gui.widgets.dialogs import button_box, error_label, no_default_buttons
from kzmigdesk.gui.widgets.editor import clear_marks, show_error
from kzmigdesk.gui.widgets.person_picker import PersonPicker
from kzmigdesk.gui.widgets.unsaved import GuardedDialog
from kzmigdesk.i18n import _
from kzmigdesk.printing import forms
from kzmigdesk.services import prints
from kzmigdesk.services.adaptation import (
    ServiceInput,
    centre_choices,
    check_out,
    load_service,
    service_catalogue,
    store_service,
)
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.workspace import Database


def _uuid(value) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


class ServiceDialog(GuardedDialog):
    """Record a service given to a person, or edit one; check a person out of a stay."""

    saved = Signal(object)  # the record's id

    def __init__(self, database: Database, record_id: uuid.UUID | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.record_id = record_id
        self.person_id: uuid.UUID | None = None
        self._is_open_stay = False
        # Replaceable in tests: asks for the last day of a stay; a date, or None to cancel.
        self.ask_end_date = self._ask_end_date
        self.resize(640, 680)
        self.errors_label = error_label()
        self.picker = PersonPicker(database) if record_id is None else None
        self.person_label = QLabel()
        self.centre, self.service_type = QComboBox(), QComboBox()
        self.start_date, self.end_date = date_edit(), date_edit()
        self.planned_end = date_edit()  # a stay's planned last day (issue 19)
        self.staff_name, self.outcome = QLineEdit(), QLineEdit()
        self.notes = QPlainTextEdit()
        self.hours = QSpinBox()
        self.hours.setRange(0, 100000)
        self.completed = QCheckBox(_("Completed"))
        self._courses: set[str] = set()
        self._stays: set[str] = set()
        self.centre.addItem("", None)
        for name, centre_id in centre_choices(database):
            self.centre.addItem(name, str(centre_id))
        self.service_type.addItem("", None)
        for kind in service_catalogue(database, active_only=record_id is not None):
            self.service_type.addItem(kind.name, str(kind.id))
            if kind.is_course:
                self._courses.add(str(kind.id))
            if kind.is_accommodation:
                self._stays.add(str(kind.id))

        form = QFormLayout()
        if self.picker is not None:
            form.addRow(_("Person"), self.picker)
        else:
            form.addRow(_("Person"), self.person_label)
        form.addRow(_("Centre"), self.centre)
        form.addRow(_("Service"), self.service_type)
        form.addRow(_("Start date"), self.start_date)
        form.addRow(_("End date"), self.end_date)
        form.addRow(_("Planned end"), self.planned_end)
        form.addRow(_("Staff member"), self.staff_name)
        form.addRow(_("Outcome"), self.outcome)
        form.addRow(_("Notes"), self.notes)
        form.addRow(_("Hours attended"), self.hours)
        form.addRow("", self.completed)
        self.save_button = QPushButton(_("&Save"))
        self.check_out_button = QPushButton(_("Check &out…"))
        self.close_button = QPushButton(_("&Close"))
        no_default_buttons(self.save_button, self.check_out_button, self.close_button)
        self.referral_button = QPushButton(_("&Referral letter…"))
        no_default_buttons(self.referral_button)
        self.referral_button.setVisible(record_id is not None)
        buttons = QHBoxLayout()
        buttons.addWidget(self.check_out_button)
        buttons.addWidget(self.referral_button)
        buttons.addStretch()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors_label)
        layout.addLayout(buttons)
        self.fields = {
            "person_id": self.picker.search if self.picker else self.person_label,
            "centre_id": self.centre, "service_type_id": self.service_type,
            "start_date": self.start_date, "end_date": self.end_date,
            "planned_end_date": self.planned_end, "hours_attended": self.hours,
            "completed": self.completed,
        }
        self.service_type.currentIndexChanged.connect(self._type_changed)
        self.save_button.clicked.connect(self.save)
        self.check_out_button.clicked.connect(self.check_out)
        self.referral_button.clicked.connect(self.print_referral)
        # Replaceable in tests: asks the addressee and the purpose of a referral letter.
        self.ask_referral = self._ask_referral
        self.close_button.clicked.connect(self.reject)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        if record_id is None:
            self.setWindowTitle(_("New service record"))
            self.start_date.setDate(to_qdate(dt.date.today()))
        else:
            self.load()
        self._type_changed()
        self.remember_state()

    def is_stay(self) -> bool:
        return self.service_type.currentData() in self._stays

    def is_course(self) -> bool:
        return self.service_type.currentData() in self._courses

    def _type_changed(self, *_args) -> None:
        course = self.is_course()
        self.hours.setEnabled(course)
        self.completed.setEnabled(course)
        self.planned_end.setEnabled(self.is_stay())
        self.check_out_button.setVisible(self._is_open_stay)

    def load(self) -> None:
        record = load_service(self.database, self.record_id)
        kind = record.service_type
        self.person_id = record.person_id
        self._is_open_stay = record.is_open_stay
        if kind.is_course:
            self._courses.add(str(kind.id))
        if kind.is_accommodation:
            self._stays.add(str(kind.id))
        self.setWindowTitle(_("Service record: {name}").format(name=record.person_name))
        self.person_label.setText(record.person_name)
        if self.service_type.findData(str(kind.id)) < 0:  # an inactive type kept by the record
            self.service_type.addItem(kind.name, str(kind.id))
        self.centre.setCurrentIndex(max(0, self.centre.findData(str(record.centre_id))))
        self.service_type.setCurrentIndex(max(0, self.service_type.findData(str(kind.id))))
        self.start_date.setDate(to_qdate(record.start_date))
        self.end_date.setDate(to_qdate(record.end_date))
        self.planned_end.setDate(to_qdate(record.planned_end_date))
        self.staff_name.setText(record.staff_name or "")
        self.outcome.setText(record.outcome or "")
        self.notes.setPlainText(record.notes or "")
        self.hours.setValue(record.hours_attended or 0)
        self.completed.setChecked(bool(record.completed))
        self._type_changed()

    def collect(self) -> ServiceInput:
        course = self.is_course()
        person_id = self.picker.selected_id() if self.picker else self.person_id
        return ServiceInput(
            person_id=person_id,
            centre_id=_uuid(self.centre.currentData()),
            service_type_id=_uuid(self.service_type.currentData()),
            start_date=from_qdate(self.start_date.date()),
            end_date=from_qdate(self.end_date.date()),
            staff_name=self.staff_name.text(),
            outcome=self.outcome.text(),
            notes=self.notes.toPlainText(),
            hours_attended=self.hours.value() if course else None,
            completed=self.completed.isChecked() if course else None,
            planned_end_date=from_qdate(self.planned_end.date()) if self.is_stay() else None,
        )

    def show_errors(self, error: ServiceError) -> None:
        show_error(error, self.fields, self.errors_label)

    def save(self) -> bool:
        """Save the record in one transaction; nothing is saved when a rule refuses it."""
        clear_marks(self.fields.values())
        data = self.collect()
        try:
            self.record_id = store_service(self.database, data, self.record_id)
        except ServiceError as error:
            self.show_errors(error)
            return False
        self.errors_label.clear()
        if self.picker is not None:
            self.picker.setEnabled(False)
        self.person_id = data.person_id
        self.load()
        self.remember_state()
        self.saved.emit(self.record_id)
        return True

    def check_out(self) -> bool:
        """End an open stay on the day the clerk gives (asked through ask_end_date)."""
        if self.record_id is None or not self._is_open_stay:
            return False
        end = self.ask_end_date()
        if end is None:
            return False
        clear_marks(self.fields.values())
        try:
            check_out(self.database, self.record_id, end)
        except ServiceError as error:
            self.show_errors(error)
            return False
        self.errors_label.clear()
        self.load()
        self.remember_state()
        self.saved.emit(self.record_id)
        return True

    def _ask_end_date(self) -> dt.date | None:
        """The default question: a small modal dialog."""
        dialog = QDialog(self)
        dialog.setWindowTitle(_("Check out"))
        last_day = date_edit()
        last_day.setDate(to_qdate(dt.date.today()))
        form = QFormLayout(dialog)
        form.addRow(_("Last day of the stay"), last_day)
        buttons = button_box(dialog.accept, dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return from_qdate(last_day.date())

    def print_referral(self) -> Path | None:
        """A referral letter for the record's person, to the service's provider or an
        employer the clerk names."""
        if self.record_id is None:
            return None
        answer = self.ask_referral()
        if answer is None:
            return None
        addressee, purpose = answer
        try:
            record = load_service(self.database, self.record_id)
            person_id, type_id, centre_id = (record.person_id, record.service_type.id,
                                             record.centre_id)
            return print_document(self.database, f"referral-{self.record_id}",
                                  prints.referral_letter, forms.referral_letter, person_id,
                                  addressee, purpose, service_type_id=type_id,
                                  centre_id=centre_id)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return None

    def _ask_referral(self) -> tuple[str, str] | None:
        dialog = QDialog(self)
        dialog.setWindowTitle(_("Referral letter"))
        addressee, purpose = QLineEdit(), QLineEdit()
        form = QFormLayout(dialog)
        form.addRow(_("To (organisation or employer)"), addressee)
        form.addRow(_("Purpose"), purpose)
        buttons = button_box(dialog.accept, dialog.reject)
        form.addRow(buttons)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return addressee.text().strip(), purpose.text().strip()
