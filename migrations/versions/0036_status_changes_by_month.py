"""status changes by month

The monthly summary counts each office's status changes of a month: every change of every
case and permit was read for it (a scan of 475,000 and 337,000 changes at 1,000,000 persons,
which an encrypted database decrypts page by page). These indexes read the month's alone.

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-04 07:20:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0036'
down_revision: Union[str, Sequence[str], None] = '0035'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

LIVE = {"sqlite_where": sa.text("deleted_at IS NULL"),
        "postgresql_where": sa.text("deleted_at IS NULL")}
INDEXES = {"ix_case_status_changes_month": ("case_status_changes", ["changed_on", "case_id"]),
           "ix_permit_status_changes_month": ("permit_status_changes",
                                              ["changed_on", "permit_id"])}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns, **LIVE)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
