"""The Reports section: the monthly summary of a month for an office (or all offices), made
in the background with progress, previewed (its first page), then saved as PDF, XLSX or CSV,
or opened in the system's PDF viewer to print. The numbers come from services/reports.py."""

import datetime as dt
import io
import uuid
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n, languages
from kzmigdesk.files import write_atomically
from kzmigdesk.gui.print_actions import document_letterhead, open_pdf
from kzmigdesk.gui.widgets.background import run_in_background
from kzmigdesk.gui.widgets.dialogs import ERROR_STYLE
from kzmigdesk.gui.widgets.list_page import elide_combo
from kzmigdesk.i18n import _
from kzmigdesk.i18n.words import BILINGUAL, Words
from kzmigdesk.printing.summary_files import FORMATS, export_summary
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.offices import office_choices
from kzmigdesk.services.reports import MonthlySummary, make_monthly_summary, note_export
from kzmigdesk.services.workspace import Database

PREVIEW_SCALE = 1.25


def first_page_png(pdf: bytes, scale: float = PREVIEW_SCALE) -> bytes:
    """The PDF's first page as a PNG image."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=scale).to_pil()
    finally:
        document.close()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def language_choices() -> list[tuple[str, str]]:
    return [*((languages.native_name(code), code) for code in languages.codes()),
            (" / ".join(languages.native_name(code) for code in BILINGUAL.split("+")), BILINGUAL)]


class ReportsPage(QWidget):
    def __init__(self, database: Database):
        super().__init__()
        self.database = database
        self.summary: MonthlySummary | None = None
        self.words: Words | None = None
        self.office_id: uuid.UUID | None = None  # the office of the summary made last
        self.pdf: bytes | None = None
        self.today = dt.date.today  # replaceable in tests
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.month = QDateEdit()
        self.month.setDisplayFormat("MM.yyyy")
        last_month = self.today().replace(day=1) - dt.timedelta(days=1)
        self.month.setDate(QDate(last_month.year, last_month.month, 1))
        self.office, self.language, self.format = QComboBox(), QComboBox(), QComboBox()
        elide_combo(self.office, 24)
        for name, code in language_choices():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(self.language.findData(i18n.current_language()))
        for fmt in FORMATS:
            self.format.addItem(fmt.upper(), fmt)
        self.make_button, self.save_button, self.print_button = (
            QPushButton(), QPushButton(), QPushButton())
        self.month_label, self.office_label, self.language_label = QLabel(), QLabel(), QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        self.scroll = scroll = QScrollArea()
        scroll.setWidget(self.preview)
        scroll.setWidgetResizable(True)
        controls = QHBoxLayout()
        for label, widget in ((self.month_label, self.month), (self.office_label, self.office),
                              (self.language_label, self.language)):
            label.setBuddy(widget)
            controls.addWidget(label)
            controls.addWidget(widget)
        controls.addWidget(self.make_button)
        controls.addStretch(1)
        outputs = QHBoxLayout()  # a row of its own: one row is too wide for a laptop
        outputs.addStretch(1)
        outputs.addWidget(self.format)
        outputs.addWidget(self.save_button)
        outputs.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(controls)
        layout.addLayout(outputs)
        layout.addWidget(self.message)
        layout.addWidget(scroll, 1)
        self.make_button.clicked.connect(self.make_report)
        self.save_button.clicked.connect(self.choose_save_file)
        self.print_button.clicked.connect(self.open_in_viewer)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(_("Monthly summary"))
        self.month_label.setText(_("Month"))
        self.office_label.setText(_("Office"))
        self.language_label.setText(_("Language"))
        self.format.setAccessibleName(_("Format"))
        self.make_button.setText(_("Make and preview"))
        self.save_button.setText(_("Save as…"))
        self.print_button.setText(_("Print…"))
        self.refresh()

    def refresh(self) -> None:
        chosen = self.office.currentData()
        self.office.blockSignals(True)
        self.office.clear()
        self.office.addItem(_("All offices"), None)
        for name, office_id in office_choices(self.database):
            self.office.addItem(name, str(office_id))
        self.office.setCurrentIndex(max(0, self.office.findData(chosen)))
        self.office.blockSignals(False)
        self._enable()

    def _enable(self) -> None:
        for button in (self.save_button, self.print_button, self.format):
            button.setEnabled(self.summary is not None)

    def chosen_month(self) -> dt.date:
        date = self.month.date()
        return dt.date(date.year(), date.month(), 1)

    def make_report(self) -> bool:
        """Make the summary and its PDF in the background, then show the first page."""
        month, words = self.chosen_month(), Words.of(self.language.currentData())
        office = self.office.currentData()
        office_id = uuid.UUID(office) if office else None
        try:  # the office profile's letterhead: without one, no report (issue 21)
            letterhead = document_letterhead(self.database)
        except ServiceError as error:
            self.show_message(error.message(), True)
            return False
        today = self.today()

        def task(progress, cancelled):
            progress(0, 3)
            summary = make_monthly_summary(self.database, month, words, office_id, today=today)
            if cancelled():
                raise InterruptedError
            progress(1, 3)
            pdf = export_summary(summary, "pdf", words, letterhead)
            if cancelled():
                raise InterruptedError
            progress(2, 3)
            png = first_page_png(pdf)
            # Made and shown (with the names of the expiring section): recorded as a PDF
            # export, once the preview exists; printing it later records nothing more.
            note_export(self.database, summary, "pdf", office_id)
            return summary, pdf, png

        outcome = run_in_background(self, _("Making the monthly summary…"), task)
        if not outcome.ok:
            self.show_message(_("The report was not made: {error}").format(
                error=outcome.error) if outcome.error else _("The report was cancelled."), True)
            return False
        self.summary, self.pdf, png = outcome.result
        self.words, self.office_id = words, office_id
        page = QPixmap.fromImage(QImage.fromData(png))
        room = self.scroll.viewport().width() - self.scroll.verticalScrollBar().sizeHint().width()
        if page.width() > room > 0:  # no sideways scrolling
            page = page.scaledToWidth(room, Qt.TransformationMode.SmoothTransformation)
        self.preview.setPixmap(page)
        self.show_message(_("The monthly summary for {month} is ready.").format(
            month=words.month(month)))
        self._enable()
        return True

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(ERROR_STYLE if error else "")
        self.message.setText(text)

    def choose_save_file(self) -> None:
        fmt = self.format.currentData()
        name = f"monthly-summary-{self.chosen_month():%Y-%m}.{fmt}"
        path, _filter = QFileDialog.getSaveFileName(self, _("Save the monthly summary"), name,
                                                    f"{fmt.upper()} (*.{fmt})")
        if path:
            self.save_to(Path(path), fmt)

    def save_to(self, path: Path, fmt: str) -> bool:
        """Write the summary made last in `fmt` to `path`."""
        if self.summary is None:
            return False
        try:
            data = self.pdf if fmt == "pdf" else export_summary(self.summary, fmt, self.words)
            write_atomically(path, data, lambda: note_export(  # the file, then its entry
                self.database, self.summary, fmt, self.office_id))
        except (OSError, ServiceError) as error:
            self.show_message(_("The file could not be saved: {error}").format(
                error=error.message() if isinstance(error, ServiceError) else error), True)
            return False
        self.show_message(_("Saved to {file}.").format(file=path))
        return True

    def open_in_viewer(self) -> Path | None:
        """Open the PDF in the system's viewer, from which it is printed."""
        if self.pdf is None:
            return None
        return open_pdf(self.pdf, f"monthly-summary-{self.chosen_month():%Y-%m}")
