"""The worklist (services/worklist.py, gui/worklist_page.py): its counts agree with direct SQL
on demo data, a clerk sees their own office, an item opens its record, the section is first
and shows its count."""

import datetime as dt
import uuid

import pytest
from PySide6.QtCore import Qt
from query_plans import sqlite_plans
from sqlalchemy import select, text

from kzmigdesk.demo import generate_demo_data
from kzmigdesk.domain.enums import PermitStatus, RepatriateStatus, UserRole
from kzmigdesk.domain.models import (
    DuplicateDecision,
    ExchangeConflict,
    ExchangePeer,
    Person,
    RepatriateCase,
    ServiceRecord,
    ServiceType,
    WorkPermit,
)
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.worklist import ITEMS, worklist

MADE_ON = dt.date(2026, 6, 14)  # the demo data's day
TODAY = MADE_ON + dt.timedelta(days=1)  # the worklist's: what lapsed on MADE_ON shows
SUPERVISOR = Actor("serik", UserRole.SUPERVISOR)

# The groups' filters written again as plain SQL; {office} narrows to one office (or nothing),
# {owner} to a clerk's own records and those nobody owns (or nothing).
LIVE = "deleted_at IS NULL"
CASES = (f"SELECT count(*) FROM repatriate_cases WHERE {LIVE} AND status IN ({{statuses}}) "
         "AND certificate_expiry_date BETWEEN :first AND :last {office} {owner}")
PERMITS = (f"SELECT count(*) FROM work_permits WHERE {LIVE} AND status IN ({{statuses}}) "
           "AND valid_to BETWEEN :first AND :last {office} {owner}")
STAYS = ("SELECT count(*) FROM service_records r JOIN service_types t ON t.id = r.service_type_id "
         "JOIN persons p ON p.id = r.person_id WHERE r.deleted_at IS NULL "
         "AND t.is_accommodation = :yes AND (r.end_date BETWEEN :first AND :last "
         "OR r.end_date IS NULL AND r.planned_end_date BETWEEN :first AND :last) "
         "{office} {owner}")
PAST_END = ("SELECT count(*) FROM service_records r JOIN service_types t "
            "ON t.id = r.service_type_id JOIN persons p ON p.id = r.person_id "
            "WHERE r.deleted_at IS NULL AND t.is_accommodation = :yes AND r.end_date IS NULL "
            "AND r.past_end_flagged_on IS NOT NULL {office} {owner}")
DUPLICATES = ("SELECT count(*) FROM duplicate_decisions d JOIN persons p ON p.id = d.person_id "
              "WHERE d.deleted_at IS NULL AND d.created_at >= :since {office}")
GRANTED, IN_FORCE = "'granted'", "'issued', 'extended'"


def sql_counts(database, office_id=None, owner_id=None) -> dict[str, int]:
    day = dt.timedelta(days=1)
    soon, ahead = TODAY + 7 * day, TODAY + 30 * day
    with database.engine.connect() as connection:
        def count(query, statuses="", first=None, last=None, person_office=False, **params):
            office = owner = ""
            if office_id is not None:
                office = "AND p.office_id = :office" if person_office else \
                    "AND office_id = :office"
            if owner_id is not None and query != DUPLICATES:
                column = "r.owner_id" if person_office else "owner_id"
                owner = f"AND ({column} = :owner OR {column} IS NULL)"
            return connection.execute(text(query.format(statuses=statuses, office=office,
                                                        owner=owner)), {
                "first": first, "last": last, "office": stored(office_id),
                "owner": stored(owner_id), **params}).scalar()

        def stored(value):  # a UUID as the database keeps it (SQLite: 32 hex digits)
            sqlite = connection.dialect.name == "sqlite"
            return value.hex if sqlite and isinstance(value, uuid.UUID) else value

        def deadlines(first, last, cases=GRANTED, permits=IN_FORCE):
            return count(CASES, cases, first, last) + count(PERMITS, permits, first, last)

        return {
            "lapsed": deadlines(MADE_ON, MADE_ON, "'granted', 'expired'",
                                "'issued', 'extended', 'expired'"),
            "soon": deadlines(TODAY, soon),
            "ahead": deadlines(soon + day, ahead),
            "awaiting_extension": count(PERMITS, "'issued'", TODAY, ahead),
            "stays": count(STAYS, first=TODAY, last=soon, person_office=True, yes=True),
            "past_end": count(PAST_END, person_office=True, yes=True),
            "duplicates": count(DUPLICATES, person_office=True,
                                since=dt.datetime(2026, 5, 16)),
        }


@pytest.fixture
def demo(database):
    generate_demo_data(database, persons=400, seed=19, today=MADE_ON)
    with database.transaction() as session:  # one of each group at least
        session.scalars(select(WorkPermit).where(
            WorkPermit.status == PermitStatus.ISSUED)).first().valid_to = MADE_ON
        session.scalars(select(RepatriateCase).where(
            RepatriateCase.status == RepatriateStatus.GRANTED)).first(
        ).certificate_expiry_date = MADE_ON
        stays = session.scalars(select(ServiceRecord).join(ServiceType).where(
            ServiceType.is_accommodation.is_(True)).order_by(
            ServiceRecord.end_date.is_not(None), ServiceRecord.id)).all()
        stays[0].end_date = TODAY + dt.timedelta(days=3)  # the first two are going on
        stays[1].planned_end_date = stays[1].start_date  # past its planned end (deadlines.py)
        stays[1].past_end_flagged_on = TODAY
        # going on again, planned to end soon
        stays[2].end_date, stays[2].planned_end_date = None, TODAY + dt.timedelta(days=5)
        first, second = session.query(Person).limit(2).all()
        session.add(DuplicateDecision(person_id=first.id, candidate_id=second.id,
                                      reason="name", score=0.9,
                                      created_at=dt.datetime(2026, 6, 10, 9)))
        session.add(DuplicateDecision(person_id=second.id, candidate_id=first.id,
                                      reason="name", score=0.9,
                                      created_at=dt.datetime(2026, 4, 1, 9)))  # too old
        peer = ExchangePeer(name="Region office", key="k")
        session.add(peer)
        session.flush()
        session.add(ExchangeConflict(peer_id=peer.id, entity_type="persons",
                                     entity_id=first.id, local={}, incoming={},
                                     incoming_version=2))
    return database


def test_counts_agree_with_direct_sql_on_demo_data(demo):
    found = worklist(demo.acting_as(SUPERVISOR), TODAY)
    counts = {group.key: group.count for group in found.groups}
    assert counts.pop("conflicts") == 1
    assert counts == sql_counts(demo)
    assert all(counts.values())
    for group in found.groups:
        assert len(group.items) == min(group.count, ITEMS)
        days = [item.day for item in group.items]
        assert days == (sorted(days, reverse=True) if group.key in ("duplicates",)
                        else sorted(days))
    assert found.total == sum(counts.values()) - counts["awaiting_extension"] + 1
    lapsed = next(g for g in found.groups if g.key == "lapsed")
    assert {item.day for item in lapsed.items} == {MADE_ON}


def test_a_clerk_sees_their_own_office_and_no_conflicts(demo):
    with demo.engine.connect() as connection:
        office = connection.execute(text(
            "SELECT office_id FROM work_permits WHERE valid_to BETWEEN :first AND :last "
            "GROUP BY office_id ORDER BY count(*) DESC"),
            {"first": TODAY, "last": TODAY + dt.timedelta(days=30)}).scalar()
    office_id = office if isinstance(office, uuid.UUID) else uuid.UUID(office)
    clerk = Actor("aigerim", UserRole.CLERK, office_id=office_id)
    found = worklist(demo.acting_as(clerk), TODAY)
    counts = {group.key: group.count for group in found.groups}
    assert "conflicts" not in counts
    assert counts == sql_counts(demo, office)
    everything = worklist(demo.acting_as(SUPERVISOR), TODAY)
    assert 0 < found.total < everything.total

    models = {"case": RepatriateCase, "permit": WorkPermit}
    with demo.sessions() as session:
        for group in found.groups:
            for item in group.items:
                record = session.get(models.get(item.kind, Person), item.id)
                if item.kind == "stay":
                    record = session.get(Person, session.get(ServiceRecord, item.id).person_id)
                assert record.office_id == office_id, item


def test_the_worklist_is_the_first_section_shows_its_count_and_opens_items(qtbot, database):
    from kzmigdesk.gui.case_dialog import CaseDialog
    from kzmigdesk.gui.main_window import MainWindow
    from kzmigdesk.gui.permit_dialog import PermitDialog
    from kzmigdesk.gui.worklist_page import WorklistPage

    generate_demo_data(database, persons=200, seed=3, today=dt.date.today())
    window = MainWindow(database.acting_as(SUPERVISOR), on_language_chosen=lambda code: None)
    qtbot.addWidget(window)
    window.show()
    page = window.pages.currentWidget()
    assert isinstance(page, WorklistPage) and window.current_section().key == "worklist"
    total = worklist(database.acting_as(SUPERVISOR)).total
    assert total and window.navigation.item(0).text() == f"Worklist ({total})"

    for kind, dialog_class in (("case", CaseDialog), ("permit", PermitDialog)):
        item = next(i for i in page.items() if i.data(0, Qt.ItemDataRole.UserRole)[0] == kind)
        page.tree.itemActivated.emit(item, 0)
        dialog = window.findChildren(dialog_class)[-1]
        assert dialog.isVisible()
        record_id = item.data(0, Qt.ItemDataRole.UserRole)[1]
        assert (dialog.case_id if kind == "case" else dialog.permit_id) == record_id
        with qtbot.waitSignal(page.counted):  # read again once the dialog closes
            dialog.close()



def test_a_clerk_sees_their_own_files_and_those_nobody_owns(demo):
    """Files of the clerk's office owned by a colleague leave the clerk's worklist; the counts
    still agree with direct SQL."""
    from collections import Counter

    from kzmigdesk.domain.models import User
    from kzmigdesk.services import ownership
    from kzmigdesk.services.ownership import FileKind
    from kzmigdesk.services.users import actor_of

    with demo.sessions() as session:
        permits = session.scalars(select(WorkPermit).where(WorkPermit.valid_to.between(
            TODAY, TODAY + dt.timedelta(days=30)), WorkPermit.office_id.is_not(None))).all()
        office_id = Counter(p.office_id for p in permits).most_common(1)[0][0]
        ours = [p.id for p in permits if p.office_id == office_id]
        me, colleague = (actor_of(u) for u in session.scalars(
            select(User).where(User.office_id == office_id, User.role == UserRole.CLERK)
            .order_by(User.username)).all()[:2])
    assert len(ours) >= 2
    supervisor = Actor("serik", UserRole.SUPERVISOR, user_id=None)
    ownership.assign(demo.acting_as(supervisor), FileKind.PERMIT, ours[:1], colleague.user_id)
    ownership.assign(demo.acting_as(supervisor), FileKind.PERMIT, ours[1:2], me.user_id)
    mine = worklist(demo.acting_as(me), TODAY)
    counts = {group.key: group.count for group in mine.groups}
    assert counts == sql_counts(demo, office_id, me.user_id)
    everyone = worklist(demo.acting_as(Actor("x", UserRole.CLERK, office_id=office_id)), TODAY)
    assert mine.total == everyone.total - 1
    listed = {item.id for group in mine.groups for item in group.items}
    assert ours[1] in listed and ours[0] not in listed


@pytest.mark.sqlite_only
def test_expiring_records_are_read_by_their_expiry_index_on_sqlite(demo):
    """Without statistics SQLite would read every permit or granted case in force through a
    status index (2 s at 1,000,000 persons) rather than a month of the expiry index."""
    plans = sqlite_plans(demo, lambda: worklist(demo.acting_as(SUPERVISOR), TODAY), lambda s: (
        "valid_to BETWEEN" in s or "certificate_expiry_date BETWEEN" in s))
    assert len(plans) >= 8
    for statement, plan in plans:
        expiry = ("ix_work_permits_expiring" if "valid_to BETWEEN" in statement
                  else "ix_repatriate_cases_expiring")
        assert expiry in plan, plan
