"""The Quotas section: a dashboard of the labour and kandas quotas of a year, with a usage bar
per region and category (coloured from 90 % and at 100 %), the run-out forecast, and, for
supervisors, setting quotas and importing them from CSV. The rules live in
services/quotas.py; the services refuse what the acting user's role does not allow."""

import datetime as dt
import uuid
from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.domain.enums import PermitCategory, label
from kzmigdesk.gui.print_actions import print_document
from kzmigdesk.gui.sector_combo import chosen_sector, sector_combo
from kzmigdesk.gui.widgets.choices import sorted_regions
from kzmigdesk.gui.widgets.dialogs import ERROR_STYLE, button_box
from kzmigdesk.gui.widgets.list_page import elide_combo
from kzmigdesk.gui.widgets.tables import MAX_COLUMN_WIDTH, ElidedTextTips
from kzmigdesk.i18n import N_, _
from kzmigdesk.printing import forms
from kzmigdesk.services import prints, quotas
from kzmigdesk.services.auth import Permission, actor_may
from kzmigdesk.services.errors import ServiceError, ValidationFailed
from kzmigdesk.services.quotas import QuotaKind, QuotaUsage
from kzmigdesk.services.workspace import Database

LEVEL_COLOURS = {"ok": "#4caf50", "warning": "#f0a30a", "full": "#d32f2f"}
SHARE_ROLE = Qt.ItemDataRole.UserRole + 1
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 2
COLUMNS = (N_("Region"), N_("Permit category"), N_("Sector"), N_("Quota"), N_("Used"),
           N_("Remaining"), N_("Usage"), N_("Runs out"))
USAGE_COLUMN, CATEGORY_COLUMN, SECTOR_COLUMN = 6, 1, 2
ALL_SECTORS = N_("all sectors")


def sector_text(row: QuotaUsage) -> str:
    """The labour quota's sector, "F — Construction", or "all sectors"."""
    if row.kind is QuotaKind.KANDAS:
        return ""
    return f"{row.sector_code} — {row.sector_name}" if row.sector_code else _(ALL_SECTORS)


def sector_item(row: QuotaUsage) -> QTableWidgetItem:
    """The sector's letter ("A–U": all sectors), its name in the tooltip: the table has no
    room for the long names."""
    if row.kind is QuotaKind.KANDAS:
        return QTableWidgetItem("")
    item = QTableWidgetItem(row.sector_code or "A–U")
    item.setToolTip(sector_text(row))
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    return item


class UsageBarDelegate(QStyledItemDelegate):
    """Paints the share used as a bar in its level's colour, with the percentage on it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        share = index.data(SHARE_ROLE)
        if share is None:
            return super().paint(painter, option, index)
        painter.save()
        area = option.rect.adjusted(4, 4, -4, -4)
        painter.fillRect(area, QColor("#e8e8e8"))
        filled = QRect(area.x(), area.y(), int(area.width() * min(share, 1.0)), area.height())
        painter.fillRect(filled, QColor(LEVEL_COLOURS[index.data(LEVEL_ROLE)]))
        painter.setPen(QColor("#000000"))
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter, index.data())
        painter.restore()


def forecast_text(row: QuotaUsage) -> str:
    """The run-out column: used up, no issuance yet, a day with its range, or lasting."""
    if row.amount is None:
        return _("no quota set")
    if row.remaining <= 0:
        return _("used up")
    forecast = row.forecast
    if forecast is None:
        return _("no issuance yet") if row.used == 0 else ""
    if forecast.expected is None:
        return _("lasts the year (about {count} used by 31 December)").format(
            count=i18n.format_number(forecast.year_end_usage))
    latest = (i18n.format_date(forecast.latest) if forecast.latest
              else _("after the year end"))
    return _("about {day} ({earliest} – {latest})").format(
        day=i18n.format_date(forecast.expected), earliest=i18n.format_date(forecast.earliest),
        latest=latest)


def numeric_item(value: int | None) -> QTableWidgetItem:
    item = QTableWidgetItem("" if value is None else i18n.format_number(value))
    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


class QuotasPage(QWidget):
    def __init__(self, database: Database):
        super().__init__()
        self.database = database
        self.rows: list[QuotaUsage] = []
        self.today = dt.date.today  # replaceable in tests
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 16pt; font-weight: 600;")
        self.kind = QComboBox()
        self.year = QSpinBox()
        self.year.setRange(quotas.FIRST_YEAR, quotas.LAST_YEAR)
        self.year.setValue(self.today().year)
        self.set_button, self.import_button = QPushButton(), QPushButton()
        self.print_button = QPushButton()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        elide_combo(self.kind, 24)
        self.table.setItemDelegate(ElidedTextTips(self.table))
        self.table.setItemDelegateForColumn(USAGE_COLUMN, UsageBarDelegate(self.table))
        # The texts decide the widths, but the forecast (last) takes only the room left and
        # is elided, shown whole in a tooltip: no sideways scrolling.
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setMaximumSectionSize(MAX_COLUMN_WIDTH)  # longer categories elide
        header.setSectionResizeMode(USAGE_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(USAGE_COLUMN, 140)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        controls = QHBoxLayout()
        controls.addWidget(self.kind, 1)
        controls.addWidget(self.year)
        controls.addStretch(1)
        controls.addWidget(self.print_button)
        controls.addWidget(self.set_button)
        controls.addWidget(self.import_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        self.kind.addItem("", QuotaKind.LABOUR.value)
        self.kind.addItem("", QuotaKind.KANDAS.value)
        self.kind.currentIndexChanged.connect(self.refresh)
        self.year.valueChanged.connect(self.refresh)
        self.set_button.clicked.connect(lambda: self.open_quota(None))
        self.import_button.clicked.connect(self.choose_import_file)
        self.print_button.clicked.connect(self.print_statement)
        self.table.cellDoubleClicked.connect(self.open_quota)
        self.retranslate()

    def current_kind(self) -> QuotaKind:
        return QuotaKind(self.kind.currentData())

    def may_manage(self) -> bool:
        return actor_may(self.database.actor, Permission.MANAGE_QUOTAS)

    def retranslate(self) -> None:
        self.heading.setText(_("Quotas"))
        self.kind.setAccessibleName(_("Quota"))
        self.year.setAccessibleName(_("Year"))
        self.kind.setItemText(0, _("Foreign labour quota"))
        self.kind.setItemText(1, _("Kandas resettlement quota"))
        self.set_button.setText(_("Set quota…"))
        self.import_button.setText(_("Import from CSV…"))
        self.print_button.setText(_("Print statement…"))
        self.table.setHorizontalHeaderLabels([_(title) for title in COLUMNS])
        if self.isVisible():  # a hidden page is refreshed when it is shown
            self.refresh()

    def refresh(self) -> None:
        kind, year = self.current_kind(), self.year.value()
        self.rows = quotas.usage_of(self.database, kind, year, today=self.today())
        for button in (self.set_button, self.import_button):
            button.setEnabled(self.may_manage())
        self.table.setColumnHidden(CATEGORY_COLUMN, kind is QuotaKind.KANDAS)
        self.table.setColumnHidden(SECTOR_COLUMN, kind is QuotaKind.KANDAS)
        self.table.setRowCount(len(self.rows))
        for number, row in enumerate(self.rows):
            usage = QTableWidgetItem(i18n.format_percent(row.share) if row.amount else "—")
            usage.setData(SHARE_ROLE, row.share)
            usage.setData(LEVEL_ROLE, row.level)
            items = (QTableWidgetItem(row.region_name),
                     QTableWidgetItem(label(row.category) if row.category else ""),
                     sector_item(row),
                     numeric_item(row.amount), numeric_item(row.used),
                     numeric_item(row.remaining if row.amount is not None else None),
                     usage, QTableWidgetItem(forecast_text(row)))
            for column, item in enumerate(items):
                self.table.setItem(number, column, item)
        self.summary.setText(self.summary_text())

    def summary_text(self) -> str:
        if not self.rows:
            return _("No quota is set for {year}.").format(year=self.year.value())
        amount = sum(row.amount or 0 for row in self.rows)
        used = sum(row.used for row in self.rows)
        warning = sum(row.level == "warning" for row in self.rows)
        full = sum(row.level == "full" for row in self.rows)
        running_out = sum(bool(row.forecast and row.forecast.runs_out_this_year)
                          for row in self.rows)
        return _("{used} of {amount} used ({share}). At 90 % or more: {warning}; used up: "
                 "{full}; expected to run out before the year end: {running_out}.").format(
            used=i18n.format_number(used), amount=i18n.format_number(amount),
            share=i18n.format_percent(used / amount if amount else 0),
            warning=i18n.format_number(warning), full=i18n.format_number(full),
            running_out=i18n.format_number(running_out))

    def print_statement(self) -> Path:
        """The quota usage statement of the kind and year shown."""
        kind, year, today = self.current_kind(), self.year.value(), self.today()
        return print_document(self.database, f"quota-{kind.value}-{year}",
                              prints.quota_statement, forms.quota_statement, kind, year,
                              today=today)

    # --- supervisors ---

    def open_quota(self, row: int | None, _column: int = 0) -> "QuotaDialog":
        """The dialog to set a quota (the row's, when a row was chosen), non-modal."""
        chosen = self.rows[row] if row is not None and 0 <= row < len(self.rows) else None
        dialog = QuotaDialog(self.database, self.current_kind(),
                             self.year.value(), chosen, self)
        dialog.accepted.connect(self.refresh)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        return dialog

    def choose_import_file(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Import quotas"), "", _("CSV files (*.csv);;All files (*)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> bool:
        """Import quotas from a CSV file: all its rows or, with any problem, none."""
        try:
            result = quotas.import_quotas(self.database, path.read_bytes())
        except (ServiceError, OSError) as error:
            text = error.message() if isinstance(error, ServiceError) else str(error)
            self.message.setStyleSheet(ERROR_STYLE)
            self.message.setText(text)
            return False
        self.message.setStyleSheet("")
        self.message.setText(_("Imported from {file}: {labour} labour quotas and {kandas} "
                               "kandas quotas.").format(file=path.name,
                                                        labour=result.labour,
                                                        kandas=result.kandas))
        self.refresh()
        return True


class QuotaDialog(QDialog):
    """Set one quota: year, region, category and economic sector (labour) and amount."""

    def __init__(self, database: Database, kind: QuotaKind, year: int,
                 row: QuotaUsage | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.database, self.kind = database, kind
        self.setWindowTitle(_("Foreign labour quota") if kind is QuotaKind.LABOUR
                            else _("Kandas resettlement quota"))
        self.year = QSpinBox()
        self.year.setRange(quotas.FIRST_YEAR, quotas.LAST_YEAR)
        self.year.setValue(year)
        self.region, self.category = QComboBox(), QComboBox()
        self.amount = QSpinBox()
        self.amount.setRange(0, 10_000_000)
        self.amount.setGroupSeparatorShown(True)
        self.errors_label = QLabel()
        self.errors_label.setStyleSheet(ERROR_STYLE)
        self.errors_label.setWordWrap(True)
        for name, region_id in sorted_regions(database):
            self.region.addItem(name, region_id)
        for category in PermitCategory:
            self.category.addItem(label(category), category.value)
        self.sector = sector_combo(database, _(ALL_SECTORS))
        form = QFormLayout(self)
        form.addRow(_("Year"), self.year)
        form.addRow(_("Region"), self.region)
        if kind is QuotaKind.LABOUR:
            form.addRow(_("Permit category"), self.category)
            form.addRow(_("Economic sector"), self.sector)
        else:
            self.sector.hide()
        form.addRow(_("Quota"), self.amount)
        form.addRow(self.errors_label)
        buttons = button_box(self.save, self.reject, save=True)
        form.addRow(buttons)
        if row is not None:
            self.region.setCurrentIndex(self.region.findData(str(row.region_id)))
            if row.category is not None:
                self.category.setCurrentIndex(self.category.findData(row.category.value))
            if row.sector_id is not None:
                self.sector.setCurrentIndex(self.sector.findData(str(row.sector_id)))
            self.amount.setValue(row.amount or 0)

    def save(self) -> bool:
        category = PermitCategory(self.category.currentData())
        try:
            quotas.store_quota(self.database, self.kind, self.year.value(),
                               uuid.UUID(self.region.currentData()), self.amount.value(),
                               category if self.kind is QuotaKind.LABOUR else None,
                               chosen_sector(self.sector) if self.kind is QuotaKind.LABOUR
                               else None)
        except ValidationFailed as failure:
            self.errors_label.setText(failure.message())
            return False
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.accept()
        return True
