"""The offices as choice lists show them."""

from sqlalchemy import select

from kzmigdesk.domain.enums import OfficeKind
from kzmigdesk.domain.models import Office, Region
from kzmigdesk.services.offices import office_choices


def test_office_choices_by_name(database):
    assert office_choices(database) == []
    with database.transaction() as session:
        region = session.scalars(select(Region).limit(1)).one().id
        b = Office(code="B", name="Б офис", kind=OfficeKind.DISTRICT, region_id=region)
        a = Office(code="A", name="А офис", kind=OfficeKind.DISTRICT, region_id=region)
        session.add_all([b, a])
    assert office_choices(database) == [("А офис", a.id), ("Б офис", b.id)]
