"""A table model that reads only the pages on screen, for lists of up to millions of rows."""

from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt

from kzmigdesk import i18n
from kzmigdesk.i18n import _
from kzmigdesk.services.workspace import Database

ROOT = QModelIndex()
DISPLAY = Qt.ItemDataRole.DisplayRole


class PagedTableModel(QAbstractTableModel):
    """Subclasses give COLUMNS (msgids) and say how to count, fetch and show their rows; the
    count is taken once per reload, pages of PAGE_SIZE rows are read when first shown and the
    most recent CACHED_PAGES are kept."""

    COLUMNS: tuple[str, ...] = ()
    PAGE_SIZE = 200
    CACHED_PAGES = 30

    def __init__(self, database: Database):
        super().__init__()
        self.database = database
        self._count = 0
        self._pages: OrderedDict[int, list] = OrderedDict()

    def count(self) -> int:
        """How many rows the list has (a service call with self.database)."""
        raise NotImplementedError

    def fetch(self, offset: int, limit: int) -> list:
        """The rows from `offset` on: read models (a service call with self.database)."""
        raise NotImplementedError

    def count_and_first_page(self) -> tuple[int, list]:
        """Both at once; subclasses may read them with one query."""
        count = self.count()
        return count, self.fetch(0, self.PAGE_SIZE) if count else []

    def display(self, row, column: int) -> str:
        raise NotImplementedError

    def decoration(self, row, role: Qt.ItemDataRole):
        """Any role but display (background, tooltip, ...); None by default."""
        return None

    def reload(self) -> None:
        """Count again and forget the cached pages (after a filter, sort or data change)."""
        self.beginResetModel()
        self._pages.clear()
        self._count, first_page = self.count_and_first_page()
        if first_page:
            self._pages[0] = first_page
        self.endResetModel()

    def row(self, number: int):
        page_number, offset = divmod(number, self.PAGE_SIZE)
        page = self._pages.get(page_number)
        if page is None:
            page = self.fetch(page_number * self.PAGE_SIZE, self.PAGE_SIZE)
            self._pages[page_number] = page
            if len(self._pages) > self.CACHED_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_number)
        return page[offset]

    def rowCount(self, parent=ROOT) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent=ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex, role=DISPLAY):
        if not index.isValid():
            return None
        try:
            row = self.row(index.row())
        except IndexError:  # the table shrank since it was counted
            return None
        if role == DISPLAY:
            return self.display(row, index.column())
        return self.decoration(row, role)

    def headerData(self, section, orientation, role=DISPLAY):  # noqa: N802
        if role != DISPLAY:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return _(self.COLUMNS[section])
        return i18n.format_number(section + 1)

    def retranslate(self) -> None:
        last_column = len(self.COLUMNS) - 1
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, last_column)
        if self._count:
            self.dataChanged.emit(self.index(0, 0), self.index(self._count - 1, last_column))
