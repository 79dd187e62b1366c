import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from kzmigdesk import i18n  # noqa: E402
from kzmigdesk.domain.enums import UserRole  # noqa: E402
from kzmigdesk.services.auth import Actor  # noqa: E402
from kzmigdesk.services.workspace import open_database  # noqa: E402

TEST_ADMINISTRATOR = Actor("tester", UserRole.ADMINISTRATOR)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory):
    """One database migrated to head, copied for each test (migrating takes half a second)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = open_database(str(path), create=True)
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return path


# With KZMIGDESK_TEST_POSTGRES_URL (a PostgreSQL server URL whose user may create databases),
# the `database` fixture is a new PostgreSQL database for each test instead (see .ci/run).
POSTGRES_URL = os.environ.get("KZMIGDESK_TEST_POSTGRES_URL")



def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: a test of SQLite itself (files, backups)")
    config.addinivalue_line("markers", "background_queries: the GUI's queries run in a worker")


def pytest_collection_modifyitems(config, items):
    if POSTGRES_URL:
        skip = pytest.mark.skip(reason="SQLite only: this run is on PostgreSQL")
        for item in items:
            if "sqlite_only" in item.keywords:
                item.add_marker(skip)


def postgres_template() -> str:
    """The template database's name, one per server user (a user drops only its own)."""
    from sqlalchemy.engine import make_url

    user = "".join(c for c in (make_url(POSTGRES_URL).username or "") if c.isalnum())
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # CI runs PostgreSQL with -n 2
    return f"kzmigdesk_test_template_{user.lower()}{worker}"


def postgres_url(database: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


def drop_postgres_database(server, name: str) -> None:
    """Drop a test database. An autovacuum worker may be in it for a moment, which a user
    without superuser rights cannot end: wait and try again."""
    import time

    from sqlalchemy.exc import DBAPIError

    for attempt in range(20):
        try:
            with server.connect() as connection:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            return
        except DBAPIError:
            if attempt == 19:
                raise
            time.sleep(0.25)


@pytest.fixture(scope="session")
def postgres_server():
    """An engine on the server's maintenance database, and a migrated template database."""
    from sqlalchemy import create_engine

    engine = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {postgres_template()} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {postgres_template()}")
    open_database(postgres_url(postgres_template())).close()
    yield engine
    engine.dispose()


@pytest.fixture
def database(tmp_path, request):
    """A migrated database of the test's own: a SQLite file, or a PostgreSQL database."""
    yield from _own_database(tmp_path, request)


@pytest.fixture
def second_database(tmp_path, request):
    """Another database of the test's own, of the same kind as `database`."""
    folder = tmp_path / "second"
    folder.mkdir()
    yield from _own_database(folder, request)


def _own_database(tmp_path, request):
    if POSTGRES_URL:
        import uuid

        server = request.getfixturevalue("postgres_server")
        name = f"kzmigdesk_test_{uuid.uuid4().hex[:16]}"
        with server.connect() as connection:
            connection.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {postgres_template()}")
        db = open_database(postgres_url(name))
        db.actor = TEST_ADMINISTRATOR
        yield db
        db.close()
        drop_postgres_database(server, name)
        return
    path = tmp_path / "test.sqlite3"
    shutil.copyfile(request.getfixturevalue("migrated_template"), path)
    db = open_database(str(path))
    db.actor = TEST_ADMINISTRATOR  # tests of permissions name their own actors
    yield db
    db.close()


@pytest.fixture(autouse=True)
def english_and_isolated_user_dirs(tmp_path, monkeypatch):
    """Tests start in English and never touch the real user's data or settings folders."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    monkeypatch.delenv("KZMIGDESK_DATABASE_URL", raising=False)
    i18n.set_language("en")
    yield
    i18n.set_language("en")


@pytest.fixture(autouse=True)
def discard_when_tests_close_dialogs(monkeypatch):
    """qtbot closes the widgets of a test at its end; a form with typed changes would ask
    (modally) whether to discard them. Tests of that question replace it themselves."""
    monkeypatch.setattr("kzmigdesk.gui.widgets.unsaved.ask_discard", lambda parent: True)


@pytest.fixture
def open_quotas(database):
    """Room in every labour and kandas quota of 2015 to 2035, for tests of other rules."""
    from sqlalchemy import insert, select

    from kzmigdesk.domain.enums import PermitCategory
    from kzmigdesk.domain.models import KandasQuota, LabourQuota, Region

    with database.transaction() as session:
        regions = session.scalars(select(Region.id)).all()
        years = range(2015, 2036)
        session.execute(insert(LabourQuota), [
            dict(year=y, region_id=r, category=c, amount=10_000)
            for y in years for r in regions for c in PermitCategory])
        session.execute(insert(KandasQuota), [
            dict(year=y, region_id=r, amount=10_000) for y in years for r in regions])
    return database


@pytest.fixture
def demo(database):
    """A small demo database (60 persons and everything around them) for the window's tests."""
    import datetime as dt

    from kzmigdesk.demo import generate_demo_data

    generate_demo_data(database, persons=60, seed=5, today=dt.date.today())
    return database


@pytest.fixture(autouse=True)
def queries_inline(request, monkeypatch):
    """The GUI's lists read the database in a worker thread (gui/widgets/queries.py); the
    tests run those queries inline, so a list has its rows as soon as it is told to reload,
    unless marked `background_queries` (tests of the worker itself, which wait for it)."""
    if "background_queries" not in request.keywords:
        from kzmigdesk.gui.widgets import queries

        monkeypatch.setattr(queries, "IN_BACKGROUND", False)


# --- encrypted databases (issue 22) ---------------------------------------------------------
# The credential store is an in-memory one for the whole run (CI has no OS keyring). Tests
# make plain databases unless KZMIGDESK_NEW_DATABASES=encrypted is set: then every new
# database of the run (the template too) is encrypted with SQLCipher.
import keyring  # noqa: E402
from keyring.backend import KeyringBackend  # noqa: E402


class MemoryKeyring(KeyringBackend):
    priority = 1

    def __init__(self):
        self.entries = {}

    def get_password(self, service, username):
        return self.entries.get((service, username))

    def set_password(self, service, username, password):
        self.entries[(service, username)] = password

    def delete_password(self, service, username):
        from keyring.errors import PasswordDeleteError

        if self.entries.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


keyring.set_keyring(MemoryKeyring())
os.environ.setdefault("KZMIGDESK_NEW_DATABASES", "plain")


# The suite also runs with KZMIGDESK_NEW_DATABASES=encrypted and a key in
# KZMIGDESK_DATABASE_KEY (issue 22): every test database is then a SQLCipher file.
ENCRYPTED_RUN = os.environ.get("KZMIGDESK_NEW_DATABASES") == "encrypted"
plain_run_only = pytest.mark.skipif(
    ENCRYPTED_RUN, reason="about the choice of plain or encrypted, or the credential store: "
                          "meaningful when the run makes plain databases")


def connect_file(path):
    """A DB-API connection to the SQLite file `path`: sqlite3's for a plain file, SQLCipher's
    with its key for an encrypted one."""
    from pathlib import Path

    from kzmigdesk.db import keys
    from kzmigdesk.services.backup import connect

    path = Path(path)
    return connect(path, keys.stored_key(path) if keys.looks_encrypted(path) else None)[0]
