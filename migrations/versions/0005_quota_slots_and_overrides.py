"""quota slots: a permit's slot can be given back; kandas overrides; kandas quota index

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 12:50:00

"""
from typing import Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '0005'
down_revision: Union[str, Sequence[str], None] = '0004'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table('work_permits', schema=None) as batch_op:
        batch_op.add_column(sa.Column('holds_quota_slot', sa.Boolean(),
                                      server_default=sa.true(), nullable=False))
    with op.batch_alter_table('repatriate_cases', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quota_override_reason', sa.Text(), nullable=True))
    op.create_index('ix_repatriate_cases_quota', 'repatriate_cases',
                    ['quota_year', 'resettlement_region_id'])
    # A permit revoked within its quota year gave its slot back (the rule in services/quotas).
    op.execute(sa.text(
        "UPDATE work_permits SET holds_quota_slot = false WHERE status = 'revoked' AND EXISTS ("
        " SELECT 1 FROM permit_status_changes c WHERE c.permit_id = work_permits.id"
        " AND c.to_status = 'revoked'"
        " AND CAST(EXTRACT(YEAR FROM c.changed_on) AS INTEGER) = work_permits.quota_year)"
        if op.get_bind().dialect.name == "postgresql" else
        "UPDATE work_permits SET holds_quota_slot = 0 WHERE status = 'revoked' AND EXISTS ("
        " SELECT 1 FROM permit_status_changes c WHERE c.permit_id = work_permits.id"
        " AND c.to_status = 'revoked'"
        " AND CAST(strftime('%Y', c.changed_on) AS INTEGER) = work_permits.quota_year)"
    ))


def downgrade() -> None:
    op.drop_index('ix_repatriate_cases_quota', 'repatriate_cases')
    with op.batch_alter_table('repatriate_cases', schema=None) as batch_op:
        batch_op.drop_column('quota_override_reason')
    with op.batch_alter_table('work_permits', schema=None) as batch_op:
        batch_op.drop_column('holds_quota_slot')
