"""Settings of this desk: the language of printed forms and the office letterhead (name,
address, logo) printed at the top of every document."""

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from kzmigdesk.gui.reports_page import language_choices
from kzmigdesk.gui.widgets.dialogs import ERROR_STYLE, button_box
from kzmigdesk.i18n import _
from kzmigdesk.settings import load_settings, save_settings

ADDRESS_LINES = 3


class SettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self.resize(620, 320)
        settings = load_settings()
        self.document_language = QComboBox()
        self.document_language.addItem(_("The interface language"), "")
        for name, code in language_choices():
            self.document_language.addItem(name, code)
        self.document_language.setCurrentIndex(
            max(0, self.document_language.findData(settings.document_language)))
        self.office_name = QLineEdit(settings.office_name)
        self.office_address = QPlainTextEdit(settings.office_address)
        self.office_address.setFixedHeight(70)
        self.office_logo = QLineEdit(settings.office_logo)
        browse = QPushButton(_("&Choose…"))
        browse.clicked.connect(self.choose_logo)
        logo = QHBoxLayout()
        logo.addWidget(self.office_logo, 1)
        logo.addWidget(browse)
        self.errors_label = QLabel()
        self.errors_label.setStyleSheet(ERROR_STYLE)
        form = QFormLayout(self)
        form.addRow(_("Language of printed forms"), self.document_language)
        form.addRow(_("Office name"), self.office_name)
        form.addRow(_("Office address (up to three lines)"), self.office_address)
        form.addRow(_("Logo (PNG or JPEG)"), logo)
        form.labelForField(logo).setBuddy(self.office_logo)
        form.addRow(self.errors_label)
        buttons = button_box(self.save, self.reject, save=True)
        form.addRow(buttons)

    def choose_logo(self) -> None:
        path, _filter = QFileDialog.getOpenFileName(
            self, _("Logo"), "", _("Images (*.png *.jpg *.jpeg)"))
        if path:
            self.office_logo.setText(path)

    def save(self) -> bool:
        address = self.office_address.toPlainText().strip()
        if len(address.splitlines()) > ADDRESS_LINES:
            self.errors_label.setText(_("The address may have at most three lines."))
            return False
        settings = load_settings()
        settings.document_language = self.document_language.currentData()
        settings.office_name = self.office_name.text().strip()
        settings.office_address = address
        settings.office_logo = self.office_logo.text().strip()
        save_settings(settings)
        self.accept()
        return True
