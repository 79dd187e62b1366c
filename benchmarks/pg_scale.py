"""Scale a PostgreSQL benchmark database up (issue 25): every person with their documents, name
index, household, cases, permits, status changes and service records, copied TIMES - 1 times.

    python benchmarks/pg_scale.py --db postgresql+psycopg://USER:PW@HOST/DB --times 5

For a database loaded by benchmarks/pg_load.py (1,000,000 persons, 3,000,000 service records)
this makes 5,000,000 persons and 15,000,000 service records in minutes, where the generator
would take hours. Each copy k gets ids derived from the original's (md5 of the id and k), so
that its rows link to each other as the original's do; numbers that must stay unique (case,
certificate and permit numbers) get "/k", copies have no IIN (the live IINs are unique), and
their name-index numbers follow the original's. Names, dates, regions, offices, centres and
employers are the original's: the copies have the same distributions. The secondary indexes
are dropped and built again, then VACUUM (ANALYZE). Run it as a superuser (no FK checks)."""

import argparse
import time

# The tables copied, parents first, and the columns of each that name a copied row
TABLES = {
    "persons": (),
    "person_numbers": ("person_id",),
    "person_name_tokens": ("person_id",),
    "person_name_pairs": ("person_id",),
    "identity_documents": ("person_id",),
    "households": ("head_id",),
    "household_members": ("household_id", "person_id"),
    "repatriate_cases": ("person_id", "household_id"),
    "case_status_changes": ("case_id",),
    "work_permits": ("person_id",),
    "permit_status_changes": ("permit_id",),
    "service_records": ("person_id",),
}
SUFFIXED = {("repatriate_cases", "case_number"), ("repatriate_cases", "certificate_number"),
            ("work_permits", "number")}


def copied(column: str) -> str:
    return f"CASE WHEN {column} IS NULL THEN NULL ELSE md5({column}::text || k)::uuid END"


def expression(table: str, column: str, last_no: int) -> str:
    if column == "id" or column in TABLES[table]:
        return copied(column)
    if (table, column) in SUFFIXED:
        return f"{column} || '/' || k"
    if (table, column) == ("persons", "iin"):
        return "NULL"
    if column in ("no", "person_no"):  # person_numbers.no, person_name_tokens.person_no
        return f"{column} + k * {last_no}"
    return column


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="the PostgreSQL database's URL")
    parser.add_argument("--times", type=int, default=5)
    args = parser.parse_args()

    import psycopg
    from pg_load import secondary_indexes
    from sqlalchemy import make_url

    url = make_url(args.db)
    connection = psycopg.connect(url.set(drivername="postgresql").render_as_string(
        hide_password=False), autocommit=True)
    connection.execute("SET session_replication_role = replica")
    connection.execute("SET maintenance_work_mem = '1GB'")
    last_no = connection.execute("SELECT max(no) FROM person_numbers").fetchone()[0]
    for table in TABLES:
        start = time.perf_counter()
        columns = [row[0] for row in connection.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND "
            "table_schema = current_schema() ORDER BY ordinal_position", (table,))]
        indexes = secondary_indexes(connection.cursor(), table)
        for name, _ in indexes:
            connection.execute(f'DROP INDEX "{name}"')
        names = ", ".join(f'"{column}"' for column in columns)
        values = ", ".join(expression(table, column, last_no) for column in columns)
        rows = connection.execute(
            f'INSERT INTO "{table}" ({names}) SELECT {values} FROM "{table}" '
            f"CROSS JOIN generate_series(1, {args.times - 1}) AS k").rowcount
        for _, statement in indexes:
            connection.execute(statement)
        connection.execute(f'VACUUM (ANALYZE) "{table}"')
        print(f"{table}: {rows:,} rows added in {time.perf_counter() - start:.0f} s",
              flush=True)
    connection.execute("SELECT setval(pg_get_serial_sequence('person_numbers', 'no'), "
                       "(SELECT max(no) FROM person_numbers))")
    connection.close()
    return 0


if __name__ == "__main__":
    from floor import run

    raise SystemExit(run(main))
