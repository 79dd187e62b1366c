"""Case owners: the clerk assigned to a repatriate case, a work permit or a service record (a
stay in a centre, a course, a consultation).

- A clerk may take (assign to themself) records nobody owns, of their own office (a record
  without an office, or a clerk without one, as in services/auth.py).
- Only a supervisor (or an administrator) assigns a record to someone else, reassigns it or
  leaves it unassigned, and only to an active user of the record's office (a user without an
  office works for every office).
- Several records at once: one transaction, all or nothing; the first refusal names its record.
- A new record is owned by the user who creates it (`default_owner`): the one who took the
  application knows it best, and it never sits unseen; a supervisor reassigns it if needed.
  Records made with no signed-in user (imports, the system) start unassigned.

A record's office is its own (cases and permits) or its person's (service records). Every
change of owner is audited (the record's "owner_id") and kept as an OwnerChange, which the
person's timeline shows and which travels in exchange packages.
"""

import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import false, select
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import UserRole
from kzmigdesk.domain.models import (
    OwnerChange,
    Person,
    RepatriateCase,
    ServiceRecord,
    User,
    WorkPermit,
)
from kzmigdesk.domain.search import sort_key
from kzmigdesk.i18n import N_
from kzmigdesk.services.auth import Permission, acting, require
from kzmigdesk.services.errors import NotFound, ServiceError


class FileKind(StrEnum):
    CASE = "case"
    PERMIT = "permit"
    SERVICE = "service"


MODELS = {FileKind.CASE: RepatriateCase, FileKind.PERMIT: WorkPermit,
          FileKind.SERVICE: ServiceRecord}

GONE = N_("Some of the chosen records no longer exist.")
NOT_A_USER = N_("The chosen user does not exist or is no longer active.")
ONLY_SUPERVISOR = N_("Only a supervisor assigns records to someone else or reassigns them.")
TAKEN = N_("{record} is already assigned to {name}: only a supervisor reassigns it.")
OTHER_OFFICE = N_("{record} belongs to another office: a clerk may take only the records of "
                  "their own office.")
NOT_OF_OFFICE = N_("{name} does not work at the office of {record}.")


def record_office(session: Session, record) -> uuid.UUID | None:
    """The office a case, permit or service record belongs to (None: every office)."""
    if isinstance(record, ServiceRecord):
        return session.scalar(select(Person.office_id).where(Person.id == record.person_id))
    return record.office_id


def _works_at(office_id: uuid.UUID | None, user_office_id: uuid.UUID | None) -> bool:
    return office_id is None or user_office_id is None or office_id == user_office_id


def _describe(session: Session, record) -> str:
    """How a refusal names a record: its number, or its person's name."""
    if isinstance(record, RepatriateCase):
        return record.case_number
    if isinstance(record, WorkPermit):
        return record.number
    person = session.get(Person, record.person_id)
    return person.full_name if person is not None else str(record.id)


def _log(session: Session, record, owner: User | None) -> None:
    actor = acting(session)
    by = session.get(User, actor.user_id) if actor and actor.user_id else None
    session.add(OwnerChange(
        record_type=record.__tablename__, record_id=record.id,
        owner_id=owner.id if owner else None, owner_name=owner.full_name if owner else None,
        changed_by=by.full_name if by else (actor.username if actor else None)))


def default_owner(session: Session, record) -> None:
    """Make the acting user the owner of the new `record` (its office or person set), if they
    are a user working at its office."""
    actor = acting(session)
    if actor is None or actor.user_id is None:
        return
    with session.no_autoflush:  # the new record is inserted once, with its owner
        user = session.get(User, actor.user_id)
        if user is None or not _works_at(record_office(session, record), user.office_id):
            return
    if record.id is None:
        record.id = uuid.uuid4()
    record.owner_id = user.id
    _log(session, record, user)


def _records(session: Session, kind: FileKind, ids) -> list:
    model = MODELS[FileKind(kind)]
    ids = list(dict.fromkeys(ids))
    records = list(session.scalars(select(model).where(model.id.in_(ids))))
    if len(records) != len(ids):
        raise NotFound(GONE)
    return sorted(records, key=lambda r: ids.index(r.id))


def assign_in(session: Session, kind: FileKind, ids, owner_id: uuid.UUID | None) -> int:
    """Give the records `ids` of `kind` to the user `owner_id` (None: nobody), all or none;
    how many changed. The rules are the module's."""
    actor = require(acting(session), Permission.REGISTER)
    supervisor = actor.role is not UserRole.CLERK
    owner = session.get(User, owner_id) if owner_id is not None else None
    if owner_id is not None and (owner is None or owner.is_deleted or not owner.active):
        raise ServiceError(NOT_A_USER)
    if not supervisor and (owner is None or owner.id != actor.user_id):
        raise ServiceError(ONLY_SUPERVISOR)
    records = _records(session, kind, ids)
    for record in records:
        office_id = record_office(session, record)
        if not supervisor:
            if not _works_at(office_id, actor.office_id):
                raise ServiceError(OTHER_OFFICE, record=_describe(session, record))
            if record.owner_id not in (None, actor.user_id):
                holder = session.get(User, record.owner_id)
                raise ServiceError(TAKEN, record=_describe(session, record),
                                   name=holder.full_name if holder else "?")
        elif owner is not None and not _works_at(office_id, owner.office_id):
            raise ServiceError(NOT_OF_OFFICE, name=owner.full_name,
                               record=_describe(session, record))
    changed = [record for record in records if record.owner_id != owner_id]
    for record in changed:
        record.owner_id = owner_id
        _log(session, record, owner)
    session.flush()
    return len(changed)


def assign(database: Database, kind: FileKind, ids, owner_id: uuid.UUID | None) -> int:
    """`assign_in` in a transaction of its own."""
    with database.transaction() as session:
        return assign_in(session, kind, ids, owner_id)


def take(database: Database, kind: FileKind, ids) -> int:
    """The signed-in user takes the records `ids` (see the module's rules)."""
    with database.transaction() as session:
        actor = acting(session)
        if actor is None or actor.user_id is None:
            raise ServiceError(NOT_A_USER)
        return assign_in(session, kind, ids, actor.user_id)


@dataclass(frozen=True)
class OwnerChoice:
    id: uuid.UUID
    name: str  # full name
    username: str


def owner_choices(database: Database, kind: FileKind, ids) -> list[OwnerChoice]:
    """The active users the records `ids` may be assigned to (those of their offices), by
    name; every active user if none is chosen."""
    with database.sessions() as session:
        offices = {record_office(session, r) for r in _records(session, kind, ids)} - {None}
        users = session.scalars(select(User).where(User.active.is_(True)))
        return sorted((OwnerChoice(u.id, u.full_name, u.username) for u in users
                       if all(_works_at(o, u.office_id) for o in offices)),
                      key=lambda c: (sort_key(c.name), c.username))


def may_assign(database: Database) -> bool:
    """Whether the signed-in user may assign records to others (supervisors, administrators)."""
    actor = database.actor
    return actor is not None and actor.may(Permission.REGISTER) and (
        actor.role is not UserRole.CLERK)


def mine(session: Session, column):
    """A condition: `column` (an owner_id) is the acting user (never true without one)."""
    actor = acting(session)
    return column == actor.user_id if actor and actor.user_id else false()
