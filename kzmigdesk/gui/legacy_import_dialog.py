"""Import of a legacy list from the window: choose a file, see its first rows with the field
each column goes to (guessed from its name, changeable), import in the background, then the
counts and the rejected rows to save as CSV. The rules live in services/legacy_import.py."""

import datetime as dt
import uuid
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.gui.widgets.background import run_in_background
from kzmigdesk.gui.widgets.dialogs import ERROR_STYLE, ask_path
from kzmigdesk.i18n import N_, _
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.legacy_fields import FIELDS, guess_mapping
from kzmigdesk.services.legacy_files import LegacyTable, cell_text, read_legacy_file
from kzmigdesk.services.legacy_import import (
    ImportSummary,
    begin_import,
    rejected_rows_of,
    run_import,
    save_rejected_csv,
    unfinished_import,
)
from kzmigdesk.services.workspace import Database

PREVIEW_ROWS = 20
REJECTED_SHOWN = 1000  # in the window; the CSV file holds every rejected row
LISTS = N_("Lists (*.csv *.xlsx);;All files (*)")
CSV_FILES = N_("CSV files (*.csv)")


def ask_resume(parent: QWidget, text: str) -> bool:
    answer = QMessageBox.question(parent, _("Import a legacy list"), text,
                                  QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                  QMessageBox.StandardButton.Yes)
    return answer == QMessageBox.StandardButton.Yes


def _shown(cell) -> str:
    return i18n.format_date(cell) if isinstance(cell, dt.date) else cell_text(cell)


class LegacyImportDialog(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.run_task = run_in_background  # replaceable in tests, as is ask_resume
        self.ask_resume = ask_resume
        self.table: LegacyTable | None = None
        self.import_id: uuid.UUID | None = None  # once begun (or when resuming)
        self.summary: ImportSummary | None = None
        self.combos: list[QComboBox] = []
        self.setWindowTitle(_("Import a legacy list"))
        self.resize(980, 560)

        self.file_button = QPushButton(_("Choose &a file…"))
        self.file_label = QLabel(_("CSV (comma or semicolon) or XLSX; the first row holds the "
                                   "column names."))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.preview = QTableWidget(0, 0)
        self.preview.verticalHeader().setDefaultSectionSize(24)
        self.duplicates_check = QCheckBox(_("Import possible duplicates too (the same IIN is "
                                            "never imported twice)"))
        self.import_button = QPushButton(_("&Import"))
        self.save_button = QPushButton(_("&Save rejected rows as CSV…"))
        self.close_button = QPushButton(_("&Close"))
        top = QHBoxLayout()
        top.addWidget(self.file_button)
        top.addWidget(self.file_label, 1)
        buttons = QHBoxLayout()
        for button in (self.import_button, self.save_button):
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        self.preview_label = QLabel(_("Above each column, choose the field it goes to:"))
        self.preview_label.setBuddy(self.preview)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.duplicates_check)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.file_button.clicked.connect(lambda: self.open_file(None))
        self.import_button.clicked.connect(self.start)
        self.save_button.clicked.connect(lambda: self.save_rejected(None))
        self.close_button.clicked.connect(self.close)
        self._enable()

    def _enable(self) -> None:
        ready = self.table is not None
        self.import_button.setEnabled(ready and not (self.summary and self.summary.finished))
        self.save_button.setEnabled(bool(self.summary and self.summary.rejected))
        resuming = self.import_id is not None
        self.duplicates_check.setEnabled(ready and not resuming)
        for combo in self.combos:
            combo.setEnabled(not resuming)

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    def open_file(self, path: Path | None) -> bool:
        """Read the file, show its first rows, and offer to resume an unfinished import."""
        if path is None:
            path = ask_path(self, _("Import a legacy list"), _(LISTS))
            if path is None:
                return False
        try:
            table = read_legacy_file(path)
            unfinished = unfinished_import(self.database, table)
        except ServiceError as error:
            self.show_message(error.message(), True)
            return False
        self.table, self.import_id, self.summary = table, None, None
        self.preview_label.setText(_("Above each column, choose the field it goes to:"))
        self.file_label.setText(_("{file}: {rows} rows").format(
            file=path.name, rows=i18n.format_number(len(table.rows))))
        mapping = guess_mapping(table.header)
        self.show_message("")
        self.import_button.setText(_("&Import"))
        if unfinished is not None:
            text = self.resume_text(unfinished.summary)
            if self.ask_resume(self, text + "\n\n" + _("Continue this import?")):
                self.import_id, mapping = unfinished.summary.import_id, unfinished.mapping
                self.duplicates_check.setChecked(unfinished.import_duplicates)
                self.import_button.setText(_("Continue &the import"))
                self.show_message(text)
        self.fill_preview(mapping)
        self._enable()
        return True

    @staticmethod
    def resume_text(summary: ImportSummary) -> str:
        return _("{file} was partly imported on {date}: {done} of {total} rows done; the import "
                 "continues from row {row}.").format(
            file=summary.file_name, date=i18n.format_date(summary.started_at.date()),
            done=i18n.format_number(summary.done), total=i18n.format_number(summary.total),
            row=i18n.format_number(summary.next_row))

    def fill_preview(self, mapping: list[str | None]) -> None:
        table = self.table
        rows = table.rows[:PREVIEW_ROWS]
        columns = max([len(table.header)] + [len(cells) for _n, cells in rows])
        self.preview.clear()
        self.preview.setColumnCount(columns)
        self.preview.setRowCount(len(rows) + 1)
        self.preview.setHorizontalHeaderLabels([
            (table.header[i] if i < len(table.header) else "") or
            _("Column {number}").format(number=i + 1) for i in range(columns)])
        self.preview.setVerticalHeaderLabels([""] + [str(n) for n, _cells in rows])
        self.combos = []
        for column in range(len(table.header)):
            combo = QComboBox()
            combo.addItem(_("(do not import)"), "")
            for name, label in FIELDS.items():
                combo.addItem(_(label), name)
            combo.setCurrentIndex(max(0, combo.findData(mapping[column] or "")))
            self.preview.setCellWidget(0, column, combo)
            self.combos.append(combo)
        for row, (_number, cells) in enumerate(rows, start=1):
            for column, cell in enumerate(cells):
                self.preview.setItem(row, column, QTableWidgetItem(_shown(cell)))
        self.preview.resizeColumnsToContents()

    def mapping(self) -> list[str | None]:
        return [combo.currentData() or None for combo in self.combos]

    def start(self) -> bool:
        """Begin (or continue) the import in the background; show the counts at the end."""
        if self.table is None:
            return False
        table = self.table
        try:
            if self.import_id is None:
                self.import_id = begin_import(self.database, table, self.mapping(),
                                              self.duplicates_check.isChecked())
        except ServiceError as error:
            self.show_message(error.message(), True)
            return False
        import_id = self.import_id

        def task(progress, cancelled):
            return run_import(self.database, import_id, table, progress, cancelled)

        outcome = self.run_task(self, _("Importing {file}…").format(file=table.file_name),
                                task)
        if outcome.result is None:  # an error (perhaps after Cancel): its last batch undone
            error = outcome.error
            self.show_message(_("The import stopped: {error}").format(
                error=error.message() if isinstance(error, ServiceError) else error), True)
            self.import_button.setText(_("Continue &the import"))
            self._enable()
            return False
        self.summary = outcome.result
        self.show_message(self.result_text(self.summary))
        if not self.summary.finished:
            self.import_button.setText(_("Continue &the import"))
        elif self.summary.rejected:
            self.show_rejected()
        self._enable()
        return self.summary.finished

    def show_rejected(self) -> None:
        """Once the import is done, the table lists the rejected rows and why."""
        header, rows = rejected_rows_of(self.database, self.summary.import_id)
        shown = rows[:REJECTED_SHOWN]
        self.preview_label.setText(
            _("Rejected rows and why:") if len(shown) == len(rows) else
            _("Rejected rows and why (the first {shown} of {count}; the CSV file holds them "
              "all):").format(shown=i18n.format_number(len(shown)),
                             count=i18n.format_number(len(rows))))
        self.combos = []
        self.preview.clear()
        self.preview.setColumnCount(1 + max([len(header)] + [len(r.cells) for r in shown]))
        self.preview.setRowCount(len(shown))
        self.preview.setHorizontalHeaderLabels([_("Reasons"), *header])
        self.preview.setVerticalHeaderLabels([str(row.row) for row in shown])
        for number, row in enumerate(shown):
            self.preview.setItem(number, 0, QTableWidgetItem("; ".join(row.reasons)))
            for column, cell in enumerate(row.cells, start=1):
                self.preview.setItem(number, column, QTableWidgetItem(cell))
        self.preview.resizeColumnsToContents()

    @staticmethod
    def result_text(summary: ImportSummary) -> str:
        text = _("Imported: {imported}. Rejected: {rejected}, of which duplicates: "
                 "{duplicates}.").format(imported=i18n.format_number(summary.imported),
                                         rejected=i18n.format_number(summary.rejected),
                                         duplicates=i18n.format_number(summary.duplicates))
        if not summary.finished:
            text += " " + _("The import was stopped: {done} of {total} rows done; it continues "
                            "from row {row}, now or when the same file is opened again.").format(
                done=i18n.format_number(summary.done), total=i18n.format_number(summary.total),
                row=i18n.format_number(summary.next_row))
        return text

    def save_rejected(self, path: Path | None) -> bool:
        if self.summary is None:
            return False
        if path is None:
            name = Path(self.summary.file_name).stem + "-rejected.csv"
            path = ask_path(self, _("Save rejected rows"), _(CSV_FILES), name, save=True)
            if path is None:
                return False
        try:
            count = save_rejected_csv(self.database, self.summary.import_id, path)
        except (ServiceError, OSError) as error:
            self.show_message(error.message() if isinstance(error, ServiceError)
                              else str(error), True)
            return False
        self.show_message(_("{count} rejected rows saved to {file}.").format(
            count=i18n.format_number(count), file=path))
        return True
