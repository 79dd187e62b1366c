"""Case owners on the lists of cases, permits and service records: the "Mine" filter, and the
"Take" (clerks) or "Assign…" (supervisors) action on the selected rows; the small dialog that
assigns them to a user of their office. The rules live in services/ownership.py."""

import uuid

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
)

from kzmigdesk import i18n
from kzmigdesk.gui.widgets.dialogs import button_box, error_label
from kzmigdesk.i18n import _
from kzmigdesk.services import ownership
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.ownership import FileKind
from kzmigdesk.services.workspace import Database

NOBODY = None  # the choice that leaves the records unassigned
ID_ROLE = Qt.ItemDataRole.UserRole  # a user's id


class AssignDialog(QDialog):
    """The users the chosen records may go to (those of their office), and "nobody"."""

    assigned = Signal(int)  # how many records changed owner

    def __init__(self, database: Database, kind: FileKind, ids: list[uuid.UUID], parent=None):
        super().__init__(parent)
        self.database, self.kind, self.ids = database, kind, list(ids)
        self.setWindowTitle(_("Assign"))
        self.prompt = QLabel(i18n.ngettext(
            "Assign the {count} selected record to:", "Assign the {count} selected records to:",
            len(self.ids)).format(count=i18n.format_number(len(self.ids))))
        self.prompt.setWordWrap(True)
        self.users = QListWidget()
        self.prompt.setBuddy(self.users)
        nobody = QListWidgetItem(_("Nobody (unassigned)"))
        nobody.setData(ID_ROLE, NOBODY)
        self.users.addItem(nobody)
        for choice in ownership.owner_choices(database, kind, self.ids):
            item = QListWidgetItem(f"{choice.name} ({choice.username})")
            item.setData(ID_ROLE, choice.id)
            self.users.addItem(item)
        self.users.setCurrentRow(0 if self.users.count() == 1 else 1)
        self.users.itemActivated.connect(self.accept)
        self.errors = error_label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.prompt)
        layout.addWidget(self.users)
        layout.addWidget(self.errors)
        layout.addWidget(button_box(self.accept, self.reject))
        self.resize(420, 360)

    def choose(self, user_id: uuid.UUID | None) -> None:
        """Select the user `user_id` (None: nobody)."""
        for row in range(self.users.count()):
            if self.users.item(row).data(ID_ROLE) == user_id:
                self.users.setCurrentRow(row)

    def accept(self, *_item) -> None:
        item = self.users.currentItem()
        owner_id = item.data(ID_ROLE) if item is not None else NOBODY
        try:
            changed = ownership.assign(self.database, self.kind, self.ids, owner_id)
        except ServiceError as error:
            self.errors.setText(error.message())
            return
        self.assigned.emit(changed)
        super().accept()


class OwnerControls:
    """The "Mine" check of a list page's filters, and its "Take" or "Assign…" button; the
    page's table lets several rows be selected. The page adds `mine` to its filters row
    and `button` to its buttons, and reads `mine` in its set_model_filter."""

    def __init__(self, page, kind: FileKind):
        self.page, self.kind = page, kind
        self.supervisor = ownership.may_assign(page.database)
        page.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.mine = QCheckBox()
        self.mine.toggled.connect(page.apply_filter)
        self.button = QPushButton()
        self.button.clicked.connect(self.assign if self.supervisor else self.take)

    def retranslate(self) -> None:
        self.mine.setText(_("Mine"))
        self.mine.setToolTip(_("Only the records assigned to me"))
        self.button.setText(_("Assign…") if self.supervisor else _("Take"))
        self.button.setToolTip(
            _("Assign the selected records to a user of their office") if self.supervisor
            else _("Assign the selected records nobody owns to me"))

    def selected_ids(self) -> list[uuid.UUID]:
        rows = sorted(index.row() for index in self.page.table.selectionModel().selectedRows())
        return [self.page.model.row(row).id for row in rows]

    def _nothing_selected(self) -> bool:
        if self.selected_ids():
            return False
        QMessageBox.information(self.page, self.button.text().rstrip("…"),
                                _("Select one or more rows of the list first."))
        return True

    def take(self) -> int | None:
        """The signed-in clerk takes the selected records; how many changed."""
        if self._nothing_selected():
            return None
        try:
            changed = ownership.take(self.page.database, self.kind, self.selected_ids())
        except ServiceError as error:
            QMessageBox.warning(self.page, _("Take"), error.message())
            return None
        self.page.refresh()
        return changed

    def assign(self) -> AssignDialog | None:
        """Open the assign dialog for the selected records, non-modal."""
        if self._nothing_selected():
            return None
        dialog = AssignDialog(self.page.database, self.kind, self.selected_ids(), self.page)
        dialog.assigned.connect(self.page.refresh)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog
