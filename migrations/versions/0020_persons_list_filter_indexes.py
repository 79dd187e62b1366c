"""indexes of the persons list's filters in each of its orders, and of the IIN order, among
live persons (issue 26)

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-02 17:20:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0020'
down_revision: Union[str, Sequence[str], None] = '0017'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

LIVE_ROWS = {
    "sqlite_where": sa.text("deleted_at IS NULL"),
    "postgresql_where": sa.text("deleted_at IS NULL"),
}
INDEXES = (("ix_persons_iin_id_live", ["iin", "id"]),) + tuple(
    (f"ix_persons_{column}_{'_'.join(order)}", [column, *order])
    for column in ("status", "category", "region_id")
    for order in (("sort_name", "id"), ("birth_date", "sort_name", "id"), ("iin", "id"),
                  ("created_at", "id")))


def upgrade() -> None:
    for name, columns in INDEXES:
        op.create_index(name, "persons", columns, unique=False, **LIVE_ROWS)


def downgrade() -> None:
    for name, _columns in INDEXES:
        op.drop_index(name, "persons")
