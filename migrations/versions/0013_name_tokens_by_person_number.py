"""name tokens refer to a local integer number of the person (person_numbers)

A search of two common names intersects two ranges of some 20,000 tokens each; on integers
rather than 32-character UUID strings that takes about 1.7 times less (benchmarks/). The
tokens are derived data: they are copied over, never exchanged.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 17:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0013'
down_revision: Union[str, Sequence[str], None] = '0012'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        'person_numbers',
        sa.Column('no', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('person_id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'],
                                name=op.f('fk_person_numbers_person_id_persons'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('no', name=op.f('pk_person_numbers')),
        sa.UniqueConstraint('person_id', name=op.f('uq_person_numbers_person_id')),
    )
    op.execute("INSERT INTO person_numbers (person_id) "
               "SELECT DISTINCT person_id FROM person_name_tokens ORDER BY person_id")
    op.execute("CREATE TABLE tokens_by_number AS SELECT t.token AS token, n.no AS person_no "
               "FROM person_name_tokens t JOIN person_numbers n ON n.person_id = t.person_id")
    op.drop_table('person_name_tokens')
    _create_tokens(
        sa.Column('person_no', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['person_no'], ['person_numbers.no'],
                                name=op.f('fk_person_name_tokens_person_no_person_numbers'),
                                ondelete='CASCADE'),
        key='person_no')
    op.execute("INSERT INTO person_name_tokens (token, person_no) "
               "SELECT token, person_no FROM tokens_by_number ORDER BY token, person_no")
    op.drop_table('tokens_by_number')


def downgrade() -> None:
    op.execute("CREATE TABLE tokens_by_person AS SELECT t.token AS token, n.person_id AS "
               "person_id FROM person_name_tokens t JOIN person_numbers n ON n.no = t.person_no")
    op.drop_table('person_name_tokens')
    _create_tokens(
        sa.Column('person_id', sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'],
                                name=op.f('fk_person_name_tokens_person_id_persons'),
                                ondelete='CASCADE'),
        key='person_id')
    op.execute("INSERT INTO person_name_tokens (token, person_id) "
               "SELECT token, person_id FROM tokens_by_person")
    op.drop_table('tokens_by_person')
    op.drop_table('person_numbers')


def _create_tokens(person_column, foreign_key, key: str) -> None:
    op.create_table(
        'person_name_tokens',
        sa.Column('token', sa.String(length=40), nullable=False),
        person_column,
        foreign_key,
        sa.PrimaryKeyConstraint('token', key, name=op.f('pk_person_name_tokens')),
        sqlite_with_rowid=(key == 'person_id'),
    )
    op.create_index(f'ix_person_name_tokens_{key}_token', 'person_name_tokens', [key, 'token'])
