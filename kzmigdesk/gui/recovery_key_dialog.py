"""The key of the encrypted database that the first start has just made (issue 22), shown
once to the administrator with what it is for: printed or saved as the recovery sheet (a
PDF, printing/recovery_sheet.py), the only copy outside this computer's credential store."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.files import write_atomically
from kzmigdesk.i18n import _
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.recovery_sheet import recovery_sheet
from kzmigdesk.services.workspace import Database
from kzmigdesk.services.workspace import recovery_sheet as sheet_data

PER_ROW = 4


class RecoveryKeyDialog(QDialog):
    """The key in groups of four, four groups to a row, with Print and Save as PDF."""

    def __init__(self, db: str | None, key: bytes, parent: QWidget | None = None):
        super().__init__(parent)
        self.sheet = sheet_data(db, key)
        self.saved: Path | None = None  # where the sheet was last written (printed or saved)
        self.setWindowTitle(_("The database's key"))
        layout = QVBoxLayout(self)
        intro = QLabel(_(
            "This office's database ({database}) has just been created encrypted. Its key is "
            "kept in this computer's credential store; the key below, printed on the recovery "
            "sheet, is the only "
            "other copy. Without the key, neither the database nor its backups can be opened "
            "on another computer or after the Windows account is reset.").format(
                database=self.sheet.database))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        groups = self.sheet.groups
        rows = ["   ".join(groups[start:start + PER_ROW])
                for start in range(0, len(groups), PER_ROW)]
        self.key_label = QLabel("\n".join(rows))
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(font.pointSize() + 4)
        font.setBold(True)
        self.key_label.setFont(font)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.key_label)
        advice = QLabel(_(
            "Print the recovery sheet now (or save it as a PDF and print it), and keep it "
            "locked away, apart from the computer. It can be printed again later with: "
            "kzmigdesk db key --show --sheet FILE."))
        advice.setWordWrap(True)
        layout.addWidget(advice)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(_("&Print the recovery sheet"))
        self.save_button = QPushButton(_("&Save as PDF…"))
        self.close_button = QPushButton(_("I have &kept the key"))
        self.print_button.clicked.connect(self.print_sheet)
        self.save_button.clicked.connect(self.choose_file)
        self.close_button.clicked.connect(self.accept)
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout.addLayout(buttons)
        self.setMinimumWidth(620)

    def pdf(self) -> bytes:
        return recovery_sheet(self.sheet, Words.of(i18n.current_language()))

    def print_sheet(self) -> Path:
        """Open the sheet in the system's PDF viewer, from which it is printed."""
        from kzmigdesk.gui.print_actions import open_pdf

        self.saved = open_pdf(self.pdf(), "recovery-sheet")
        return self.saved

    def choose_file(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, _("Save the recovery sheet"), "kzmigdesk-recovery-sheet.pdf", "PDF (*.pdf)")
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        try:
            write_atomically(path, self.pdf())
        except OSError as error:
            QMessageBox.critical(self, _("Save the recovery sheet"),
                                 _("The file could not be written: {error}").format(
                                     error=error.strerror or error))
            return False
        self.saved = path
        return True


def show_created_key(database: Database, db: str | None,
                     parent: QWidget | None = None) -> bool:
    """At the first start, once the database was just created encrypted: show its key to
    the administrator signed in (the only one there is yet). True when it was shown."""
    if database.created_key is None:
        return False
    RecoveryKeyDialog(db, database.created_key, parent).exec()
    return True
