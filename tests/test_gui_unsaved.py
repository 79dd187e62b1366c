from PySide6.QtCore import Qt

from kzmigdesk.gui.new_case_dialog import NewCaseDialog
from kzmigdesk.gui.permit_dialog import PermitDialog
from kzmigdesk.gui.widgets.unsaved import form_state


def check_guard(qtbot, dialog, type_something):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    asked = []
    dialog.ask_discard = lambda: asked.append(1) or False
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)  # nothing typed: closes without asking
    assert asked == [] and not dialog.isVisible()
    dialog.show()
    before = form_state(dialog)
    type_something(dialog)
    assert form_state(dialog) != before
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert asked == [1] and dialog.isVisible()
    dialog.ask_discard = lambda: True
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_new_case_dialog_asks_before_discarding(qtbot, database):
    check_guard(qtbot, NewCaseDialog(database),
                lambda d: d.country.setCurrentIndex(d.country.findData("CN")))


def test_new_permit_dialog_asks_before_discarding(qtbot, database):
    check_guard(qtbot, PermitDialog(database), lambda d: d.number.insert("WP-1"))
