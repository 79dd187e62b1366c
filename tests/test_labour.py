import datetime as dt
import itertools
import uuid

import pytest
from acting import as_account
from sqlalchemy import select

from kzmigdesk.domain.enums import PermitCategory, PermitStatus, PersonCategory, Sex, UserRole
from kzmigdesk.domain.identifiers import check_digit, make_bin
from kzmigdesk.domain.models import Employer, Person, Region, User, WorkPermit
from kzmigdesk.services.errors import (
    NotFound,
    ServiceError,
    TransitionNotAllowed,
    ValidationFailed,
)
from kzmigdesk.services.labour import (
    EAEU_COUNTRIES,
    PERMIT_TRANSITIONS,
    EmployerInput,
    PermitChange,
    PermitInput,
    PermitNotIssued,
    change_permit_status,
    employer_permits,
    expire_permits,
    find_employer,
    issue_new_permit,
    issue_permit,
    last_day_of_term,
    load_employer,
    load_permit,
    load_worker,
    needs_work_permit,
    permit_history,
    save_employer,
    search_employers,
    set_permit_status,
)

# Permits take quota slots: every quota has room here.
pytestmark = pytest.mark.usefixtures("open_quotas")

C, P = PermitCategory, PermitStatus
TODAY = dt.date(2026, 1, 15)
ISSUED_ON = dt.date(2024, 1, 1)
BIN = make_bin(dt.date(2015, 3, 1), 1)


def region_id(session, code="ALA"):
    return session.scalars(select(Region).where(Region.code == code)).one().id


def new_person(session, citizenship="CN", surname="Wang", given_name="Wei"):
    person = Person(surname=surname, given_name=given_name, sex=Sex.MALE,
                    birth_date=dt.date(1988, 5, 20), citizenship=citizenship)
    session.add(person)
    session.flush()
    return person


def new_employer(session, bin=BIN, name="ТОО «Казстрой»", code="ALA"):
    data = EmployerInput(bin=bin, name=name, region_id=region_id(session, code))
    return save_employer(session, data)


def permit_input(session, number="WP-2024-0000001", category=C.CATEGORY_4,
                 valid_from=dt.date(2024, 1, 1), valid_to=dt.date(2024, 12, 31)):
    return PermitInput(number=number, category=category, profession="сварщик",
                       region_id=region_id(session), valid_from=valid_from, valid_to=valid_to)


def new_permit(session, person=None, employer=None, **overrides):
    person = person or new_person(session)
    employer = employer or find_employer(session, BIN) or new_employer(session)
    return issue_permit(session, person, employer, permit_input(session, **overrides),
                        today=ISSUED_ON)


def with_check_digit(first_eleven):
    return first_eleven + str(check_digit(first_eleven))


def messages(raised) -> list[str]:
    return [error.message() for error in raised.value.errors]


# --- who needs a permit ---


@pytest.mark.parametrize("code", ["AM", "BY", "KG", "RU", "KZ", "ru", " kz "])
def test_eaeu_and_kazakh_citizens_need_no_permit(code):
    assert not needs_work_permit(code)


@pytest.mark.parametrize("code", ["CN", "TR", "IN", "UZ", "TJ", "DE", None])
def test_other_citizens_and_stateless_persons_need_a_permit(code):
    assert needs_work_permit(code)


def test_eaeu_countries():
    assert EAEU_COUNTRIES == {"AM", "BY", "KG", "RU"}


@pytest.mark.parametrize("code", sorted(EAEU_COUNTRIES))
def test_no_permit_is_issued_to_eaeu_citizens(database, code):
    with database.transaction() as session:
        person = new_person(session, citizenship=code)
        with pytest.raises(ServiceError) as raised:
            new_permit(session, person=person)
        assert raised.value.message() == (
            "Citizens of the Eurasian Economic Union member states (Armenia, Belarus, "
            "Kyrgyzstan, Russia) need no work permit."
        )
        assert person.category is PersonCategory.OTHER
        assert person.status is None


def test_no_permit_is_issued_to_kazakh_citizens(database):
    with database.transaction() as session:
        person = new_person(session, citizenship="KZ")
        with pytest.raises(ServiceError) as raised:
            new_permit(session, person=person)
        assert raised.value.message() == "Citizens of Kazakhstan need no work permit."


@pytest.mark.parametrize("code", ["CN", "TR", "IN", None])
def test_permits_are_issued_to_other_citizens(database, code):
    with database.transaction() as session:
        permit = new_permit(session, person=new_person(session, citizenship=code))
        assert permit.status is P.ISSUED


# --- employers ---


@pytest.mark.parametrize(("bin", "message"), [
    ("", "BIN: is required"),
    (with_check_digit("15134000001"), "BIN: digits 3-4 must be a month (01-12)"),
    ("12345", "BIN: must be exactly 12 digits"),
    ("15034000000A", "BIN: must be exactly 12 digits"),
    (BIN[:11] + str((int(BIN[11]) + 1) % 10), "BIN: check digit is wrong"),
    (make_bin(dt.date(2015, 3, 1), 1, entity_type=7),
     "BIN: the 5th digit (entity type) must be 4, 5 or 6"),
])
def test_bin_is_validated(database, bin, message):
    with database.transaction() as session:
        with pytest.raises(ValidationFailed) as raised:
            save_employer(session, EmployerInput(bin=bin, name="ТОО «Ромашка»",
                                                 region_id=region_id(session)))
        assert messages(raised) == [message]
        assert raised.value.fields() == {"bin"}


def wide(text: str) -> str:
    """Full-width letters and digits, as some keyboards type them."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def test_bin_and_permit_number_in_other_digits(database):
    """Full-width and superscript digits are read as ASCII ones; Arabic-Indic ones are a
    field error naming the BIN."""
    with database.transaction() as session:
        employer = new_employer(session, bin=wide(BIN[:6]) + " " + BIN[6:-1] + "⁰¹²³⁴⁵⁶⁷⁸⁹"[
            int(BIN[-1])])
        assert employer.bin == BIN
        assert find_employer(session, wide(BIN)) is employer
        assert [e.bin for e in search_employers(session, wide(BIN[:4]))] == [BIN]
        with pytest.raises(ValidationFailed) as raised:
            new_employer(session, bin="".join(chr(0x0660 + int(d)) for d in BIN))
        assert messages(raised) == ["BIN: must be exactly 12 digits"]
        permit = new_permit(session, employer=employer, number=wide("WP-2024-0000001"))
        assert permit.number == "WP-2024-0000001"
        with pytest.raises(ValidationFailed) as raised:
            new_permit(session, employer=employer, number="WP-2024-0000001")
        assert messages(raised) == ["Permit number: is already used by another permit"]


def test_employer_needs_a_name_and_region(database):
    with database.transaction() as session:
        with pytest.raises(ValidationFailed) as raised:
            save_employer(session, EmployerInput(bin=BIN, name="  ", region_id=None))
        assert messages(raised) == ["Employer name: is required", "Region: is required"]


def test_employer_is_saved_and_found_by_bin(database):
    with database.transaction() as session:
        employer = save_employer(session, EmployerInput(
            bin=f" {BIN} ", name=" ТОО «Казстрой» ", sector="строительство",
            region_id=region_id(session), address="", phone="+7 727 000 00 00",
            contact_person=None,
        ))
        assert (employer.bin, employer.name, employer.address) == (BIN, "ТОО «Казстрой»", None)
    with database.transaction() as session:
        found = find_employer(session, BIN)
        assert found.id == employer.id
        assert found.sector == "строительство"
        assert find_employer(session, make_bin(dt.date(2015, 3, 1), 2)) is None


def test_bin_is_unique(database):
    with database.transaction() as session:
        first = new_employer(session)
        second = new_employer(session, bin=make_bin(dt.date(2015, 3, 1), 2), name="ТОО «Береке»")
        with pytest.raises(ValidationFailed) as raised:
            new_employer(session, name="ТОО «Другое»")
        assert messages(raised) == ["BIN: is already registered for another employer"]
        with pytest.raises(ValidationFailed):
            save_employer(session, EmployerInput(bin=BIN, name="ТОО «Береке»",
                                                 region_id=second.region_id), second)
        # Saving an employer with its own BIN is fine.
        updated = save_employer(session, EmployerInput(bin=BIN, name="ТОО «Казстрой-2»",
                                                       region_id=region_id(session, "AST")),
                                first)
        assert updated is first and first.name == "ТОО «Казстрой-2»"


def test_search_employers_by_bin_prefix_or_name_in_any_case(database):
    with database.transaction() as session:
        new_employer(session, bin=make_bin(dt.date(2015, 3, 1), 1), name="ТОО «Казстрой»")
        new_employer(session, bin=make_bin(dt.date(2019, 7, 1), 2), name="АО «КазМунайГаз»")
        new_employer(session, bin=make_bin(dt.date(2019, 8, 1), 3), name="Agro Farm LLP")

        def names(text, **kwargs):
            return [e.name for e in search_employers(session, text, **kwargs)]

        assert names("1503") == ["ТОО «Казстрой»"]
        assert names("19") == ["Agro Farm LLP", "АО «КазМунайГаз»"]
        assert names("каз") == ["АО «КазМунайГаз»", "ТОО «Казстрой»"]
        assert names("МУНАЙ") == ["АО «КазМунайГаз»"]
        assert names("agro FARM") == ["Agro Farm LLP"]
        assert names("nothing") == []
        assert names("", limit=2) == ["Agro Farm LLP", "АО «КазМунайГаз»"]


def test_employer_lists_its_permits_newest_first(database):
    with database.transaction() as session:
        employer = new_employer(session)
        other = new_employer(session, bin=make_bin(dt.date(2015, 3, 1), 2), name="ТОО «Береке»")
        old = new_permit(session, employer=employer, number="WP-1",
                         valid_from=dt.date(2023, 1, 1), valid_to=dt.date(2023, 12, 31))
        new = new_permit(session, employer=employer, number="WP-2")
        new_permit(session, employer=other, number="WP-3")
        assert employer_permits(session, employer) == [new, old]
        assert [p.number for p in employer_permits(session, other)] == ["WP-3"]


# --- issuing ---


def test_issue_permit(database):
    with database.transaction() as session:
        user = User(username="clerk", full_name="Clerk", role=UserRole.CLERK)
        session.add(user)
        person, employer = new_person(session), new_employer(session)
        session.flush()
        permit = issue_permit(as_account(session, user), person, employer,
                              permit_input(session, number=" WP-2024-7 "),
                              today=dt.date(2023, 12, 20))
        assert permit.number == "WP-2024-7"
        assert (permit.status, permit.quota_year, permit.category) == (P.ISSUED, 2024, C.CATEGORY_4)
        assert permit.person is person and permit.employer is employer
        [change] = permit_history(session, permit)
        assert (change.from_status, change.to_status) == (None, P.ISSUED)
        assert (change.changed_on, change.user_id, change.comment) == (
            dt.date(2023, 12, 20), user.id, None)
        assert person.category is PersonCategory.FOREIGN_WORKER
        assert person.status == "issued"


def test_permit_number_is_required_and_unique(database):
    with database.transaction() as session:
        new_permit(session, number="WP-1")
        with pytest.raises(ValidationFailed) as raised:
            new_permit(session, number="WP-1")
        assert messages(raised) == ["Permit number: is already used by another permit"]
        with pytest.raises(ValidationFailed) as raised:
            new_permit(session, number=" ")
        assert messages(raised) == ["Permit number: is required"]


def test_permit_fields_are_required(database):
    with database.transaction() as session:
        person, employer = new_person(session), new_employer(session)
        with pytest.raises(ValidationFailed) as raised:
            issue_permit(session, person, employer, PermitInput(number="WP-1", category=None),
                         today=TODAY)
        assert messages(raised) == [
            "Permit category: is required",
            "Region: is required",
            "Valid from: is required",
            "Valid to: is required",
        ]


@pytest.mark.parametrize("valid_to", [dt.date(2024, 1, 1), dt.date(2023, 12, 31)])
def test_permit_ends_after_it_begins(database, valid_to):
    with database.transaction() as session:
        with pytest.raises(ValidationFailed) as raised:
            new_permit(session, valid_from=dt.date(2024, 1, 1), valid_to=valid_to)
        assert messages(raised) == ["Valid to: must be after the first valid day"]


ONE_YEAR = "Valid to: this permit category allows at most one year at a time"
THREE_YEARS = "Valid to: this permit category allows at most three years at a time"


@pytest.mark.parametrize(("category", "last_day", "message"), [
    (C.SEASONAL_AGRICULTURAL, dt.date(2026, 2, 28), ONE_YEAR),
    (C.CATEGORY_4, dt.date(2026, 2, 28), ONE_YEAR),
    (C.CATEGORY_1, dt.date(2028, 2, 29), THREE_YEARS),
    (C.CATEGORY_2, dt.date(2028, 2, 29), THREE_YEARS),
    (C.CATEGORY_3, dt.date(2028, 2, 29), THREE_YEARS),
    (C.INTRA_CORPORATE, dt.date(2028, 2, 29), THREE_YEARS),
])
def test_permit_length_by_category(database, category, last_day, message):
    start = dt.date(2025, 3, 1)
    with database.transaction() as session:
        permit = new_permit(session, number="WP-1", category=category, valid_from=start,
                            valid_to=last_day)
        assert permit.valid_to == last_day
        with pytest.raises(ValidationFailed) as raised:
            new_permit(session, number="WP-2", category=category, valid_from=start,
                       valid_to=last_day + dt.timedelta(days=1))
        assert messages(raised) == [message]


def test_last_day_of_term():
    assert last_day_of_term(dt.date(2025, 1, 1), 12) == dt.date(2025, 12, 31)
    assert last_day_of_term(dt.date(2025, 3, 15), 36) == dt.date(2028, 3, 14)
    assert last_day_of_term(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert last_day_of_term(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)


# --- status changes ---

VALID_TO = dt.date(2024, 12, 31)  # of the permit from new_permit()


def permit_in(session, status):
    """A category 4 permit for 2024, issued on 2024-01-01 and brought to `status`."""
    permit = new_permit(session)
    if status is P.EXTENDED:
        change_permit_status(session, permit, P.EXTENDED, dt.date(2024, 12, 1),
                             new_valid_to=dt.date(2025, 6, 30), today=TODAY)
    elif status is P.REVOKED:
        change_permit_status(session, permit, P.REVOKED, dt.date(2024, 6, 1),
                             comment="нарушение", today=TODAY)
    elif status is P.EXPIRED:
        change_permit_status(session, permit, P.EXPIRED, dt.date(2025, 1, 1), today=TODAY)
    assert permit.status is status
    return permit


def change_with_valid_arguments(session, permit, new_status):
    on = dt.date(2024, 12, 15)
    if new_status is P.EXPIRED:
        on = permit.valid_to + dt.timedelta(days=1)
    return change_permit_status(session, permit, new_status, on, comment="причина",
                                new_valid_to=permit.valid_to + dt.timedelta(days=30),
                                today=TODAY)


ALLOWED = {
    (P.ISSUED, P.EXTENDED), (P.ISSUED, P.REVOKED), (P.ISSUED, P.EXPIRED),
    (P.EXTENDED, P.EXTENDED), (P.EXTENDED, P.REVOKED), (P.EXTENDED, P.EXPIRED),
}


def test_transition_table():
    assert {(a, b) for a, targets in PERMIT_TRANSITIONS.items() for b in targets} == ALLOWED
    assert set(PERMIT_TRANSITIONS) == set(P)


@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(P, P)))
def test_every_transition(database, from_status, to_status):
    with database.transaction() as session:
        permit = permit_in(session, from_status)
        if (from_status, to_status) in ALLOWED:
            change = change_with_valid_arguments(session, permit, to_status)
            assert (change.from_status, change.to_status) == (from_status, to_status)
            assert permit.status is to_status
            assert permit.person.status == to_status.value
            assert permit_history(session, permit)[-1] is change
        else:
            before = len(permit_history(session, permit))
            with pytest.raises(TransitionNotAllowed):
                change_with_valid_arguments(session, permit, to_status)
            assert permit.status is from_status
            assert len(permit_history(session, permit)) == before


def test_forbidden_transition_message_uses_the_status_labels(database):
    with database.transaction() as session:
        permit = permit_in(session, P.EXPIRED)
        with pytest.raises(TransitionNotAllowed) as raised:
            change_permit_status(session, permit, P.ISSUED, TODAY, today=TODAY)
        assert raised.value.message() == (
            "A work permit cannot change from “permit expired” to “issued”."
        )


def test_extension(database):
    with database.transaction() as session:
        permit = new_permit(session)
        change_permit_status(session, permit, P.EXTENDED, dt.date(2024, 12, 1),
                             new_valid_to=dt.date(2025, 12, 31), today=TODAY)
        assert (permit.status, permit.valid_to, permit.valid_from) == (
            P.EXTENDED, dt.date(2025, 12, 31), dt.date(2024, 1, 1))
        # A second extension adds at most another year.
        change_permit_status(session, permit, P.EXTENDED, dt.date(2025, 12, 1),
                             new_valid_to=dt.date(2026, 12, 31), today=TODAY)
        assert permit.valid_to == dt.date(2026, 12, 31)
        assert permit.quota_year == 2024
        assert [c.to_status for c in permit_history(session, permit)] == [
            P.ISSUED, P.EXTENDED, P.EXTENDED]


@pytest.mark.parametrize(("new_valid_to", "message"), [
    (None, "New last valid day: is required"),
    (VALID_TO, "New last valid day: must be after the current last valid day"),
    (dt.date(2024, 6, 30), "New last valid day: must be after the current last valid day"),
    (dt.date(2026, 1, 1),
     "New last valid day: this permit category allows at most one year at a time"),
])
def test_extension_needs_a_later_last_day_within_the_category_length(
        database, new_valid_to, message):
    with database.transaction() as session:
        permit = new_permit(session)
        with pytest.raises(ValidationFailed) as raised:
            change_permit_status(session, permit, P.EXTENDED, dt.date(2024, 12, 1),
                                 new_valid_to=new_valid_to, today=TODAY)
        assert messages(raised) == [message]
        assert (permit.status, permit.valid_to) == (P.ISSUED, VALID_TO)


def test_three_year_category_extends_by_up_to_three_years(database):
    with database.transaction() as session:
        permit = new_permit(session, category=C.INTRA_CORPORATE)
        with pytest.raises(ValidationFailed):
            change_permit_status(session, permit, P.EXTENDED, dt.date(2024, 12, 1),
                                 new_valid_to=dt.date(2028, 1, 1), today=TODAY)
        change_permit_status(session, permit, P.EXTENDED, dt.date(2024, 12, 1),
                             new_valid_to=dt.date(2027, 12, 31), today=TODAY)


def test_a_permit_that_has_run_out_cannot_be_extended(database):
    with database.transaction() as session:
        permit = new_permit(session)
        with pytest.raises(ValidationFailed) as raised:
            change_permit_status(session, permit, P.EXTENDED, dt.date(2025, 1, 1),
                                 new_valid_to=dt.date(2025, 6, 30), today=TODAY)
        assert messages(raised) == [
            "Date of the change: is after the last valid day: the permit has run out"]


@pytest.mark.parametrize("comment", [None, "", "   "])
def test_revoking_needs_a_comment(database, comment):
    with database.transaction() as session:
        permit = new_permit(session)
        with pytest.raises(ValidationFailed) as raised:
            change_permit_status(session, permit, P.REVOKED, dt.date(2024, 6, 1),
                                 comment=comment, today=TODAY)
        assert messages(raised) == ["Comment: the reason for revoking is required"]
        assert raised.value.fields() == {"comment"}
        assert permit.status is P.ISSUED


def test_expiry_only_after_the_last_valid_day(database):
    with database.transaction() as session:
        permit = new_permit(session)
        with pytest.raises(ValidationFailed) as raised:
            change_permit_status(session, permit, P.EXPIRED, VALID_TO, today=TODAY)
        assert messages(raised) == [
            "Date of the change: must be after the permit's last valid day"]
        change_permit_status(session, permit, P.EXPIRED, dt.date(2025, 1, 1), today=TODAY)
        assert permit.status is P.EXPIRED


def test_change_date_is_not_in_the_future(database):
    with database.transaction() as session:
        permit = new_permit(session)
        with pytest.raises(ValidationFailed) as raised:
            change_permit_status(session, permit, P.REVOKED, dt.date(2024, 6, 2),
                                 comment="нарушение", today=dt.date(2024, 6, 1))
        assert messages(raised) == ["Date of the change: is in the future"]
        change_permit_status(session, permit, P.REVOKED, dt.date(2024, 6, 1),
                             comment="нарушение", today=dt.date(2024, 6, 1))


def test_change_date_is_not_before_the_last_change(database):
    with database.transaction() as session:
        permit = new_permit(session)
        change_permit_status(session, permit, P.EXTENDED, dt.date(2024, 12, 1),
                             new_valid_to=dt.date(2025, 6, 30), today=TODAY)
        with pytest.raises(ValidationFailed) as raised:
            change_permit_status(session, permit, P.REVOKED, dt.date(2024, 11, 30),
                                 comment="нарушение", today=TODAY)
        assert messages(raised) == [
            "Date of the change: is before the permit's last status change"]
        # The same day as the last change is fine.
        change_permit_status(session, permit, P.REVOKED, dt.date(2024, 12, 1),
                             comment="нарушение", today=TODAY)


def test_history_records_user_and_comment(database):
    with database.transaction() as session:
        clerk = User(username="clerk", full_name="Clerk", role=UserRole.CLERK)
        chief = User(username="chief", full_name="Chief", role=UserRole.SUPERVISOR)
        session.add_all([clerk, chief])
        session.flush()
        permit = new_permit(session)
        change_permit_status(as_account(session, clerk), permit, P.EXTENDED, dt.date(2024, 12, 1),
                             comment="продление по заявлению работодателя",
                             new_valid_to=dt.date(2025, 6, 30), today=TODAY)
        change_permit_status(as_account(session, chief), permit, P.REVOKED, dt.date(2024, 12, 1),
                             comment="  нарушение миграционного законодательства  ", today=TODAY)
    with database.transaction() as session:
        history = permit_history(session, permit)
        assert [(c.from_status, c.to_status, c.changed_on, c.user_id, c.comment)
                for c in history] == [
            (None, P.ISSUED, ISSUED_ON, None, None),
            (P.ISSUED, P.EXTENDED, dt.date(2024, 12, 1), clerk.id,
             "продление по заявлению работодателя"),
            (P.EXTENDED, P.REVOKED, dt.date(2024, 12, 1), chief.id,
             "нарушение миграционного законодательства"),
        ]


def test_expire_permits(database):
    with database.transaction() as session:
        person = new_person(session)
        ended = new_permit(session, person=person, number="WP-1")
        extended = new_permit(session, number="WP-2")
        change_permit_status(session, extended, P.EXTENDED, dt.date(2024, 12, 1),
                             new_valid_to=dt.date(2025, 3, 31), today=TODAY)
        last_day_today = new_permit(session, number="WP-3", valid_from=dt.date(2025, 3, 1),
                                    valid_to=dt.date(2025, 4, 1))
        revoked = permit_in(session, P.REVOKED)
        assert expire_permits(session, dt.date(2025, 4, 1)) == 2
        assert (ended.status, extended.status) == (P.EXPIRED, P.EXPIRED)
        assert (last_day_today.status, revoked.status) == (P.ISSUED, P.REVOKED)
        assert person.status == "expired"
        last = permit_history(session, extended)[-1]
        assert (last.from_status, last.to_status, last.changed_on) == (
            P.EXTENDED, P.EXPIRED, dt.date(2025, 4, 1))
        assert expire_permits(session, dt.date(2025, 4, 1)) == 0
        assert expire_permits(session, dt.date(2025, 4, 2)) == 1
        assert last_day_today.status is P.EXPIRED


def test_person_status_follows_the_latest_permit(database):
    with database.transaction() as session:
        person = new_person(session)
        old = new_permit(session, person=person, number="WP-1",
                         valid_from=dt.date(2023, 1, 1), valid_to=dt.date(2023, 12, 31))
        assert person.status == "issued"
        current = new_permit(session, person=person, number="WP-2")
        change_permit_status(session, old, P.EXPIRED, dt.date(2024, 1, 1), today=TODAY)
        assert person.status == "issued"  # the 2024 permit is the latest
        change_permit_status(session, current, P.EXTENDED, dt.date(2024, 12, 1),
                             new_valid_to=dt.date(2025, 6, 30), today=TODAY)
        assert person.status == "extended"
        # Entering an older permit later does not change the person's status.
        new_permit(session, person=person, number="WP-0",
                   valid_from=dt.date(2022, 1, 1), valid_to=dt.date(2022, 12, 31))
        assert person.status == "extended"
        change_permit_status(session, current, P.REVOKED, dt.date(2024, 12, 2),
                             comment="нарушение", today=TODAY)
        assert (person.status, person.category) == ("revoked", PersonCategory.FOREIGN_WORKER)
    with database.transaction() as session:
        assert session.get(Person, person.id).status == "revoked"


# --- the windows' use cases: each in its own session or transaction ---


def test_load_permit_gives_the_permit_with_its_history(database):
    with database.transaction() as session:
        permit = new_permit(session)
        change_permit_status(session, permit, P.EXTENDED, dt.date(2024, 12, 1),
                             comment="продлено", new_valid_to=dt.date(2025, 12, 31), today=TODAY)
        permit_id, employer_id = permit.id, permit.employer_id
    record = load_permit(database, permit_id)
    assert (record.number, record.worker_name, record.citizenship) == (
        "WP-2024-0000001", "Wang Wei", "CN")
    assert (record.employer_id, record.employer_name, record.employer_bin) == (
        employer_id, "ТОО «Казстрой»", BIN)
    assert (record.category, record.profession, record.region_name) == (
        C.CATEGORY_4, "сварщик", "Almaty")
    assert (record.valid_from, record.valid_to, record.status) == (
        dt.date(2024, 1, 1), dt.date(2025, 12, 31), P.EXTENDED)
    assert record.history == (
        PermitChange(ISSUED_ON, None, P.ISSUED, None),
        PermitChange(dt.date(2024, 12, 1), P.ISSUED, P.EXTENDED, "продлено"))
    with pytest.raises(NotFound):
        load_permit(database, uuid.uuid4())


def test_set_permit_status_changes_a_stored_permit(database):
    with database.transaction() as session:
        permit_id = new_permit(session).id
    with pytest.raises(ValidationFailed):
        set_permit_status(database, permit_id, P.REVOKED, dt.date(2024, 6, 1), comment=" ")
    set_permit_status(database, permit_id, P.REVOKED, dt.date(2024, 6, 1), comment="нарушение")
    assert load_permit(database, permit_id).status is P.REVOKED
    with pytest.raises(NotFound):
        set_permit_status(database, uuid.uuid4(), P.REVOKED, dt.date(2024, 6, 1), comment="x")


def test_load_employer_gives_its_data_and_permits_newest_first(database):
    with database.transaction() as session:
        employer = new_employer(session)
        employer.phone = "+7 727 000 00 00"
        old = new_permit(session, employer=employer, number="WP-1",
                         valid_from=dt.date(2023, 1, 1), valid_to=dt.date(2023, 12, 31)).id
        new = new_permit(session, employer=employer, number="WP-2").id
        employer_id = employer.id
    record = load_employer(database, employer_id)
    assert (record.bin, record.name, record.region_name, record.phone, record.sector) == (
        BIN, "ТОО «Казстрой»", "Almaty", "+7 727 000 00 00", None)
    assert [p.id for p in record.permits] == [new, old]
    assert (record.permits[0].worker_name, record.permits[0].employer_bin) == ("Wang Wei", BIN)
    with pytest.raises(NotFound):
        load_employer(database, uuid.uuid4())


def test_issue_new_permit_for_a_chosen_or_a_new_employer(database):
    with database.transaction() as session:
        person_id, employer_id = new_person(session).id, new_employer(session).id
        data = permit_input(session)
        new = EmployerInput(bin=make_bin(dt.date(2020, 6, 1), 7), name="ТОО «Береке»",
                            region_id=region_id(session, "AST"))
    first = issue_new_permit(database, person_id, employer_id, data)
    second = issue_new_permit(database, person_id, new,
                              PermitInput(**{**vars(data), "number": "WP-2"}))
    with database.sessions() as session:
        assert session.get(WorkPermit, first).employer_id == employer_id
        assert session.get(WorkPermit, second).employer.name == "ТОО «Береке»"
        assert session.get(WorkPermit, second).person_id == person_id


def test_issue_new_permit_lists_both_forms_problems_and_saves_nothing(database):
    with database.transaction() as session:
        person_id = new_person(session).id
        good = permit_input(session)
    bad_employer = EmployerInput(bin=BIN[:11], name=" ")
    with pytest.raises(PermitNotIssued) as raised:
        issue_new_permit(database, None, bad_employer, PermitInput(number="", category=None))
    assert {e.field for e in raised.value.employer_errors} == {"bin", "name", "region_id"}
    assert {e.field for e in raised.value.permit_errors} == {
        "number", "category", "region_id", "valid_from", "valid_to"}
    # Without a worker, nothing is issued even when both forms are valid.
    with pytest.raises(PermitNotIssued) as raised:
        issue_new_permit(database, None, None, good)
    assert raised.value.errors == []
    # A valid new employer is rolled back with a permit that is not valid.
    new = EmployerInput(bin=BIN, name="ТОО «Казстрой»", region_id=good.region_id)
    with pytest.raises(PermitNotIssued) as raised:
        issue_new_permit(database, person_id, new, PermitInput(**{**vars(good), "number": ""}))
    assert [e.field for e in raised.value.permit_errors] == ["number"]
    assert raised.value.employer_errors == []
    with database.sessions() as session:
        assert session.scalars(select(Employer)).all() == []
        assert session.scalars(select(WorkPermit)).all() == []


def test_issue_new_permit_for_a_worker_or_employer_that_no_longer_exists(database):
    with database.transaction() as session:
        person_id, employer_id = new_person(session).id, new_employer(session).id
        data = permit_input(session)
    with pytest.raises(NotFound):
        issue_new_permit(database, uuid.uuid4(), employer_id, data)
    with pytest.raises(NotFound):
        issue_new_permit(database, person_id, uuid.uuid4(), data)


def test_load_worker(database):
    with database.transaction() as session:
        person_id = new_person(session, citizenship="TR").id
    worker = load_worker(database, person_id)
    assert (worker.id, worker.full_name, worker.citizenship) == (person_id, "Wang Wei", "TR")
    with pytest.raises(NotFound):
        load_worker(database, uuid.uuid4())
