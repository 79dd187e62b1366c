"""The frame of a section that lists records: search, filters, a paged table and its count."""

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.gui.widgets.paged_model import PagedTableModel
from kzmigdesk.gui.widgets.tables import fit_columns, list_view
from kzmigdesk.i18n import _
from kzmigdesk.services.workspace import Database
from kzmigdesk.settings import load_settings, save_settings

SEARCH_DELAY_MS = 250  # the pause in typing after which a search runs
FILTER_LENGTH = 16  # characters a filter combo shows; longer choices are elided


class _WholeChoiceTip(QObject):
    """The tooltip of an eliding combo: its whole current choice."""

    def eventFilter(self, combo, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.ToolTip and combo.currentText():
            QToolTip.showText(event.globalPos(), combo.currentText(), combo)
            return True
        return False


def elide_combo(combo: QComboBox, length: int = FILTER_LENGTH) -> None:
    """A combo as wide as `length` characters whatever its choices, its popup as wide as the
    longest one and the whole choice in its tooltip."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(length)
    combo.installEventFilter(_WholeChoiceTip(combo))
    view = combo.view()

    def fit_popup(*_args) -> None:
        scroll_bar = view.verticalScrollBar().sizeHint().width()
        view.setMinimumWidth(view.sizeHintForColumn(0) + scroll_bar)

    combo.model().rowsInserted.connect(fit_popup)
    combo.model().dataChanged.connect(fit_popup)


def search_hint(edit: QLineEdit, text: str) -> None:
    """A search box's hint, also its name for screen readers (it has no label)."""
    edit.setPlaceholderText(text)
    edit.setAccessibleName(text)


def fill_filter(combo: QComboBox, everything: str, items: list[tuple[str, object]]) -> None:
    """Refill a filter combo (after a language switch) keeping its choice and its signals;
    its first choice ("All …") names it for screen readers."""
    combo.setAccessibleName(everything)
    current = combo.currentData()
    combo.blockSignals(True)
    combo.clear()
    combo.addItem(everything, None)
    for text, value in items:
        combo.addItem(text, value)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


class ListPage(QWidget):
    """Subclasses add their filter widgets with add_filter() (or to `self.filters`, the row
    under the search box), their buttons to `self.buttons` (right of the search box), connect
    the filters to apply_filter, and give set_model_filter() and count_text(). The search
    applies after a pause in typing or on Enter; Ctrl+F goes to it; Enter or a double click
    on a row emits open_requested.

    The columns are sized to their contents; MINOR_COLUMNS (msgids) are hidden until the user
    shows them from the header's context menu, a choice kept in the settings under KEY.

    With no rows at all (no search, no filter) the table gives way to an empty state: a
    sentence saying what to do (`empty_label`) and the section's main button (`empty_button`),
    which subclasses word and connect; an empty label keeps the table."""

    open_requested = Signal(object)  # the id of the row's record
    LOADED_WHEN_BUILT = True  # the model counts when it is made: no refresh needed at once
    SEARCH_DELAY_MS = SEARCH_DELAY_MS
    KEY = ""
    MINOR_COLUMNS: tuple[str, ...] = ()

    def __init__(self, database: Database, model: PagedTableModel):
        super().__init__()
        self.database = database
        self.model = model
        self.search = QLineEdit()
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(280)
        self.count_label = QLabel()
        self.table = list_view(model)
        self.show_columns(self.hidden_columns())
        fit_columns(self.table)
        self._fitted = False
        self._fitted_to_rows = False
        header = self.table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self.column_menu)
        model.headerDataChanged.connect(self._refit)  # a new language
        model.counted.connect(self.show_count)  # the reload's count came from the worker
        model.loading_changed.connect(self._show_loading)
        self.table.activated.connect(self._open_index)
        self.empty_label, self.empty_button = QLabel(), QPushButton()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_state = QWidget()
        empty = QVBoxLayout(self.empty_state)
        empty.addStretch(1)
        empty.addWidget(self.empty_label)
        empty.addWidget(self.empty_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty.addStretch(2)
        self.empty_state.hide()
        self.buttons = QHBoxLayout()
        self.filters = QHBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addLayout(self.buttons)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(self.filters)
        layout.addWidget(self.table)
        layout.addWidget(self.empty_state)
        layout.addWidget(self.count_label)
        self.search_timer = QTimer(self, singleShot=True, interval=self.SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(self.search_timer.start)
        self.search.returnPressed.connect(self.apply_filter)
        QShortcut(QKeySequence("Ctrl+F"), self, activated=self.focus_search)

    def showEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        """Once its width is known (after the window's layout has run), the table's columns
        fit it (no sideways scrolling)."""
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            QTimer.singleShot(0, self._fit_columns)
            # Tab goes through the filters row, in its order, before the table
            filters = [self.filters.itemAt(i).widget() for i in range(self.filters.count())]
            chain = [w for w in filters if w is not None] + [self.table]
            for before, after in zip(chain, chain[1:], strict=False):
                QWidget.setTabOrder(before, after)

    def _fit_columns(self) -> None:
        fit_columns(self.table)

    def _refit(self) -> None:
        """The texts changed (a new language): fit now if shown, else when next shown (a
        hidden table's width is not known)."""
        if self.isVisible():
            self._fit_columns()
        else:
            self._fitted = False

    def add_filter(self, combo: QComboBox, stretch: int = 1) -> None:
        elide_combo(combo)
        self.filters.addWidget(combo, stretch)
        combo.currentIndexChanged.connect(self.apply_filter)

    def hidden_columns(self) -> list[str]:
        """The msgids of the columns hidden: the user's choice, or the minor ones."""
        return load_settings().hidden_columns.get(self.KEY, list(self.MINOR_COLUMNS))

    def show_columns(self, hidden: list[str]) -> None:
        for column, msgid in enumerate(self.model.COLUMNS):
            self.table.setColumnHidden(column, msgid in hidden)

    def column_menu(self, position) -> QMenu:
        """The header's context menu: a check per column, to show or hide it."""
        menu = QMenu(self)
        shown = [c for c in range(self.model.columnCount()) if not self.table.isColumnHidden(c)]
        for column, msgid in enumerate(self.model.COLUMNS):
            action = menu.addAction(_(msgid))
            action.setCheckable(True)
            action.setChecked(column in shown)
            action.setEnabled(shown != [column])  # one column stays
            action.toggled.connect(lambda on, c=column: self.set_column_shown(c, on))
        if position is not None:
            menu.popup(self.table.horizontalHeader().mapToGlobal(position))
        return menu

    def set_column_shown(self, column: int, shown: bool) -> None:
        """Show or hide a column, remembered in the user's settings."""
        self.table.setColumnHidden(column, not shown)
        settings = load_settings()
        settings.hidden_columns[self.KEY] = [
            msgid for c, msgid in enumerate(self.model.COLUMNS) if self.table.isColumnHidden(c)]
        save_settings(settings)

    def set_model_filter(self) -> None:
        raise NotImplementedError

    def count_text(self, count: int) -> str:
        raise NotImplementedError

    def apply_filter(self) -> None:
        self.search_timer.stop()
        self.set_model_filter()
        self.show_count()

    def show_count(self) -> None:
        count = self.model.rowCount()
        text = self.count_text(count)
        if self.model.count_is_estimate:  # "10,000+ persons" until the exact count comes
            number = i18n.format_number(count)
            text = text.replace(number, number + "+", 1)
        self.count_label.setText(text)
        if self.model.loading:
            return  # the old rows stay, greyed, until the new ones come
        empty = count == 0 and bool(self.empty_label.text()) and not self.filtered()
        self.empty_state.setVisible(empty)
        self.table.setVisible(not empty)

    def _show_loading(self, loading: bool) -> None:
        """A busy cursor over the table while a search or a filter is being read."""
        if loading:
            self.table.viewport().setCursor(Qt.CursorShape.BusyCursor)
        else:
            self.table.viewport().unsetCursor()
            self.show_count()
            if not self._fitted_to_rows and self.model.rowCount() and self.isVisible():
                self._fitted_to_rows = True  # the first rows came after the page was shown
                self._fit_columns()

    def filtered(self) -> bool:
        """Whether a search or a filter (a choice or a check in the filters row) is set."""
        widgets = [self.filters.itemAt(i).widget() for i in range(self.filters.count())]
        return bool(self.search.text().strip()) or any(
            (isinstance(w, QComboBox) and w.currentData() is not None)
            or (isinstance(w, QCheckBox) and w.isChecked()) for w in widgets)

    def refresh(self, *_changed) -> None:
        self.model.reload()
        self.show_count()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _open_index(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.model.row(index.row()).id)
