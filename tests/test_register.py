"""The outgoing register: numbers per office and year by the office's pattern, one journal
line each, a failed print takes none, and desks taking numbers at once never get the same
one (SQLite here; PostgreSQL in the PostgreSQL run)."""

import datetime as dt

import pytest
from sqlalchemy import select
from test_concurrency import run_together
from test_office_profile import ADMIN, complete

from kzmigdesk.domain.enums import UserRole
from kzmigdesk.domain.models import OutgoingEntry
from kzmigdesk.services import office_profile as op
from kzmigdesk.services import prints, register
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.errors import NotFound, ServiceError

DAY = dt.date(2026, 12, 2)


def take(database, on=DAY, addressee="ТОО «Ақжол»", person_name="Әбенов Нұрлан"):
    with database.transaction() as session:
        return register.take_number(session, "referral_letter", on, addressee,
                                    person_name=person_name)


def test_numbers_follow_the_pattern_per_office_and_year(database):
    admin = database.acting_as(ADMIN)
    with pytest.raises(op.ProfileMissing):
        take(admin)
    op.save_profile(admin, complete(database, register_pattern="15-12/{n}"))
    assert [take(admin) for _ in range(3)] == ["15-12/1", "15-12/2", "15-12/3"]
    assert take(admin, on=dt.date(2027, 1, 5)) == "15-12/1"  # a new year starts again
    op.save_profile(admin, complete(database, register_pattern="{year}/{n}"))
    assert take(admin) == "2026/4"
    journal = register.journal(admin, 2026)
    assert [line.number for line in journal.lines] == ["15-12/1", "15-12/2", "15-12/3",
                                                       "2026/4"]
    line = journal.lines[0]
    assert (line.issued_on, line.kind, line.addressee, line.person_name) == (
        DAY, "Referral letter", "ТОО «Ақжол»", "Әбенов Нұрлан")
    assert len(register.journal(admin).lines) == 5
    assert [x.number for x in register.journal(admin, 2026, search="2026/").lines] == ["2026/4"]
    assert len(register.journal(admin, 2026, search="ақжол").lines) == 4  # any case
    with pytest.raises(ServiceError):
        register.journal(database.acting_as(None))


def test_a_print_that_fails_takes_no_number(database, tmp_path):
    admin = database.acting_as(ADMIN)
    op.save_profile(admin, complete(database))

    def broken(document):
        raise RuntimeError("out of paper")

    with pytest.raises(RuntimeError):
        prints.write_pdf(admin, tmp_path / "q.pdf", prints.quota_statement, broken,
                         "kandas", 2026, today=DAY)
    with pytest.raises(NotFound):
        prints.write_pdf(admin, tmp_path / "p.pdf", prints.work_permit, broken, DAY)
    seen = []
    prints.write_pdf(admin, tmp_path / "q.pdf", prints.quota_statement,
                     lambda document: seen.append(document.number) or b"%PDF-",
                     "kandas", 2026, today=DAY)
    assert seen == ["15-12/1"]
    assert [x.number for x in register.journal(admin).lines] == ["15-12/1"]


def test_desks_taking_numbers_at_once_never_share_one(database):
    admin = database.acting_as(ADMIN)
    profile = op.save_profile(admin, complete(database))
    desks = 8
    per_desk = 5
    clerk = database.acting_as(Actor("c", UserRole.CLERK, office_id=profile.office_id))

    def desk(number: int) -> list[str]:
        return [take(clerk, addressee=f"desk {number}") for _ in range(per_desk)]

    outcomes = run_together(desk, desks)
    numbers = [n for outcome in outcomes for n in outcome]  # an error fails here
    assert sorted(numbers, key=lambda n: int(n.split("/")[1])) == [
        f"15-12/{n}" for n in range(1, desks * per_desk + 1)]
    with database.sessions() as session:
        assert len(session.scalars(select(OutgoingEntry)).all()) == desks * per_desk
