"""The frame of a section that lists records: search, filters, a paged table and its count."""

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kzmigdesk.gui.widgets.paged_model import PagedTableModel
from kzmigdesk.gui.widgets.tables import list_view
from kzmigdesk.services.workspace import Database

SEARCH_DELAY_MS = 250  # the pause in typing after which a search runs


def fill_filter(combo: QComboBox, everything: str, items: list[tuple[str, object]]) -> None:
    """Refill a filter combo (after a language switch) keeping its choice and its signals."""
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, None)
    for text, value in items:
        combo.addItem(text, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


class ListPage(QWidget):
    """Subclasses add their filter widgets to `self.filters`, connect them to apply_filter,
    and give set_model_filter() and count_text(). The search applies after a pause in typing
    or on Enter; Ctrl+F goes to it; Enter or a double click on a row emits open_requested."""

    open_requested = Signal(object)  # the id of the row's record
    LOADED_WHEN_BUILT = True  # the model counts when it is made: no refresh needed at once
    SEARCH_DELAY_MS = SEARCH_DELAY_MS

    def __init__(self, database: Database, model: PagedTableModel, widths: tuple[int, ...]):
        super().__init__()
        self.database = database
        self.model = model
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(280)
        self.count_label = QLabel()
        self.table = list_view(model)
        for column, width in enumerate(widths):
            self.table.setColumnWidth(column, width)
        self.table.activated.connect(self._open_index)
        self.filters = QHBoxLayout()
        self.filters.addWidget(self.search, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(self.filters)
        layout.addWidget(self.table)
        layout.addWidget(self.count_label)
        self.search_timer = QTimer(self, singleShot=True, interval=self.SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self.search_timer.start)
        self.search.returnPressed.connect(self.apply_filter)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.focus_search)

    def set_model_filter(self) -> None:
        raise NotImplementedError

    def count_text(self, count: int) -> str:
        raise NotImplementedError

    def apply_filter(self) -> None:
        self.search_timer.stop()
        self.set_model_filter()
        self.show_count()

    def show_count(self) -> None:
        self.count_label.setText(self.count_text(self.model.rowCount()))

    def refresh(self, *_changed) -> None:
        self.model.reload()
        self.show_count()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.model.row(index.row()).id)
