"""The adaptation centres with today's occupancy; a form adds a centre or edits the chosen one.

The rules live in services/adaptation.py; problems are shown in the errors label."""

import uuid

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.gui.widgets.choices import sorted_regions
from kzmigdesk.gui.widgets.dialogs import error_label
from kzmigdesk.gui.widgets.editor import clear_marks, lay_out_editor, save_editor
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.i18n import _
from kzmigdesk.services.adaptation import (
    CentreInput,
    CentreRecord,
    centres_with_occupancy,
    store_centre,
)
from kzmigdesk.services.workspace import Database


class CentresDialog(QDialog):
    """The centres with today's occupancy; a form adds a centre or edits the chosen one."""

    changed = Signal()

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.centres: list[CentreRecord] = []
        self.editing: uuid.UUID | None = None
        self.setWindowTitle(_("Centres"))
        self.resize(720, 560)
        self.table = read_only_table(4)
        self.table.setAccessibleName(_("Centres"))
        self.name, self.address, self.phone = QLineEdit(), QLineEdit(), QLineEdit()
        self.region = QComboBox()
        self.beds = QSpinBox()
        self.beds.setRange(0, 100000)
        self.errors_label = error_label()
        form = QFormLayout()
        form.addRow(_("Centre name"), self.name)
        form.addRow(_("Region"), self.region)
        form.addRow(_("Address"), self.address)
        form.addRow(_("Phone"), self.phone)
        form.addRow(_("Beds"), self.beds)
        self.new_button, self.save_button = QPushButton(_("&New centre")), QPushButton(_("&Save"))
        self.close_button = QPushButton(_("&Close"))
        lay_out_editor(self, form)
        self.fields = {"name": self.name, "region_id": self.region, "beds": self.beds}
        self.region.addItem("", None)
        for name, region_id in sorted_regions(database):
            self.region.addItem(name, region_id)
        self.table.currentCellChanged.connect(self._row_chosen)
        self.new_button.clicked.connect(self.clear_form)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.accept)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        self.load()

    def load(self) -> None:
        self.centres = centres_with_occupancy(self.database)
        rows = [[centre.name, centre.region_name, i18n.format_number(centre.beds),
                 i18n.format_number(centre.staying)] for centre in self.centres]
        self.table.blockSignals(True)
        fill_table(self.table, rows,
                   [_("Centre name"), _("Region"), _("Beds"), _("Staying today")])
        self.table.blockSignals(False)

    def clear_form(self) -> None:
        self.editing = None
        self.table.clearSelection()
        for widget in (self.name, self.address, self.phone):
            widget.clear()
        self.region.setCurrentIndex(0)
        self.beds.setValue(0)
        self.errors_label.clear()
        clear_marks(self.fields.values())

    def _row_chosen(self, row: int, *_args) -> None:
        if not 0 <= row < len(self.centres):
            return
        centre = self.centres[row]
        self.editing = centre.id
        self.name.setText(centre.name)
        self.region.setCurrentIndex(max(0, self.region.findData(str(centre.region_id))))
        self.address.setText(centre.address or "")
        self.phone.setText(centre.phone or "")
        self.beds.setValue(centre.beds)
        self.errors_label.clear()
        clear_marks(self.fields.values())

    def save(self) -> bool:
        region = self.region.currentData()
        data = CentreInput(name=self.name.text(), region_id=uuid.UUID(region) if region else None,
                           address=self.address.text(), phone=self.phone.text(),
                           beds=self.beds.value())
        return save_editor(self, lambda: store_centre(self.database, data, self.editing))
