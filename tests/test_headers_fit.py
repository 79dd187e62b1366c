"""No list header is cut: in every language, each shown column of every table of every section
and dialog is wide enough for its header's text, its margins and its sort indicator, at the
default sizes (the window at 1280×720, dialogs as they open)."""

import pytest
from gui_walk import everything, open_window, speaking
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyle, QTableView


def cut_headers(view: QTableView, what: str) -> list[str]:
    header, model = view.horizontalHeader(), view.model()
    if header.isHidden() or model is None:
        return []
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    # Qt makes room for the sort indicator as wide as the header is high, and a margin
    indicator = header.height() + margin if header.isSortIndicatorShown() else 0
    metrics = QFontMetrics(header.font())
    cut = []
    for column in range(model.columnCount()):
        if view.isColumnHidden(column):
            continue
        text = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        needed = max((metrics.horizontalAdvance(line) for line in text.splitlines()),
                     default=0) + 2 * margin + indicator
        if needed > header.sectionSize(column):
            cut.append(f"{what}: {view.accessibleName() or view.objectName()!r} column "
                       f"{text!r} is {header.sectionSize(column)} px, needs {needed}")
    return cut


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_every_header_fits_its_section(qtbot, demo, language):
    problems = []
    with speaking(language):
        window = open_window(qtbot, demo)
        for name, widget in everything(qtbot, window, demo):
            for view in widget.findChildren(QTableView):
                if view.isVisible():
                    problems += cut_headers(view, name)
    assert not problems, "\n".join(problems)
