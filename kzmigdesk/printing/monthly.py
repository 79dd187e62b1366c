"""The monthly summary as a PDF: a header block (office, month, who prepared it, the head of
office's approval), then each section a table, its first MAX_PDF_ROWS rows (the XLSX and CSV
have them all); the sections marked `chart` also as a horizontal bar chart (new
registrations by category, services by type); the quota use as one matrix of regions ×
categories with the totals."""

import datetime as dt
import math
import textwrap
from dataclasses import replace

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import CondPageBreak, Flowable, Paragraph, Spacer, Table, TableStyle

from kzmigdesk.domain.documents import (
    DATE,
    NUMBER,
    PERCENT,
    MonthlySummary,
    QuotaCell,
    QuotaMatrix,
    Section,
)
from kzmigdesk.i18n import N_
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.document import (
    GRID_COLOUR,
    HEADER_FILL,
    Letterhead,
    grid,
    heading,
    in_each,
    keep,
    paragraph,
    render,
    styles,
    text,
)
from kzmigdesk.printing.fonts import register_fonts

PAGE_WIDTH = 261 * mm  # landscape A4 inside the margins
BAR_COLOUR = colors.HexColor("#1f6fb2")
WARNING_FILL = colors.HexColor("#fff3cd")  # 90 % of a quota or more used
FULL_FILL = colors.HexColor("#f8d7da")  # used up
MAX_PDF_ROWS = 20  # rows of one section in the PDF; the XLSX and CSV have them all
CHART_LABEL_SIZE, CHART_LABEL_CHARS = 8, 48
ROOM_FOR_A_SECTION = 25 * mm  # a section starts on the next page when less is left
CELL_PADDING = 14  # points: a cell's padding and a little air
MAX_TEXT_WIDTH = 95 * mm
MAX_HEADER_WIDTH = 42 * mm  # a column's title wraps (at spaces) beyond this


def cell_text(value, kind: str, words: Words) -> str:
    if kind == NUMBER:
        return words.number(value)
    if kind == PERCENT:
        return words.percent(value)
    if kind == DATE:
        return words.date(value)
    return "" if value is None else str(value)


def bar_chart(section: Section, words: Words) -> Drawing:
    """Bars of the section's last column by its first, largest at the top."""
    regular, _bold = register_fonts()
    rows = section.rows[:-1] if section.total else section.rows
    rows = [row for row in rows if row[-1]][:12]
    # Each language of a label on a line of its own, long ones wrapped at words.
    labels = ["\n".join(line for part in str(row[0]).split(" / ")
                         for line in textwrap.wrap(part, CHART_LABEL_CHARS) or [""])
              for row in rows]
    values = [row[-1] for row in rows]
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    label_width = max((stringWidth(line, regular, CHART_LABEL_SIZE) for label in labels
                       for line in label.split("\n")), default=0)
    bar = max(5.5 * mm, lines * CHART_LABEL_SIZE * 1.2 + 2 * mm)  # room for a label's lines
    height = 14 * mm + bar * max(1, len(rows))
    drawing = Drawing(PAGE_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width + 4 * mm, 8 * mm
    chart.width, chart.height = PAGE_WIDTH - chart.x - 20 * mm, height - 14 * mm
    chart.data = [list(reversed(values)) or [0]]
    chart.categoryAxis.categoryNames = list(reversed(labels)) or [""]
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = CHART_LABEL_SIZE
    chart.categoryAxis.labels.leading = CHART_LABEL_SIZE * 1.2
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = max(1, math.ceil(max(values, default=1) / 5))  # whole steps
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = lambda value: words.number(int(value))
    chart.bars[0].fillColor = BAR_COLOUR
    chart.barLabels.fontName = regular
    chart.barLabels.fontSize = 7
    chart.barLabelFormat = lambda value: words.number(int(value))
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    return drawing


def column_widths(header: list[str], rows: list[list[str]]) -> list[float]:
    """Each column as wide as its longest cell (at most MAX_TEXT_WIDTH) and its header's
    longest word, so that nothing wraps mid-word; narrowed to the page if need be."""
    regular, bold = register_fonts()
    size = styles().cell.fontSize
    widths = []
    for index, title in enumerate(header):
        longest = max((stringWidth(row[index], regular, size) for row in rows), default=0)
        word = max((stringWidth(w, bold, size) for w in title.split()), default=0)
        whole = min(stringWidth(title, bold, size), MAX_HEADER_WIDTH)
        widths.append(max(min(longest, MAX_TEXT_WIDTH), word, whole, 12 * mm) + CELL_PADDING)
    if sum(widths) > PAGE_WIDTH:
        widths = [width * PAGE_WIDTH / sum(widths) for width in widths]
    return widths


def section_flowables(section: Section, words: Words) -> list[Flowable]:
    count = len(section.rows)
    more = count - MAX_PDF_ROWS
    title = heading(words.t(section.title) + (f" ({words.number(count)})" if more > 0 else ""))
    if not section.rows:
        return [CondPageBreak(ROOM_FOR_A_SECTION), keep(title, paragraph(
            words.t("Nothing to report.")))]
    header = [words.t(column.title) for column in section.columns]
    rows = [[cell_text(value, column.kind, words) for value, column in zip(row, section.columns,
                                                                          strict=True)]
            for row in section.rows[:MAX_PDF_ROWS]]
    numeric = [i for i, column in enumerate(section.columns) if column.kind in (NUMBER, PERCENT)]
    flowables: list[Flowable] = [CondPageBreak(ROOM_FOR_A_SECTION), title]
    if section.chart:
        flowables.append(bar_chart(section, words))
    flowables.append(grid(rows, header, column_widths(header, rows), numeric=numeric))
    if more > 0:  # a long list (documents expiring at a large office) is whole in XLSX and CSV
        flowables.append(paragraph(words.t(
            "… and {count} more rows: the XLSX and CSV exports list them all.",
            count=lambda w: w.number(more))))
    # The heading, the chart and the table on one page when they fit on one.
    table_at = 3 if section.chart else 2
    return [flowables[0], keep(*flowables[1:table_at + 1]), *flowables[table_at + 1:]]


def quota_text(cell: QuotaCell | None, words: Words) -> str:
    """"used / quota", "used / —" without a quota, "" where there is neither."""
    if cell is None:
        return ""
    amount = "—" if cell.amount is None else words.number(cell.amount)
    return f"{words.number(cell.used)} / {amount}"


def quota_fill(cell: QuotaCell | None):
    if cell is None or not cell.amount:
        return None
    share = cell.used / cell.amount
    return FULL_FILL if share >= 1 else WARNING_FILL if share >= 0.9 else None


def matrix_flowables(matrix: QuotaMatrix, words: Words) -> list[Flowable]:
    """The quota use of the year: a row per region, a column per permit category of the
    labour quota, its total, and the kandas quota; each cell "used / quota". By sector (issue
    24): a row per economic sector of the labour quota, and no kandas column."""
    title = heading(words.t(N_("Quota usage")) + f", {matrix.year}")
    if matrix.by_sector:
        title = heading(words.t(N_("Foreign labour quota by economic sector")) +
                        f", {matrix.year}")
    if not matrix.rows:
        return [keep(title, paragraph(words.t("Nothing to report.")))]
    s = styles()
    small = ParagraphStyle("matrix", parent=s.cell, fontSize=7.5, leading=9)
    bold = ParagraphStyle("matrix_bold", parent=s.cell_bold, fontSize=7.5, leading=9)
    middle = ParagraphStyle("matrix_head", parent=bold, alignment=TA_CENTER)
    right = ParagraphStyle("matrix_right", parent=small, alignment=TA_RIGHT)
    right_bold = ParagraphStyle("matrix_right_bold", parent=bold, alignment=TA_RIGHT)
    columns = len(matrix.categories)
    total = words.t(N_("Total"))
    kandas = [] if matrix.by_sector else [""]  # the kandas column's place, by region
    first = N_("Economic sector") if matrix.by_sector else N_("Region")
    body = [
        [Paragraph(text(words.t(first)), bold),
         Paragraph(text(words.t(N_("Foreign labour quota"))), middle), *[""] * columns,
         *[Paragraph(text(words.t(N_("Kandas resettlement quota"))), middle)
           for _column in kandas]],
        ["", *[Paragraph(text(name), middle) for name in matrix.short_categories],
         Paragraph(text(total), middle), *kandas],
    ]
    commands = [
        ("SPAN", (0, 0), (0, 1)), ("SPAN", (1, 0), (columns + 1, 0)),
        *[("SPAN", (columns + 2, 0), (columns + 2, 1)) for _column in kandas],
        ("GRID", (0, 0), (-1, -1), 0.4, GRID_COLOUR),
        ("BACKGROUND", (0, 0), (-1, 1), HEADER_FILL),
        ("VALIGN", (0, 0), (-1, 1), "MIDDLE"),
        ("VALIGN", (0, 2), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    for row in matrix.rows:
        cells = [*row.labour, matrix.labour_total(row), *[row.kandas for _column in kandas]]
        line = len(body)
        body.append([Paragraph(text(row.region), small),
                     *[Paragraph(quota_text(cell, words), right) for cell in cells]])
        commands += [("BACKGROUND", (column, line), (column, line), fill)
                     for column, cell in enumerate(cells, start=1)
                     if (fill := quota_fill(cell)) is not None]
    body.append([Paragraph(text(total), bold),
                 *[Paragraph(quota_text(cell, words), right_bold)
                   for cell in matrix.column_totals()[:len(body[1]) - 1]]])
    commands += [("BACKGROUND", (0, -1), (-1, -1), HEADER_FILL),
                 ("LINEABOVE", (0, -1), (-1, -1), 1.2, GRID_COLOUR),
                 ("LINEBEFORE", (columns + 1, 0), (columns + 1, -1), 1.2, GRID_COLOUR),
                 ("NOSPLIT", (0, -2), (-1, -1))]
    # Each number's column as wide as its title's longest word and its cells, the regions
    # the rest.
    titles = [*matrix.short_categories, total,
              *[words.t(N_("Kandas resettlement quota")) for _column in kandas]]
    cells = list(zip(*[[quota_text(cell, words) for cell in
                        (*row.labour, matrix.labour_total(row),
                         *[row.kandas for _column in kandas])]
                       for row in matrix.rows], strict=True))
    widths = [max(max(stringWidth(word, bold.fontName, bold.fontSize) for word in title.split()),
                  max(stringWidth(value, bold.fontName, bold.fontSize) for value in values),
                  14 * mm) + CELL_PADDING
              for title, values in zip(titles, cells, strict=True)]
    region_width = max(PAGE_WIDTH - sum(widths), 55 * mm)
    widths = [width * (PAGE_WIDTH - region_width) / sum(widths) for width in widths]
    table = Table(body, colWidths=[region_width, *widths], repeatRows=2, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    note = paragraph(words.t(N_("In each cell: slots used / quota. Shaded: 90 % or more of "
                                "the quota used, or all of it.")), small=True)
    legend = paragraph("; ".join(matrix.categories), small=True)  # the columns' full names
    return [CondPageBreak(ROOM_FOR_A_SECTION), keep(title, note, Spacer(1, 1.5 * mm), table),
            Spacer(1, 1 * mm), legend]


def signature_lines(words: Words, name: str) -> Table:
    """A line to sign and one with the name (printed when known), each with its caption."""
    s = styles()
    caption = ParagraphStyle("caption", parent=s.small, alignment=TA_CENTER)
    lines = Table([["", "", Paragraph(text(name), ParagraphStyle("name", parent=s.body,
                                                                  alignment=TA_CENTER))],
                   [Paragraph(text(words.t(N_("Signature"))), caption), "",
                    Paragraph(text(words.t(N_("Name"))), caption)]],
                  colWidths=[36 * mm, 4 * mm, 50 * mm], rowHeights=[9 * mm, None])
    lines.setStyle(TableStyle([("LINEBELOW", (0, 0), (0, 0), 0.6, colors.black),
                               ("LINEBELOW", (2, 0), (2, 0), 0.6, colors.black),
                               ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                               ("TOPPADDING", (0, 1), (-1, 1), 1)]))
    return lines


def header_block(summary: MonthlySummary, words: Words) -> Table:
    """Left: the office, the month, what the summary covers and who prepared it; right: the
    head of office's approval, with a line to sign, the date and the stamp's place."""
    s = styles()
    issuer = summary.issuer
    blank = "_" * 24

    def line(label: str, value: str) -> Paragraph:
        return Paragraph(f"<b>{text(words.t(label))}:</b> {text(value)}", s.body)

    left = [
        line(N_("Office"), issuer.office or blank),
        line(N_("Month"), " / ".join(dict.fromkeys(
            Words((code,)).month(summary.month) for code in words.languages))),
        line(N_("Covers"), summary.office or words.t(N_("All offices"))),
        line(N_("Prepared by"), f"{issuer.prepared_by}  {blank}"),
    ]
    centre = ParagraphStyle("approval", parent=s.body, alignment=TA_CENTER)
    approved = words.t(N_("APPROVED"))
    right = [
        Paragraph(f"<b>{text(approved)}</b>", centre),
        Paragraph(text(words.t(N_("Head of office"))), centre),
        signature_lines(words, issuer.head_of_office),
        Paragraph(text(words.t(N_("Date"))) + ": " + "_" * 16, centre),
        Paragraph(text(words.t(N_("Place of the stamp"))), centre),
    ]
    if summary.audit_seq is not None:  # the chain head (issue 22): compare with `audit verify`
        tiny = ParagraphStyle("chain", parent=s.small, alignment=TA_CENTER, fontSize=6,
                              leading=7.5)
        right += [Spacer(1, 1.5 * mm),
                  Paragraph(text(words.t(N_("Audit trail: entry No. {seq}"),
                                         seq=str(summary.audit_seq))), tiny),
                  Paragraph(f'<font face="Courier">{text(summary.audit_hash)}</font>', tiny)]
    table = Table([[left, right]], colWidths=[PAGE_WIDTH - 95 * mm, 95 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]))
    return table


def summary_pdf(summary: MonthlySummary, words: Words, letterhead: Letterhead | None = None,
                printed_on: dt.date | None = None) -> bytes:
    title = words.t("Monthly summary: {month}", month=lambda w: w.month(summary.month))
    if letterhead is not None:  # the office profile's name and head (issue 21) come first
        office = in_each(words, letterhead.names) or summary.issuer.office or letterhead.name
        head = in_each(words, letterhead.head.names) if letterhead.head else ""
        summary = replace(summary, issuer=replace(
            summary.issuer, office=office, head_of_office=head or summary.issuer.head_of_office))
    story: list[Flowable] = [header_block(summary, words), Spacer(1, 2 * mm)]
    for section in summary.sections:
        if section.key == "quota_usage" and summary.quota_matrix is not None:
            story += matrix_flowables(summary.quota_matrix, words)
            if summary.sector_matrix is not None and summary.sector_matrix.rows:
                story += matrix_flowables(summary.sector_matrix, words)
        else:
            story += section_flowables(section, words)
    return render(story, title, words, letterhead, wide=True,
                  printed_on=printed_on or summary.made_on)
