"""Settings of this desk: the language of printed forms. The letterhead (name, address, logo,
head of office) is the office profile in the database (File → Office profile…)."""

from PySide6.QtWidgets import QComboBox, QDialog, QFormLayout, QLabel, QWidget

from kzmigdesk.gui.reports_page import language_choices
from kzmigdesk.gui.widgets.dialogs import button_box
from kzmigdesk.i18n import _
from kzmigdesk.settings import load_settings, save_settings


class SettingsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(_("Settings"))
        self.resize(560, 160)
        settings = load_settings()
        self.document_language = QComboBox()
        self.document_language.addItem(_("The interface language"), "")
        for name, code in language_choices():
            self.document_language.addItem(name, code)
        self.document_language.setCurrentIndex(
            max(0, self.document_language.findData(settings.document_language)))
        form = QFormLayout(self)
        form.addRow(_("Language of printed forms"), self.document_language)
        where = QLabel(_("The letterhead of printed documents (the office's name, address, logo "
                         "and head) is the office profile: {menu} → {item}").format(
            menu=_("&File").replace("&", ""), item=_("&Office profile…").replace("&", "")))
        where.setWordWrap(True)
        form.addRow(where)
        form.addRow(button_box(self.save, self.reject, save=True))

    def save(self) -> bool:
        settings = load_settings()
        settings.document_language = self.document_language.currentData()
        save_settings(settings)
        self.accept()
        return True
