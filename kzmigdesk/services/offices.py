"""The offices, as the choice lists of the windows show them."""

import uuid

from sqlalchemy import select

from kzmigdesk.db.session import Database
from kzmigdesk.domain.models import Office


def office_choices(database: Database) -> list[tuple[str, uuid.UUID]]:
    """(name, id) of every office, by name."""
    with database.sessions() as session:
        return [(name, office_id) for name, office_id in session.execute(
            select(Office.name, Office.id).order_by(Office.name))]
