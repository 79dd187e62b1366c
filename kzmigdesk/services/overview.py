"""Figures shown on the main window's sections: counts straight from the database."""

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kzmigdesk.domain.enums import PermitCategory, label
from kzmigdesk.domain.models import (
    LabourQuota,
    Person,
    Region,
)

Rows = list[tuple[str, int]]


def persons_by_region(session: Session) -> Rows:
    query = (
        select(Region, func.count(Person.id))
        .join(Person, Person.region_id == Region.id)
        .group_by(Region.id)
        .order_by(Region.sort_order)
    )
    return [(region.name, count) for region, count in session.execute(query)]


def labour_quota_by_category(session: Session, year: int | None = None) -> Rows:
    year = year or dt.date.today().year
    totals = dict(
        session.execute(
            select(LabourQuota.category, func.sum(LabourQuota.amount))
            .where(LabourQuota.year == year)
            .group_by(LabourQuota.category)
        )
        .all()
    )
    return [(label(category), int(totals.get(category) or 0)) for category in PermitCategory]


def persons_registered_by_month(session: Session, months: int = 12) -> Rows:
    """Persons created per calendar month, newest first (the month as YYYY-MM)."""
    month = func.strftime("%Y-%m", Person.created_at)
    if session.get_bind().dialect.name == "postgresql":
        month = func.to_char(Person.created_at, "YYYY-MM")
    query = select(month, func.count()).group_by(month).order_by(month.desc()).limit(months)
    return [(str(m), count) for m, count in session.execute(query)]
