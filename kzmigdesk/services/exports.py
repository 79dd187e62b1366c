"""The monthly summary exported as XLSX (a sheet per section, numbers and dates as real
numbers and dates), CSV (every section under its title, UTF-8 with BOM for Excel) or PDF."""

import csv
import datetime as dt
import io
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from kzmigdesk.printing.words import Words
from kzmigdesk.services.reports import DATE, NUMBER, PERCENT, MonthlySummary

FORMATS = ("pdf", "xlsx", "csv")
HEADER_FILL = PatternFill("solid", fgColor="E3ECF5")
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
    """Written row by row (openpyxl's write-only mode): a long section costs little memory
    and time."""
    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    formats = {PERCENT: "0.0%", DATE: "yyyy-mm-dd", NUMBER: "#,##0"}
    for section in summary.sections:
        sheet = workbook.create_sheet(sheet_title(words.t(section.title), taken))
        titles = [words.t(column.title) for column in section.columns]
        for index, title in enumerate(titles):
            longest = max((len(str(row[index] if row[index] is not None else ""))
                           for row in section.rows), default=0)
            sheet.column_dimensions[get_column_letter(index + 1)].width = min(
                60, max(10, len(title) + 2, longest + 2))
        sheet.freeze_panes = "A2"
        sheet.append([header_cell(sheet, title) for title in titles])
        number_formats = [formats.get(column.kind) for column in section.columns]
        for row in section.rows:
            sheet.append([formatted_cell(sheet, value, number_format) if number_format
                          else value
                          for value, number_format in zip(row, number_formats, strict=True)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def header_cell(sheet, title: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=title)
    cell.font, cell.fill = Font(bold=True), HEADER_FILL
    return cell


def formatted_cell(sheet, value, number_format: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


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


def export_summary(summary: MonthlySummary, fmt: str, words: Words, letterhead=None) -> bytes:
    """The summary as a file's bytes in `fmt`: "pdf", "xlsx" or "csv"."""
    if fmt == "xlsx":
        return summary_xlsx(summary, words)
    if fmt == "csv":
        return summary_csv(summary, words)
    if fmt == "pdf":
        from kzmigdesk.printing.monthly import summary_pdf

        return summary_pdf(summary, words, letterhead)
    raise ValueError(f"unknown format {fmt!r}")
