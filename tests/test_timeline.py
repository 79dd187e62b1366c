import datetime as dt
import uuid

import pytest
from sqlalchemy import select

from kzmigdesk.domain.enums import DocumentType, HouseholdRelation, RepatriateStatus, Sex
from kzmigdesk.domain.models import AdaptationCentre, Person, Region, ServiceType
from kzmigdesk.services import repatriation as rep
from kzmigdesk.services.adaptation import ServiceInput, record_service
from kzmigdesk.services.errors import NotFound
from kzmigdesk.services.registration import DocumentInput, PersonInput, save_person
from kzmigdesk.services.timeline import load_timeline, person_timeline

# Permits take quota slots: every quota has room here.
pytestmark = pytest.mark.usefixtures("open_quotas")

TODAY = dt.date(2026, 11, 20)


def test_timeline_gathers_everything_in_date_order(database):
    with database.transaction() as session:
        head = save_person(session, PersonInput(surname="Әбенов", given_name="Нұрлан",
                                                sex=Sex.MALE, birth_date=dt.date(1980, 1, 1)),
                           [DocumentInput(DocumentType.FOREIGN_PASSPORT, "FA1", "UZ",
                                          issue_date=dt.date(2020, 5, 1),
                                          expiry_date=dt.date(2030, 4, 30))], today=TODAY)
        wife = Person(surname="Әбенова", given_name="Гүлнар", sex=Sex.FEMALE,
                      birth_date=dt.date(1982, 2, 2))
        session.add(wife)
        session.flush()
        case = rep.open_case(session, head, rep.CaseInput("UZ", dt.date(2026, 3, 1)),
                             members=[(wife, HouseholdRelation.SPOUSE)], today=dt.date(2026, 3, 1))
        rep.change_status(session, case, RepatriateStatus.GRANTED, dt.date(2026, 4, 1),
                          certificate_number="K-1", today=TODAY)
        region = session.scalars(select(Region).where(Region.code == "YUZ")).one()
        centre = AdaptationCentre(name="Түркістан орталығы", region=region, beds=10)
        session.add(centre)
        session.flush()
        course = session.scalars(select(ServiceType).where(ServiceType.code == "legal")).one()
        record_service(session, ServiceInput(wife.id, centre.id, course.id, dt.date(2026, 5, 5),
                                             dt.date(2026, 5, 5)), today=TODAY)
        head_id, wife_id = head.id, wife.id
    with database.sessions() as session:
        head_events = person_timeline(session, head_id)
    wife_events = load_timeline(database, wife_id)  # what the timeline dialog reads
    days = [e.day for e in head_events]
    assert days == sorted(days)
    kinds = [e.kind for e in head_events]
    assert kinds.count("Document") == 2 and kinds.count("Repatriate case") == 2
    assert any("K-1" not in e.text and "kandas status granted" in e.text for e in head_events)
    # The spouse sees the household's case and her own service.
    assert [e.kind for e in wife_events if e.kind != "Registration"] == [
        "Repatriate case", "Repatriate case", "Service"]
    service = next(e for e in wife_events if e.kind == "Service")
    assert service.text == "Legal consultation, Түркістан орталығы until 05/05/2026"


def test_timeline_of_a_missing_person_is_not_found(database):
    with pytest.raises(NotFound):
        load_timeline(database, uuid.uuid4())
