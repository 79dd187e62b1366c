import datetime as dt

from kzmigdesk.domain.enums import HouseholdRelation, RepatriateStatus, Sex
from kzmigdesk.domain.identifiers import make_iin
from kzmigdesk.domain.models import Person
from kzmigdesk.services import repatriation as rep
from kzmigdesk.services.registration import PersonInput, save_person

S = RepatriateStatus
TODAY = dt.date(2025, 6, 15)
BIRTH = dt.date(1980, 5, 1)


def person(session, surname, given, iin=None) -> Person:
    return save_person(session, PersonInput(surname=surname, given_name=given, sex=Sex.MALE,
                                            birth_date=BIRTH, iin=iin),
                       confirm_duplicates=True, today=TODAY)


def new_case(session, head, applied, members=()):
    return rep.open_case(session, head, rep.CaseInput("UZ", applied), list(members),
                         today=applied)


def grant(session, case, on, number):
    rep.change_status(session, case, S.GRANTED, on, certificate_number=number, today=TODAY)


def populate(database):
    """Three cases: one applied, one granted and expiring soon, one granted long ago."""
    with database.transaction() as session:
        abenov = person(session, "Әбенов", "Нұрлан", iin=make_iin(BIRTH, "M", 1))
        spouse = person(session, "Әбенова", "Айгүл")
        akhmetov = person(session, "Ахметов", "Бауыржан")
        seitov = person(session, "Сейітов", "Ерлан")
        applied = new_case(session, abenov, dt.date(2025, 3, 1), [(spouse, "spouse")])
        soon = new_case(session, akhmetov, dt.date(2024, 6, 1))
        grant(session, soon, dt.date(2024, 6, 20), "KND-0001")  # expires 2025-06-20
        later = new_case(session, seitov, dt.date(2024, 12, 1))
        grant(session, later, dt.date(2025, 1, 10), "KND-0002")  # expires 2026-01-10
        return applied.case_number, soon.case_number, later.case_number


def numbers(session, **kwargs):
    return [row.case_number for row in rep.fetch_cases(session, today=TODAY, **kwargs)]


def test_rows_in_order_with_their_columns(database):
    applied, soon, later = populate(database)
    with database.sessions() as session:
        rows = rep.fetch_cases(session)
        assert [r.case_number for r in rows] == [applied, later, soon]
        assert rep.count_cases(session) == 3
    first = rows[0]
    assert first.applicant == "Әбенов Нұрлан" and first.country_of_origin == "UZ"
    assert first.application_date == dt.date(2025, 3, 1) and first.status is S.APPLIED
    assert first.household_size == 2 and first.certificate_number is None
    assert rows[2].certificate_number == "KND-0001"
    assert rows[2].certificate_expiry_date == dt.date(2025, 6, 20)
    assert rows[2].expires_within(TODAY, 30) and not rows[1].expires_within(TODAY, 30)
    assert not first.expires_within(TODAY, 30)


def test_same_day_cases_are_ordered_by_number_and_paged(database):
    with database.transaction() as session:
        for n in range(5):
            new_case(session, person(session, f"Surname{n}", "Given"), dt.date(2025, 1, 1))
    with database.sessions() as session:
        everything = numbers(session)
        assert everything == sorted(everything, reverse=True)  # the latest number first
        assert numbers(session, offset=2, limit=2) == everything[2:4]
        assert numbers(session, offset=4) == everything[4:]


def test_text_matches_numbers_and_the_applicant(database):
    applied, soon, later = populate(database)
    with database.sessions() as session:
        assert numbers(session, text=soon) == [soon]
        assert numbers(session, text=" " + soon.lower()[:8]) == [later, soon]
        assert numbers(session, text="knd-000") == [later, soon]
        assert numbers(session, text="KND-0002") == [later]
        assert numbers(session, text="Nurlan Abenov") == [applied]
        assert numbers(session, text="Ахмет") == [soon]
        assert numbers(session, text=make_iin(BIRTH, "M", 1)) == [applied]
        assert numbers(session, text="Айгүл") == []  # a member is not the applicant
        assert numbers(session, text="nobody") == []
        assert rep.count_cases(session, text="knd") == 2
    assert rep.count_cases_in(database, text="knd") == 2  # in a session of their own
    assert [r.case_number for r in rep.cases_page(database, 1, 5, text="knd")] == [soon]


def test_status_filter_and_expiring_certificates(database):
    applied, soon, later = populate(database)
    with database.sessions() as session:
        assert numbers(session, status=S.GRANTED) == [later, soon]
        assert numbers(session, status=S.APPLIED) == [applied]
        assert numbers(session, status=S.REFUSED) == []
        assert numbers(session, expiring_within=30) == [soon]
        assert numbers(session, expiring_within=4) == []
        assert numbers(session, expiring_within=5) == [soon]
        assert numbers(session, expiring_within=365) == [later, soon]
        assert rep.count_cases(session, expiring_within=30, today=TODAY) == 1
        assert numbers(session, expiring_within=30, status=S.APPLIED) == []
        # An expired certificate not yet moved to EXPIRED is no longer "expiring".
        assert rep.count_cases(session, expiring_within=30, today=dt.date(2025, 6, 21)) == 0


def test_household_size_follows_the_members(database):
    applied, _soon, _later = populate(database)
    with database.transaction() as session:
        case = session.query(rep.RepatriateCase).filter_by(case_number=applied).one()
        child = person(session, "Әбенов", "Арман")
        rep.add_member(session, case, child, HouseholdRelation.CHILD)
        assert rep.fetch_cases(session, text=applied)[0].household_size == 3
        rep.remove_member(session, case, child)
        spouse = session.query(Person).filter_by(given_name="Айгүл").one()
        rep.remove_member(session, case, spouse)
        assert rep.fetch_cases(session, text=applied)[0].household_size == 1
