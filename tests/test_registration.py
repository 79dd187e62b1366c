import datetime as dt
from dataclasses import replace

import pytest
from sqlalchemy import select

from kzmigdesk import i18n
from kzmigdesk.domain.enums import DocumentType, Sex
from kzmigdesk.domain.identifiers import make_iin
from kzmigdesk.domain.models import DuplicateDecision, IdentityDocument, Person, PersonNameToken
from kzmigdesk.services.errors import NotFound, StaleRecord, ValidationFailed
from kzmigdesk.services.name_index import tokens_of
from kzmigdesk.services.registration import (
    DocumentInput,
    DuplicatesFound,
    PersonInput,
    delete_person,
    find_duplicates,
    load_person,
    register_person,
    save_person,
    validate_person,
)

TODAY = dt.date(2026, 12, 1)
BIRTH = dt.date(1985, 4, 12)


def nurlan(**overrides) -> PersonInput:
    values = dict(surname="Әбенов", given_name="Нұрлан", patronymic="Серікұлы",
                  surname_latin="ABENOV", given_name_latin="NURLAN", sex=Sex.MALE,
                  birth_date=BIRTH, citizenship="uz", iin=make_iin(BIRTH, "M", 11))
    values.update(overrides)
    return PersonInput(**values)


def passport(number="FA 1234567", **overrides) -> DocumentInput:
    values = dict(doc_type=DocumentType.FOREIGN_PASSPORT, number=number, issuing_country="UZ",
                  issue_date=dt.date(2020, 1, 10), expiry_date=dt.date(2030, 1, 9))
    values.update(overrides)
    return DocumentInput(**values)


def save(database, data, **kwargs):
    with database.transaction() as session:
        person = save_person(session, data, today=TODAY, **kwargs)
        return person.id, person.version


def test_save_and_reopen_with_documents(database):
    person_id, version = save(database, nurlan(), documents=[passport()])
    with database.sessions() as session:
        person = session.get(Person, person_id)
        assert person.citizenship == "UZ"
        assert [d.number for d in person.documents] == ["FA1234567"]
        tokens = tokens_of(session, person_id)
        assert {"abenov", "nurlan", "serikuli"} <= tokens
        document_id = person.documents[0].id
    # Edit: change the phone, replace the passport's expiry, add an ID card.
    edited = nurlan(phone="+7 701 123 45 67")
    docs = [passport(id=document_id, expiry_date=dt.date(2031, 1, 9)),
            DocumentInput(doc_type=DocumentType.RESIDENCE_PERMIT, number="123456789",
                          issue_date=dt.date(2025, 1, 1))]
    _, new_version = save(database, edited, documents=docs, person_id=person_id,
                          expected_version=version)
    assert new_version == version + 1
    with database.sessions() as session:
        person = session.get(Person, person_id)
        assert person.phone == "+7 701 123 45 67"
        assert sorted(d.number for d in person.documents) == ["123456789", "FA1234567"]
    # Removing a document soft-deletes it.
    save(database, edited, documents=[passport(id=document_id)], person_id=person_id)
    with database.sessions() as session:
        assert len(session.get(Person, person_id).documents) == 1
        everything = select(IdentityDocument).execution_options(include_deleted=True)
        assert len(session.scalars(everything).all()) == 2


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (dict(surname=" "), "surname", "Surname: is required"),
        (dict(sex=None), "sex", "Sex: is required"),
        (dict(birth_date=dt.date(2027, 1, 1), iin=None), "birth_date",
         "Date of birth: is in the future"),
        (dict(iin="850412300000"), "iin", "IIN: check digit is wrong"),
        (dict(iin=make_iin(dt.date(1985, 4, 13), "M", 1)), "iin",
         "IIN: does not match the date of birth"),
        (dict(iin=make_iin(BIRTH, "F", 1)), "iin", "IIN: does not match the sex"),
        (dict(iin="12345"), "iin", "IIN: must be exactly 12 digits"),
        (dict(surname_latin="Әбенов"), "surname_latin",
         "Surname in Latin letters: may contain only Latin letters, spaces and hyphens"),
        (dict(citizenship="XY"), "citizenship", "Citizenship: is not a known country code"),
        (dict(email="nurlan@"), "email", "E-mail: is not an e-mail address"),
    ],
)
def test_invalid_input_names_the_field(database, overrides, field, message):
    with pytest.raises(ValidationFailed) as failure:
        save(database, nurlan(**overrides))
    assert field in failure.value.fields()
    assert message in failure.value.message()
    with database.sessions() as session:
        assert session.scalars(select(Person)).all() == []


def test_expired_document_is_refused_when_entered_but_kept_when_old(database):
    expired = passport(issue_date=dt.date(2010, 1, 1), expiry_date=dt.date(2020, 1, 1))
    with pytest.raises(ValidationFailed) as failure:
        save(database, nurlan(), documents=[expired])
    assert failure.value.fields() == {"documents[0].expiry_date"}
    assert "the document has expired" in failure.value.message()


def test_validation_messages_are_translated():
    errors = validate_person(PersonInput(), TODAY)
    i18n.set_language("ru")
    text = ValidationFailed(errors).message()
    assert "Фамилия" in text or "фамилия" in text.lower()
    assert "is required" not in text


def test_same_iin_is_a_blocking_duplicate(database):
    first_id, _ = save(database, nurlan())
    with pytest.raises(DuplicatesFound) as found:
        save(database, nurlan(surname="Абенов", surname_latin=None), confirm_duplicates=True)
    assert found.value.blocking
    assert [c.person_id for c in found.value.candidates] == [first_id]


def test_similar_name_across_scripts_and_save_anyway_is_recorded(database):
    first_id, _ = save(database, nurlan(iin=None))
    # Latin spelling only, as a foreign passport gives it: the same person, probably.
    latin_only = PersonInput(surname="Abenov", given_name="Nurlan", sex=Sex.MALE,
                             birth_date=BIRTH, citizenship="UZ")
    with pytest.raises(DuplicatesFound) as found:
        save(database, latin_only)
    assert not found.value.blocking
    candidate = found.value.candidates[0]
    assert candidate.person_id == first_id and candidate.score >= 85
    second_id, _ = save(database, latin_only, confirm_duplicates=True)
    with database.sessions() as session:
        decision = session.scalars(select(DuplicateDecision)).one()
        assert (decision.person_id, decision.candidate_id) == (second_id, first_id)


def test_different_people_born_the_same_day_are_not_duplicates(database):
    save(database, nurlan(iin=None))
    with database.sessions() as session:
        other = PersonInput(surname="Иванова", given_name="Мария", sex=Sex.FEMALE,
                            birth_date=BIRTH)
        assert find_duplicates(session, other) == []


def test_same_document_number_is_a_candidate(database):
    first_id, _ = save(database, nurlan(iin=None), documents=[passport()])
    with database.sessions() as session:
        someone = PersonInput(surname="Other", given_name="Name", sex=Sex.MALE,
                              birth_date=dt.date(1970, 1, 1))
        found = find_duplicates(session, someone, [passport("fa1234567")])
        assert [c.person_id for c in found] == [first_id]


def test_stale_version_is_refused_and_nothing_is_lost(database):
    person_id, version = save(database, nurlan())
    save(database, nurlan(phone="+7 701 000 00 01"), person_id=person_id,
         expected_version=version)
    with pytest.raises(StaleRecord):
        save(database, nurlan(phone="+7 701 000 00 02"), person_id=person_id,
             expected_version=version)
    with database.sessions() as session:
        assert session.get(Person, person_id).phone == "+7 701 000 00 01"


def test_soft_delete_hides_the_person_and_their_tokens(database):
    person_id, version = save(database, nurlan())
    with database.transaction() as session:
        delete_person(session, person_id, expected_version=version)
    with database.sessions() as session:
        assert session.get(Person, person_id) is None
        assert session.scalars(select(PersonNameToken)).all() == []
    with pytest.raises(NotFound), database.transaction() as session:
        delete_person(session, person_id)


def test_load_person_and_register_person_round_trip(database):
    person_id = register_person(database, nurlan(), [passport()])
    record = load_person(database, person_id)
    assert record.data == nurlan(citizenship="UZ")
    [document] = record.documents
    assert (document.number, document.issuing_country) == ("FA1234567", "UZ") and document.id
    edited = replace(record.data, phone="+7 701 123 45 67")
    assert register_person(database, edited, list(record.documents), person_id=person_id,
                           expected_version=record.version) == person_id
    again = load_person(database, person_id)
    assert again.version == record.version + 1 and again.data.phone == "+7 701 123 45 67"
    with pytest.raises(StaleRecord):  # the version the form read is no longer the stored one
        register_person(database, edited, person_id=person_id, expected_version=record.version)
    with pytest.raises(ValidationFailed):
        register_person(database, nurlan(surname=""))


def test_load_person_of_a_deleted_person_is_not_found(database):
    person_id = register_person(database, nurlan())
    with database.transaction() as session:
        delete_person(session, person_id)
    with pytest.raises(NotFound):
        load_person(database, person_id)


# --- identifiers in other digits: NFKC where read, ASCII digits stored, one live IIN ----------

def odd_digits(iin: str) -> dict[str, str]:
    return {
        "full-width": "".join(chr(0xFF10 + int(d)) for d in iin),
        "arabic-indic": "".join(chr(0x0660 + int(d)) for d in iin),
        "superscript last": iin[:-1] + "⁰¹²³⁴⁵⁶⁷⁸⁹"[int(iin[-1])],
    }


def test_full_width_and_superscript_iins_are_stored_in_ascii_and_blocked_as_duplicates(database):
    ascii_iin = make_iin(BIRTH, "M", 11)
    written = odd_digits(ascii_iin)
    first_id, _ = save(database, nurlan(iin=written["full-width"],
                                        phone="＋７ ７０１ １２３ ４５ ６７"),
                       documents=[passport("ＦＡ １２３４５６７")])
    with database.sessions() as session:
        person = session.get(Person, first_id)
        assert person.iin == ascii_iin and person.phone == "+7 701 123 45 67"
        assert [d.number for d in person.documents] == ["FA1234567"]
    for name in ("superscript last", "full-width"):
        with pytest.raises(DuplicatesFound) as found:
            save(database, nurlan(surname="Абенов", iin=written[name]), confirm_duplicates=True)
        assert found.value.blocking
        assert [c.person_id for c in found.value.candidates] == [first_id]


def test_an_arabic_indic_iin_is_a_field_error_naming_the_iin(database):
    with pytest.raises(ValidationFailed) as refused:
        save(database, nurlan(iin=odd_digits(make_iin(BIRTH, "M", 11))["arabic-indic"]))
    assert refused.value.fields() == {"iin"}
    assert refused.value.message() == "IIN: must be exactly 12 digits"
    with database.sessions() as session:
        assert session.scalars(select(Person)).all() == []


def test_the_database_refuses_a_second_live_iin_as_the_same_block(database, monkeypatch):
    """Two clerks at once: the second one's check ran before the first one saved. The unique
    index refuses the row and the clerk sees the same blocking duplicate, not a traceback."""
    first_id, _ = save(database, nurlan())
    monkeypatch.setattr("kzmigdesk.services.registration.find_duplicates",
                        lambda *args, **kwargs: [])
    with pytest.raises(DuplicatesFound) as found:
        register_person(database, nurlan(surname="Абенов"))
    assert found.value.blocking
    assert [c.person_id for c in found.value.candidates] == [first_id]
    with database.sessions() as session:
        assert [p.id for p in session.scalars(select(Person))] == [first_id]


def test_a_deleted_persons_iin_may_be_given_to_a_new_record(database):
    person_id, version = save(database, nurlan())
    with database.transaction() as session:
        delete_person(session, person_id, expected_version=version)
    new_id, _ = save(database, nurlan())
    with database.sessions() as session:
        assert session.get(Person, new_id).iin == make_iin(BIRTH, "M", 11)
