"""The person form (ui/person_form.ui): every field of a person and their identity documents.

Ctrl+S saves, Esc cancels (asking first when something was changed). Validation, duplicate
detection and the version check happen in services/registration.py; the form shows their
messages next to the fields and saves nothing until they are resolved.
"""

import uuid
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QMessageBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk import i18n
from kzmigdesk.domain.enums import ChangeKind, DocumentType, Sex, label
from kzmigdesk.gui.access_log_dialog import AccessLogDialog
from kzmigdesk.gui.change_requests_dialog import (
    ask_delete,
    delete_with_confirmation,
    tell_sent_for_approval,
)
from kzmigdesk.gui.duplicates_dialog import choose_duplicate_action
from kzmigdesk.gui.legal_basis_dialog import LegalBasisDialog
from kzmigdesk.gui.legal_basis_dialog import describe as describe_basis
from kzmigdesk.gui.print_actions import print_document
from kzmigdesk.gui.timeline_dialog import TimelineDialog
from kzmigdesk.gui.uiloader import load_ui
from kzmigdesk.gui.widgets.choices import sorted_regions
from kzmigdesk.gui.widgets.dates import date_edit, from_qdate, prepare_date_edit, to_qdate
from kzmigdesk.gui.widgets.dialogs import INVALID_STYLE
from kzmigdesk.gui.widgets.list_page import elide_combo
from kzmigdesk.gui.widgets.unsaved import GuardedDialog
from kzmigdesk.i18n import _
from kzmigdesk.printing import forms
from kzmigdesk.services import legal_basis, prints
from kzmigdesk.services.auth import Permission, actor_may
from kzmigdesk.services.change_requests import (
    SentForApproval,
    change_needs_approval,
    drafting,
)
from kzmigdesk.services.errors import NotFound, ServiceError, StaleRecord, ValidationFailed
from kzmigdesk.services.registration import (
    DocumentInput,
    DuplicatesFound,
    PersonInput,
    load_person,
    register_person,
)
from kzmigdesk.services.workspace import Database

TEXT_FIELDS = ("surname", "given_name", "patronymic", "surname_latin", "given_name_latin",
               "iin", "phone", "email", "district", "locality", "address")


def ask_reload(parent: QWidget, message: str) -> bool:
    """After a stale save: load the saved version (True) or keep what was typed (False)."""
    box = QMessageBox(QMessageBox.Icon.Warning, _("Not saved"), message, parent=parent)
    reload = box.addButton(_("Load their version"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(_("Keep my changes"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is reload


class PersonDialog(GuardedDialog):
    saved = Signal(object)  # the person's id
    open_other = Signal(object)  # a duplicate the clerk chose to open instead

    def __init__(self, database: Database, person_id: uuid.UUID | None = None,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.database = database
        self.person_id = person_id
        self.version: int | None = None
        self.photo: bytes | None = None
        self.form = load_ui("person_form", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        self.form.layout().setContentsMargins(12, 12, 12, 12)
        self.resize(1000, 680)
        self.ask_duplicates = choose_duplicate_action  # replaceable in tests
        self.ask_reload = ask_reload  # replaceable in tests

        f = self.form
        prepare_date_edit(f.birth_date)
        f.documentsTable.horizontalHeader().setStretchLastSection(True)
        f.saveButton.clicked.connect(self.save)
        f.cancelButton.clicked.connect(self.reject)
        f.addDocumentButton.clicked.connect(lambda: self.add_document_row(None))
        f.removeDocumentButton.clicked.connect(self.remove_document_row)
        f.choosePhotoButton.clicked.connect(self.choose_photo)
        f.clearPhotoButton.clicked.connect(lambda: self.set_photo(None))
        f.timelineButton.clicked.connect(self.show_timeline)
        f.scansButton.clicked.connect(self.show_scans)
        f.printButton.clicked.connect(self.print_card)
        f.deleteButton.clicked.connect(self.delete)
        f.draftButton.clicked.connect(self.save_as_draft)
        f.draftButton.setVisible(person_id is not None and change_needs_approval(
            database, ChangeKind.IDENTITY))
        f.deleteButton.setVisible(person_id is not None
                                  and actor_may(database.actor, Permission.REGISTER))
        self.ask_delete = lambda text, **draft: ask_delete(self, text, **draft)  # tests replace it
        f.legalBasisButton.clicked.connect(self.show_legal_basis)
        f.accessLogButton.clicked.connect(self.show_access_log)
        QShortcut(QKeySequence("Ctrl+S"), self, activated=self.save)
        self._fill_choices()
        self.load()

    # --- filling ---

    def _fill_choices(self) -> None:
        f = self.form
        f.sex.addItem("", None)
        for sex in Sex:
            f.sex.addItem(label(sex), sex)
        f.citizenship.addItem(_("stateless or unknown"), None)
        for code, name in i18n.country_names():
            f.citizenship.addItem(f"{name} ({code})", code)
        f.region_id.addItem("", None)
        for name, region_id in sorted_regions(self.database):
            f.region_id.addItem(name, region_id)

    def load(self) -> None:
        """Show the stored person (or an empty form for a new one)."""
        f = self.form
        documents = []
        if self.person_id is None:
            data = PersonInput()
            self.setWindowTitle(_("New person"))
        else:
            record = load_person(self.database, self.person_id)
            data, documents, self.version = record.data, record.documents, record.version
            name = f"{data.surname} {data.given_name}"
            self.setWindowTitle(_("Person: {name}").format(name=name))
        for name in TEXT_FIELDS:
            getattr(f, name).setText(getattr(data, name) or "")
        f.notes.setPlainText(data.notes or "")
        f.birth_date.setDate(to_qdate(data.birth_date))
        region = str(data.region_id) if data.region_id else None
        for combo, value in ((f.sex, data.sex), (f.citizenship, data.citizenship),
                             (f.region_id, region)):
            combo.setCurrentIndex(max(0, combo.findData(value)))
        self.set_photo(data.photo)
        f.documentsTable.setRowCount(0)
        for document in documents:
            self.add_document_row(document)
        f.documentsTable.resizeColumnsToContents()  # the headers, when there is no row
        self.show_errors([])
        f.timelineButton.setEnabled(self.person_id is not None)
        f.scansButton.setEnabled(self.person_id is not None)
        f.printButton.setEnabled(self.person_id is not None)
        self.show_basis()
        f.legalBasisButton.setEnabled(self.person_id is not None)
        f.accessLogButton.setEnabled(self.person_id is not None)
        f.accessLogButton.setVisible(actor_may(self.database.actor, Permission.VIEW_AUDIT))
        self.snapshot = self.collect()

    def add_document_row(self, document: DocumentInput | None) -> None:
        table = self.form.documentsTable
        row = table.rowCount()
        table.insertRow(row)
        doc_type, country = QComboBox(), QComboBox()
        elide_combo(doc_type, 14)  # narrow enough for every column's header to fit
        elide_combo(country, 18)
        for member in DocumentType:
            doc_type.addItem(label(member), member)
        country.addItem("", None)
        for code, name in i18n.country_names():
            country.addItem(f"{name} ({code})", code)
        issued, expires = date_edit(), date_edit()
        for widget, name in ((doc_type, _("Document type")), (country, _("Issuing country")),
                             (issued, _("Date of issue")), (expires, _("Expiry date"))):
            widget.setAccessibleName(name)
        number = QTableWidgetItem(document.number if document else "")
        number.setData(Qt.ItemDataRole.UserRole, document.id if document else None)
        table.setCellWidget(row, 0, doc_type)
        table.setItem(row, 1, number)
        table.setCellWidget(row, 2, country)
        table.setCellWidget(row, 3, issued)
        table.setCellWidget(row, 4, expires)
        if document:
            doc_type.setCurrentIndex(max(0, doc_type.findData(document.doc_type)))
            country.setCurrentIndex(max(0, country.findData(document.issuing_country)))
            issued.setDate(to_qdate(document.issue_date))
            expires.setDate(to_qdate(document.expiry_date))
        table.resizeColumnsToContents()

    def remove_document_row(self) -> None:
        table = self.form.documentsTable
        if table.currentRow() >= 0:
            table.removeRow(table.currentRow())

    def choose_photo(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Choose photo…"), "", _("Images (*.png *.jpg *.jpeg)"))
        if path:
            with open(path, "rb") as image:
                self.set_photo(image.read())

    def set_photo(self, photo: bytes | None) -> None:
        self.photo = photo
        label_widget = self.form.photoLabel
        pixmap = QPixmap()
        if photo and pixmap.loadFromData(photo):
            label_widget.setPixmap(pixmap.scaled(label_widget.size(),
                                                 Qt.AspectRatioMode.KeepAspectRatio))
        else:
            label_widget.setPixmap(QPixmap())
            label_widget.setText(_("No photo"))

    def show_timeline(self) -> TimelineDialog:
        dialog = TimelineDialog(self.database, self.person_id, self.windowTitle(), self)
        dialog.show()
        return dialog

    def show_scans(self):
        from kzmigdesk.gui.scans_dialog import ScansDialog

        dialog = ScansDialog(self.database, self.person_id, title=self.windowTitle(),
                             parent=self)
        dialog.show()
        return dialog

    def show_basis(self) -> None:
        """The current legal basis for processing the person's data (issue 23)."""
        basis = None
        if self.person_id is not None:
            try:
                basis = legal_basis.current_basis(self.database, self.person_id)
            except ServiceError:
                basis = None
        self.form.legalBasisLabel.setText(describe_basis(basis))

    def show_legal_basis(self):
        dialog = LegalBasisDialog(self.database, self.person_id, self.windowTitle(), self)
        dialog.finished.connect(lambda _result: self.show_basis())
        dialog.show()
        return dialog

    def show_access_log(self):
        dialog = AccessLogDialog(self.database, self.person_id, self.windowTitle(), self)
        dialog.show()
        return dialog

    def print_card(self) -> Path | None:
        """The person's registration card as saved (not what is typed but unsaved)."""
        if self.person_id is None:
            return None
        try:
            return print_document(self.database, f"person-card-{self.person_id}",
                                  prints.person_card, forms.person_card, self.person_id)
        except ServiceError as error:
            self.form.errorsLabel.setText(error.message())
            return None

    # --- reading ---

    def collect(self) -> tuple[PersonInput, list[DocumentInput]]:
        f = self.form
        data = PersonInput(**{name: getattr(f, name).text() for name in TEXT_FIELDS})
        data.notes = f.notes.toPlainText()
        data.birth_date = from_qdate(f.birth_date.date())
        data.sex = f.sex.currentData()
        data.citizenship = f.citizenship.currentData()
        region = f.region_id.currentData()
        data.region_id = uuid.UUID(region) if region else None
        data.photo = self.photo
        table = f.documentsTable
        documents = []
        for row in range(table.rowCount()):
            number = table.item(row, 1)
            documents.append(DocumentInput(
                doc_type=table.cellWidget(row, 0).currentData(),
                number=number.text() if number else "",
                issuing_country=table.cellWidget(row, 2).currentData(),
                issue_date=from_qdate(table.cellWidget(row, 3).date()),
                expiry_date=from_qdate(table.cellWidget(row, 4).date()),
                id=number.data(Qt.ItemDataRole.UserRole) if number else None,
            ))
        return data, documents

    def is_dirty(self) -> bool:
        return self.collect() != self.snapshot

    # --- saving ---

    def show_errors(self, errors) -> None:
        f = self.form
        invalid = {e.field: e.message() for e in errors}
        for name in (*TEXT_FIELDS, "sex", "birth_date", "citizenship", "region_id"):
            widget = getattr(f, name)
            widget.setStyleSheet(INVALID_STYLE if name in invalid else "")
            widget.setToolTip(invalid.get(name, ""))
        f.errorsLabel.setText("\n".join(e.message() for e in errors))
        first = next((getattr(f, e.field) for e in errors if hasattr(f, e.field)), None)
        if first is not None:
            first.setFocus()

    def save(self, confirm_duplicates: bool = False) -> bool:
        data, documents = self.collect()
        try:
            person_id = register_person(self.database, data, documents,
                                        person_id=self.person_id,
                                        expected_version=self.version,
                                        confirm_duplicates=confirm_duplicates)
        except ValidationFailed as failure:
            self.show_errors(failure.errors)
            return False
        except DuplicatesFound as found:
            action, chosen = self.ask_duplicates(self, found)
            if action == "save":
                return self.save(confirm_duplicates=True)
            if action == "open":
                self.open_other.emit(chosen)
                super().reject()
            return False
        except StaleRecord as error:
            # What was typed stays in the form unless the clerk chooses to load the other
            # clerk's version instead.
            if self.ask_reload(self, error.message()):
                self.load()
            return False
        except NotFound as error:
            QMessageBox.warning(self, _("Not saved"), error.message())
            return False
        except SentForApproval as sent:  # nothing changed until a supervisor approves
            tell_sent_for_approval(self.parentWidget() or self, sent)
            self.snapshot = (data, documents)
            self.accept()
            return True
        self.person_id = person_id
        self.saved.emit(person_id)
        self.snapshot = (data, documents)
        self.accept()
        return True

    def save_as_draft(self) -> bool:
        """Save a change of identity data as the author's draft request (submitted later
        from Change requests); other changes, which need no approval, are saved as usual."""
        with drafting():
            return self.save()

    def delete(self) -> bool:
        """Delete the person (softly) once confirmed, or send the deletion for approval."""
        if self.person_id is None:
            return False
        data, _documents = self.collect()
        what = " ".join(p for p in (data.surname, data.given_name, data.patronymic) if p)
        outcome = delete_with_confirmation(self, self.database, "persons", self.person_id,
                                           what, self.ask_delete, self.version)
        if outcome is None:
            return False
        if outcome == "deleted":
            self.saved.emit(self.person_id)
        self.snapshot = self.collect()  # closes without asking about unsaved changes
        self.accept()
        return True

    def has_unsaved_changes(self) -> bool:
        return self.is_dirty()
