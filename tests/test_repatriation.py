import datetime as dt
import itertools
import uuid

import pytest
from acting import as_account
from sqlalchemy import select

from kzmigdesk import i18n
from kzmigdesk.domain.enums import (
    HouseholdRelation,
    PersonCategory,
    RepatriateStatus,
    Sex,
    UserRole,
    label,
)
from kzmigdesk.domain.models import (
    CaseStatusChange,
    HouseholdMember,
    Office,
    Person,
    Region,
    RepatriateCase,
    User,
)
from kzmigdesk.services import repatriation as rep
from kzmigdesk.services.errors import (
    NotFound,
    ServiceError,
    TransitionNotAllowed,
    ValidationFailed,
)

S = RepatriateStatus
R = HouseholdRelation

OPENED = dt.date(2024, 1, 10)  # the day the test cases are opened
APPLIED_ON = dt.date(2024, 1, 5)
TODAY = dt.date(2025, 6, 15)

_names = itertools.count(1)


def person(session, birth=dt.date(1980, 5, 1), sex=Sex.MALE) -> Person:
    n = next(_names)
    p = Person(surname=f"Surname{n}", given_name=f"Given{n}", sex=sex, birth_date=birth)
    session.add(p)
    return p


def clerk(session, role=UserRole.CLERK) -> User:
    user = User(username=f"clerk{next(_names)}", full_name="Test Clerk", role=role)
    session.add(user)
    session.flush()
    return user


def case_input(**overrides) -> rep.CaseInput:
    values = dict(country_of_origin="UZ", application_date=APPLIED_ON)
    values.update(overrides)
    return rep.CaseInput(**values)


def new_case(session, head=None, members=(), today=OPENED, user=None, **overrides):
    head = head or person(session)
    if user is not None:
        as_account(session, user)
    return rep.open_case(session, head, case_input(**overrides), list(members), today=today)


# The dates of a path through the statuses, each change after the previous one.
GRANT_ON = dt.date(2024, 2, 1)
STEPS = {
    S.GRANTED: dict(on=GRANT_ON, certificate_number=None),
    S.CITIZENSHIP_REQUESTED: dict(on=dt.date(2024, 6, 1)),
    S.CITIZEN: dict(on=dt.date(2024, 9, 1)),
    S.REFUSED: dict(on=dt.date(2024, 3, 1), comment="documents not confirmed"),
    S.WITHDRAWN: dict(on=dt.date(2024, 3, 1), comment="at the applicant's request"),
    S.EXPIRED: dict(on=dt.date(2025, 2, 1)),
}
PATHS = {
    S.APPLIED: [],
    S.GRANTED: [S.GRANTED],
    S.CITIZENSHIP_REQUESTED: [S.GRANTED, S.CITIZENSHIP_REQUESTED],
    S.CITIZEN: [S.GRANTED, S.CITIZENSHIP_REQUESTED, S.CITIZEN],
    S.REFUSED: [S.REFUSED],
    S.WITHDRAWN: [S.WITHDRAWN],
    S.EXPIRED: [S.GRANTED, S.EXPIRED],
}


def advance(session, case, status):
    """Bring a freshly opened case to `status` through the allowed changes."""
    for step in PATHS[status]:
        kwargs = dict(STEPS[step])
        if step is S.GRANTED:
            kwargs["certificate_number"] = f"KND-{uuid.uuid4().hex[:10]}"
        rep.change_status(session, case, step, today=TODAY, **kwargs)
    assert case.status is status
    return case


def granted_case(session, grant_on, certificate_number=None, **kwargs):
    case = new_case(session, today=grant_on, application_date=grant_on, **kwargs)
    rep.change_status(
        session, case, S.GRANTED, grant_on, today=grant_on,
        certificate_number=certificate_number or f"KND-{uuid.uuid4().hex[:10]}",
    )
    return case


# --- the table of transitions ---


def test_allowed_transitions_table():
    assert rep.ALLOWED_TRANSITIONS == {
        S.APPLIED: {S.GRANTED, S.REFUSED, S.WITHDRAWN},
        S.GRANTED: {S.CITIZENSHIP_REQUESTED, S.EXPIRED, S.WITHDRAWN},
        S.CITIZENSHIP_REQUESTED: {S.CITIZEN, S.REFUSED, S.WITHDRAWN},
        S.CITIZEN: set(),
        S.REFUSED: set(),
        S.WITHDRAWN: set(),
        S.EXPIRED: set(),
    }


def test_allowed_next_follows_the_enum_order():
    assert rep.allowed_next(S.APPLIED) == [S.GRANTED, S.REFUSED, S.WITHDRAWN]
    assert rep.allowed_next(S.GRANTED) == [S.CITIZENSHIP_REQUESTED, S.WITHDRAWN, S.EXPIRED]
    assert rep.allowed_next(S.CITIZENSHIP_REQUESTED) == [S.CITIZEN, S.REFUSED, S.WITHDRAWN]
    for final in (S.CITIZEN, S.REFUSED, S.WITHDRAWN, S.EXPIRED):
        assert rep.allowed_next(final) == []
    assert rep.allowed_next("applied") == [S.GRANTED, S.REFUSED, S.WITHDRAWN]


@pytest.mark.parametrize(
    ("current", "new"), list(itertools.product(RepatriateStatus, RepatriateStatus)),
    ids=lambda s: s.value,
)
def test_change_allowed_exactly_by_the_table(database, current, new):
    with database.transaction() as session:
        case = advance(session, new_case(session), current)
        before = len(rep.case_history(session, case))
        kwargs = dict(on=dt.date(2025, 3, 1), today=TODAY, comment="reason",
                      certificate_number="KND-0000001")
        if new in rep.ALLOWED_TRANSITIONS[current]:
            change = rep.change_status(session, case, new, **kwargs)
            assert case.status is new
            assert (change.from_status, change.to_status) == (current, new)
            history = rep.case_history(session, case)
            assert len(history) == before + 1 and history[-1] is change
        else:
            with pytest.raises(TransitionNotAllowed) as raised:
                rep.change_status(session, case, new, **kwargs)
            assert case.status is current
            assert len(rep.case_history(session, case)) == before
            assert raised.value.message() == (
                f"A case cannot go from “{label(current)}” to “{label(new)}”."
            )


# --- opening a case ---


def test_open_case_creates_household_case_and_first_history_entry(database):
    with database.transaction() as session:
        user = clerk(session)
        head = person(session)
        spouse = person(session, sex=Sex.FEMALE)
        child = person(session, birth=dt.date(2010, 3, 3))
        case = rep.open_case(
            as_account(session, user), head,
            case_input(country_of_origin=" uz ", arrival_date=dt.date(2023, 12, 1),
                       quota_year=2024),
            [(spouse, R.SPOUSE), (child, R.CHILD)], today=OPENED,
        )
        case_id, user_id = case.id, user.id
        ids = {head.id: R.HEAD, spouse.id: R.SPOUSE, child.id: R.CHILD}

    with database.transaction() as session:
        case = session.get(RepatriateCase, case_id)
        assert case.case_number == "KC-2024-000001"
        assert case.status is S.APPLIED
        assert case.country_of_origin == "UZ"
        assert case.application_date == APPLIED_ON
        assert case.arrival_date == dt.date(2023, 12, 1)
        assert case.quota_year == 2024
        assert case.person_id == next(iter(ids))
        assert case.certificate_number is None
        assert case.household.head_id == case.person_id
        members = rep.household_members(session, case)
        assert {m.person_id: m.relation for m in members} == ids
        assert members[0].relation is R.HEAD
        for member in members:
            assert member.person.category is PersonCategory.KANDAS
            assert member.person.status == "applied"
        [first] = rep.case_history(session, case)
        assert first.from_status is None and first.to_status is S.APPLIED
        assert first.changed_on == OPENED
        assert first.user_id == user_id
        assert first.comment is None


def test_open_case_with_region_and_office(database):
    with database.transaction() as session:
        region = session.scalars(select(Region).limit(1)).one()
        office = Office(code="T-1", name="Test office", kind="regional", region_id=region.id)
        session.add(office)
        session.flush()
        case = new_case(session, resettlement_region_id=region.id, office_id=office.id)
        assert case.resettlement_region is region
        assert case.office_id == office.id


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (dict(country_of_origin=""), "country_of_origin", "Country of origin: is required"),
        (dict(country_of_origin=None), "country_of_origin", "Country of origin: is required"),
        (dict(country_of_origin="UZB"), "country_of_origin",
         "Country of origin: must be a two-letter country code"),
        (dict(country_of_origin="U1"), "country_of_origin",
         "Country of origin: must be a two-letter country code"),
        (dict(country_of_origin="kz"), "country_of_origin",
         "Country of origin: cannot be Kazakhstan"),
        (dict(application_date=None), "application_date", "Application date: is required"),
        (dict(application_date=dt.date(2024, 1, 11)), "application_date",
         "Application date: cannot be in the future"),
        (dict(application_date=dt.date(1979, 1, 1)), "application_date",
         "Application date: cannot be before the date of birth"),
        (dict(arrival_date=dt.date(2024, 1, 11)), "arrival_date",
         "Arrival date: cannot be in the future"),
        (dict(arrival_date=dt.date(1979, 1, 1)), "arrival_date",
         "Arrival date: cannot be before the date of birth"),
        (dict(quota_year=1990), "quota_year", "Quota year: must be a year from 1991 to 2025"),
        (dict(quota_year=2026), "quota_year", "Quota year: must be a year from 1991 to 2025"),
        (dict(resettlement_region_id=uuid.uuid4()), "resettlement_region_id",
         "Region of resettlement: does not exist"),
        (dict(office_id=uuid.uuid4()), "office_id", "Office: does not exist"),
    ],
)
def test_open_case_validation(database, overrides, field, message):
    with database.transaction() as session:
        head = person(session)
        with pytest.raises(ValidationFailed) as raised:
            new_case(session, head=head, **overrides)
        assert raised.value.fields() == {field}
        assert raised.value.message() == message
        assert session.scalars(select(RepatriateCase)).all() == []
        assert head.category is PersonCategory.OTHER and head.status is None


def test_open_case_reports_every_problem_at_once(database):
    with database.transaction() as session:
        with pytest.raises(ValidationFailed) as raised:
            new_case(session, country_of_origin="KZ", application_date=dt.date(2030, 1, 1),
                     arrival_date=dt.date(2030, 1, 1))
        assert raised.value.fields() == {"country_of_origin", "application_date", "arrival_date"}


def test_open_case_today_is_allowed(database):
    with database.transaction() as session:
        case = new_case(session, application_date=OPENED, arrival_date=OPENED)
        assert case.status is S.APPLIED


def test_members_must_be_listed_once_and_not_as_head(database):
    with database.transaction() as session:
        head, other = person(session), person(session)
        with pytest.raises(ValidationFailed) as raised:
            new_case(session, head=head, members=[(other, R.HEAD)])
        assert raised.value.message() == (
            "Household members: only the applicant can be the head of household"
        )
        with pytest.raises(ValidationFailed) as raised:
            new_case(session, head=head, members=[(other, R.CHILD), (other, R.CHILD)])
        assert raised.value.message() == (
            f"Household members: {other.full_name} is listed more than once"
        )
        with pytest.raises(ValidationFailed):
            new_case(session, head=head, members=[(head, R.SPOUSE)])


# --- case numbers ---


def test_case_numbers_run_per_year_of_application(database):
    with database.transaction() as session:
        first = new_case(session)
        second = new_case(session)
        older = new_case(session, application_date=dt.date(2023, 12, 30))
        third = new_case(session)
        assert first.case_number == "KC-2024-000001"
        assert second.case_number == "KC-2024-000002"
        assert older.case_number == "KC-2023-000001"
        assert third.case_number == "KC-2024-000003"
    with database.transaction() as session:  # the sequence comes from the database
        assert new_case(session).case_number == "KC-2024-000004"


def test_case_number_continues_after_existing_and_deleted_cases(database):
    with database.transaction() as session:
        case = new_case(session)
        case.case_number = "KC-2024-000041"
        case.deleted_at = dt.datetime.now(dt.UTC)  # deleted cases keep their numbers
    with database.transaction() as session:
        assert session.scalars(select(RepatriateCase)).all() == []
        assert rep.next_case_number(session, 2024) == "KC-2024-000042"
        assert rep.next_case_number(session, 2025) == "KC-2025-000001"
        assert new_case(session).case_number == "KC-2024-000042"


# --- one open case per person ---


def test_a_person_has_only_one_open_case(database):
    with database.transaction() as session:
        head, spouse = person(session), person(session, sex=Sex.FEMALE)
        first = new_case(session, head=head, members=[(spouse, R.SPOUSE)])
        with pytest.raises(ValidationFailed) as raised:
            new_case(session, head=head)
        assert raised.value.fields() == {"person_id"}
        assert raised.value.message() == f"Applicant: already has an open case {first.case_number}"

        # A member of an open case can neither apply nor be listed in another household.
        with pytest.raises(ValidationFailed) as raised:
            new_case(session, head=spouse)
        assert raised.value.fields() == {"person_id"}
        with pytest.raises(ValidationFailed) as raised:
            new_case(session, members=[(spouse, R.SPOUSE)])
        assert raised.value.fields() == {"members"}
        assert raised.value.message() == (
            f"Household members: {spouse.full_name} is already in the household of open case "
            f"{first.case_number}"
        )

        # Once the case is closed, a new case may be opened.
        rep.change_status(session, first, S.REFUSED, dt.date(2024, 1, 10), comment="no proof",
                          today=TODAY)
        second = new_case(session, head=head, members=[(spouse, R.SPOUSE)])
        assert second.status is S.APPLIED


@pytest.mark.parametrize("status", [S.GRANTED, S.CITIZENSHIP_REQUESTED])
def test_granted_and_citizenship_requested_cases_are_open(database, status):
    with database.transaction() as session:
        head = person(session)
        advance(session, new_case(session, head=head), status)
        with pytest.raises(ValidationFailed):
            new_case(session, head=head, today=TODAY)


@pytest.mark.parametrize("status", [S.CITIZEN, S.REFUSED, S.WITHDRAWN, S.EXPIRED])
def test_closed_cases_allow_a_new_case(database, status):
    with database.transaction() as session:
        head = person(session)
        advance(session, new_case(session, head=head), status)
        assert rep.open_case_of(session, head) is None
        new_case(session, head=head, today=TODAY, application_date=TODAY)


# --- status changes ---


def test_history_keeps_date_user_and_comment(database):
    with database.transaction() as session:
        # a clerk's grant waits for approval (services/change_requests.py): a supervisor's not
        user, supervisor = clerk(session), clerk(session, UserRole.SUPERVISOR)
        case = new_case(session, user=user)
        rep.change_status(as_account(session, supervisor), case, S.GRANTED, GRANT_ON,
                          certificate_number="KND-1", comment="  quota of 2024 ", today=TODAY)
        rep.change_status(as_account(session, user), case, S.WITHDRAWN, GRANT_ON,
                          comment="the family moved to Russia", today=TODAY)
        case_id, user_id, supervisor_id = case.id, user.id, supervisor.id

    with database.transaction() as session:
        case = session.get(RepatriateCase, case_id)
        history = rep.case_history(session, case)
        assert [(c.from_status, c.to_status, c.changed_on, c.user_id, c.comment)
                for c in history] == [
            (None, S.APPLIED, OPENED, user_id, None),
            (S.APPLIED, S.GRANTED, GRANT_ON, supervisor_id, "quota of 2024"),
            (S.GRANTED, S.WITHDRAWN, GRANT_ON, user_id, "the family moved to Russia"),
        ]
        assert case.status is S.WITHDRAWN
        assert len(session.scalars(select(CaseStatusChange)).all()) == 3


def test_status_changes_in_separate_transactions(database):
    with database.transaction() as session:
        case_id = new_case(session).id
    with database.transaction() as session:
        case = session.get(RepatriateCase, case_id)
        rep.change_status(session, case, S.GRANTED, GRANT_ON, certificate_number="KND-7",
                          today=TODAY)
    with database.transaction() as session:
        case = session.get(RepatriateCase, case_id)
        rep.change_status(session, case, S.CITIZENSHIP_REQUESTED, dt.date(2024, 5, 1),
                          today=TODAY)
    with database.transaction() as session:
        case = session.get(RepatriateCase, case_id)
        assert case.status is S.CITIZENSHIP_REQUESTED
        assert case.version >= 3
        assert [c.to_status for c in rep.case_history(session, case)] == [
            S.APPLIED, S.GRANTED, S.CITIZENSHIP_REQUESTED]


@pytest.mark.parametrize("current", [S.APPLIED, S.CITIZENSHIP_REQUESTED])
@pytest.mark.parametrize("new", [S.REFUSED, S.WITHDRAWN])
@pytest.mark.parametrize("comment", [None, "", "   "])
def test_refusal_and_withdrawal_need_a_comment(database, current, new, comment):
    with database.transaction() as session:
        case = advance(session, new_case(session), current)
        with pytest.raises(ValidationFailed) as raised:
            rep.change_status(session, case, new, dt.date(2025, 1, 1), comment=comment,
                              today=TODAY)
        assert raised.value.fields() == {"comment"}
        assert raised.value.message() == "Comment: is required"
        assert case.status is current


def test_comment_is_optional_elsewhere(database):
    with database.transaction() as session:
        case = new_case(session)
        change = rep.change_status(session, case, S.GRANTED, GRANT_ON,
                                   certificate_number="KND-1", comment="  ", today=TODAY)
        assert change.comment is None


def test_change_date_cannot_be_in_the_future(database):
    with database.transaction() as session:
        case = new_case(session)
        with pytest.raises(ValidationFailed) as raised:
            rep.change_status(session, case, S.REFUSED, TODAY + dt.timedelta(days=1),
                              comment="x", today=TODAY)
        assert raised.value.fields() == {"changed_on"}
        assert raised.value.message() == "Date of the change: cannot be in the future"
        rep.change_status(session, case, S.REFUSED, TODAY, comment="x", today=TODAY)
        assert case.status is S.REFUSED


def test_change_date_cannot_be_before_the_last_change(database):
    with database.transaction() as session:
        case = advance(session, new_case(session), S.GRANTED)
        with pytest.raises(ValidationFailed) as raised:
            rep.change_status(session, case, S.CITIZENSHIP_REQUESTED,
                              GRANT_ON - dt.timedelta(days=1), today=TODAY)
        assert raised.value.message() == (
            "Date of the change: cannot be before the last status change"
        )
        with pytest.raises(ValidationFailed):
            rep.change_status(session, new_case(session), S.REFUSED,
                              OPENED - dt.timedelta(days=1), comment="x", today=TODAY)
        # The same day as the last change is fine.
        rep.change_status(session, case, S.CITIZENSHIP_REQUESTED, GRANT_ON, today=TODAY)


def test_change_status_uses_the_real_today_by_default(database):
    with database.transaction() as session:
        case = new_case(session, today=None)
        assert rep.case_history(session, case)[0].changed_on == dt.date.today()
        with pytest.raises(ValidationFailed):
            rep.change_status(session, case, S.REFUSED, dt.date.today() + dt.timedelta(days=1),
                              comment="x")
        rep.change_status(session, case, S.REFUSED, dt.date.today(), comment="x")


# --- the certificate ---


@pytest.mark.parametrize(
    ("issue", "expiry"),
    [
        (dt.date(2024, 2, 1), dt.date(2025, 2, 1)),
        (dt.date(2024, 2, 29), dt.date(2025, 2, 28)),
        (dt.date(2023, 2, 28), dt.date(2024, 2, 28)),
        (dt.date(2023, 3, 1), dt.date(2024, 3, 1)),
        (dt.date(2024, 12, 31), dt.date(2025, 12, 31)),
    ],
)
def test_certificate_valid_one_year(database, issue, expiry):
    assert rep.certificate_expiry(issue) == expiry
    with database.transaction() as session:
        case = new_case(session, application_date=dt.date(2022, 1, 1), today=dt.date(2022, 1, 1))
        rep.change_status(session, case, S.GRANTED, issue, certificate_number=" KND-29 ",
                          today=TODAY)
        assert case.certificate_number == "KND-29"
        assert case.certificate_issue_date == issue
        assert case.certificate_expiry_date == expiry


def test_grant_requires_a_certificate_number(database):
    with database.transaction() as session:
        case = new_case(session)
        for number in (None, "", "  "):
            with pytest.raises(ValidationFailed) as raised:
                rep.change_status(session, case, S.GRANTED, GRANT_ON,
                                  certificate_number=number, today=TODAY)
            assert raised.value.fields() == {"certificate_number"}
            assert raised.value.message() == "Certificate number: is required"
        with pytest.raises(ValidationFailed) as raised:
            rep.change_status(session, case, S.GRANTED, GRANT_ON,
                              certificate_number="K" * 33, today=TODAY)
        assert raised.value.message() == "Certificate number: must be at most 32 characters"
        assert case.status is S.APPLIED
        assert case.certificate_number is None and case.certificate_expiry_date is None


def test_certificate_number_is_unique(database):
    with database.transaction() as session:
        granted_case(session, GRANT_ON, certificate_number="KND-0000042")
        case = new_case(session)
        with pytest.raises(ValidationFailed) as raised:
            rep.change_status(session, case, S.GRANTED, GRANT_ON,
                              certificate_number="KND-0000042", today=TODAY)
        assert raised.value.fields() == {"certificate_number"}
        assert raised.value.message() == "Certificate number: is already used by another case"
        assert case.status is S.APPLIED
        rep.change_status(session, case, S.GRANTED, GRANT_ON, certificate_number="KND-0000043",
                          today=TODAY)


def test_certificate_number_of_a_deleted_case_stays_taken(database):
    with database.transaction() as session:
        old = granted_case(session, GRANT_ON, certificate_number="KND-5")
        old.deleted_at = dt.datetime.now(dt.UTC)
    with database.transaction() as session:
        case = new_case(session)
        with pytest.raises(ValidationFailed):
            rep.change_status(session, case, S.GRANTED, GRANT_ON, certificate_number="KND-5",
                              today=TODAY)


def test_expired_only_from_the_expiry_date(database):
    with database.transaction() as session:
        case = granted_case(session, dt.date(2024, 2, 29))
        assert case.certificate_expiry_date == dt.date(2025, 2, 28)
        with pytest.raises(ValidationFailed) as raised:
            rep.change_status(session, case, S.EXPIRED, dt.date(2025, 2, 27), today=TODAY)
        assert raised.value.fields() == {"changed_on"}
        assert raised.value.message() == (
            "Date of the change: cannot be before the certificate expiry date"
        )
        assert case.status is S.GRANTED
        rep.change_status(session, case, S.EXPIRED, dt.date(2025, 2, 28), today=TODAY)
        assert case.status is S.EXPIRED


# --- the household ---


def test_household_statuses_follow_the_case(database):
    with database.transaction() as session:
        head, spouse, child = person(session), person(session), person(session)
        case = new_case(session, head=head, members=[(spouse, R.SPOUSE), (child, R.CHILD)])
        for status in PATHS[S.CITIZEN]:
            step = dict(STEPS[status])
            if status is S.GRANTED:
                step["certificate_number"] = "KND-100"
            rep.change_status(session, case, status, today=TODAY, **step)
            for p in (head, spouse, child):
                assert p.status == status.value
                assert p.category is PersonCategory.KANDAS
        ids = [head.id, spouse.id, child.id]
    with database.transaction() as session:
        persons = session.scalars(select(Person).where(Person.id.in_(ids))).all()
        assert {p.status for p in persons} == {"citizen"}


def test_add_member(database):
    with database.transaction() as session:
        case = advance(session, new_case(session), S.GRANTED)
        child = person(session, birth=dt.date(2024, 3, 1))
        member = rep.add_member(session, case, child, R.CHILD)
        assert member.household_id == case.household_id
        assert member.relation is R.CHILD
        assert child.category is PersonCategory.KANDAS and child.status == "granted"
        assert child in [m.person for m in rep.household_members(session, case)]
        rep.change_status(session, case, S.CITIZENSHIP_REQUESTED, dt.date(2024, 6, 1),
                          today=TODAY)
        assert child.status == "citizenship_requested"


def test_add_member_rules(database):
    with database.transaction() as session:
        spouse = person(session, sex=Sex.FEMALE)
        case = new_case(session, members=[(spouse, R.SPOUSE)])
        other_case = new_case(session)

        with pytest.raises(ValidationFailed) as raised:
            rep.add_member(session, case, person(session), R.HEAD)
        assert raised.value.message() == "Relation: the household already has a head"

        with pytest.raises(ValidationFailed) as raised:
            rep.add_member(session, case, spouse, R.SPOUSE)
        assert raised.value.message() == "Person: is already a member of this household"

        with pytest.raises(ValidationFailed) as raised:
            rep.add_member(session, other_case, spouse, R.SPOUSE)
        assert raised.value.fields() == {"person_id"}
        assert raised.value.message() == (
            f"Person: {spouse.full_name} is already in the household of open case "
            f"{case.case_number}"
        )
        with pytest.raises(ValidationFailed):  # nor the head of another open case
            rep.add_member(session, case, other_case.person, R.SIBLING)

        assert len(rep.household_members(session, case)) == 2
        assert len(rep.household_members(session, other_case)) == 1


def test_remove_member_soft_deletes(database):
    with database.transaction() as session:
        head, spouse = person(session), person(session, sex=Sex.FEMALE)
        case = new_case(session, head=head, members=[(spouse, R.SPOUSE)])
        rep.remove_member(session, case, spouse)
        assert [m.person for m in rep.household_members(session, case)] == [head]
        assert spouse.status is None and spouse.category is PersonCategory.OTHER
        rows = session.scalars(
            select(HouseholdMember).where(HouseholdMember.person_id == spouse.id)
            .execution_options(include_deleted=True)
        ).all()
        assert len(rows) == 1 and rows[0].deleted_at is not None

        # The household's later changes no longer touch the removed person.
        rep.change_status(session, case, S.WITHDRAWN, OPENED, comment="x", today=TODAY)
        assert head.status == "withdrawn" and spouse.status is None

    with database.transaction() as session:
        # The removed person is free to be part of another case.
        spouse = session.get(Person, spouse.id)
        other = new_case(session, members=[(spouse, R.SPOUSE)], today=TODAY)
        assert spouse.status == "applied"
        assert other.status is S.APPLIED


def test_add_member_to_a_case_without_household(database):
    with database.transaction() as session:
        head, child = person(session), person(session, birth=dt.date(2012, 1, 1))
        case = RepatriateCase(case_number="KC-2020-000001", person=head, country_of_origin="CN",
                              application_date=dt.date(2020, 1, 1), status=S.APPLIED)
        session.add(case)
        session.flush()
        with pytest.raises(ValidationFailed) as raised:
            rep.add_member(session, case, head, R.SPOUSE)
        assert raised.value.fields() == {"person_id"}
        rep.add_member(session, case, child, R.CHILD)
        members = rep.household_members(session, case)
        assert [(m.person, m.relation) for m in members] == [(head, R.HEAD), (child, R.CHILD)]
        assert case.household.head is head


def test_removed_member_can_come_back(database):
    with database.transaction() as session:
        child = person(session, birth=dt.date(2015, 1, 1))
        case = new_case(session, members=[(child, R.CHILD)])
        rep.remove_member(session, case, child)
        member = rep.add_member(session, case, child, R.GRANDCHILD)
        assert member.deleted_at is None and member.relation is R.GRANDCHILD
        assert child.status == "applied" and child.category is PersonCategory.KANDAS
        assert len(rep.household_members(session, case)) == 2


def test_removed_member_keeps_the_status_of_an_earlier_case(database):
    with database.transaction() as session:
        spouse = person(session, sex=Sex.FEMALE)
        advance(session, new_case(session, members=[(spouse, R.SPOUSE)]), S.REFUSED)
        case = new_case(session, members=[(spouse, R.SPOUSE)], today=TODAY,
                        application_date=TODAY)
        assert spouse.status == "applied"
        rep.remove_member(session, case, spouse)
        assert spouse.status == "refused" and spouse.category is PersonCategory.KANDAS


def test_remove_member_rules(database):
    with database.transaction() as session:
        head, spouse = person(session), person(session)
        case = new_case(session, head=head, members=[(spouse, R.SPOUSE)])
        with pytest.raises(ServiceError) as raised:
            rep.remove_member(session, case, head)
        assert raised.value.message() == "The head of household cannot be removed."
        with pytest.raises(NotFound) as raised:
            rep.remove_member(session, case, person(session))
        assert raised.value.message() == "This person is not a member of the household."
        rep.remove_member(session, case, spouse)
        with pytest.raises(NotFound):
            rep.remove_member(session, case, spouse)
        assert head.status == "applied"


def test_household_of_a_closed_case_is_frozen(database):
    with database.transaction() as session:
        spouse = person(session)
        case = advance(session, new_case(session, members=[(spouse, R.SPOUSE)]), S.REFUSED)
        with pytest.raises(ServiceError) as raised:
            rep.add_member(session, case, person(session), R.CHILD)
        assert raised.value.message() == "The household of a closed case cannot be changed."
        with pytest.raises(ServiceError):
            rep.remove_member(session, case, spouse)


# --- certificates that expire ---


def test_certificates_expiring_within_30_days(database):
    today = dt.date(2025, 6, 15)
    with database.transaction() as session:
        def granted_on(days_until_expiry):
            expiry = today + dt.timedelta(days=days_until_expiry)
            return granted_case(session, expiry.replace(year=expiry.year - 1))

        cases = {days: granted_on(days) for days in (-1, 0, 1, 15, 30, 31, 200)}
        moved_on = granted_on(10)
        rep.change_status(session, moved_on, S.CITIZENSHIP_REQUESTED,
                          moved_on.certificate_issue_date, today=today)

        expiring = rep.certificates_expiring(session, today)
        assert expiring == [cases[0], cases[1], cases[15], cases[30]]
        assert rep.certificates_expiring(session, today, within_days=1) == [cases[0], cases[1]]
        assert rep.certificates_expiring(session, today, within_days=365) == [
            cases[0], cases[1], cases[15], cases[30], cases[31], cases[200]]


def test_expire_certificates(database):
    today = dt.date(2025, 6, 15)
    with database.transaction() as session:
        user = clerk(session)
        spouse = person(session)
        long_ago = granted_case(session, dt.date(2023, 1, 10), members=[(spouse, R.SPOUSE)])
        yesterday = granted_case(session, dt.date(2024, 6, 14))
        expires_today = granted_case(session, dt.date(2024, 6, 15))
        valid = granted_case(session, dt.date(2025, 1, 1))
        requested = granted_case(session, dt.date(2023, 1, 10))
        rep.change_status(session, requested, S.CITIZENSHIP_REQUESTED, dt.date(2023, 5, 1),
                          today=today)

        assert rep.expire_certificates(as_account(session, user), today) == 2
        assert long_ago.status is S.EXPIRED and yesterday.status is S.EXPIRED
        assert expires_today.status is S.GRANTED and valid.status is S.GRANTED
        assert requested.status is S.CITIZENSHIP_REQUESTED
        last = rep.case_history(session, long_ago)[-1]
        assert (last.from_status, last.to_status) == (S.GRANTED, S.EXPIRED)
        assert last.changed_on == dt.date(2024, 1, 10)
        assert last.user_id == user.id
        assert last.comment == "certificate expired"
        assert spouse.status == "expired" and long_ago.person.status == "expired"
        assert rep.case_history(session, yesterday)[-1].changed_on == dt.date(2025, 6, 14)

        assert rep.expire_certificates(session, today) == 0
        assert rep.expire_certificates(session, today + dt.timedelta(days=1)) == 1
        assert expires_today.status is S.EXPIRED


# --- messages ---


def test_messages_are_translated_when_shown():
    i18n.set_language("en")
    error = rep.CaseTransitionNotAllowed(S.REFUSED, S.GRANTED)
    assert isinstance(error, TransitionNotAllowed)
    assert error.message() == "A case cannot go from “refused” to “kandas status granted”."
    # The labels follow the language in force when the message is shown, not when raised.
    i18n.set_language("ru")
    try:
        message = error.message()
        assert label(S.REFUSED) in message and label(S.GRANTED) in message
        assert "refused" not in message
    finally:
        i18n.set_language("en")


def test_validation_messages_in_english(database):
    i18n.set_language("en")
    with database.transaction() as session:
        case = new_case(session)
        with pytest.raises(ValidationFailed) as raised:
            rep.change_status(session, case, S.GRANTED, TODAY + dt.timedelta(days=2),
                              today=TODAY)
        assert raised.value.message().splitlines() == [
            "Date of the change: cannot be in the future",
            "Certificate number: is required",
        ]


# --- the use cases of the Repatriates section, on the database ---


def test_load_case_reads_details_household_and_history(database):
    with database.transaction() as session:
        region = session.scalars(select(Region).limit(1)).one()
        head, child = person(session), person(session, birth=dt.date(2010, 3, 3))
        case = new_case(session, head=head, members=[(child, R.CHILD)],
                        resettlement_region_id=region.id, quota_year=2024,
                        arrival_date=dt.date(2023, 12, 1))
        rep.change_status(session, case, S.GRANTED, GRANT_ON, certificate_number="KND-5",
                          comment="ok", today=TODAY, override_reason="no quota set")
        case_id, head_id, child_id = case.id, head.id, child.id
        head_name, region_name = head.full_name, region.name

    record = rep.load_case(database, case_id)
    assert (record.id, record.case_number, record.applicant) == (
        case_id, "KC-2024-000001", head_name)
    assert (record.country_of_origin, record.application_date, record.arrival_date) == (
        "UZ", APPLIED_ON, dt.date(2023, 12, 1))
    assert (record.region, record.quota_year, record.status) == (region_name, 2024, S.GRANTED)
    assert (record.certificate_number, record.certificate_issue_date,
            record.certificate_expiry_date) == ("KND-5", GRANT_ON, dt.date(2025, 2, 1))
    assert record.is_open and record.expires_within(dt.date(2025, 1, 15), 30)
    assert not record.expires_within(dt.date(2024, 12, 1), 30)
    assert [(m.person_id, m.relation, m.birth_date) for m in record.members] == [
        (head_id, R.HEAD, dt.date(1980, 5, 1)), (child_id, R.CHILD, dt.date(2010, 3, 3))]
    assert [(c.changed_on, c.from_status, c.to_status, c.comment) for c in record.history] == [
        (OPENED, None, S.APPLIED, None), (GRANT_ON, S.APPLIED, S.GRANTED, "ok")]


def test_use_cases_of_a_case_or_person_gone_are_not_found(database):
    with database.transaction() as session:
        case = new_case(session)
        case_id, head_id = case.id, case.person_id
        case.deleted_at = dt.datetime(2024, 2, 1, tzinfo=dt.UTC)
    for use_case in (
        lambda: rep.load_case(database, case_id),
        lambda: rep.load_case(database, uuid.uuid4()),
        lambda: rep.add_case_member(database, case_id, head_id, R.CHILD),
        lambda: rep.remove_case_member(database, case_id, head_id),
        lambda: rep.change_case_status(database, case_id, S.GRANTED, GRANT_ON,
                                       certificate_number="KND-1"),
    ):
        with pytest.raises(NotFound) as gone:
            use_case()
        assert gone.value.msgid == rep.CASE_GONE

    with database.transaction() as session:
        open_id = new_case(session).id
    for use_case in (lambda: rep.add_case_member(database, open_id, uuid.uuid4(), R.CHILD),
                     lambda: rep.remove_case_member(database, open_id, uuid.uuid4())):
        with pytest.raises(NotFound) as gone:
            use_case()
        assert gone.value.msgid == rep.PERSON_GONE


def test_open_case_for_needs_an_applicant_who_exists(database):
    for person_id in (None, uuid.uuid4()):
        with pytest.raises(ValidationFailed) as refused:
            rep.open_case_for(database, person_id, case_input(country_of_origin=""))
        assert refused.value.fields() == {"person_id"}
    with database.transaction() as session:
        head = person(session)
        session.flush()
        head_id = head.id
    with pytest.raises(ValidationFailed) as refused:
        rep.open_case_for(database, head_id, case_input(country_of_origin=""))
    assert refused.value.fields() == {"country_of_origin"}
    case_id = rep.open_case_for(database, head_id, case_input())
    with database.sessions() as session:
        assert session.get(RepatriateCase, case_id).person_id == head_id


def test_household_and_status_use_cases_write_in_their_own_transaction(database):
    with database.transaction() as session:
        child = person(session, birth=dt.date(2012, 1, 1))
        case_id, child_id = new_case(session).id, child.id
    rep.add_case_member(database, case_id, child_id, R.CHILD)
    assert [m.person_id for m in rep.load_case(database, case_id).members][1:] == [child_id]
    with pytest.raises(ValidationFailed):  # refused: nothing written
        rep.change_case_status(database, case_id, S.REFUSED, GRANT_ON, comment=" ")
    rep.remove_case_member(database, case_id, child_id)
    rep.change_case_status(database, case_id, S.GRANTED, GRANT_ON, certificate_number="KND-3")
    record = rep.load_case(database, case_id)
    assert len(record.members) == 1 and len(record.history) == 2
    assert (record.status, record.certificate_number) == (S.GRANTED, "KND-3")
