"""case owners (an assigned clerk on cases, permits and service records) and stays past their
planned end (issue 19)

Every existing record starts unassigned: a clerk takes it, or a supervisor assigns it.

Revision ID: 0016
Revises: 0018
Create Date: 2026-12-02 17:10:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0016'
down_revision: Union[str, Sequence[str], None] = '0018'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

LIVE = sa.text('deleted_at IS NULL')
OPEN_STAYS = sa.text('end_date IS NULL AND deleted_at IS NULL')
OWNED = (
    ('repatriate_cases', ['owner_id', 'application_date', 'case_number', 'id']),
    ('work_permits', ['owner_id', 'valid_from', 'number']),
    ('service_records', ['owner_id', 'start_date', 'id']),
)


def upgrade() -> None:
    op.create_table(
        'owner_changes',
        sa.Column('record_type', sa.String(length=32), nullable=False,
                  comment="the record's table"),
        sa.Column('record_id', sa.Uuid(), nullable=False),
        sa.Column('owner_id', sa.Uuid(), nullable=True, comment='None: unassigned'),
        sa.Column('owner_name', sa.String(length=200), nullable=True),
        sa.Column('changed_by', sa.String(length=200), nullable=True),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_owner_changes')),
    )
    op.create_index('ix_owner_changes_record_id', 'owner_changes', ['record_id'])
    for table, columns in OWNED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('owner_id', sa.Uuid(), nullable=True))
            batch.create_foreign_key(f'fk_{table}_owner_id_users', 'users', ['owner_id'],
                                     ['id'])
            if table == 'service_records':
                batch.add_column(sa.Column('planned_end_date', sa.Date(), nullable=True))
                batch.add_column(sa.Column('past_end_flagged_on', sa.Date(), nullable=True))
        op.create_index(f'ix_{table}_owner', table, columns, sqlite_where=LIVE,
                        postgresql_where=LIVE)
    op.create_index('ix_service_records_planned_end', 'service_records', ['planned_end_date'],
                    sqlite_where=OPEN_STAYS, postgresql_where=OPEN_STAYS)


def downgrade() -> None:
    op.drop_index('ix_service_records_planned_end', 'service_records')
    for table, _columns in OWNED:
        op.drop_index(f'ix_{table}_owner', table)
        with op.batch_alter_table(table) as batch:
            batch.drop_constraint(f'fk_{table}_owner_id_users', type_='foreignkey')
            batch.drop_column('owner_id')
            if table == 'service_records':
                batch.drop_column('past_end_flagged_on')
                batch.drop_column('planned_end_date')
    op.drop_index('ix_owner_changes_record_id', 'owner_changes')
    op.drop_table('owner_changes')
