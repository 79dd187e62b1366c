"""retention of personal data: rules per record type, purges (issue 23)

Three new tables: the retention rules an administrator sets (one row per record type, seeded
here with the defaults of services/retention.py: 5 years after a case is closed, 5 years after
a permit ends, 3 years after a service ends, 5 years after a person's last activity), the
purges supervisors approved (exchanged between offices) and the persons anonymised here.
Nothing existing changes.

Revision ID: 0023
Revises: 0019
Create Date: 2026-12-03 07:05:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0023'
down_revision: Union[str, None] = '0019'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# The defaults (kept in step with services/retention.py DEFAULT_YEARS; a migration never
# imports the application's code).
DEFAULT_YEARS = {"case_closed": 5, "permit_ended": 5, "service_ended": 3,
                 "person_inactive": 5}


def upgrade() -> None:
    rules = op.create_table(
        'retention_rules',
        sa.Column('record_type', sa.String(length=32), nullable=False,
                  comment='see retention.RECORD_TYPES'),
        sa.Column('years', sa.Integer(), nullable=False, comment='0: kept without a limit'),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('changed_by', sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint('record_type', name=op.f('pk_retention_rules')),
    )
    op.create_table(
        'retention_purges',
        sa.Column('approved_on', sa.Date(), nullable=False),
        sa.Column('approved_by', sa.String(length=64), nullable=True),
        sa.Column('office_id', sa.Uuid(), nullable=True),
        sa.Column('persons', sa.JSON(), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['office_id'], ['offices.id'],
                                name=op.f('fk_retention_purges_office_id_offices')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_purges')),
    )
    op.create_table(
        'purged_persons',
        sa.Column('person_id', sa.Uuid(), nullable=False),
        sa.Column('purge_id', sa.Uuid(), nullable=False),
        sa.Column('purged_on', sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'], ondelete='CASCADE',
                                name=op.f('fk_purged_persons_person_id_persons')),
        sa.PrimaryKeyConstraint('person_id', name=op.f('pk_purged_persons')),
    )
    with op.batch_alter_table('purged_persons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_purged_persons_purge_id'), ['purge_id'],
                              unique=False)
    op.bulk_insert(rules, [{"record_type": key, "years": years}
                           for key, years in DEFAULT_YEARS.items()])


def downgrade() -> None:
    with op.batch_alter_table('purged_persons', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_purged_persons_purge_id'))
    op.drop_table('purged_persons')
    op.drop_table('retention_purges')
    op.drop_table('retention_rules')
