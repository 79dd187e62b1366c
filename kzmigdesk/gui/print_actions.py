"""Printing a form from a window: the services gather its data, printing makes the PDF in the
document language; it is saved to a temporary file and opened in the system's PDF viewer, from
which it is printed."""

import re
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices

from kzmigdesk import i18n
from kzmigdesk.files import write_atomically
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.document import Letterhead
from kzmigdesk.services import prints
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


def print_document(database: Database, name: str, gather: Callable, render: Render,
                   *args, **kwargs) -> Path:
    """Make a form and open it: `gather(session, *args, **kwargs)`, a function of
    kzmigdesk.services.prints, gathers its data, `render` lays it out; the print is
    recorded in the audit trail once the PDF is written. ServiceError from `gather` (and
    OSError from the write) reach the caller to show."""
    words, letterhead = document_words(), Letterhead.from_settings()
    path = prints.write_pdf(database, temporary_pdf(name), gather,
                            lambda data: render(data, words, letterhead), *args, **kwargs)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return path
