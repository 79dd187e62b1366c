"""The audit trail for supervisors: every entry, newest first, filtered by user, action,
record type, record id and dates. The trail is read by services/audit.py, which refuses
anyone but a supervisor or an administrator."""

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.gui.widgets.dialogs import ERROR_STYLE
from kzmigdesk.gui.widgets.paged_model import PagedTableModel
from kzmigdesk.gui.widgets.tables import fit_when_shown, list_view
from kzmigdesk.i18n import N_, _
from kzmigdesk.services import audit
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.workspace import Database


class TrailModel(PagedTableModel):
    COLUMNS = (N_("No."), N_("Time"), N_("User"), N_("Action"), N_("Record"), N_("Record id"),
               N_("Changes"))

    def __init__(self, database: Database):
        super().__init__(database)
        self.trail = audit.TrailFilter()

    def count(self) -> int:
        return audit.count_trail(self.database, self.trail)

    def count_and_first_page(self):
        return audit.first_trail(self.database, self.trail, self.PAGE_SIZE)

    def fetch(self, offset: int, limit: int) -> list[audit.TrailEntry]:
        return audit.trail_page(self.database, self.trail, offset, limit)

    def display(self, entry: audit.TrailEntry, column: int) -> str:
        if column == 0:
            return str(entry.seq)
        if column == 1:
            moment = entry.occurred_at.replace(tzinfo=dt.UTC).astimezone()
            return i18n.format_datetime(moment)
        return [entry.username or "", audit.action_label(entry.action),
                audit.record_type_label(entry.entity_type), entry.entity_id or "",
                _("values withheld: the person's data were purged") if entry.withheld
                else audit.describe_changes(entry.changes)][column - 2]


def date_filter() -> tuple[QCheckBox, QDateEdit]:
    use, date = QCheckBox(), QDateEdit()
    date.setCalendarPopup(True)
    date.setDisplayFormat(i18n.date_pattern())
    date.setDate(QDate.currentDate())
    date.setEnabled(False)
    use.toggled.connect(date.setEnabled)
    return use, date


class AuditTrailDialog(QDialog):
    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.setWindowTitle(_("Audit trail"))
        self.resize(1150, 650)
        self.model = TrailModel(database)
        self.model.counted.connect(self.show_count)
        self.view = list_view(self.model)
        self.view.setAccessibleName(_("Audit trail"))
        self.username, self.entity_id = QLineEdit(), QLineEdit()
        self.action, self.entity_type = QComboBox(), QComboBox()
        (self.use_start, self.start), (self.use_end, self.end) = date_filter(), date_filter()
        self.use_start.setText(_("From"))
        self.use_end.setText(_("To"))
        self.start.setAccessibleName(_("From"))
        self.end.setAccessibleName(_("To"))
        self.apply_button = QPushButton(_("&Apply"))
        self.count_label, self.errors_label = QLabel(), QLabel()
        self.errors_label.setStyleSheet(ERROR_STYLE)
        filters = QGridLayout()
        for column, (caption, widget) in enumerate((
                (_("User"), self.username), (_("Action"), self.action),
                (_("Record"), self.entity_type), (_("Record id"), self.entity_id))):
            caption_label = QLabel(caption)
            caption_label.setBuddy(widget)
            filters.addWidget(caption_label, 0, column)
            filters.addWidget(widget, 1, column)
        filters.addWidget(self.use_start, 0, 4)
        filters.addWidget(self.start, 1, 4)
        filters.addWidget(self.use_end, 0, 5)
        filters.addWidget(self.end, 1, 5)
        filters.addWidget(self.apply_button, 1, 6)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.errors_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)
        chain = (self.username, self.action, self.entity_type, self.entity_id, self.use_start,
                 self.start, self.use_end, self.end, self.apply_button, self.view)
        for before, after in zip(chain, chain[1:], strict=False):  # the filters, then the list
            QWidget.setTabOrder(before, after)
        self.apply_button.clicked.connect(self.apply)
        self.username.returnPressed.connect(self.apply)
        self.entity_id.returnPressed.connect(self.apply)
        for widget in (self.action, self.entity_type):
            widget.currentIndexChanged.connect(self.apply)
        self.fill_choices()
        self.apply()
        fit_when_shown(self.view)

    def fill_choices(self) -> None:
        try:
            actions, types = audit.trail_filter_choices(self.database)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            actions, types = [], []
        for combo, values, shown in ((self.action, actions, audit.action_label),
                                     (self.entity_type, types, audit.record_type_label)):
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(_("All"), None)
            for value in sorted(values, key=lambda v: shown(v).casefold()):
                combo.addItem(shown(value), value)
            combo.blockSignals(False)

    def apply(self) -> bool:
        def day(use: QCheckBox, edit: QDateEdit) -> dt.date | None:
            if not use.isChecked():
                return None
            date = edit.date()
            return dt.date(date.year(), date.month(), date.day())

        self.model.trail = audit.TrailFilter(
            username=self.username.text(), action=self.action.currentData(),
            entity_type=self.entity_type.currentData(), entity_id=self.entity_id.text() or None,
            start=day(self.use_start, self.start), end=day(self.use_end, self.end))
        try:  # the service refuses who may not read the trail, before the model resets
            audit.check_trail_access(self.database)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.errors_label.clear()
        self.model.reload()  # in the background: the count shows when it comes
        self.show_count()
        return True

    def show_count(self) -> None:
        self.count_label.setText(i18n.ngettext("{count} entry", "{count} entries",
                                               self.model.rowCount()).format(
            count=i18n.format_number(self.model.rowCount())))
