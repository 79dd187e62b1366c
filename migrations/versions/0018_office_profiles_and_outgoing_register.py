"""office profiles and the outgoing register

An office's profile (its letterhead in each language, BIN, phone, logo, head and the pattern
of its outgoing numbers), the counter of outgoing numbers per office and year, and the
outgoing register's journal.

Revision ID: 0018
Revises: 0020
Create Date: 2026-12-02 17:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0018'
down_revision: Union[str, Sequence[str], None] = '0020'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('office_profiles',
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('addresses', sa.JSON(), nullable=False),
    sa.Column('head_positions', sa.JSON(), nullable=False),
    sa.Column('head_names', sa.JSON(), nullable=False),
    sa.Column('bin', sa.String(length=12), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('logo_type', sa.String(length=16), nullable=True, comment='png or jpeg'),
    sa.Column('register_pattern', sa.String(length=64), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_office_profiles_office_id_offices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_office_profiles')),
    sa.UniqueConstraint('office_id', name=op.f('uq_office_profiles_office_id'))
    )
    op.create_table('register_counters',
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_register_counters_office_id_offices')),
    sa.PrimaryKeyConstraint('office_id', 'year', name=op.f('pk_register_counters'))
    )
    op.create_table('outgoing_entries',
    sa.Column('office_id', sa.Uuid(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False, comment="the document's kind"),
    sa.Column('addressee', sa.Text(), nullable=True),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('person_name', sa.String(length=300), nullable=True),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('user_name', sa.String(length=255), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'], name=op.f('fk_outgoing_entries_office_id_offices')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_outgoing_entries_person_id_persons')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_outgoing_entries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_entries')),
    sa.UniqueConstraint('office_id', 'year', 'seq', name=op.f('uq_outgoing_entries_office_id_year_seq'))
    )
    with op.batch_alter_table('outgoing_entries', schema=None) as batch_op:
        batch_op.create_index('ix_outgoing_entries_issued_on', ['issued_on', 'seq'], unique=False)
        batch_op.create_index(batch_op.f('ix_outgoing_entries_person_id'), ['person_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outgoing_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outgoing_entries_person_id'))
        batch_op.drop_index('ix_outgoing_entries_issued_on')

    op.drop_table('outgoing_entries')
    op.drop_table('register_counters')
    op.drop_table('office_profiles')
