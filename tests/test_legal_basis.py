"""The legal basis of each person (services/legal_basis.py, issue 23): law, consent or a requested
service, its date, reference and scan; a consent's withdrawal; the history kept; the rights
of the office's clerks; the registration card prints it."""

import datetime as dt
import io

import pypdf
import pytest
from sqlalchemy import select

from kzmigdesk.domain.enums import LegalBasis, OfficeKind, Sex, UserRole
from kzmigdesk.domain.models import Office, Person, Region
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing import forms
from kzmigdesk.services import legal_basis, prints, scans
from kzmigdesk.services.auth import Actor, OtherOffice, PermissionDenied
from kzmigdesk.services.errors import ValidationFailed
from kzmigdesk.services.registration import PersonInput, register_person

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
TODAY = dt.date(2026, 12, 3)


def pdf_text(pdf: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split())
                    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def world(database):
    with database.transaction() as session:
        region = session.scalars(select(Region)).first()
        office, other = (Office(code=code, name=f"Office {code}", kind=OfficeKind.DISTRICT,
                                region_id=region.id) for code in "AB")
        session.add_all([office, other])
        session.flush()
        office_id, other_id = office.id, other.id
    people = [register_person(database, PersonInput(
        surname=surname, given_name="Нұрлан", sex=Sex.MALE, birth_date=dt.date(1980, 1, 1)))
        for surname in ("Әбенов", "Сейітов")]
    with database.transaction() as session:
        for pid in people:
            session.get(Person, pid).office_id = office_id
        scan = scans.attach(session, PDF, "consent-17.pdf", person_id=people[0])
        other_scan = scans.attach(session, PDF, "theirs.pdf", person_id=people[1])
    return {"database": database, "person": people[0], "scan": scan.id,
            "other_scan": other_scan.id,
            "clerk": database.acting_as(Actor("aigerim", UserRole.CLERK, office_id=office_id)),
            "stranger": database.acting_as(Actor("bolat", UserRole.CLERK, office_id=other_id))}


def test_consent_recorded_withdrawn_and_kept_as_history(world):
    clerk, person = world["clerk"], world["person"]
    assert legal_basis.current_basis(clerk, person) is None
    with clerk.transaction() as session:
        consent = legal_basis.record_basis(session, person, LegalBasis.CONSENT,
                                           dt.date(2026, 3, 1), " No. 17 ", world["scan"],
                                           today=TODAY).id
    now = legal_basis.current_basis(clerk, person)
    assert (now.basis, now.since, now.reference, now.scan_name, now.in_force) == (
        LegalBasis.CONSENT, dt.date(2026, 3, 1), "No. 17", "consent-17.pdf", True)
    with clerk.transaction() as session:
        with pytest.raises(ValidationFailed) as refused:
            legal_basis.withdraw(session, consent, dt.date(2026, 2, 1), today=TODAY)
        assert refused.value.fields() == {"withdrawn_on"}  # before the consent
        legal_basis.withdraw(session, consent, dt.date(2026, 11, 30), today=TODAY)
    withdrawn = legal_basis.current_basis(clerk, person)
    assert (withdrawn.basis, withdrawn.withdrawn_on) == (LegalBasis.CONSENT,
                                                         dt.date(2026, 11, 30))
    with clerk.transaction() as session, pytest.raises(ValidationFailed):
        legal_basis.withdraw(session, consent, dt.date(2026, 12, 1), today=TODAY)  # again
    # a basis in law afterwards: the current one; the withdrawn consent stays in the history
    law = legal_basis.add_basis(clerk, person, LegalBasis.LAW, dt.date(2026, 12, 1),
                                "Law on migration, art. 7")
    assert legal_basis.current_basis(clerk, person).basis == LegalBasis.LAW
    assert [r.basis for r in legal_basis.person_bases(clerk, person)] == [
        LegalBasis.LAW, LegalBasis.CONSENT]
    with pytest.raises(ValidationFailed, match="not valid|Only a consent"):
        legal_basis.withdraw_consent(clerk, law, dt.date(2026, 12, 2))


def test_what_is_refused(world):
    clerk, person = world["clerk"], world["person"]
    with clerk.transaction() as session:
        with pytest.raises(ValidationFailed) as refused:
            legal_basis.record_basis(session, person, LegalBasis.CONSENT,
                                     TODAY + dt.timedelta(days=1), scan_id=world["other_scan"],
                                     today=TODAY)
        assert refused.value.fields() == {"since", "scan_id"}  # future; another's scan
    with pytest.raises(OtherOffice):
        legal_basis.add_basis(world["stranger"], person, LegalBasis.LAW, dt.date(2026, 1, 1))
    reader = world["database"].acting_as(None)
    with pytest.raises(PermissionDenied):
        legal_basis.add_basis(reader, person, LegalBasis.LAW, dt.date(2026, 1, 1))
    assert legal_basis.person_bases(clerk, person) == []


@pytest.mark.parametrize("language, expected", [
    ("en", ["Legal basis for processing", "the person's consent, since 01/03/2026",
            "consent-17.pdf", "withdrawn on 30/11/2026"]),
    ("kk", ["Өңдеудің құқықтық негізі", "жеке тұлғаның келісімі, 01.03.2026 бастап",
            "consent-17.pdf", "30.11.2026 кері қайтарып алынды"]),
])
def test_the_registration_card_prints_the_basis(world, language, expected, tmp_path):
    clerk, person = world["clerk"], world["person"]
    blank = pdf_text(forms.person_card(prints_card(clerk, person), Words.of(language)))
    assert Words.of(language).t("not recorded") in blank
    basis = legal_basis.add_basis(clerk, person, LegalBasis.CONSENT, dt.date(2026, 3, 1),
                                  None, world["scan"])
    with clerk.transaction() as session:
        legal_basis.withdraw(session, basis, dt.date(2026, 11, 30), today=TODAY)
    card = prints_card(clerk, person)
    assert card.legal_basis.basis == "consent"
    pdf = forms.person_card(card, Words.of(language))
    (tmp_path / f"card-{language}.pdf").write_bytes(pdf)
    text = pdf_text(pdf)
    for part in expected:
        assert part in text, part


def prints_card(database, person_id):
    with database.sessions() as session:
        return prints.person_card(session, person_id)


def test_a_basis_travels_in_an_exchange_package(tmp_path, migrated_template):
    """A basis with its scan reaches the other office (the rows are ordinary records)."""
    import shutil

    from conftest import TEST_ADMINISTRATOR
    from test_exchange import DISTRICT, REGION, package

    from kzmigdesk.services import exchange
    from kzmigdesk.services.workspace import open_database

    key, databases = exchange.new_key(), []
    for number, (name, peer) in enumerate(((DISTRICT, REGION), (REGION, DISTRICT))):
        path = tmp_path / f"{number}.sqlite3"
        shutil.copyfile(migrated_template, path)
        database = open_database(str(path))
        database.actor = TEST_ADMINISTRATOR
        with database.transaction() as session:
            exchange.set_office_name(session, name)
            exchange.add_peer(session, peer, key)
        databases.append(database)
    district, region = databases
    try:
        person = register_person(district, PersonInput(
            surname="Әбенов", given_name="Нұрлан", sex=Sex.MALE, birth_date=dt.date(1980, 1, 1)))
        with district.transaction() as session:
            scan = scans.attach(session, PDF, "consent.pdf", person_id=person).id
        legal_basis.add_basis(district, person, LegalBasis.CONSENT, dt.date(2026, 3, 1),
                              "No. 17", scan)
        with region.transaction() as session:
            exchange.import_package(session, package(district, REGION))
        [row] = legal_basis.person_bases(region, person)
        assert (row.basis, row.since, row.reference, row.scan_name) == (
            LegalBasis.CONSENT, dt.date(2026, 3, 1), "No. 17", "consent.pdf")
    finally:
        for database in databases:
            database.close()
