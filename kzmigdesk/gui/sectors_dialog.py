"""Employers without an economic sector (issue 24): those whose old free-text sector the
migration could not map to a section of the classifier, listed for a supervisor or an
administrator to choose their sector (services/sectors.py)."""

from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.gui.sector_combo import chosen_sector, sector_combo
from kzmigdesk.gui.widgets.dialogs import ERROR_STYLE, no_default_buttons
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table
from kzmigdesk.i18n import N_, _
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.sectors import UnmappedEmployer, assign_sector, unmapped_of
from kzmigdesk.services.workspace import Database

COLUMNS = (N_("Employer name"), N_("BIN"), N_("Sector as registered"), N_("Region"))


class UnmappedSectorsDialog(QDialog):
    """The employers with no sector of the classifier; choose one's sector and set it."""

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.rows: list[UnmappedEmployer] = []
        self.setWindowTitle(_("Employers without an economic sector"))
        self.resize(900, 560)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = read_only_table(len(COLUMNS))
        self.table.setAccessibleName(_("Employers without an economic sector"))
        self.sector = sector_combo(database)
        self.sector.setAccessibleName(_("Economic sector"))
        sector_label = QLabel(_("&Economic sector"))
        sector_label.setBuddy(self.sector)
        self.set_button = QPushButton(_("&Set the sector"))
        close_button = QPushButton(_("&Close"))
        no_default_buttons(self.set_button, close_button)
        self.errors_label = QLabel()
        self.errors_label.setStyleSheet(ERROR_STYLE)
        self.errors_label.setWordWrap(True)
        choose = QHBoxLayout()
        choose.addWidget(sector_label)
        choose.addWidget(self.sector, 1)
        choose.addWidget(self.set_button)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(choose)
        layout.addWidget(self.errors_label)
        layout.addLayout(buttons)
        self.set_button.clicked.connect(self.set_sector)
        close_button.clicked.connect(self.accept)
        self.refresh()

    def refresh(self) -> None:
        self.rows = unmapped_of(self.database)
        fill_table(self.table, [[row.name, row.bin, row.old_sector or "", row.region_name]
                                for row in self.rows], [_(title) for title in COLUMNS])
        self.summary.setText(_(
            "{count} employers have no sector of the economic activity classifier (ОКЭД): "
            "their sector as registered matched no section's name. Choose an employer, then "
            "its sector.").format(count=i18n.format_number(len(self.rows))))
        if self.rows:
            self.table.selectRow(0)

    def set_sector(self) -> bool:
        """Give the chosen employer the chosen sector."""
        row, sector_id = self.table.currentRow(), chosen_sector(self.sector)
        if not 0 <= row < len(self.rows) or sector_id is None:
            self.errors_label.setText(_("Choose an employer and its sector."))
            return False
        try:
            assign_sector(self.database, self.rows[row].id, sector_id)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.errors_label.clear()
        self.refresh()
        self.table.selectRow(min(row, len(self.rows) - 1))
        return True
