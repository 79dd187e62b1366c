"""one live person per IIN; IIN, BIN and document numbers in NFKC

The services now read identifiers in Unicode NFKC (kzmigdesk.domain.identifiers.normalized);
older versions stored what was typed, so the same IIN could be there in ASCII, full-width or
Arabic-Indic digits. This migration

1. normalises the stored values as the services do: NFKC without blanks (document numbers
   also in capitals); an IIN or BIN made of decimal digits of another script (Arabic-Indic,
   which NFKC keeps) gets the same digits in ASCII. A value that would no longer fit its
   column, or a BIN that would become another employer's, is left as it was and logged;
2. resolves clashes, two live persons with the same IIN, without failing: the IIN stays with
   the person registered first (created_at, then id); each other one loses it, and a line
   "IIN <iin> moved: the same IIN as person <id>" is added to their notes, where a clerk
   finds it to merge or correct the records. Every clash is logged (logger
   "kzmigdesk.migrations", a warning: on stderr when nothing else handles it);
3. replaces the unique constraint on persons.iin (which counted deleted persons too) by a
   unique index of the live persons' IINs.

The downgrade puts the uniqueness of every IIN back (on SQLite as a unique index, which keeps
the table): a deleted person whose IIN a live one now shares loses it the same way (the note
names the person who kept it).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-02 15:20:00

"""
import logging
import unicodedata
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = '0015'
down_revision: Union[str, Sequence[str], None] = '0014'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

log = logging.getLogger("kzmigdesk.migrations")
LIVE_IIN = sa.text('deleted_at IS NULL AND iin IS NOT NULL')

persons = sa.table('persons', sa.column('id', sa.Uuid()), sa.column('iin', sa.String()),
                   sa.column('notes', sa.Text()), sa.column('created_at', sa.DateTime()),
                   sa.column('deleted_at', sa.DateTime()))
employers = sa.table('employers', sa.column('id', sa.Uuid()), sa.column('bin', sa.String()))
documents = sa.table('identity_documents', sa.column('id', sa.Uuid()),
                     sa.column('number', sa.String()))


def normalised(value: str, digits: bool = False, upper: bool = False) -> str:
    text = "".join(unicodedata.normalize("NFKC", value).split())
    if digits and text.isdecimal():
        text = "".join(str(unicodedata.decimal(c)) for c in text)
    return text.upper() if upper else text


def _normalise_column(connection, table, column: str, length: int, unique: bool = False,
                      **how) -> None:
    rows = connection.execute(sa.select(table.c.id, table.c[column])
                              .where(table.c[column].is_not(None))).all()
    taken = {value for _id, value in rows}
    for row_id, value in rows:
        new = normalised(value, **how)
        if new == value:
            continue
        if not new or len(new) > length or (unique and new in taken):
            log.warning("%s.%s of %s left as it was: %r", table.name, column, row_id, value)
            continue
        taken.add(new)
        connection.execute(table.update().where(table.c.id == row_id).values({column: new}))


def _move_clashes(connection, live_only: bool) -> None:
    """The IIN stays with the first person of each clash (live before deleted, then the
    oldest); the others lose it, with a note."""
    query = sa.select(persons.c.id, persons.c.iin, persons.c.notes).where(
        persons.c.iin.is_not(None)).order_by(
        persons.c.iin, persons.c.deleted_at.is_not(None), persons.c.created_at, persons.c.id)
    if live_only:
        query = query.where(persons.c.deleted_at.is_(None))
    keeper = {}
    for person_id, iin, notes in connection.execute(query).all():
        if iin not in keeper:
            keeper[iin] = person_id
            continue
        note = f"IIN {iin} moved: the same IIN as person {keeper[iin]}"
        log.warning("persons %s and %s have the same IIN %s: kept on %s, moved into the "
                    "notes of %s", keeper[iin], person_id, iin, keeper[iin], person_id)
        connection.execute(persons.update().where(persons.c.id == person_id).values(
            iin=None, notes=f"{notes}\n{note}" if notes else note))


def upgrade() -> None:
    connection = op.get_bind()
    indexes = {i['name'] for i in sa.inspect(connection).get_indexes('persons')}
    if connection.dialect.name == 'sqlite' and 'uq_persons_iin' in indexes:
        op.drop_index('uq_persons_iin', table_name='persons')  # after a downgrade
    else:
        with op.batch_alter_table('persons', schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f('uq_persons_iin'), type_='unique')
    _normalise_column(connection, persons, 'iin', 12, digits=True)
    _normalise_column(connection, employers, 'bin', 12, unique=True, digits=True)
    _normalise_column(connection, documents, 'number', 32, upper=True)
    _move_clashes(connection, live_only=True)
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.create_index('uq_persons_iin_live', ['iin'], unique=True,
                              sqlite_where=LIVE_IIN, postgresql_where=LIVE_IIN)
        # The constraint's index served every IIN search: one that still does.
        batch_op.create_index('ix_persons_iin', ['iin'])


def downgrade() -> None:
    connection = op.get_bind()
    with op.batch_alter_table('persons', schema=None) as batch_op:
        batch_op.drop_index('ix_persons_iin')
        batch_op.drop_index('uq_persons_iin_live', sqlite_where=LIVE_IIN,
                            postgresql_where=LIVE_IIN)
    _move_clashes(connection, live_only=False)
    if connection.dialect.name == 'sqlite':
        # A unique index does what the constraint did, without copying the table: a copy
        # drops the old one, which deletes the rows referring to it when foreign keys are on.
        op.create_index('uq_persons_iin', 'persons', ['iin'], unique=True)
    else:
        op.create_unique_constraint(op.f('uq_persons_iin'), 'persons', ['iin'])
