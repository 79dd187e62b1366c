import datetime as dt
import uuid

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from kzmigdesk.domain.enums import (
    DocumentType,
    HouseholdRelation,
    PermitCategory,
    PermitStatus,
    RepatriateStatus,
    Sex,
    UserRole,
)
from kzmigdesk.domain.identifiers import make_bin, make_iin
from kzmigdesk.domain.models import (
    AdaptationCentre,
    CaseStatusChange,
    Employer,
    Household,
    HouseholdMember,
    IdentityDocument,
    KandasQuota,
    LabourQuota,
    Person,
    Region,
    RepatriateCase,
    ServiceRecord,
    ServiceType,
    User,
    WorkPermit,
)


def region(session, code):
    return session.scalars(select(Region).where(Region.code == code)).one()


def new_person(**overrides):
    values = dict(surname="Әбенов", given_name="Нұрлан", patronymic="Серікұлы",
                  surname_latin="ABENOV", given_name_latin="NURLAN", sex=Sex.MALE,
                  birth_date=dt.date(1985, 4, 12), citizenship="UZ")
    values.update(overrides)
    return Person(**values)


def test_person_has_uuid_timestamps_and_version(database):
    with database.transaction() as session:
        person = new_person(iin=make_iin(dt.date(1985, 4, 12), "M", 1))
        session.add(person)
    assert isinstance(person.id, uuid.UUID)
    assert person.version == 1
    assert person.created_at is not None and person.updated_at is not None
    created = person.updated_at
    with database.transaction() as session:
        stored = session.get(Person, person.id)
        stored.phone = "+7 701 000 00 00"
    assert stored.version == 2
    assert stored.updated_at >= created
    assert stored.full_name == "Әбенов Нұрлан Серікұлы"


def test_stale_edit_is_refused(database):
    with database.transaction() as session:
        person = new_person()
        session.add(person)
    first, second = database.sessions(), database.sessions()
    mine, theirs = first.get(Person, person.id), second.get(Person, person.id)
    mine.phone = "1"
    first.commit()
    theirs.phone = "2"
    with pytest.raises(StaleDataError):
        second.commit()
    second.rollback()
    assert database.sessions().get(Person, person.id).phone == "1"
    first.close()
    second.close()


def test_soft_deleted_rows_are_hidden_unless_asked(database):
    with database.transaction() as session:
        kept, deleted = new_person(given_name="Айгерім", sex=Sex.FEMALE), new_person()
        session.add_all([kept, deleted])
    with database.transaction() as session:
        session.get(Person, deleted.id).deleted_at = dt.datetime.now(dt.UTC)
    with database.sessions() as session:
        assert session.scalars(select(Person)).all() == [session.get(Person, kept.id)]
        everyone = session.scalars(select(Person).execution_options(include_deleted=True)).all()
        assert len(everyone) == 2


def test_iin_unique_when_present_and_optional(database):
    iin = make_iin(dt.date(1985, 4, 12), "M", 5)
    with database.transaction() as session:
        session.add_all([new_person(iin=iin), new_person(), new_person()])
    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(new_person(iin=iin))


def test_foreign_keys_are_enforced(database):
    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(IdentityDocument(person_id=uuid.uuid4(), doc_type=DocumentType.KZ_ID_CARD,
                                     number="0123456"))


def test_enums_are_stored_as_their_values(database):
    with database.transaction() as session:
        session.add(new_person(sex=Sex.FEMALE, given_name="Дильноза"))
    with database.engine.connect() as connection:
        assert connection.scalar(text("select sex from persons")) == "F"


def test_whole_mission_graph(database):
    today = dt.date(2026, 11, 2)
    with database.transaction() as session:
        almaty, turkistan = region(session, "ALA"), region(session, "YUZ")
        head = new_person(iin=make_iin(dt.date(1985, 4, 12), "M", 9), region=turkistan)
        wife = new_person(given_name="Гүлнар", sex=Sex.FEMALE, birth_date=dt.date(1988, 1, 3))
        head.documents.append(IdentityDocument(doc_type=DocumentType.FOREIGN_PASSPORT,
                                               number="FA1234567", issuing_country="UZ",
                                               expiry_date=dt.date(2030, 1, 1)))
        household = Household(head=head, region_id=turkistan.id)
        household.members = [
            HouseholdMember(person=head, relation=HouseholdRelation.HEAD),
            HouseholdMember(person=wife, relation=HouseholdRelation.SPOUSE),
        ]
        case = RepatriateCase(case_number="KC-2026-000001", person=head, household=household,
                              country_of_origin="UZ", application_date=today,
                              status=RepatriateStatus.GRANTED, certificate_number="K0001",
                              certificate_issue_date=today,
                              certificate_expiry_date=dt.date(2027, 11, 2),
                              resettlement_region=turkistan, quota_year=2026)
        case.status_changes = [
            CaseStatusChange(to_status=RepatriateStatus.APPLIED, changed_on=today),
            CaseStatusChange(from_status=RepatriateStatus.APPLIED,
                             to_status=RepatriateStatus.GRANTED, changed_on=today),
        ]
        employer = Employer(bin=make_bin(dt.date(2010, 5, 1), 1), name="ТОО «Алатау Құрылыс»",
                            region=almaty)
        worker = new_person(surname="Wang", given_name="Lei", citizenship="CN")
        permit = WorkPermit(number="WP-0001", employer=employer, person=worker,
                            category=PermitCategory.CATEGORY_3, region=almaty,
                            valid_from=today, valid_to=dt.date(2027, 11, 1),
                            status=PermitStatus.ISSUED, quota_year=2026)
        centre = AdaptationCentre(name="Түркістан бейімдеу орталығы", region=turkistan, beds=40)
        course_query = select(ServiceType).where(ServiceType.code == "kazakh_course")
        course = session.scalars(course_query).one()
        service = ServiceRecord(person=head, centre=centre, service_type=course, start_date=today,
                                hours_attended=24, completed=False)
        quotas = [LabourQuota(year=2026, region=almaty, category=PermitCategory.CATEGORY_3,
                              amount=500),
                  KandasQuota(year=2026, region=turkistan, amount=1200)]
        user = User(username="clerk1", full_name="Clerk One", role=UserRole.CLERK)
        session.add_all([case, permit, service, user, *quotas])
    with database.sessions() as session:
        stored = session.get(RepatriateCase, case.id)
        relations = {m.relation for m in stored.household.members}
        assert relations == {HouseholdRelation.HEAD, HouseholdRelation.SPOUSE}
        assert [c.to_status for c in stored.status_changes][-1] == stored.status
        assert stored.person.documents[0].number == "FA1234567"
        assert session.get(Employer, employer.id).permits[0].person.surname == "Wang"
        assert session.get(ServiceRecord, service.id).service_type.is_course


def test_labour_quota_unique_per_year_region_category(database):
    with database.transaction() as session:
        almaty = region(session, "ALA")
        session.add(LabourQuota(year=2026, region=almaty, category=PermitCategory.CATEGORY_4,
                                amount=10))
    with pytest.raises(IntegrityError), database.transaction() as session:
        session.add(LabourQuota(year=2026, region_id=almaty.id,
                                category=PermitCategory.CATEGORY_4, amount=20))


def test_region_names_follow_the_language(database):
    from kzmigdesk import i18n

    with database.sessions() as session:
        abai = region(session, "ABA")
        assert abai.name == "Abai Region"
        i18n.set_language("kk")
        assert abai.name == "Абай облысы"
        i18n.set_language("ru")
        assert abai.name == "Абайская область"
