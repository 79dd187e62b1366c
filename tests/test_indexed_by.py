"""kzmigdesk/db/indexed.py: a table read through a given index on SQLite, a plain alias on
other databases; the statement cache tells two indexes apart."""

import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite

from kzmigdesk.db.indexed import indexed_by
from kzmigdesk.domain.models import Person


def names_of(index: str):
    names = indexed_by(Person, index)
    return select(names.surname, func.count()).where(names.id == uuid.uuid4()).group_by(
        names.surname)


def test_sqlite_reads_through_the_index_other_databases_plan_their_own():
    query = names_of("ix_persons_names_by_id")
    on_sqlite = " ".join(str(query.compile(dialect=sqlite.dialect())).split())
    assert "FROM persons AS persons_by_index INDEXED BY ix_persons_names_by_id WHERE" in on_sqlite
    on_postgres = " ".join(str(query.compile(dialect=postgresql.dialect())).split())
    assert "FROM persons AS persons_by_index WHERE" in on_postgres
    assert "INDEXED BY" not in on_postgres


def test_two_indexes_are_two_statements_in_the_cache():
    first, second = names_of("ix_persons_names_by_id"), names_of("ix_persons_sort_name_id")
    assert first._generate_cache_key() == names_of("ix_persons_names_by_id")._generate_cache_key()
    assert first._generate_cache_key() != second._generate_cache_key()


def test_an_index_the_table_does_not_have_is_refused():
    with pytest.raises(ValueError, match="persons has no index ix_cases_list"):
        indexed_by(Person, "ix_cases_list")
