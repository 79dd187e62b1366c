"""On PostgreSQL the database enforces the roles (migration 0024): a clerk's own login, with
plain SQL from any client, is refused what the application would refuse (another office's
rows, changing the audit trail, changing the schema, managing logins) and allowed the rest.
PostgreSQL only: roles are the server's; each login here has a unique name and is dropped."""

import datetime as dt
import uuid

import pytest
from conftest import POSTGRES_URL
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from kzmigdesk.domain.enums import OfficeKind, Sex, UserRole
from kzmigdesk.domain.models import Office, Person, Region
from kzmigdesk.services import users
from kzmigdesk.services.registration import PersonInput, save_person

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="PostgreSQL only")


def _login(database, username: str, password: str):
    import psycopg

    url = make_url(str(database.engine.url))
    return psycopg.connect(host=url.host, port=url.port or 5432, dbname=url.database,
                           user="kzm_" + username.lower(), password=password, autocommit=True)


@pytest.fixture
def offices(database):
    """Two offices, a clerk of the first and an administrator, each with a login; a person
    of each office. Yields the names; drops the logins."""
    tag = uuid.uuid4().hex[:10]
    clerk, admin = f"clerk{tag}", f"admin{tag}"
    with database.transaction() as session:
        region = session.scalars(select(Region)).first()
        a = Office(code="A" + tag, name="A", kind=OfficeKind.DISTRICT, region_id=region.id)
        b = Office(code="B" + tag, name="B", kind=OfficeKind.DISTRICT, region_id=region.id)
        session.add_all([a, b])
        session.flush()
        users.save_user(session, users.UserInput(clerk, "Clerk", UserRole.CLERK,
                                                 "password-1", a.id))
        users.save_user(session, users.UserInput(admin, "Admin", UserRole.ADMINISTRATOR,
                                                 "password-2", None))
        ids = {}
        for name, office in (("pa", a), ("pb", b)):
            person = save_person(session, PersonInput(
                surname="Әбенов" + name, given_name="Нұрлан", sex=Sex.MALE,
                birth_date=dt.date(1980, 5, 1)), confirm_duplicates=True)
            session.flush()
            session.get(Person, person.id).office_id = office.id
            ids[name] = person.id
        ids.update(a=a.id, b=b.id)
    logins = []
    try:
        with database.engine.connect() as connection:  # the owner, the set-up role
            for name, password in ((clerk, "password-1"), (admin, "password-2")):
                logins.append(connection.exec_driver_sql(
                    "SELECT kzmigdesk_set_login(%(u)s, %(p)s)",
                    {"u": name, "p": password}).scalar())
            connection.commit()
        yield dict(ids, clerk=clerk, admin=admin)
    finally:
        with database.engine.connect() as connection:
            for login in [*logins, f"kzm_made{tag}"]:
                connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{login}"')
            connection.commit()


def _refused(connection, sql: str, params=()) -> None:
    import psycopg

    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        connection.execute(sql, params)


def _copy_of(person_id, office_id) -> tuple[str, tuple]:
    """An INSERT of a new person like `person_id` (no IIN) in `office_id`."""
    return ("INSERT INTO persons SELECT (jsonb_populate_record(NULL::persons, to_jsonb(p) "
            "|| jsonb_build_object('id', gen_random_uuid(), 'iin', NULL, 'office_id', "
            "%s::uuid))).* FROM persons p WHERE p.id = %s",
            (str(office_id), person_id))


def test_a_clerks_login_writes_only_its_own_office(database, offices):
    with _login(database, offices["clerk"], "password-1") as clerk:
        # reads: every office
        assert clerk.execute("SELECT count(*) FROM persons WHERE id IN (%s, %s)",
                             (offices["pa"], offices["pb"])).fetchone()[0] == 2
        # its own office: allowed
        assert clerk.execute("UPDATE persons SET phone = '+77010000000' WHERE id = %s",
                             (offices["pa"],)).rowcount == 1
        clerk.execute(*_copy_of(offices["pa"], offices["a"]))
        # another office's person: not changed, not deleted, not created, not moved there
        assert clerk.execute("UPDATE persons SET phone = '+77010000000' WHERE id = %s",
                             (offices["pb"],)).rowcount == 0
        assert clerk.execute("DELETE FROM persons WHERE id = %s",
                             (offices["pb"],)).rowcount == 0
        _refused(clerk, *_copy_of(offices["pa"], offices["b"]))
        _refused(clerk, "UPDATE persons SET office_id = %s WHERE id = %s",
                 (offices["b"], offices["pa"]))
    with database.sessions() as session:
        assert session.get(Person, offices["pb"]).phone is None
        assert session.get(Person, offices["pa"]).phone == "+77010000000"


def test_the_audit_trail_and_the_schema_are_out_of_a_desks_reach(database, offices):
    with _login(database, offices["clerk"], "password-1") as clerk:
        assert clerk.execute("SELECT count(*) FROM audit_entries").fetchone()[0] > 0
        assert clerk.execute("SELECT has_table_privilege('audit_entries', 'INSERT')"
                             ).fetchone()[0]
        _refused(clerk, "UPDATE audit_entries SET username = 'x'")
        _refused(clerk, "DELETE FROM audit_entries")
        _refused(clerk, "TRUNCATE audit_entries")
        _refused(clerk, "CREATE TABLE extra (x integer)")
        _refused(clerk, "ALTER TABLE persons ADD COLUMN extra integer")
        _refused(clerk, "DROP TABLE scans")
        _refused(clerk, "ALTER TABLE persons DISABLE ROW LEVEL SECURITY")
        _refused(clerk, "UPDATE alembic_version SET version_num = 'x'")
        # a clerk manages no logins, not even their own
        _refused(clerk, "SELECT kzmigdesk_set_login(%s, 'x')", (offices["clerk"],))
        _refused(clerk, "SELECT kzmigdesk_drop_login(%s)", (offices["admin"],))


def _copy_row(table: str, where: str, changes: str, params: tuple) -> tuple[str, tuple]:
    """An INSERT of a copy of the rows of `table` matching `where`, with `changes` (a jsonb
    object expression) applied."""
    return (f"INSERT INTO {table} SELECT (jsonb_populate_record(NULL::{table}, to_jsonb(t) "
            f"|| {changes})).* FROM {table} t WHERE {where}", params)


def test_a_clerks_login_cannot_make_itself_an_administrator(database, offices):
    """Migration 0027: only an administrator's login changes the users; a user's own login
    changes only its own sign-in fields."""
    clerk_name, admin_name = offices["clerk"], offices["admin"]
    with _login(database, clerk_name, "password-1") as clerk:
        for sql in ("UPDATE users SET role = 'administrator' WHERE username = %s",
                    "UPDATE users SET office_id = NULL WHERE username = %s",
                    "UPDATE users SET active = false WHERE username = %s",
                    "DELETE FROM users WHERE username = %s"):
            _refused(clerk, sql, (clerk_name,))
        _refused(clerk, "UPDATE users SET password_hash = 'x' WHERE username = %s",
                 (admin_name,))
        _refused(clerk, *_copy_row("users", "t.username = %s", "jsonb_build_object('id', "
                                   "gen_random_uuid(), 'username', 'extra' || %s)",
                                   (clerk_name, clerk_name)))
        assert clerk.execute("UPDATE users SET failed_logins = 2 WHERE username = %s",
                             (clerk_name,)).rowcount == 1
    with _login(database, admin_name, "password-2") as admin:
        assert admin.execute("UPDATE users SET role = 'supervisor' WHERE username = %s",
                             (clerk_name,)).rowcount == 1
    with database.sessions() as session:
        from kzmigdesk.domain.models import User

        user = session.scalars(select(User).where(User.username == clerk_name)).one()
        assert (user.role, user.office_id, user.active, user.failed_logins) == (
            UserRole.SUPERVISOR, offices["a"], True, 2)


def test_a_clerks_login_leaves_reference_data_alone_but_locks_a_quota(database, offices):
    """Quotas, regions, offices, norms and settings are a supervisor's or an administrator's;
    a clerk's login may still lock a quota's row, as a permit taking a slot does."""
    from kzmigdesk.domain.models import KandasQuota

    with database.transaction() as session:
        region = session.scalars(select(Region)).first()
        session.add(KandasQuota(year=2026, region_id=region.id, amount=100))
    with _login(database, offices["clerk"], "password-1") as clerk:
        with clerk.transaction():
            assert clerk.execute("SELECT amount FROM kandas_quotas WHERE region_id = %s "
                                 "FOR UPDATE", (region.id,)).fetchone()[0] == 100
        for sql in ("UPDATE kandas_quotas SET amount = 100000",
                    "UPDATE regions SET code = code || 'x'",
                    "UPDATE offices SET name = 'x'",
                    "INSERT INTO local_settings (key, value) VALUES ('office.home', 'x')"):
            _refused(clerk, sql)
        assert clerk.execute("SELECT count(*) FROM service_types").fetchone()[0] > 0
        assert clerk.execute("DELETE FROM service_types").rowcount == 0
        _refused(clerk, *_copy_row("kandas_quotas", "t.region_id = %s", "jsonb_build_object("
                                   "'id', gen_random_uuid(), 'year', 2027)", (region.id,)))
    with _login(database, offices["admin"], "password-2") as admin:
        assert admin.execute("UPDATE kandas_quotas SET amount = 120 WHERE region_id = %s",
                             (region.id,)).rowcount == 1


def test_a_clerks_login_writes_the_rows_of_its_own_offices_persons_only(database, offices):
    """A person's numbers and name tokens (no office of their own) follow the person's."""
    number = "SELECT no FROM person_numbers WHERE person_id = %s"
    with _login(database, offices["clerk"], "password-1") as clerk:
        theirs = clerk.execute(number, (offices["pb"],)).fetchone()[0]
        mine = clerk.execute(number, (offices["pa"],)).fetchone()[0]
        touch = "UPDATE person_name_tokens SET token = token WHERE person_no = %s"
        assert clerk.execute(touch, (mine,)).rowcount > 0
        assert clerk.execute(touch, (theirs,)).rowcount == 0
        assert clerk.execute("DELETE FROM person_name_tokens WHERE person_no = %s",
                             (theirs,)).rowcount == 0
        assert clerk.execute("DELETE FROM person_numbers WHERE person_id = %s",
                             (offices["pb"],)).rowcount == 0
        assert clerk.execute("DELETE FROM person_name_pairs WHERE person_id = %s",
                             (offices["pb"],)).rowcount == 0
        _refused(clerk, *_copy_row("person_name_tokens", "t.person_no = %s",
                                   "jsonb_build_object('token', 'zz' || t.token)", (theirs,)))
        clerk.execute(*_copy_row("person_name_tokens", "t.person_no = %s",
                                 "jsonb_build_object('token', 'zz' || t.token)", (mine,)))
    with database.sessions() as session:
        from kzmigdesk.domain.models import PersonNamePair, PersonNameToken

        assert session.scalars(select(PersonNameToken).where(
            PersonNameToken.person_no == theirs)).all()
        assert session.scalar(select(func.count()).select_from(PersonNamePair).where(
            PersonNamePair.person_id == offices["pb"]))


def test_an_administrators_login_manages_logins_and_writes_any_office(database, offices):
    made = "made" + offices["clerk"].removeprefix("clerk")
    with _login(database, offices["admin"], "password-2") as admin:
        assert admin.execute("UPDATE persons SET phone = '+77020000000' WHERE id = %s",
                             (offices["pb"],)).rowcount == 1
        assert admin.execute("SELECT kzmigdesk_set_login(%s, 'password-3')",
                             (made,)).fetchone()[0] == f"kzm_{made}"
        # a login whose user does not exist (yet) writes nothing anywhere
        with _login(database, made, "password-3") as stranger:
            assert stranger.execute("UPDATE persons SET phone = NULL WHERE id IN (%s, %s)",
                                    (offices["pa"], offices["pb"])).rowcount == 0
        admin.execute("SELECT kzmigdesk_set_login(%s, 'password-4')", (offices["clerk"],))
        admin.execute("SELECT kzmigdesk_drop_login(%s)", (made,))
        assert admin.execute("SELECT count(*) FROM pg_roles WHERE rolname = %s",
                             (f"kzm_{made}",)).fetchone()[0] == 0
    with _login(database, offices["clerk"], "password-4") as clerk:  # the new password
        assert clerk.execute("SELECT current_user").fetchone()[0] == f"kzm_{offices['clerk']}"


def test_the_user_dialogs_service_keeps_each_users_login(database):
    """With per-user logins on (the set-up), saving a user creates or alters their login,
    renaming keeps it under the new name, deactivating drops it; off (the default) it
    touches no role."""
    from kzmigdesk.domain.models import LocalSetting, User

    tag = uuid.uuid4().hex[:10]
    name, renamed = f"user{tag}", f"renamed{tag}"

    def roles():
        with database.engine.connect() as connection:
            return set(connection.exec_driver_sql(
                "SELECT rolname FROM pg_roles WHERE rolname IN (%(a)s, %(b)s)",
                {"a": f"kzm_{name}", "b": f"kzm_{renamed}"}).scalars())
    try:
        with database.transaction() as session:
            region = session.scalars(select(Region)).first()
            office = Office(code="C" + tag, name="C", kind=OfficeKind.DISTRICT,
                            region_id=region.id)
            session.add(office)
            session.flush()
            user = users.save_user(session, users.UserInput(name, "N", UserRole.CLERK,
                                                            "password-1", office.id))
            user_id, office_id = user.id, office.id
        assert roles() == set()  # per-user logins off
        with database.transaction() as session:
            session.add(LocalSetting(key=users.DATABASE_LOGINS_KEY, value="per-user"))
        with database.transaction() as session:
            users.save_user(session, users.UserInput(name, "N", UserRole.CLERK, "password-5",
                                                     office_id), user_id)
        assert roles() == {f"kzm_{name}"}
        with _login(database, name, "password-5") as clerk:
            assert clerk.execute("SELECT count(*) FROM users").fetchone()[0] > 0
        with database.transaction() as session:
            users.save_user(session, users.UserInput(renamed, "N", UserRole.CLERK, None,
                                                     office_id), user_id)
        assert roles() == {f"kzm_{renamed}"}  # renamed, the password kept
        with _login(database, renamed, "password-5") as clerk:
            assert clerk.execute("SELECT current_user").fetchone()[0] == f"kzm_{renamed}"
        with database.transaction() as session:
            users.save_user(session, users.UserInput(renamed, "N", UserRole.CLERK, None,
                                                     office_id, active=False), user_id)
            assert session.get(User, user_id).active is False
        assert roles() == set()
    finally:
        with database.engine.connect() as connection:
            for login in (f"kzm_{name}", f"kzm_{renamed}"):
                connection.exec_driver_sql(f'DROP ROLE IF EXISTS "{login}"')
            connection.commit()


def test_the_application_runs_on_a_clerks_login(database, offices):
    """A desk whose database URL names the clerk's own login (the owner has migrated the
    database): it opens, signs in, registers and edits a person of its office; another
    office's person stays as it was even if a service's check were bypassed."""
    from kzmigdesk.db.session import open_database
    from kzmigdesk.errors import StaleRecord

    url = make_url(str(database.engine.url)).set(
        username=f"kzm_{offices['clerk']}", password="password-1")
    desk = open_database(url.render_as_string(hide_password=False))
    try:
        with pytest.raises(users.SignInFailed):  # its own failure count: its own row
            users.sign_in(desk, offices["clerk"], "wrong password")
        desk.actor = users.sign_in(desk, offices["clerk"], "password-1")
        with desk.transaction() as session:
            person = save_person(session, PersonInput(
                surname="Серікова", given_name="Әсел", sex=Sex.FEMALE,
                birth_date=dt.date(1990, 1, 2)), confirm_duplicates=True)
            assert person.office_id == offices["a"]
            new_id = person.id
        with pytest.raises(StaleRecord), desk.transaction() as session:
            # no service check: the database updates no row, SQLAlchemy takes it as stale
            session.get(Person, offices["pb"]).phone = "+77030000000"
        with desk.sessions() as session:
            assert session.get(Person, new_id) is not None
            assert session.get(Person, offices["pb"]).phone is None
            from kzmigdesk.services.person_search import PersonFilter, first_page

            found = first_page(session, PersonFilter("Серікова Әсел")).rows  # by its pairs
            assert [row.id for row in found] == [new_id]
    finally:
        desk.close()


def test_a_desk_signs_in_as_the_typed_login(database, offices, qtbot):
    """A server URL without a user: the sign-in opens the database as the typed login (the
    window's dialog too), a wrong password or an unknown user is the same refusal, and a
    server that cannot be reached says so."""
    from sqlalchemy.engine import URL

    from kzmigdesk.errors import ServiceError
    from kzmigdesk.gui.sign_in_dialog import SignInDialog

    server = database.engine.url
    url = URL.create(server.drivername, host=server.host, port=server.port,
                     database=server.database).render_as_string(hide_password=False)
    assert users.login_at_sign_in(url) and not users.login_at_sign_in("sqlite:///x.sqlite3")
    for name, password in ((offices["clerk"], "wrong"), ("nobody-here", "password-1")):
        with pytest.raises(users.SignInFailed):
            users.open_as(url, name, password)
    desk, actor = users.open_as(url, offices["clerk"], "password-1")
    try:
        assert actor.role is UserRole.CLERK and actor.office_id == offices["a"]
        with desk.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT current_user").scalar() == (
                f"kzm_{offices['clerk']}")
    finally:
        desk.close()
    dialog = SignInDialog(None, url=url)
    qtbot.addWidget(dialog)
    dialog.username.setText(offices["admin"])
    dialog.password.setText("wrong")
    assert not dialog.sign_in() and dialog.database is None
    assert dialog.errors_label.text() == "The user name or the password is wrong."
    dialog.password.setText("password-2")
    assert dialog.sign_in()
    try:
        assert dialog.actor.role is UserRole.ADMINISTRATOR
        assert dialog.database.engine.url.username == f"kzm_{offices['admin']}"
    finally:
        dialog.database.close()
    unreachable = make_url(url).set(host="127.0.0.1", port=1).render_as_string(
        hide_password=False)
    with pytest.raises(ServiceError) as refused:
        users.open_as(unreachable, offices["clerk"], "password-1")
    assert "cannot be used" in refused.value.message()
    assert not isinstance(refused.value, users.SignInFailed)


def test_the_owner_switches_per_person_logins_at_the_command_line(database, capsys):
    from kzmigdesk.cli import main
    from kzmigdesk.domain.models import AuditEntry, LocalSetting

    assert main(["--db", database.url, "db", "logins", "per-user"]) == 0
    assert "Per-person logins are on" in capsys.readouterr().out
    with database.sessions() as session:
        assert session.get(LocalSetting, users.DATABASE_LOGINS_KEY).value == "per-user"
        assert users.database_logins_on(session)
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "local_settings").order_by(AuditEntry.seq.desc())).first()
        assert entry.changes == {"database_logins": [None, "per-user"]}
    assert main(["--db", database.url, "db", "logins", "shared"]) == 0
    with database.sessions() as session:
        assert not users.database_logins_on(session)
