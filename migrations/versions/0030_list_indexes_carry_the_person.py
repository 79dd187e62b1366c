"""the list indexes carry the person; permits by status in the list's order

A name search in the Repatriates, Foreign workers or Services list tests each row's person
while the list's order index is walked: with the person in the index no row is read for it
(issue 26). The permits list filtered by status reads its own index in the list's order.

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-03 21:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0030'
down_revision: Union[str, Sequence[str], None] = '0029'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

LIVE = {"sqlite_where": sa.text("deleted_at IS NULL"),
        "postgresql_where": sa.text("deleted_at IS NULL")}
LISTS = {  # index: (table, columns before, columns after)
    "ix_repatriate_cases_list": ("repatriate_cases", ["application_date", "case_number", "id"],
                                 ["application_date", "case_number", "id", "person_id"]),
    "ix_work_permits_list": ("work_permits", ["valid_from", "number"],
                             ["valid_from", "number", "person_id"]),
    "ix_service_records_list": ("service_records", ["start_date", "id"],
                                ["start_date", "id", "person_id"]),
}


def upgrade() -> None:
    for name, (table, _before, after) in LISTS.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, after, **LIVE)
    op.create_index("ix_work_permits_status_list", "work_permits",
                    ["status", "valid_from", "number", "person_id"], **LIVE)


def downgrade() -> None:
    op.drop_index("ix_work_permits_status_list", table_name="work_permits")
    for name, (table, before, _after) in LISTS.items():
        op.drop_index(name, table_name=table)
        op.create_index(name, table, before, **LIVE)
