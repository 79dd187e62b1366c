"""name tokens know the lists their person is in; the lists by person in their order

A search of the cases, permits or services list by a name that many persons bear but few in
that list (a Kazakh name among foreign workers) found every person of that name first (93,000
for "Нұ" at 1,000,000 persons), then looked each up in the list. Each token now carries the
lists its person has rows in (a bit per list, PersonNameToken.lists), so that such a search
reads only the persons of its list. Triggers set the bit when a row names a person (inserted
or moved to another person); it is never cleared (a deleted row leaves a bit too many, which
the list's own condition then rejects). The persons' rows are then sorted from an index by
person in the list's order (which replaces the index by person alone), without reading a
row (services by "Ник": 110 -> 19 ms). On PostgreSQL an index by token and lists reads a
list's persons' tokens without the table, and a search finds its few persons' numbers first
and gives them to the list's query as values (list_pages.person_condition).

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-04 06:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0034'
down_revision: Union[str, Sequence[str], None] = '0033'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

LISTED_IN = {"repatriate_cases": 1, "work_permits": 2, "service_records": 4}
BY_PERSON = {  # table: the list's order after the person (replaces ix_<table>_person_id)
    "repatriate_cases": ["application_date", "case_number", "id"],
    "work_permits": ["valid_from", "number", "id"],
    "service_records": ["start_date", "id"],
}
MARK = ("UPDATE person_name_tokens SET lists = lists | {flag} WHERE person_no = "
        "(SELECT no FROM person_numbers WHERE person_id = NEW.person_id) "
        "AND lists & {flag} = 0")


def upgrade() -> None:
    for table, order in BY_PERSON.items():
        op.create_index(f"ix_{table}_by_person", table, ["person_id", *order, "deleted_at"])
        op.drop_index(f"ix_{table}_person_id", table_name=table)
    with op.batch_alter_table("person_name_tokens") as batch_op:
        batch_op.add_column(sa.Column("lists", sa.Integer(), server_default="0",
                                      nullable=False))
    for table, flag in LISTED_IN.items():
        op.execute(f"UPDATE person_name_tokens SET lists = lists | {flag} WHERE person_no IN "
                   f"(SELECT n.no FROM person_numbers n JOIN {table} r "
                   f"ON r.person_id = n.person_id)")
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_person_name_tokens_listed_pg", "person_name_tokens",
                        ["token", "lists", "person_no"])
        # A finer histogram of the tokens: the default one misjudged a beginning's matches
        # eightfold, and the plan of a list's search with them.
        op.execute("ALTER TABLE person_name_tokens ALTER COLUMN token SET STATISTICS 5000")
        op.execute("ANALYZE person_name_tokens")  # the new column's, for the next plans
        op.execute("CREATE OR REPLACE FUNCTION kzmigdesk_listed_in() RETURNS trigger "
                   "LANGUAGE plpgsql AS $$ DECLARE flag integer := TG_ARGV[0]::integer; "
                   f"BEGIN {MARK.format(flag='flag')}; RETURN NULL; END $$")
        for table, flag in LISTED_IN.items():
            op.execute(f"CREATE TRIGGER {table}_listed_in AFTER INSERT OR UPDATE OF person_id "
                       f"ON {table} FOR EACH ROW EXECUTE FUNCTION kzmigdesk_listed_in('{flag}')")
        return
    for table, flag in LISTED_IN.items():
        for name, event in (("listed_in", "INSERT"), ("listed_in_moved", "UPDATE OF person_id")):
            op.execute(f"CREATE TRIGGER {table}_{name} AFTER {event} ON {table} "
                       f"BEGIN {MARK.format(flag=flag)}; END")


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for table in LISTED_IN:
        if postgresql:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_listed_in ON {table}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_listed_in")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_listed_in_moved")
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS kzmigdesk_listed_in()")
        op.drop_index("ix_person_name_tokens_listed_pg", table_name="person_name_tokens")
        op.execute("ALTER TABLE person_name_tokens ALTER COLUMN token SET STATISTICS -1")
    with op.batch_alter_table("person_name_tokens") as batch_op:
        batch_op.drop_column("lists")
    for table in BY_PERSON:
        op.create_index(f"ix_{table}_person_id", table, ["person_id"])
        op.drop_index(f"ix_{table}_by_person", table_name=table)
