"""The Worklist section, the window's start page: what needs the signed-in user today, in
groups with their counts (services/worklist.py decides what is in them). Enter or a double
click on an item emits `open_requested` with its kind and id; the main window opens it."""

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.i18n import N_, _
from kzmigdesk.services.worklist import Worklist, worklist
from kzmigdesk.services.workspace import Database

COLUMNS = (N_("Date"), N_("Record"), N_("Details"))
KIND_NAMES = {
    "case": N_("Kandas certificate"),
    "permit": N_("Work permit"),
    "stay": N_("Accommodation"),
    "person": N_("Possible duplicate"),
    "conflict": N_("Exchange conflicts"),
    "request": N_("Change requests"),
}
ITEM_ROLE = Qt.ItemDataRole.UserRole  # (kind, id) of an item's record


class WorklistPage(QWidget):
    open_requested = Signal(str, object)  # the item's kind and its record's id
    counted = Signal(int)  # the total, after each refresh

    def __init__(self, database: Database):
        super().__init__()
        self.database = database
        self.list: Worklist | None = None
        self.summary = QLabel()
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setUniformRowHeights(True)
        self.tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tree.header().setStretchLastSection(True)
        self.tree.itemActivated.connect(self._activated)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree)
        self.retranslate()

    def refresh(self) -> None:
        self.list = worklist(self.database)
        self._fill()
        self.counted.emit(self.list.total)

    def retranslate(self) -> None:
        self.tree.setHeaderLabels([_(c) for c in COLUMNS])
        if self.list is not None:
            self._fill()

    def _fill(self) -> None:
        self.tree.clear()
        for group in self.list.groups:
            heading = QTreeWidgetItem(
                [f"{_(group.title)} ({i18n.format_number(group.count)})"])
            font = heading.font(0)
            font.setBold(bool(group.count))
            heading.setFont(0, font)
            heading.setDisabled(not group.count)
            self.tree.addTopLevelItem(heading)
            heading.setFirstColumnSpanned(True)
            for item in group.items:
                row = QTreeWidgetItem([i18n.format_date(item.day) if item.day else "",
                                       _(KIND_NAMES[item.kind]), item.text])
                row.setData(0, ITEM_ROLE, (item.kind, item.id))
                heading.addChild(row)
            heading.setExpanded(bool(group.items))
        self.summary.setText(_("Nothing needs attention today.") if not self.list.total else "")
        self.summary.setVisible(not self.list.total)

    def _activated(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        record = item.data(0, ITEM_ROLE)
        if record is not None:
            self.open_requested.emit(*record)

    def items(self) -> list[QTreeWidgetItem]:
        """Every item listed, in order (for tests)."""
        return [self.tree.topLevelItem(g).child(i) for g in range(self.tree.topLevelItemCount())
                for i in range(self.tree.topLevelItem(g).childCount())]
