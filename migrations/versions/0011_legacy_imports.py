"""imports of legacy lists of persons: resumable, each row recorded once

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 16:00:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision: str = '0011'
down_revision: Union[str, Sequence[str], None] = '0010'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table('legacy_imports',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('header', sa.Text(), nullable=False, comment="the file's column names, JSON"),
    sa.Column('mapping', sa.Text(), nullable=False, comment='target field per column, JSON'),
    sa.Column('options', sa.Text(), nullable=False, comment='JSON'),
    sa.Column('total_rows', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False, comment='unfinished, finished, abandoned'),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_legacy_imports_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legacy_imports'))
    )
    with op.batch_alter_table('legacy_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legacy_imports_file_sha256'), ['file_sha256'], unique=False)

    op.create_table('legacy_import_rows',
    sa.Column('import_id', sa.Uuid(), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False, comment='imported or rejected'),
    sa.Column('person_id', sa.Uuid(), nullable=True),
    sa.Column('duplicate', sa.Boolean(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=True, comment='why it was rejected, JSON'),
    sa.Column('cells', sa.Text(), nullable=True, comment="a rejected row's cells, JSON"),
    sa.ForeignKeyConstraint(['import_id'], ['legacy_imports.id'], name=op.f('fk_legacy_import_rows_import_id_legacy_imports')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_legacy_import_rows_person_id_persons')),
    sa.PrimaryKeyConstraint('import_id', 'row_number', name=op.f('pk_legacy_import_rows'))
    )


def downgrade() -> None:
    op.drop_table('legacy_import_rows')
    with op.batch_alter_table('legacy_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legacy_imports_file_sha256'))

    op.drop_table('legacy_imports')
