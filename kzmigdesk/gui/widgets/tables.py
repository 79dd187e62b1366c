"""Tables shared by the lists and dialogs."""

from PySide6.QtCore import QEvent, QObject, QRect, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyle,
    QStyledItemDelegate,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QToolTip,
)

from kzmigdesk.gui.widgets.paged_model import PagedTableModel
from kzmigdesk.i18n import _

MAX_COLUMN_WIDTH = 280  # wider texts are elided, shown whole in a tooltip
MIN_CAP = 100  # the narrowest a column is made to fit the view
SIZED_ROWS = 50  # columns are sized from the header and these first rows only
HEADER_LINES = 2  # a list's header wraps onto this many lines before its text is cut
WRAP = Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap


def header_height(header: QHeaderView, column: int, width: int) -> int:
    """The height the header's text takes, wrapped within `width` (its section's size)."""
    margin = header.style().pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    text = str(header.model().headerData(column, Qt.Orientation.Horizontal) or "")
    room = QRect(0, 0, max(width - 2 * margin, 1), 100000)
    return header.fontMetrics().boundingRect(room, WRAP, text).height() + 2 * margin


def narrowest_header(header: QHeaderView, column: int) -> int:
    """The narrowest section whose header text takes at most HEADER_LINES lines."""
    lines = HEADER_LINES * header.fontMetrics().lineSpacing() + 2 * header.style().pixelMetric(
        QStyle.PixelMetric.PM_HeaderMargin, None, header)
    low, high = 20, header.sectionSizeFromContents(column).width()
    while low < high:  # the narrowest width that is still short enough
        middle = (low + high) // 2
        if header_height(header, column, middle) <= lines:
            high = middle
        else:
            low = middle + 1
    return high


class ElidedTextTips(QStyledItemDelegate):
    """Shows a cell's whole text as its tooltip when the cell is too narrow for it (unless
    the model gives a tooltip of its own)."""

    def helpEvent(self, event, view, option, index) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ToolTip and index.data(Qt.ItemDataRole.ToolTipRole) \
                is None:
            text = index.data() or ""
            if option.fontMetrics.horizontalAdvance(str(text)) + 8 > option.rect.width():
                QToolTip.showText(event.globalPos(), str(text), view)
                return True
        return super().helpEvent(event, view, option, index)


def fit_columns(view: QTableView) -> None:
    """Size each column to its header and its first rows' texts (cheap on a paged model of a
    million rows, unlike QHeaderView.ResizeToContents), up to MAX_COLUMN_WIDTH; once the view
    is shown the widest ones are narrowed further until the shown columns fit its width, but
    never below their header's text wrapped on HEADER_LINES lines (a header is never cut; its
    cells elide, whole in a tooltip)."""
    model, header = view.model(), view.horizontalHeader()
    metrics = view.fontMetrics()
    rows = min(model.rowCount(), SIZED_ROWS)
    widths, floors = {}, {}
    for column in range(model.columnCount()):
        texts = (model.index(row, column).data() or "" for row in range(rows))
        width = max((metrics.horizontalAdvance(str(text)) + 12 for text in texts), default=0)
        floors[column] = narrowest_header(header, column)
        widths[column] = max(min(width, MAX_COLUMN_WIDTH),
                             min(header.sectionSizeFromContents(column).width(),
                                 MAX_COLUMN_WIDTH), floors[column])
    shown = [column for column in widths if not view.isColumnHidden(column)]

    def fitted(column: int, cap: int) -> int:
        return max(min(widths[column], cap), floors[column])

    room, cap = view.viewport().width(), MAX_COLUMN_WIDTH
    if not view.verticalScrollBar().isVisible():  # it may come with the rows
        room -= view.verticalScrollBar().sizeHint().width()
    if view.isVisible():
        while cap > MIN_CAP and sum(fitted(column, cap) for column in shown) > room:
            cap -= 10
    for column in widths:
        view.setColumnWidth(column, fitted(column, cap))
    header.setMinimumHeight(max([header_height(header, column, fitted(column, cap))
                                 for column in shown] + [0]))


class _FitWhenShown(QObject):
    def eventFilter(self, view, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Show:
            view.removeEventFilter(self)
            QTimer.singleShot(0, view, lambda: fit_columns(view))
        return False


def fit_when_shown(view: QTableView) -> None:
    """Fit the columns of a dialog's list once it is first shown (its width known then)."""
    fit_columns(view)
    view.installEventFilter(_FitWhenShown(view))


def list_view(model: PagedTableModel) -> QTableView:
    """A read-only view of whole rows, one selected at a time, for a paged list."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setDefaultSectionSize(24)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setDefaultAlignment(WRAP)
    view.horizontalHeader().setStretchLastSection(True)
    view.setItemDelegate(ElidedTextTips(view))
    return view


def read_only_table(columns: int) -> QTableWidget:
    table = QTableWidget(0, columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setStretchLastSection(True)
    return table


def fill_table(table: QTableWidget, rows: list, headers: list[str] | None = None) -> None:
    """Show `rows` (sequences of texts); `headers` are already translated."""
    if headers is not None:
        table.setHorizontalHeaderLabels(headers)
    table.setRowCount(len(rows))
    for number, row in enumerate(rows):
        for column, text in enumerate(row):
            table.setItem(number, column, QTableWidgetItem(text))
    table.resizeColumnsToContents()


def yes_no(value: bool | None) -> str:
    return "" if value is None else (_("yes") if value else _("no"))
