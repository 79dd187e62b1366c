"""The frame every printed document shares: A4, the office's letterhead (from its profile: the
names and addresses in Kazakh and Russian side by side about the logo on a bilingual page,
BIN and phone) at the top of each page, the outgoing number and the date written out, the
title, the signature block with the place of the stamp, and a footer with the print date and
"page X of Y" (a canvas that draws the count once every page is laid out)."""

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from babel import dates as babel_dates
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
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

from kzmigdesk import languages
from kzmigdesk.domain.documents import Letterhead, Signer
from kzmigdesk.i18n import N_
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.fonts import register_fonts

MARGIN = 18 * mm
HEADER_HEIGHT = 27 * mm
GRID_COLOUR = colors.HexColor("#9e9e9e")
HEADER_FILL = colors.HexColor("#e3ecf5")


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


# --- in each language ----------------------------------------------------------------------

# Dates written out, per language: Babel's long format, but "2026 жылғы 2 желтоқсан" in
# Kazakh, as official letters write it (Babel's is "2026 ж. 2 желтоқсан").
LONG_DATE_PATTERNS = {"kk": "y 'жылғы' d MMMM"}


def long_date(words: Words, value: dt.date | None) -> str:
    """The date written out in each of the document's languages: "2026 жылғы 2 желтоқсан /
    2 декабря 2026 г."."""
    if value is None:
        return ""
    texts = []
    for code in words.languages:
        locale = languages.get(code).babel_locale
        pattern = LONG_DATE_PATTERNS.get(code, "long")
        text_ = babel_dates.format_date(value, pattern, locale=locale)
        if text_ not in texts:
            texts.append(text_)
    return " / ".join(texts)


def in_each(words: Words, values: Mapping[str, str] | None) -> str:
    """A text given by language code (a profile's name, a head's position) in each of the
    document's languages, else its fallback, without repeats."""
    texts = []
    for code in words.languages:
        value = languages.pick(dict(values or {}), code)
        if value and value not in texts:
            texts.append(value)
    return " / ".join(texts)


def position(words: Words, signer: Signer | None) -> str:
    if signer is None:
        return ""
    return in_each(words, signer.positions) or (words.t(signer.title) if signer.title else "")


# --- the signature block --------------------------------------------------------------------


def approval(words: Words, letterhead: Letterhead | None, width: float = 170 * mm
             ) -> list[Flowable]:
    """Who prepared the document (position, a line to sign, name) and the head of office
    (the same), with the place of the stamp (М.О. / М.П.) beside the head's signature."""
    letterhead = letterhead or Letterhead()
    s = styles()
    caption = ParagraphStyle("caption", parent=s.small, textColor=colors.HexColor("#555555"))
    rows, commands = [], [("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                          ("LEFTPADDING", (0, 0), (-1, -1), 0),
                          ("RIGHTPADDING", (0, 0), (-1, -1), 4)]
    signers = ((N_("Prepared by"), letterhead.prepared_by), (N_("Head of office"), letterhead.head))
    for label, signer in signers:
        line = len(rows)
        rows.append([[Paragraph(text(words.t(label)), caption),
                      Paragraph(text(position(words, signer)), s.cell_bold)],
                     "", Paragraph(text(in_each(words, signer.names if signer else None)),
                                   s.cell_bold)])
        rows.append(["", Paragraph(text(words.t("Signature")), caption), ""])
        commands += [("LINEBELOW", (1, line), (1, line), 0.6, colors.black),
                     ("VALIGN", (0, line + 1), (-1, line + 1), "TOP")]
    rows[-1][0] = Paragraph(text(words.t("Place of the stamp")), s.cell_bold)
    heights = [10 * mm if number % 2 == 0 else None for number in range(len(rows))]
    block = Table(rows, colWidths=[0.45 * width, 0.25 * width, 0.30 * width],
                  rowHeights=heights, hAlign="LEFT")
    block.setStyle(TableStyle(commands))
    return [Spacer(1, 6 * mm), block]


# --- the page -------------------------------------------------------------------------------


def _logo(letterhead: Letterhead):
    """The logo as drawImage takes it (a reader of the profile's bytes, or a file's path),
    or None."""
    logo = letterhead.logo
    if isinstance(logo, bytes) and logo:
        from reportlab.lib.utils import ImageReader

        try:
            return ImageReader(io.BytesIO(logo))
        except Exception:  # a logo that cannot be read is left out
            return None
    if logo and Path(logo).is_file():
        return str(logo)
    return None


def _office_lines(words: Words, letterhead: Letterhead, code: str) -> tuple[str, str]:
    """The office's name and address in language `code` (the desk settings' single name
    when the letterhead has none by language)."""
    name = languages.pick(dict(letterhead.names), code) or letterhead.name
    address = languages.pick(dict(letterhead.addresses), code) or letterhead.address
    return name, address


def _contacts(words: Words, letterhead: Letterhead) -> str:
    parts = []
    if letterhead.bin:
        parts.append(words.t("BIN {bin}", bin=letterhead.bin))
    if letterhead.phone:
        parts.append(words.t("tel. {phone}", phone=letterhead.phone))
    return ", ".join(parts)


def _draw_letterhead(canvas, words: Words, letterhead: Letterhead, page_width: float,
                     top: float) -> None:
    regular, bold = register_fonts()
    name_style = ParagraphStyle("lh_name", fontName=bold, fontSize=9.5, leading=11.5,
                                alignment=TA_CENTER)
    line_style = ParagraphStyle("lh_line", fontName=regular, fontSize=7.5, leading=9,
                                alignment=TA_CENTER)
    logo = _logo(letterhead)
    inner = page_width - 2 * MARGIN
    logo_size = 18 * mm

    def column(code: str, x: float, width: float, align=TA_CENTER) -> None:
        name, address = _office_lines(words, letterhead, code)
        one = Words((code,))
        y = top
        for value, style in ((name, name_style), (address, line_style),
                             (_contacts(one, letterhead), line_style)):
            if not value:
                continue
            style = ParagraphStyle(style.name + "_a", parent=style, alignment=align)
            paragraph_ = Paragraph(text(value).replace("\n", "<br/>"), style)
            _, height_ = paragraph_.wrap(width, HEADER_HEIGHT)
            paragraph_.drawOn(canvas, x, y - height_)
            y -= height_ + 1

    if len(words.languages) > 1:  # kk on the left, the logo between, ru on the right
        side = (inner - logo_size - 8 * mm) / 2
        column(words.languages[0], MARGIN, side)
        column(words.languages[1], page_width - MARGIN - side, side)
        if logo is not None:
            _image(canvas, logo, (page_width - logo_size) / 2, top - logo_size, logo_size)
    else:
        x = MARGIN
        if logo is not None and _image(canvas, logo, MARGIN, top - logo_size, logo_size):
            x += logo_size + 4 * mm
        column(words.first, x, page_width - MARGIN - x, align=0)
    canvas.setStrokeColor(colors.black)
    rule = top - HEADER_HEIGHT + 3 * mm
    canvas.setLineWidth(1.2)
    canvas.line(MARGIN, rule, page_width - MARGIN, rule)
    canvas.setLineWidth(0.4)
    canvas.line(MARGIN, rule - 1.2, page_width - MARGIN, rule - 1.2)


def _image(canvas, logo, x: float, y: float, size: float) -> bool:
    try:
        canvas.drawImage(logo, x, y, width=size, height=size, preserveAspectRatio=True,
                         mask="auto")
    except Exception:  # an unreadable logo is left out
        return False
    return True


def _numbered_canvas(draw_count):
    """A canvas that keeps each page until the document is done, then draws on each
    `draw_count(canvas, number, count)`: "page X of Y" in one pass of the layout."""

    class NumberedCanvas(Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self):  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                draw_count(self, self._pageNumber, count)
                super().showPage()
            super().save()

    return NumberedCanvas


def page_of(words: Words, number: int, count: int) -> str:
    return words.t("Page {number} of {count}", number=number, count=count)


def render(story: list[Flowable], title: str, words: Words,
           letterhead: Letterhead | None = None, wide: bool = False,
           printed_on: dt.date | None = None, number: str | None = None,
           dated: dt.date | None = None) -> bytes:
    """Lay out `story` under the letterhead and `title`; return the PDF's bytes. A document
    with an outgoing `number` has it, and the day written out, above the title (`dated`, by
    default the print date)."""
    regular, bold = register_fonts()
    letterhead = letterhead or Letterhead()
    printed_on = printed_on or dt.date.today()
    page_size = landscape(A4) if wide else A4
    buffer = io.BytesIO()
    author = in_each(Words(("ru", "kk")), letterhead.names) or letterhead.name
    document = SimpleDocTemplate(
        buffer, pagesize=page_size, title=title, author=author or "kzmigdesk",
        creator="kzmigdesk", leftMargin=MARGIN, rightMargin=MARGIN,
        topMargin=MARGIN + HEADER_HEIGHT, bottomMargin=MARGIN)

    def decorate(canvas, doc) -> None:
        width, height = page_size
        canvas.saveState()
        _draw_letterhead(canvas, words, letterhead, width, height - MARGIN)
        canvas.setFont(regular, 8)
        canvas.drawString(MARGIN, MARGIN / 2, words.t("Printed on {date}",
                                                      date=lambda w: w.date(printed_on)))
        canvas.restoreState()

    def draw_count(canvas, page: int, count: int) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.drawRightString(page_size[0] - MARGIN, MARGIN / 2, page_of(words, page, count))
        canvas.restoreState()

    head: list[Flowable] = []
    if number is not None:
        s = styles()
        ref = words.t("Ref. No.")
        reference = Table([[
            Paragraph(text(f"{ref} {number}"), s.body),
            Paragraph(text(long_date(words, dated or printed_on)),
                      ParagraphStyle("dated", parent=s.body, alignment=TA_RIGHT))]],
            colWidths=[(page_size[0] - 2 * MARGIN - 12) / 2] * 2, hAlign="LEFT")
        reference.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0),
                                       ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
        head = [reference, Spacer(1, 4 * mm)]
    document.build([*head, Paragraph(text(title), styles().title), Spacer(1, 2 * mm), *story],
                   onFirstPage=decorate, onLaterPages=decorate,
                   canvasmaker=_numbered_canvas(draw_count))
    return buffer.getvalue()
