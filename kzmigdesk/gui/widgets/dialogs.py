"""Small pieces every dialog uses: its OK (or Save) and Cancel buttons, its errors label, the
question before a change that cannot be undone."""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from kzmigdesk.i18n import _
from kzmigdesk.services.errors import ServiceError, ValidationFailed

ERROR_STYLE = "color: #b00020;"  # a label saying what is wrong
INVALID_STYLE = "border: 2px solid #b00020;"  # a field that is wrong


def button_box(accepted: Callable, rejected: Callable, save: bool = False) -> QDialogButtonBox:
    """OK (or Save) and Cancel, connected to `accepted` and `rejected`."""
    first = QDialogButtonBox.StandardButton.Save if save else QDialogButtonBox.StandardButton.Ok
    buttons = QDialogButtonBox(first | QDialogButtonBox.StandardButton.Cancel)
    if not save:  # ours: Qt's Russian keeps a Latin "OK"
        buttons.button(first).setText(_("&OK"))
    buttons.accepted.connect(accepted)
    buttons.rejected.connect(rejected)
    return buttons


def error_label() -> QLabel:
    """A label for a dialog's messages about what is wrong, in red, wrapping."""
    label = QLabel()
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    return label


def reported(label: QLabel, action: Callable) -> bool:
    """Run a service call; a refusal is said in `label` (each field's problem on a line of
    its own) and gives False; success clears the label."""
    try:
        action()
    except ValidationFailed as failure:
        label.setText("\n".join(error.message() for error in failure.errors))
        return False
    except ServiceError as error:
        label.setText(error.message())
        return False
    label.clear()
    return True


def ask_path(parent: QWidget, title: str, filters: str, name: str = "",
             save: bool = False) -> Path | None:
    """The file the person chooses to open (or to save as `name`), None if they cancel."""
    ask = QFileDialog.getSaveFileName if save else QFileDialog.getOpenFileName
    chosen, _filter = ask(parent, title, name, filters)
    return Path(chosen) if chosen else None


def no_default_buttons(*buttons: QPushButton) -> None:
    """Enter in a dialog's search box must not press a button."""
    for button in buttons:
        button.setAutoDefault(False)
        button.setDefault(False)


def without_mnemonic(text: str) -> str:
    """A button's text (with its "&" mnemonic) as a title."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


DRAFT = "draft"  # confirm_or_draft's answer: keep the change as the author's draft request


def confirm_or_draft(parent: QWidget, action: str, consequence: str) -> bool | str:
    """Ask before a change that waits for a supervisor's approval: the button named by the
    action sends it, "Keep as a draft" keeps it as the author's draft, Cancel (the default)
    does neither. True, DRAFT or False."""
    box = QMessageBox(QMessageBox.Icon.Question, without_mnemonic(action), consequence,
                      QMessageBox.StandardButton.Cancel, parent)
    go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    draft = box.addButton(_("Keep as a dra&ft"), QMessageBox.ButtonRole.ActionRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return True if box.clickedButton() is go else DRAFT if box.clickedButton() is draft else False


def confirm_action(parent: QWidget, action: str, consequence: str) -> bool:
    """Ask before a change that cannot be undone: the consequence, a button named by the
    action and Cancel (the default); True when the action's button was pressed."""
    box = QMessageBox(QMessageBox.Icon.Warning, without_mnemonic(action), consequence,
                      QMessageBox.StandardButton.Cancel, parent)
    go = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    return box.clickedButton() is go
