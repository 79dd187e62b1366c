"""The monthly summary of the demo data as an office signs it: a header block, the quota use
as one matrix, long lists cut to their first rows, and a page count a month can bear."""

import datetime as dt
import io

import pypdf
import pytest
from sqlalchemy import select

from kzmigdesk.domain.enums import UserRole
from kzmigdesk.domain.models import Person, User
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.monthly import MAX_PDF_ROWS, summary_pdf
from kzmigdesk.services.quotas import QuotaKind, quota_usage
from kzmigdesk.services.reports import monthly_summary
from tests.acting import as_account

TODAY = dt.date.today()
# all offices: with the breakdown by office and by region (issue 25), a page more
PAGE_LIMITS = {"kk": 9, "ru": 9, "en": 9, "kk+ru": 13}


def busiest_month(database) -> dt.date:
    """The month of this year with the most new registrations (the quotas are this year's)."""
    with database.sessions() as session:
        created = session.scalars(select(Person.created_at).where(
            Person.created_at >= dt.datetime(TODAY.year, 1, 1))).all()
    months = [day.date().replace(day=1) for day in created]
    return max(set(months), key=months.count, default=TODAY.replace(day=1))


def make(database, month, language, **kwargs):
    words = Words.of(language)
    with database.sessions() as session:
        return monthly_summary(session, month, words, today=TODAY, **kwargs), words


def pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("language", PAGE_LIMITS)
def test_a_month_of_the_demo_data_fits_its_page_limit(demo, language):
    for month in (busiest_month(demo), TODAY.replace(day=1)):
        summary, words = make(demo, month, language)
        assert summary.quota_matrix.rows  # the demo sets this year's quotas
        count = len(pages(summary_pdf(summary, words)))
        assert count <= PAGE_LIMITS[language], (month, count)


@pytest.fixture
def larger_demo(database):
    """The command line's `kzmigdesk demo`: 300 persons."""
    from kzmigdesk.demo import generate_demo_data

    generate_demo_data(database, today=TODAY)
    return database


def test_the_command_lines_demo_fits_too(larger_demo):
    month = busiest_month(larger_demo)
    for language in ("kk", "kk+ru"):
        summary, words = make(larger_demo, month, language)
        assert len(pages(summary_pdf(summary, words))) <= PAGE_LIMITS[language]


def test_header_block_names_office_month_preparer_and_approval(demo):
    """The issuer is this desk's office profile (in the summary's first language) with its
    head; the preparer is the signed-in user."""
    from kzmigdesk.services import office_profile
    from kzmigdesk.services.auth import Actor
    from tests.test_office_profile import complete

    office_profile.save_profile(demo.acting_as(Actor("admin", UserRole.ADMINISTRATOR)), complete(
        demo, names={"kk": "Абай облысының көші-қон басқармасы",
                     "ru": "Управление миграции области Абай"}, code="ABA-01"))
    with demo.transaction() as session:
        user = User(username="aigerim", full_name="Айгерім Сәрсенова", password_hash=None,
                    role=UserRole.SUPERVISOR)
        session.add(user)
        session.flush()
        as_account(session, user)
        summary = monthly_summary(session, dt.date(2026, 10, 1), Words.of("kk+ru"),
                                  today=TODAY)
    assert summary.issuer.office == "Абай облысының көші-қон басқармасы"
    assert summary.issuer.head_of_office == "Ә. Сейітқұлов"
    assert summary.issuer.prepared_by == "Айгерім Сәрсенова"
    first = pages(summary_pdf(summary, Words.of("kk+ru")))[0]
    for expected in ("Абай облысының көші-қон басқармасы", "Қазан 2026 / Октябрь 2026",
                     "Дайындаған / Подготовил", "Айгерім Сәрсенова",
                     "БЕКІТЕМІН / УТВЕРЖДАЮ", "Бөлімше басшысы / Руководитель", "М.О. / М.П.",
                     "Барлық бөлімшелер / Все отделения"):
        assert expected in first, expected


def test_quota_matrix_totals_are_the_sums_of_its_cells_and_the_quotas_usage(demo):
    summary, words = make(demo, TODAY.replace(day=1), "en")
    matrix = summary.quota_matrix
    with demo.sessions() as session:
        labour = quota_usage(session, QuotaKind.LABOUR, TODAY.year, today=TODAY)
        kandas = quota_usage(session, QuotaKind.KANDAS, TODAY.year, today=TODAY)
    totals = matrix.column_totals()
    for index in range(len(matrix.categories)):
        cells = [row.labour[index] for row in matrix.rows if row.labour[index]]
        assert totals[index].used == sum(cell.used for cell in cells)
        assert totals[index].amount == sum(cell.amount or 0 for cell in cells)
    for row in matrix.rows:
        total = matrix.labour_total(row)
        assert total.used == sum(cell.used for cell in row.labour if cell)
    assert totals[-2].used == sum(row.used for row in labour)
    assert totals[-2].amount == sum(row.amount or 0 for row in labour)
    assert totals[-1].used == sum(row.used for row in kandas)
    assert totals[-1].amount == sum(row.amount or 0 for row in kandas)
    assert len(matrix.rows) == len({row.region_id for row in labour + kandas})
    # The PDF states the quota's type once (on each page the matrix is on), not per row.
    text = "\n".join(pages(summary_pdf(summary, words)))
    running_out = len(summary.section("quotas_running_out").rows)
    # The matrix by sector (issue 24) says it twice more: its title and its header.
    assert 1 <= text.count("Foreign labour quota") <= 4 + running_out
    assert f"{words.number(totals[-2].used)} / {words.number(totals[-2].amount)}" in text
    # The matrix by sector: the same labour quota, by the sector each quota is for.
    by_sector = summary.sector_matrix
    assert by_sector.by_sector and len(by_sector.rows) >= 2
    assert by_sector.rows[-1].region == "all sectors"
    assert [r.region[0] for r in by_sector.rows[:-1]] == sorted(
        {row.sector_code for row in labour if row.sector_code})
    sector_totals = by_sector.column_totals()
    assert sector_totals[:-1] == totals[:-1]  # per category and the labour quota's total
    assert text.count("Foreign labour quota by economic sector") == 1


def test_long_lists_give_their_first_rows_in_the_pdf_and_all_in_the_files(demo):
    from kzmigdesk.printing.summary_files import summary_csv

    summary, words = make(demo, TODAY.replace(day=1), "en")
    expiring = summary.section("expiring_next_month")
    expiring.rows = [[f"Document {n}", f"N{n:04}", "Holder", TODAY] for n in range(45)]
    text = "\n".join(pages(summary_pdf(summary, words)))
    assert "N0019" in text and "N0020" not in text
    assert f"… and {45 - MAX_PDF_ROWS} more rows: the XLSX and CSV exports list them all." in text
    assert "Expiring next month (45)" in text
    assert summary_csv(summary, words).decode("utf-8-sig").count("Document ") == 45


def test_bilingual_chart_labels_are_whole_one_language_a_line(demo):
    from reportlab.graphics.shapes import Drawing

    from kzmigdesk.printing.monthly import PAGE_WIDTH, section_flowables

    summary, words = make(demo, busiest_month(demo), "kk+ru")
    for section in summary.sections:
        if not section.chart or not section.rows:
            continue
        drawing = next(part for flowable in section_flowables(section, words)
                       for part in getattr(flowable, "_content", [flowable])
                       if isinstance(part, Drawing))
        chart = drawing.contents[0]
        rows = [row for row in (section.rows[:-1] if section.total else section.rows)
                if row[-1]]
        assert [name.replace("\n", " ") for name in reversed(chart.categoryAxis.categoryNames)
                ] == [row[0].replace(" / ", " ") for row in rows]
        assert all("\n" in name for name in chart.categoryAxis.categoryNames)  # kk, then ru
        assert chart.x > 0 and chart.x + chart.width <= PAGE_WIDTH
