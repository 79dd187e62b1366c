"""a person's names and a record's office by id, without their rows

The monthly summary names the holders of next month's expiring documents and counts the
month's status changes by the office of their case or permit: each was a look-up by id in
the table's unique index and then the row itself, read at random for a name or an office.
These indexes hold the id with what is read (reports read them with INDEXED BY on SQLite,
kzmigdesk/db/indexed.py): at 1,000,000 persons the pages read for them about halve (an
encrypted database decrypts each).

Revision ID: 0043
Revises: 0042
Create Date: 2026-12-04 20:10:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0043'
down_revision: Union[str, Sequence[str], None] = '0042'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

INDEXES = {
    "ix_persons_names_by_id": ("persons", ["id", "surname", "given_name"]),
    "ix_repatriate_cases_office_by_id": ("repatriate_cases", ["id", "office_id"]),
    "ix_work_permits_office_by_id": ("work_permits", ["id", "office_id"]),
}
LIVE = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, sqlite_where=LIVE, postgresql_where=LIVE)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
