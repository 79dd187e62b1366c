"""A table of records above a form that adds one or edits the chosen one (the centres and the
service catalogue), and marking the fields a service refused."""

import uuid
from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from kzmigdesk.gui.widgets.dialogs import INVALID_STYLE, no_default_buttons
from kzmigdesk.services.errors import ServiceError, ValidationFailed


def clear_marks(widgets) -> None:
    for widget in widgets:
        widget.setStyleSheet("")


def show_error(error: ServiceError, fields: dict[str, QWidget], label: QLabel) -> None:
    """Mark the fields a ValidationFailed names and tell the problems in `label`."""
    if isinstance(error, ValidationFailed):
        for name in error.fields():
            if name in fields:
                fields[name].setStyleSheet(INVALID_STYLE)
    label.setText(error.message())


def lay_out_editor(dialog, form: QFormLayout) -> None:
    """The dialog's table, the form, the errors, and the New / Save / Close buttons."""
    no_default_buttons(dialog.new_button, dialog.save_button, dialog.close_button)
    buttons = QHBoxLayout()
    buttons.addWidget(dialog.new_button)
    buttons.addStretch()
    buttons.addWidget(dialog.save_button)
    buttons.addWidget(dialog.close_button)
    layout = QVBoxLayout(dialog)
    layout.addWidget(dialog.table)
    layout.addLayout(form)
    layout.addWidget(dialog.errors_label)
    layout.addLayout(buttons)


def save_editor(dialog, store: Callable[[], uuid.UUID]) -> bool:
    """Save the dialog's form: `store()` (a service call) returns the saved id; problems are
    marked on the fields and told in the errors label, and nothing is saved."""
    clear_marks(dialog.fields.values())
    try:
        dialog.editing = store()
    except ServiceError as error:
        show_error(error, dialog.fields, dialog.errors_label)
        return False
    dialog.errors_label.clear()
    dialog.load()
    dialog.changed.emit()
    return True
