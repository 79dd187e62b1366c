import warnings

import pytest
from sqlalchemy import (
    JSON,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    column,
    inspect,
    select,
    text,
)
from sqlalchemy import table as sql_table

from kzmigdesk.db import migrate
from kzmigdesk.db.engine import make_engine
from kzmigdesk.domain.models import Base, PersonNameToken, PersonNumber
from kzmigdesk.domain.reference import REGIONS, SERVICE_TYPES
from kzmigdesk.domain.search import sort_key


def test_upgrade_from_empty_creates_every_table(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    assert migrate.schema_drift(engine) == []
    engine.dispose()


def test_a_new_database_is_migrated_without_warnings_on_the_terminal(tmp_path):
    """`db init` and a first start print nothing of SQLite's unreflected expression index."""
    engine = make_engine(f"sqlite:///{tmp_path / 'new.sqlite3'}")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        migrate.upgrade(engine)
        assert migrate.schema_drift(engine) == []
    engine.dispose()
    assert [str(warning.message) for warning in caught] == []


def test_upgrade_twice_is_harmless_and_seeds_reference_data_once(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'twice.sqlite3'}")
    migrate.upgrade(engine)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert connection.scalar(text("select count(*) from regions")) == len(REGIONS) == 20
        cities = connection.scalar(text("select count(*) from regions where kind = 'city'"))
        assert cities == 3
        assert connection.scalar(text("select count(*) from service_types")) == len(SERVICE_TYPES)
        regions = sql_table("regions", column("code"), column("names", JSON))
        names = connection.scalar(select(regions.c.names).where(regions.c.code == "ULY"))
        assert names == {"kk": "Ұлытау облысы", "ru": "Улытауская область", "en": "Ulytau Region"}
    engine.dispose()


def test_downgrade_to_base_and_up_again(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'down.sqlite3'}")
    migrate.upgrade(engine)
    from alembic import command

    with engine.connect() as connection:
        command.downgrade(migrate.alembic_config(connection), "base")
        connection.commit()
    assert "persons" not in inspect(engine).get_table_names()
    migrate.upgrade(engine)
    assert migrate.schema_drift(engine) == []
    engine.dispose()


def test_migrations_match_the_models():
    assert migrate.migrations_drift() == []


def test_drift_is_detected_when_a_model_changes():
    changed = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(changed)
    Table("unmigrated", changed, Column("id", Integer, primary_key=True), Column("x", String(5)))
    drift = migrate.migrations_drift(changed)
    assert any(diff[0] == "add_table" and diff[1].name == "unmigrated" for diff in drift)


@pytest.mark.sqlite_only
def test_sqlite_has_foreign_keys_and_wal(database):
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_0002_0003_backfill_categories_name_tokens_and_sort_names(tmp_path):
    A1, B2, C1, E1, W1 = (f"{n:032x}" for n in range(1, 6))  # UUIDs as SQLite keeps them
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    migrate.upgrade(engine, "0001")
    stamp = "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 1"
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO persons (id, surname, given_name, sex, birth_date, created_at,"
            " updated_at, version) VALUES"
            f" ('{A1}', 'Әбенов', 'Нұрлан', 'M', '1980-01-01', {stamp}),"
            f" ('{B2}', 'Wang', 'Lei', 'M', '1985-05-05', {stamp})"))
        connection.execute(text(
            "INSERT INTO repatriate_cases (id, case_number, person_id, country_of_origin,"
            " application_date, status, created_at, updated_at, version) VALUES"
            f" ('{C1}', 'KC-1', '{A1}', 'UZ', '2025-01-01', 'granted', {stamp})"))
        region = connection.scalar(text("SELECT id FROM regions LIMIT 1"))
        connection.execute(text(
            "INSERT INTO employers (id, bin, name, region_id, created_at, updated_at, version)"
            f" VALUES ('{E1}', '150340045674', 'ТОО', :region, {stamp})"), {"region": region})
        connection.execute(text(
            "INSERT INTO work_permits (id, number, employer_id, person_id, category, region_id,"
            " valid_from, valid_to, status, quota_year, created_at, updated_at, version) VALUES"
            f" ('{W1}', 'WP-1', '{E1}', '{B2}', 'cat3', :region, '2026-01-01', '2026-12-31',"
            f" 'issued', 2026, {stamp})"), {"region": region})
    migrate.upgrade(engine)
    with engine.connect() as connection:
        rows = dict(connection.execute(text(
            "SELECT id, category || '/' || status FROM persons")).all())
        assert rows == {A1: "kandas/granted", B2: "foreign_worker/issued"}
        tokens = set(connection.execute(text(  # made by 0002, moved to numbers by 0013
            "SELECT t.token, n.person_id FROM person_name_tokens t "
            "JOIN person_numbers n ON n.no = t.person_no")))
        assert {("nurlan", A1), ("abenov", A1), ("vang", B2), ("lei", B2)} <= tokens
        pairs = set(connection.execute(text(  # made from the tokens by 0040
            "SELECT first_token, second_token, person_id FROM person_name_pairs")))
        assert {("abenov", "nurlan", A1), ("lei", "vang", B2)} <= pairs
        sort_names = dict(connection.execute(text("SELECT id, sort_name FROM persons")).all())
        assert sort_names == {A1: sort_key("Әбенов", "Нұрлан"), B2: sort_key("Wang", "Lei")}
    engine.dispose()


def test_opening_a_current_database_runs_no_migration(tmp_path, monkeypatch):
    from alembic import command

    engine = make_engine(f"sqlite:///{tmp_path / 'current.sqlite3'}")
    migrate.upgrade(engine)
    monkeypatch.setattr(command, "upgrade", lambda *a, **k: pytest.fail("migrated again"))
    migrate.upgrade(engine)  # at head already: no Alembic run, no full foreign-key check
    engine.dispose()


def test_0005_gives_back_the_slots_of_permits_revoked_within_their_year(tmp_path):
    E1, P1, W1, W2, W3 = (f"{n:032x}" for n in range(11, 16))
    engine = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    migrate.upgrade(engine, "0004")
    stamp = "'2026-01-01 00:00:00', '2026-01-01 00:00:00', 1"
    with engine.begin() as connection:
        region = connection.scalar(text("SELECT id FROM regions LIMIT 1"))
        connection.execute(text(
            "INSERT INTO persons (id, surname, given_name, sex, birth_date, created_at,"
            f" updated_at, version) VALUES ('{P1}', 'Wang', 'Lei', 'M', '1985-05-05', {stamp})"))
        connection.execute(text(
            "INSERT INTO employers (id, bin, name, region_id, created_at, updated_at, version)"
            f" VALUES ('{E1}', '150340045674', 'ТОО', :region, {stamp})"), {"region": region})
        for permit, status, year in ((W1, "revoked", 2025), (W2, "revoked", 2026),
                                     (W3, "expired", 2025)):
            connection.execute(text(
                "INSERT INTO work_permits (id, number, employer_id, person_id, category,"
                " region_id, valid_from, valid_to, status, quota_year, created_at, updated_at,"
                f" version) VALUES ('{permit}', '{permit}', '{E1}', '{P1}', 'cat3', :region,"
                f" '2025-02-01', '2025-12-31', '{status}', 2025, {stamp})"), {"region": region})
            connection.execute(text(
                "INSERT INTO permit_status_changes (id, permit_id, to_status, changed_on,"
                f" created_at, updated_at, version) VALUES ('f{permit[1:]}', '{permit}',"
                f" '{status}', '{year}-06-01', {stamp})"))
    migrate.upgrade(engine)
    with engine.connect() as connection:
        holds = dict(connection.execute(text(
            "SELECT id, holds_quota_slot FROM work_permits")).all())
    assert holds == {W1: 0, W2: 1, W3: 1}
    engine.dispose()


def test_the_head_read_from_the_revision_files_is_alembics_head():
    assert migrate.head_in_files() == migrate.head_revision()


def test_a_database_at_head_is_recognised_without_alembic(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'quick.sqlite3'}")
    assert migrate.stored_revision(engine) is None
    migrate.upgrade(engine)
    assert migrate.stored_revision(engine) == migrate.head_revision()
    engine.dispose()


def test_0013_keeps_the_name_tokens_both_ways(tmp_path):
    """Tokens move from person ids to person numbers and back, none lost."""
    import datetime as dt

    from alembic import command
    from conftest import TEST_ADMINISTRATOR

    from kzmigdesk.db.engine import make_session_factory
    from kzmigdesk.db.session import Database
    from kzmigdesk.domain.enums import Sex
    from kzmigdesk.services.name_index import tokens_of
    from kzmigdesk.services.registration import PersonInput, save_person

    url = f"sqlite:///{tmp_path / 'tokens.sqlite3'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    database = Database(url=url, engine=engine, factory=make_session_factory(engine))
    with database.acting_as(TEST_ADMINISTRATOR).transaction() as session:
        person_id = save_person(session, PersonInput(
            surname="Әбенов", given_name="Нұрлан", sex=Sex.MALE,
            birth_date=dt.date(1985, 4, 12))).id
    with database.sessions() as session:
        before = tokens_of(session, person_id)
    assert {"abenov", "nurlan"} <= before
    with engine.connect() as connection:
        command.downgrade(migrate.alembic_config(connection), "0012")
        connection.commit()
        rows = connection.execute(text("SELECT token, person_id FROM person_name_tokens")).all()
    assert {token for token, _person in rows} == before
    migrate.upgrade(engine)
    with database.sessions() as session:
        assert tokens_of(session, person_id) == before
    engine.dispose()


def test_0014_moves_the_names_of_reference_data_both_ways(tmp_path):
    """The three name columns become one `names` dict and back; ids and codes stay."""
    from alembic import command

    engine = make_engine(f"sqlite:///{tmp_path / 'names.sqlite3'}")
    migrate.upgrade(engine, "0013")
    renamed = "UPDATE service_types SET name_en = 'Law' WHERE code = 'legal'"
    with engine.begin() as connection:
        connection.execute(text(renamed))
        before = connection.execute(text(
            "SELECT id, code, name_kk, name_ru, name_en FROM regions ORDER BY code")).all()
    migrate.upgrade(engine)
    kinds = sql_table("service_types", column("code"), column("names", JSON))
    regions = sql_table("regions", column("id"), column("code"), column("names", JSON))
    with engine.connect() as connection:
        legal = connection.scalar(select(kinds.c.names).where(kinds.c.code == "legal"))
        after = connection.execute(
            select(regions.c.id, regions.c.code, regions.c.names).order_by(regions.c.code)).all()
    assert legal == {"kk": "Заң кеңесі", "ru": "Юридическая консультация", "en": "Law"}
    assert [(r.id, r.code, r.names) for r in after] == [
        (i, code, {"kk": kk, "ru": ru, "en": en}) for i, code, kk, ru, en in before]
    with engine.connect() as connection:
        command.downgrade(migrate.alembic_config(connection), "0013")
        connection.commit()
        restored = connection.execute(text(
            "SELECT id, code, name_kk, name_ru, name_en FROM regions ORDER BY code")).all()
    assert restored == before
    engine.dispose()


@pytest.fixture
def empty_engine(tmp_path, request):
    """An empty database: a SQLite file, or a new PostgreSQL database when the suite runs on
    PostgreSQL."""
    from conftest import POSTGRES_URL

    if not POSTGRES_URL:
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
        yield engine
        engine.dispose()
        return
    import uuid

    from conftest import drop_postgres_database, postgres_url

    server = request.getfixturevalue("postgres_server")
    name = f"kzmigdesk_test_{uuid.uuid4().hex[:16]}"
    with server.connect() as connection:
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    engine = make_engine(postgres_url(name))
    yield engine
    engine.dispose()
    drop_postgres_database(server, name)


def test_0041_gives_each_name_token_its_persons_id(empty_engine):
    """The tokens are copied with their person's id (on PostgreSQL into a table written anew,
    with its key, indexes and row-level security), and the lists' indexes carry it."""
    import datetime as dt
    import uuid

    from kzmigdesk.domain.models import Person

    engine = empty_engine
    migrate.upgrade(engine, "0040")
    first, second = uuid.uuid4(), uuid.uuid4()
    with engine.begin() as connection:
        connection.execute(Person.__table__.insert(), [dict(
            id=person, surname=surname, given_name="X", sex="M", birth_date=dt.date(1985, 4, 12))
            for person, surname in ((first, "Abenov"), (second, "Wang"))])
        for person, tokens, lists in ((first, ("x", "abenov"), 4), (second, ("vang",), 0)):
            number = connection.execute(
                PersonNumber.__table__.insert().values(person_id=person)).inserted_primary_key[0]
            connection.execute(text(
                "INSERT INTO person_name_tokens (token, person_no, sort_name, lists) "
                "VALUES (:token, :number, 'name', :lists)"),
                [{"token": token, "number": number, "lists": lists} for token in tokens])
    migrate.upgrade(engine)
    assert migrate.schema_drift(engine) == []
    with engine.connect() as connection:
        tokens = connection.execute(select(
            PersonNameToken.token, PersonNameToken.person_id, PersonNameToken.lists,
            PersonNameToken.sort_name)).all()
        assert sorted(tokens) == [("abenov", first, 4, "name"), ("vang", second, 0, "name"),
                                  ("x", first, 4, "name")]
        if engine.dialect.name == "postgresql":
            policies = set(connection.scalars(text(
                "SELECT policyname FROM pg_policies WHERE tablename = 'person_name_tokens'")))
            assert policies == {f"kzmigdesk_{verb}" for verb in
                                ("insert", "update", "delete", "select")}
            assert connection.scalar(text(
                "SELECT relrowsecurity FROM pg_class WHERE relname = 'person_name_tokens'"))
            definition = connection.scalar(text(
                "SELECT indexdef FROM pg_indexes "
                "WHERE indexname = 'ix_person_name_tokens_service_records_pg'"))
            assert "(token, person_no, person_id) WHERE ((lists & 4) <> 0)" in definition
            # written in the key's order (a word's tokens on few pages), not as inserted
            assert list(connection.scalars(text("SELECT token FROM person_name_tokens"))) == [
                "abenov", "vang", "x"]


def test_0015_normalises_identifiers_and_moves_clashing_iins_into_notes(empty_engine, caplog):
    """Stored IINs in full-width, Arabic-Indic and superscript digits become ASCII; of two
    live persons with the same IIN the first registered keeps it and the other's notes say
    where it went; then the database refuses a second live person with that IIN."""
    import datetime as dt
    import logging
    import uuid

    from alembic import command
    from sqlalchemy.exc import IntegrityError

    from kzmigdesk.domain.identifiers import make_bin, make_iin
    from kzmigdesk.domain.models import Employer, IdentityDocument, Person

    engine = empty_engine
    migrate.upgrade(engine, "0014")
    iin = make_iin(dt.date(1985, 4, 12), "M", 1)
    other = make_iin(dt.date(1990, 1, 31), "F", 2)
    bin_ = make_bin(dt.date(2015, 3, 1), 1)
    full_width = "".join(chr(0xFF10 + int(d)) for d in iin)
    arabic_indic = "".join(chr(0x0660 + int(d)) for d in iin)
    superscript = other[:-1] + "⁰¹²³⁴⁵⁶⁷⁸⁹"[int(other[-1])]
    day = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    ids = {name: uuid.uuid4() for name in ("first", "wide", "arabic", "sup", "deleted", "spaced")}
    values = {  # name: (iin, days after the first, deleted, notes)
        "wide": (full_width, 1, False, "Came twice."),
        "first": (iin, 0, False, None),
        "arabic": (arabic_indic, 2, False, None),
        "sup": (superscript, 3, False, None),
        "deleted": (other, 4, True, None),
        "spaced": ("1234 567 890", 5, False, None),  # (PostgreSQL keeps 12 characters)
    }
    with engine.begin() as connection:
        region_id = connection.scalar(text("SELECT id FROM regions WHERE code = 'ALA'"))
        region_id = uuid.UUID(str(region_id))
        connection.execute(Person.__table__.insert(), [dict(
            id=ids[name], surname=name, given_name="X", sex="M", birth_date=dt.date(1985, 4, 12),
            iin=value, created_at=day + dt.timedelta(days=after), notes=notes,
            deleted_at=day if deleted else None) for name, (value, after, deleted, notes)
            in values.items()])
        connection.execute(Employer.__table__.insert(), [
            dict(id=uuid.uuid4(), bin="".join(chr(0xFF10 + int(d)) for d in bin_), name="A",
                 region_id=region_id),
            dict(id=uuid.uuid4(), bin=bin_[:-1] + "⁰¹²³⁴⁵⁶⁷⁸⁹"[int(bin_[-1])], name="B",
                 region_id=region_id)])
        connection.execute(IdentityDocument.__table__.insert(), [dict(
            id=uuid.uuid4(), person_id=ids["first"], doc_type="foreign_passport",
            number="ｆａ １２３４５６７")])

    with caplog.at_level(logging.WARNING, logger="kzmigdesk.migrations"):
        migrate.upgrade(engine)  # no failure, whatever the clashes
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert migrate.schema_drift(engine) == []
    with engine.connect() as connection:
        rows = {row.id: row for row in connection.execute(
            select(Person.__table__.c.id, Person.__table__.c.iin, Person.__table__.c.notes))}
        bins = connection.execute(select(Employer.__table__.c.bin).order_by(
            Employer.__table__.c.name)).scalars().all()
        number = connection.scalar(select(IdentityDocument.__table__.c.number))
    stored = {name: (rows[i].iin, rows[i].notes) for name, i in ids.items()}
    moved = f"IIN {iin} moved: the same IIN as person {ids['first']}"
    assert stored == {
        "first": (iin, None),
        "wide": (None, f"Came twice.\n{moved}"),
        "arabic": (None, moved),
        "sup": (other, None),
        "deleted": (other, None),  # a deleted person's IIN clashes with no one
        "spaced": ("1234567890", None),
    }
    # Two employers with one BIN: the first is normalised, the second left as it was.
    assert bins == [bin_, bin_[:-1] + "⁰¹²³⁴⁵⁶⁷⁸⁹"[int(bin_[-1])]]
    assert number == "FA1234567"
    logged = caplog.text
    assert f"{ids['first']} and {ids['wide']} have the same IIN {iin}" in logged
    assert f"{ids['first']} and {ids['arabic']} have the same IIN {iin}" in logged
    assert "employers.bin" in logged

    def add_person(**values):
        with engine.begin() as connection:
            connection.execute(Person.__table__.insert(), [dict(
                surname="Y", given_name="Y", sex="M", birth_date=dt.date(1985, 4, 12),
                **values)])

    with pytest.raises(IntegrityError):
        add_person(iin=iin)
    add_person(iin=iin, deleted_at=day)  # deleted persons do not count
    add_person(iin=None)

    # Down: the IIN is unique among all persons again; the deleted copies give theirs up.
    with engine.connect() as connection:
        command.downgrade(migrate.alembic_config(connection), "0014")
        connection.commit()
        holders = connection.execute(text(
            "SELECT count(*) FROM persons WHERE iin = :iin"), {"iin": other}).scalar()
    assert holders == 1
    with pytest.raises(IntegrityError):
        add_person(iin=other, deleted_at=day)
    migrate.upgrade(engine)
    assert migrate.schema_drift(engine) == []
