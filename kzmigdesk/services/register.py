"""The outgoing register: every document that leaves the office takes the next number of its
office and year when it is printed, written by the office's pattern ("15-12/{n}" gives
"15-12/347"), and a line in the register's journal (number, date, kind, addressee, person,
who printed it).

A number is taken inside the printing transaction, from a counter row per office and year:
`UPDATE ... SET last = last + 1 RETURNING last` locks that row on PostgreSQL until the
transaction ends (a second desk waits, then reads the new value); on SQLite the transaction
holds the database's write lock from its start (BEGIN IMMEDIATE, Database.transaction). A
print that fails rolls its number back: the register has no holes from failed prints. The
journal's unique (office, year, number) is the last line of defence.
"""

import datetime as dt
import uuid

from sqlalchemy import insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.documents import JournalLine, RegisterJournal
from kzmigdesk.domain.models import OutgoingEntry, RegisterCounter, User
from kzmigdesk.i18n import N_
from kzmigdesk.services.auth import acting
from kzmigdesk.services.office_profile import (
    ProfileMissing,
    format_number,
    home_office_id,
    missing,
    profile,
    require_signed_in,
)

KINDS = {
    "referral_letter": N_("Referral letter"),
    "quota_statement": N_("Quota usage statement"),
    "work_permit": N_("Work permit"),
    "kandas_certificate": N_("Kandas certificate"),
}
MAX_LINES = 5000  # a journal's page at most


def _next_seq(session: Session, office_id: uuid.UUID, year: int) -> int:
    """The next number of the office's year; the counter row stays locked until commit."""
    dialect = session.get_bind().dialect.name
    values = {"office_id": office_id, "year": year, "last": 0}
    if dialect == "postgresql":
        session.execute(postgresql.insert(RegisterCounter).values(values)
                        .on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(RegisterCounter).values(values).on_conflict_do_nothing())
    elif session.get(RegisterCounter, (office_id, year)) is None:
        session.execute(insert(RegisterCounter).values(values))
    return session.execute(
        update(RegisterCounter)
        .where(RegisterCounter.office_id == office_id, RegisterCounter.year == year)
        .values(last=RegisterCounter.last + 1)
        .returning(RegisterCounter.last)
        .execution_options(synchronize_session=False)).scalar_one()


def take_number(session: Session, kind: str, on: dt.date, addressee: str | None = None,
                person_id: uuid.UUID | None = None, person_name: str | None = None,
                office_id: uuid.UUID | None = None) -> str:
    """Give the next outgoing number of the office (default: the home office) for a
    document of `kind` (a key of KINDS) dated `on`, and write its journal line. Call it in
    a transaction (Database.transaction); ProfileMissing if the office has no profile."""
    found = profile(session, office_id or home_office_id(session))
    lacking = missing(found)
    if lacking:
        raise ProfileMissing(lacking)
    seq = _next_seq(session, found.office_id, on.year)
    number = format_number(found.register_pattern, seq, on.year)
    actor = acting(session)
    user = session.get(User, actor.user_id) if actor is not None and actor.user_id else None
    session.add(OutgoingEntry(
        office_id=found.office_id, year=on.year, seq=seq, number=number, issued_on=on,
        kind=kind, addressee=addressee or None, person_id=person_id,
        person_name=person_name or None, user_id=user.id if user else None,
        user_name=user.full_name if user else (actor.username if actor else None)))
    session.flush()
    return number


def journal_of(session: Session, year: int | None = None, search: str = "",
               office_id: uuid.UUID | None = None, today: dt.date | None = None
               ) -> RegisterJournal:
    """The journal of the office (default: the home office) in `year` (None: every year),
    the lines whose number, addressee or person holds `search` (in any case), in number
    order. Any signed-in user reads it."""
    require_signed_in(session)
    office_id = office_id or home_office_id(session)
    query = select(OutgoingEntry).where(OutgoingEntry.office_id == office_id)
    if year is not None:
        query = query.where(OutgoingEntry.year == year)
    needle = " ".join(search.split()).casefold()
    lines = []
    for r in session.scalars(query.order_by(OutgoingEntry.year, OutgoingEntry.seq)):
        if needle and not any(needle in (value or "").casefold()
                              for value in (r.number, r.addressee, r.person_name)):
            continue
        lines.append(JournalLine(r.number, r.issued_on, KINDS.get(r.kind, r.kind),
                                 r.addressee, r.person_name, r.user_name))
        if len(lines) == MAX_LINES:
            break
    return RegisterJournal(year, " ".join(search.split()), tuple(lines),
                           today or dt.date.today())


def journal(database: Database, year: int | None = None, search: str = "",
            office_id: uuid.UUID | None = None, today: dt.date | None = None
            ) -> RegisterJournal:
    with database.sessions() as session:
        return journal_of(session, year, search, office_id, today)
