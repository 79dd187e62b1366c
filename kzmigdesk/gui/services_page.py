"""The adaptation centres section: the lazily paged list of service records, with buttons that
open a service record (gui/service_dialog.py), the centres (gui/centres_dialog.py) and the
service catalogue (gui/catalogue_dialog.py).

The rules and the reading live in services/adaptation.py.
"""

import datetime as dt
import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QPushButton

from kzmigdesk import i18n
from kzmigdesk.gui.assign_dialog import OwnerControls
from kzmigdesk.gui.catalogue_dialog import CatalogueDialog
from kzmigdesk.gui.centres_dialog import CentresDialog
from kzmigdesk.gui.service_dialog import ServiceDialog
from kzmigdesk.gui.widgets.colours import expiring_row
from kzmigdesk.gui.widgets.list_page import ListPage, fill_filter, search_hint
from kzmigdesk.gui.widgets.paged_model import PagedTableModel
from kzmigdesk.i18n import N_, _
from kzmigdesk.services.adaptation import (
    ServiceRow,
    centre_choices,
    count_services_in,
    fetch_services_in,
    first_services,
    length_of_stay,
    service_catalogue,
)
from kzmigdesk.services.ownership import FileKind
from kzmigdesk.services.workspace import Database

COLUMNS = (N_("Person"), N_("Service"), N_("Centre"), N_("Start date"), N_("End date"),
           N_("Length of stay"), N_("Hours attended"), N_("Outcome"), N_("Owner"))


def days_text(days: int) -> str:
    return i18n.ngettext("{count} day", "{count} days", days).format(
        count=i18n.format_number(days))


def _uuid(value) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


class ServicesTableModel(PagedTableModel):
    COLUMNS = COLUMNS

    def __init__(self, database: Database):
        super().__init__(database)
        self.text = ""
        self.centre_id: uuid.UUID | None = None
        self.service_type_id: uuid.UUID | None = None
        self.open_stays_only = False
        self.mine = False  # only the signed-in user's records
        self.reload()

    def _filters(self) -> dict:
        return {"text": self.text, "centre_id": self.centre_id,
                "service_type_id": self.service_type_id,
                "open_stays_only": self.open_stays_only, "mine": self.mine}

    def count(self) -> int:
        return count_services_in(self.database, **self._filters())

    def count_and_first_page(self):
        return first_services(self.database, self.PAGE_SIZE, **self._filters())

    def fetch(self, offset: int, limit: int) -> list[ServiceRow]:
        return fetch_services_in(self.database, offset, limit, **self._filters())

    def display(self, row: ServiceRow, column: int) -> str:
        if column == 5:
            return days_text(length_of_stay(row, dt.date.today())) if row.is_accommodation \
                else ""
        return (
            row.person_name,
            row.service_name,
            row.centre_name,
            i18n.format_date(row.start_date),
            i18n.format_date(row.end_date),
            "",
            i18n.format_number(row.hours_attended),
            row.outcome or "",
            row.owner_name,
        )[column]

    def decoration(self, row: ServiceRow, role):
        if not row.past_end:
            return None
        return expiring_row(role, lambda: _(
            "The stay is past its planned end: check the person out, or move its end."))

    def set_filter(self, text: str, centre_id: uuid.UUID | None,
                   service_type_id: uuid.UUID | None, open_stays_only: bool) -> None:
        self.text, self.centre_id = text, centre_id
        self.service_type_id, self.open_stays_only = service_type_id, open_stays_only
        self.reload()


class ServicesPage(ListPage):
    """Search box, filters and the lazily paged table of service records.

    Enter or a double click on a row emits `open_requested` with the record's id; the page
    itself answers it by opening the service dialog (see `open_record`)."""

    KEY = "services"
    MINOR_COLUMNS = (N_("Hours attended"), N_("End date"), N_("Owner"))

    def __init__(self, database: Database):
        super().__init__(database, ServicesTableModel(database))
        self.centre = QComboBox()
        self.service_type = QComboBox()
        self.current_stays = QCheckBox()
        self.new_button = QPushButton()
        self.centres_button = QPushButton()
        self.catalogue_button = QPushButton()
        for combo in (self.centre, self.service_type):
            self.add_filter(combo)
        self.owners = OwnerControls(self, FileKind.SERVICE)
        self.filters.addWidget(self.current_stays)
        self.filters.addWidget(self.owners.mine)
        self.filters.addStretch(1)
        self.current_stays.toggled.connect(self.apply_filter)
        for button in (self.owners.button, self.new_button, self.centres_button,
                       self.catalogue_button):
            self.buttons.addWidget(button)
        self.new_button.clicked.connect(self.open_new)
        self.empty_button.clicked.connect(self.open_new)
        self.centres_button.clicked.connect(self.open_centres)
        self.catalogue_button.clicked.connect(self.open_catalogue)
        self.open_requested.connect(self.open_record)
        self.retranslate()

    def retranslate(self) -> None:
        search_hint(self.search,
            _("Search by the person's name in any script, IIN or document number"))
        self.current_stays.setText(_("Current stays only"))
        self.owners.retranslate()
        self.new_button.setText(_("New service…"))
        self.empty_label.setText(_("No service is recorded yet."))
        self.empty_button.setText(_("New service…"))
        self.centres_button.setText(_("Centres…"))
        self.catalogue_button.setText(_("Service catalogue…"))
        self.fill_filters()
        self.model.retranslate()
        self.show_count()

    def fill_filters(self) -> None:
        centres = [(name, str(centre_id)) for name, centre_id in centre_choices(self.database)]
        kinds = [(kind.name, str(kind.id))
                 for kind in service_catalogue(self.database, active_only=False)]
        fill_filter(self.centre, _("All centres"), centres)
        fill_filter(self.service_type, _("All services"), kinds)

    def refresh(self, *_changed) -> None:
        self.fill_filters()
        super().refresh()

    def set_model_filter(self) -> None:
        self.model.mine = self.owners.mine.isChecked()
        self.model.set_filter(self.search.text(), _uuid(self.centre.currentData()),
                              _uuid(self.service_type.currentData()),
                              self.current_stays.isChecked())

    def count_text(self, count: int) -> str:
        return i18n.ngettext("{count} service record", "{count} service records", count).format(
            count=i18n.format_number(count))

    def open_new(self) -> ServiceDialog:
        return self.open_record(None)

    def open_record(self, record_id: uuid.UUID | None = None) -> ServiceDialog:
        """Open a service record (a new one when `record_id` is None), non-modal."""
        dialog = ServiceDialog(self.database, record_id, self)
        dialog.saved.connect(self.refresh)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_centres(self) -> CentresDialog:
        dialog = CentresDialog(self.database, self)
        dialog.changed.connect(self.refresh)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_catalogue(self) -> CatalogueDialog:
        dialog = CatalogueDialog(self.database, self)
        dialog.changed.connect(self.refresh)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
