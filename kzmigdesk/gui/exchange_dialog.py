"""Offline exchange from the window: the peer offices (and when each last sent data), export
and import of packages, and the conflicts shown side by side for a supervisor to resolve.
The rules live in services/exchange.py."""

import uuid
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.gui.widgets.colours import DIFFERENT, ON_LIGHT
from kzmigdesk.gui.widgets.dialogs import ERROR_STYLE, ask_path
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.i18n import N_, _
from kzmigdesk.services import exchange
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.workspace import Database

FILES = N_("Exchange packages (*.kzx);;All files (*)")


def ask_password(parent: QWidget, title: str) -> str | None:
    """A password, "" for none, or None when cancelled."""
    text, accepted = QInputDialog.getText(parent, title, _("Password (empty: none)"),
                                          QLineEdit.EchoMode.Password)
    return text if accepted else None


class ExchangeDialog(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.peer_names: list[str] = []
        self.ask_password = ask_password  # replaceable in tests
        self.setWindowTitle(_("Exchange with other offices"))
        self.resize(860, 420)
        self.office_label = QLabel()
        self.table = read_only_table(4)
        self.table.setAccessibleName(_("Exchange with other offices"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.export_button = QPushButton(_("&Export to the chosen office…"))
        self.everything_box = QCheckBox(_("Send e&verything again"))
        self.everything_box.setToolTip(_(
            "Every record and the whole audit trail, for an office that lost a package or "
            "refused one"))
        self.import_button = QPushButton(_("&Import a package…"))
        self.conflicts_button = QPushButton()
        buttons = QHBoxLayout()
        for button in (self.export_button, self.everything_box, self.import_button,
                       self.conflicts_button):
            buttons.addWidget(button)
        buttons.addStretch()
        layout = QVBoxLayout(self)
        layout.addWidget(self.office_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.export_button.clicked.connect(lambda: self.export_to(None))
        self.import_button.clicked.connect(lambda: self.import_from(None))
        self.conflicts_button.clicked.connect(self.open_conflicts)
        self.load()

    def load(self) -> None:
        overview = exchange.overview(self.database)
        name, count = overview.office_name, overview.open_conflicts
        rows = [[p.name, i18n.format_datetime(p.last_package_created_at),
                 i18n.format_datetime(p.last_import_at),
                 i18n.format_datetime(p.last_export_at)] for p in overview.peers]
        self.peer_names = [row[0] for row in rows]
        self.office_label.setText(_("This office exchanges as: {name}").format(
            name=name or _("(not set: an administrator sets it)")))
        fill_table(self.table, rows, [_("Office"), _("Last package made there"),
                                      _("Last package imported"), _("Last package sent")])
        if rows:
            self.table.selectRow(0)
        self.conflicts_button.setText(_("&Conflicts ({count})…").format(count=count or 0))
        self.conflicts_button.setEnabled(bool(count))
        self.export_button.setEnabled(overview.may_export)
        self.everything_box.setEnabled(overview.may_export)
        self.import_button.setEnabled(overview.may_import)

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    def export_to(self, path: Path | None) -> bool:
        row = self.table.currentRow()
        if not 0 <= row < len(self.peer_names):
            self.show_message(_("Choose the office to send to."), True)
            return False
        peer = self.peer_names[row]
        if path is None:
            path = ask_path(self, _("Export a package"), _(FILES), f"{peer}.kzx", save=True)
            if path is None:
                return False
        password = self.ask_password(self, _("Export a package"))
        if password is None:
            return False
        try:
            result = exchange.export_to_file(self.database, peer, password or None, path,
                                             everything=self.everything_box.isChecked())
        except (ServiceError, OSError) as error:
            self.show_message(error.message() if isinstance(error, ServiceError)
                              else str(error), True)
            return False
        self.show_message(_("Package {file} written: {count} records.").format(
            file=path, count=result.records))
        self.everything_box.setChecked(False)
        self.load()
        return True

    def import_from(self, path: Path | None) -> bool:
        if path is None:
            path = ask_path(self, _("Import a package"), _(FILES))
            if path is None:
                return False
        password = None
        try:
            data = exchange.load_package(path)
            if data.startswith(exchange.ENCRYPTED_MAGIC):
                password = self.ask_password(self, _("Import a package"))
                if password is None:
                    return False
            result = exchange.import_from_bytes(self.database, data, password)
        except ServiceError as error:
            self.show_message(error.message() + " " + _("Nothing was changed."), True)
            return False
        except OSError as error:
            self.show_message(str(error), True)
            return False
        self.show_message(_("Imported from {sender}: {applied} records taken, {unchanged} "
                            "unchanged, {conflicts} conflicts kept for a supervisor.").format(
            sender=result.sender, applied=result.applied, unchanged=result.unchanged,
            conflicts=result.conflicts) + (" " + _(
                "{held} changes were kept as change requests for a supervisor to approve.")
                .format(held=result.held) if result.held else "")
            + (" " + exchange.missing_message(result) if result.missing else ""),
            error=result.missing is not None)
        self.load()
        return True

    def open_conflicts(self) -> "ConflictsDialog":
        dialog = ConflictsDialog(self.database, self)
        dialog.finished.connect(self.load)
        dialog.show()
        return dialog


class ConflictsDialog(QDialog):
    """Each open conflict: the record's fields here and at the peer, side by side."""

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.conflict_ids: list[uuid.UUID] = []
        self.setWindowTitle(_("Exchange conflicts"))
        self.resize(900, 560)
        self.list = read_only_table(4)
        self.fields = read_only_table(3)
        self.keep_button = QPushButton(_("&Keep this office's version"))
        self.take_button = QPushButton(_("&Take the other office's version"))
        self.errors_label = QLabel()
        self.errors_label.setStyleSheet(ERROR_STYLE)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.take_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.fields, 2)
        layout.addWidget(self.errors_label)
        layout.addLayout(buttons)
        self.list.currentCellChanged.connect(self._chosen)
        self.keep_button.clicked.connect(lambda: self.resolve("local"))
        self.take_button.clicked.connect(lambda: self.resolve("incoming"))
        self.load()

    def load(self) -> None:
        try:
            found = exchange.conflicts(self.database)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            found = []
        self.conflicts = {c.id: c for c in found}
        self.conflict_ids = [c.id for c in found]
        self.list.blockSignals(True)
        fill_table(self.list, [[c.peer_name, c.entity_type, str(c.entity_id),
                                i18n.format_datetime(c.detected_at)] for c in found],
                   [_("Office"), _("Record"), _("Record id"), _("Found")])
        self.list.blockSignals(False)
        fill_table(self.fields, [], [_("Field"), _("This office"), _("Other office")])
        if found:
            self.list.selectRow(0)
            self._chosen(0)
        for button in (self.keep_button, self.take_button):
            button.setEnabled(bool(found))

    def _chosen(self, row: int, *_args) -> None:
        if not 0 <= row < len(self.conflict_ids):
            return
        conflict = self.conflicts[self.conflict_ids[row]]
        keys = [k for k in conflict.local if k not in ("id", "created_at")]
        rows = [[key, _text(conflict.local.get(key)), _text(conflict.incoming.get(key))]
                for key in keys]
        fill_table(self.fields, rows, [_("Field"), _("This office"), _("Other office")])
        for number, (_key, ours, theirs) in enumerate(rows):
            if ours != theirs:
                for column in range(3):
                    self.fields.item(number, column).setBackground(DIFFERENT)
                    self.fields.item(number, column).setForeground(ON_LIGHT)

    def resolve(self, keep: str) -> bool:
        row = self.list.currentRow()
        if not 0 <= row < len(self.conflict_ids):
            return False
        try:
            exchange.choose_version(self.database, self.conflict_ids[row], keep)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.errors_label.clear()
        self.load()
        return True


def _text(value) -> str:
    return "" if value is None else str(value)
