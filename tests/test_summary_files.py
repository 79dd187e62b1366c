"""The monthly summary's CSV and XLSX as Excel on a Kazakh, Russian or English PC reads them:
the CSV's dialect per language, the XLSX's title block, sheet names and cell formats; and
(slow, when LibreOffice is installed) the CSV opened in LibreOffice with a Russian locale."""

import csv
import datetime as dt
import io
import shutil
import subprocess

import pytest
from openpyxl import load_workbook

from kzmigdesk.domain.documents import (
    DATE,
    NUMBER,
    PERCENT,
    Column,
    MonthlySummary,
    Section,
    SummaryIssuer,
)
from kzmigdesk.i18n.words import BILINGUAL, Words
from kzmigdesk.printing.summary_files import sheet_title, summary_csv, summary_xlsx

LANGUAGES = ("kk", "ru", "en", BILINGUAL)
OFFICE = "Абай облысының көші-қон басқармасы"


def hand_made() -> MonthlySummary:
    return MonthlySummary(
        month=dt.date(2026, 10, 1), office=None, made_on=dt.date(2026, 11, 3),
        issuer=SummaryIssuer(office=OFFICE, prepared_by="Айгерім Сәрсенова"),
        sections=[
            Section("centre_occupancy", "Centre occupancy", [
                Column("Centre"), Column("Beds", NUMBER), Column("Bed-days used", NUMBER),
                Column("Average occupancy", PERCENT)],
                rows=[["Алматы орталығы", 2, 39, 39 / 62], ["Астана", 28, 1, 1 / 868]]),
            Section("expiring_next_month", "Expiring next month", [
                Column("Document"), Column("Number"), Column("Expiry date", DATE)],
                rows=[["Work permit", "WP-1", dt.date(2026, 11, 30)]]),
        ])


def csv_rows(data: bytes, delimiter: str) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=delimiter))


@pytest.mark.parametrize(("language", "delimiter", "share", "day"), [
    ("kk", ";", "62,9", "30.11.2026"),
    ("ru", ";", "62,9", "30.11.2026"),
    (BILINGUAL, ";", "62,9", "30.11.2026"),
    ("en", ",", "62.9", "30/11/2026"),
])
def test_csv_in_the_dialect_excel_expects_for_the_language(language, delimiter, share, day):
    words = Words.of(language)
    rows = csv_rows(summary_csv(hand_made(), words), delimiter)
    assert rows[0] == [words.t("Monthly summary: {month}", month=lambda w: w.month(
        dt.date(2026, 10, 1)))]
    assert OFFICE in rows[1][0] and "Айгерім Сәрсенова" in rows[3][0]
    header = rows.index([words.t("Centre occupancy")]) + 1
    assert rows[header][3] == words.t("Average occupancy") + ", %"
    assert rows[header + 1] == ["Алматы орталығы", "2", "39", share]
    assert rows[header + 2][3] == ("0,1" if delimiter == ";" else "0.1")  # one decimal
    assert rows[-1] == ["Work permit", "WP-1", day]


def test_sheet_names_are_whole_words_within_31_characters_and_unique():
    taken: set[str] = set()
    names = [sheet_title(title, taken) for title in (
        "Квоты, которые, по прогнозу, закончатся до конца года",
        "Жаңа тіркелгендер азаматтығы бойынша",
        "Жаңа тіркелгендер азаматтығы бойынша / Новые регистрации",
        "Services: by centre / type?",
        "Averyveryveryverylongsinglewordthatexceedsthelimit")]
    assert names == ["Квоты, которые, по прогнозу", "Жаңа тіркелгендер азаматтығы",
                     "Жаңа тіркелгендер (2)", "Services by centre type",
                     "Averyveryveryverylongsinglewordt"[:31]]
    assert all(len(name) <= 31 for name in names)


@pytest.mark.parametrize("language", LANGUAGES)
def test_xlsx_title_block_sheet_names_and_cells(demo, language):
    from kzmigdesk.services.reports import make_monthly_summary

    words = Words.of(language)
    summary = make_monthly_summary(demo, dt.date.today().replace(day=1), words)
    workbook = load_workbook(io.BytesIO(summary_xlsx(summary, words)))
    names = workbook.sheetnames[:-1]  # the last sheet holds the flows' charts (test_flows.py)
    assert len(set(names)) == len(summary.sections)
    month = words.t("Monthly summary: {month}", month=lambda w: w.month(summary.month))
    for section, name in zip(summary.sections, names, strict=True):
        # The section's short title, whole: in both languages where they fit, else in the
        # report's first language.
        titles = words.each(section.sheet or section.title)
        both = " - ".join(titles)
        assert len(name) <= 31 and name == (both if len(both) <= 31 else titles[0])
        sheet = workbook[name]
        assert sheet["A1"].value == month and sheet["A1"].font.b
        assert [sheet[f"A{row}"].value.split(":")[0] for row in (2, 3)] == [
            words.t("Office"), words.t("Covers")]
        assert sheet["A6"].value == words.t(section.columns[0].title)
        assert sheet.freeze_panes == "A7"


def test_xlsx_dates_and_shares_are_real_cells_in_the_languages_format():
    for language, date_format in (("kk", "dd.mm.yyyy"), ("ru", "dd.mm.yyyy"),
                                  ("en", "dd/mm/yyyy")):
        workbook = load_workbook(io.BytesIO(summary_xlsx(hand_made(), Words.of(language))))
        occupancy, expiring = workbook.worksheets
        assert occupancy["D7"].value == pytest.approx(39 / 62)
        assert occupancy["D7"].data_type == "n" and occupancy["D7"].number_format == "0.0%"
        assert expiring["C7"].is_date and expiring["C7"].value == dt.datetime(2026, 11, 30)
        assert expiring["C7"].number_format == date_format
        assert OFFICE in occupancy["A2"].value


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
def test_csv_opens_in_columns_in_libreoffice_with_a_russian_locale(tmp_path):
    """LibreOffice reads the Russian CSV as Excel on a Russian PC does (";" between fields,
    language ru-RU, 1049): each field in its own column, "62,9" a number, "30.11.2026" a
    date."""
    source = tmp_path / "summary.csv"
    source.write_bytes(summary_csv(hand_made(), Words.of("ru")))
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--convert-to", "xlsx", "--infilter=CSV:59,34,76,1,,1049", "--outdir",
         str(tmp_path), str(source)],
        check=True, capture_output=True, timeout=180)
    sheet = load_workbook(tmp_path / "summary.xlsx").active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    occupancy = next(row for row in rows if row[0] == "Алматы орталығы")
    assert occupancy[:4] == ["Алматы орталығы", 2, 39, pytest.approx(62.9)]
    assert rows[-1][:3] == ["Work permit", "WP-1", dt.datetime(2026, 11, 30)]
