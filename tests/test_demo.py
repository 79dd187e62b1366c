import datetime as dt
from collections import Counter, defaultdict

import pytest
from sqlalchemy import func, select

from kzmigdesk.demo import (
    EAEU,
    DemoCancelled,
    DemoSummary,
    database_is_empty,
    generate_demo_data,
)
from kzmigdesk.domain.enums import (
    HouseholdRelation,
    PermitCategory,
    PermitStatus,
    RepatriateStatus,
    Sex,
    UserRole,
)
from kzmigdesk.domain.identifiers import is_valid_bin, parse_iin
from kzmigdesk.domain.models import (
    AdaptationCentre,
    CaseStatusChange,
    Employer,
    Household,
    HouseholdMember,
    KandasQuota,
    LabourQuota,
    Office,
    PermitStatusChange,
    Person,
    Region,
    RepatriateCase,
    ServiceRecord,
    ServiceType,
    User,
    WorkPermit,
)
from kzmigdesk.domain.translit import to_latin
from kzmigdesk.services.quotas import QuotaKind, quota_usage
from kzmigdesk.services.workspace import open_database

TODAY = dt.date(2026, 6, 15)
PERSONS = 400
S = RepatriateStatus
P = PermitStatus
CASE_TRANSITIONS = {
    (None, S.APPLIED), (S.APPLIED, S.GRANTED), (S.GRANTED, S.CITIZENSHIP_REQUESTED),
    (S.CITIZENSHIP_REQUESTED, S.CITIZEN), (S.APPLIED, S.REFUSED), (S.APPLIED, S.WITHDRAWN),
    (S.GRANTED, S.EXPIRED),
}
PERMIT_TRANSITIONS = {
    (None, P.ISSUED), (P.ISSUED, P.EXTENDED), (P.ISSUED, P.EXPIRED), (P.EXTENDED, P.EXPIRED),
    (P.ISSUED, P.REVOKED), (P.EXTENDED, P.REVOKED),
}
WITH_CERTIFICATE = {S.GRANTED, S.CITIZENSHIP_REQUESTED, S.CITIZEN, S.EXPIRED}


def add_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@pytest.fixture
def demo(database):
    summary = generate_demo_data(database, persons=PERSONS, seed=7, today=TODAY)
    return database, summary


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_counts_match_the_summary(demo):
    database, summary = demo
    assert isinstance(summary, DemoSummary)
    assert summary.persons == PERSONS
    with database.sessions() as session:
        assert count(session, Person) == summary.persons
        assert count(session, RepatriateCase) == summary.repatriate_cases
        assert count(session, Household) == summary.households
        assert count(session, Employer) == summary.employers
        assert count(session, WorkPermit) == summary.permits
        assert count(session, ServiceRecord) == summary.service_records
        assert count(session, AdaptationCentre) == summary.centres
        assert count(session, Office) == summary.offices
        assert count(session, User) == summary.users
        assert summary.repatriate_cases == summary.households > 0
        assert min(summary.employers, summary.permits, summary.service_records) > 0
        assert summary.centres >= 5
        assert count(session, CaseStatusChange) >= summary.repatriate_cases
        assert count(session, PermitStatusChange) >= summary.permits


def test_shares_of_kandas_workers_and_others(demo):
    database, _summary = demo
    with database.sessions() as session:
        kandas = count(session, HouseholdMember)
        workers_with_permits = session.scalar(
            select(func.count(func.distinct(WorkPermit.person_id))))
        citizens = Counter(session.scalars(select(Person.citizenship)))
    assert kandas == round(PERSONS * 0.45)
    assert 0.15 * PERSONS < workers_with_permits < 0.35 * PERSONS
    assert {"KZ", "UZ", "CN", "RU", "KG", "TR"} <= set(citizens)


def test_iins_are_valid_unique_and_match_birth_date_and_sex(demo):
    database, _summary = demo
    with database.sessions() as session:
        persons = session.execute(select(Person.iin, Person.birth_date, Person.sex)).all()
    iins = [iin for iin, _birth, _sex in persons if iin]
    assert len(iins) == len(set(iins))
    assert 0.7 < len(iins) / len(persons) < 0.9
    for iin, birth_date, sex in persons:
        if iin:
            info = parse_iin(iin)
            assert info.birth_date == birth_date
            assert info.sex == sex.value


def test_bins_are_valid_and_unique(demo):
    database, _summary = demo
    with database.sessions() as session:
        employers = session.execute(select(Employer.bin, Employer.name)).all()
    assert len({b for b, _name in employers}) == len(employers)
    for number, name in employers:
        assert is_valid_bin(number), number
        assert "«" in name and name.endswith("»")


def test_eaeu_citizens_have_no_permits(demo):
    database, _summary = demo
    with database.sessions() as session:
        holders = set(session.scalars(
            select(Person.citizenship).join(WorkPermit, WorkPermit.person_id == Person.id)))
        eaeu_persons = session.scalar(select(func.count()).where(Person.citizenship.in_(EAEU)))
    assert holders and not holders & EAEU
    assert eaeu_persons > 0


def test_every_status_and_category_appears(demo):
    database, _summary = demo
    with database.sessions() as session:
        assert set(session.scalars(select(RepatriateCase.status))) == set(RepatriateStatus)
        assert set(session.scalars(select(WorkPermit.status))) == set(PermitStatus)
        assert set(session.scalars(select(WorkPermit.category))) == set(PermitCategory)
        assert set(session.scalars(select(User.role))) == set(UserRole)
        relations = set(session.scalars(select(HouseholdMember.relation)))
    assert {HouseholdRelation.HEAD, HouseholdRelation.SPOUSE, HouseholdRelation.CHILD} <= relations


def test_case_histories_end_at_the_current_status(demo):
    database, _summary = demo
    with database.sessions() as session:
        cases = {c.id: c for c in session.scalars(select(RepatriateCase))}
        history = defaultdict(list)
        for change in session.scalars(select(CaseStatusChange)):
            history[change.case_id].append(change)
    assert set(history) == set(cases)
    for case_id, changes in history.items():
        case = cases[case_id]
        changes.sort(key=lambda c: c.changed_on)
        assert changes[0].from_status is None and changes[0].to_status is S.APPLIED
        assert changes[0].changed_on == case.application_date
        for previous, change in zip(changes, changes[1:], strict=False):
            assert change.from_status == previous.to_status
            assert change.changed_on > previous.changed_on
        for change in changes:
            assert (change.from_status, change.to_status) in CASE_TRANSITIONS
            assert change.changed_on <= TODAY
        assert changes[-1].to_status == case.status


def test_permit_histories_end_at_the_current_status(demo):
    database, _summary = demo
    with database.sessions() as session:
        permits = {p.id: p for p in session.scalars(select(WorkPermit))}
        history = defaultdict(list)
        for change in session.scalars(select(PermitStatusChange)):
            history[change.permit_id].append(change)
    assert set(history) == set(permits)
    for permit_id, changes in history.items():
        permit = permits[permit_id]
        changes.sort(key=lambda c: c.changed_on)
        assert changes[0].from_status is None and changes[0].to_status is P.ISSUED
        for previous, change in zip(changes, changes[1:], strict=False):
            assert change.from_status == previous.to_status
            assert change.changed_on > previous.changed_on
        for change in changes:
            assert (change.from_status, change.to_status) in PERMIT_TRANSITIONS
            assert change.changed_on <= TODAY
        assert changes[-1].to_status == permit.status
        assert permit.valid_from <= permit.valid_to
        assert permit.quota_year == permit.valid_from.year
        if permit.status in (P.ISSUED, P.EXTENDED):
            assert permit.valid_from <= TODAY <= permit.valid_to
        if permit.status is P.EXPIRED:
            assert permit.valid_to < TODAY


def test_certificates(demo):
    database, _summary = demo
    with database.sessions() as session:
        cases = list(session.scalars(select(RepatriateCase)))
    expiring_soon = 0
    for case in cases:
        if case.status in WITH_CERTIFICATE:
            assert case.certificate_number
            assert case.certificate_expiry_date == add_year(case.certificate_issue_date)
            assert case.application_date <= case.certificate_issue_date <= TODAY
        else:
            assert case.certificate_number is None
            assert case.certificate_issue_date is None is case.certificate_expiry_date
        if case.status is S.GRANTED:
            assert case.certificate_expiry_date >= TODAY
            if case.certificate_expiry_date <= TODAY + dt.timedelta(days=30):
                expiring_soon += 1
        if case.status is S.EXPIRED:
            assert case.certificate_expiry_date <= TODAY
        assert case.case_number.startswith(f"KC-{case.application_date.year}-")
        assert case.application_date <= TODAY
    assert expiring_soon > 0
    assert len({c.case_number for c in cases}) == len(cases)


def test_households(demo):
    database, _summary = demo
    with database.sessions() as session:
        households = {h.id: h for h in session.scalars(select(Household))}
        cases = list(session.scalars(select(RepatriateCase)))
        persons = {p.id: p for p in session.scalars(select(Person))}
        members = defaultdict(list)
        for member in session.scalars(select(HouseholdMember)):
            members[member.household_id].append(member)
    for case in cases:
        household = households[case.household_id]
        assert household.head_id == case.person_id
        heads = [m for m in members[household.id] if m.relation is HouseholdRelation.HEAD]
        assert [m.person_id for m in heads] == [case.person_id]
        head = persons[case.person_id]
        for member in members[household.id]:
            person = persons[member.person_id]
            assert person.region_id == household.region_id
            if member.relation is HouseholdRelation.SPOUSE:
                assert person.sex != head.sex
            if member.relation is HouseholdRelation.CHILD:
                assert person.birth_date > head.birth_date
            expected = "KZ" if case.status is S.CITIZEN else case.country_of_origin
            assert person.citizenship == expected


def test_names_are_consistent_with_sex_and_script(demo):
    database, _summary = demo
    with database.sessions() as session:
        persons = list(session.scalars(select(Person)))
    male_endings = ("ұлы", "ович", "евич", "ич", "уулу", "ўғли")
    female_endings = ("қызы", "овна", "евна", "ична", "кызы", "қизи")
    with_patronymic = 0
    for person in persons:
        assert person.surname and person.given_name
        assert person.surname_latin and person.given_name_latin
        if person.patronymic:
            with_patronymic += 1
            endings = male_endings if person.sex is Sex.MALE else female_endings
            assert person.patronymic.endswith(endings), person.patronymic
        if person.citizenship == "RU":  # Russian and Kazakh names in passport transliteration
            assert person.surname_latin == to_latin(person.surname)
            assert person.given_name_latin == to_latin(person.given_name)
    assert with_patronymic > len(persons) / 3
    surnames = {p.surname for p in persons}
    latin = {p.surname_latin for p in persons} | {p.given_name_latin for p in persons}
    assert any(set(s) & set("ӘҒҚҢӨҰҮІәғқңөұүі") for s in surnames)  # Kazakh letters
    assert any("ʻ" in name or name.startswith(("Q", "X")) for name in latin)  # Uzbek Latin
    assert latin & {"Nuerlan", "Abudula", "Ayijiang", "Gulinaer", "Yeerlan", "Ahemaiti",
                    "Hasimu", "Gulimila", "Sailike", "Malati", "Dawulieti", "Ayinuer"}


def test_places_services_and_references(demo):
    database, _summary = demo
    with database.sessions() as session:
        region_ids = set(session.scalars(select(Region.id)))
        for person in session.scalars(select(Person)):
            assert person.region_id in region_ids
            assert person.district and person.locality and person.address
            assert person.office_id is not None
            assert person.birth_date <= TODAY
        kandas = set(session.scalars(select(HouseholdMember.person_id)))
        births = dict(session.execute(select(Person.id, Person.birth_date)).all())
        types = {t.id: t for t in session.scalars(select(ServiceType))}
        records = list(session.scalars(select(ServiceRecord)))
        codes = set()
        for record in records:
            service_type = types[record.service_type_id]
            codes.add(service_type.code)
            assert record.person_id in kandas
            assert births[record.person_id] <= record.start_date <= TODAY
            if record.end_date is not None:
                assert record.start_date <= record.end_date
            if service_type.is_course:
                assert record.hours_attended is not None
                if record.completed is not None:
                    assert record.end_date is not None
            if service_type.is_accommodation and record.end_date is not None:
                assert record.end_date <= TODAY
        assert {"accommodation", "kazakh_course", "legal", "employment", "school"} <= codes
        assert len({record.person_id for record in records}) > len(kandas) / 2
        assert all(c.beds > 0 for c in session.scalars(select(AdaptationCentre)))
        offices = list(session.scalars(select(Office)))
        assert len({o.code for o in offices}) == len(offices)
        users = list(session.scalars(select(User)))
        assert all(u.password_hash.startswith("$argon2id$") for u in users)
        assert len({u.username for u in users}) == len(users)


def test_quotas_are_not_overrun(demo):
    database, _summary = demo
    with database.sessions() as session:
        labour = quota_usage(session, QuotaKind.LABOUR, TODAY.year, today=TODAY)
        kandas = [row for year in range(TODAY.year - 4, TODAY.year + 1)
                  for row in quota_usage(session, QuotaKind.KANDAS, year, today=TODAY)]
        regions = count(session, Region)
    # A quota for all sectors per region and category, and some sectors' own (issue 24).
    everyone = [row for row in labour if row.sector_id is None]
    assert len(everyone) == regions * len(PermitCategory)
    assert {row.sector_code for row in labour} - {None} <= {"A", "B", "F"}
    assert sum(row.used for row in labour) > 0
    assert sum(row.used for row in kandas) > 0
    for row in labour + kandas:
        assert row.amount is not None and row.used <= row.amount, row


def test_same_seed_gives_the_same_data(database, tmp_path):
    other = open_database(str(tmp_path / "other.sqlite3"), create=True)
    third = open_database(str(tmp_path / "third.sqlite3"), create=True)
    try:
        columns = (Person.surname, Person.given_name, Person.patronymic, Person.surname_latin,
                   Person.given_name_latin, Person.birth_date, Person.iin, Person.citizenship)

        def names(db):
            with db.sessions() as session:
                return sorted(session.execute(select(*columns)).all(), key=repr)

        first = generate_demo_data(database, persons=150, seed=42, today=TODAY)
        second = generate_demo_data(other, persons=150, seed=42, today=TODAY)
        generate_demo_data(third, persons=150, seed=43, today=TODAY)
        assert first == second
        assert names(database) == names(other)
        assert names(database) != names(third)
    finally:
        other.close()
        third.close()


def test_cancel_leaves_the_database_unchanged(database):
    calls = []

    def progress(done, total):
        calls.append((done, total))

    with pytest.raises(DemoCancelled):
        generate_demo_data(database, persons=12_000, today=TODAY, progress=progress,
                           cancelled=lambda: len(calls) >= 2)
    assert len(calls) == 2 and calls[0] == (0, 12_000)
    assert 5000 <= calls[1][0] < 5010  # a household may cross the batch boundary
    with database.sessions() as session:
        assert database_is_empty(session)
        for model in (Person, Office, User, Employer, AdaptationCentre, LabourQuota,
                      KandasQuota, RepatriateCase):
            assert count(session, model) == 0
        assert count(session, Region) == 20  # the reference data stay


def test_cancel_before_anything_is_written(database):
    with pytest.raises(DemoCancelled):
        generate_demo_data(database, persons=10, cancelled=lambda: True)
    with database.sessions() as session:
        assert database_is_empty(session)
        assert count(session, User) == 0


def test_progress_and_small_runs(database):
    calls = []
    summary = generate_demo_data(database, persons=10, today=TODAY,
                                 progress=lambda done, total: calls.append((done, total)))
    assert summary.persons == 10
    assert calls[0] == (0, 10) and calls[-1] == (10, 10)


def test_database_is_empty(database):
    with database.sessions() as session:
        assert database_is_empty(session)
    generate_demo_data(database, persons=20, today=TODAY)
    with database.sessions() as session:
        assert not database_is_empty(session)
    with pytest.raises(ValueError):
        generate_demo_data(database, persons=20, today=TODAY)


def test_existing_offices_and_users_are_kept(database):
    with database.transaction() as session:
        region_id = session.scalar(select(Region.id).where(Region.code == "ALA"))
        office = Office(code="ALA-00", name="Existing", kind="regional", region_id=region_id)
        session.add(office)
        session.flush()
        session.add(User(username="admin", full_name="Existing Admin",
                         role=UserRole.ADMINISTRATOR, office_id=office.id))
    with database.sessions() as session:
        assert database_is_empty(session)
    summary = generate_demo_data(database, persons=30, today=TODAY)
    with database.sessions() as session:
        assert count(session, Office) == summary.offices + 1
        assert count(session, User) == summary.users + 1


def test_categories_statuses_documents_and_name_tokens(database):
    from sqlalchemy import func, select

    from kzmigdesk.domain.enums import PersonCategory
    from kzmigdesk.domain.models import IdentityDocument, PersonNameToken, WorkPermit

    generate_demo_data(database, persons=300, today=TODAY)
    with database.sessions() as session:
        persons = session.scalars(select(Person)).all()
        case_status = {c.person_id: c.status for c in session.scalars(select(RepatriateCase))}
        permit_holders = set(session.scalars(select(WorkPermit.person_id)))
        for person in persons:
            if person.id in case_status:
                assert person.category is PersonCategory.KANDAS
                assert person.status == case_status[person.id].value
            if person.id in permit_holders:
                assert person.category is PersonCategory.FOREIGN_WORKER
                assert person.status is not None
        assert {p.category for p in persons} == set(PersonCategory)
        documents = session.scalar(select(func.count(func.distinct(IdentityDocument.person_id))))
        assert documents == len(persons)
        with_tokens = session.scalar(select(func.count(func.distinct(PersonNameToken.person_no))))
        assert with_tokens == len(persons)


def test_tables_are_read_from_the_package_data():
    from importlib import resources

    from kzmigdesk.demo import names

    data = resources.files("kzmigdesk.demo").joinpath("data")
    assert sorted(path.name for path in data.iterdir() if path.name.endswith(".json")) == [
        "names.json", "places.json", "texts.json"]
    assert names.KZ_MALE[0] == "Нұрлан" and isinstance(names.KZ_MALE, tuple)
    assert names.CNKZ_FATHERS[:len(names.CNKZ_MALE)] == names.CNKZ_MALE
    assert set(names.PROFESSIONS) == set(PermitCategory)
    assert names.FOREIGN_CULTURES["UZ"][3] == "a"


def test_support_applications(database):
    """Kandas support (issue 24): families resettled to a quota region apply, in realistic
    shares, with amounts from the database's norms; most are paid, some wait or are refused."""
    import datetime as dt

    from kzmigdesk.demo import generate_demo_data
    from kzmigdesk.domain.enums import SupportStatus
    from kzmigdesk.domain.models import SupportApplication
    from kzmigdesk.services import support

    generate_demo_data(database, persons=400, seed=7, today=dt.date(2026, 11, 20))
    with database.sessions() as session:
        applications = session.scalars(select(SupportApplication)).all()
        assert len(applications) >= 10
        statuses = {a.status for a in applications}
        assert {SupportStatus.PAID, SupportStatus.APPLIED} <= statuses
        paid = sum(a.status is SupportStatus.PAID for a in applications)
        assert paid / len(applications) > 0.4
        for a in applications[:20]:
            again = support.compute(session, a.measure_id, a.applied_on, 1 + a.members)
            assert again.amount == a.amount
            assert support.ineligible_reasons(session, a.case, a.measure, a.applied_on,
                                              ignore=a.id) == []


def test_employers_have_sectors_of_the_classifier(demo):
    """Most employers have a sector of the classifier (issue 24), a few kept only their old
    free text; their permits carry the sector; some quotas are for one sector."""
    from kzmigdesk.domain.models import EconomicSector, Employer, LabourQuota, WorkPermit
    from kzmigdesk.services.sectors import unmapped_employers

    database, _summary = demo
    with database.sessions() as session:
        employers = list(session.scalars(select(Employer)))
        mapped = [e for e in employers if e.sector_id is not None]
        assert len(mapped) >= 0.8 * len(employers)
        assert {e.id for e in employers} - {e.id for e in mapped} == {
            row.id for row in unmapped_employers(session)}
        assert all(e.sector for e in employers)  # the old text is kept
        codes = {session.get(EconomicSector, e.sector_id).code for e in mapped}
        assert "F" in codes and len(codes) >= 3
        for permit in session.scalars(select(WorkPermit)):
            assert permit.sector_id == permit.employer.sector_id
        assert session.scalar(select(func.count()).select_from(LabourQuota)
                              .where(LabourQuota.sector_id.is_not(None))) >= 1
