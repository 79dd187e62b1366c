"""No list header is cut: in every language, each shown column of every table of every section
and dialog is wide enough for its header's text, its margins and its sort indicator, at the
default sizes (the window at 1280×720, dialogs as they open); a list's header may wrap its
words onto a second line."""

import pytest
from gui_walk import everything, open_window, speaking
from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QStyle, QTableView


def cut_headers(view: QTableView, what: str) -> list[str]:
    """The headers wider than their section, or (a header that wraps its words) with a word
    wider than it or more lines than the header is high."""
    header, model = view.horizontalHeader(), view.model()
    if header.isHidden() or model is None:
        return []
    style = header.style()
    margin = style.pixelMetric(QStyle.PixelMetric.PM_HeaderMargin, None, header)
    # Qt makes room for the sort indicator as wide as the header is high, and a margin
    indicator = header.height() + margin if header.isSortIndicatorShown() else 0
    metrics = QFontMetrics(header.font())
    wraps = bool(header.defaultAlignment() & Qt.TextFlag.TextWordWrap)
    cut = []
    for column in range(model.columnCount()):
        if view.isColumnHidden(column):
            continue
        text = str(model.headerData(column, Qt.Orientation.Horizontal) or "")
        size = header.sectionSize(column)
        pieces = text.split() if wraps else text.splitlines()
        needed = max((metrics.horizontalAdvance(piece) for piece in pieces), default=0) \
            + 2 * margin + indicator
        height = metrics.boundingRect(QRect(0, 0, max(size - 2 * margin - indicator, 1), 10000),
                                      Qt.TextFlag.TextWordWrap, text).height() + 2 * margin
        if needed > size or (wraps and height > header.height()):
            cut.append(f"{what}: {view.accessibleName() or view.objectName()!r} column "
                       f"{text!r} is {size}×{header.height()} px, needs {needed}×{height}")
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
