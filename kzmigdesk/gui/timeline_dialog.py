"""A person's timeline in one view."""

import uuid

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from kzmigdesk import i18n
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.i18n import _
from kzmigdesk.services.timeline import load_timeline
from kzmigdesk.services.workspace import Database


class TimelineDialog(QDialog):
    def __init__(self, database: Database, person_id: uuid.UUID, title: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Timeline: {name}").format(name=title))
        self.events = load_timeline(database, person_id)
        self.table = read_only_table(3)
        self.table.setAccessibleName(self.windowTitle())
        fill_table(self.table,
                   [(i18n.format_date(e.day), e.kind_label, e.text) for e in self.events],
                   [_("Date"), _("Event"), _("Details")])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(_("&Close"))
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(760, 480)
