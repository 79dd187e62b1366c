"""The dialog shown when a person may already be registered."""

import uuid

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.i18n import _
from kzmigdesk.services.registration import DuplicatesFound


class DuplicatesDialog(QDialog):
    """Lists the candidates; the clerk opens one, saves anyway (unless the IIN is taken),
    or goes back to the form."""

    def __init__(self, found: DuplicatesFound, parent: QWidget | None = None):
        super().__init__(parent)
        self.found = found
        self.action = "cancel"
        self.setWindowTitle(_("Possible duplicate"))
        intro = QLabel(found.message() + " " + (
            _("A person with this IIN is registered: open that record instead.")
            if found.blocking else _("Open one of them, or save this person anyway.")))
        intro.setWordWrap(True)
        self.table = QTableWidget(len(found.candidates), 4)
        self.table.setHorizontalHeaderLabels(
            [_("Name"), _("Date of birth"), _("IIN"), _("Why")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        for row, candidate in enumerate(found.candidates):
            for column, text in enumerate((candidate.full_name,
                                           i18n.format_date(candidate.birth_date),
                                           candidate.iin or "", _(candidate.reason))):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.selectRow(0)
        self.table.resizeColumnsToContents()
        buttons = QDialogButtonBox()
        self.open_button = buttons.addButton(_("&Open selected"),
                                             QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button: QPushButton = buttons.addButton(_("&Save anyway"),
                                                          QDialogButtonBox.ButtonRole.ApplyRole)
        self.save_button.setEnabled(not found.blocking)
        back = buttons.addButton(_("&Back to the form"), QDialogButtonBox.ButtonRole.RejectRole)
        self.open_button.clicked.connect(lambda: self._finish("open"))
        self.save_button.clicked.connect(lambda: self._finish("save"))
        back.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(720, 300)

    def _finish(self, action: str) -> None:
        self.action = action
        self.accept()

    def chosen(self) -> uuid.UUID | None:
        row = self.table.currentRow()
        return self.found.candidates[row].person_id if row >= 0 else None


def choose_duplicate_action(parent: QWidget, found: DuplicatesFound):
    """("open", person id), ("save", None) or ("cancel", None)."""
    dialog = DuplicatesDialog(found, parent)
    dialog.exec()
    return dialog.action, dialog.chosen() if dialog.action == "open" else None
