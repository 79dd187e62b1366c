"""Who accessed a person's data (services/access.py, issue 23): the access log of one person,
for a supervisor or an administrator, with its two PDF reports: the supervisor's, and the one
the office gives the person on request (in the document language)."""

import uuid
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.domain.enums import label
from kzmigdesk.gui.print_actions import print_document
from kzmigdesk.gui.widgets.dialogs import error_label, no_default_buttons
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.i18n import _
from kzmigdesk.printing.access_report import access_report
from kzmigdesk.services import access, prints
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.workspace import Database


class AccessLogDialog(QDialog):
    def __init__(self, database: Database, person_id: uuid.UUID, title: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.database, self.person_id = database, person_id
        self.setWindowTitle(_("Access log: {name}").format(name=title) if title
                            else _("Access log"))
        self.resize(900, 480)
        self.table = read_only_table(6)
        self.table.setAccessibleName(_("Access log"))
        self.report_button = QPushButton(_("&Print report…"))
        self.person_button = QPushButton(_("Report for the p&erson…"))
        no_default_buttons(self.report_button, self.person_button)
        self.errors_label = error_label()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        close.button(QDialogButtonBox.StandardButton.Close).setText(_("&Close"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.report_button)
        buttons.addWidget(self.person_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.errors_label)
        layout.addWidget(close)
        self.report_button.clicked.connect(lambda: self.print_report(False))
        self.person_button.clicked.connect(lambda: self.print_report(True))
        self.load()

    def load(self) -> None:
        try:
            rows = access.person_accesses(self.database, self.person_id)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            rows = []
        fill_table(self.table,
                   [(i18n.format_datetime(r.at.astimezone()), label(r.kind),
                     r.full_name or r.username or "", r.office or "", r.desk or "",
                     r.detail or "") for r in rows],
                   [_("Date and time"), _("Access"), _("Employee"), _("Office"), _("Computer"),
                    _("Details")])
        self.table.resizeColumnsToContents()
        self.rows = rows

    def print_report(self, for_person: bool) -> Path | None:
        name = "access-report-person" if for_person else "access-report"
        try:
            return print_document(self.database, f"{name}-{self.person_id}",
                                  prints.access_report, access_report, self.person_id,
                                  for_person=for_person)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return None
