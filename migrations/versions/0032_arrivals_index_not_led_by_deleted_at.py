"""the arrivals index on SQLite: partial, no longer led by deleted_at

ix_persons_arrivals (migration 0021) began with deleted_at. Without statistics (an office's
database is never analysed) SQLite takes an equality on an index's first column for a
selective one, so every query of persons with `deleted_at IS NULL` (all of them) could be led
by this index: a search by IIN read the whole table, 3.4 s at 1,000,000 persons instead of a
millisecond. The index becomes partial (WHERE deleted_at IS NULL) and begins with the month,
which only the flows' query names. PostgreSQL keeps its statistics and its index.

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-04 03:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0032'
down_revision: Union[str, Sequence[str], None] = '0031'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

REST = ["category", "citizenship", "region_id", "office_id"]
MONTH = sa.text("substr(created_at, 1, 7)")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.drop_index("ix_persons_arrivals", table_name="persons")
    op.create_index("ix_persons_arrivals", "persons", [MONTH, *REST],
                    sqlite_where=sa.text("deleted_at IS NULL"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.drop_index("ix_persons_arrivals", table_name="persons")
    op.create_index("ix_persons_arrivals", "persons", ["deleted_at", MONTH, *REST])
