"""A table read through a given index on SQLite (`INDEXED BY`), where its planner, without
statistics, would take another: a table's unique id index and then each row, over an index
of the id and the few columns a query needs (each row's page read, and on an encrypted file
decrypted, for a column or two). Other databases plan by their statistics: a plain alias."""

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.selectable import Alias
from sqlalchemy.sql.visitors import InternalTraversal


class IndexedBy(Alias):
    inherit_cache = True
    _traverse_internals = [*Alias._traverse_internals, ("index", InternalTraversal.dp_string)]
    index: str


def indexed_by(entity, index: str):
    """`entity` aliased so that SQLite reads its rows through `index` (one of its table's,
    partial ones only where the query's conditions imply theirs)."""
    table = entity.__table__
    if index not in {each.name for each in table.indexes}:
        raise ValueError(f"{table.name} has no index {index}")
    alias = IndexedBy._construct(table, name=f"{table.name}_by_index")
    alias.index = index
    return aliased(entity, alias)


@compiles(IndexedBy)
def _plain_alias(element, compiler, **kw):
    return compiler.visit_alias(element, **kw)


@compiles(IndexedBy, "sqlite")
def _indexed_by(element, compiler, **kw):
    text = compiler.visit_alias(element, **kw)
    return f"{text} INDEXED BY {element.index}" if kw.get("asfrom") else text
