"""Reading the legacy lists of persons that offices keep in Excel: CSV files (UTF-8 with or
without BOM, or Windows Cyrillic cp1251; comma or semicolon between cells) and XLSX workbooks
(the first sheet). A file that is neither raises LegacyFileError naming the file. Rows of the
wrong length are kept as they are: the import rejects them with a reason. The quota import
reads its CSV files with `read_csv` too."""

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

from kzmigdesk.i18n import N_, _
from kzmigdesk.services.errors import ServiceError

Cell = str | int | float | dt.date | None
SAMPLE = 64 * 1024
DATE_PATTERNS = (  # dd.mm.yyyy, yyyy-mm-dd, dd/mm/yyyy: the groups of day, month, year
    (re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})"), (1, 2, 3)),
    (re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"), (3, 2, 1)),
    (re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})"), (1, 2, 3)),
)
ZIP_MAGIC = b"PK\x03\x04"
OLD_EXCEL_MAGIC = b"\xd0\xcf\x11\xe0"
NUMBER = re.compile(r"[+-]?\d+([.,]\d+)?")


class LegacyFileError(ServiceError):
    """The file cannot be read as a list: `reason` (a msgid) says why."""

    def __init__(self, file_name: str, reason: str, **params):
        super().__init__(N_("The file {file} cannot be imported: {reason}"))
        self.file_name, self.reason, self.reason_params = file_name, reason, params

    def message(self) -> str:
        return _(self.msgid).format(file=self.file_name,
                                    reason=_(self.reason).format(**self.reason_params))


@dataclass
class LegacyTable:
    file_name: str
    sha256: str
    header: list[str]
    rows: list[tuple[int, list[Cell]]]  # (the row's number in the file, its cells)


def parse_date(value: Cell) -> dt.date | None:
    """A date cell, or text as dd.mm.yyyy, yyyy-mm-dd or dd/mm/yyyy; None when it is none."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    if len(text) > 10 and text[10:].strip() in ("00:00:00", "0:00", "00:00"):
        text = text[:10]
    for pattern, order in DATE_PATTERNS:
        match = pattern.fullmatch(text)
        if match:
            day, month, year = (int(match[i]) for i in order)
            try:
                return dt.date(year, month, day)
            except ValueError:
                return None
    return None


def cell_text(value: Cell) -> str:
    """A cell as text: dates as dd.mm.yyyy (which the import reads back), whole numbers
    without a decimal point."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _blank(cells: list[Cell]) -> bool:
    """No letter or digit in any cell (";;" of an empty sheet saved as CSV, or dashes)."""
    return not any(ch.isalnum() for c in cells for ch in cell_text(c))


def _looks_like_data(cell: Cell) -> bool:
    if isinstance(cell, (int, float, dt.date)):
        return True
    return bool(cell) and (parse_date(cell) is not None or bool(NUMBER.fullmatch(cell.strip())))


def _table(file_name: str, data: bytes, rows) -> LegacyTable:
    """The first row that is not blank is the header; blank rows are left out."""
    header, body = None, []
    for number, cells in rows:
        if _blank(cells):
            continue
        if header is None:
            if any(_looks_like_data(c) for c in cells):
                raise LegacyFileError(file_name, N_("its first row must hold the column names, "
                                                    "but it holds data"))
            header = [cell_text(c) for c in cells]
            while header and not header[-1]:
                header.pop()
            continue
        body.append((number, cells))
    if header is None:
        raise LegacyFileError(file_name, N_("it is empty"))
    if not body:
        raise LegacyFileError(file_name, N_("it has no rows below the column names"))
    for _number, cells in body:  # empty cells past the last column are no cells
        while len(cells) > len(header) and cell_text(cells[-1]) == "":
            cells.pop()
    return LegacyTable(file_name, hashlib.sha256(data).hexdigest(), header, body)


def _decode(file_name: str, data: bytes) -> str:
    """UTF-8 with BOM, UTF-8, then Windows Cyrillic (cp1251)."""
    sample = data[:SAMPLE]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13))
    if b"\x00" in sample or controls > len(sample) // 100:
        raise LegacyFileError(file_name, N_("it is neither a CSV file nor an XLSX workbook"))
    for encoding in ("utf-8-sig", "utf-8", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LegacyFileError(file_name, N_("it is neither a CSV file nor an XLSX workbook"))


def _delimiter(text: str) -> str:
    """Comma or semicolon: what csv.Sniffer finds in the first lines, else the one the
    header row has more of."""
    sample = text[:SAMPLE]
    if len(text) > SAMPLE and "\n" in sample:
        sample = sample[:sample.rindex("\n")]
    first_line = sample.split("\n", 1)[0]
    counted = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        found = csv.Sniffer().sniff(sample, delimiters=",;").delimiter
    except csv.Error:
        return counted
    return found if first_line.count(found) else counted


def read_csv(file_name: str, data: bytes) -> LegacyTable:
    text = _decode(file_name, data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    try:
        rows = [(number, [c.strip() for c in cells])
                for number, cells in enumerate(reader, start=1)]
    except csv.Error:
        raise LegacyFileError(file_name, N_("it is not a readable CSV file (near line "
                                            "{line})"), line=reader.line_num) from None
    return _table(file_name, data, rows)


def _xlsx_cell(value) -> Cell:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, (dt.date, int, float)) and not isinstance(value, bool):
        return value
    return None if value is None else str(value).strip()


def read_xlsx(file_name: str, data: bytes) -> LegacyTable:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            rows = [(number, [_xlsx_cell(v) for v in values]) for number, values in
                    enumerate(workbook.worksheets[0].iter_rows(values_only=True), start=1)]
        finally:
            workbook.close()
    except Exception:  # a damaged zip or workbook fails in many ways; none is the user's bug
        raise LegacyFileError(file_name, N_("the workbook is damaged or is not an XLSX "
                                            "workbook")) from None
    return _table(file_name, data, rows)


def read_legacy_data(file_name: str, data: bytes) -> LegacyTable:
    if not data.strip():
        raise LegacyFileError(file_name, N_("it is empty"))
    if data.startswith(OLD_EXCEL_MAGIC):
        raise LegacyFileError(file_name, N_("it is an old Excel workbook (.xls): save it as "
                                            ".xlsx or as CSV in Excel first"))
    if data.startswith(ZIP_MAGIC) or file_name.lower().endswith((".xlsx", ".xlsm")):
        return read_xlsx(file_name, data)
    return read_csv(file_name, data)


def read_legacy_file(path: Path) -> LegacyTable:
    """The list in a CSV or XLSX file; LegacyFileError when it cannot be one."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise LegacyFileError(path.name, N_("it cannot be opened ({error})"),
                              error=error.strerror or str(error)) from None
    return read_legacy_data(path.name, data)

