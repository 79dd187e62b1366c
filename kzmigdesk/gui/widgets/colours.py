"""The few colours the window sets itself. Each light background comes with dark text, so a
highlighted row or notice stays readable when the system's scheme is dark (the rest of the
window follows the system's palette)."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

ON_LIGHT = QColor("#000000")  # the text on every light background below
EXPIRING = QColor("#ffe0b2")  # a certificate or permit running out soon
DIFFERENT = QColor("#fff1cc")  # a field two offices changed differently
EXPIRING_STYLE = "background: #ffe0b2; color: #000000; padding: 4px;"
NOTICE_STYLE = "background: #fff4ce; color: #000000; border: 1px solid #d4a000; padding: 6px;"

EXPIRY_WARNING_DAYS = 30  # certificates and permits running out this soon are highlighted


def expiring_row(role, tooltip):
    """A list row's look when its certificate or permit runs out soon, for a model's
    `decoration`: light background, dark text, and `tooltip()` saying when."""
    if role == Qt.ItemDataRole.BackgroundRole:
        return EXPIRING
    if role == Qt.ItemDataRole.ForegroundRole:
        return ON_LIGHT
    if role == Qt.ItemDataRole.ToolTipRole:
        return tooltip()
    return None
