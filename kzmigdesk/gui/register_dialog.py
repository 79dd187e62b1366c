"""The outgoing register's journal: the numbers the office gave in a year (or every year),
searched by number, addressee or person, and printed as a PDF. The journal is read by
services/register.py."""

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.gui.print_actions import print_document
from kzmigdesk.gui.widgets.dialogs import error_label, no_default_buttons
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.i18n import N_, _
from kzmigdesk.printing import forms
from kzmigdesk.services import prints, register
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.workspace import Database

COLUMNS = (N_("Outgoing number"), N_("Date"), N_("Document"), N_("Addressee"), N_("Person"),
           N_("Prepared by"))
YEARS_BACK = 5


class RegisterDialog(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None,
                 today: dt.date | None = None):
        super().__init__(parent)
        self.database = database
        self.setWindowTitle(_("Outgoing register"))
        self.resize(1000, 560)
        today = today or dt.date.today()
        self.year = QComboBox()
        for year in range(today.year, today.year - YEARS_BACK, -1):
            self.year.addItem(str(year), year)
        self.year.addItem(_("Every year"), None)
        self.search = QLineEdit()
        self.search.setPlaceholderText(_("Number, addressee or person"))
        self.search.setClearButtonEnabled(True)
        self.print_button = QPushButton(_("&Print…"))
        no_default_buttons(self.print_button)
        filters = QHBoxLayout()
        year_label, search_label = QLabel(_("Year")), QLabel(_("Search"))
        year_label.setBuddy(self.year)
        search_label.setBuddy(self.search)
        filters.addWidget(year_label)
        filters.addWidget(self.year)
        filters.addWidget(search_label)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.print_button)
        self.table = read_only_table(len(COLUMNS))
        self.table.setAccessibleName(_("Outgoing register"))
        self.count_label = QLabel()
        self.errors_label = error_label()
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.errors_label)
        self.year.currentIndexChanged.connect(self.refresh)
        self.search.textChanged.connect(self.refresh)
        self.print_button.clicked.connect(self.print_journal)
        self.refresh()

    def refresh(self) -> None:
        try:
            journal = register.journal(self.database, self.year.currentData(),
                                       self.search.text())
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return
        self.errors_label.clear()
        fill_table(self.table, [
            [line.number, i18n.format_date(line.issued_on), _(line.kind), line.addressee or "",
             line.person_name or "", line.user_name or ""] for line in journal.lines],
            [_(title) for title in COLUMNS])
        self.count_label.setText(i18n.ngettext("{count} document", "{count} documents",
                                               len(journal.lines)).format(
            count=i18n.format_number(len(journal.lines))))

    def print_journal(self) -> Path | None:
        try:
            return print_document(self.database, "outgoing-register", prints.register_journal,
                                  forms.register_journal, self.year.currentData(),
                                  self.search.text())
        except (ServiceError, OSError) as error:
            self.errors_label.setText(error.message() if isinstance(error, ServiceError)
                                      else str(error))
            return None
