"""Choosing a person: a search box and the persons it finds."""

import uuid

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from kzmigdesk import i18n
from kzmigdesk.gui.widgets.list_page import SEARCH_DELAY_MS, search_hint
from kzmigdesk.gui.widgets.queries import Query
from kzmigdesk.i18n import _
from kzmigdesk.services.person_search import find_persons
from kzmigdesk.services.workspace import Database


class PersonPicker(QWidget):
    """A search box and the persons it finds (by name in any script, IIN or document)."""

    activated = Signal()
    selection_changed = Signal()

    def __init__(self, database: Database):
        super().__init__()
        self.database = database
        self.query: Query | None = None
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        search_hint(self.search, _("Search by name in any script, IIN or document number"))
        self.results = QListWidget()
        self.results.setAccessibleName(_("Person"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.search)
        layout.addWidget(self.results)
        self.timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self.timer.timeout.connect(self.search_now)
        self.search.textChanged.connect(self.timer.start)
        self.search.returnPressed.connect(self.search_now)
        # Bound methods and signals, not lambdas: a lambda keeping its widget alive crashes
        # PySide6 when the dialog around it is deleted on close.
        self.results.itemActivated.connect(self.activated)
        self.results.currentRowChanged.connect(self.selection_changed)

    def search_now(self) -> None:
        """Search in the background; a newer search cancels this one."""
        self.timer.stop()
        if self.query is not None:
            self.query.cancel()
            self.query = None
        text = self.search.text()
        if not text.strip():
            self.results.clear()
            self._busy(False)
            return
        self._busy(True)
        self.query = Query(self, self.database, lambda database: find_persons(database, text),
                           self._found, self._failed)
        self.query.start()

    def _busy(self, busy: bool) -> None:
        if busy:
            self.results.viewport().setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.results.viewport().unsetCursor()

    def _failed(self, error: BaseException) -> None:
        self.query = None
        self._busy(False)
        raise error

    def _found(self, found) -> None:
        self.query = None
        self._busy(False)
        self.results.clear()
        for person in found:
            text = ", ".join(p for p in (person.full_name, i18n.format_date(person.birth_date),
                                         person.iin) if p)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, str(person.id))  # not a UUID: see findData
            self.results.addItem(item)
        if len(found) == 1:
            self.results.setCurrentRow(0)

    def selected_id(self) -> uuid.UUID | None:
        item = self.results.currentItem()
        return uuid.UUID(item.data(Qt.ItemDataRole.UserRole)) if item else None
