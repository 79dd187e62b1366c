"""The few colours the window sets itself. Each light background comes with dark text, so a
highlighted row or notice stays readable when the system's scheme is dark (the rest of the
window follows the system's palette)."""

from PySide6.QtGui import QColor

ON_LIGHT = QColor("#000000")  # the text on every light background below
EXPIRING = QColor("#ffe0b2")  # a certificate or permit running out soon
DIFFERENT = QColor("#fff1cc")  # a field two offices changed differently
EXPIRING_STYLE = "background: #ffe0b2; color: #000000; padding: 4px;"
NOTICE_STYLE = "background: #fff4ce; color: #000000; border: 1px solid #d4a000; padding: 6px;"
