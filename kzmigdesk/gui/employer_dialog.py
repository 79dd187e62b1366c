"""An employer's view (its data and permits) and the dialog that finds employers."""

import uuid
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
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
from kzmigdesk.domain.enums import label
from kzmigdesk.gui.print_actions import print_document
from kzmigdesk.gui.sector_combo import chosen_sector, sector_combo
from kzmigdesk.gui.sectors_dialog import UnmappedSectorsDialog
from kzmigdesk.gui.widgets.dialogs import ERROR_STYLE, no_default_buttons
from kzmigdesk.gui.widgets.list_page import search_hint
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.i18n import N_, _
from kzmigdesk.printing import forms
from kzmigdesk.services import prints
from kzmigdesk.services.auth import Permission, actor_may
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.labour import employer_choices, load_employer
from kzmigdesk.services.sectors import assign_sector
from kzmigdesk.services.workspace import Database

PERMIT_COLUMNS = (N_("Permit number"), N_("Worker"), N_("Category"), N_("Valid from"),
                  N_("Valid to"), N_("Status"))
ID_ROLE = Qt.ItemDataRole.UserRole  # item data are strings: findData cannot match UUIDs


class EmployerDialog(QDialog):
    """An employer's data and the table of its permits; Enter on a permit emits its id."""

    open_requested = Signal(object)  # a permit's id

    def __init__(self, database: Database, employer_id: uuid.UUID,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.employer_id = employer_id
        self.resize(760, 520)
        employer = load_employer(database, employer_id)
        details = (
            ("bin", _("BIN"), employer.bin),
            ("name", _("Employer name"), employer.name),
            ("sector", _("Sector"), employer.sector),
            ("region", _("Region"), employer.region_name),
            ("address", _("Address"), employer.address),
            ("phone", _("Phone"), employer.phone),
            ("contact_person", _("Contact person"), employer.contact_person),
        )
        self.permit_ids = [permit.id for permit in employer.permits]
        rows = [
            [permit.number, permit.worker_name, label(permit.category),
             i18n.format_date(permit.valid_from), i18n.format_date(permit.valid_to),
             label(permit.status)]
            for permit in employer.permits
        ]
        self.setWindowTitle(_("Employer: {name}").format(name=employer.name))
        form = QFormLayout()
        self.values: dict[str, QLabel] = {}
        for key, caption, value in details:
            self.values[key] = QLabel(value or "")
            form.addRow(caption, self.values[key])
        # Supervisors and administrators choose the sector from the classifier (issue 24).
        self.sector = sector_combo(database, _("(no sector)"), self)
        self.sector.setCurrentIndex(max(0, self.sector.findData(
            str(employer.sector_id) if employer.sector_id else None)))
        self.sector_button = QPushButton(_("Set the &sector"))
        no_default_buttons(self.sector_button)
        self.sector_button.clicked.connect(self.set_sector)
        if actor_may(database.actor, Permission.EDIT_CATALOGUE):
            row = QHBoxLayout()
            row.addWidget(self.sector, 1)
            row.addWidget(self.sector_button)
            sector_label = QLabel(_("Economic s&ector"))
            sector_label.setBuddy(self.sector)
            form.addRow(sector_label, row)
        else:
            self.sector.hide()
            self.sector_button.hide()
        self.permits = read_only_table(6)
        fill_table(self.permits, rows, [_(column) for column in PERMIT_COLUMNS])
        self.permits.itemActivated.connect(
            lambda item: self.open_requested.emit(self.permit_ids[item.row()]))
        close_button = QPushButton(_("&Close"))
        self.print_button = QPushButton(_("&Print register extract…"))
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
        permits_label = QLabel(_("Work permits"))
        permits_label.setBuddy(self.permits)
        layout.addWidget(permits_label)
        layout.addWidget(self.permits)
        layout.addWidget(self.errors_label)
        layout.addLayout(buttons)

    def set_sector(self) -> bool:
        """Store the chosen sector (the service checks the permission and audits it)."""
        try:
            assign_sector(self.database, self.employer_id, chosen_sector(self.sector))
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        employer = load_employer(self.database, self.employer_id)
        self.values["sector"].setText(employer.sector or "")
        self.errors_label.setText("")
        return True

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
        search_hint(self.search, _("BIN or name of the employer"))
        self.list = QListWidget()
        self.list.setAccessibleName(_("Employers"))
        # Supervisors and administrators choose the sectors the migration could not map.
        self.unmapped_button = QPushButton(_("Employers &without a sector…"))
        self.unmapped_button.setVisible(actor_may(database.actor, Permission.EDIT_CATALOGUE))
        no_default_buttons(self.unmapped_button)
        self.unmapped_button.clicked.connect(self.open_unmapped)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(self.list)
        layout.addWidget(self.unmapped_button)
        self.search.textChanged.connect(self.find)
        self.list.itemActivated.connect(
            lambda item: self.open_employer(uuid.UUID(item.data(ID_ROLE))))
        self.find()

    def find(self) -> None:
        self.list.clear()
        for employer in employer_choices(self.database, self.search.text(), limit=200):
            item = QListWidgetItem(f"{employer.name} · {employer.bin}")
            item.setData(ID_ROLE, str(employer.id))
            self.list.addItem(item)

    def open_unmapped(self) -> UnmappedSectorsDialog:
        dialog = UnmappedSectorsDialog(self.database, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_employer(self, employer_id: uuid.UUID) -> EmployerDialog:
        dialog = EmployerDialog(self.database, employer_id, self)
        dialog.open_requested.connect(self.open_requested)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
