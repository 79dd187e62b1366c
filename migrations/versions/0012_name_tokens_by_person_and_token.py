"""the name tokens' index by person holds the token too

A search's short word ("У", "Го") begins tens of thousands of tokens; it is checked on the
persons the longer words matched, one seek each in this index.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 16:40:00

"""
from typing import Sequence, Union

from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0012'
down_revision: Union[str, Sequence[str], None] = '0011'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.drop_index('ix_person_name_tokens_person_id', 'person_name_tokens')
    op.create_index('ix_person_name_tokens_person_id_token', 'person_name_tokens',
                    ['person_id', 'token'])


def downgrade() -> None:
    op.drop_index('ix_person_name_tokens_person_id_token', 'person_name_tokens')
    op.create_index('ix_person_name_tokens_person_id', 'person_name_tokens', ['person_id'])
