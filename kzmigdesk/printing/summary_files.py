"""The monthly summary exported as XLSX (a sheet per section, numbers and dates as real
numbers and dates), CSV (every section under its title, UTF-8 with BOM for Excel) or PDF."""

import csv
import datetime as dt
import io
import re

import xlsxwriter

from kzmigdesk.domain.documents import DATE, NUMBER, PERCENT, MonthlySummary
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.document import Letterhead
from kzmigdesk.printing.flow_charts import add_flow_charts
from kzmigdesk.printing.monthly import summary_pdf

FORMATS = ("pdf", "xlsx", "csv")
HEADER_COLOUR = "#E3ECF5"
NUMBER_FORMATS = {PERCENT: "0.0%", DATE: "yyyy-mm-dd", NUMBER: "#,##0"}
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, none of []:*?/\\, unique."""
    name = SHEET_NAME_FORBIDDEN.sub(" ", title)[:31].strip()
    base, number = name, 2
    while name in taken:
        suffix = f" ({number})"
        name, number = base[:31 - len(suffix)] + suffix, number + 1
    taken.add(name)
    return name


def summary_xlsx(summary: MonthlySummary, words: Words) -> bytes:
    """Written row by row with XlsxWriter (a long section costs little time and memory)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    header = workbook.add_format({"bold": True, "bg_color": HEADER_COLOUR})
    formats = {kind: workbook.add_format({"num_format": number_format})
               for kind, number_format in NUMBER_FORMATS.items()}
    taken: set[str] = set()
    for section in summary.sections:
        sheet = workbook.add_worksheet(sheet_title(words.t(section.title), taken))
        titles = [words.t(column.title) for column in section.columns]
        for index, title in enumerate(titles):
            longest = max((len(str(row[index] if row[index] is not None else ""))
                           for row in section.rows), default=0)
            sheet.set_column(index, index, min(60, max(10, len(title) + 2, longest + 2)))
        sheet.freeze_panes(1, 0)
        sheet.write_row(0, 0, titles, header)
        cell_formats = [formats.get(column.kind) for column in section.columns]
        for number, row in enumerate(section.rows, start=1):
            for index, (value, cell_format) in enumerate(zip(row, cell_formats, strict=True)):
                if isinstance(value, dt.date):
                    sheet.write_datetime(number, index, value, cell_format)
                else:
                    sheet.write(number, index, value, cell_format)
    add_flow_charts(workbook, summary.flows, words)
    workbook.close()
    return buffer.getvalue()


def summary_csv(summary: MonthlySummary, words: Words) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([words.t("Monthly summary: {month}", month=summary.month.strftime("%Y-%m")),
                     summary.office or words.t("All offices")])
    for section in summary.sections:
        writer.writerow([])
        writer.writerow([words.t(section.title)])
        writer.writerow([words.t(column.title) for column in section.columns])
        for row in section.rows:
            writer.writerow([value.isoformat() if isinstance(value, dt.date) else value
                             for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def export_summary(summary: MonthlySummary, fmt: str, words: Words,
                   letterhead: Letterhead | None = None) -> bytes:
    """The summary as a file's bytes in `fmt`: "pdf", "xlsx" or "csv"."""
    if fmt == "xlsx":
        return summary_xlsx(summary, words)
    if fmt == "csv":
        return summary_csv(summary, words)
    if fmt == "pdf":
        return summary_pdf(summary, words, letterhead)
    raise ValueError(f"unknown format {fmt!r}")
