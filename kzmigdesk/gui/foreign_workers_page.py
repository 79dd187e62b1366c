"""The foreign workers section: the lazily paged list of work permits, from which the permit
dialog and the employers' dialog open."""

import datetime as dt
import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QPushButton

from kzmigdesk import i18n
from kzmigdesk.domain.enums import PermitCategory, PermitStatus, label
from kzmigdesk.gui.assign_dialog import OwnerControls
from kzmigdesk.gui.employer_dialog import EmployersDialog
from kzmigdesk.gui.permit_dialog import PermitDialog, citizenship_name
from kzmigdesk.gui.violations_dialog import ViolationsDialog
from kzmigdesk.gui.widgets.colours import EXPIRY_WARNING_DAYS, expiring_row
from kzmigdesk.gui.widgets.list_page import ListPage, fill_filter, search_hint
from kzmigdesk.gui.widgets.paged_model import PagedTableModel
from kzmigdesk.i18n import N_, _
from kzmigdesk.services.labour import (
    PermitRow,
    count_permits_in,
    first_permits,
    permit_expires_within,
    permits_page,
)
from kzmigdesk.services.ownership import FileKind
from kzmigdesk.services.workspace import Database

COLUMNS = (N_("Permit number"), N_("Worker"), N_("Citizenship"), N_("Employer"),
           N_("Category"), N_("Valid from"), N_("Valid to"), N_("Status"), N_("Owner"))


def expiry_warning(valid_to: dt.date, today: dt.date) -> str:
    days = (valid_to - today).days
    if days <= 0:
        return _("The permit's last valid day is today.")
    return i18n.ngettext("The permit runs out in {days} day, on {date}.",
                         "The permit runs out in {days} days, on {date}.", days).format(
        days=i18n.format_number(days), date=i18n.format_date(valid_to))


class PermitsTableModel(PagedTableModel):
    COLUMNS = COLUMNS

    def __init__(self, database: Database):
        super().__init__(database)
        self.text, self.status, self.category, self.expiring_only = "", None, None, False
        self.mine = False  # only the signed-in user's permits
        self.today = dt.date.today()
        self.reload()

    def _filters(self) -> dict:
        within = EXPIRY_WARNING_DAYS if self.expiring_only else None
        return dict(text=self.text, status=self.status, category=self.category,
                    expiring_within=within, today=self.today, mine=self.mine)

    def count(self) -> int:
        self.today = dt.date.today()
        return count_permits_in(self.database, **self._filters())

    def count_and_first_page(self):
        self.today = dt.date.today()
        return first_permits(self.database, self.PAGE_SIZE, **self._filters())

    def fetch(self, offset: int, limit: int) -> list[PermitRow]:
        return permits_page(self.database, **self._filters(), offset=offset, limit=limit)

    def decoration(self, permit: PermitRow, role):
        if not permit_expires_within(permit.status, permit.valid_to, self.today,
                                     EXPIRY_WARNING_DAYS):
            return None
        return expiring_row(role, lambda: expiry_warning(permit.valid_to, self.today))

    def display(self, permit: PermitRow, column: int) -> str:
        return (
            permit.number,
            permit.worker_name,
            citizenship_name(permit.citizenship),
            permit.employer_name,
            label(permit.category),
            i18n.format_date(permit.valid_from),
            i18n.format_date(permit.valid_to),
            label(permit.status),
            permit.owner_name,
        )[column]

    def set_filter(self, text: str, status: PermitStatus | None,
                   category: PermitCategory | None, expiring_only: bool = False) -> None:
        self.text, self.status, self.category = text, status, category
        self.expiring_only = expiring_only
        self.reload()

    def permit_id(self, number: int) -> uuid.UUID:
        return self.row(number).id


class ForeignWorkersPage(ListPage):
    """Search box, filters and the lazily paged table of work permits.

    Enter or a double click on a row emits `open_requested` with the permit's id; the page
    itself answers it by opening the permit dialog (see `open_permit`)."""

    KEY = "workers"
    MINOR_COLUMNS = (N_("Citizenship"), N_("Valid from"), N_("Owner"))

    def __init__(self, database: Database):
        super().__init__(database, PermitsTableModel(database))
        self.status = QComboBox()
        self.category = QComboBox()
        self.expiring = QCheckBox()
        self.new_button = QPushButton()
        self.employers_button = QPushButton()
        self.violations_button = QPushButton()  # issue 24
        for combo in (self.status, self.category):
            self.add_filter(combo)
        self.owners = OwnerControls(self, FileKind.PERMIT)
        self.filters.addWidget(self.expiring)
        self.filters.addWidget(self.owners.mine)
        self.filters.addStretch(1)
        self.expiring.toggled.connect(self.apply_filter)
        self.buttons.addWidget(self.owners.button)
        self.buttons.addWidget(self.new_button)
        self.buttons.addWidget(self.employers_button)
        self.buttons.addWidget(self.violations_button)
        self.new_button.clicked.connect(lambda: self.open_permit(None))
        self.empty_button.clicked.connect(lambda: self.open_permit(None))
        self.employers_button.clicked.connect(self.open_employers)
        self.violations_button.clicked.connect(self.open_violations)
        self.open_requested.connect(self.open_permit)
        self.retranslate()

    def retranslate(self) -> None:
        search_hint(self.search,
            _("Search by permit number, employer BIN, or the worker's name, IIN or document "
              "number"))
        self.new_button.setText(_("New permit…"))
        self.owners.retranslate()
        self.empty_label.setText(_("No work permit is recorded yet."))
        self.empty_button.setText(_("New permit…"))
        self.employers_button.setText(_("Employers…"))
        self.violations_button.setText(_("Violations…"))
        self.expiring.setText(i18n.ngettext(
            "Permits running out within {days} day", "Permits running out within {days} days",
            EXPIRY_WARNING_DAYS).format(days=i18n.format_number(EXPIRY_WARNING_DAYS)))
        fill_filter(self.status, _("All statuses"), [(label(s), s.value) for s in PermitStatus])
        fill_filter(self.category, _("All categories"),
                   [(label(c), c.value) for c in PermitCategory])
        self.model.retranslate()
        self.show_count()

    def set_model_filter(self) -> None:
        status, category = self.status.currentData(), self.category.currentData()
        self.model.mine = self.owners.mine.isChecked()
        self.model.set_filter(self.search.text(),
                              PermitStatus(status) if status else None,
                              PermitCategory(category) if category else None,
                              self.expiring.isChecked())

    def count_text(self, count: int) -> str:
        return i18n.ngettext("{count} permit", "{count} permits", count).format(
            count=i18n.format_number(count))

    def open_permit(self, permit_id: uuid.UUID | None = None,
                    person_id: uuid.UUID | None = None) -> PermitDialog:
        """Open a permit (a new one when `permit_id` is None), non-modal."""
        dialog = PermitDialog(self.database, permit_id, self, person_id=person_id)
        dialog.saved.connect(self.refresh)  # a method: a lambda would keep the page alive
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_violations(self) -> ViolationsDialog:
        dialog = ViolationsDialog(self.database, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def open_employers(self) -> EmployersDialog:
        dialog = EmployersDialog(self.database, self)
        dialog.open_requested.connect(self.open_permit)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
