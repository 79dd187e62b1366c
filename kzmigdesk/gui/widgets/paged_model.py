"""A table model that reads only the pages on screen, for lists of up to millions of rows.

The GUI thread never waits for the database: the count and the pages are read by queries in
a worker (widgets/queries.py). A reload cancels the queries of the one before and drops
their results (a generation number); meanwhile the old rows stay, greyed."""

import threading
from collections import OrderedDict

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QGuiApplication, QPalette

from kzmigdesk import i18n
from kzmigdesk.gui.widgets.queries import Query
from kzmigdesk.i18n import _
from kzmigdesk.services.workspace import Database

ROOT = QModelIndex()
DISPLAY = Qt.ItemDataRole.DisplayRole
FOREGROUND = Qt.ItemDataRole.ForegroundRole


class PagedTableModel(QAbstractTableModel):
    """Subclasses give COLUMNS (msgids) and say how to count, fetch and show their rows; the
    count is taken once per reload, pages of PAGE_SIZE rows are read when first shown and the
    most recent CACHED_PAGES are kept.

    count(), fetch() and count_and_first_page() run in a worker thread: they read the
    model's filter attributes and call services with self.database, nothing of Qt. A
    count_and_first_page() may add a third value, False when its count is a lower bound
    (count_is_estimate): exact_count() is then read in the background after the first
    page is shown."""

    COLUMNS: tuple[str, ...] = ()
    PAGE_SIZE = 200
    CACHED_PAGES = 30

    loading_changed = Signal(bool)  # a reload began (True) or its first page came (False)
    counted = Signal()  # the count changed: the first one of a reload, or the exact one
    failed = Signal(object)  # an error of a background query (after it is raised)

    def __init__(self, database: Database):
        super().__init__()
        self._database = database
        self._local = threading.local()  # a worker's cancellable copy of the database
        self._count = 0
        self.count_is_estimate = False
        self.loading = False
        self._generation = 0
        self._queries: list[Query] = []
        self._pending: set[int] = set()  # pages being read
        self._pages: OrderedDict[int, list] = OrderedDict()

    @property
    def database(self) -> Database:
        return getattr(self._local, "database", None) or self._database

    @database.setter
    def database(self, database: Database) -> None:
        self._database = database

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

    def exact_count(self) -> int:
        """The exact count, when count_and_first_page gave a lower bound."""
        return self.count()

    def display(self, row, column: int) -> str:
        raise NotImplementedError

    def decoration(self, row, role: Qt.ItemDataRole):
        """Any role but display (background, tooltip, ...); None by default."""
        return None

    # --- in the background ---

    def _in_worker(self, method, *args):
        """A job running `method` with the worker's cancellable database."""
        def work(database: Database):
            self._local.database = database
            try:
                return method(*args)
            finally:
                self._local.database = None
        return work

    def _run(self, work, on_result) -> None:
        generation = self._generation

        def deliver(result) -> None:
            if generation == self._generation:  # a newer reload drops older results
                on_result(result)

        query = Query(self, self._database, work, deliver, self._failed)
        self._queries = [q for q in self._queries if not q.finished] + [query]
        query.start()

    def _failed(self, error: BaseException) -> None:
        self._set_loading(False)
        self.failed.emit(error)
        raise error

    def cancel(self) -> None:
        """Stop every query under way and drop their results."""
        self._generation += 1
        for query in self._queries:
            query.cancel()
        self._queries.clear()
        self._pending.clear()

    def reload(self) -> None:
        """Count again and forget the cached pages (after a filter, sort or data change); the
        old rows stay, greyed, until the new count and first page arrive."""
        self.cancel()
        self._set_loading(True)
        self._run(self._in_worker(self.count_and_first_page), self._reloaded)

    def _reloaded(self, result) -> None:
        count, first_page, *exact = result
        self.count_is_estimate = exact == [False]
        self.beginResetModel()
        self._pages.clear()
        self._count = count
        if first_page:
            self._pages[0] = first_page
        self.endResetModel()
        self._set_loading(False)
        self.counted.emit()
        if self.count_is_estimate:
            self._run(self._in_worker(self.exact_count), self._exactly_counted)

    def _exactly_counted(self, count: int) -> None:
        self.count_is_estimate = False
        if count > self._count:
            self.beginInsertRows(ROOT, self._count, count - 1)
            self._count = count
            self.endInsertRows()
        elif count < self._count:
            self.beginRemoveRows(ROOT, count, self._count - 1)
            self._count = count
            self.endRemoveRows()
        self.counted.emit()

    def _set_loading(self, loading: bool) -> None:
        if loading != self.loading:
            self.loading = loading
            self.loading_changed.emit(loading)
            if self._count:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(self._count - 1, len(self.COLUMNS) - 1),
                                      [FOREGROUND])

    def _read_page(self, page_number: int) -> None:
        """Read a page in the background; its rows are shown when it comes."""
        if page_number in self._pending:
            return
        self._pending.add(page_number)
        self._run(self._in_worker(self.fetch, page_number * self.PAGE_SIZE, self.PAGE_SIZE),
                  lambda page: self._page_read(page_number, page))

    def _page_read(self, page_number: int, page: list) -> None:
        self._pending.discard(page_number)
        self._keep(page_number, page)
        first = page_number * self.PAGE_SIZE
        last = min(first + self.PAGE_SIZE, self._count) - 1
        if last >= first:
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.COLUMNS) - 1))

    def _keep(self, page_number: int, page: list) -> None:
        self._pages[page_number] = page
        if len(self._pages) > self.CACHED_PAGES:
            self._pages.popitem(last=False)

    # --- rows ---

    def row(self, number: int):
        """The row at `number`, read now if its page is not at hand (to open a record)."""
        page_number, offset = divmod(number, self.PAGE_SIZE)
        page = self._pages.get(page_number)
        if page is None:
            page = self.fetch(page_number * self.PAGE_SIZE, self.PAGE_SIZE)
            self._keep(page_number, page)
        else:
            self._pages.move_to_end(page_number)
        return page[offset]

    def shown_row(self, number: int):
        """The row at `number` if its page is at hand; else None, and the page is read in
        the background."""
        page_number, offset = divmod(number, self.PAGE_SIZE)
        page = self._pages.get(page_number)
        if page is None:
            self._read_page(page_number)
            page = self._pages.get(page_number)  # read inline when not in the background
            if page is None:
                return None
        self._pages.move_to_end(page_number)
        return page[offset]

    def rowCount(self, parent=ROOT) -> int:  # noqa: N802 (Qt's name)
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent=ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def data(self, index: QModelIndex, role=DISPLAY):
        if not index.isValid():
            return None
        if role == FOREGROUND and self.loading:
            return QGuiApplication.palette().brush(QPalette.ColorGroup.Disabled,
                                                   QPalette.ColorRole.Text)
        try:
            row = self.shown_row(index.row())
        except IndexError:  # the table shrank since it was counted
            return None
        if row is None:
            return "…" if role == DISPLAY and index.column() == 0 else None
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
