import datetime as dt

import pytest
from sqlalchemy import select

from kzmigdesk.domain.enums import PermitCategory, PermitStatus, Sex
from kzmigdesk.domain.identifiers import make_bin, make_iin
from kzmigdesk.domain.models import Region, WorkPermit, utcnow
from kzmigdesk.services.labour import (
    EmployerInput,
    PermitInput,
    PermitRow,
    change_permit_status,
    count_permits,
    fetch_permits,
    issue_permit,
    save_employer,
)
from kzmigdesk.services.registration import PersonInput, save_person

# Permits take quota slots: every quota has room here.
pytestmark = pytest.mark.usefixtures("open_quotas")

C, P = PermitCategory, PermitStatus
BIN_1 = make_bin(dt.date(2015, 3, 1), 1)
BIN_2 = make_bin(dt.date(2019, 7, 1), 2)
IIN = make_iin(dt.date(1988, 5, 20), "M", 7)


def region_id(session, code="ALA"):
    return session.scalars(select(Region).where(Region.code == code)).one().id


def setup(database):
    """Two workers, two employers, three permits."""
    with database.transaction() as session:
        wang = save_person(session, PersonInput(
            surname="Wang", given_name="Wei", sex=Sex.MALE, birth_date=dt.date(1988, 5, 20),
            citizenship="CN", iin=IIN))
        yilmaz = save_person(session, PersonInput(
            surname="Йылмаз", given_name="Мехмет", sex=Sex.MALE,
            birth_date=dt.date(1979, 2, 3), citizenship="TR"))
        kazstroy = save_employer(session, EmployerInput(
            bin=BIN_1, name="ТОО «Казстрой»", region_id=region_id(session)))
        bereke = save_employer(session, EmployerInput(
            bin=BIN_2, name="ТОО «Береке»", region_id=region_id(session, "AST")))

        def issue(person, employer, number, category, start, end):
            return issue_permit(session, person, employer, PermitInput(
                number=number, category=category, profession="сварщик",
                region_id=employer.region_id, valid_from=start, valid_to=end),
                today=start)

        issue(wang, kazstroy, "WP-2024-0002", C.CATEGORY_4,
              dt.date(2024, 1, 1), dt.date(2024, 12, 31))
        issue(wang, bereke, "WP-2024-0001", C.CATEGORY_3,
              dt.date(2024, 1, 1), dt.date(2025, 12, 31))
        revoked = issue(yilmaz, bereke, "WP-2025-0001", C.CATEGORY_4,
                        dt.date(2025, 3, 1), dt.date(2026, 2, 28))
        change_permit_status(session, revoked, P.REVOKED, dt.date(2025, 4, 1),
                             comment="нарушение", today=dt.date(2025, 4, 2))


def numbers(database, **kwargs):
    with database.sessions() as session:
        rows = fetch_permits(session, **kwargs)
        count = count_permits(session, **{k: v for k, v in kwargs.items()
                                          if k not in ("offset", "limit")})
    if "offset" not in kwargs and "limit" not in kwargs:
        assert count == len(rows)
    return [row.number for row in rows]


def test_rows_are_newest_first_then_by_number(database):
    setup(database)
    # The latest first: by first valid day, then by number, both descending.
    assert numbers(database) == ["WP-2025-0001", "WP-2024-0002", "WP-2024-0001"]
    with database.sessions() as session:
        first = fetch_permits(session)[0]
    assert isinstance(first, PermitRow)
    assert (first.worker_name, first.citizenship) == ("Йылмаз Мехмет", "TR")
    assert (first.employer_name, first.employer_bin) == ("ТОО «Береке»", BIN_2)
    assert first.category is C.CATEGORY_4 and first.status is P.REVOKED
    assert first.profession == "сварщик"
    assert (first.valid_from, first.valid_to) == (dt.date(2025, 3, 1), dt.date(2026, 2, 28))


def test_paging(database):
    setup(database)
    assert numbers(database, offset=0, limit=2) == ["WP-2025-0001", "WP-2024-0002"]
    assert numbers(database, offset=2, limit=2) == ["WP-2024-0001"]
    with database.sessions() as session:
        assert count_permits(session) == 3


def test_search_by_number_bin_name_or_iin(database):
    setup(database)
    assert numbers(database, text="WP-2024") == ["WP-2024-0002", "WP-2024-0001"]
    assert numbers(database, text="wp-2025") == ["WP-2025-0001"]
    assert numbers(database, text=BIN_1[:6]) == ["WP-2024-0002"]
    assert numbers(database, text="Wang Wei") == ["WP-2024-0002", "WP-2024-0001"]
    assert numbers(database, text="Yilmaz") == ["WP-2025-0001"]  # any script
    assert numbers(database, text=IIN[:8]) == ["WP-2024-0002", "WP-2024-0001"]
    assert numbers(database, text="   ") == ["WP-2025-0001", "WP-2024-0002", "WP-2024-0001"]
    assert numbers(database, text="nobody") == []
    assert numbers(database, text="100%") == []


def test_filters_by_status_and_category(database):
    setup(database)
    assert numbers(database, status=P.REVOKED) == ["WP-2025-0001"]
    assert numbers(database, status=P.ISSUED) == ["WP-2024-0002", "WP-2024-0001"]
    assert numbers(database, category=C.CATEGORY_4) == ["WP-2025-0001", "WP-2024-0002"]
    assert numbers(database, status=P.ISSUED, category=C.CATEGORY_4) == ["WP-2024-0002"]
    assert numbers(database, text="Wang", category=C.CATEGORY_3) == ["WP-2024-0001"]
    assert numbers(database, status="issued", category="cat3") == ["WP-2024-0001"]
    assert numbers(database, status=P.EXPIRED) == []


def test_soft_deleted_permits_are_not_listed(database):
    setup(database)
    with database.transaction() as session:
        permit = session.scalars(
            select(WorkPermit).where(WorkPermit.number == "WP-2024-0002")).one()
        permit.deleted_at = utcnow()
    assert numbers(database) == ["WP-2025-0001", "WP-2024-0001"]


def test_permits_running_out_within_days_are_those_in_force_that_end_in_them():
    from kzmigdesk.services.labour import permit_expires_within

    today = dt.date(2026, 6, 1)
    assert permit_expires_within(PermitStatus.ISSUED, today, today, 30)
    assert permit_expires_within(PermitStatus.EXTENDED, today + dt.timedelta(days=30), today, 30)
    assert not permit_expires_within(PermitStatus.ISSUED, today + dt.timedelta(days=31), today, 30)
    assert not permit_expires_within(PermitStatus.ISSUED, today - dt.timedelta(days=1), today, 30)
    assert not permit_expires_within(PermitStatus.REVOKED, today, today, 30)
