"""The monthly summary as a PDF: each section a table; the sections marked `chart` also as a
horizontal bar chart (new registrations by category, services by type)."""

import datetime as dt
import math

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Spacer

from kzmigdesk.domain.documents import DATE, NUMBER, PERCENT, MonthlySummary, Section
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.document import Letterhead, grid, heading, keep, paragraph, render
from kzmigdesk.printing.fonts import register_fonts

PAGE_WIDTH = 261 * mm  # landscape A4 inside the margins
BAR_COLOUR = colors.HexColor("#1f6fb2")
MAX_PDF_ROWS = 300  # rows of one section in the PDF


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
    labels = [str(row[0])[:60] for row in rows]
    values = [row[-1] for row in rows]
    height = 14 * mm + 7 * mm * max(1, len(rows))
    drawing = Drawing(PAGE_WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 95 * mm, 8 * mm
    chart.width, chart.height = PAGE_WIDTH - 115 * mm, height - 14 * mm
    chart.data = [list(reversed(values)) or [0]]
    chart.categoryAxis.categoryNames = list(reversed(labels)) or [""]
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 8
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


def section_flowables(section: Section, words: Words) -> list[Flowable]:
    title = heading(words.t(section.title))
    if not section.rows:
        return [keep(title, paragraph(words.t("Nothing to report.")))]
    header = [words.t(column.title) for column in section.columns]
    rows = [[cell_text(value, column.kind, words) for value, column in zip(row, section.columns,
                                                                          strict=True)]
            for row in section.rows[:MAX_PDF_ROWS]]
    more = len(section.rows) - MAX_PDF_ROWS
    numeric = [i for i, column in enumerate(section.columns) if column.kind in (NUMBER, PERCENT)]
    flowables: list[Flowable] = [title]
    if section.chart:
        flowables.append(bar_chart(section, words))
    widths = [70 * mm] * len(header) if len(header) == 2 else None
    flowables.append(grid(rows, header, widths, numeric=numeric))
    if more > 0:  # a long list (documents expiring at a large office) is whole in XLSX and CSV
        flowables.append(paragraph(words.t(
            "… and {count} more rows: the XLSX and CSV exports list them all.",
            count=lambda w: w.number(more))))
    return [keep(*flowables[:2]), *flowables[2:]] if section.chart else [keep(*flowables)]


def summary_pdf(summary: MonthlySummary, words: Words, letterhead: Letterhead | None = None,
                printed_on: dt.date | None = None) -> bytes:
    title = words.t("Monthly summary: {month}", month=lambda w: w.month(summary.month))
    scope = summary.office or words.t("All offices")
    story: list[Flowable] = [paragraph(scope), Spacer(1, 2 * mm)]
    for section in summary.sections:
        story += section_flowables(section, words)
    return render(story, title, words, letterhead, wide=True, printed_on=printed_on)
