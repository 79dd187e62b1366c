"""the audit trail's index by user and number

The trail filtered by a user (a case-insensitive prefix of the user name: the names it begins
are found by probing this index) reads the user's entries newest first from this index
instead of testing every entry (issue 26: the page at row 100,000 of a user's entries, among
3,000,000, read 1 s of entries on SQLite).

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-04 04:00:00

"""
from typing import Sequence, Union

from alembic import op

revision: str = '0033'
down_revision: Union[str, Sequence[str], None] = '0032'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_audit_entries_username_seq", "audit_entries", ["username", "seq"])


def downgrade() -> None:
    op.drop_index("ix_audit_entries_username_seq", table_name="audit_entries")
