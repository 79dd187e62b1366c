"""The audit trail dialog: supervisors browse and filter it; clerks are refused."""

import datetime as dt
import re
from pathlib import Path

from test_users import accounts, offices  # noqa: F401 - accounts of every role

from kzmigdesk import i18n
from kzmigdesk.domain.enums import Sex, UserRole
from kzmigdesk.domain.models import Entity
from kzmigdesk.gui.audit_trail_dialog import AuditTrailDialog
from kzmigdesk.services import audit
from kzmigdesk.services.auth import PermissionDenied
from kzmigdesk.services.registration import PersonInput, save_person


def cells(dialog, column):
    return [dialog.model.index(r, column).data() for r in range(dialog.model.rowCount())]


def test_supervisor_browses_and_filters_the_trail(qtbot, database, accounts):  # noqa: F811
    with database.acting_as(accounts["aigerim"]).transaction() as session:
        person = save_person(session, PersonInput(
            surname="Әбенов", given_name="Нұрлан", sex=Sex.MALE, birth_date=dt.date(1980, 1, 1),
            surname_latin="Abenov"))
    # (not the surname: a clerk's change of identity data waits for approval)
    with database.acting_as(accounts["aigerim"]).transaction() as session:
        save_person(session, PersonInput(
            surname="Әбенов", given_name="Нұрлан", sex=Sex.MALE,
            birth_date=dt.date(1980, 1, 1), surname_latin="Abenova"), person_id=person.id)
    database.actor = accounts["serik"]
    dialog = AuditTrailDialog(database)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() > 5
    assert int(cells(dialog, 0)[0]) > int(cells(dialog, 0)[-1])  # newest first
    dialog.username.setText("aig")
    dialog.entity_type.setCurrentIndex(dialog.entity_type.findData("persons"))
    assert dialog.apply()
    assert cells(dialog, 3) == ["changed", "created"]
    assert set(cells(dialog, 4)) == {"Person"}
    assert "Surname in Latin letters: Abenov → Abenova" in cells(dialog, 6)[0]
    assert dialog.entity_type.currentText() == "Person"
    assert dialog.count_label.text() == "2 entries"
    entry = dialog.model.fetch(0, 1)[0]
    assert (entry.action, entry.entity_id, entry.username) == ("update", str(person.id),
                                                               "aigerim")
    dialog.entity_id.setText(str(person.id))
    dialog.action.setCurrentIndex(dialog.action.findData("create"))
    assert cells(dialog, 3) == ["created"]
    assert dialog.action.currentText() == "created"
    dialog.use_start.setChecked(True)
    dialog.start.setDate(dialog.start.date().addDays(1))  # from tomorrow: nothing
    assert dialog.apply() and dialog.model.rowCount() == 0


def test_the_trail_speaks_kazakh(qtbot, database, accounts):  # noqa: F811
    with database.acting_as(accounts["aigerim"]).transaction() as session:
        save_person(session, PersonInput(
            surname="Әбенов", given_name="Нұрлан", sex=Sex.MALE, birth_date=dt.date(1980, 1, 1)))
        audit.record(session, "export", "monthly_summary", None, {"year": 2026, "file": "a.pdf",
                                                                 "sheets": 2})
    i18n.set_language("kk")
    database.actor = accounts["serik"]
    dialog = AuditTrailDialog(database)
    qtbot.addWidget(dialog)
    assert cells(dialog, 3)[:2] == ["экспортталды", "жасалды"]
    assert cells(dialog, 4)[:2] == ["Айлық есеп", "Жеке тұлға"]
    assert cells(dialog, 6)[0] == "Жыл: 2026; Файл: a.pdf; sheets: 2"  # no label: as it is
    assert cells(dialog, 6)[1].startswith("Тегі: Әбенов; Аты: Нұрлан; ")


def test_every_action_and_record_type_has_a_label():
    """Each action the code records (`record(session, "...")`, `backup.record(database,
    "...")`, the flush's own) and each audited table is named in the trail."""
    source = Path(audit.__file__).resolve().parents[1]
    actions = set()
    for path in source.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        actions |= set(re.findall(r"\brecord(?:_many)?\((?:session|database), \"([a-z._]+)\"",
                                  text))
    flush = Path(audit.__file__).read_text(encoding="utf-8")
    actions |= set(re.findall(r"\baction = \"([a-z._]+)\"", flush))
    assert {"create", "update", "delete", "status", "export", "backup", "restore"} <= actions
    assert actions <= set(audit.ACTIONS), actions - set(audit.ACTIONS)
    tables = {m.__tablename__ for m in Entity.__subclasses__()} - audit.NOT_AUDITED_TABLES
    assert tables <= set(audit.RECORD_TYPES), tables - set(audit.RECORD_TYPES)
    assert audit.action_label("something.new") == "something.new"


def test_a_clerk_cannot_read_the_trail(qtbot, database, accounts):  # noqa: F811
    database.actor = accounts["aigerim"]
    dialog = AuditTrailDialog(database)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 0
    assert dialog.errors_label.text() == (
        "Your role (clerk) does not allow this: viewing the audit trail.")
    with database.sessions() as session:
        for read in (lambda: audit.count_entries(session, audit.TrailFilter()),
                     lambda: audit.fetch_entries(session, audit.TrailFilter(), 0, 10),
                     lambda: audit.trail_page(database, audit.TrailFilter(), 0, 10),
                     lambda: audit.trail_filter_choices(database)):
            try:
                read()
            except PermissionDenied:
                continue
            raise AssertionError("a clerk read the trail")
    assert accounts["aigerim"].role is UserRole.CLERK


def test_a_long_trail_shows_a_lower_bound_then_the_exact_count(qtbot, database, accounts,  # noqa: F811
                                                                monkeypatch):
    from kzmigdesk.services import list_pages

    with database.acting_as(accounts["aigerim"]).transaction() as session:
        for n in range(4):
            save_person(session, PersonInput(surname=f"Surname{n}", given_name="Given",
                                             sex=Sex.MALE, birth_date=dt.date(1980, 1, 1)),
                        confirm_duplicates=True)
    database.actor = accounts["serik"]
    exact = audit.count_trail(database, audit.TrailFilter())
    assert exact > 4
    monkeypatch.setattr(list_pages, "COUNT_CAP", 3)
    listing = audit.first_trail(database, audit.TrailFilter(), 2)
    assert (listing.count, listing.exact, len(listing.rows)) == (3, False, 2)
    listing = audit.first_trail(database, audit.TrailFilter(action="create"), 50)
    assert listing.exact and listing.count == len(listing.rows) >= 4
    dialog = AuditTrailDialog(database)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.model.loading and not dialog.model.count_is_estimate)
    assert dialog.model.rowCount() == exact
    database.actor = accounts["aigerim"]  # a clerk: refused before anything is read
    try:
        audit.check_trail_access(database)
    except PermissionDenied:
        pass
    else:
        raise AssertionError("a clerk may not read the trail")


def test_the_user_filter_is_a_prefix_of_any_case_read_from_the_users_index(
        database, accounts):  # noqa: F811
    """The names a prefix begins are found first; a name's entries are then read from
    ix_audit_entries_username_seq, newest first (SQLite: no entry is tested)."""
    from query_plans import sqlite_plans

    for name in ("aigerim", "serik"):
        with database.acting_as(accounts[name]).transaction() as session:
            save_person(session, PersonInput(surname=name.title(), given_name="Test",
                                             sex=Sex.MALE, birth_date=dt.date(1980, 1, 1)))
    database.actor = accounts["serik"]

    def users(prefix):
        rows = audit.trail_page(database, audit.TrailFilter(username=prefix), 0, 100)
        return {row.username for row in rows}

    assert users("AIG") == {"aigerim"}
    assert users("Ser") == {"serik"}
    assert {"aigerim", "serik"} <= users("") and users("nobody") == set()
    if database.engine.dialect.name == "sqlite":
        plans = sqlite_plans(database, lambda: users("aig"), lambda s: (
            "audit_entries" in s and "username IN" in s))
        assert plans and all("ix_audit_entries_username_seq" in plan for _s, plan in plans)
