"""access accounting and the legal basis of each person (issue 23)

`access_entries`: an append-only log of reads of persons' data (a record opened, a search by
IIN or document number that returned the person, a scan viewed, a print, an export), written
in batches by services/access.py; UPDATE and DELETE are refused by triggers as on the audit
trail (the PostgreSQL function kzmigdesk_append_only of 0019). `person_legal_bases`: the legal
basis (law, consent, a requested service) of each person, with its date, scan and withdrawal.

Revision ID: 0022
Revises: 0019
Create Date: 2026-12-03 07:15:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = '0022'
down_revision: Union[str, Sequence[str], None] = '0023'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLE = "access_entries"


def upgrade() -> None:
    op.create_table(TABLE,
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
              nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False, comment='an AccessKind'),
    sa.Column('detail', sa.String(length=100), nullable=True, comment='the form, the scan, ...'),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('username', sa.String(length=64), nullable=True),
    sa.Column('office_id', sa.Uuid(), nullable=True),
    sa.Column('desk', sa.String(length=64), nullable=True, comment="the computer's name"),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_access_entries'))
    )
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_entries_at'), ['at'], unique=False)
        batch_op.create_index('ix_access_entries_person_id_at', ['person_id', 'at'],
                              unique=False)
    op.create_table('person_legal_bases',
    sa.Column('person_id', sa.Uuid(), nullable=False),
    sa.Column('basis', sa.Enum('law', 'consent', 'contract', name='legalbasis',
                               native_enum=False, length=32), nullable=False),
    sa.Column('since', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=True,
              comment="the law's article, ..."),
    sa.Column('scan_id', sa.Uuid(), nullable=True),
    sa.Column('withdrawn_on', sa.Date(), nullable=True),
    sa.Column('office_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['office_id'], ['offices.id'],
                            name=op.f('fk_person_legal_bases_office_id_offices')),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'],
                            name=op.f('fk_person_legal_bases_person_id_persons')),
    sa.ForeignKeyConstraint(['scan_id'], ['scans.id'],
                            name=op.f('fk_person_legal_bases_scan_id_scans')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_legal_bases'))
    )
    with op.batch_alter_table('person_legal_bases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_legal_bases_person_id'), ['person_id'],
                              unique=False)
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"CREATE TRIGGER {TABLE}_no_{verb} BEFORE {verb.upper()} ON {TABLE} "
                       f"BEGIN SELECT RAISE(ABORT, '{TABLE} is append-only'); END")
    else:
        op.execute(f"CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE "
                   f"ON {TABLE} FOR EACH STATEMENT EXECUTE FUNCTION kzmigdesk_append_only()")
        op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_{verb}")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}")
    with op.batch_alter_table('person_legal_bases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_legal_bases_person_id'))
    op.drop_table('person_legal_bases')
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index('ix_access_entries_person_id_at')
        batch_op.drop_index(batch_op.f('ix_access_entries_at'))
    op.drop_table(TABLE)
