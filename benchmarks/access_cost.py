"""The cost of access accounting (issue 23) on the persons list and the search.

    python benchmarks/access_cost.py [--persons 200000] [--db FILE] [--rounds 200]

On a demo database (made once, kept), times in alternation, in the same run: the persons list
opened (first page and its count, a lower bound at scale), a search by IIN and one by
document number through the services as the GUI calls them (person_search.list_persons with
exact=False, as the persons page; it accounts the persons a search by number returns:
services/access.py), the same calls with the accounting switched
off (the floor), and opening a person (registration.load_person) both ways. Rounds alternate
the two sides, so that a busy machine slows both alike. Prints a Markdown table of medians
and ratios."""

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--db", type=Path, default=Path("/tmp/access-bench.sqlite3"))
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    from sqlalchemy import func, select

    from kzmigdesk.demo import generate_demo_data
    from kzmigdesk.domain.enums import UserRole
    from kzmigdesk.domain.models import AccessEntry, IdentityDocument, Person
    from kzmigdesk.services import access
    from kzmigdesk.services.auth import Actor
    from kzmigdesk.services.person_search import PersonFilter, list_persons
    from kzmigdesk.services.registration import load_person
    from kzmigdesk.services.workspace import open_database

    database = open_database(str(args.db), create=True)
    database.actor = Actor("bench", UserRole.ADMINISTRATOR)
    with database.sessions() as session:
        have = session.scalar(select(func.count()).select_from(Person))
    if have < args.persons:
        generate_demo_data(database, persons=args.persons - have, seed=2026,
                           **({"force": True} if have else {}))
    with database.sessions() as session:
        sample = session.execute(
            select(Person.id, Person.iin).where(Person.iin.is_not(None))
            .order_by(Person.sort_name).limit(args.rounds)).all()
        numbers = session.scalars(select(IdentityDocument.number)
                                  .order_by(IdentityDocument.number).limit(args.rounds)).all()
        persons = session.scalar(select(func.count()).select_from(Person))
        logged_before = session.scalar(select(func.count()).select_from(AccessEntry))

    real_note = access.note
    works = {
        "Open the persons list (count and first page)":
            lambda i: list_persons(database, exact=False),
        "Search by IIN (count and first page)":
            lambda i: list_persons(database, PersonFilter(text=sample[i % len(sample)][1]),
                                   exact=False),
        "Search by document number (count and first page)":
            lambda i: list_persons(database, PersonFilter(text=numbers[i % len(numbers)]),
                                   exact=False),
        "Open a person's record": lambda i: load_person(database, sample[i % len(sample)][0]),
    }
    results = []
    for name, work in works.items():
        for i in range(5):  # warm the caches
            work(i)
        on, off = [], []
        for i in range(args.rounds):
            for side in ((on, off) if i % 2 else (off, on)):
                access.note = real_note if side is on else (lambda *a, **k: None)
                start = time.perf_counter()
                work(i)
                side.append(time.perf_counter() - start)
        access.note = real_note
        results.append((name, statistics.median(on), statistics.median(off),
                        sorted(on)[int(0.95 * len(on))], sorted(off)[int(0.95 * len(off))]))
    access.flush(database)
    with database.sessions() as session:
        logged = session.scalar(select(func.count()).select_from(AccessEntry)) - logged_before
    database.close()

    print(f"{persons:,} persons; {args.rounds} rounds per row; {logged:,} access entries "
          f"written in batches of {access.BATCH} during the run")
    print()
    print("| what | accounted: median / p95 | floor (not accounted): median / p95 | ratio |")
    print("|---|---|---|---|")
    for name, on, off, on95, off95 in results:
        print(f"| {name} | {on * 1000:.2f} ms / {on95 * 1000:.2f} ms | "
              f"{off * 1000:.2f} ms / {off95 * 1000:.2f} ms | {on / off:.2f}× |")


if __name__ == "__main__":
    main()
