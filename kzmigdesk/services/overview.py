"""Figures shown on the main window's sections: counts straight from the database."""


from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kzmigdesk.domain.models import (
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


def persons_registered_by_month(session: Session, months: int = 12) -> Rows:
    """Persons created per calendar month, newest first (the month as YYYY-MM)."""
    month = func.strftime("%Y-%m", Person.created_at)
    if session.get_bind().dialect.name == "postgresql":
        month = func.to_char(Person.created_at, "YYYY-MM")
    query = select(month, func.count()).group_by(month).order_by(month.desc()).limit(months)
    return [(str(m), count) for m, count in session.execute(query)]
