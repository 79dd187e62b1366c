"""The scans of a person or of a change request (services/scans.py): attach a PDF, JPEG or PNG
file, open one with the system's viewer (from a temporary copy), remove one."""

import tempfile
import uuid
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.gui.widgets.dialogs import ask_path, error_label, no_default_buttons
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.i18n import _
from kzmigdesk.services import scans
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.workspace import Database

TYPE_NAMES = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


class ScansDialog(QDialog):
    def __init__(self, database: Database, person_id: uuid.UUID | None = None,
                 request_id: uuid.UUID | None = None, title: str = "",
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.database, self.person_id, self.request_id = database, person_id, request_id
        self.rows: list[scans.ScanRow] = []
        self.folder = Path(tempfile.mkdtemp(prefix="kzmigdesk-scans-"))
        self.open_file = lambda path: QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
        self.setWindowTitle(_("Scans: {record}").format(record=title) if title else _("Scans"))
        self.resize(760, 420)
        self.table = read_only_table(5)
        self.table.setAccessibleName(_("Scans"))
        self.description = QLineEdit()
        description_label = QLabel(_("&What it is:"))
        description_label.setBuddy(self.description)
        self.description.setPlaceholderText(_("e.g. passport, kandas certificate, decision"))
        self.attach_button = QPushButton(_("A&ttach a file…"))
        self.open_button = QPushButton(_("&Open"))
        self.remove_button = QPushButton(_("&Remove"))
        no_default_buttons(self.attach_button, self.open_button, self.remove_button)
        self.errors_label = error_label()
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        attach = QHBoxLayout()
        attach.addWidget(description_label)
        attach.addWidget(self.description, 1)
        attach.addWidget(self.attach_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(_("PDF, JPEG or PNG, at most {size} MB each.").format(
            size=scans.MAX_BYTES // 2**20)))
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(attach)
        layout.addWidget(self.errors_label)
        layout.addWidget(close)
        self.attach_button.clicked.connect(lambda: self.attach(None))
        self.open_button.clicked.connect(self.open_scan)
        self.remove_button.clicked.connect(self.remove)
        self.table.doubleClicked.connect(lambda _index: self.open_scan())
        self.load()

    def load(self) -> None:
        try:
            self.rows = scans.list_scans(self.database, self.person_id, self.request_id)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            self.rows = []
        fill_table(self.table, [[r.description or "", r.file_name,
                                 TYPE_NAMES.get(r.media_type, r.media_type),
                                 _("{size} KB").format(size=i18n.format_number(
                                     max(1, round(r.size / 1024)))),
                                 i18n.format_date(r.added_on)] for r in self.rows],
                   [_("What it is"), _("File"), _("Type"), _("Size"), _("Added")])
        if self.rows:
            self.table.selectRow(len(self.rows) - 1)
        self.open_button.setEnabled(bool(self.rows))
        self.remove_button.setEnabled(bool(self.rows))

    def _chosen(self) -> scans.ScanRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def attach(self, path: Path | None) -> bool:
        """Attach `path` (None: ask for a file)."""
        if path is None:
            path = ask_path(self, _("Attach a scan"), _("Scans (*.pdf *.jpg *.jpeg *.png)"))
            if path is None:
                return False
        try:
            scans.attach_file(self.database, path, self.person_id, self.request_id,
                              self.description.text())
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        except OSError as error:
            self.errors_label.setText(_("The file cannot be read: {error}").format(
                error=error.strerror or error))
            return False
        self.errors_label.clear()
        self.description.clear()
        self.load()
        return True

    def open_scan(self) -> Path | None:
        chosen = self._chosen()
        if chosen is None:
            return None
        try:
            path = scans.save_to(self.database, chosen.id, self.folder)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return None
        self.open_file(path)
        return path

    def remove(self) -> bool:
        chosen = self._chosen()
        if chosen is None:
            return False
        try:
            scans.remove_scan(self.database, chosen.id)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.load()
        return True
