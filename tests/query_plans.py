"""SQLite's plans of the statements a piece of work runs: tests that a query is led by the
index meant for it (SQLite plans without statistics)."""

from sqlalchemy import event


def sqlite_plans(database, work, wanted) -> list[tuple[str, str]]:
    """(statement, plan) of each statement that work() runs and wanted(statement) accepts."""
    statements = []

    def grab(_conn, _cursor, statement, parameters, _context, _many):
        if wanted(statement):
            statements.append((statement, parameters))

    event.listen(database.engine, "before_cursor_execute", grab)
    try:
        work()
    finally:
        event.remove(database.engine, "before_cursor_execute", grab)
    with database.sessions() as session:
        return [(statement, " ".join(row[-1] for row in session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, parameters)))
            for statement, parameters in statements]
