"""reference data keeps its names in one JSON column, language code → name

regions and service_types had name_kk, name_ru and name_en; a fourth language would have
needed a column on each. Now `names` holds {"kk": ..., "ru": ..., "en": ...} and a language
is data (kzmigdesk.languages). Ids, codes and versions stay.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 15:00:00

"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0014'
down_revision: Union[str, Sequence[str], None] = '0013'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

TABLES = ('regions', 'service_types')
CODES = ('kk', 'ru', 'en')  # the languages of the old columns


def _table(name: str) -> sa.Table:
    return sa.table(name, sa.column('id', sa.Uuid()), sa.column('names', sa.JSON()),
                    *(sa.column(f'name_{code}', sa.String()) for code in CODES))


def upgrade() -> None:
    connection = op.get_bind()
    for name in TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.add_column(sa.Column('names', sa.JSON(), nullable=True))
        table = _table(name)
        rows = connection.execute(
            sa.select(table.c.id, *(table.c[f'name_{code}'] for code in CODES))).all()
        for row in rows:
            names = {code: row._mapping[f'name_{code}'] for code in CODES}
            connection.execute(table.update().where(table.c.id == row.id).values(names=names))
        with op.batch_alter_table(name, schema=None) as batch_op:
            batch_op.alter_column('names', existing_type=sa.JSON(), nullable=False)
            for code in CODES:
                batch_op.drop_column(f'name_{code}')


def downgrade() -> None:
    connection = op.get_bind()
    for name in TABLES:
        with op.batch_alter_table(name, schema=None) as batch_op:
            for code in reversed(CODES):
                batch_op.add_column(sa.Column(f'name_{code}', sa.String(length=200),
                                              nullable=True))
        table = _table(name)
        for row in connection.execute(sa.select(table.c.id, table.c.names)).all():
            names = row.names or {}
            present = next((value for value in names.values() if value), '')
            connection.execute(table.update().where(table.c.id == row.id).values(
                {f'name_{code}': names.get(code) or present for code in CODES}))
        with op.batch_alter_table(name, schema=None) as batch_op:
            for code in CODES:
                batch_op.alter_column(f'name_{code}', existing_type=sa.String(length=200),
                                      nullable=False)
            batch_op.drop_column('names')
