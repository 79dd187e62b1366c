import datetime as dt

import pytest
from acting import as_user
from sqlalchemy import select

from kzmigdesk.domain.enums import Sex, UserRole
from kzmigdesk.domain.models import Person, Region, ServiceRecord, ServiceType, utcnow
from kzmigdesk.services.adaptation import (
    CentreFull,
    CentreInput,
    CentreRecord,
    OverlappingStay,
    ServiceInput,
    ServiceTypeInput,
    centre_choices,
    centres_with_occupancy,
    check_out,
    end_stay,
    length_of_stay,
    load_service,
    occupancy,
    record_service,
    save_centre,
    save_service_type,
    service_catalogue,
    service_types,
    store_centre,
    store_service,
    store_service_type,
)
from kzmigdesk.services.auth import Actor, PermissionDenied
from kzmigdesk.services.errors import NotFound, ServiceError, ValidationFailed

TODAY = dt.date(2026, 3, 10)
SUPERVISOR = Actor("serik", UserRole.SUPERVISOR)


def region_id(session, code="ALA"):
    return session.scalars(select(Region).where(Region.code == code)).one().id


def type_id(session, code):
    return session.scalars(select(ServiceType).where(ServiceType.code == code)).one().id


def new_person(session, surname="Омаров", given_name="Ерлан"):
    person = Person(surname=surname, given_name=given_name, sex=Sex.MALE,
                    birth_date=dt.date(1985, 4, 12))
    session.add(person)
    session.flush()
    return person


def new_centre(session, beds=2, name="ЦАИ Алматы"):
    return save_centre(session, CentreInput(name=name, region_id=region_id(session), beds=beds))


def stay(session, person, centre, start, end=None, **kwargs):
    data = ServiceInput(person_id=person.id, centre_id=centre.id,
                        service_type_id=type_id(session, "accommodation"),
                        start_date=start, end_date=end, **kwargs)
    return record_service(session, data, today=TODAY)


# --- centres --------------------------------------------------------------------------------


def test_centre_requires_name_and_region_and_sane_beds(database):
    with database.transaction() as session:
        with pytest.raises(ValidationFailed) as failure:
            save_centre(session, CentreInput(name="  ", beds=-1))
        assert failure.value.fields() == {"name", "region_id", "beds"}
        assert failure.value.message() == (
            "Centre name: is required\nRegion: is required\nBeds: is negative"
        )
        with pytest.raises(ValidationFailed) as failure:
            save_centre(session, CentreInput(name="A", region_id=region_id(session), beds=2.5))
        assert failure.value.message() == "Beds: is not a whole number"


def test_centre_is_saved_and_cleaned(database):
    with database.transaction() as session:
        centre = save_centre(session, CentreInput(
            name="  ЦАИ   Алматы ", region_id=region_id(session), address="",
            phone=" 8 727  123 45 67 ", beds=40,
        ))
        assert (centre.name, centre.address, centre.phone, centre.beds) == (
            "ЦАИ Алматы", None, "8 727 123 45 67", 40)
        assert centre.region.code == "ALA"


def test_beds_cannot_drop_below_todays_occupancy(database):
    with database.transaction() as session:
        centre = new_centre(session, beds=3)
        stay(session, new_person(session, "A"), centre, TODAY - dt.timedelta(days=5))
        stay(session, new_person(session, "B"), centre, TODAY - dt.timedelta(days=1))
        data = CentreInput(name=centre.name, region_id=centre.region_id, beds=1)
        with pytest.raises(ValidationFailed) as failure:
            save_centre(session, data, centre, today=TODAY)
        assert failure.value.message() == "Beds: is fewer than the 2 people staying today"
        data.beds = 2
        assert save_centre(session, data, centre, today=TODAY).beds == 2


# --- catalogue ------------------------------------------------------------------------------


def test_seeded_catalogue_and_active_filter(database):
    with database.transaction() as session:
        codes = {t.code for t in service_types(session)}
        assert {"accommodation", "kazakh_course", "legal"} <= codes
        legal = session.get(ServiceType, type_id(session, "legal"))
        save_service_type(as_user(session, SUPERVISOR), ServiceTypeInput(
            code="legal", names=legal.names, active=False,
        ), legal)
        assert "legal" not in {t.code for t in service_types(session)}
        assert "legal" in {t.code for t in service_types(session, active_only=False)}


def test_service_type_validation_and_unique_code(database):
    with database.transaction() as session:
        with pytest.raises(ValidationFailed) as failure:
            save_service_type(as_user(session, SUPERVISOR),
                              ServiceTypeInput(code="Bad code", names={"en": "X"}))
        assert failure.value.fields() == {"code", "names.kk", "names.ru"}
        assert failure.value.message() == (
            "Code: may contain only lowercase Latin letters, digits and underscores, at most 32"
            "\nName in Kazakh: is required\nName in Russian: is required"
        )
        with pytest.raises(ValidationFailed) as failure:
            save_service_type(as_user(session, SUPERVISOR), ServiceTypeInput(
                code="legal", names={"en": "Law", "ru": "Право", "kk": "Құқық"}))
        assert failure.value.message() == "Code: is already used by another service"
        created = save_service_type(as_user(session, SUPERVISOR), ServiceTypeInput(
            code="digital_literacy_2", names={"en": "Digital literacy",
            "ru": "Цифровая грамотность", "kk": "Цифрлық сауаттылық"}, is_course=True))
        assert created.is_course and created.active and not created.is_accommodation
        # Saving a type under its own code is not a clash.
        save_service_type(as_user(session, SUPERVISOR), ServiceTypeInput(
            code="digital_literacy_2", names={"en": "Computer skills",
            "ru": "Цифровая грамотность", "kk": "Цифрлық сауаттылық"}), created)
        assert created.names["en"] == "Computer skills"


# --- records --------------------------------------------------------------------------------


def test_record_requires_fields(database):
    with database.transaction() as session:
        with pytest.raises(ValidationFailed) as failure:
            record_service(session, ServiceInput(), today=TODAY)
        assert failure.value.message() == (
            "Person: is required\nCentre: is required\nService: is required\n"
            "Start date: is required"
        )


def test_record_dates(database):
    with database.transaction() as session:
        person, centre = new_person(session), new_centre(session)
        data = ServiceInput(person_id=person.id, centre_id=centre.id,
                            service_type_id=type_id(session, "legal"),
                            start_date=TODAY + dt.timedelta(days=1),
                            end_date=TODAY - dt.timedelta(days=1))
        with pytest.raises(ValidationFailed) as failure:
            record_service(session, data, today=TODAY)
        assert failure.value.message() == (
            "Start date: is in the future\nEnd date: is before the start date"
        )
        data.start_date = TODAY - dt.timedelta(days=1)
        record = record_service(session, data, today=TODAY)
        assert record.service_type.code == "legal" and record.end_date == data.end_date


def test_course_hours_and_completion(database):
    with database.transaction() as session:
        person, centre = new_person(session), new_centre(session)
        data = ServiceInput(person_id=person.id, centre_id=centre.id,
                            service_type_id=type_id(session, "legal"), start_date=TODAY,
                            hours_attended=4, completed=True)
        with pytest.raises(ValidationFailed) as failure:
            record_service(session, data, today=TODAY)
        assert failure.value.message() == (
            "Hours attended: applies only to courses\nCompleted: applies only to courses"
        )
        data.service_type_id = type_id(session, "kazakh_course")
        data.hours_attended = -1
        with pytest.raises(ValidationFailed) as failure:
            record_service(session, data, today=TODAY)
        assert failure.value.message() == "Hours attended: is negative"
        data.hours_attended = 36
        record = record_service(session, data, today=TODAY)
        assert (record.hours_attended, record.completed) == (36, True)


def test_missing_and_inactive_references(database):
    with database.transaction() as session:
        centre = new_centre(session)
        legal = session.get(ServiceType, type_id(session, "legal"))
        legal.active = False
        data = ServiceInput(person_id=centre.id, centre_id=centre.id,
                            service_type_id=legal.id, start_date=TODAY)
        with pytest.raises(ValidationFailed) as failure:
            record_service(session, data, today=TODAY)
        assert failure.value.message() == (
            "Person: does not exist\nService: is no longer offered"
        )


def test_full_centre_refuses_a_stay_until_someone_checks_out(database):
    with database.transaction() as session:
        centre = new_centre(session, beds=2)
        a, b, c = (new_person(session, name) for name in ("A", "B", "C"))
        first = stay(session, a, centre, dt.date(2026, 3, 1))
        stay(session, b, centre, dt.date(2026, 3, 5))
        # The third would fit on 3 March but not from 5 March on.
        with pytest.raises(CentreFull) as failure:
            stay(session, c, centre, dt.date(2026, 3, 3))
        assert failure.value.message() == (
            "ЦАИ Алматы is full on 05/03/2026: all 2 beds are taken."
        )
        # A stay that ends before the second begins fits.
        stay(session, c, centre, dt.date(2026, 3, 2), dt.date(2026, 3, 4))
        with pytest.raises(CentreFull):
            stay(session, new_person(session, "D"), centre, dt.date(2026, 3, 8))
        end_stay(session, first, dt.date(2026, 3, 7), today=TODAY)
        assert occupancy(session, centre.id, dt.date(2026, 3, 7)) == 2
        assert occupancy(session, centre.id, dt.date(2026, 3, 8)) == 1
        stay(session, new_person(session, "D"), centre, dt.date(2026, 3, 8))
        assert occupancy(session, centre.id, TODAY) == 2


def test_centre_without_beds(database):
    with database.transaction() as session:
        centre = new_centre(session, beds=0)
        with pytest.raises(CentreFull) as failure:
            stay(session, new_person(session), centre, TODAY)
        assert failure.value.message() == "ЦАИ Алматы has no beds."


def test_overlapping_stays_of_one_person_are_refused_in_any_centre(database):
    with database.transaction() as session:
        person = new_person(session)
        one, two = new_centre(session, name="One"), new_centre(session, name="Two")
        first = stay(session, person, one, dt.date(2026, 2, 1), dt.date(2026, 2, 10))
        with pytest.raises(OverlappingStay) as failure:
            stay(session, person, two, dt.date(2026, 2, 10))
        assert failure.value.message() == (
            "This person already has a stay at One from 01/02/2026 over these dates."
        )
        second = stay(session, person, two, dt.date(2026, 2, 11))
        # Before the first stay is fine; after the open-ended second one is not.
        stay(session, person, one, dt.date(2026, 1, 1), dt.date(2026, 1, 31))
        with pytest.raises(OverlappingStay):
            stay(session, person, one, dt.date(2026, 3, 1))
        # Editing a stay does not clash with itself.
        data = ServiceInput(person_id=person.id, centre_id=one.id,
                            service_type_id=first.service_type_id,
                            start_date=dt.date(2026, 2, 2), end_date=dt.date(2026, 2, 9))
        assert record_service(session, data, first, today=TODAY).start_date == dt.date(2026, 2, 2)
        # Other services may overlap a stay.
        record_service(session, ServiceInput(
            person_id=person.id, centre_id=two.id, service_type_id=type_id(session, "legal"),
            start_date=TODAY), today=TODAY)
        assert second.end_date is None


def test_end_stay_rules(database):
    with database.transaction() as session:
        person, centre = new_person(session), new_centre(session)
        record = stay(session, person, centre, dt.date(2026, 3, 1))
        with pytest.raises(ValidationFailed) as failure:
            end_stay(session, record, dt.date(2026, 2, 28), today=TODAY)
        assert failure.value.message() == "End date: is before the start date"
        with pytest.raises(ValidationFailed) as failure:
            end_stay(session, record, TODAY + dt.timedelta(days=1), today=TODAY)
        assert failure.value.message() == "End date: is in the future"
        end_stay(session, record, TODAY, today=TODAY)
        with pytest.raises(ServiceError) as failure:
            end_stay(session, record, TODAY, today=TODAY)
        assert failure.value.message() == "This stay has already ended."
        legal = record_service(session, ServiceInput(
            person_id=person.id, centre_id=centre.id, service_type_id=type_id(session, "legal"),
            start_date=TODAY), today=TODAY)
        with pytest.raises(ServiceError) as failure:
            end_stay(session, legal, TODAY, today=TODAY)
        assert failure.value.message() == "Only a stay in a centre can be checked out."


def test_occupancy_and_length_of_stay(database):
    with database.transaction() as session:
        centre = new_centre(session, beds=5)
        a = stay(session, new_person(session, "A"), centre, dt.date(2026, 3, 1),
                 dt.date(2026, 3, 3))
        b = stay(session, new_person(session, "B"), centre, dt.date(2026, 3, 3))
        # A course at the centre takes no bed.
        record_service(session, ServiceInput(
            person_id=b.person_id, centre_id=centre.id,
            service_type_id=type_id(session, "kazakh_course"), start_date=dt.date(2026, 3, 2)),
            today=TODAY)
        assert [occupancy(session, centre.id, dt.date(2026, 3, d)) for d in range(1, 6)] == [
            1, 1, 2, 1, 1]
        assert occupancy(session, centre.id, dt.date(2026, 2, 28)) == 0
        assert length_of_stay(a, TODAY) == 3
        assert length_of_stay(b, TODAY) == 8
        assert length_of_stay(b, dt.date(2026, 3, 3)) == 1


def test_only_a_supervisor_edits_the_catalogue_and_changes_are_audited(database):
    from kzmigdesk.domain.models import AuditEntry
    from kzmigdesk.services import audit

    names = {"kk": "Цифрлық сауаттылық", "ru": "Цифровая грамотность", "en": "Digital literacy"}
    data = ServiceTypeInput(code="digital", names=dict(names))
    database.actor = None  # no one signed in
    with database.transaction() as session:
        for actor in (None, Actor("aigerim", UserRole.CLERK)):
            with pytest.raises(PermissionDenied) as denied:
                save_service_type(as_user(session, actor), data)
        assert denied.value.message() == (
            "Your role (clerk) does not allow this: editing the service catalogue.")
        created = save_service_type(as_user(session, SUPERVISOR), data)
        data.names["en"] = "Computer skills"
        save_service_type(as_user(session, SUPERVISOR), data, created)
        save_service_type(as_user(session, SUPERVISOR), data, created)  # nothing changed
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert [(e.action, e.entity_type, e.username) for e in entries] == [
            ("create", "service_types", "serik"), ("update", "service_types", "serik")]
        assert entries[0].changes["code"] == [None, "digital"]
        assert entries[1].changes == {"names": [names, {**names, "en": "Computer skills"}]}
        assert audit.verify(session).intact


# --- the use cases the windows call ---------------------------------------------------------


def test_centres_with_occupancy_and_choices(database):
    day = TODAY
    with database.transaction() as session:
        full = new_centre(session, beds=2, name="ЦАИ Астана")
        stay(session, new_person(session), full, day - dt.timedelta(days=3))
        empty = new_centre(session, beds=4, name="ЦАИ Алматы")
        almaty = region_id(session)
    centres = centres_with_occupancy(database, day)
    assert [c.name for c in centres] == ["ЦАИ Алматы", "ЦАИ Астана"]
    assert centres[1] == CentreRecord(id=full.id, name="ЦАИ Астана", region_id=almaty,
                                      region_name="Almaty", address=None, phone=None, beds=2,
                                      staying=1)
    assert centres_with_occupancy(database, day - dt.timedelta(days=4))[1].staying == 0
    assert centre_choices(database) == [("ЦАИ Алматы", empty.id), ("ЦАИ Астана", full.id)]


def test_store_centre_creates_or_updates_and_validates(database):
    with database.sessions() as session:
        almaty = region_id(session)
    centre_id = store_centre(database, CentreInput(name="ЦАИ", region_id=almaty, beds=3))
    assert store_centre(database, CentreInput(name="ЦАИ Алматы", region_id=almaty, beds=5),
                        centre_id) == centre_id
    assert [(c.name, c.beds) for c in centres_with_occupancy(database)] == [("ЦАИ Алматы", 5)]
    with pytest.raises(ValidationFailed):
        store_centre(database, CentreInput(name="", region_id=almaty), centre_id)


def test_service_catalogue_and_store_service_type(database):
    kinds = {kind.code: kind for kind in service_catalogue(database)}
    stay_type = kinds["accommodation"]
    assert stay_type.name == "Temporary accommodation" and stay_type.is_accommodation
    assert stay_type.names["en"] == "Temporary accommodation" and stay_type.active
    assert kinds["kazakh_course"].is_course
    supervisor = database.acting_as(SUPERVISOR)
    legal = kinds["legal"]
    assert store_service_type(supervisor, ServiceTypeInput(
        code="legal", names=legal.names,
        active=False), legal.id) == legal.id
    assert "legal" not in {kind.code for kind in service_catalogue(database)}
    assert not next(kind for kind in service_catalogue(database, active_only=False)
                    if kind.code == "legal").active
    with pytest.raises(PermissionDenied):
        store_service_type(database.acting_as(Actor("aigerim", UserRole.CLERK)),
                           ServiceTypeInput(code="sewing",
                                            names={"en": "A", "ru": "B", "kk": "C"}))


def test_load_store_and_check_out_a_service(database):
    day = dt.date.today()
    with database.transaction() as session:
        person, centre = new_person(session).id, new_centre(session).id
        accommodation = type_id(session, "accommodation")
    data = ServiceInput(person_id=person, centre_id=centre, service_type_id=accommodation,
                        start_date=day - dt.timedelta(days=2), outcome=" Given  a bed ")
    record_id = store_service(database, data)
    record = load_service(database, record_id)
    assert (record.person_id, record.person_name, record.centre_id, record.start_date,
            record.end_date, record.outcome) == (person, "Омаров Ерлан", centre,
                                                 day - dt.timedelta(days=2), None, "Given a bed")
    assert record.service_type.id == accommodation and record.is_open_stay
    with pytest.raises(ValidationFailed):
        check_out(database, record_id, day + dt.timedelta(days=1))
    check_out(database, record_id, day)
    record = load_service(database, record_id)
    assert record.end_date == day and not record.is_open_stay
    data.notes = "Checked out"
    data.end_date = day
    assert store_service(database, data, record_id) == record_id
    assert load_service(database, record_id).notes == "Checked out"


def test_a_deleted_service_record_is_not_found(database):
    day = dt.date.today()
    with database.transaction() as session:
        record = stay(session, new_person(session), new_centre(session), TODAY)
        record_id, data = record.id, ServiceInput(
            person_id=record.person_id, centre_id=record.centre_id,
            service_type_id=record.service_type_id, start_date=record.start_date)
    with database.transaction() as session:
        session.get(ServiceRecord, record_id).deleted_at = utcnow()
    for action in (lambda: load_service(database, record_id),
                   lambda: store_service(database, data, record_id),
                   lambda: check_out(database, record_id, day)):
        with pytest.raises(NotFound) as failure:
            action()
        assert failure.value.message() == "The service record no longer exists."


def test_a_centres_phone_is_read_in_nfkc_and_checked(database):
    with database.sessions() as session:
        almaty = region_id(session)
    wide = "".join(chr(0xFF10 + int(d)) for d in "7272000000")
    centre_id = store_centre(database, CentreInput(name="ЦАИ", region_id=almaty, beds=3,
                                                   phone=f"+{wide}"))
    assert [c.phone for c in centres_with_occupancy(database) if c.id == centre_id] == [
        "+7272000000"]
    arabic = "".join(chr(0x0660 + int(d)) for d in "7272000000")
    with pytest.raises(ValidationFailed) as failed:
        store_centre(database, CentreInput(name="ЦАИ", region_id=almaty, beds=3,
                                           phone=arabic), centre_id)
    assert failed.value.message() == "Phone: is not a phone number"
