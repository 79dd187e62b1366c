"""name tokens carry their person's sort name

The persons a word of a name begins are then ordered as the list orders them (by name) from
the tokens alone, without reading their rows: the first page of a search that matches tens
of thousands of persons (issue 26). On SQLite the tokens table is WITHOUT ROWID, so the column
lives in the primary key's own B-tree, the range the search reads.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-03 17:45:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0028'
down_revision: Union[str, Sequence[str], None] = '0027'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("person_name_tokens", sa.Column("sort_name", sa.String(length=100),
                                                  server_default="", nullable=False))
    op.execute("UPDATE person_name_tokens SET sort_name = COALESCE((SELECT p.sort_name "
               "FROM person_numbers n JOIN persons p ON p.id = n.person_id "
               "WHERE n.no = person_name_tokens.person_no), '')")


def downgrade() -> None:
    # SQLite 3.35 drops a column in place (batch mode would rebuild the table with a rowid)
    op.execute("ALTER TABLE person_name_tokens DROP COLUMN sort_name")
