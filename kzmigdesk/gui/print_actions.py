"""Printing a form from a window: the services gather its data, printing makes the PDF in the
document language under the office profile's letterhead; it is saved to a temporary file and
opened in the system's PDF viewer, from which it is printed. Without a complete office
profile nothing is printed: the user is told what is missing (an administrator is offered
the profile dialog)."""

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from kzmigdesk import i18n
from kzmigdesk.domain.enums import UserRole
from kzmigdesk.files import write_atomically
from kzmigdesk.i18n import _
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.document import Letterhead
from kzmigdesk.services import office_profile, prints
from kzmigdesk.services.office_profile import ProfileMissing
from kzmigdesk.services.workspace import Database
from kzmigdesk.settings import load_settings

# render(data, words, letterhead) -> the PDF's bytes: a function of kzmigdesk.printing.forms.
Render = Callable[[Any, Words, Letterhead], bytes]


def document_words() -> Words:
    """The settings' document language ("kk+ru" for bilingual forms), else the interface's."""
    return Words.of(load_settings().document_language or i18n.current_language())


def temporary_pdf(name: str) -> Path:
    """A path for the PDF `name` in a new temporary folder."""
    safe = re.sub(r"[^\w.-]+", "-", name).strip("-") or "document"
    return Path(tempfile.mkdtemp(prefix="kzmigdesk-")) / f"{safe}.pdf"


def open_pdf(pdf: bytes, name: str) -> Path:
    """Write the PDF to a new temporary folder and open it in the system's viewer."""
    path = temporary_pdf(name)
    write_atomically(path, pdf)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return path


def offer_profile(database: Database, error: ProfileMissing,
                  parent: QWidget | None = None) -> bool:
    """Say what the office profile lacks; an administrator may fill it in at once. True when
    the profile was saved (the print may be tried again)."""
    parent = parent or QApplication.activeWindow()
    actor = database.actor
    if actor is None or actor.role is not UserRole.ADMINISTRATOR:
        QMessageBox.warning(parent, _("Office profile"), error.message())
        return False
    answer = QMessageBox.question(
        parent, _("Office profile"), error.message() + "\n\n" + _("Open the office profile now?"),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
    if answer != QMessageBox.StandardButton.Yes:
        return False
    from kzmigdesk.gui.office_profile_dialog import edit_office_profile

    return edit_office_profile(database, parent)


def document_letterhead(database: Database) -> Letterhead:
    """The letterhead of the office's profile, with the signed-in user as the preparer; if
    the profile lacks anything, the user is told what (and an administrator may fill it in),
    and ProfileMissing reaches the caller if it is still missing."""
    try:
        return office_profile.letterhead(database)
    except ProfileMissing as error:
        if not offer_profile(database, error):
            raise
    return office_profile.letterhead(database)


def print_document(database: Database, name: str, gather: Callable, render: Render,
                   *args, **kwargs) -> Path:
    """Make a form and open it: `gather(session, *args, **kwargs)`, a function of
    kzmigdesk.services.prints, gathers its data (an outgoing document takes its register
    number), `render` lays it out under the office's letterhead; the print is recorded in
    the audit trail once the PDF is written. ServiceError from `gather` (ProfileMissing
    when the office profile is not complete) and OSError from the write reach the caller."""
    words, letterhead = document_words(), document_letterhead(database)
    path = prints.write_pdf(database, temporary_pdf(name), gather,
                            lambda data: render(data, words, letterhead), *args, **kwargs)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return path


# --- the outgoing documents of a record (issue 21) ---------------------------------------------


def print_work_permit(database: Database, permit_id) -> Path:
    """The work permit for the worker, under the office's next outgoing number."""
    from kzmigdesk.printing import forms

    return print_document(database, f"work-permit-{permit_id}", prints.work_permit,
                          forms.work_permit, permit_id)


def print_kandas_certificate(database: Database, case_id) -> Path:
    """The kandas certificate of a case that has one, under the next outgoing number."""
    from kzmigdesk.printing import forms

    return print_document(database, f"kandas-certificate-{case_id}",
                          prints.kandas_certificate, forms.kandas_certificate, case_id)
