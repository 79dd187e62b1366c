"""Access accounting (issue 23): every read of a person's data — the record opened, a search by
IIN or document number that returned the person, a scan viewed, a print, an export — leaves
an entry in `access_entries`: who (user, office), when, from which desk (the computer's name),
which person, what.

Reads are many and must stay fast, so the entries of reads are not written one by one: they
wait in a buffer of this process (one per database engine) and go to the database in one
INSERT of many rows when BATCH entries wait or the oldest has waited SECONDS, when a report of
accesses is asked for, and when the program closes (`flush`, also at exit). A print is
written at once, in the print's own transaction (a print is rare, and must not be lost).

The log is its own append-only table, not the audit trail: the trail's hash chain takes each
entry's predecessor under the write lock, which a read must not wait for, and its volume (a
search may name a hundred persons) would drown the trail's changes. Triggers refuse UPDATE and
DELETE (migration 0022); the log is never exchanged between offices.

Who may read the log: a supervisor or administrator (VIEW_AUDIT), for any person of their
office (a clerk may not); the person's own report is made by the same right, on request."""

import atexit
import datetime as dt
import logging
import socket
import threading
import time
import uuid
import weakref
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import AccessKind
from kzmigdesk.domain.models import AccessEntry, Office, Person, User, utcnow
from kzmigdesk.i18n import N_
from kzmigdesk.services.auth import Permission, acting, require_in
from kzmigdesk.services.errors import NotFound

log = logging.getLogger(__name__)
BATCH = 200  # entries per INSERT
MAX_WAITING = 100 * BATCH  # kept in memory while the database refuses to write them
SECONDS = 5.0  # the longest an entry waits in the buffer while the program reads on
DESK = socket.gethostname()[:64] or None


class _Buffer:
    def __init__(self):
        self.rows: list[dict] = []
        self.since = 0.0  # time.monotonic() of the oldest waiting row
        self.lock = threading.Lock()


_buffers: "weakref.WeakKeyDictionary[Engine, _Buffer]" = weakref.WeakKeyDictionary()
_guard = threading.Lock()


def _buffer(engine: Engine) -> _Buffer:
    with _guard:
        buffer = _buffers.get(engine)
        if buffer is None:
            buffer = _buffers[engine] = _Buffer()
        return buffer


def _rows(source: Database | Session, kind: AccessKind, person_ids: Iterable[uuid.UUID],
          detail: str | None) -> list[dict]:
    """The entries of a read by the acting user of `source` (a database or a session)."""
    actor = source.actor if isinstance(source, Database) else acting(source)
    at = utcnow()
    who = {"user_id": actor.user_id if actor else None,
           "username": actor.username[:64] if actor else None,
           "office_id": actor.office_id if actor else None}
    return [{"at": at, "person_id": pid, "kind": kind.value,
             "detail": detail[:100] if detail else None, "desk": DESK, **who}
            for pid in dict.fromkeys(person_ids) if pid is not None]


def note(database: Database, kind: AccessKind, person_ids: Iterable[uuid.UUID],
         detail: str | None = None) -> None:
    """Account for a read of these persons by the database's acting user: buffered, written
    in a batch (call it after the reading session has ended: a flush writes)."""
    rows = _rows(database, kind, person_ids, detail)
    if not rows:
        return
    buffer = _buffer(database.engine)
    with buffer.lock:
        if not buffer.rows:
            buffer.since = time.monotonic()
        buffer.rows.extend(rows)
        due = len(buffer.rows) >= BATCH or time.monotonic() - buffer.since >= SECONDS
    if due:
        flush(database)


def _write(engine: Engine, buffer: _Buffer) -> None:
    with buffer.lock:
        rows, buffer.rows = buffer.rows, []
    if not rows:
        return
    try:
        with engine.begin() as connection:
            connection.execute(insert(AccessEntry.__table__), rows)
    except DBAPIError as error:
        # A read-only or busy database must not stop the reading: the entries wait for the
        # next flush (the newest MAX_WAITING of them, so that the memory stays bounded).
        with buffer.lock:
            buffer.rows = (rows + buffer.rows)[-MAX_WAITING:]
            buffer.since = time.monotonic()
        log.warning("access log: %d entries not written yet: %s", len(buffer.rows), error)


def flush(database: Database) -> None:
    """Write the waiting entries of this database in one INSERT (kept waiting if the database
    refuses the write: a read-only file, a lock held too long)."""
    buffer = _buffers.get(database.engine)
    if buffer is not None:
        _write(database.engine, buffer)


def waiting(database: Database) -> int:
    """How many entries wait in the buffer (for tests and the benchmark)."""
    buffer = _buffers.get(database.engine)
    return len(buffer.rows) if buffer is not None else 0


@atexit.register
def _flush_all() -> None:
    for engine, buffer in list(_buffers.items()):
        try:
            _write(engine, buffer)
        except Exception:  # noqa: BLE001 (at exit: a vanished database; nothing to tell)
            pass


def record_now(session: Session, kind: AccessKind, person_ids: Iterable[uuid.UUID],
               detail: str | None = None) -> None:
    """Account for a read in the session's own transaction (a print: with its record)."""
    rows = _rows(session, kind, person_ids, detail)
    if rows:
        session.execute(insert(AccessEntry.__table__), rows)


# --- the reports: who accessed a person ---


@dataclass(frozen=True)
class AccessRow:
    at: dt.datetime
    kind: AccessKind
    detail: str | None
    username: str | None
    full_name: str | None
    office: str | None
    desk: str | None


def _person(session: Session, person_id: uuid.UUID) -> Person:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(N_("The person no longer exists."))
    require_in(session, Permission.VIEW_AUDIT, person.office_id)
    return person


def accesses_of(session: Session, person_id: uuid.UUID, since: dt.date | None = None,
                limit: int | None = None) -> list[AccessRow]:
    """Who read the person's data, the latest first (supervisors and administrators of the
    person's office: VIEW_AUDIT)."""
    _person(session, person_id)
    query = (select(AccessEntry, User.full_name, Office.name)
             .outerjoin(User, User.id == AccessEntry.user_id)
             .outerjoin(Office, Office.id == AccessEntry.office_id)
             .where(AccessEntry.person_id == person_id)
             .order_by(AccessEntry.at.desc(), AccessEntry.id.desc()))
    if since is not None:
        query = query.where(AccessEntry.at >= dt.datetime.combine(since, dt.time(),
                                                                  tzinfo=dt.UTC))
    if limit is not None:
        query = query.limit(limit)
    return [AccessRow(_aware(e.at), AccessKind(e.kind), e.detail, e.username, full_name,
                      office, e.desk)
            for e, full_name, office in session.execute(query)]


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def person_accesses(database: Database, person_id: uuid.UUID,
                    limit: int | None = 1000) -> list[AccessRow]:
    """For the person's "Access log" screen: the waiting entries written first."""
    flush(database)
    with database.sessions() as session:
        return accesses_of(session, person_id, limit=limit)
