"""Steps shared by the tests of the list pages."""

from PySide6.QtCore import Qt


def check_ctrl_f_and_enter(qtbot, page, expected_id) -> None:
    """Ctrl+F goes to the search box; Enter on the first row asks to open its record."""
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    page.table.setFocus()
    page.table.setCurrentIndex(page.model.index(0, 0))
    with qtbot.waitSignal(page.open_requested) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [expected_id]
