"""The monthly summary against a hand-built database: every section, for all offices and for
one office; its XLSX, CSV and PDF exports; the CLI command."""

import csv
import datetime as dt
import io

import pypdf
import pytest
from openpyxl import load_workbook
from query_plans import sqlite_plans
from sqlalchemy import select

from kzmigdesk.cli import main
from kzmigdesk.domain.enums import (
    DocumentType,
    OfficeKind,
    PermitCategory,
    PermitStatus,
    PersonCategory,
    RepatriateStatus,
    Sex,
)
from kzmigdesk.domain.models import (
    AdaptationCentre,
    AuditEntry,
    CaseStatusChange,
    IdentityDocument,
    KandasQuota,
    LabourQuota,
    Office,
    OfficeProfile,
    PermitStatusChange,
    Person,
    Region,
    RepatriateCase,
    ServiceRecord,
    ServiceType,
    WorkPermit,
)
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing.summary_files import summary_csv, summary_xlsx
from kzmigdesk.services.reports import monthly_summary

OCTOBER = dt.date(2026, 10, 1)
TODAY = dt.date(2026, 11, 15)
P, S, C = PermitStatus, RepatriateStatus, PermitCategory
EN = Words.of("en")


def at(month, day):
    return dt.datetime(2026, month, day, 10, 0)


@pytest.fixture
def fixture(database):
    """Two offices (Almaty, Astana) and a little of everything in and around October 2026."""
    with database.transaction() as session:
        regions = {r.code: r for r in session.scalars(select(Region))}
        ala, ast = regions["ALA"], regions["AST"]
        almaty = Office(code="ALA-1", name="Алматы қаласы көші-қон басқармасы",
                        kind=OfficeKind.REGIONAL, region_id=ala.id)
        astana = Office(code="AST-1", name="Астана", kind=OfficeKind.REGIONAL, region_id=ast.id)
        session.add_all([almaty, astana])
        session.flush()
        session.add(OfficeProfile(  # the letterhead of what is printed (issue 21)
            office_id=almaty.id, names={"kk": almaty.name, "ru": "УМС города Алматы"},
            addresses={"kk": "Алматы қ.", "ru": "г. Алматы"},
            head_positions={"kk": "Басқарма басшысы", "ru": "Начальник управления"},
            head_names={"kk": "Ә. Сейітов", "ru": "А. Сеитов"}, register_pattern="15-12/{n}"))

        def person(surname, given, category, citizenship, created, office, region):
            p = Person(surname=surname, given_name=given, sex=Sex.MALE,
                       birth_date=dt.date(1980, 1, 1), citizenship=citizenship,
                       category=category, created_at=created, office_id=office and office.id,
                       region_id=region and region.id)
            session.add(p)
            return p

        K, W, OT = PersonCategory.KANDAS, PersonCategory.FOREIGN_WORKER, PersonCategory.OTHER
        abenov = person("Әбенов", "Нұрлан", K, "UZ", at(10, 2), almaty, ala)
        kurman = person("Құрманғазы", "Ғалым", K, "UZ", at(10, 15), almaty, ala)
        omir = person("Өмірзақ", "Үкібай", K, "CN", at(10, 31), almaty, ala)
        wang = person("Wang", "Wei", W, "CN", at(10, 3), astana, ast)
        yilmaz = person("Yılmaz", "Ali", W, "TR", at(10, 4), astana, ast)
        person("Иванов", "Иван", OT, None, at(10, 20), None, None)
        person("Before", "September", OT, "KZ", at(9, 30), almaty, ala)
        person("After", "November", OT, "KZ", at(11, 1), almaty, ala)
        session.flush()

        # Cases: applied and granted in October, one change in September.
        granted = RepatriateCase(case_number="KC-1", person_id=abenov.id, country_of_origin="UZ",
                                 application_date=dt.date(2026, 10, 2), status=S.GRANTED,
                                 certificate_number="KND-1",
                                 certificate_issue_date=dt.date(2025, 11, 20),
                                 certificate_expiry_date=dt.date(2026, 11, 20),
                                 resettlement_region_id=ala.id, quota_year=2026,
                                 office_id=almaty.id)
        applied = RepatriateCase(case_number="KC-2", person_id=kurman.id, country_of_origin="UZ",
                                 application_date=dt.date(2026, 9, 28), status=S.APPLIED,
                                 office_id=almaty.id)
        session.add_all([granted, applied])
        session.flush()
        for case, to_status, day in ((granted, S.APPLIED, dt.date(2026, 10, 2)),
                                     (granted, S.GRANTED, dt.date(2026, 10, 20)),
                                     (applied, S.APPLIED, dt.date(2026, 9, 28))):
            session.add(CaseStatusChange(case_id=case.id, to_status=to_status, changed_on=day))

        # Permits: Almaty cat 4 (two holding a slot, one revoked within the year), Astana
        # cat 3 (eleven of twelve, one a month: runs out in December).
        from kzmigdesk.domain.models import Employer

        employer = Employer(bin="150340000015", name="ТОО «Казстрой»", region_id=ala.id)
        session.add(employer)
        session.flush()

        def permit(number, region, category, start, end, status=P.ISSUED, holds=True,
                   office=almaty, holder=wang):
            p = WorkPermit(number=number, employer_id=employer.id, person_id=holder.id,
                           category=category, region_id=region.id, valid_from=start,
                           valid_to=end, status=status, quota_year=start.year,
                           holds_quota_slot=holds, office_id=office.id)
            session.add(p)
            session.flush()
            return p

        issued = permit("WP-1", ala, C.CATEGORY_4, dt.date(2026, 10, 5), dt.date(2026, 11, 30))
        permit("WP-2", ala, C.CATEGORY_4, dt.date(2026, 3, 1), dt.date(2027, 2, 28))
        revoked = permit("WP-3", ala, C.CATEGORY_4, dt.date(2026, 2, 1), dt.date(2026, 11, 15),
                         P.REVOKED, holds=False)
        for month in range(1, 12):
            permit(f"WP-A{month}", ast, C.CATEGORY_3, dt.date(2026, month, 1),
                   dt.date(2027, 1, 31), office=astana, holder=yilmaz)
        for change, day in ((P.ISSUED, dt.date(2026, 10, 5)), (P.REVOKED, dt.date(2026, 10, 9))):
            session.add(PermitStatusChange(permit_id=(issued if change is P.ISSUED
                                                      else revoked).id,
                                           to_status=change, changed_on=day))
        session.add_all([
            LabourQuota(year=2026, region_id=ala.id, category=C.CATEGORY_4, amount=10),
            LabourQuota(year=2026, region_id=ast.id, category=C.CATEGORY_3, amount=12),
            KandasQuota(year=2026, region_id=ala.id, amount=5),
        ])

        # Centres and services.
        types = {t.code: t for t in session.scalars(select(ServiceType))}
        small = AdaptationCentre(name="Алматы орталығы", region_id=ala.id, beds=2)
        large = AdaptationCentre(name="Астана орталығы", region_id=ast.id, beds=10)
        session.add_all([small, large])
        session.flush()

        def service(centre, code, who, start, end=None):
            session.add(ServiceRecord(centre_id=centre.id, service_type_id=types[code].id,
                                      person_id=who.id, start_date=start, end_date=end))

        service(small, "accommodation", omir, dt.date(2026, 9, 20), dt.date(2026, 10, 2))
        service(small, "accommodation", abenov, dt.date(2026, 10, 1), dt.date(2026, 10, 10))
        service(small, "accommodation", kurman, dt.date(2026, 10, 5))
        service(small, "legal", abenov, dt.date(2026, 10, 7), dt.date(2026, 10, 7))
        service(large, "kazakh_course", wang, dt.date(2026, 10, 3))

        # Documents expiring in November (and one in December).
        session.add_all([
            IdentityDocument(person_id=omir.id, doc_type=DocumentType.FOREIGN_PASSPORT,
                             number="E1234567", expiry_date=dt.date(2026, 11, 10)),
            IdentityDocument(person_id=kurman.id, doc_type=DocumentType.FOREIGN_PASSPORT,
                             number="E7654321", expiry_date=dt.date(2026, 12, 1)),
        ])
    return database, almaty.id


def summary(database, office_id=None, words=EN):
    with database.sessions() as session:
        return monthly_summary(session, OCTOBER, words, office_id, today=TODAY)


def test_registrations(fixture):
    database, _office = fixture
    report = summary(database)
    assert report.section("registrations_by_category").rows == [
        ["kandas", 3], ["foreign worker", 2], ["other", 1], ["Total", 6]]
    assert report.section("registrations_by_country").rows == [
        ["China", 2], ["Uzbekistan", 2], ["Türkiye", 1], ["stateless", 1]]
    assert report.section("registrations_by_region").rows == [
        ["Almaty", 3], ["Astana", 2], ["not given", 1]]


def test_status_changes(fixture):
    database, _office = fixture
    assert summary(database).section("status_changes").rows == [
        ["Repatriate cases", "applied", 1],
        ["Repatriate cases", "kandas status granted", 1],
        ["Work permits", "issued", 1],
        ["Work permits", "revoked", 1],
    ]


def test_services_and_occupancy(fixture):
    database, _office = fixture
    report = summary(database)
    assert report.section("services_by_type").rows == [
        ["Temporary accommodation", 2], ["Kazakh language course", 1],
        ["Legal consultation", 1]]
    assert report.section("services_by_centre").rows == [
        ["Алматы орталығы", "Temporary accommodation", 2],
        ["Алматы орталығы", "Legal consultation", 1],
        ["Астана орталығы", "Kazakh language course", 1],
    ]
    # Almaty: 2 days of the September stay, 10 days, and 27 days (5 to 31 October, open);
    # 39 of 2 beds x 31 days; never more than 2 at once.
    assert report.section("centre_occupancy").rows == [
        ["Алматы орталығы", 2, 39, 39 / 62, 2],
        ["Астана орталығы", 10, 0, 0.0, 0],
    ]


def test_quota_usage_and_run_out(fixture):
    database, _office = fixture
    report = summary(database)
    assert report.section("quota_usage").rows == [
        ["Foreign labour quota", "Astana", "category 3: specialists", 12, 11, 1, 11 / 12,
         "all sectors"],
        ["Foreign labour quota", "Almaty", "category 4: skilled workers", 10, 2, 8, 0.2,
         "all sectors"],
        ["Kandas resettlement quota", "Almaty", "", 5, 1, 4, 0.2, ""],
    ]
    [running_out] = report.section("quotas_running_out").rows
    assert running_out[:3] == ["Foreign labour quota", "Astana", "category 3: specialists"]
    expected, earliest, latest = running_out[3:]
    assert dt.date(2026, 12, 1) <= expected <= dt.date(2026, 12, 31)
    assert earliest <= expected and (latest is None or latest >= expected)


def test_expiring_next_month(fixture):
    database, _office = fixture
    assert summary(database).section("expiring_next_month").rows == [
        ["foreign passport", "E1234567", "Өмірзақ Үкібай", dt.date(2026, 11, 10)],
        ["Kandas certificate", "KND-1", "Әбенов Нұрлан", dt.date(2026, 11, 20)],
        ["Work permit", "WP-1", "Wang Wei", dt.date(2026, 11, 30)],
    ]


@pytest.mark.sqlite_only
def test_expiring_records_are_read_by_their_expiry_index_on_sqlite(fixture):
    """A month of the expiry indexes, not every valid permit or case by a status index
    (SQLite, without statistics, took the status: 0.4 s at 1,000,000 persons), and from
    them alone (migration 0042): no permit's or case's row read, for all offices or one."""
    database, office = fixture
    for office_id in (None, office):
        plans = sqlite_plans(database, lambda o=office_id: summary(database, office_id=o),
                             lambda s: "valid_to >=" in s or "certificate_expiry_date >=" in s)
        assert len(plans) == 2
        for statement, plan in plans:
            expiry = ("ix_work_permits_expiring" if "valid_to >=" in statement
                      else "ix_repatriate_cases_expiring")
            assert f"COVERING INDEX {expiry}" in plan, plan
            assert "INDEX ix_persons_names_by_id (id=?)" in plan, plan  # no holder's row


@pytest.mark.sqlite_only
def test_services_and_stays_are_counted_from_their_indexes_alone_on_sqlite(fixture):
    """The month's services by centre and type, and the stays in the centres, read no service
    record's row (migration 0044; 3,000,000 records: 7,500 pages of rows for a month)."""
    database, office = fixture
    for office_id in (None, office):
        plans = sqlite_plans(database, lambda o=office_id: summary(database, office_id=o),
                             lambda s: "FROM service_records" in s)
        months = [plan for statement, plan in plans if "start_date >=" in statement]
        stays = [plan for statement, plan in plans if "end_date" in statement]
        assert len(months) == 1 and len(stays) == 2, plans
        assert "INDEX ix_service_records_month (start_date>? AND start_date<?)" in months[0]
        assert all("COVERING INDEX ix_service_records_stays" in plan for plan in stays), stays


@pytest.mark.sqlite_only
def test_status_changes_are_counted_by_office_from_an_index_of_offices_by_id(fixture):
    """Each of the month's changes looks up its case's or permit's office in an index of
    offices by id (migration 0043), not the table's id index and then the row: for every
    office's breakdown and for one office's own counts."""
    database, office = fixture
    for office_id, wanted in ((None, "office_id, count(*)"), (office, "office_id = ?")):
        plans = sqlite_plans(database, lambda o=office_id: summary(database, office_id=o),
                             lambda s, w=wanted: "status_changes.changed_on >=" in s and w in s)
        assert len(plans) == 2, plans
        for statement, plan in plans:
            table = ("work_permits" if "FROM permit_status_changes" in statement
                     else "repatriate_cases")
            assert f"INDEX ix_{table}_office_by_id (id=?" in plan, plan


@pytest.mark.sqlite_only
def test_status_changes_are_read_by_month_on_sqlite(fixture):
    """The month's status changes from their index by day (migration 0036), not every
    change of every case and permit (a scan of 800,000 at 1,000,000 persons)."""
    database, _office = fixture
    plans = sqlite_plans(database, lambda: summary(database), lambda s: (
        "status_changes.changed_on >=" in s))
    assert {"FROM permit_status_changes" in statement for statement, _plan in plans} == {
        True, False}
    for statement, plan in plans:
        table = "permit" if "FROM permit_status_changes" in statement else "case"
        assert f"ix_{table}_status_changes_month" in plan, plan
    with database.sessions() as session:  # the new status too: counted from the index alone
        for table, record in (("case", "case_id"), ("permit", "permit_id")):
            assert [row[2] for row in session.connection().exec_driver_sql(
                f"PRAGMA index_info(ix_{table}_status_changes_month)")] == [
                "changed_on", "to_status", record]


@pytest.mark.sqlite_only
def test_registrations_are_counted_from_the_arrivals_index_on_sqlite(fixture):
    """The month's new persons by their month in ix_persons_arrivals, which holds all they
    are counted by, not by created_at and each person's row (at 1,000,000 persons 15 ms
    instead of 2 ms a query; an encrypted database decrypts every row's page)."""
    database, _office = fixture
    plans = sqlite_plans(database, lambda: summary(database), lambda s: (
        "FROM persons" in s and "count(*)" in s and "substr" in s))
    assert len(plans) == 5  # by category, country, region and office; the flows chart
    for _statement, plan in plans:
        assert "ix_persons_arrivals" in plan, plan


def test_one_office(fixture):
    database, almaty = fixture
    report = summary(database, almaty)
    assert report.office == "Алматы қаласы көші-қон басқармасы"
    assert report.section("registrations_by_category").rows == [
        ["kandas", 3], ["foreign worker", 0], ["other", 0], ["Total", 3]]
    assert [row[0] for row in report.section("centre_occupancy").rows] == ["Алматы орталығы"]
    assert [row[1] for row in report.section("quota_usage").rows] == ["Almaty", "Almaty"]
    assert report.section("quotas_running_out").rows == []
    assert [row[1] for row in report.section("status_changes").rows] == [
        "applied", "kandas status granted", "issued", "revoked"]
    assert [row[1] for row in report.section("expiring_next_month").rows] == [
        "E1234567", "KND-1", "WP-1"]


def test_the_summary_of_all_offices_adds_up_by_office_and_by_region(fixture):
    """Issue 25: each office's row is what its own summary counts; the rows and the regions
    add up to the totals of all offices."""
    from kzmigdesk.domain.models import Office

    database, _almaty = fixture
    report = summary(database)
    by_office, by_region = report.section("by_office"), report.section("by_region")
    with database.sessions() as session:
        offices = {o.name: o.id for o in session.scalars(select(Office))}

    def own_numbers(office_id):
        own = summary(database, office_id)
        changes = own.section("status_changes").rows
        return [own.section("registrations_by_category").rows[-1][1],
                sum(row[2] for row in changes if row[0] == "Repatriate cases"),
                sum(row[2] for row in changes if row[0] == "Work permits")]

    rows = {row[0]: row[1:] for row in by_office.rows}
    for name, office_id in offices.items():
        assert rows.get(name, [0, 0, 0]) == own_numbers(office_id), name
    total = rows.pop("Total")
    assert total == [sum(column) for column in zip(*rows.values(), strict=True)]
    assert total[0] == report.section("registrations_by_category").rows[-1][1]
    assert total[1] + total[2] == sum(row[2] for row in report.section("status_changes").rows)
    assert by_region.rows[-1] == ["Total", *total]
    assert {row[0] for row in by_region.rows} >= {"Almaty", "Total"}
    assert "by_office" not in [s.key for s in summary(database, offices["Астана"]).sections]


def test_xlsx_has_a_sheet_per_section_with_real_numbers(fixture):
    database, _office = fixture
    report = summary(database)
    workbook = load_workbook(io.BytesIO(summary_xlsx(report, EN)))
    assert len(workbook.sheetnames) == len(report.sections) + 1  # and the flows' charts
    assert workbook.sheetnames[-1] == "Flows"
    sheet = workbook["Registrations by category"]
    assert sheet["A1"].value == "Monthly summary: October 2026"  # the title block, rows 1-4
    assert [c.value for c in sheet[6]] == ["Category", "Persons"]
    assert sheet["A6"].font.b and sheet.freeze_panes == "A7"
    assert sheet.column_dimensions["A"].width >= len("Category") + 2
    assert [(c.value, c.data_type) for c in sheet["B"][6:]] == [
        (3, "n"), (2, "n"), (1, "n"), (6, "n")]
    occupancy = workbook["Centre occupancy"]
    assert occupancy["D7"].value == pytest.approx(39 / 62)
    assert occupancy["D7"].number_format == "0.0%"
    expiring = workbook["Expiring next month"]
    assert expiring["D7"].value == dt.datetime(2026, 11, 10)
    assert expiring["D7"].is_date and expiring["D7"].number_format == "dd/mm/yyyy"


def test_csv_lists_every_section(fixture):
    database, _office = fixture
    report = summary(database)
    data = summary_csv(report, EN)
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[:3] == [["Monthly summary: October 2026"], ["Office: УМС города Алматы"],
                        ["Covers: All offices"]]
    start = rows.index(["Centre occupancy"])
    assert rows[start + 1] == ["Centre", "Beds", "Bed-days used", "Average occupancy, %",
                               "Most people on one day"]
    assert rows[start + 2] == ["Алматы орталығы", "2", "39", "62.9", "2"]
    titles = [row[0] for row in rows if len(row) == 1]
    assert len(titles) == len(report.sections) + 5  # and the title block's five lines


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_pdf_in_kazakh_has_the_sections_charts_and_kazakh_letters(fixture):
    from kzmigdesk.printing.monthly import summary_pdf

    database, _office = fixture
    words = Words.of("kk")
    report = summary(database, words=words)
    data = summary_pdf(report, words, printed_on=TODAY)
    text = pdf_text(data)
    for section in report.sections:
        assert words.t(section.title) in text
    for word in ("Әбенов Нұрлан", "Өмірзақ Үкібай", "Алматы орталығы", "қандас"):
        assert word in text
    assert words.t("Monthly summary: {month}", month="").strip(" :") in text


def test_pdf_draws_bar_charts_of_registrations_and_services(fixture):
    from reportlab.graphics.shapes import Drawing

    from kzmigdesk.printing.monthly import section_flowables

    database, _office = fixture
    report = summary(database)
    charts = {}
    for section in report.sections:
        for flowable in section_flowables(section, EN):
            for part in getattr(flowable, "_content", [flowable]):
                if isinstance(part, Drawing):
                    chart = part.contents[0]
                    charts[section.key] = dict(zip(chart.categoryAxis.categoryNames,
                                                   chart.data[0], strict=True))
    assert charts == {
        "registrations_by_category": {"kandas": 3, "foreign worker": 2, "other": 1},
        "services_by_type": {"Temporary accommodation": 2, "Kazakh language course": 1,
                             "Legal consultation": 1},
    }


def test_cli_writes_the_monthly_summary(fixture, tmp_path, capsys):
    database, _office = fixture
    url = database.url
    for fmt in ("pdf", "xlsx", "csv"):
        out = tmp_path / f"october.{fmt}"
        assert main(["--db", url, "report", "monthly", "--month", "2026-10", "--format", fmt,
                     "--out", str(out), "--office", "ALA-1", "--language", "en"]) == 0
        assert out.stat().st_size > 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Monthly summary: October 2026"]
    assert rows[2] == ["Covers: Алматы қаласы көші-қон басқармасы"]
    assert main(["--db", url, "report", "monthly", "--month", "October", "--out",
                 str(out)]) == 2
    assert main(["--db", url, "report", "monthly", "--month", "2026-10", "--office", "NONE",
                 "--out", str(out)]) == 2
    assert "No office has the code NONE." in capsys.readouterr().err


def export_entries(database) -> list[dict]:
    with database.sessions() as session:
        return session.scalars(select(AuditEntry.changes).where(
            AuditEntry.action == "export")).all()


def test_cli_report_that_cannot_be_written_leaves_no_file_and_no_entry(
        fixture, tmp_path, capsys, monkeypatch):
    database, _office = fixture
    command = ["--db", database.url, "report", "monthly", "--month", "2026-10", "--format",
               "csv", "--language", "en", "--out"]
    out = tmp_path / "out"
    out.mkdir()
    assert main([*command, str(tmp_path / "missing" / "october.csv")]) == 1
    assert capsys.readouterr().err == (  # refused before any work
        f"The folder {tmp_path / 'missing'} does not exist; nothing was written.\n")

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr("kzmigdesk.files.os.fsync", disk_full)
        assert main([*command, str(out / "october.csv")]) == 1
    assert "No space left on device" in capsys.readouterr().err
    assert list(out.iterdir()) == [] and export_entries(database) == []

    # The entry is written once the file is in place.
    from kzmigdesk.services import reports

    seen = []

    def record_export(session, summary, fmt, office_id=None):
        seen.append((out / "october.csv").exists())
        return original(session, summary, fmt, office_id)

    original = reports.record_export
    monkeypatch.setattr(reports, "record_export", record_export)
    assert main([*command, str(out / "october.csv")]) == 0
    assert seen == [True] and [p.name for p in out.iterdir()] == ["october.csv"]
    assert export_entries(database) == [{"month": "2026-10", "format": "csv"}]


def test_pdf_lists_at_most_20_rows_of_a_section_and_says_how_many_more():
    from reportlab.platypus import Paragraph

    from kzmigdesk.domain.documents import NUMBER, Column, Section
    from kzmigdesk.printing.monthly import section_flowables

    section = Section("expiring_next_month", "Expiring next month",
                      [Column("Number"), Column("Persons", NUMBER)],
                      rows=[[f"N{n}", n] for n in range(350)])
    parts = [part for flowable in section_flowables(section, EN)
             for part in getattr(flowable, "_content", [flowable])]
    texts = [part.getPlainText() for part in parts if isinstance(part, Paragraph)]
    assert texts[-1] == "… and 330 more rows: the XLSX and CSV exports list them all."
    assert texts[0] == "Expiring next month (350)"
    table = next(part for part in parts if hasattr(part, "_cellvalues"))
    assert len(table._cellvalues) == 21  # the header and 20 rows


def test_quota_statement_runs_out_column_is_the_quotas_pages_forecast(demo):
    """Each line of the statement carries the forecast of services/forecast.py that the
    Quotas page shows, and the PDF's column says it: the day with its range, or that the
    quota lasts the year with the usage expected by its end."""
    from kzmigdesk.printing.forms import quota_statement as statement_pdf
    from kzmigdesk.services.prints import quota_statement
    from kzmigdesk.services.quotas import QuotaKind, quota_usage

    today = dt.date.today()
    forecasts = 0
    for kind in QuotaKind:
        with demo.sessions() as session:
            statement = quota_statement(session, kind, today.year, today=today)
            usage = quota_usage(session, kind, today.year, today=today)
        assert len(statement.lines) == len(usage)
        for line, row in zip(statement.lines, usage, strict=True):
            forecast = row.forecast
            if forecast is None:
                assert (line.runs_out, line.earliest, line.latest, line.year_end_usage) == (
                    None, None, None, None)
                continue
            forecasts += 1
            assert (line.runs_out, line.earliest, line.latest, line.year_end_usage) == (
                forecast.expected, forecast.earliest, forecast.latest,
                forecast.year_end_usage)
        text = " ".join(pdf_text(statement_pdf(statement, EN)).split())
        lasting = [line for line in statement.lines
                   if line.runs_out is None and line.year_end_usage is not None
                   and line.remaining > 0]
        assert text.count("lasts the year") == len(lasting)
        for line in statement.lines:
            if line.runs_out is not None and line.remaining > 0:
                assert EN.date(line.runs_out) in text
    assert forecasts  # the demo issues permits this year


def test_pdf_approval_block_prints_the_audit_chain_head_which_moves_with_a_write(fixture):
    """Issue 22: the signed paper anchors the trail: the approval block prints the chain head
    (`audit.chain_head`), and a later audited write makes the next summary print another."""
    from kzmigdesk.printing.monthly import summary_pdf
    from kzmigdesk.services import audit
    from kzmigdesk.services.reports import record_export

    database, _office = fixture
    head = audit.chain_head(database)
    assert head.seq > 0
    report = summary(database)
    assert (report.audit_seq, report.audit_hash) == (head.seq, head.hash)
    text = pdf_text(summary_pdf(report, EN, printed_on=TODAY)).replace("\n", "")
    assert f"Audit trail: entry No. {head.seq}" in text
    assert head.hash in text.replace(" ", "")
    assert f"entry No. {head.seq}: {head.hash}" in summary_csv(report, EN).decode("utf-8-sig")

    with database.transaction() as session:  # an audited write: the export is recorded
        record_export(session, report, "pdf")
    after = audit.chain_head(database)
    assert after.seq > head.seq and after.hash != head.hash
    again = summary(database)
    assert (again.audit_seq, again.audit_hash) == (after.seq, after.hash)
    text = pdf_text(summary_pdf(again, EN, printed_on=TODAY)).replace("\n", "")
    assert after.hash in text.replace(" ", "") and head.hash not in text.replace(" ", "")
