"""The audit trail is installed on each database's own sessionmaker, never on SQLAlchemy's
Session class: a database opened by services.workspace.open_database records, a bare
sessionmaker does not."""

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from kzmigdesk.db.engine import make_session_factory
from kzmigdesk.domain.enums import OfficeKind
from kzmigdesk.domain.models import AuditEntry, Office, Region
from kzmigdesk.services import audit


def add_office(session, code: str) -> None:
    region = session.scalars(select(Region).where(Region.code == "ALA")).one()
    session.add(Office(code=code, name=code, kind=OfficeKind.DISTRICT, region_id=region.id))


def entries(session, code: str) -> int:
    office_id = session.scalars(select(Office.id).where(Office.code == code)).one()
    return session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity_type == "offices", AuditEntry.entity_id == str(office_id)))


def test_a_database_opened_by_open_database_records_changes(database):
    with database.transaction() as session:
        add_office(session, "AUDITED")
    with database.sessions() as session:
        assert entries(session, "AUDITED") == 1


def test_a_bare_sessionmaker_records_nothing(database):
    bare = make_session_factory(database.engine)
    with bare.begin() as session:
        add_office(session, "BARE")
    with database.sessions() as session:
        assert entries(session, "BARE") == 0
    assert not event.contains(Session, "before_flush", audit._audit_flush)


def test_install_is_idempotent(database):
    audit.install(database.factory)
    with database.transaction() as session:
        add_office(session, "ONCE")
    with database.sessions() as session:
        assert entries(session, "ONCE") == 1


def test_no_listener_is_attached_to_sqlalchemys_session_class():
    """Importing the application changes nothing for other users of SQLAlchemy: the audit
    trail and the soft-delete filter belong to the application's own session factories."""
    import kzmigdesk.cli  # noqa: F401 (imports every layer)
    from kzmigdesk.db import engine

    assert not event.contains(Session, "do_orm_execute", engine._hide_soft_deleted)
    for name, listener in audit.LISTENERS:
        assert not event.contains(Session, name, listener)


def test_install_does_not_trust_sqlalchemys_registry(database, monkeypatch):
    """SQLAlchemy's event.contains answers by the id of a factory's session class, which a new
    factory may reuse once an old one is collected (seen as a database that recorded nothing):
    install marks the factory itself instead."""
    fresh = make_session_factory(database.engine)
    monkeypatch.setattr(event, "contains", lambda *args: True)  # a stale entry, say
    audit.install(fresh)
    with fresh.begin() as session:
        session.info["actor"] = database.actor
        add_office(session, "FRESH")
    with database.sessions() as session:
        assert entries(session, "FRESH") == 1
