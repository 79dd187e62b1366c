from sqlalchemy import Column, Integer, MetaData, String, Table, inspect, text

from kzmigdesk.db import migrate
from kzmigdesk.db.engine import make_engine
from kzmigdesk.domain.models import Base
from kzmigdesk.domain.reference import REGIONS, SERVICE_TYPES


def test_upgrade_from_empty_creates_every_table(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert migrate.current_revision(engine) is None
    migrate.upgrade(engine)
    assert migrate.current_revision(engine) == migrate.head_revision()
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    assert migrate.schema_drift(engine) == []
    engine.dispose()


def test_upgrade_twice_is_harmless_and_seeds_reference_data_once(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'twice.sqlite3'}")
    migrate.upgrade(engine)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert connection.scalar(text("select count(*) from regions")) == len(REGIONS) == 20
        cities = connection.scalar(text("select count(*) from regions where kind = 'city'"))
        assert cities == 3
        assert connection.scalar(text("select count(*) from service_types")) == len(SERVICE_TYPES)
        kk_name = connection.scalar(text("select name_kk from regions where code = 'ULY'"))
        assert kk_name == "Ұлытау облысы"
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


def test_sqlite_has_foreign_keys_and_wal(database):
    with database.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
