"""The monthly summary exported as XLSX, CSV or PDF, each for Excel (or LibreOffice) set to
the report's language.

XLSX: a sheet per section (named by its short title, cut at a word if need be within
Excel's 31 characters), each under a title block (the summary, the office, what it covers,
when and by whom it was made); numbers, shares (with a percent format) and dates (with the
language's date format) are real numbers and dates. `write_workbook` fills a workbook the
caller holds open, so that more (charts) can be added to it before it is closed.

CSV: UTF-8 with BOM; where the language writes a decimal comma (kk, ru) the fields are
separated by ";" and decimals written with a comma, as Excel on such a PC reads them,
otherwise "," and "."; shares as percentages with one decimal (the column's title says "%");
dates in the language's format; every section under its title, whole.
"""

import csv
import datetime as dt
import io
import re

import xlsxwriter
from babel.numbers import get_decimal_symbol

from kzmigdesk import languages
from kzmigdesk.domain.documents import DATE, NUMBER, PERCENT, MonthlySummary, Section
from kzmigdesk.i18n import N_
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.document import Letterhead
from kzmigdesk.printing.flow_charts import add_flow_charts
from kzmigdesk.printing.monthly import summary_pdf

FORMATS = ("pdf", "xlsx", "csv")
HEADER_COLOUR = "#E3ECF5"
PERCENT_FORMAT, NUMBER_FORMAT = "0.0%", "#,##0"  # Excel shows them in its own locale
SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_LENGTH = 31
TITLE_ROWS = 5  # the title block, then a blank row; the section's table starts below


# --- what both files say about the summary --------------------------------------------------


def title_lines(summary: MonthlySummary, words: Words) -> list[str]:
    """The summary's title, the office, what it covers, and when and by whom it was made."""
    issuer = summary.issuer
    made_on = summary.made_on or dt.date.today()
    lines = [
        words.t("Monthly summary: {month}", month=lambda w: w.month(summary.month)),
        f"{words.t(N_('Office'))}: {issuer.office or '—'}",
        f"{words.t(N_('Covers'))}: {summary.office or words.t(N_('All offices'))}",
        words.t(N_("Made on {date} by {name}"), date=lambda w: w.date(made_on),
                name=issuer.prepared_by or "—"),
    ]
    if summary.audit_seq is not None:  # the audit trail's chain head (issue 22)
        lines.append(words.t(N_("Audit trail: entry No. {seq}"), seq=str(summary.audit_seq))
                     + f": {summary.audit_hash}")
    return lines


def date_format(words: Words) -> str:
    """The language's date pattern ("dd.MM.yyyy") as an Excel number format."""
    return languages.get(words.first).date_pattern.replace("MM", "mm")


# --- XLSX -----------------------------------------------------------------------------------


def sheet_title(title: str, taken: set[str]) -> str:
    """An Excel sheet name: at most 31 characters, cut after a whole word, none of
    []:*?/\\, unique (a number added when two titles start alike)."""
    name = " ".join(SHEET_NAME_FORBIDDEN.sub(" ", title).split())

    def cut(text: str, length: int) -> str:
        if len(text) <= length:
            return text
        words = text[:length + 1].split(" ")
        short = " ".join(words[:-1]) if len(words) > 1 else text[:length]
        return short.rstrip(" ,;.-–—(")

    base, number = cut(name, SHEET_NAME_LENGTH), 2
    name = base
    while name.casefold() in {t.casefold() for t in taken}:
        suffix = f" ({number})"
        name, number = cut(base, SHEET_NAME_LENGTH - len(suffix)) + suffix, number + 1
    taken.add(name)
    return name


def sheet_name(section: Section, words: Words) -> str:
    """The section's short sheet title, in both languages of a bilingual report if they fit
    in a sheet's name, else in the first."""
    both = " - ".join(words.each(section.sheet or section.title))
    return both if len(both) <= SHEET_NAME_LENGTH else words.each(section.sheet or
                                                                  section.title)[0]


def write_section(workbook, sheet, section: Section, words: Words, lines: list[str],
                  formats: dict) -> None:
    """The title block, then the section's table (its header frozen) on `sheet`."""
    sheet.write(0, 0, lines[0], formats["title"])
    for row, line in enumerate(lines[1:], start=1):
        sheet.write(row, 0, line)
    titles = [words.t(column.title) for column in section.columns]
    for index, title in enumerate(titles):
        longest = max((len(str(row[index] if row[index] is not None else ""))
                       for row in section.rows), default=0)
        sheet.set_column(index, index, min(60, max(10, len(title) + 2, longest + 2)))
    sheet.freeze_panes(TITLE_ROWS + 1, 0)
    sheet.write_row(TITLE_ROWS, 0, titles, formats["header"])
    cell_formats = [formats.get(column.kind) for column in section.columns]
    for number, row in enumerate(section.rows, start=TITLE_ROWS + 1):
        for index, (value, cell_format) in enumerate(zip(row, cell_formats, strict=True)):
            if isinstance(value, dt.date):
                sheet.write_datetime(number, index, value, cell_format)
            else:
                sheet.write(number, index, value, cell_format)


def write_workbook(workbook, summary: MonthlySummary, words: Words) -> None:
    """A sheet per section of `summary` in `workbook` (an open xlsxwriter.Workbook)."""
    formats = {
        "title": workbook.add_format({"bold": True, "font_size": 13}),
        "header": workbook.add_format({"bold": True, "bg_color": HEADER_COLOUR,
                                       "text_wrap": True, "valign": "top"}),
        NUMBER: workbook.add_format({"num_format": NUMBER_FORMAT}),
        PERCENT: workbook.add_format({"num_format": PERCENT_FORMAT}),
        DATE: workbook.add_format({"num_format": date_format(words)}),
    }
    lines = title_lines(summary, words)
    taken: set[str] = set()
    for section in summary.sections:
        sheet = workbook.add_worksheet(sheet_title(sheet_name(section, words), taken))
        write_section(workbook, sheet, section, words, lines, formats)


def summary_xlsx(summary: MonthlySummary, words: Words) -> bytes:
    """Written row by row with XlsxWriter (a long section costs little time and memory)."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    write_workbook(workbook, summary, words)
    add_flow_charts(workbook, summary.flows, words)
    workbook.close()
    return buffer.getvalue()


# --- CSV ------------------------------------------------------------------------------------


def decimal_comma(words: Words) -> bool:
    return get_decimal_symbol(words.locale) == ","


def csv_value(value, kind: str, words: Words, comma: bool) -> str:
    """A cell as Excel set to the report's language reads it."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return words.date(value)
    if kind == PERCENT:
        value = round(value * 100, 1)
    if isinstance(value, float):
        text = f"{value:.1f}" if kind == PERCENT else repr(round(value, 3))
        return text.replace(".", ",") if comma else text
    return str(value)


def summary_csv(summary: MonthlySummary, words: Words) -> bytes:
    comma = decimal_comma(words)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if comma else ",", lineterminator="\r\n")
    for line in title_lines(summary, words):
        writer.writerow([line])
    for section in summary.sections:
        writer.writerow([])
        writer.writerow([words.t(section.title)])
        writer.writerow([words.t(column.title) + (", %" if column.kind == PERCENT else "")
                         for column in section.columns])
        for row in section.rows:
            writer.writerow([csv_value(value, column.kind, words, comma)
                             for value, column in zip(row, section.columns, strict=True)])
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
