"""covering indexes for quota usage and its monthly shape

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 14:40:00

"""
from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0007'
down_revision: Union[str, Sequence[str], None] = '0006'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.drop_index('ix_work_permits_quota', 'work_permits')
    op.create_index('ix_work_permits_quota', 'work_permits',
                    ['quota_year', 'region_id', 'category', 'holds_quota_slot', 'valid_from'])
    op.drop_index('ix_repatriate_cases_quota', 'repatriate_cases')
    op.create_index('ix_repatriate_cases_quota', 'repatriate_cases',
                    ['quota_year', 'resettlement_region_id', 'status', 'certificate_issue_date'])


def downgrade() -> None:
    op.drop_index('ix_repatriate_cases_quota', 'repatriate_cases')
    op.create_index('ix_repatriate_cases_quota', 'repatriate_cases',
                    ['quota_year', 'resettlement_region_id'])
    op.drop_index('ix_work_permits_quota', 'work_permits')
    op.create_index('ix_work_permits_quota', 'work_permits',
                    ['quota_year', 'region_id', 'category'])
