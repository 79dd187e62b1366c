"""Flows over time (services/flows.py): arrivals per month by category, country, region and
office, and quota use by region, agree with direct SQL on demo data and on hand-made data; a
clerk sees their own office, a supervisor every office or the one chosen."""

import datetime as dt
import uuid
from collections import Counter

import pytest
from query_plans import sqlite_plans
from sqlalchemy import func, select, text

from kzmigdesk.demo import generate_demo_data
from kzmigdesk.domain.enums import PersonCategory, Sex, UserRole
from kzmigdesk.domain.models import KandasQuota, Office, Person, Region
from kzmigdesk.i18n.words import Words
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.flows import flows, flows_of, months_back

TODAY = dt.date(2026, 6, 14)
ENGLISH = Words.of("en")
SUPERVISOR = Actor("serik", UserRole.SUPERVISOR)


def sql_arrivals(database, first: dt.date, end: dt.date, column: str,
                 office_id=None) -> Counter:
    """Persons registered in [first, end) by month and `column`, as plain SQL."""
    month = ("to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM')"
             if database.engine.dialect.name == "postgresql" else "substr(created_at, 1, 7)")
    office = "AND office_id = :office" if office_id else ""
    with database.engine.connect() as connection:
        rows = connection.execute(text(
            f"SELECT {month}, {column}, count(*) FROM persons WHERE deleted_at IS NULL "
            f"AND created_at >= :first AND created_at < :end {office} GROUP BY 1, 2"),
            {"first": dt.datetime(first.year, first.month, 1),
             "end": dt.datetime(end.year, end.month, 1),
             "office": office_id.hex if office_id and database.engine.dialect.name == "sqlite"
             else office_id}).all()
    return Counter({(m, key): count for m, key, count in rows})


def chart_counts(result, key: str) -> Counter:
    """{(month, series name): count} of one of the monthly charts."""
    chart = result.chart(key)
    return Counter({(month.strftime("%Y-%m"), series.name): value
                    for series in chart.series
                    for month, value in zip(result.months, series.values, strict=True)
                    if value})


@pytest.fixture
def demo_flows(database):
    generate_demo_data(database, persons=400, seed=19, today=TODAY)
    return database


def test_months_back():
    assert months_back(dt.date(2026, 2, 20), 3) == (
        dt.date(2025, 12, 1), dt.date(2026, 1, 1), dt.date(2026, 2, 1))
    assert len(months_back(TODAY, 24)) == 24


def test_arrivals_agree_with_sql_on_demo_data(demo_flows):
    database = demo_flows
    with database.sessions() as session:
        result = flows_of(session, TODAY, 24, words=ENGLISH)
    first, end = result.months[0], dt.date(2026, 7, 1)
    assert result.months[-1] == dt.date(2026, 6, 1) and len(result.months) == 24

    by_category = sql_arrivals(database, first, end, "category")
    labels = {"kandas": "kandas", "foreign_worker": "foreign worker", "other": "other"}
    assert chart_counts(result, "category") == Counter(
        {(m, labels[c]): n for (m, c), n in by_category.items()})
    assert sum(by_category.values()) > 50  # the demo data do have arrivals in the period

    # Countries, regions and offices (a region's districts, the country's regional offices):
    # the six largest have their own line, the rest one together; the total of each month is
    # every arrival of the month, whichever level adds them up.
    for key, column in (("country", "citizenship"), ("region", "region_id"),
                        ("office", "office_id")):
        expected = sql_arrivals(database, first, end, column)
        per_month = Counter()
        for (month, _key), count in expected.items():
            per_month[month] += count
        got = Counter()
        for (month, _name), count in chart_counts(result, key).items():
            got[month] += count
        assert got == per_month
        totals = Counter()
        for (_month, value), count in expected.items():
            totals[value] += count
        largest = sorted(totals.values(), reverse=True)[:6]
        assert sorted((sum(s.values) for s in result.chart(key).series[:6]),
                      reverse=True) == largest


def test_arrivals_by_office_name_each_office(demo_flows):
    """The office chart's lines are the offices that registered the persons, by district
    (the demo's are all different); one office chosen, it is that office's line alone."""
    database = demo_flows
    database.actor = SUPERVISOR
    first, end = months_back(TODAY, 24)[0], dt.date(2026, 7, 1)
    per_office = Counter()
    for (_month, office_id), count in sql_arrivals(database, first, end, "office_id").items():
        per_office[office_id] += count
    with database.sessions() as session:
        names = {str(office.id).replace("-", ""): office.district
                 for office in session.scalars(select(Office))}
    assert len([o for o in per_office if o]) >= 2
    result = flows(database, 24, today=TODAY)
    lines = {series.name: sum(series.values) for series in result.chart("office").series}
    counts = {names[str(o).replace("-", "")] if o else "no office": n
              for o, n in per_office.items()}
    ranked = sorted(counts, key=lambda name: (-counts[name], name))  # ties by name
    assert {name: n for name, n in lines.items() if name != "Other offices"} == {
        name: counts[name] for name in ranked[:6]}
    assert lines["Other offices"] == sum(counts[name] for name in ranked[6:]) > 0
    busiest = max((o for o in per_office if o), key=per_office.get)
    with database.sessions() as session:
        office = session.get(Office, uuid.UUID(str(busiest)))
    own = flows(database, 24, office.id, today=TODAY).chart("office").series
    assert [(s.name, sum(s.values)) for s in own] == [(office.district, per_office[busiest])]


def test_quota_use_agrees_with_sql(demo_flows):
    database = demo_flows
    with database.sessions() as session:
        result = flows_of(session, TODAY, 24, words=ENGLISH)
        regions = {r.id: r.names["en"] for r in session.scalars(select(Region))}
    with database.engine.connect() as connection:
        kandas_used = connection.execute(text(
            "SELECT resettlement_region_id, count(*) FROM repatriate_cases WHERE deleted_at IS "
            "NULL AND quota_year = 2026 AND resettlement_region_id IS NOT NULL AND status IN "
            "('granted', 'citizenship_requested', 'citizen') GROUP BY 1")).all()
        kandas_amount = connection.execute(text(
            "SELECT region_id, amount FROM kandas_quotas WHERE deleted_at IS NULL AND "
            "year = 2026")).all()
        labour_used = connection.execute(text(
            "SELECT region_id, count(*) FROM work_permits WHERE deleted_at IS NULL AND "
            "quota_year = 2026 AND holds_quota_slot = :yes GROUP BY 1"), {"yes": True}).all()
        labour_amount = connection.execute(text(
            "SELECT region_id, sum(amount) FROM labour_quotas WHERE deleted_at IS NULL AND "
            "year = 2026 GROUP BY 1")).all()

    def by_name(rows):
        return {regions[uuid.UUID(str(r))]: n for r, n in rows}

    for key, used, amount in (("kandas_quota", kandas_used, kandas_amount),
                              ("labour_quota", labour_used, labour_amount)):
        chart = result.chart(key)
        quota, taken = chart.series
        assert (quota.name, taken.name) == ("Quota", "Used")
        assert {r: n for r, n in zip(chart.labels, taken.values, strict=True) if n} == \
            by_name(used)
        assert {r: n for r, n in zip(chart.labels, quota.values, strict=True) if n} == \
            by_name(amount)
        assert sum(taken.values) > 0
    assert result.quota_year == 2026


def test_a_clerk_sees_their_office_a_supervisor_chooses(demo_flows):
    database = demo_flows
    with database.sessions() as session:
        busiest = session.execute(select(Person.office_id).where(Person.office_id.is_not(None))
                                  .group_by(Person.office_id)
                                  .order_by(func.count().desc())).scalars().first()
        office = session.get(Office, busiest)
        office_id, region_name = office.id, office.region.names["en"]
    first, end = months_back(TODAY, 24)[0], dt.date(2026, 7, 1)
    own = sql_arrivals(database, first, end, "category", office_id)
    assert 0 < sum(own.values()) < sum(sql_arrivals(database, first, end, "category").values())

    clerk = Actor("clerk", UserRole.CLERK, office_id=office_id)
    for actor, asked in ((clerk, None), (clerk, uuid.uuid4()), (SUPERVISOR, office_id)):
        database.actor = actor
        result = flows(database, 24, asked, today=TODAY)
        assert sum(sum(s.values) for s in result.chart("category").series) == \
            sum(own.values())
        assert result.office == office.name
        for key in ("kandas_quota", "labour_quota"):
            assert set(result.chart(key).labels) <= {region_name}
    database.actor = SUPERVISOR
    assert flows(database, 24, today=TODAY).office is None


def test_hand_made_arrivals(database):
    """Persons registered on the edges of the period, one deleted, one in another month."""
    with database.transaction() as session:
        region = session.scalars(select(Region).where(Region.code == "ALA")).one()

        def person(created: dt.datetime, category, citizenship, deleted=False):
            session.add(Person(
                surname="Test", given_name="Person", sex=Sex.MALE,
                birth_date=dt.date(1990, 1, 1), citizenship=citizenship,
                region_id=region.id, category=category, created_at=created,
                deleted_at=created if deleted else None))

        person(dt.datetime(2024, 7, 1, 0, 0, 1), PersonCategory.KANDAS, "CN")  # first month
        person(dt.datetime(2024, 6, 30, 23, 59), PersonCategory.KANDAS, "CN")  # before it
        person(dt.datetime(2026, 6, 30, 22, 0), PersonCategory.FOREIGN_WORKER, "UZ")
        person(dt.datetime(2026, 7, 1, 0, 0), PersonCategory.OTHER, None)  # after it
        person(dt.datetime(2026, 6, 2), PersonCategory.OTHER, None)
        person(dt.datetime(2026, 6, 3), PersonCategory.OTHER, "RU", deleted=True)
        session.add(KandasQuota(year=2026, region_id=region.id, amount=40))
    with database.sessions() as session:
        result = flows_of(session, TODAY, 24, words=ENGLISH)
    assert result.months[0] == dt.date(2024, 7, 1)
    assert chart_counts(result, "category") == Counter({
        ("2024-07", "kandas"): 1, ("2026-06", "foreign worker"): 1, ("2026-06", "other"): 1})
    assert chart_counts(result, "country") == Counter({
        ("2024-07", "China"): 1, ("2026-06", "Uzbekistan"): 1, ("2026-06", "stateless"): 1})
    assert chart_counts(result, "region") == Counter({
        ("2024-07", "Almaty"): 1, ("2026-06", "Almaty"): 2})
    kandas = result.chart("kandas_quota")
    assert kandas.labels == ("Almaty",)
    assert [s.values for s in kandas.series] == [(40,), (0,)]
    assert result.chart("labour_quota").empty and not result.empty


def test_no_data_is_empty(database):
    with database.sessions() as session:
        result = flows_of(session, TODAY, 12, words=ENGLISH)
    assert result.empty and len(result.months) == 12


def test_someone_must_be_signed_in(database):
    from kzmigdesk.services.auth import PermissionDenied

    database.actor = None
    with pytest.raises(PermissionDenied):
        flows(database)


def test_the_xlsx_summary_has_the_charts(demo_flows):
    """The monthly summary's XLSX: a sheet of the flows with a native chart per chart, each
    series reading its column of the sheet's tables (openpyxl reads the charts back)."""
    import io

    import openpyxl

    from kzmigdesk.printing.summary_files import export_summary
    from kzmigdesk.services.reports import make_monthly_summary

    words = Words.of("ru")
    summary = make_monthly_summary(demo_flows, dt.date(2026, 5, 1), words, today=TODAY)
    assert summary.flows.months[-1] == dt.date(2026, 5, 1)
    data = export_summary(summary, "xlsx", words)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book[words.t("Flows")]
    charts = sheet._charts
    assert len(charts) == 6
    assert [c.tagname for c in charts] == ["barChart", "lineChart", "lineChart", "lineChart",
                                           "barChart", "barChart"]
    assert charts[0].grouping == "stacked" and charts[4].barDir == "bar"
    assert sheet["A1"].value == "Прибывшие по категориям"
    assert sheet["A3"].value == "июнь 2024" and sheet["A26"].value == "май 2026"
    category = summary.flows.chart("category")
    for index, series in enumerate(charts[0].series, start=1):
        column = "BCD"[index - 1]
        assert series.val.numRef.f.replace("'", "") == f"Потоки!${column}$3:${column}$26"
        assert series.cat.strRef.f.replace("'", "") == "Потоки!$A$3:$A$26"
        assert [sheet[f"{column}{row}"].value for row in range(3, 27)] == \
            list(category.series[index - 1].values)
    kandas = summary.flows.chart("kandas_quota")
    title_row = next(row for row in range(1, sheet.max_row + 1)
                     if sheet[f"A{row}"].value == words.t(kandas.title))
    regions = len(kandas.labels)
    assert charts[4].series[1].val.numRef.f.replace("'", "") == \
        f"Потоки!$C${title_row + 2}:$C${title_row + 1 + regions}"
    assert [sheet[f"A{title_row + 2 + i}"].value for i in range(regions)] == list(kandas.labels)


@pytest.mark.sqlite_only
def test_arrivals_read_their_covering_index_on_sqlite(database):
    """The flows' one query of persons is led by ix_persons_arrivals, in its order."""
    def work():
        with database.sessions() as session:
            flows_of(session, TODAY, 24, words=ENGLISH)

    [(statement, plan)] = sqlite_plans(database, work, lambda s: "substr(persons.created_at" in s)
    assert "deleted_at IS NULL" in statement
    assert "USING INDEX ix_persons_arrivals (<expr>>? AND <expr><?)" in plan, plan
    assert "TEMP B-TREE" not in plan, plan
