"""the audit trail's indexes by action and by record type, newest first

The trail's window filtered by an action or a record type reads its own index in its order,
and the filters' choices are found by probing these indexes (issue 26: a trail of millions of
entries).

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-03 22:30:00

"""
from typing import Sequence, Union

from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0031'
down_revision: Union[str, Sequence[str], None] = '0030'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_audit_entries_action_seq", "audit_entries", ["action", "seq"])
    op.create_index("ix_audit_entries_entity_type_seq", "audit_entries", ["entity_type", "seq"])


def downgrade() -> None:
    op.drop_index("ix_audit_entries_entity_type_seq", table_name="audit_entries")
    op.drop_index("ix_audit_entries_action_seq", table_name="audit_entries")
