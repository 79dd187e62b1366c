"""Loading Qt Designer forms from ui/ and translating their strings with the app's catalogs."""

from PySide6.QtCore import QFile, QIODevice, QObject, Qt
from PySide6.QtUiTools import QUiLoader
from PySide6.QtWidgets import QTableWidget, QWidget

from kzmigdesk.i18n import _
from kzmigdesk.paths import data_dir

TRANSLATED_PROPERTIES = ("text", "windowTitle", "title", "toolTip", "placeholderText",
                          "accessibleName")
SOURCE_PREFIX = "i18n_source_"
SOURCE_ROLE = Qt.ItemDataRole.UserRole + 100  # header items keep their English text here


def load_ui(name: str, parent: QWidget | None = None) -> QWidget:
    """Load ui/<name>.ui and translate it into the current language."""
    path = data_dir("ui") / f"{name}.ui"
    file = QFile(str(path))
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        raise FileNotFoundError(f"cannot open {path}")
    try:
        widget = QUiLoader().load(file, parent)
    finally:
        file.close()
    if widget is None:
        raise RuntimeError(f"cannot load {path}")
    translate_tree(widget)
    return widget


def translate_tree(root: QObject) -> None:
    """Set every translatable property from its English source (kept on first call)."""
    for obj in [root, *root.findChildren(QObject)]:
        meta = obj.metaObject()
        for prop in TRANSLATED_PROPERTIES:
            if meta.indexOfProperty(prop) < 0:
                continue
            source = obj.property(SOURCE_PREFIX + prop)
            if source is None:
                source = obj.property(prop)
                if not isinstance(source, str) or not source:
                    continue
                obj.setProperty(SOURCE_PREFIX + prop, source)
            obj.setProperty(prop, _(source))
        if isinstance(obj, QTableWidget):
            _translate_headers(obj)


def _translate_headers(table: QTableWidget) -> None:
    """Header items are not QObjects: their source text is kept in a data role instead."""
    for column in range(table.columnCount()):
        item = table.horizontalHeaderItem(column)
        if item is None:
            continue
        source = item.data(SOURCE_ROLE)
        if source is None:
            source = item.text()
            item.setData(SOURCE_ROLE, source)
        item.setText(_(source))
