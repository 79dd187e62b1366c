"""record origins, and what each peer office is sent

A regional office exchanges with its districts and the ministry (issue 25): each record that
arrives keeps the office that registered it and the offices it came through
(record_origins), and a peer is sent every record ("everything") or only those registered
here or at the peer, or that came through it ("own": a region to its districts). On
PostgreSQL the new table is written by supervisors' and administrators' logins only, as the
exchange's other tables (migration 0027).

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-03 18:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision: str = '0029'
down_revision: Union[str, Sequence[str], None] = '0028'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("exchange_peers", sa.Column(
        "sends", sa.String(length=16), server_default="everything", nullable=False,
        comment="everything: every record; own: those registered here or at the peer, or "
                "that came through it (a region to a district)"))
    op.create_table(
        "record_origins",
        sa.Column("entity_type", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("origin", sa.String(length=100), nullable=False),
        sa.Column("path", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False,
                  comment="the version that came by `path`"),
        sa.Column("author_role", sa.String(length=16), nullable=True,
                  comment="the role of that version's author, as its trail said"),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("entity_type", "entity_id", name=op.f("pk_record_origins")),
    )
    op.create_index(op.f("ix_record_origins_received_at"), "record_origins", ["received_at"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE record_origins ENABLE ROW LEVEL SECURITY")
        for verb, clause in (
                ("insert", "FOR INSERT WITH CHECK (kzmigdesk_may_manage())"),
                ("update", "FOR UPDATE USING (kzmigdesk_may_manage()) "
                           "WITH CHECK (kzmigdesk_may_manage())"),
                ("delete", "FOR DELETE USING (kzmigdesk_may_manage())"),
                ("select", "FOR SELECT USING (true)")):
            op.execute(f"CREATE POLICY kzmigdesk_{verb} ON record_origins {clause}")


def downgrade() -> None:
    op.drop_index(op.f("ix_record_origins_received_at"), table_name="record_origins")
    op.drop_table("record_origins")
    with op.batch_alter_table("exchange_peers") as batch:
        batch.drop_column("sends")
