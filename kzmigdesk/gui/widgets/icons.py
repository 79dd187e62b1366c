"""The sections' icons: outline SVGs of Tabler Icons (MIT; resources/icons/sections), drawn in
the palette's text colour, so they stay visible in a light or a dark scheme and crisp at 100 to
200 % scaling (each is rendered at 1× and 2×)."""

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

from kzmigdesk.paths import data_dir

SIZES = (16, 20, 24, 32, 48)


def section_icon(key: str) -> QIcon:
    """The icon of the section `key` (main_window.SECTIONS), or an empty one; in the
    highlighted text's colour when its row is selected."""
    path = data_dir("resources") / "icons" / "sections" / f"{key}.svg"
    if not path.is_file():
        return QIcon()
    svg, palette, icon = path.read_bytes(), QApplication.palette(), QIcon()
    for mode, role in ((QIcon.Mode.Normal, QPalette.ColorRole.WindowText),
                       (QIcon.Mode.Selected, QPalette.ColorRole.HighlightedText)):
        colour = palette.color(role).name().encode()
        renderer = QSvgRenderer(QByteArray(svg.replace(b"currentColor", colour)))
        for size in SIZES:
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            renderer.render(painter)
            painter.end()
            icon.addPixmap(pixmap, mode)
    return icon
