"""Dialogs that never lose typed changes silently: Esc, Cancel or closing asks first."""

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTableWidget,
    QWidget,
)

from kzmigdesk.i18n import _


def form_state(root: QWidget) -> tuple:
    """What the person has entered in the input widgets below `root`."""
    state = []
    for widget in root.findChildren(QWidget):
        if isinstance(widget, QLineEdit) and not widget.isReadOnly():
            state.append(widget.text())
        elif isinstance(widget, QPlainTextEdit) and not widget.isReadOnly():
            state.append(widget.toPlainText())
        elif isinstance(widget, QDateEdit):
            state.append(widget.date().toJulianDay())
        elif isinstance(widget, QSpinBox):
            state.append(widget.value())
        elif isinstance(widget, QComboBox):
            state.append(widget.currentIndex())
        elif isinstance(widget, QCheckBox):
            state.append(widget.isChecked())
        elif isinstance(widget, QTableWidget):
            state.append(widget.rowCount())
    return tuple(state)


def ask_discard(parent: QWidget) -> bool:
    answer = QMessageBox.question(
        parent, _("Unsaved changes"), _("Discard the changes made in this form?"),
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Discard


class GuardedDialog(QDialog):
    """Call remember_state() once the form is filled and after each save."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.ask_discard = lambda: ask_discard(self)  # replaceable in tests
        self._remembered: tuple = ()

    def remember_state(self) -> None:
        self._remembered = form_state(self)

    def has_unsaved_changes(self) -> bool:
        return form_state(self) != self._remembered

    def reject(self) -> None:
        if self.has_unsaved_changes() and not self.ask_discard():
            return
        super().reject()
