"""Printing a form from a window: make the PDF from the database in the document language,
save it to a temporary file and open it in the system's PDF viewer, from which it is printed."""

import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from sqlalchemy.orm import Session

from kzmigdesk import i18n
from kzmigdesk.printing.document import Letterhead
from kzmigdesk.printing.words import Words
from kzmigdesk.services.workspace import Database
from kzmigdesk.settings import load_settings

# make(session, words, letterhead) -> the PDF's bytes; it may raise ServiceError (NotFound).
MakeDocument = Callable[[Session, Words, Letterhead], bytes]


def document_words() -> Words:
    """The settings' document language ("kk+ru" for bilingual forms), else the interface's."""
    return Words.of(load_settings().document_language or i18n.current_language())


def open_pdf(pdf: bytes, name: str) -> Path:
    """Write the PDF to a new temporary folder and open it in the system's viewer."""
    safe = re.sub(r"[^\w.-]+", "-", name).strip("-") or "document"
    path = Path(tempfile.mkdtemp(prefix="kzmigdesk-")) / f"{safe}.pdf"
    path.write_bytes(pdf)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return path


def print_document(database: Database, name: str, make: MakeDocument) -> Path:
    """Make a form and open it; ServiceError from `make` reaches the caller to show. The
    transaction keeps the audit trail's record of the print."""
    with database.transaction() as session:
        pdf = make(session, document_words(), Letterhead.from_settings())
    return open_pdf(pdf, name)
