"""The service catalogue: all service types, active or not; a form adds a type or edits the
chosen one (supervisors only: others see the catalogue read-only).

The rules live in services/adaptation.py; problems are shown in the errors label."""

import uuid

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QCheckBox, QDialog, QFormLayout, QLineEdit, QPushButton, QWidget

from kzmigdesk import languages
from kzmigdesk.gui.widgets.dialogs import error_label
from kzmigdesk.gui.widgets.editor import clear_marks, lay_out_editor, save_editor
from kzmigdesk.gui.widgets.tables import fill_table, read_only_table, yes_no
from kzmigdesk.i18n import _
from kzmigdesk.services.adaptation import (
    ServiceTypeInput,
    ServiceTypeRecord,
    service_catalogue,
    store_service_type,
)
from kzmigdesk.services.auth import Permission, actor_may
from kzmigdesk.services.workspace import Database


class CatalogueDialog(QDialog):
    """All service types, active or not; a form adds a type or edits the chosen one."""

    changed = Signal()

    def __init__(self, database: Database, parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.kinds: list[ServiceTypeRecord] = []
        self.editing: uuid.UUID | None = None
        self.setWindowTitle(_("Service catalogue"))
        self.resize(900, 600)
        self.table = read_only_table(4 + len(languages.codes()))
        self.table.setAccessibleName(_("Service catalogue"))
        self.code = QLineEdit()
        self.names = {code: QLineEdit() for code in languages.codes()}
        self.is_accommodation = QCheckBox(_("Accommodation (takes a bed)"))
        self.is_course = QCheckBox(_("Course (hours attended)"))
        self.active = QCheckBox(_("Offered"))
        self.active.setChecked(True)
        self.errors_label = error_label()
        form = QFormLayout()
        form.addRow(_("Code"), self.code)
        for code, edit in self.names.items():
            form.addRow(_(languages.get(code).name_label), edit)
        form.addRow("", self.is_accommodation)
        form.addRow("", self.is_course)
        form.addRow("", self.active)
        self.new_button, self.save_button = QPushButton(_("&New service")), QPushButton(_("&Save"))
        self.close_button = QPushButton(_("&Close"))
        lay_out_editor(self, form)
        self.fields = {"code": self.code,
                       **{f"names.{code}": edit for code, edit in self.names.items()}}
        self.table.currentCellChanged.connect(self._row_chosen)
        self.new_button.clicked.connect(self.clear_form)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.accept)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        may_edit = actor_may(self.database.actor, Permission.EDIT_CATALOGUE)
        for widget in (self.new_button, self.save_button, *self.fields.values(),
                       self.is_accommodation, self.is_course, self.active):
            widget.setEnabled(may_edit)
        if not may_edit:
            self.errors_label.setText(_("Only a supervisor can change the service catalogue."))
        self.load()

    def load(self) -> None:
        self.kinds = service_catalogue(self.database, active_only=False)
        rows = [[kind.code, *(kind.names.get(code, "") for code in self.names),
                 yes_no(kind.is_accommodation), yes_no(kind.is_course), yes_no(kind.active)]
                for kind in self.kinds]
        self.table.blockSignals(True)
        fill_table(self.table, rows,
                   [_("Code"), *(_(languages.get(code).name_label) for code in self.names),
                    _("Accommodation"), _("Course"), _("Offered")])
        self.table.blockSignals(False)

    def clear_form(self) -> None:
        self.editing = None
        self.table.clearSelection()
        for widget in self.fields.values():
            widget.clear()
        self.is_accommodation.setChecked(False)
        self.is_course.setChecked(False)
        self.active.setChecked(True)
        self.errors_label.clear()
        clear_marks(self.fields.values())

    def _row_chosen(self, row: int, *_args) -> None:
        if not 0 <= row < len(self.kinds):
            return
        kind = self.kinds[row]
        self.editing = kind.id
        self.code.setText(kind.code)
        for code, edit in self.names.items():
            edit.setText(kind.names.get(code, ""))
        self.is_accommodation.setChecked(kind.is_accommodation)
        self.is_course.setChecked(kind.is_course)
        self.active.setChecked(kind.active)
        self.errors_label.clear()
        clear_marks(self.fields.values())

    def save(self) -> bool:
        data = ServiceTypeInput(
            code=self.code.text(),
            names={code: edit.text() for code, edit in self.names.items()},
            is_accommodation=self.is_accommodation.isChecked(),
            is_course=self.is_course.isChecked(), active=self.active.isChecked())
        return save_editor(self, lambda: store_service_type(self.database, data, self.editing))
