"""an index of stays by service type and last day, for centre occupancy

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 14:58:00

"""
from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0008'
down_revision: Union[str, Sequence[str], None] = '0007'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index('ix_service_records_stays', 'service_records',
                    ['service_type_id', 'end_date', 'start_date', 'centre_id'])


def downgrade() -> None:
    op.drop_index('ix_service_records_stays', 'service_records')
