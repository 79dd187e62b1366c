"""name tokens carry their person's id

A walk of the services list by persons (PostgreSQL) read a name's persons' numbers from the
list's index of tokens and then looked each one up for its id, some 1.9 us a person: at
5,000,000 persons "Х" names 80,000 of the services' persons, 154 ms of a 190 ms statement.
Each token now carries its person's id, and the lists' indexes with it, so that the walk
hashes the ids from the index alone. On PostgreSQL the table is written anew (an UPDATE of
every row would leave it and its seven indexes twice their size); on SQLite the column is
added and filled.

Revision ID: 0041
Revises: 0040
Create Date: 2026-12-04 16:30:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0041'
down_revision: Union[str, Sequence[str], None] = '0040'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

LISTED_IN = {"repatriate_cases": 1, "work_permits": 2, "service_records": 4}
OFFICE = "kzmigdesk_may_write(kzmigdesk_office_of_number(person_no))"
POLICIES = {"insert": f"FOR INSERT WITH CHECK ({OFFICE})",
            "update": f"FOR UPDATE USING ({OFFICE}) WITH CHECK ({OFFICE})",
            "delete": f"FOR DELETE USING ({OFFICE})",
            "select": "FOR SELECT USING (true)"}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        op.add_column("person_name_tokens", sa.Column("person_id", sa.Uuid(), nullable=True))
        op.execute("UPDATE person_name_tokens SET person_id = (SELECT n.person_id FROM "
                   "person_numbers n WHERE n.no = person_name_tokens.person_no)")
        return
    op.execute("CREATE TABLE person_name_tokens_new (token varchar(40) NOT NULL, "
               "person_no integer NOT NULL, sort_name varchar(100) DEFAULT '' NOT NULL, "
               "lists integer DEFAULT 0 NOT NULL, person_id uuid)")
    # in the key's order, as the old table was filled: a word's tokens have their sort names
    # on a few pages (in the join's order "nur" read 69,000 pages at 5,000,000 persons, 0.6 s)
    op.execute("INSERT INTO person_name_tokens_new SELECT t.token, t.person_no, t.sort_name, "
               "t.lists, n.person_id FROM person_name_tokens t "
               "JOIN person_numbers n ON n.no = t.person_no ORDER BY t.token, t.person_no")
    op.drop_table("person_name_tokens")
    op.rename_table("person_name_tokens_new", "person_name_tokens")
    _keys_and_indexes()
    op.execute("ALTER TABLE person_name_tokens ALTER COLUMN token SET STATISTICS 5000")
    op.execute("ALTER TABLE person_name_tokens ENABLE ROW LEVEL SECURITY")
    for verb, clause in POLICIES.items():
        op.execute(f"CREATE POLICY kzmigdesk_{verb} ON person_name_tokens {clause}")
    op.execute("ANALYZE person_name_tokens")


def _keys_and_indexes() -> None:
    """The PostgreSQL table's key, foreign key and indexes, built after its rows."""
    op.create_primary_key("pk_person_name_tokens", "person_name_tokens", ["token", "person_no"])
    op.create_foreign_key("fk_person_name_tokens_person_no_person_numbers",
                          "person_name_tokens", "person_numbers", ["person_no"], ["no"],
                          ondelete="CASCADE")
    op.create_index("ix_person_name_tokens_person_no_token", "person_name_tokens",
                    ["person_no", "token"])
    for letters in (1, 2):
        op.execute(f"CREATE INDEX ix_person_name_tokens_first{letters}_pg ON "
                   f"person_name_tokens (left(token, {letters}), sort_name, person_no)")
    _list_indexes(["token", "person_no", "person_id"])


def _list_indexes(columns: list[str]) -> None:
    for table, flag in LISTED_IN.items():
        op.create_index(f"ix_person_name_tokens_{table}_pg", "person_name_tokens", columns,
                        postgresql_where=sa.text(f"(lists & {flag}) <> 0"))


def downgrade() -> None:
    # the lists' indexes go with the column (PostgreSQL); SQLite drops a column since 3.35
    op.execute("ALTER TABLE person_name_tokens DROP COLUMN person_id")
    if op.get_bind().dialect.name == "postgresql":
        _list_indexes(["token", "person_no"])
