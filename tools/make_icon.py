"""Render resources/icons/kzmigdesk.svg into resources/icons/kzmigdesk.ico (16 to 256 pixels).

The Windows build (build_installer.spec) uses the .ico as the program's icon. Run this again
after changing the SVG:  QT_QPA_PLATFORM=offscreen python tools/make_icon.py
"""

import io
import sys
from pathlib import Path

from PIL import Image
from PySide6.QtCore import QBuffer, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(svg: Path, size: int) -> bytes:
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"cannot read {svg}")
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(buffer.data())


def main() -> int:
    QGuiApplication.instance() or QGuiApplication(sys.argv)
    svg, ico = ICONS / "kzmigdesk.svg", ICONS / "kzmigdesk.ico"
    # Each size is rendered from the SVG itself: sharper than scaling one large bitmap down.
    images = [Image.open(io.BytesIO(render_png(svg, size))).convert("RGBA") for size in SIZES]
    largest = images[-1]
    largest.save(ico, format="ICO", sizes=[(s, s) for s in SIZES],
                 append_images=images[:-1])
    print(f"{ico} written ({', '.join(str(s) for s in SIZES)} px)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
