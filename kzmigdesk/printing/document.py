"""The frame every printed document shares: A4, the office letterhead (name, address, logo)
at the top of each page, the title, and a footer with the page number and the print date."""

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import KeepTogether

from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.fonts import register_fonts

MARGIN = 18 * mm
HEADER_HEIGHT = 22 * mm
GRID_COLOUR = colors.HexColor("#9e9e9e")
HEADER_FILL = colors.HexColor("#e3ecf5")


@dataclass(frozen=True)
class Letterhead:
    """The office's name, address and logo (an image file), from the settings."""

    name: str = ""
    address: str = ""
    logo: str = ""

    @classmethod
    def from_settings(cls) -> "Letterhead":
        from kzmigdesk.settings import load_settings

        settings = load_settings()
        return cls(settings.office_name, settings.office_address, settings.office_logo)


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    title: ParagraphStyle
    heading: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle


def styles() -> Styles:
    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=10, leading=13)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8, leading=10),
        title=ParagraphStyle("title", parent=body, fontName=bold, fontSize=15, leading=19,
                             alignment=TA_CENTER, spaceAfter=4 * mm),
        heading=ParagraphStyle("heading", parent=body, fontName=bold, fontSize=11.5,
                               leading=15, spaceBefore=4 * mm, spaceAfter=2 * mm),
        cell=ParagraphStyle("cell", parent=body, fontSize=8.5, leading=10.5),
        cell_bold=ParagraphStyle("cell_bold", parent=body, fontName=bold, fontSize=8.5,
                                 leading=10.5),
    )


def text(value) -> str:
    """Plain text made safe for a Paragraph (which reads a little XML)."""
    return (str(value) if value is not None else "").replace("&", "&amp;").replace(
        "<", "&lt;").replace(">", "&gt;")


def grid(rows: Sequence[Sequence], header: Sequence[str] | None = None,
         widths: Sequence[float] | None = None, numeric: Sequence[int] = ()) -> Table:
    """A table with a grid; cells wrap; `numeric` columns are right-aligned."""
    s = styles()
    right = ParagraphStyle("cell_right", parent=s.cell, alignment=TA_RIGHT)
    body = [[Paragraph(text(cell), right if column in numeric else s.cell)
             for column, cell in enumerate(row)] for row in rows]
    if header:
        body.insert(0, [Paragraph(text(cell), s.cell_bold) for cell in header])
    table = Table(body, colWidths=widths, repeatRows=1 if header else 0, hAlign="LEFT")
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID_COLOUR),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), HEADER_FILL))
    table.setStyle(TableStyle(commands))
    return table


def fields(pairs: Sequence[tuple[str, object]], width: float = 170 * mm) -> Table:
    """A two-column table of labels and values (a card's fields)."""
    s = styles()
    rows = [[Paragraph(text(label), s.cell_bold), Paragraph(text(value), s.cell)]
            for label, value in pairs]
    table = Table(rows, colWidths=[width * 0.35, width * 0.65])
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, GRID_COLOUR),
        ("BACKGROUND", (0, 0), (0, -1), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    return table


def heading(value: str) -> Paragraph:
    return Paragraph(text(value), styles().heading)


def paragraph(value: str, small: bool = False) -> Paragraph:
    s = styles()
    return Paragraph(text(value).replace("\n", "<br/>"), s.small if small else s.body)


def keep(*flowables: Flowable) -> KeepTogether:
    return KeepTogether(list(flowables))


def photo(data: bytes | None, width: float = 30 * mm) -> Image | None:
    """A person's photo (JPEG or PNG bytes) scaled to `width`, or None."""
    if not data:
        return None
    try:
        image = Image(io.BytesIO(data))
    except Exception:  # a photo that cannot be read is left out, not fatal to the print
        return None
    ratio = image.imageHeight / image.imageWidth if image.imageWidth else 1
    image.drawWidth, image.drawHeight = width, width * ratio
    return image


def render(story: list[Flowable], title: str, words: Words,
           letterhead: Letterhead | None = None, wide: bool = False,
           printed_on: dt.date | None = None) -> bytes:
    """Lay out `story` under the letterhead and `title`; return the PDF's bytes."""
    regular, bold = register_fonts()
    letterhead = letterhead or Letterhead()
    printed_on = printed_on or dt.date.today()
    page_size = landscape(A4) if wide else A4
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=page_size, title=title, author=letterhead.name or "kzmigdesk",
        creator="kzmigdesk", leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_HEIGHT, bottomMargin=MARGIN)

    def decorate(canvas, doc) -> None:
        width, height = page_size
        canvas.saveState()
        top = height - MARGIN
        x = MARGIN
        logo = Path(letterhead.logo) if letterhead.logo else None
        if logo is not None and logo.is_file():
            try:
                canvas.drawImage(str(logo), MARGIN, top - 16 * mm, width=16 * mm,
                                 height=16 * mm, preserveAspectRatio=True, mask="auto")
                x = MARGIN + 20 * mm
            except Exception:  # an unreadable logo is left out
                pass
        canvas.setFont(bold, 11)
        canvas.drawString(x, top - 5 * mm, letterhead.name)
        canvas.setFont(regular, 8.5)
        for number, line in enumerate(letterhead.address.splitlines()[:3]):
            canvas.drawString(x, top - (9.5 + 3.8 * number) * mm, line)
        canvas.setStrokeColor(GRID_COLOUR)
        canvas.line(MARGIN, top - HEADER_HEIGHT + 3 * mm, width - MARGIN,
                    top - HEADER_HEIGHT + 3 * mm)
        canvas.setFont(regular, 8)
        canvas.drawString(MARGIN, MARGIN / 2, words.t("Printed on {date}",
                                                      date=lambda w: w.date(printed_on)))
        canvas.drawRightString(width - MARGIN, MARGIN / 2,
                               words.t("Page {number}", number=doc.page))
        canvas.restoreState()

    document.build([Paragraph(text(title), styles().title), Spacer(1, 2 * mm), *story],
                   onFirstPage=decorate, onLaterPages=decorate)
    return buffer.getvalue()
