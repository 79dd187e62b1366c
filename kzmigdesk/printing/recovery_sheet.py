"""The recovery sheet of an encrypted database: its key in large groups of four characters
(plain text, no QR code: it is typed back), what it opens and how to use it."""

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from kzmigdesk.domain.documents import RecoverySheet
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.document import (
    GRID_COLOUR,
    fields,
    heading,
    keep,
    paragraph,
    render,
)
from kzmigdesk.printing.fonts import register_fonts

PER_ROW = 4


def key_table(groups: tuple[str, ...]) -> Table:
    """The key's groups, four to a row, numbered, in a large monospaced-looking font."""
    _regular, bold = register_fonts()
    rows = [[f"{start // PER_ROW + 1}.", *groups[start:start + PER_ROW]]
            for start in range(0, len(groups), PER_ROW)]
    table = Table(rows, colWidths=[12 * mm] + [30 * mm] * PER_ROW, rowHeights=12 * mm)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), bold, 18),
        ("FONT", (0, 0), (0, -1), bold, 11),
        ("ALIGN", (1, 0), (-1, -1), "CENTER"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BOX", (1, 0), (-1, -1), 0.8, GRID_COLOUR),
        ("INNERGRID", (1, 0), (-1, -1), 0.4, GRID_COLOUR),
    ]))
    table.hAlign = "LEFT"
    return table


def recovery_sheet(sheet: RecoverySheet, words: Words) -> bytes:
    story: list[Flowable] = [
        fields([(words.t("Database"), sheet.database),
                (words.t("Date"), words.date(sheet.made_on))], width=170 * mm),
        Spacer(1, 6 * mm),
        heading(words.t("Key")),
        key_table(sheet.groups),
        Spacer(1, 6 * mm),
        keep(heading(words.t("How to use this sheet")), paragraph(words.t(
            "The database is encrypted. Its key is kept in this computer's credential store "
            "for the office's Windows account; this sheet is the only other copy. Without the "
            "key, neither the database nor its backups can be opened.")), Spacer(1, 2 * mm),
            paragraph(words.t(
                "On a new computer, or after the Windows account was reset, copy the database "
                "(or a backup) there and run: kzmigdesk db key --import FILE, then type the "
                "64 characters above (the spaces and the row numbers are not part of the "
                "key)."))),
        Spacer(1, 2 * mm),
        paragraph(words.t("Keep this sheet locked away, apart from the computer. Whoever "
                          "holds it and a copy of the database can read every record."),
                  small=True),
    ]
    return render(story, words.t("Recovery sheet of an encrypted database"), words,
                  printed_on=sheet.made_on)
