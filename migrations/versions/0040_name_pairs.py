"""name pairs: every two tokens of a person's names

A search of two words (mostly a whole name) intersected each word's tokens: at 5,000,000
persons "Серік Қанат" read 230,000 tokens for 3,000 persons, then sorted their rows (0.1 s).
The pairs of each person's tokens, with the person's sort name and id, give those persons
in the list's order from one range a token of the first word. Filled from the tokens.
On PostgreSQL a desk login writes the pairs of its own office's persons only, as the tokens.

Revision ID: 0040
Revises: 0039
Create Date: 2026-12-04 14:15:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0040'
down_revision: Union[str, Sequence[str], None] = '0039'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

PAIRS = ("SELECT a.token, b.token, a.sort_name, n.person_id FROM person_name_tokens a "
         "JOIN person_name_tokens b ON b.person_no = a.person_no AND a.token < b.token "
         "JOIN person_numbers n ON n.no = a.person_no")
OFFICE = "kzmigdesk_may_write(kzmigdesk_office_of('persons', person_name_pairs.person_id))"


def upgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    key = sa.PrimaryKeyConstraint("first_token", "second_token", "sort_name", "person_id",
                                  name=op.f("pk_person_name_pairs"))
    op.create_table(
        "person_name_pairs",
        sa.Column("first_token", sa.String(length=40), nullable=False),
        sa.Column("second_token", sa.String(length=40), nullable=False),
        sa.Column("sort_name", sa.String(length=100), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        *(() if postgresql else (key,)),
        sqlite_with_rowid=False,
    )
    op.execute("INSERT INTO person_name_pairs (first_token, second_token, sort_name, person_id) "
               + PAIRS + ("" if postgresql else " ORDER BY 1, 2, 3, 4"))
    if postgresql:  # the key built once, after the rows
        op.create_primary_key(op.f("pk_person_name_pairs"), "person_name_pairs",
                              ["first_token", "second_token", "sort_name", "person_id"])
        op.execute("ANALYZE person_name_pairs")
        op.execute("ALTER TABLE person_name_pairs ENABLE ROW LEVEL SECURITY")
        for verb, clause in (("insert", f"FOR INSERT WITH CHECK ({OFFICE})"),
                             ("update", f"FOR UPDATE USING ({OFFICE}) WITH CHECK ({OFFICE})"),
                             ("delete", f"FOR DELETE USING ({OFFICE})"),
                             ("select", "FOR SELECT USING (true)")):
            op.execute(f"CREATE POLICY kzmigdesk_{verb} ON person_name_pairs {clause}")


def downgrade() -> None:
    op.drop_table("person_name_pairs")
