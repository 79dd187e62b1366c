"""The adaptation centres section: the lazily paged list of service records, the service
record dialog (with checking a person out of a stay), the centres and the service catalogue.

The rules live in services/adaptation.py: these widgets collect input and show the services'
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
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from kzmigdesk import i18n, languages
from kzmigdesk.domain.models import AdaptationCentre, ServiceRecord, ServiceType
from kzmigdesk.domain.search import sort_key
from kzmigdesk.gui.print_actions import print_document
from kzmigdesk.gui.widgets.choices import sorted_regions
from kzmigdesk.gui.widgets.dates import date_edit, from_qdate, to_qdate
from kzmigdesk.gui.widgets.dialogs import ERROR_STYLE, INVALID_STYLE, button_box, no_default_buttons
from kzmigdesk.gui.widgets.list_page import ListPage, fill_filter
from kzmigdesk.gui.widgets.paged_model import PagedTableModel
from kzmigdesk.gui.widgets.person_picker import PersonPicker
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table, yes_no
from kzmigdesk.gui.widgets.unsaved import GuardedDialog
from kzmigdesk.i18n import N_, _
from kzmigdesk.printing import forms
from kzmigdesk.services import prints
from kzmigdesk.services.adaptation import (
    CentreInput,
    ServiceInput,
    ServiceRow,
    ServiceTypeInput,
    count_services,
    end_stay,
    fetch_services,
    length_of_stay,
    occupancy,
    record_service,
    save_centre,
    save_service_type,
    service_types,
)
from kzmigdesk.services.auth import Permission, actor_may
from kzmigdesk.services.errors import NotFound, ServiceError, ValidationFailed
from kzmigdesk.services.workspace import Database

COLUMNS = (N_("Person"), N_("Service"), N_("Centre"), N_("Start date"), N_("End date"),
           N_("Length of stay"), N_("Hours attended"), N_("Outcome"))
ID_ROLE = Qt.ItemDataRole.UserRole


def days_text(days: int) -> str:
    return i18n.ngettext("{count} day", "{count} days", days).format(
        count=i18n.format_number(days))


def sorted_centres(session) -> list[AdaptationCentre]:
    return sorted(session.scalars(select(AdaptationCentre)), key=lambda c: sort_key(c.name))


def _uuid(value) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def _clear_marks(widgets) -> None:
    for widget in widgets:
        widget.setStyleSheet("")


# --- the list -------------------------------------------------------------------------------


class ServicesTableModel(PagedTableModel):
    COLUMNS = COLUMNS

    def __init__(self, database: Database):
        super().__init__(database)
        self.text = ""
        self.centre_id: uuid.UUID | None = None
        self.service_type_id: uuid.UUID | None = None
        self.open_stays_only = False
        self.reload()

    def _filters(self) -> dict:
        return {"text": self.text, "centre_id": self.centre_id,
                "service_type_id": self.service_type_id,
                "open_stays_only": self.open_stays_only}

    def count(self) -> int:
        with self.database.sessions() as session:
            return count_services(session, **self._filters())

    def fetch(self, offset: int, limit: int) -> list[ServiceRow]:
        with self.database.sessions() as session:
            return fetch_services(session, **self._filters(), offset=offset, limit=limit)

    def display(self, row: ServiceRow, column: int) -> str:
        if column == 5:
            return days_text(length_of_stay(row, dt.date.today())) if row.is_accommodation \
                else ""
        return (
            row.person_name,
            row.service_name,
            row.centre_name,
            i18n.format_date(row.start_date, "short"),
            i18n.format_date(row.end_date, "short"),
            "",
            i18n.format_number(row.hours_attended),
            row.outcome or "",
        )[column]

    def set_filter(self, text: str, centre_id: uuid.UUID | None,
                   service_type_id: uuid.UUID | None, open_stays_only: bool) -> None:
        self.text, self.centre_id = text, centre_id
        self.service_type_id, self.open_stays_only = service_type_id, open_stays_only
        self.reload()


class ServicesPage(ListPage):
    """Search box, filters and the lazily paged table of service records.

    Enter or a double click on a row emits `open_requested` with the record's id; the page
    itself answers it by opening the service dialog (see `open_record`)."""

    def __init__(self, database: Database):
        super().__init__(database, ServicesTableModel(database),
                         (220, 200, 180, 90, 90, 100, 80))
        self.centre = QComboBox()
        self.service_type = QComboBox()
        self.current_stays = QCheckBox()
        self.new_button = QPushButton()
        self.centres_button = QPushButton()
        self.catalogue_button = QPushButton()
        for combo in (self.centre, self.service_type):
            self.filters.addWidget(combo, 2)
            combo.currentIndexChanged.connect(self.apply_filter)
        self.filters.addWidget(self.current_stays)
        self.current_stays.toggled.connect(self.apply_filter)
        for button in (self.new_button, self.centres_button, self.catalogue_button):
            self.filters.addWidget(button)
        self.new_button.clicked.connect(self.open_new)
        self.centres_button.clicked.connect(self.open_centres)
        self.catalogue_button.clicked.connect(self.open_catalogue)
        self.open_requested.connect(self.open_record)
        self.retranslate()

    def retranslate(self) -> None:
        self.search.setPlaceholderText(
            _("Search by the person's name in any script, IIN or document number"))
        self.current_stays.setText(_("Current stays only"))
        self.new_button.setText(_("New service…"))
        self.centres_button.setText(_("Centres…"))
        self.catalogue_button.setText(_("Service catalogue…"))
        self.fill_filters()
        self.model.retranslate()
        self.show_count()

    def fill_filters(self) -> None:
        with self.database.sessions() as session:
            centres = [(c.name, str(c.id)) for c in sorted_centres(session)]
            kinds = [(t.name, str(t.id)) for t in service_types(session, active_only=False)]
        fill_filter(self.centre, _("All centres"), centres)
        fill_filter(self.service_type, _("All services"), kinds)

    def refresh(self, *_changed) -> None:
        self.fill_filters()
        super().refresh()

    def set_model_filter(self) -> None:
        self.model.set_filter(self.search.text(), _uuid(self.centre.currentData()),
                              _uuid(self.service_type.currentData()),
                              self.current_stays.isChecked())

    def count_text(self, count: int) -> str:
        return i18n.ngettext("{count} service record", "{count} service records", count).format(
            count=i18n.format_number(count))

    def open_new(self) -> "ServiceDialog":
        return self.open_record(None)

    def open_record(self, record_id: uuid.UUID | None = None) -> "ServiceDialog":
        """Open a service record (a new one when `record_id` is None), non-modal."""
        dialog = ServiceDialog(self.database, record_id, self)
        dialog.saved.connect(self.refresh)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_centres(self) -> "CentresDialog":
        dialog = CentresDialog(self.database, self)
        dialog.changed.connect(self.refresh)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_catalogue(self) -> "CatalogueDialog":
        dialog = CatalogueDialog(self.database, self)
        dialog.changed.connect(self.refresh)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog


# --- a service record -----------------------------------------------------------------------


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
        self.errors_label = QLabel()
        self.errors_label.setStyleSheet(ERROR_STYLE)
        self.errors_label.setWordWrap(True)
        self.picker = PersonPicker(database) if record_id is None else None
        self.person_label = QLabel()
        self.centre, self.service_type = QComboBox(), QComboBox()
        self.start_date, self.end_date = date_edit(), date_edit()
        self.staff_name, self.outcome = QLineEdit(), QLineEdit()
        self.notes = QPlainTextEdit()
        self.hours = QSpinBox()
        self.hours.setRange(0, 100000)
        self.completed = QCheckBox(_("Completed"))
        self._courses: set[str] = set()
        self._stays: set[str] = set()
        with database.sessions() as session:
            self.centre.addItem("", None)
            for centre in sorted_centres(session):
                self.centre.addItem(centre.name, str(centre.id))
            self.service_type.addItem("", None)
            for kind in service_types(session, active_only=record_id is not None):
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
        form.addRow(_("Staff member"), self.staff_name)
        form.addRow(_("Outcome"), self.outcome)
        form.addRow(_("Notes"), self.notes)
        form.addRow(_("Hours attended"), self.hours)
        form.addRow("", self.completed)
        self.save_button = QPushButton(_("Save"))
        self.check_out_button = QPushButton(_("Check out…"))
        self.close_button = QPushButton(_("Close"))
        no_default_buttons(self.save_button, self.check_out_button, self.close_button)
        self.referral_button = QPushButton(_("Referral letter…"))
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
            "hours_attended": self.hours, "completed": self.completed,
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

    def is_course(self) -> bool:
        return self.service_type.currentData() in self._courses

    def _type_changed(self, *_args) -> None:
        course = self.is_course()
        self.hours.setEnabled(course)
        self.completed.setEnabled(course)
        self.check_out_button.setVisible(self._is_open_stay)

    def load(self) -> None:
        with self.database.sessions() as session:
            record = session.get(ServiceRecord, self.record_id)
            if record is None:
                raise NotFound(N_("The service record no longer exists."))
            self.person_id = record.person_id
            person_name = record.person.full_name
            kind = record.service_type
            values = (str(record.centre_id), str(kind.id), kind.name, record.start_date,
                      record.end_date, record.staff_name, record.outcome, record.notes,
                      record.hours_attended, record.completed)
            self._is_open_stay = kind.is_accommodation and record.end_date is None
            if kind.is_course:
                self._courses.add(str(kind.id))
        (centre_id, type_id, type_name, start, end, staff, outcome, notes, hours,
         completed) = values
        self.setWindowTitle(_("Service record: {name}").format(name=person_name))
        self.person_label.setText(person_name)
        if self.service_type.findData(type_id) < 0:  # an inactive type kept by the record
            self.service_type.addItem(type_name, type_id)
        self.centre.setCurrentIndex(max(0, self.centre.findData(centre_id)))
        self.service_type.setCurrentIndex(max(0, self.service_type.findData(type_id)))
        self.start_date.setDate(to_qdate(start))
        self.end_date.setDate(to_qdate(end))
        self.staff_name.setText(staff or "")
        self.outcome.setText(outcome or "")
        self.notes.setPlainText(notes or "")
        self.hours.setValue(hours or 0)
        self.completed.setChecked(bool(completed))
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
        )

    def show_errors(self, error: ServiceError) -> None:
        if isinstance(error, ValidationFailed):
            for name in error.fields():
                if name in self.fields:
                    self.fields[name].setStyleSheet(INVALID_STYLE)
        self.errors_label.setText(error.message())

    def save(self) -> bool:
        """Save the record in one transaction; nothing is saved when a rule refuses it."""
        _clear_marks(self.fields.values())
        data = self.collect()
        try:
            with self.database.transaction() as session:
                record = None
                if self.record_id is not None:
                    record = session.get(ServiceRecord, self.record_id)
                    if record is None:
                        raise NotFound(N_("The service record no longer exists."))
                record = record_service(session, data, record)
                self.record_id = record.id
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
        _clear_marks(self.fields.values())
        try:
            with self.database.transaction() as session:
                record = session.get(ServiceRecord, self.record_id)
                if record is None:
                    raise NotFound(N_("The service record no longer exists."))
                end_stay(session, record, end)
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
        with self.database.sessions() as session:
            record = session.get(ServiceRecord, self.record_id)
            if record is None:
                self.errors_label.setText(_("The service record no longer exists."))
                return None
            person_id, type_id, centre_id = (record.person_id, record.service_type_id,
                                             record.centre_id)
        try:
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


def lay_out_editor(dialog, form: QFormLayout) -> None:
    """The centres' and the catalogue's dialogs: the table, the form, the errors, and the
    New / Save / Close buttons."""
    no_default_buttons(dialog.new_button, dialog.save_button, dialog.close_button)
    buttons = QHBoxLayout()
    buttons.addWidget(dialog.new_button)
    buttons.addStretch()
    buttons.addWidget(dialog.save_button)
    buttons.addWidget(dialog.close_button)
    layout = QVBoxLayout(dialog)
    layout.addWidget(dialog.table)
    layout.addLayout(form)
    layout.addWidget(dialog.errors_label)
    layout.addLayout(buttons)


# --- centres --------------------------------------------------------------------------------


class CentresDialog(QDialog):
    """The centres with today's occupancy; a form adds a centre or edits the chosen one."""

    changed = Signal()

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.centre_ids: list[uuid.UUID] = []
        self.editing: uuid.UUID | None = None
        self.setWindowTitle(_("Centres"))
        self.resize(720, 560)
        self.table = read_only_table(4)
        self.name, self.address, self.phone = QLineEdit(), QLineEdit(), QLineEdit()
        self.region = QComboBox()
        self.beds = QSpinBox()
        self.beds.setRange(0, 100000)
        self.errors_label = QLabel()
        self.errors_label.setStyleSheet(ERROR_STYLE)
        self.errors_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Centre name"), self.name)
        form.addRow(_("Region"), self.region)
        form.addRow(_("Address"), self.address)
        form.addRow(_("Phone"), self.phone)
        form.addRow(_("Beds"), self.beds)
        self.new_button, self.save_button = QPushButton(_("New centre")), QPushButton(_("Save"))
        self.close_button = QPushButton(_("Close"))
        lay_out_editor(self, form)
        self.fields = {"name": self.name, "region_id": self.region, "beds": self.beds}
        self.region.addItem("", None)
        for name, region_id in sorted_regions(database):
            self.region.addItem(name, region_id)
        self.table.currentCellChanged.connect(self._row_chosen)
        self.new_button.clicked.connect(self.clear_form)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.accept)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        self.load()

    def load(self) -> None:
        today = dt.date.today()
        with self.database.sessions() as session:
            centres = sorted_centres(session)
            self.centre_ids = [centre.id for centre in centres]
            rows = [[centre.name, centre.region.name, i18n.format_number(centre.beds),
                     i18n.format_number(occupancy(session, centre.id, today))]
                    for centre in centres]
        self.table.blockSignals(True)
        fill_table(self.table, rows,
                   [_("Centre name"), _("Region"), _("Beds"), _("Staying today")])
        self.table.blockSignals(False)

    def clear_form(self) -> None:
        self.editing = None
        self.table.clearSelection()
        for widget in (self.name, self.address, self.phone):
            widget.clear()
        self.region.setCurrentIndex(0)
        self.beds.setValue(0)
        self.errors_label.clear()
        _clear_marks(self.fields.values())

    def _row_chosen(self, row: int, *_args) -> None:
        if not 0 <= row < len(self.centre_ids):
            return
        with self.database.sessions() as session:
            centre = session.get(AdaptationCentre, self.centre_ids[row])
            if centre is None:
                return
            self.editing = centre.id
            self.name.setText(centre.name)
            self.region.setCurrentIndex(max(0, self.region.findData(str(centre.region_id))))
            self.address.setText(centre.address or "")
            self.phone.setText(centre.phone or "")
            self.beds.setValue(centre.beds)
        self.errors_label.clear()
        _clear_marks(self.fields.values())

    def save(self) -> bool:
        data = CentreInput(name=self.name.text(), region_id=_uuid(self.region.currentData()),
                           address=self.address.text(), phone=self.phone.text(),
                           beds=self.beds.value())

        def store(session) -> uuid.UUID:
            centre = session.get(AdaptationCentre, self.editing) if self.editing else None
            return save_centre(session, data, centre).id

        return _save_editor(self, store)


def _save_editor(dialog, store) -> bool:
    """Save the form of a centres or catalogue dialog: `store(session)` returns the saved id;
    problems are marked on the fields and told in the errors label, and nothing is saved."""
    _clear_marks(dialog.fields.values())
    try:
        with dialog.database.transaction() as session:
            dialog.editing = store(session)
    except ServiceError as error:
        if isinstance(error, ValidationFailed):
            for name in error.fields():
                dialog.fields[name].setStyleSheet(INVALID_STYLE)
        dialog.errors_label.setText(error.message())
        return False
    dialog.errors_label.clear()
    dialog.load()
    dialog.changed.emit()
    return True


# --- the service catalogue ------------------------------------------------------------------


class CatalogueDialog(QDialog):
    """All service types, active or not; a form adds a type or edits the chosen one."""

    changed = Signal()

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.type_ids: list[uuid.UUID] = []
        self.editing: uuid.UUID | None = None
        self.setWindowTitle(_("Service catalogue"))
        self.resize(900, 600)
        self.table = read_only_table(4 + len(languages.LANGUAGES))
        self.code = QLineEdit()
        self.names = {code: QLineEdit() for code in languages.codes()}
        self.is_accommodation = QCheckBox(_("Accommodation (takes a bed)"))
        self.is_course = QCheckBox(_("Course (hours attended)"))
        self.active = QCheckBox(_("Offered"))
        self.active.setChecked(True)
        self.errors_label = QLabel()
        self.errors_label.setStyleSheet(ERROR_STYLE)
        self.errors_label.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("Code"), self.code)
        for code, edit in self.names.items():
            form.addRow(_(languages.get(code).name_label), edit)
        form.addRow("", self.is_accommodation)
        form.addRow("", self.is_course)
        form.addRow("", self.active)
        self.new_button, self.save_button = QPushButton(_("New service")), QPushButton(_("Save"))
        self.close_button = QPushButton(_("Close"))
        lay_out_editor(self, form)
        self.fields = {"code": self.code,
                       **{f"names.{code}": edit for code, edit in self.names.items()}}
        self.table.currentCellChanged.connect(self._row_chosen)
        self.new_button.clicked.connect(self.clear_form)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.accept)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        may_edit = actor_may(self.database.actor, Permission.EDIT_CATALOGUE)
        for widget in (self.new_button, self.save_button, *self.fields.values(),
                       self.is_accommodation, self.is_course, self.active):
            widget.setEnabled(may_edit)
        if not may_edit:
            self.errors_label.setText(_("Only a supervisor can change the service catalogue."))
        self.load()

    def load(self) -> None:
        with self.database.sessions() as session:
            kinds = service_types(session, active_only=False)
            self.type_ids = [kind.id for kind in kinds]
            rows = [[kind.code, *(kind.names.get(code, "") for code in self.names),
                     yes_no(kind.is_accommodation), yes_no(kind.is_course), yes_no(kind.active)]
                    for kind in kinds]
        self.table.blockSignals(True)
        fill_table(self.table, rows,
                   [_("Code"), *(_(languages.get(code).name_label) for code in self.names),
                    _("Accommodation"), _("Course"), _("Offered")])
        self.table.blockSignals(False)

    def clear_form(self) -> None:
        self.editing = None
        self.table.clearSelection()
        for widget in self.fields.values():
            widget.clear()
        self.is_accommodation.setChecked(False)
        self.is_course.setChecked(False)
        self.active.setChecked(True)
        self.errors_label.clear()
        _clear_marks(self.fields.values())

    def _row_chosen(self, row: int, *_args) -> None:
        if not 0 <= row < len(self.type_ids):
            return
        with self.database.sessions() as session:
            kind = session.get(ServiceType, self.type_ids[row])
            if kind is None:
                return
            self.editing = kind.id
            self.code.setText(kind.code)
            for code, edit in self.names.items():
                edit.setText(kind.names.get(code, ""))
            self.is_accommodation.setChecked(kind.is_accommodation)
            self.is_course.setChecked(kind.is_course)
            self.active.setChecked(kind.active)
        self.errors_label.clear()
        _clear_marks(self.fields.values())

    def save(self) -> bool:
        data = ServiceTypeInput(
            code=self.code.text(),
            names={code: edit.text() for code, edit in self.names.items()},
            is_accommodation=self.is_accommodation.isChecked(),
            is_course=self.is_course.isChecked(), active=self.active.isChecked())

        def store(session) -> uuid.UUID:
            kind = session.get(ServiceType, self.editing) if self.editing else None
            return save_service_type(session, data, kind).id

        return _save_editor(self, store)
