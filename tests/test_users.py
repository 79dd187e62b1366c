"""Accounts, sign-in with lockout, and every permission of every role, in the service layer."""

import datetime as dt

import pytest
from sqlalchemy import select
from tampering import unsealed

from kzmigdesk.domain.enums import OfficeKind, PermitCategory, Sex, UserRole
from kzmigdesk.domain.models import AuditEntry, Office, Person, Region, User
from kzmigdesk.i18n.words import Words
from kzmigdesk.services import audit, quotas, users
from kzmigdesk.services.adaptation import (
    CentreInput,
    ServiceTypeInput,
    save_centre,
    save_service_type,
)
from kzmigdesk.services.auth import OtherOffice, PermissionDenied
from kzmigdesk.services.errors import ServiceError, ValidationFailed
from kzmigdesk.services.registration import PersonInput, delete_person, save_person
from kzmigdesk.services.reports import monthly_summary
from kzmigdesk.services.users import AccountLocked, SignInFailed, UserInput, sign_in

NOW = dt.datetime(2026, 11, 2, 9, 0)


def region_id(session, code="ALA"):
    return session.scalars(select(Region).where(Region.code == code)).one().id


@pytest.fixture
def offices(database):
    with database.transaction() as session:
        a = Office(code="A", name="Office A", kind=OfficeKind.DISTRICT,
                   region_id=region_id(session))
        b = Office(code="B", name="Office B", kind=OfficeKind.DISTRICT,
                   region_id=region_id(session))
        session.add_all([a, b])
    return a.id, b.id


@pytest.fixture
def accounts(database, offices):
    """An administrator (first start), a supervisor and clerks of offices A and B."""
    database.actor = None
    office_a, office_b = offices
    with database.transaction() as session:
        admin = users.create_first_administrator(session, UserInput(
            "Admin", "Әкімші Әлия", UserRole.CLERK, "correct horse"))
        assert admin.role is UserRole.ADMINISTRATOR
    admin_actor = users.actor_of(admin)
    made = {"admin": admin_actor}
    with database.acting_as(admin_actor).transaction() as session:
        for name, role, office in (("serik", UserRole.SUPERVISOR, office_a),
                                   ("aigerim", UserRole.CLERK, office_a),
                                   ("bolat", UserRole.CLERK, office_b)):
            made[name] = users.actor_of(users.save_user(session, UserInput(
                name, name.title(), role, "password-" + name, office)))
    return made


def test_first_administrator_only_once_and_passwords_hashed_with_argon2(database, accounts):
    with database.transaction() as session:
        with pytest.raises(ServiceError) as refused:
            users.create_first_administrator(session, UserInput("x", "X", UserRole.CLERK,
                                                                "12345678"))
        assert refused.value.message() == "The administrator already exists; sign in."
        stored = session.scalars(select(User).where(User.username == "Admin")).one()
        assert stored.password_hash.startswith("$argon2id$")
        assert "correct horse" not in stored.password_hash
        hashes = [e.changes.get("password_hash") for e in session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type == "users",
                                     AuditEntry.action == "create"))]
        assert hashes == [[None, "***"]] * 4  # recorded as set, never its value


def test_sign_in_and_lockout(database, accounts):
    actor = sign_in(database, "admin", "correct horse", now=NOW)  # any case of the name
    assert (actor.username, actor.role) == ("Admin", UserRole.ADMINISTRATOR)
    with pytest.raises(SignInFailed) as failed:
        sign_in(database, "nobody", "whatever", now=NOW)
    assert failed.value.message() == "The user name or the password is wrong."
    for _attempt in range(users.MAX_FAILURES - 1):
        with pytest.raises(SignInFailed):
            sign_in(database, "serik", "wrong", now=NOW)
    with pytest.raises(AccountLocked):
        sign_in(database, "serik", "wrong", now=NOW)
    with pytest.raises(AccountLocked):  # even with the right password, for a while
        sign_in(database, "serik", "password-serik", now=NOW + dt.timedelta(minutes=14))
    later = NOW + dt.timedelta(minutes=users.LOCK_MINUTES + 1)
    assert sign_in(database, "serik", "password-serik", now=later).username == "serik"
    with database.sessions() as session:
        actions = [(e.action, e.username) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.action.like("login%"))
            .order_by(AuditEntry.seq))]
        assert actions == [("login", "Admin"), ("login.failed", None)] + [
            ("login.failed", "serik")] * 5 + [("login.locked", "serik"), ("login", "serik")]
        assert audit.verify(session).intact


def test_inactive_account_cannot_sign_in(database, accounts):
    with database.acting_as(accounts["admin"]).transaction() as session:
        user = session.scalars(select(User).where(User.username == "bolat")).one()
        users.save_user(session, UserInput("bolat", "Bolat", UserRole.CLERK, None,
                                           user.office_id, active=False), user.id)
    with pytest.raises(SignInFailed):
        sign_in(database, "bolat", "password-bolat", now=NOW)


def test_account_rules(database, accounts):
    with database.acting_as(accounts["admin"]).transaction() as session:
        with pytest.raises(ValidationFailed) as failed:
            users.save_user(session, UserInput("SERIK", "", UserRole.CLERK, "short"))
        assert failed.value.message().split("\n") == [
            "User name: is already taken", "Full name: is required",
            "Password: must have at least 8 characters", "Office: is required for a clerk"]
        admin = session.scalars(select(User).where(User.username == "Admin")).one()
        with pytest.raises(ServiceError) as refused:
            users.save_user(session, UserInput("Admin", "A", UserRole.CLERK, None,
                                               accounts["aigerim"].office_id), admin.id)
        assert "your own account" in refused.value.message()


def test_database_level_accounts_for_the_windows(database, offices):
    database.actor = None
    assert not users.has_users(database)
    admin = users.create_administrator(database, UserInput("root", "Root", UserRole.CLERK,
                                                           "correct horse"))
    assert (admin.username, admin.role) == ("root", UserRole.ADMINISTRATOR)
    assert users.has_users(database)
    as_admin = database.acting_as(admin)
    clerk_id = users.save_account(as_admin, UserInput("aigerim", "Айгерім", UserRole.CLERK,
                                                      "12345678", offices[0]))
    assert users.save_account(as_admin, UserInput("aigerim", "Айгерім Б.", UserRole.CLERK,
                                                  None, offices[0], False),
                              clerk_id) == clerk_id
    assert users.accounts(as_admin) == [
        users.Account(clerk_id, "aigerim", "Айгерім Б.", UserRole.CLERK, offices[0],
                      "Office A", False),
        users.Account(admin.user_id, "root", "Root", UserRole.ADMINISTRATOR, None, "", True)]
    with pytest.raises(PermissionDenied):
        users.accounts(database)


# --- every role, every action ---

ROLES = ["aigerim", "serik", "admin"]  # clerk, supervisor, administrator


def person_input(name="Әбенов"):
    return PersonInput(surname=name, given_name="Нұрлан", sex=Sex.MALE,
                       birth_date=dt.date(1980, 1, 1), citizenship="UZ")


ACTIONS = {
    "register a person": (
        lambda s: save_person(s, person_input()), {"aigerim", "serik", "admin"}),
    "set a quota": (
        lambda s: quotas.set_quota(s, quotas.QuotaKind.LABOUR, 2026, region_id(s), 5,
                                   PermitCategory.CATEGORY_1), {"serik", "admin"}),
    "edit the catalogue": (
        lambda s: save_service_type(s, ServiceTypeInput(
            code="x1", names={"en": "X", "ru": "Х", "kk": "Х"})),
        {"serik", "admin"}),
    "edit a centre": (
        lambda s: save_centre(s, CentreInput(name="C", region_id=region_id(s), beds=3)),
        {"serik", "admin"}),
    "make a monthly summary": (
        lambda s: monthly_summary(s, dt.date(2026, 10, 1), Words.of("en")), {"serik", "admin"}),
    "manage users": (
        lambda s: users.save_user(s, UserInput("new", "New", UserRole.SUPERVISOR,
                                               "12345678")), {"admin"}),
    "list users": (lambda s: users.list_users(s), {"admin"}),
}


@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("who", ROLES)
def test_permissions_of_each_role(database, accounts, action, who):
    run, allowed = ACTIONS[action]
    with database.acting_as(accounts[who]).transaction() as session:
        if who in allowed:
            run(session)
        else:
            with pytest.raises(PermissionDenied):
                run(session)


def test_without_a_signed_in_user_nothing_is_written(database, accounts):
    with database.transaction() as session:  # database.actor is None here
        for run, _allowed in ACTIONS.values():
            with pytest.raises(PermissionDenied):
                run(session)


def test_a_clerk_changes_only_records_of_their_office(database, accounts):
    with database.acting_as(accounts["aigerim"]).transaction() as session:
        mine = save_person(session, person_input("Әбенов"))
        assert mine.office_id == accounts["aigerim"].office_id  # registered by the office
    with database.acting_as(accounts["bolat"]).transaction() as session:
        with pytest.raises(OtherOffice) as refused:
            save_person(session, person_input("Әбеновa"), person_id=mine.id)
        assert refused.value.message().startswith("This record belongs to another office")
        with pytest.raises(OtherOffice):
            delete_person(session, mine.id)
    with database.acting_as(accounts["serik"]).transaction() as session:  # a supervisor may
        save_person(session, person_input("Әбенова"), person_id=mine.id)
    with database.sessions() as session:
        assert session.get(Person, mine.id).surname == "Әбенова"
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "persons").order_by(AuditEntry.seq)).all()
        assert [(e.action, e.username) for e in entries] == [
            ("create", "aigerim"), ("update", "serik")]
        assert entries[1].changes["surname"] == ["Әбенов", "Әбенова"]


def test_cli_audit_verify_reports_the_first_broken_entry(database, accounts, capsys):
    from kzmigdesk.cli import main

    assert main(["--db", database.url, "audit", "verify"]) == 0
    assert capsys.readouterr().out.startswith("The audit trail is intact: ")
    with database.transaction() as session, unsealed(session):
        session.execute(AuditEntry.__table__.update().where(AuditEntry.seq == 3)
                        .values(changes={"full_name": [None, "Someone else"]}))
    assert main(["--db", database.url, "audit", "verify"]) == 1
    assert capsys.readouterr().err == (
        "The audit trail is broken at entry 3: its content was changed.\n")


def test_demo_accounts_sign_in_with_the_demo_password(database):
    from kzmigdesk.demo import DEMO_PASSWORD, generate_demo_data

    generate_demo_data(database, persons=30)
    with database.sessions() as session:
        clerk = session.scalars(select(User).where(User.role == UserRole.CLERK)).first()
    actor = sign_in(database, clerk.username, DEMO_PASSWORD, now=NOW)
    assert (actor.role, actor.office_id) == (UserRole.CLERK, clerk.office_id)


def test_per_person_logins_are_refused_on_a_database_file(tmp_path, capsys,
                                                          migrated_template):
    import shutil

    from kzmigdesk.cli import main

    path = tmp_path / "office.sqlite3"
    shutil.copyfile(migrated_template, path)
    assert main(["--db", str(path), "db", "logins", "per-user"]) == 1
    assert "for a PostgreSQL server, not for a database file" in capsys.readouterr().err
