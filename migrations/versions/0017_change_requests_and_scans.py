"""change requests awaiting approval, and scans attached to persons and requests (issue 20)

Revision ID: 0017
Revises: 0021
Create Date: 2026-12-02 17:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0017'
down_revision: Union[str, Sequence[str], None] = '0021'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

KINDS = ('identity', 'kandas_status', 'citizenship_step', 'permit_revocation', 'deletion')
STATUSES = ('draft', 'submitted', 'approved', 'rejected', 'withdrawn')


def _entity_columns() -> list:
    return [
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        'change_requests',
        sa.Column('kind', sa.Enum(*KINDS, name='changekind', native_enum=False, length=32),
                  nullable=False),
        sa.Column('status', sa.Enum(*STATUSES, name='requeststatus', native_enum=False,
                                    length=32), nullable=False),
        sa.Column('target_type', sa.String(length=64), nullable=False,
                  comment="the target's table"),
        sa.Column('target_id', sa.Uuid(), nullable=False),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('base', sa.JSON(), nullable=False),
        sa.Column('summary', sa.String(length=255), nullable=False,
                  comment='the target, as named'),
        sa.Column('office_id', sa.Uuid(), nullable=True),
        sa.Column('author_id', sa.Uuid(), nullable=True),
        sa.Column('author_name', sa.String(length=64), nullable=True),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decided_by_id', sa.Uuid(), nullable=True),
        sa.Column('decided_by_name', sa.String(length=64), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('held_at', sa.String(length=100), nullable=True),
        *_entity_columns(),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_change_requests_author_id_users')),
        sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'],
                                name=op.f('fk_change_requests_decided_by_id_users')),
        sa.ForeignKeyConstraint(['office_id'], ['offices.id'],
                                name=op.f('fk_change_requests_office_id_offices')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_change_requests')),
    )
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.create_index('ix_change_requests_status_office', ['status', 'office_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_change_requests_target_id'), ['target_id'],
                              unique=False)

    op.create_table(
        'scans',
        sa.Column('person_id', sa.Uuid(), nullable=True),
        sa.Column('request_id', sa.Uuid(), nullable=True),
        sa.Column('file_name', sa.String(length=255), nullable=False),
        sa.Column('media_type', sa.String(length=32), nullable=False,
                  comment="from the content's magic bytes"),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('description', sa.String(length=200), nullable=True),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        *_entity_columns(),
        sa.ForeignKeyConstraint(['person_id'], ['persons.id'],
                                name=op.f('fk_scans_person_id_persons')),
        sa.ForeignKeyConstraint(['request_id'], ['change_requests.id'],
                                name=op.f('fk_scans_request_id_change_requests')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_scans')),
    )
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_scans_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_scans_request_id'), ['request_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('scans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_scans_request_id'))
        batch_op.drop_index(batch_op.f('ix_scans_person_id'))
    op.drop_table('scans')
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_requests_target_id'))
        batch_op.drop_index('ix_change_requests_status_office')
    op.drop_table('change_requests')
