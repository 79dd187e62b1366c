"""The office profile (administrators): the office's names, addresses and head of office in
Kazakh and Russian side by side, BIN, phone, logo and the pattern of outgoing numbers. The
rules live in services/office_profile.py. The first start asks for it (`ask_at_first_start`)."""

import uuid
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kzmigdesk.domain.enums import UserRole
from kzmigdesk.gui.widgets.choices import sorted_regions
from kzmigdesk.gui.widgets.dialogs import ask_path, button_box, error_label, no_default_buttons
from kzmigdesk.i18n import _
from kzmigdesk.services import office_profile
from kzmigdesk.services.errors import ServiceError
from kzmigdesk.services.workspace import Database
from kzmigdesk.settings import load_settings

LANGUAGES = ("kk", "ru")
GROUPS = ("names", "addresses", "head_positions", "head_names")


class OfficeProfileDialog(QDialog):
    """Edit the profile of the home office (or of `office_id`)."""

    def __init__(self, database: Database, parent: QWidget | None = None,
                 office_id: uuid.UUID | None = None):
        super().__init__(parent)
        self.database = database
        self.profile = office_profile.load_profile(database, office_id)
        if self.profile.id is None:
            self.profile = from_settings(self.profile)
        self.logo: bytes | None = self.profile.logo
        self.setWindowTitle(_("Office profile"))
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        layout.addLayout(grid)

        def row(title: str, widget, buddy=None) -> None:
            line = grid.rowCount()
            label = QLabel(title)
            label.setBuddy(buddy or widget)
            grid.addWidget(label, line, 0, Qt.AlignmentFlag.AlignTop)
            if isinstance(widget, QWidget):
                grid.addWidget(widget, line, 1, 1, 2)
            else:
                grid.addLayout(widget, line, 1, 1, 2)

        # The office itself: its code and region, asked only while there is none.
        self.code, self.region = QLineEdit(self.profile.office_code), QComboBox()
        for name, region_id in sorted_regions(database):
            self.region.addItem(name, region_id)
        if self.profile.region_id is not None:
            self.region.setCurrentIndex(self.region.findData(str(self.profile.region_id)))
        creating = self.profile.office_id is None
        self.code.setEnabled(creating)
        self.region.setEnabled(creating)
        row(_("Office code"), self.code)
        row(_("Region"), self.region)

        # Kazakh | Russian, a row per text; names and addresses may take several lines.
        line = grid.rowCount()
        grid.addWidget(QLabel(_("Kazakh")), line, 1)
        grid.addWidget(QLabel(_("Russian")), line, 2)
        titles = {"names": _("Office name"), "addresses": _("Address"),
                  "head_positions": _("Position of the head of office"),
                  "head_names": _("Head of office")}
        self.texts: dict[tuple[str, str], QLineEdit | QPlainTextEdit] = {}
        for group in GROUPS:
            line = grid.rowCount()
            title = QLabel(titles[group])
            grid.addWidget(title, line, 0, Qt.AlignmentFlag.AlignTop)
            for column, code in enumerate(LANGUAGES, start=1):
                value = getattr(self.profile, group).get(code, "")
                if group in ("names", "addresses"):
                    edit = QPlainTextEdit(value)
                    edit.setTabChangesFocus(True)
                    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 2 + 14)
                else:
                    edit = QLineEdit(value)
                edit.setAccessibleName(_(office_profile.LABELS[f"{group}.{code}"]))
                edit.setMinimumWidth(300)
                self.texts[group, code] = edit
                grid.addWidget(edit, line, column)
            title.setBuddy(self.texts[group, "kk"])

        self.bin, self.phone = QLineEdit(self.profile.bin), QLineEdit(self.profile.phone)
        self.bin.setMaxLength(12)
        numbers = QHBoxLayout()
        numbers.addWidget(self.bin)
        phone_label = QLabel(_("Phone"))
        phone_label.setBuddy(self.phone)
        numbers.addWidget(phone_label)
        numbers.addWidget(self.phone)
        row(_("BIN"), numbers, self.bin)
        self.logo_view = QLabel()
        self.logo_view.setFixedSize(64, 64)
        self.logo_view.setFrameShape(QLabel.Shape.Box)
        self.logo_view.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.choose_logo_button = QPushButton(_("&Choose…"))
        self.remove_logo_button = QPushButton(_("&Remove"))
        self.choose_logo_button.clicked.connect(self.choose_logo)
        self.remove_logo_button.clicked.connect(lambda: self.set_logo(None))
        no_default_buttons(self.choose_logo_button, self.remove_logo_button)
        logo = QHBoxLayout()
        logo.addWidget(self.logo_view)
        logo.addWidget(self.choose_logo_button)
        logo.addWidget(self.remove_logo_button)
        logo.addStretch(1)
        row(_("Logo"), logo, self.choose_logo_button)
        self.pattern = QLineEdit(self.profile.register_pattern)
        self.pattern.textChanged.connect(self.show_example)
        self.example = QLabel()
        self.example.setWordWrap(True)
        row(_("Pattern of outgoing numbers"), self.pattern)
        grid.addWidget(self.example, grid.rowCount(), 1, 1, 2)
        self.errors_label = error_label()
        layout.addWidget(self.errors_label)
        layout.addStretch(1)
        layout.addWidget(button_box(self.save, self.reject, save=True))
        self.set_logo(self.logo)
        self.show_example()

    def show_example(self) -> None:
        pattern = self.pattern.text().strip()
        problem = office_profile.check_pattern(pattern)
        self.example.setText(
            _(problem).format() if problem else
            _("{n} is the number, {year} the year: the 347th letter is {example}.").format(
                n="{n}", year="{year}",
                example=office_profile.format_number(pattern, 347, 2026)))

    def set_logo(self, data: bytes | None) -> None:
        self.logo = data
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.logo_view.setPixmap(pixmap.scaled(
                60, 60, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            self.logo_view.clear()
        self.remove_logo_button.setEnabled(bool(data))

    def choose_logo(self) -> None:
        path = ask_path(self, _("Logo"), _("Images (*.png *.jpg *.jpeg)"))
        if path is not None:
            self.load_logo(path)

    def load_logo(self, path: Path) -> None:
        try:
            self.set_logo(path.read_bytes())
        except OSError as error:
            self.errors_label.setText(str(error))

    def values(self) -> office_profile.ProfileInput:
        def text(group: str, code: str) -> str:
            edit = self.texts[group, code]
            return edit.toPlainText() if isinstance(edit, QPlainTextEdit) else edit.text()

        region = self.region.currentData()
        return office_profile.ProfileInput(
            **{group: {code: text(group, code) for code in LANGUAGES} for group in GROUPS},
            bin=self.bin.text(), phone=self.phone.text(), logo=self.logo,
            register_pattern=self.pattern.text(), code=self.code.text(),
            region_id=uuid.UUID(region) if region else None)

    def save(self) -> bool:
        try:
            self.profile = office_profile.save_profile(
                self.database, self.values(), self.profile.office_id, self.profile.version)
        except ServiceError as error:
            self.errors_label.setText(error.message())
            return False
        self.accept()
        return True


def from_settings(profile: office_profile.Profile) -> office_profile.Profile:
    """A new profile begun from the letterhead this desk's settings held before profiles
    (its name and address in both languages, to be corrected, and its logo file)."""
    settings = load_settings()
    logo = None
    if settings.office_logo:
        try:
            logo = Path(settings.office_logo).read_bytes()
        except OSError:
            logo = None
    name, address = settings.office_name.strip(), settings.office_address.strip()
    return replace(profile, names={c: name for c in LANGUAGES if name},
                   addresses={c: address for c in LANGUAGES if address}, logo=logo)


def edit_office_profile(database: Database, parent: QWidget | None = None) -> bool:
    """Open the dialog; True when the profile was saved."""
    return OfficeProfileDialog(database, parent).exec() == QDialog.DialogCode.Accepted


def ask_at_first_start(database: Database, parent: QWidget | None = None) -> bool:
    """Once the first administrator is signed in: ask for the office profile if the database
    has none (it may be filled in later from File → Office profile…)."""
    actor = database.actor
    if actor is None or actor.role is not UserRole.ADMINISTRATOR:
        return False
    if office_profile.has_profile(database):
        return False
    return edit_office_profile(database, parent)
