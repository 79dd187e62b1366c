"""Several clerks at once, on SQLite and (in the PostgreSQL run) on PostgreSQL: the same
quota is never over-issued and the same record never loses an update."""

import datetime as dt
import threading

from acting import as_user
from sqlalchemy import func, select

from kzmigdesk.domain.enums import PermitCategory, Sex, UserRole
from kzmigdesk.domain.identifiers import make_bin
from kzmigdesk.domain.models import Person, Region, WorkPermit
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.errors import StaleRecord
from kzmigdesk.services.labour import EmployerInput, PermitInput, issue_permit, save_employer
from kzmigdesk.services.quotas import QuotaExceeded, QuotaKind, set_quota
from kzmigdesk.services.registration import PersonInput, save_person

CLERKS = 8
SLOTS = 5
SUPERVISOR = Actor("serik", UserRole.SUPERVISOR)


def run_together(work, count: int) -> list:
    """Run work(n) in `count` threads started at the same moment; their outcomes."""
    barrier = threading.Barrier(count)
    outcomes: list = [None] * count

    def clerk(number: int) -> None:
        barrier.wait()
        try:
            outcomes[number] = work(number)
        except Exception as error:  # noqa: BLE001 - every outcome is checked by the test
            outcomes[number] = error

    threads = [threading.Thread(target=clerk, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_many_clerks_never_over_issue_a_quota(database):
    with database.transaction() as session:
        region = session.scalars(select(Region).where(Region.code == "ALA")).one()
        set_quota(as_user(session, SUPERVISOR), QuotaKind.LABOUR, 2026, region.id, SLOTS,
                  PermitCategory.CATEGORY_3)
        employer = save_employer(session, EmployerInput(
            bin=make_bin(dt.date(2015, 3, 1), 1), name="ТОО «Казстрой»", region_id=region.id))
        workers = []
        for n in range(CLERKS):
            person = Person(surname=f"Worker{n}", given_name="Wei", sex=Sex.MALE,
                            birth_date=dt.date(1980, 1, 1 + n), citizenship="CN")
            session.add(person)
            workers.append(person)
        session.flush()
        ids = (region.id, employer.id, [w.id for w in workers])

    def issue(number: int) -> str:
        region_id, employer_id, worker_ids = ids
        with database.transaction() as session:
            from kzmigdesk.domain.models import Employer

            issue_permit(session, session.get(Person, worker_ids[number]),
                         session.get(Employer, employer_id), PermitInput(
                             number=f"WP-{number}", category=PermitCategory.CATEGORY_3,
                             region_id=region_id, valid_from=dt.date(2026, 3, 1),
                             valid_to=dt.date(2027, 2, 28)), today=dt.date(2026, 3, 1))
        return "issued"

    outcomes = run_together(issue, CLERKS)
    assert outcomes.count("issued") == SLOTS, outcomes
    assert all(isinstance(o, QuotaExceeded) for o in outcomes if o != "issued"), outcomes
    with database.sessions() as session:
        assert session.scalar(select(func.count()).select_from(WorkPermit)) == SLOTS


def test_many_clerks_editing_one_record_lose_no_update(database):
    with database.transaction() as session:
        person_id = save_person(session, PersonInput(
            surname="Әбенов", given_name="Нұрлан", sex=Sex.MALE,
            birth_date=dt.date(1980, 1, 1), notes="")).id

    def append_note(number: int) -> int:
        """Read, change, save with the version read; on a stale version, read again."""
        attempts = 0
        while True:
            attempts += 1
            with database.sessions() as session:
                person = session.get(Person, person_id)
                data = PersonInput(surname=person.surname, given_name=person.given_name,
                                   sex=person.sex, birth_date=person.birth_date,
                                   notes=(person.notes or "") + f"[{number}]")
                version = person.version
            try:
                with database.transaction() as session:
                    save_person(session, data, person_id=person_id, expected_version=version)
                return attempts
            except StaleRecord:
                continue

    outcomes = run_together(append_note, CLERKS)
    assert all(isinstance(o, int) for o in outcomes), outcomes
    assert max(outcomes) > 1  # some clerk did meet a stale record and read again
    with database.sessions() as session:
        notes = session.get(Person, person_id).notes
    assert sorted(notes.strip("[]").split("][")) == sorted(str(n) for n in range(CLERKS))
