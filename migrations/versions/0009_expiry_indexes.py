"""indexes on the expiry dates that the monthly summary's expiring list reads

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 15:40:00

"""
from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0009'
down_revision: Union[str, Sequence[str], None] = '0008'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_identity_documents_expiry_date', 'identity_documents', ['expiry_date'])
    op.create_index('ix_work_permits_valid_to', 'work_permits', ['valid_to'])


def downgrade() -> None:
    op.drop_index('ix_work_permits_valid_to', 'work_permits')
    op.drop_index('ix_identity_documents_expiry_date', 'identity_documents')
