"""The scale benchmark: a synthetic database of 1,000,000 persons (with cases, permits and
3,000,000 service records), and each figure next to a floor measured in the same run.

    python benchmarks/run.py [--persons 1000000] [--services 3000000] [--db FILE]
    python benchmarks/run.py --only flows --db FILE     (one row, printed)
    python benchmarks/run.py --db postgresql+psycopg://USER:PASSWORD@HOST/DATABASE

The database is made once (demo data, then service records topped up) and kept for later
runs. The results table is written to benchmarks/RESULTS.md with the machine's description.
On PostgreSQL (a database filled from the SQLite file by benchmarks/pg_load.py) the rows that
read the database are printed, each floor the same SQL through psycopg.
"""

import argparse
import contextlib
import datetime as dt
import os
import platform
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "RESULTS.md"
WINDOW = HERE / "window_start.py"

sys.path.insert(0, str(HERE))
from floor import connect as raw_connection  # noqa: E402
from floor import is_url, random_persons, run, uuid_of  # noqa: E402


def ms(seconds: float) -> str:
    if seconds < 0.01:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(work, repeat: int = 1) -> float:
    """The best of `repeat` runs, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - start)
    return best


# --- the database ---------------------------------------------------------------------------


def make_database(path: Path, persons: int, services: int, rows: list) -> None:
    from kzmigdesk.demo import generate_demo_data
    from kzmigdesk.services.workspace import open_database

    database = open_database(str(path), create=True)
    try:
        with database.engine.connect() as connection:
            count = connection.exec_driver_sql("SELECT count(*) FROM persons").scalar()
        if count < persons:
            start = time.perf_counter()
            summary = generate_demo_data(database, persons=persons - count, seed=2026,
                                         force=True) if count else generate_demo_data(
                database, persons=persons, seed=2026)
            elapsed = time.perf_counter() - start
            made = summary.persons
            rows.append(("Demo data generation", f"{made:,} persons in {ms(elapsed)}",
                         f"{made / elapsed:,.0f} persons/s", "", ""))
    finally:
        database.close()
    top_up_services(path, services, rows)


def generation_throughput(rows: list, persons: int = 20_000) -> None:
    """Demo data generation into a new database: persons (with everything else) per second."""

    from kzmigdesk.demo import generate_demo_data
    from kzmigdesk.services.workspace import open_database

    with tempfile.TemporaryDirectory() as folder:
        database = open_database(str(Path(folder) / "throughput.sqlite3"), create=True)
        try:
            start = time.perf_counter()
            generate_demo_data(database, persons=persons, seed=5)
            elapsed = time.perf_counter() - start
        finally:
            database.close()
    rows.append(("Demo data generation (a new database)", f"{persons:,} persons in "
                 f"{ms(elapsed)}", f"{persons / elapsed:,.0f} persons/s", "", ""))


def top_up_services(path: Path, services: int, rows: list) -> None:
    """Add service records (copies of existing ones, other persons and dates) up to
    `services`, in batches through the raw driver: the import throughput figure."""
    connection = sqlite3.connect(path)
    try:
        have = connection.execute("SELECT count(*) FROM service_records").fetchone()[0]
        if have >= services:
            return
        persons = [r[0] for r in connection.execute(
            "SELECT id FROM persons ORDER BY random() LIMIT 200000")]
        templates = connection.execute(
            "SELECT centre_id, service_type_id FROM service_records s JOIN service_types t "
            "ON t.id = s.service_type_id WHERE NOT t.is_accommodation LIMIT 1000").fetchall()
        rng = random.Random(7)
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
        start = time.perf_counter()
        missing = services - have
        while missing > 0:
            batch = []
            for _ in range(min(50_000, missing)):
                centre, kind = rng.choice(templates)
                day = dt.date(2022, 1, 1) + dt.timedelta(days=rng.randrange(1700))
                batch.append((uuid.uuid4().hex, rng.choice(persons), centre, kind,
                              day.isoformat(), day.isoformat(), now, now, 1))
            connection.executemany(
                "INSERT INTO service_records (id, person_id, centre_id, service_type_id, "
                "start_date, end_date, created_at, updated_at, version) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
            connection.commit()
            missing -= len(batch)
        elapsed = time.perf_counter() - start
        added = services - have
        rows.append(("Service records import (batched)", f"{added:,} rows in {ms(elapsed)}",
                     f"{added / elapsed:,.0f} rows/s", "", ""))
    finally:
        connection.close()


# --- the measurements -----------------------------------------------------------------------


def cold_start(path: str, rows: list, runs: int = 5) -> None:
    def run(*args) -> tuple[float, int]:
        start = time.perf_counter()
        out = subprocess.run([sys.executable, str(WINDOW), *args], capture_output=True,
                             text=True, check=True).stdout.split()
        return time.perf_counter() - start, int(out[-1])

    app = [run(str(path)) for _ in range(runs)]
    bare = [run("--bare") for _ in range(runs)]
    start, floor = statistics.median(t for t, _ in app), statistics.median(t for t, _ in bare)
    rows.append(("Cold start to main window shown", ms(start), ms(floor),
                 f"{start / floor:.1f}×", "under 2 s: " + ("met" if start < 2 else "MISSED")))
    rss = max(r for _, r in app) / 1024
    rows.append(("Peak memory (RSS) of the GUI with the database open", f"{rss:.0f} MB",
                 f"{max(r for _, r in bare) / 1024:.0f} MB (bare window)", "",
                 "under 400 MB: " + ("met" if rss < 400 else "MISSED")))


def sample_queries(connection, count: int = 100) -> dict[str, list[str]]:
    rng = random.Random(11)  # the same persons in every run on the same database
    people: list = []
    while len(people) < count:
        people += random_persons(
            connection, "surname, given_name, surname_latin, given_name_latin, iin",
            "iin IS NOT NULL AND surname_latin IS NOT NULL", rng)
    return {
        "name": [f"{s} {g}" for s, g, *_ in people],
        "IIN prefix": [iin[: rng.randint(6, 10)] for *_, iin in people],
        "transliterated name": [f"{sl} {gl}" for _s, _g, sl, gl, _i in people],
    }


def floor_search_sql(kind: str, text: str) -> tuple[str, list]:
    """The raw SQL doing the search's own work: the matching ids (an IIN range; two words of a
    name: their persons from the pairs of name tokens, the tokens each word begins found one
    by one; else the intersection of the name tokens' ranges), their count and the first page
    by name."""
    if kind == "IIN prefix":
        upper = text[:-1] + chr(ord(text[-1]) + 1)
        ids = ("SELECT id FROM persons WHERE iin >= ? AND iin < ? UNION SELECT person_id "
               "FROM identity_documents WHERE number >= ? AND number < ?")
        args = [text, upper, text, upper]
    else:
        from kzmigdesk.domain.search import query_tokens

        tokens = query_tokens(text)
        if len(tokens) == 2 and min(map(len, tokens)) > 1 \
                and not tokens[0].startswith(tokens[1]):
            return _floor_pairs_sql(*tokens)
        numbers = " INTERSECT ".join(["SELECT person_no FROM person_name_tokens "
                                      "WHERE token >= ? AND token < ?"] * len(tokens))
        ids = f"SELECT person_id FROM person_numbers WHERE no IN ({numbers})"
        args = [bound for token in tokens
                for bound in (token, token[:-1] + chr(ord(token[-1]) + 1))]
    return (f"SELECT id, surname, given_name, birth_date, count(*) OVER () FROM persons "
            f"WHERE id IN ({ids}) AND deleted_at IS NULL ORDER BY sort_name, id LIMIT 200",
            args)


def _floor_pairs_sql(first: str, second: str) -> tuple[str, list]:
    def upper(token: str) -> str:
        return token[:-1] + chr(ord(token[-1]) + 1)

    vocabulary = ("{name}(token) AS (SELECT (SELECT min(token) FROM person_name_tokens "
                  "WHERE token >= ? AND token < ?) UNION ALL SELECT (SELECT min(t.token) FROM "
                  "person_name_tokens t WHERE t.token > {name}.token AND t.token < ?) "
                  "FROM {name} WHERE {name}.token IS NOT NULL)")
    pairs = ("SELECT p.sort_name, p.person_id FROM {name} JOIN person_name_pairs p "
             "ON p.first_token = {name}.token WHERE p.second_token >= ? AND p.second_token < ?")
    sql = (f"WITH RECURSIVE {vocabulary.format(name='v1')}, {vocabulary.format(name='v2')}, "
           f"m AS ({pairs.format(name='v1')} UNION {pairs.format(name='v2')}), "
           "page AS (SELECT sort_name, person_id, count(*) OVER () AS n FROM m "
           "ORDER BY sort_name, person_id LIMIT 200) "
           "SELECT p.id, p.surname, p.given_name, p.birth_date, page.n FROM page "
           "JOIN persons p ON p.id = page.person_id ORDER BY page.sort_name, page.person_id")
    args = [first, upper(first), upper(first), second, upper(second), upper(second),
            second, upper(second), first, upper(first)]
    return sql, args


def search(path: str, rows: list) -> None:
    from kzmigdesk.services.person_search import PersonFilter, count_and_first_page
    from kzmigdesk.services.workspace import open_database

    raw = raw_connection(path)
    queries = sample_queries(raw)
    database = open_database(str(path), upgrade=False)
    try:
        for kind, texts in queries.items():
            for text in texts:  # a first pass reads the pages into the cache for both sides
                with database.sessions() as session:
                    count_and_first_page(session, PersonFilter(text=text), limit=200)
                raw.execute(*floor_search_sql(kind, text)).fetchall()
            app, floor = [], []
            for text in texts:  # what the persons list does on a search: count, first page
                with database.sessions() as session:
                    start = time.perf_counter()
                    count_and_first_page(session, PersonFilter(text=text), limit=200)
                    app.append(time.perf_counter() - start)
                sql, args = floor_search_sql(kind, text)
                start = time.perf_counter()
                raw.execute(sql, args).fetchall()
                floor.append(time.perf_counter() - start)
            p50, p95 = percentile(app, 0.5), percentile(app, 0.95)
            f95 = percentile(floor, 0.95)
            target = p95 < 0.05 and p95 <= 2 * max(f95, 0.001)
            rows.append((f"Search by {kind} (p50 / p95, {len(texts)} queries)",
                         f"{ms(p50)} / {ms(p95)}",
                         f"{ms(percentile(floor, 0.5))} / {ms(f95)}",
                         f"{p95 / max(f95, 1e-6):.1f}×",
                         "p95 under 50 ms and within 2× the floor: "
                         + ("met" if target else "MISSED")))
    finally:
        database.close()
        raw.close()


def persons_list(path: str, rows: list) -> None:
    from PySide6.QtSql import QSqlDatabase, QSqlTableModel
    from PySide6.QtWidgets import QApplication

    from kzmigdesk.gui.persons_page import PersonsTableModel
    from kzmigdesk.gui.widgets import queries
    from kzmigdesk.services.person_search import persons_page
    from kzmigdesk.services.workspace import open_database

    queries.IN_BACKGROUND = False  # the model's work itself, measured on this thread
    QApplication.instance() or QApplication([])
    database = open_database(str(path), upgrade=False)
    model = PersonsTableModel(database)

    def open_list():
        model.reload()
        model.index(0, 0).data()

    raw = raw_connection(path)
    raw.execute("SELECT id, surname FROM persons WHERE deleted_at IS NULL ORDER BY sort_name, "
                "id LIMIT 200 OFFSET 900000").fetchall()  # the pages into the cache for both
    opened = timed(open_list, repeat=3)
    shown = timed(model.count_and_first_page, repeat=3)  # what the worker reads first
    counted = timed(model.exact_count, repeat=3)  # then, in the background
    scrolled = timed(lambda: model.index(900_000, 0).data(), repeat=1)
    floor_page = timed(lambda: raw.execute(
        "SELECT id, surname FROM persons WHERE deleted_at IS NULL ORDER BY sort_name, id "
        "LIMIT 200").fetchall(), repeat=3)
    floor_count = timed(lambda: raw.execute(
        "SELECT count(*) FROM persons WHERE deleted_at IS NULL").fetchone(), repeat=3)
    floor_open = floor_page + floor_count
    floor_scroll = timed(lambda: raw.execute(
        "SELECT id, surname FROM persons WHERE deleted_at IS NULL ORDER BY sort_name, id "
        "LIMIT 200 OFFSET 900000").fetchall())
    rows.append(("Open the persons list (count and first page)", ms(opened), ms(floor_open),
                 f"{opened / floor_open:.1f}×",
                 "under 300 ms: " + ("met" if opened < 0.3 else "MISSED")))
    rows.append(("Open the persons list: its first page shown (the count \"10,000+\")",
                 ms(shown), ms(floor_page), f"{shown / floor_page:.1f}×",
                 "under 300 ms: " + ("met" if shown < 0.3 else "MISSED")))
    rows.append(("Open the persons list: then its exact count, in the background",
                 ms(counted), ms(floor_count), f"{counted / floor_count:.1f}×", ""))
    rows.append(("Scroll the persons list to row 900,000", ms(scrolled), ms(floor_scroll),
                 f"{scrolled / floor_scroll:.1f}×", ""))
    database.close()
    raw.close()
    # The same jump on a new connection, before any count: an encrypted file's pages of the
    # names' index are decrypted by the jump itself (above, by the count before it).
    fresh, raw = open_database(str(path), upgrade=False), raw_connection(path)
    cold = timed(lambda: persons_page(fresh, offset=900_000, limit=200))
    floor_cold = timed(lambda: raw.execute(
        "SELECT id, surname FROM persons WHERE deleted_at IS NULL ORDER BY sort_name, id "
        "LIMIT 200 OFFSET 900000").fetchall())
    rows.append(("Scroll to row 900,000 on a new connection, before the count", ms(cold),
                 ms(floor_cold), f"{cold / floor_cold:.1f}×", ""))
    fresh.close()
    raw.close()
    if is_url(path):
        return  # the peer reads SQLite files
    qt = QSqlDatabase.addDatabase("QSQLITE", "peer")
    qt.setDatabaseName(str(path))
    qt.open()
    peer = QSqlTableModel(None, qt)
    peer.setTable("persons")
    start = time.perf_counter()
    peer.select()
    peer_open = time.perf_counter() - start
    deadline = start + 120
    while peer.canFetchMore() and peer.rowCount() <= 900_000 and time.perf_counter() < deadline:
        peer.fetchMore()
    peer_scroll = time.perf_counter() - start
    reached = peer.rowCount() > 900_000
    rows.append(("Peer: QSqlTableModel open / reach row 900,000",
                 f"{ms(peer_open)} / " + (ms(peer_scroll) if reached else "over 120 s"),
                 "", "", ""))


# --- the persons list at every keystroke, filter and sort (issue 26) -------------------------


TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT", "SET LOCAL")


class StatementLog:
    """The statements a piece of the app ran to completion, to replay through sqlite3 or
    psycopg: the floor of the same SQL without the ORM, SQLAlchemy or the GUI."""

    def __init__(self, engine):
        from sqlalchemy import event

        self.statements: list[tuple[str, tuple]] = []
        self.recording = False
        event.listen(engine, "after_cursor_execute", self._executed)

    def _executed(self, _conn, _cursor, statement, parameters, _context, _many) -> None:
        if self.recording and not statement.startswith(TRANSACTION_CONTROL):
            self.statements.append((statement, parameters if isinstance(parameters, dict)
                                    else tuple(parameters or ())))

    def record(self, work) -> list[tuple[str, tuple]]:
        self.statements, self.recording = [], True
        try:
            work()
        finally:
            self.recording = False
        return self.statements


def _replay(raw, statements) -> None:
    for sql, args in statements:
        raw.execute(sql, args).fetchall()


def _sampled_prefixes(raw, letters: int, cyrillic: bool, count: int,
                      rng: random.Random) -> list[str]:
    """Beginnings of real names (surnames and given names, in Cyrillic or Latin letters)."""
    column = ("surname", "given_name") if cyrillic else ("surname_latin", "given_name_latin")
    found: set[str] = set()
    while len(found) < count:
        row = next(iter(random_persons(raw, f"{column[0]}, {column[1]}", "1 = 1", rng)), None)
        name = row and rng.choice(row)
        if name and len(name) >= letters and name[:letters].isalpha():
            found.add(name[:letters].capitalize())
    return sorted(found)


def measure_calls(rows: list, raw, log: "StatementLog", label: str,
                  calls: list, repeat: int = 3) -> None:
    """A row of p50 / p95 / worst over `calls`, beside their statements replayed through
    sqlite3; the goal: p95 under 100 ms, worst under 300 ms."""
    app, floor = [], []
    for call in calls:
        statements = log.record(call)  # also the first pass into the cache, both sides
        _replay(raw, statements)
        app.append(timed(call, repeat))
        floor.append(timed(lambda s=statements: _replay(raw, s), repeat))
    p95, worst, f95 = percentile(app, 0.95), max(app), percentile(floor, 0.95)
    met = p95 < 0.1 and worst < 0.3
    rows.append((f"{label} (p50 / p95 / worst, {len(calls)} inputs)",
                 f"{ms(percentile(app, 0.5))} / {ms(p95)} / {ms(worst)}",
                 f"{ms(percentile(floor, 0.5))} / {ms(f95)} / {ms(max(floor))}",
                 f"{p95 / max(f95, 1e-6):.1f}×",
                 "p95 under 100 ms, worst under 300 ms: " + ("met" if met else "MISSED")))


def other_lists(path: str, rows: list, samples: int = 20) -> None:
    """The other lists as their workers read them (the count, exact or "10,000+", and the
    first page of 200: list_pages), and the page after it: the repatriate cases, the work
    permits, the services, the audit trail, and the person picker of the dialogs, with no
    text, one to three letters of a name and each status."""
    from kzmigdesk.domain.enums import PermitStatus, RepatriateStatus, UserRole
    from kzmigdesk.services import adaptation, labour, repatriation
    from kzmigdesk.services.auth import Actor
    from kzmigdesk.services.person_search import find_persons
    from kzmigdesk.services.workspace import open_database

    raw = raw_connection(path)
    database = open_database(str(path))
    database.actor = Actor("benchmark", UserRole.SUPERVISOR)
    log = StatementLog(database.engine)
    rng = random.Random(25)
    texts = {n: _sampled_prefixes(raw, n, True, samples, rng) for n in (1, 2, 3)}
    lists = {
        "Repatriates": (lambda limit, **f: repatriation.first_cases(database, limit, **f),
                        lambda **f: repatriation.cases_page(database, 200, 200, **f),
                        [{"status": s} for s in RepatriateStatus]),
        "Workers' permits": (
            lambda limit, **f: labour.first_permits(database, limit, **f),
            lambda **f: labour.permits_page(database, offset=200, limit=200, **f),
            [{"status": s} for s in PermitStatus]),
        "Services": (lambda limit, **f: adaptation.first_services(database, limit, **f),
                     lambda **f: adaptation.fetch_services_in(database, offset=200, limit=200,
                                                              **f),
                     [{"open_stays_only": True}]),
    }
    for name, (first, second, choices) in lists.items():
        inputs = {"open (no text)": [{}], "each filter": choices}
        inputs.update({f"{n} letter(s)": [{"text": t} for t in sampled]
                       for n, sampled in texts.items()})
        for label, filters in inputs.items():
            measure_calls(rows, raw, log, f"{name}: {label}",
                          [lambda f=f, first=first: first(200, **f) for f in filters])
        measure_calls(rows, raw, log, f"{name}: the second page, 1 to 3 letters", [
            lambda t=t, second=second: second(text=t) for t in sum(texts.values(), [])])
    audit_trail(rows, raw, log, database)
    measure_calls(rows, raw, log, "Person picker: 1 to 3 letters", [
        lambda t=t: find_persons(database, t) for t in sum(texts.values(), [])])
    database.close()
    raw.close()


AUDIT_ENTRIES = 3_000_000  # three entries a person: a registration and two changes


def fill_audit_trail(raw) -> None:
    """The generator writes no audit entries: append synthetic ones (three a person, five
    users, creates, changes and status changes of persons, cases and permits over three
    years) until the trail has AUDIT_ENTRIES, so that its list is measured at scale. Their
    hashes are not a chain: `audit verify` fails on such a database."""
    have = raw.execute("SELECT count(*), coalesce(max(seq), 0) FROM audit_entries").fetchone()
    for round_ in range(have[0] // 1_000_000, AUDIT_ENTRIES // 1_000_000):
        raw.execute(
            "INSERT INTO audit_entries (id, seq, occurred_at, username, action, entity_type,"
            " entity_id, prev_hash, hash) SELECT lower(hex(randomblob(16))), ? + rowid,"
            " datetime('2024-01-01', '+' || ((? * 1000000 + rowid) * 97 % 1095) || ' days'),"
            " 'user' || (rowid % 5), CASE ? WHEN 0 THEN 'create' WHEN 1 THEN 'update'"
            " ELSE 'status' END, CASE rowid % 10 WHEN 0 THEN 'repatriate_cases'"
            " WHEN 1 THEN 'work_permits' ELSE 'persons' END, id, '', '' FROM persons",
            (have[1] + round_ * 1_000_000, round_, round_))
        raw.commit()


def audit_trail(rows: list, raw, log: "StatementLog", database) -> None:
    """The audit trail's list at scale: opened, each filter, and a page deep in it."""
    from kzmigdesk.services import audit

    if not getattr(raw, "pg", False):  # pg_load.py copies the SQLite file's entries
        fill_audit_trail(raw)
    trail = audit.TrailFilter
    filters = [trail(), trail(username="user3"), trail(action="update"),
               trail(entity_type="work_permits"), trail(action="delete"),
               trail(start=dt.date(2025, 3, 1), end=dt.date(2025, 3, 31))]
    measure_calls(rows, raw, log, "Audit trail: open, each filter (3,000,000 entries)", [
        lambda t=t: audit.first_trail(database, t, 200) for t in filters])
    measure_calls(rows, raw, log, "Audit trail: the page at row 100,000", [
        lambda t=t: audit.trail_page(database, t, 100_000, 200) for t in filters[:3]], 1)
    measure_calls(rows, raw, log, "Audit trail: the filters' choices", [
        lambda: audit.trail_filter_choices(database)])


def audit_rows(path: str, rows: list) -> None:
    """`--only audit_trail`: the audit trail's rows alone."""
    from kzmigdesk.domain.enums import UserRole
    from kzmigdesk.services.auth import Actor
    from kzmigdesk.services.workspace import open_database

    raw = raw_connection(path)
    database = open_database(str(path))
    database.actor = Actor("benchmark", UserRole.SUPERVISOR)
    audit_trail(rows, raw, StatementLog(database.engine), database)
    database.close()
    raw.close()


def list_rows(path: str, rows: list, samples: int = 20) -> None:
    """What the persons list does on each interaction (the service call its worker makes:
    the count or "10,000+", the first page and the region names), p50 / p95 / worst over
    the inputs, each beside the same statements replayed through sqlite3."""
    from kzmigdesk.domain.enums import PersonCategory, RepatriateStatus
    from kzmigdesk.services.person_search import SORT_KEYS, PersonFilter, list_persons
    from kzmigdesk.services.person_search import persons_page as deep_page
    from kzmigdesk.services.workspace import open_database

    raw = raw_connection(path)
    database = open_database(str(path))
    log = StatementLog(database.engine)
    rng = random.Random(26)
    region = uuid_of(raw.execute(  # the largest region
        "SELECT region_id FROM persons WHERE region_id IS NOT NULL GROUP BY region_id "
        "ORDER BY count(*) DESC LIMIT 1").fetchone()[0])
    granted = RepatriateStatus.GRANTED.value

    def measure(label: str, calls: list, repeat: int = 3) -> None:
        measure_calls(rows, raw, log, label, calls, repeat)

    def listing(filt, sort="name", descending=False):
        return lambda: list_persons(database, filt, sort, descending, limit=200, exact=False)

    for letters in (1, 2, 3):
        for cyrillic in (True, False):
            texts = _sampled_prefixes(raw, letters, cyrillic, samples, rng)
            measure(f"List: {letters} {'letter' if letters == 1 else 'letters'} "
                    f"({'Cyrillic' if cyrillic else 'Latin'})",
                    [listing(PersonFilter(text=t)) for t in texts])
    for text in ("А", "Аб", "Нұр", "Nur"):
        measure(f"List: \"{text}\"", [listing(PersonFilter(text=text))])
    filters = {"status": [PersonFilter(status=s.value) for s in RepatriateStatus],
               "category": [PersonFilter(category=c) for c in PersonCategory],
               "region": [PersonFilter(region_id=uuid_of(r)) for (r,) in raw.execute(
                   "SELECT id FROM regions ORDER BY code")]}
    for name, choices in filters.items():
        measure(f"List: each {name} alone", [listing(f) for f in choices])
        measure(f"List: each {name} with \"Нұр\"",
                [listing(PersonFilter("Нұр", f.region_id, f.category, f.status))
                 for f in choices])
    measure("List: status \"granted\" (no text)", [listing(PersonFilter(status=granted))])
    measure("List: the largest region and \"Нұр\"",
            [listing(PersonFilter("Нұр", region_id=region))])
    for sort in SORT_KEYS:
        for descending in (False, True):
            order = f"{sort}{', descending' if descending else ''}"
            measure(f"List sorted by {order}: first page", [listing(PersonFilter(), sort,
                                                                    descending)])
            measure(f"List sorted by {order}: page at row 500,000", [
                lambda s=sort, d=descending: deep_page(database, PersonFilter(), s, d,
                                                       offset=500_000, limit=200)])
    database.close()
    raw.close()


def typing_stall(path: str, rows: list, text: str = "Нұрлан", pause_ms: int = 150) -> None:
    """A clerk typing a name letter by letter in the Persons list, the real page with its
    worker: the longest stall of the event loop (the gaps of a 5 ms timer) from the first
    key until the list shows its exact count. Floor: the same timer, the page idle."""
    from PySide6.QtCore import QElapsedTimer, QEvent, Qt, QTimer
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from kzmigdesk.gui.persons_page import PersonsPage
    from kzmigdesk.gui.widgets import queries
    from kzmigdesk.services.workspace import open_database

    app = QApplication.instance() or QApplication([])
    queries.IN_BACKGROUND = True
    database = open_database(str(path))
    page = PersonsPage(database)
    page.resize(1100, 700)
    page.show()

    def wait(condition, seconds: float = 120) -> None:
        deadline = time.perf_counter() + seconds
        while not condition() and time.perf_counter() < deadline:
            app.processEvents()
            time.sleep(0.001)

    idle = lambda: not page.model.loading and not page.model.count_is_estimate  # noqa: E731
    wait(idle)

    def longest_gap(action, until) -> float:
        clock, gaps = QElapsedTimer(), [0]
        timer = QTimer(interval=5)
        timer.timeout.connect(lambda: gaps.append(clock.restart()))
        clock.start()
        timer.start()
        started = time.perf_counter()
        action()
        wait(until)
        timer.stop()
        return max(gaps) / 1000, time.perf_counter() - started

    def type_name() -> None:
        for letter in text:  # a key press as the keyboard sends it (QTest's are ASCII only)
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(page.search, QKeyEvent(
                    kind, 0, Qt.KeyboardModifier.NoModifier, letter))
            QTest.qWait(pause_ms)

    searched = lambda: not page.search_timer.isActive() and idle()  # noqa: E731
    stall, seconds = longest_gap(type_name, searched)
    floor, _ = longest_gap(lambda: QTest.qWait(round(seconds * 1000)), lambda: True)
    shown = f"{page.search.text()}: {page.count_label.text()}"
    rows.append((f"Typing \"{text}\" in the Persons list, a key every {pause_ms} ms: the "
                 f"longest event-loop stall (until \"{shown}\")", ms(stall),
                 f"{ms(floor)} (idle)", "", "under 50 ms: " + ("met" if stall < 0.05
                                                                else "MISSED")))
    page.close()
    database.close()


def instant_rows(path: str, rows: list, show=lambda _rows: None) -> None:
    """The rows of issue 26: `python benchmarks/run.py --only instant`; show(rows) after
    each part."""
    typing_stall(path, rows)
    show(rows)
    list_rows(path, rows)
    show(rows)


def floor_worklist_sql(today: dt.date, true: str = "1") -> list[tuple[str, tuple]]:
    """The worklist's queries as plain SQL (a supervisor's: every office, and the conflicts):
    each group's count and its first 50 items with their names."""
    day = dt.timedelta(days=1)
    soon, ahead = today + 7 * day, today + 30 * day
    plus = "+" if true == "1" else ""  # SQLite: the status leads no index (as the app's)
    cases = ("FROM repatriate_cases c LEFT JOIN persons p ON p.id = c.person_id WHERE "
             f"c.deleted_at IS NULL AND {plus}c.status IN ({{}}) AND c.certificate_expiry_date "
             "BETWEEN ? AND ?")
    permits = ("FROM work_permits w LEFT JOIN persons p ON p.id = w.person_id WHERE "
               f"w.deleted_at IS NULL AND {plus}w.status IN ({{}}) AND w.valid_to BETWEEN ? "
               "AND ?")
    queries = []
    for first, last, case_statuses, permit_statuses in (
            (today - day, today - day, "'granted', 'expired'", "'issued', 'extended', 'expired'"),
            (today, soon, "'granted'", "'issued', 'extended'"),
            (soon + day, ahead, "'granted'", "'issued', 'extended'"),
            (today, ahead, None, "'issued'")):
        dates = (first.isoformat(), last.isoformat())
        if case_statuses:
            where = cases.format(case_statuses)
            queries += [(f"SELECT count(*) {where}", dates),
                        ("SELECT c.id, c.case_number, c.certificate_expiry_date, p.surname, "
                         f"p.given_name, p.patronymic {where} ORDER BY "
                         "c.certificate_expiry_date, c.case_number LIMIT 50", dates)]
        where = permits.format(permit_statuses)
        queries += [(f"SELECT count(*) {where}", dates),
                    ("SELECT w.id, w.number, w.valid_to, p.surname, p.given_name, p.patronymic "
                     f"{where} ORDER BY w.valid_to, w.number LIMIT 50", dates)]
    stays = ("FROM service_records r JOIN persons p ON p.id = r.person_id LEFT JOIN "
             "adaptation_centres a ON a.id = r.centre_id WHERE r.deleted_at IS NULL AND "
             f"r.service_type_id IN (SELECT id FROM service_types WHERE is_accommodation = {true} "
             "AND deleted_at IS NULL) AND r.end_date BETWEEN ? AND ?")
    dates = (today.isoformat(), soon.isoformat())
    since = ((today - 30 * day).isoformat(),)
    duplicates = ("FROM duplicate_decisions d JOIN persons p ON p.id = d.person_id LEFT JOIN "
                  "persons c ON c.id = d.candidate_id WHERE d.deleted_at IS NULL AND "
                  "d.created_at >= ?")
    conflicts = ("FROM exchange_conflicts x LEFT JOIN exchange_peers e ON e.id = x.peer_id "
                 "WHERE x.resolved_at IS NULL")
    return queries + [
        ("SELECT count(*) FROM service_records r WHERE r.deleted_at IS NULL AND "
         f"r.service_type_id IN (SELECT id FROM service_types WHERE is_accommodation = {true} "
         "AND deleted_at IS NULL) AND r.end_date BETWEEN ? AND ?", dates),
        ("SELECT r.id, r.end_date, p.surname, p.given_name, p.patronymic, a.name "
         f"{stays} ORDER BY r.end_date, r.id LIMIT 50", dates),
        (f"SELECT count(*) {duplicates}", since),
        ("SELECT d.person_id, d.created_at, p.surname, p.given_name, p.patronymic, c.surname, "
         f"c.given_name, c.patronymic {duplicates} ORDER BY d.created_at DESC LIMIT 50", since),
        (f"SELECT count(*) {conflicts}", ()),
        (f"SELECT x.id, x.detected_at, e.name, x.entity_type {conflicts} ORDER BY "
         "x.detected_at LIMIT 50", ()),
    ]


def worklist(path: str, rows: list) -> None:
    """Open the worklist as a supervisor (every office, and the exchange conflicts)."""
    from kzmigdesk.domain.enums import UserRole
    from kzmigdesk.services.auth import Actor
    from kzmigdesk.services.worklist import worklist as open_worklist
    from kzmigdesk.services.workspace import open_database

    database = open_database(str(path), upgrade=False)
    database.actor = Actor("benchmark", UserRole.SUPERVISOR)
    today = dt.date.today()
    raw = raw_connection(path)
    queries = floor_worklist_sql(today, "TRUE" if is_url(path) else "1")
    opened = timed(lambda: open_worklist(database, today), repeat=3)
    floor = timed(lambda: [raw.execute(sql, args).fetchall() for sql, args in queries],
                  repeat=3)
    rows.append(("Open the worklist (a supervisor's: every office)", ms(opened), ms(floor),
                 f"{opened / floor:.1f}×", "under 300 ms: " + ("met" if opened < 0.3
                                                               else "MISSED")))
    database.close()
    raw.close()


def floor_monthly_sql(office: bool) -> list[str]:
    """The monthly summary's main counts as plain SQL: every office, or one office (its
    persons and cases, its region's centres); parameters: month start, end (, office or
    region). Live service records, as the summary counts (the index of a month's services
    holds those only: migration 0044)."""
    if not office:
        return ["SELECT category, count(*) FROM persons WHERE created_at >= ? AND created_at < ? "
                "GROUP BY category",
                "SELECT centre_id, service_type_id, count(*) FROM service_records WHERE "
                "start_date >= ? AND start_date < ? AND deleted_at IS NULL GROUP BY 1, 2",
                "SELECT to_status, count(*) FROM case_status_changes WHERE changed_on >= ? AND "
                "changed_on < ? GROUP BY 1"]
    return ["SELECT category, count(*) FROM persons WHERE created_at >= ? AND created_at < ? "
            "AND office_id = ? GROUP BY category",
            "SELECT r.centre_id, r.service_type_id, count(*) FROM service_records r JOIN "
            "adaptation_centres a ON a.id = r.centre_id WHERE r.start_date >= ? AND "
            "r.start_date < ? AND r.deleted_at IS NULL AND a.region_id = ? GROUP BY 1, 2",
            "SELECT s.to_status, count(*) FROM case_status_changes s JOIN repatriate_cases c ON "
            "c.id = s.case_id WHERE s.changed_on >= ? AND s.changed_on < ? AND c.office_id = ? "
            "GROUP BY 1"]


def monthly(path: str, rows: list) -> None:
    """The monthly summary at two levels: every office (a region's or the ministry's, with
    the breakdown by office and by region) and the largest office's own."""
    from kzmigdesk.domain.enums import UserRole
    from kzmigdesk.i18n.words import Words
    from kzmigdesk.printing.summary_files import export_summary
    from kzmigdesk.services.auth import Actor
    from kzmigdesk.services.reports import monthly_summary
    from kzmigdesk.services.workspace import open_database

    database = open_database(str(path), upgrade=False)
    database.actor = Actor("benchmark", UserRole.SUPERVISOR)
    words = Words.of("kk")
    month = (dt.date.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    raw = raw_connection(path)
    start, end = month.isoformat(), (month + dt.timedelta(days=32)).replace(day=1).isoformat()
    office, region = raw.execute(
        "SELECT o.id, o.region_id FROM offices o JOIN persons p ON p.office_id = o.id "
        "GROUP BY o.id, o.region_id ORDER BY count(*) DESC LIMIT 1").fetchone()
    for level, office_id, arguments in (
            ("", None, [(start, end)] * 3),
            (" of the largest office", uuid_of(office),
             [(start, end, office), (start, end, region), (start, end, office)])):
        made: dict = {}

        def build(office_id=office_id, made=made):
            with database.sessions() as session:
                made["summary"] = monthly_summary(session, month, words, office_id)

        built = timed(build, repeat=2)
        # A format's time is the summary's queries plus its own writing: what `kzmigdesk
        # report monthly` does (the Reports page builds it once for its preview and files).
        results = {fmt: built + timed(
            lambda fmt=fmt, made=made: export_summary(made["summary"], fmt, words), repeat=2)
            for fmt in ("pdf", "xlsx")}
        queries = floor_monthly_sql(office_id is not None)
        floor = timed(lambda q=queries, a=arguments: [
            raw.execute(sql, args).fetchall() for sql, args in zip(q, a, strict=True)],
            repeat=2)
        rows.append((f"Monthly summary{level}: its queries (once, for every format)",
                     ms(built), ms(floor), f"{built / floor:.0f}×", ""))
        for fmt, seconds in results.items():
            rows.append((f"Monthly summary{level} to {fmt.upper()}", ms(seconds), ms(floor),
                         f"{seconds / floor:.0f}×", "under 5 s: " + ("met" if seconds < 5
                                                                      else "MISSED")))
    database.close()
    raw.close()


def floor_flows_sql(first: dt.date, last: dt.date, year: int,
                    pg: bool = False) -> list[tuple[str, tuple]]:
    """The flows dashboard's queries as plain SQL (a supervisor's: every office): arrivals by
    month, category, citizenship and region; the regions; quotas and the slots they hold."""
    month = ("to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM')" if pg
             else "substr(created_at, 1, 7)")
    true = "TRUE" if pg else "1"
    after = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    arrivals = (("created_at >= ? AND created_at < ?", (f"{first:%Y-%m-01}", f"{after:%Y-%m-%d}"))
                if pg else (f"{month} >= ? AND {month} <= ?", (f"{first:%Y-%m}", f"{last:%Y-%m}")))
    return [
        (f"SELECT {month}, category, citizenship, region_id, count(*) FROM persons WHERE "
         f"deleted_at IS NULL AND {arrivals[0]} GROUP BY {month}, category, citizenship, "
         "region_id", arrivals[1]),
        ("SELECT id, names, sort_order FROM regions WHERE deleted_at IS NULL", ()),
        ("SELECT region_id, amount FROM kandas_quotas WHERE deleted_at IS NULL AND year = ?",
         (year,)),
        ("SELECT resettlement_region_id, count(*) FROM repatriate_cases WHERE deleted_at IS "
         "NULL AND quota_year = ? AND resettlement_region_id IS NOT NULL AND status IN "
         "('granted', 'citizenship_requested', 'citizen') GROUP BY 1", (year,)),
        ("SELECT region_id, amount FROM labour_quotas WHERE deleted_at IS NULL AND year = ?",
         (year,)),
        ("SELECT region_id, category, count(*) FROM work_permits WHERE deleted_at IS NULL AND "
         f"quota_year = ? AND holds_quota_slot = {true} GROUP BY 1, 2", (year,)),
    ]


def flows_dashboard(path: str, rows: list) -> None:
    """Open the Flows section as a supervisor (every office, the last 24 months): its queries,
    and the page with its five charts drawn (off screen)."""
    from PySide6.QtWidgets import QApplication

    from kzmigdesk.domain.enums import UserRole
    from kzmigdesk.gui.flows_page import FlowsPage
    from kzmigdesk.services.auth import Actor
    from kzmigdesk.services.flows import flows, months_back
    from kzmigdesk.services.workspace import open_database

    app = QApplication.instance() or QApplication([])
    database = open_database(str(path))  # migrated: the arrivals index (0021)
    database.actor = Actor("benchmark", UserRole.SUPERVISOR)
    today = dt.date.today()
    months = months_back(today, 24)
    raw = raw_connection(path)
    queries = floor_flows_sql(months[0], months[-1], today.year, is_url(path))

    def show_page():
        page = FlowsPage(database)
        page.resize(1090, 640)
        page.show()
        page.refresh()
        app.processEvents()
        page.close()
        page.deleteLater()

    served = timed(lambda: flows(database, 24), repeat=3)
    shown = timed(show_page, repeat=3)
    floor = timed(lambda: [raw.execute(sql, args).fetchall() for sql, args in queries],
                  repeat=3)
    rows.append(("Flows dashboard: its queries (a supervisor's: every office, 24 months)",
                 ms(served), ms(floor), f"{served / floor:.1f}×", ""))
    rows.append(("Open the flows dashboard (queries and five charts drawn)", ms(shown),
                 ms(floor), f"{shown / floor:.1f}×",
                 "under 1 s: " + ("met" if shown < 1 else "MISSED")))
    database.close()
    raw.close()


@contextlib.contextmanager
def new_database(target: str, name: str):
    """A new, migrated database of the kind of `target` (a file beside it, or a database on
    its PostgreSQL server), dropped afterwards."""
    from sqlalchemy.engine import make_url

    from kzmigdesk.services.workspace import open_database

    if not is_url(target):
        with tempfile.TemporaryDirectory() as folder:
            database = open_database(str(Path(folder) / f"{name}.sqlite3"), create=True)
            try:
                yield database
            finally:
                database.close()
        return
    server = raw_connection(target)
    server.execute(f"DROP DATABASE IF EXISTS {name}")
    server.execute(f"CREATE DATABASE {name}")
    database = open_database(make_url(target).set(database=name).render_as_string(
        hide_password=False))
    try:
        yield database
    finally:
        database.close()
        server.execute(f"DROP DATABASE {name} WITH (FORCE)")
        server.close()


def package_import(path: str, rows: list, persons: int = 5_000) -> None:
    """A district's package (demo data of `persons` persons, everything since its start)
    imported into a new region database of the kind of `path`. Floor: the same rows written
    into another new database by one executemany INSERT per table (SQLAlchemy Core: no
    checks, versions, provenance or audit)."""
    from sqlalchemy import select

    from kzmigdesk.demo import generate_demo_data
    from kzmigdesk.domain.enums import UserRole
    from kzmigdesk.services import exchange
    from kzmigdesk.services.auth import Actor

    key, actor = exchange.new_key(), Actor("benchmark", UserRole.ADMINISTRATOR)
    with new_database(str(HERE / "district.sqlite3"), "district") as district:
        district.actor = actor
        generate_demo_data(district, persons=persons, seed=25)
        with district.transaction() as session:
            exchange.set_office_name(session, "Bench district")
            exchange.add_peer(session, "Bench region", key)
        with district.transaction() as session:
            data = exchange.export_package(session, "Bench region").data
    with new_database(path, "kzmigdesk_bench_region") as region:
        region.actor = actor
        with region.transaction() as session:
            exchange.set_office_name(session, "Bench region")
            exchange.add_peer(session, "Bench district", key)
            package = exchange.read_package(session, data)
        start = time.perf_counter()
        result = exchange.import_from_bytes(region, data)
        imported = time.perf_counter() - start
    tables = {table.name: table for table in exchange.synced_tables()}
    with new_database(path, "kzmigdesk_bench_floor") as floor_db:
        start = time.perf_counter()
        with floor_db.engine.begin() as connection:
            for name, table in tables.items():
                have = set(connection.scalars(select(table.c.id)))
                batch = [{column.name: exchange.from_json(column, item["row"].get(column.name))
                          for column in table.columns}
                         for item in package.records
                         if item["table"] == name and uuid.UUID(item["id"]) not in have]
                if batch:
                    connection.execute(table.insert(), batch)
        floor = time.perf_counter() - start
    records = len(package.records)
    rows.append((f"Import a district's package ({persons:,} persons, {records:,} records, "
                 f"{len(data) / 2**20:.1f} MB) into a new region database",
                 f"{ms(imported)}: {records / imported:,.0f} records/s "
                 f"({result.applied:,} applied)",
                 f"{ms(floor)}: {records / floor:,.0f} records/s", f"{imported / floor:.1f}×",
                 ""))


def machine(target: str = "") -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        total = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {total / 2**20:.0f} GiB RAM"
    except (OSError, ValueError, IndexError):
        pass
    import PySide6
    import sqlalchemy

    engine = f"SQLite {sqlite3.sqlite_version}"
    if is_url(target):
        raw = raw_connection(target)
        engine = "PostgreSQL " + raw.execute("SHOW server_version").fetchone()[0].split()[0]
        raw.close()
    return (f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores{memory}; "
            f"Python {platform.python_version()}, {engine}, "
            f"SQLAlchemy {sqlalchemy.__version__}, PySide6 {PySide6.__version__}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--services", type=int, default=3_000_000)
    parser.add_argument("--db", default=str(HERE / "bench.sqlite3"),
                        help="the SQLite file, or a PostgreSQL URL (postgresql+psycopg://…) of "
                        "a database loaded by benchmarks/pg_load.py: then every row that "
                        "reads the database is printed")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument("--only", help="run only these rows on the database as it is, e.g. "
                        "search,persons_list,worklist,monthly,flows,instant,other_lists,"
                        "package_import (a table of them is printed; RESULTS.md is left alone)")
    args = parser.parse_args()
    rows: list[tuple] = []
    if is_url(args.db) and not args.only:
        args.only = ("search,persons_list,instant,other_lists,worklist,monthly,flows,"
                     "package_import")
    if args.only:
        print(f"Machine: {machine(args.db)}.\n")
        print("| what | kzmigdesk | floor | ratio | target |\n|---|---|---|---|---|")
        shown: list = []

        def show(new_rows: list) -> None:
            for row in new_rows[len(shown):]:
                print(f"| {' | '.join(row)} |", flush=True)
                shown.append(row)

        measures = {"search": search, "persons_list": persons_list, "worklist": worklist,
                    "monthly": monthly, "flows": flows_dashboard, "other_lists": other_lists,
                    "audit_trail": audit_rows, "package_import": package_import}
        for name in (name.strip() for name in args.only.split(",")):
            if name == "instant":
                instant_rows(args.db, rows, show)
            else:
                measures[name](args.db, rows)
                show(rows)
        return 0
    make_database(args.db, args.persons, args.services, rows)
    connection = sqlite3.connect(args.db)
    counts = {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
              for table in ("persons", "repatriate_cases", "work_permits", "service_records")}
    connection.close()
    generation_throughput(rows)
    cold_start(args.db, rows)
    search(args.db, rows)
    persons_list(args.db, rows)
    instant_rows(args.db, rows)
    other_lists(args.db, rows)
    worklist(args.db, rows)
    monthly(args.db, rows)
    flows_dashboard(args.db, rows)
    size = Path(args.db).stat().st_size / 2**30
    lines = [
        "# Benchmark results",
        "",
        f"Run on {dt.date.today().isoformat()} with `python benchmarks/run.py`. Machine: "
        f"{machine()}.",
        "",
        "Database: " + ", ".join(f"{n:,} {t.replace('_', ' ')}" for t, n in counts.items())
        + f" ({size:.1f} GiB SQLite file).",
        "",
        "Each figure stands next to a floor measured in the same run: the raw SQL query "
        "doing the same work through Python's sqlite3 (for the start: a bare PySide6 window; "
        "for the list also the peer, Qt's QSqlTableModel on the same file).",
        "",
        "| what | kzmigdesk | floor | ratio | target |",
        "|---|---|---|---|---|",
        *(f"| {' | '.join(row)} |" for row in rows),
        "",
    ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(run(main))
