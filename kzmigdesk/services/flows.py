"""Flows over time, for the dashboard (gui/flows_page.py) and the monthly summary's XLSX charts.

An arrival is a person first registered with an office: the month of the person's record's
creation (persons.created_at, in UTC), as the monthly summary's "new registrations" count it.
Arrivals are shown per month, by the person's category (kandas, foreign worker, other: the
services keep it from the person's case or permits), by country of citizenship (the country of
origin, but for kandas already granted Kazakh citizenship), by region of residence and by the
office that registered them, named by its district or city (a regional office's districts,
the ministry's regional offices: the levels of the monthly summary's breakdown); the six
largest countries, regions and offices of the period each have their line, the rest one line
together.
One covering index (ix_persons_arrivals, migration 0021) serves the one query they come from.

The quota charts show, for the last month's year, each region's kandas resettlement quota
against the cases holding a slot, and its labour quota (all permit categories together)
against the permits holding a slot, as services/quotas.py counts them.

Scope, as the worklist's: a clerk sees their own office's persons and their region's quotas;
a supervisor or administrator sees every office, or the office they choose. A clerk without an
office sees every office.
"""

import datetime as dt
import uuid
from collections import Counter, defaultdict

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.documents import FlowChart, Flows, FlowSeries
from kzmigdesk.domain.enums import LABELS, PersonCategory, UserRole
from kzmigdesk.domain.models import KandasQuota, LabourQuota, Office, Person, Region
from kzmigdesk.i18n import N_, current_language
from kzmigdesk.i18n.words import Words
from kzmigdesk.services.auth import Permission, acting, require
from kzmigdesk.services.errors import NotFound
from kzmigdesk.services.prints import named
from kzmigdesk.services.quotas import _kandas_used, _labour_used

PERIODS = (12, 24, 36)  # months the dashboard offers
DEFAULT_PERIOD = 24
TOP = 6  # countries and regions with a line of their own


def months_back(last: dt.date, count: int) -> tuple[dt.date, ...]:
    """The first days of the `count` months ending with `last`'s month, oldest first."""
    index = last.year * 12 + last.month - 1
    return tuple(dt.date(i // 12, i % 12 + 1, 1) for i in range(index - count + 1, index + 1))


def arrivals_by_month(session: Session, first: dt.date, last: dt.date):
    """The month ('YYYY-MM') of a person's registration, and the filter of the months from
    `first` to `last`, on either back end."""
    if session.get_bind().dialect.name == "postgresql":
        month = func.to_char(func.timezone("UTC", Person.created_at), "YYYY-MM")
        after = last.year * 12 + last.month  # the month after `last`, counted from year 0
        end = dt.date(after // 12, after % 12 + 1, 1)
        return month, [Person.created_at >= dt.datetime(first.year, first.month, 1),
                       Person.created_at < dt.datetime(end.year, end.month, 1)]
    # SQLite keeps "YYYY-MM-DD HH:MM:SS" text; the expression as ix_persons_arrivals has
    # it (literal numbers: a bound parameter would not match the index).
    month = func.substr(Person.created_at, literal_column("1"), literal_column("7"))
    return month, [month >= first.strftime("%Y-%m"), month <= last.strftime("%Y-%m")]


def chooses_office(database: Database) -> bool:
    """Whether the signed-in user may choose the office (a clerk sees only their own)."""
    actor = database.actor
    return actor is not None and not (actor.role is UserRole.CLERK and actor.office_id)


def scope_office(session: Session, office_id: uuid.UUID | None) -> Office | None:
    """The office whose data the acting user sees: a clerk's own, else the one asked for."""
    actor = require(acting(session), Permission.REGISTER)
    if actor.role is UserRole.CLERK and actor.office_id is not None:
        office_id = actor.office_id
    if office_id is None:
        return None
    office = session.get(Office, office_id)
    if office is None:
        raise NotFound(N_("The office no longer exists."))
    return office


def _series(counts: dict, months: tuple[dt.date, ...], name_of, other: str) -> tuple:
    """A line for each of the TOP largest keys over the period, and one for the rest."""
    totals = Counter({key: sum(per_month.values()) for key, per_month in counts.items()})
    ranked = sorted(totals, key=lambda key: (-totals[key], name_of(key)))
    keys = [month.strftime("%Y-%m") for month in months]
    series = [FlowSeries(name_of(key), tuple(counts[key].get(m, 0) for m in keys))
              for key in ranked[:TOP]]
    if len(ranked) > TOP:
        rest = [sum(counts[key].get(m, 0) for key in ranked[TOP:]) for m in keys]
        series.append(FlowSeries(other, tuple(rest)))
    return tuple(series)


def _quota_bars(session: Session, year: int, region_id: uuid.UUID | None,
                regions: dict, words: Words) -> tuple[FlowChart, FlowChart]:
    charts = []
    for key, title, quota, used_of in (
            ("kandas_quota", N_("Kandas resettlement against the kandas quota"), KandasQuota,
             _kandas_used),
            ("labour_quota", N_("Foreign labour quota use"), LabourQuota, _labour_used)):
        amounts: Counter = Counter()
        for quota_region, amount in session.execute(
                select(quota.region_id, quota.amount).where(quota.year == year)):
            amounts[quota_region] += amount
        used: Counter = Counter()
        for (used_region, _category), count in used_of(session, year).items():
            used[used_region] += count
        shown = sorted((r for r in set(amounts) | set(used)
                        if region_id is None or r == region_id),
                       key=lambda r: (regions[r].sort_order, words.name(named(regions[r]))))
        charts.append(FlowChart(
            key, title, N_("Slots"), tuple(words.name(named(regions[r])) for r in shown),
            (FlowSeries(words.t(N_("Quota")), tuple(amounts[r] for r in shown)),
             FlowSeries(words.t(N_("Used")), tuple(used[r] for r in shown)))))
    return charts[0], charts[1]


def flows_of(session: Session, last_month: dt.date, months: int = DEFAULT_PERIOD,
             office_id: uuid.UUID | None = None, words: Words | None = None) -> Flows:
    """Arrivals in the `months` months ending with `last_month`'s, and the quotas of its year,
    with names in `words`' language (the current language by default)."""
    words = words or Words.of(current_language())
    office = scope_office(session, office_id)
    period = months_back(last_month, months)
    month, in_period = arrivals_by_month(session, period[0], period[-1])
    grouped = (month, Person.category, Person.citizenship, Person.region_id, Person.office_id)
    query = select(*grouped, func.count()).where(*in_period).group_by(*grouped)
    if office is not None:
        query = query.where(Person.office_id == office.id)
    by: dict[str, dict] = {name: defaultdict(Counter)
                           for name in ("category", "country", "region", "office")}
    for key, category, country, region_id, office_id, count in session.execute(query):
        by["category"][category][key] += count
        by["country"][country][key] += count
        by["region"][region_id][key] += count
        by["office"][office_id][key] += count

    regions = {region.id: region for region in session.scalars(select(Region))}
    keys = [m.strftime("%Y-%m") for m in period]
    categories = tuple(
        FlowSeries(words.t(LABELS[PersonCategory][c]), tuple(by["category"][c].get(k, 0)
                                                              for k in keys))
        for c in PersonCategory)

    def country(code):
        return words.country(code) if code else words.t(N_("stateless"))

    def region(region_id):
        return (words.name(named(regions[region_id])) if region_id in regions
                else words.t(N_("not given")))

    # an office by its district (or city), short enough for a chart's legend; by its full
    # name where that is not given or two offices share it
    offices = {office_id: (district or name, name) for office_id, district, name
               in session.execute(select(Office.id, Office.district, Office.name))}
    shared = Counter(short for short, _name in offices.values())

    def office_name(office_id):
        if office_id not in offices:
            return words.t(N_("no office"))
        short, name = offices[office_id]
        return short if shared[short] == 1 else name

    arrivals = (
        FlowChart("category", N_("Arrivals by category"), N_("Persons"), (), categories,
                  stacked=True),
        FlowChart("country", N_("Arrivals by country of citizenship"), N_("Persons"), (),
                  _series(by["country"], period, country, words.t(N_("Other countries")))),
        FlowChart("region", N_("Arrivals by region"), N_("Persons"), (),
                  _series(by["region"], period, region, words.t(N_("Other regions")))),
        FlowChart("office", N_("Arrivals by office"), N_("Persons"), (),
                  _series(by["office"], period, office_name, words.t(N_("Other offices")))),
    )
    year = last_month.year
    quotas = _quota_bars(session, year, office.region_id if office else None, regions, words)
    return Flows(period, year, office.name if office else None, (*arrivals, *quotas))


def flows(database: Database, months: int = DEFAULT_PERIOD,
          office_id: uuid.UUID | None = None, today: dt.date | None = None) -> Flows:
    """The dashboard's flows up to this month, in the current language (its own session)."""
    with database.sessions() as session:
        return flows_of(session, today or dt.date.today(), months, office_id)
