"""A combo box of the economic sectors (issue 24): the classifier's sections, "F — name"."""

import uuid

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from kzmigdesk.services.sectors import sector_choices
from kzmigdesk.services.workspace import Database


def sector_combo(database: Database, empty_text: str = "",
                 parent: QWidget | None = None) -> QComboBox:
    """The sectors, after an empty choice (`empty_text`, its data None). Narrow: the names are
    long, the full name is in the tooltip of each item."""
    combo = QComboBox(parent)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(24)
    combo.addItem(empty_text, None)
    for sector in sector_choices(database):
        combo.addItem(sector.title, str(sector.id))
        combo.setItemData(combo.count() - 1, sector.title, Qt.ItemDataRole.ToolTipRole)
    combo.currentIndexChanged.connect(lambda: combo.setToolTip(combo.currentText()))
    return combo


def chosen_sector(combo: QComboBox) -> uuid.UUID | None:
    data = combo.currentData()
    return uuid.UUID(data) if data else None
