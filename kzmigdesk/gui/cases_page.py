"""The Repatriates section: the lazily paged list of repatriate (kandas) cases; a case opens
in gui/case_dialog.py, a new one in gui/new_case_dialog.py.

Every rule lives in services/repatriation.py; this module shows its results.
"""

import datetime as dt
import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QPushButton

from kzmigdesk import i18n
from kzmigdesk.domain.enums import RepatriateStatus, label
from kzmigdesk.gui.assign_dialog import OwnerControls
from kzmigdesk.gui.case_dialog import (
    CaseDialog,
    expiry_warning,
)
from kzmigdesk.gui.new_case_dialog import NewCaseDialog
from kzmigdesk.gui.widgets.colours import EXPIRY_WARNING_DAYS, expiring_row
from kzmigdesk.gui.widgets.list_page import ListPage, fill_filter, search_hint
from kzmigdesk.gui.widgets.paged_model import PagedTableModel
from kzmigdesk.i18n import N_, _
from kzmigdesk.services import repatriation as rep
from kzmigdesk.services.ownership import FileKind
from kzmigdesk.services.workspace import Database

S = RepatriateStatus
COLUMNS = (
    N_("Case number"),
    rep.LABEL_APPLICANT,
    rep.LABEL_COUNTRY,
    rep.LABEL_APPLICATION_DATE,
    N_("Status"),
    N_("Certificate expiry"),
    rep.LABEL_MEMBERS,
    N_("Owner"),
)


# --- the list ---


class CasesTableModel(PagedTableModel):
    COLUMNS = COLUMNS

    def __init__(self, database: Database):
        super().__init__(database)
        self.text, self.status, self.expiring_only = "", None, False
        self.mine = False  # only the signed-in user's cases
        self.today = dt.date.today()
        self.reload()

    def _filters(self) -> dict:
        within = EXPIRY_WARNING_DAYS if self.expiring_only else None
        return dict(text=self.text, status=self.status, expiring_within=within, today=self.today,
                    mine=self.mine)

    def count(self) -> int:
        self.today = dt.date.today()
        return rep.count_cases_in(self.database, **self._filters())

    def count_and_first_page(self):
        self.today = dt.date.today()
        return rep.first_cases(self.database, self.PAGE_SIZE, **self._filters())

    def fetch(self, offset: int, limit: int) -> list[rep.CaseRow]:
        return rep.cases_page(self.database, offset, limit, **self._filters())

    def display(self, case: rep.CaseRow, column: int) -> str:
        return (
            case.case_number,
            case.applicant,
            i18n.country_name(case.country_of_origin),
            i18n.format_date(case.application_date),
            label(case.status),
            i18n.format_date(case.certificate_expiry_date),
            i18n.format_number(case.household_size),
            case.owner_name,
        )[column]

    def decoration(self, case: rep.CaseRow, role):
        if not case.expires_within(self.today, EXPIRY_WARNING_DAYS):
            return None
        return expiring_row(
            role, lambda: expiry_warning(case.certificate_expiry_date, self.today))

    def set_filter(self, text: str, status: S | None, expiring_only: bool) -> None:
        self.text, self.status, self.expiring_only = text, status, expiring_only
        self.reload()

    def case_id(self, number: int) -> uuid.UUID:
        return self.row(number).id


class CasesPage(ListPage):
    """Search box, status filter, expiring certificates and the paged table of cases."""

    KEY = "repatriates"
    MINOR_COLUMNS = (N_("Owner"),)

    def __init__(self, database: Database):
        super().__init__(database, CasesTableModel(database))
        self.status = QComboBox()
        self.expiring = QCheckBox()
        self.new_button = QPushButton()
        self.new_button.clicked.connect(self.new_case)
        self.empty_button.clicked.connect(self.new_case)
        self.owners = OwnerControls(self, FileKind.CASE)
        self.add_filter(self.status)
        self.filters.addWidget(self.expiring)
        self.filters.addWidget(self.owners.mine)
        self.filters.addStretch(1)
        self.buttons.addWidget(self.owners.button)
        self.buttons.addWidget(self.new_button)
        self.expiring.toggled.connect(self.apply_filter)
        self.retranslate()

    def retranslate(self) -> None:
        search_hint(self.search,
            _("Search by case or certificate number, applicant's name or IIN"))
        self.expiring.setText(i18n.ngettext(
            "Certificates expiring within {days} day", "Certificates expiring within {days} days",
            EXPIRY_WARNING_DAYS).format(days=i18n.format_number(EXPIRY_WARNING_DAYS)))
        self.new_button.setText(_("New case…"))
        self.owners.retranslate()
        self.empty_label.setText(_("No repatriate case is open yet."))
        self.empty_button.setText(_("New case…"))
        fill_filter(self.status, _("All statuses"), [(label(s), s.value) for s in S])
        self.model.retranslate()
        self.show_count()

    def set_model_filter(self) -> None:
        status = self.status.currentData()
        self.model.mine = self.owners.mine.isChecked()
        self.model.set_filter(self.search.text(), S(status) if status else None,
                              self.expiring.isChecked())

    def count_text(self, count: int) -> str:
        return i18n.ngettext("{count} case", "{count} cases", count).format(
            count=i18n.format_number(count))

    def show_case(self, case_id: uuid.UUID) -> CaseDialog:
        """Open a case's dialog, non-modal; the list follows its changes."""
        dialog = CaseDialog(self.database, case_id, self)
        dialog.changed.connect(self._case_changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _case_changed(self, _case_id: uuid.UUID) -> None:
        self.refresh()

    def new_case(self) -> NewCaseDialog:
        """Open the new case dialog, non-modal; a new case is then asked to be opened."""
        dialog = NewCaseDialog(self.database, parent=self)
        dialog.opened.connect(self._case_opened)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def _case_opened(self, case_id: uuid.UUID) -> None:
        self.refresh()
        self.open_requested.emit(case_id)
