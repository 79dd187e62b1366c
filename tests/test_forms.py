"""The printable forms: the services gather each form's data from hand-made records, printing
renders it in Kazakh (and some in Kazakh and Russian), and its text is read back from the PDF
with pypdf."""

import datetime as dt
import io
import uuid

import pypdf
import pytest
from acting import as_user
from PIL import Image
from sqlalchemy import select

from kzmigdesk import i18n
from kzmigdesk.domain.enums import (
    DocumentType,
    HouseholdRelation,
    OfficeKind,
    PermitCategory,
    PermitStatus,
    RepatriateStatus,
    Sex,
    UserRole,
)
from kzmigdesk.domain.identifiers import make_bin, make_iin
from kzmigdesk.domain.models import (
    AuditEntry,
    Office,
    OfficeProfile,
    Person,
    Region,
    ServiceType,
    utcnow,
)
from kzmigdesk.i18n.words import Words
from kzmigdesk.printing import forms
from kzmigdesk.printing.document import Letterhead, Signer, page_of
from kzmigdesk.services import prints, quotas
from kzmigdesk.services import repatriation as rep
from kzmigdesk.services.adaptation import CentreInput, save_centre
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.errors import NotFound
from kzmigdesk.services.labour import (
    EmployerInput,
    PermitInput,
    change_permit_status,
    issue_permit,
    save_employer,
)
from kzmigdesk.services.quotas import QuotaKind
from kzmigdesk.services.registration import DocumentInput, PersonInput, save_person

C = PermitCategory
TODAY = dt.date(2026, 6, 30)
YEAR = TODAY.year
KK, RU, KK_RU = Words.of("kk"), Words.of("ru"), Words.of("kk+ru")
SUPERVISOR = Actor("s", UserRole.SUPERVISOR)
HEAD = Signer({"kk": "Басқарма басшысы", "ru": "Начальник управления"},
              {"kk": "Ә. Б. Сейітқұлов", "ru": "А. Б. Сейткулов"})
LETTERHEAD = Letterhead("Алматы қаласының Көші-қон қызметі басқармасы",
                        "Абай даңғылы, 150\nАлматы қ.",
                        names={"kk": "Алматы қаласының Көші-қон қызметі басқармасы",
                               "ru": "Управление миграционной службы города Алматы"},
                        addresses={"kk": "Абай даңғылы, 150\nАлматы қ.",
                                   "ru": "проспект Абая, 150\nг. Алматы"},
                        bin="150340000713", phone="+7 727 000 00 00", head=HEAD,
                        prepared_by=Signer({}, {"": "Өмірзақова Ғалия"}, title="Specialist"))
KAZAKH_LETTERS = "ӘҒҚҢӨҰҮҺІәғқңөұүһі"
NOTES = "Ағасы Ғалым Үкібай, қарындасы Ілиана; Һ әрпі, қаһарман; ҚОҢЫРАТ, Ұлытау, Өмірзақ"


# --- reading the PDF ------------------------------------------------------------------------


def plain(value: str) -> str:
    """Whitespace (line breaks, no-break spaces) as single spaces."""
    return " ".join(value.split())


def pdf_pages(pdf: bytes) -> list[pypdf.PageObject]:
    assert pdf.startswith(b"%PDF")
    return list(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def pdf_text(pdf: bytes) -> str:
    return " ".join(plain(page.extract_text()) for page in pdf_pages(pdf))


def image_count(pdf: bytes) -> int:
    return sum(len(page.images) for page in pdf_pages(pdf))


def png_photo() -> bytes:
    image = Image.new("RGB", (90, 120), (200, 120, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def pdf_of(session, form: str, *args, words: Words = KK, letterhead: Letterhead | None = None,
           **kwargs) -> bytes:
    """The form printed as the window prints it: its data gathered by the services on TODAY,
    then rendered."""
    data = getattr(prints, form)(session, *args, today=TODAY, **kwargs)
    return getattr(forms, form)(data, words, letterhead)


def label(words: Words, member) -> str:
    return forms.label(words, type(member), member)


# --- records --------------------------------------------------------------------------------


def region(session, code: str) -> Region:
    return session.scalars(select(Region).where(Region.code == code)).one()


def abenov(session, photo: bytes | None = None) -> Person:
    """Әбенов Нұрлан Құрманғазыұлы, a Chinese citizen in Almaty, with a foreign passport."""
    birth = dt.date(1985, 4, 12)
    data = PersonInput(
        surname="Әбенов", given_name="Нұрлан", patronymic="Құрманғазыұлы",
        surname_latin="ABENOV", given_name_latin="NURLAN", sex=Sex.MALE, birth_date=birth,
        citizenship="CN", iin=make_iin(birth, "M", 17), phone="+7 701 234 56 78",
        email="nurlan@example.kz", region_id=region(session, "ALA").id,
        district="Медеу ауданы", locality="Алматы", address="Өмірзақ көшесі, 12-үй",
        notes=NOTES, photo=photo)
    passport = DocumentInput(doc_type=DocumentType.FOREIGN_PASSPORT, number="EG1234567",
                             issuing_country="CN", issued_by="Ғұлжа полициясы",
                             issue_date=dt.date(2019, 5, 1), expiry_date=dt.date(2029, 4, 30))
    return save_person(session, data, [passport], today=TODAY)


def relative(session, surname, given_name, birth, sex=Sex.MALE) -> Person:
    person = Person(surname=surname, given_name=given_name, sex=sex, birth_date=birth,
                    citizenship="CN", iin=make_iin(birth, sex.value, 3))
    session.add(person)
    session.flush()
    return person


def granted_case(session):
    """Әбенов's case from China to Akmola, granted, with his wife and son."""
    head = abenov(session)
    wife = relative(session, "Өмірзақова", "Ғалия", dt.date(1988, 9, 3), Sex.FEMALE)
    son = relative(session, "Әбенов", "Үкібай", dt.date(2012, 1, 20))
    case = rep.open_case(
        session, head,
        rep.CaseInput(country_of_origin="CN", application_date=dt.date(2026, 1, 15),
                      arrival_date=dt.date(2025, 11, 2),
                      resettlement_region_id=region(session, "AKM").id, quota_year=YEAR),
        [(wife, HouseholdRelation.SPOUSE), (son, HouseholdRelation.CHILD)],
        today=dt.date(2026, 1, 15))
    rep.change_status(session, case, RepatriateStatus.GRANTED, dt.date(2026, 3, 2),
                      comment="Құжаттар тексерілді, Һ", certificate_number="KND-2026-0042",
                      today=TODAY)
    return case


def office_with_profile(session, code="ALA-01", pattern="14-01/{n}") -> Office:
    """An office with a complete profile: the only one, so the desk's home office."""
    office = Office(code=code, name="Алматы қ. КҚБ", kind=OfficeKind.DISTRICT,
                    region_id=region(session, "ALA").id)
    session.add(office)
    session.flush()
    session.add(OfficeProfile(
        office_id=office.id, names=dict(LETTERHEAD.names),
        addresses=dict(LETTERHEAD.addresses), head_positions=dict(HEAD.positions),
        head_names=dict(HEAD.names), bin=LETTERHEAD.bin, register_pattern=pattern))
    session.flush()
    return office


def worker(session, surname, given_name, citizenship) -> Person:
    person = Person(surname=surname, given_name=given_name, sex=Sex.MALE,
                    birth_date=dt.date(1990, 2, 14), citizenship=citizenship)
    session.add(person)
    session.flush()
    return person


def employer(session, code="VOS"):
    return save_employer(session, EmployerInput(
        bin=make_bin(dt.date(2015, 3, 1), 7), name="«Құрманғазы Өнеркәсіп» ЖШС",
        region_id=region(session, code).id, address="Өскемен қ., Ғалым көшесі, 5",
        sector="құрылыс", contact_person="Үкібаева Әйгерім"))


def permit(session, person, company, number, category=C.CATEGORY_4, code="VOS",
           start=dt.date(YEAR, 3, 1), days=200, profession="дәнекерлеуші"):
    data = PermitInput(number=number, category=category, profession=profession,
                       region_id=region(session, code).id, valid_from=start,
                       valid_to=start + dt.timedelta(days=days))
    return issue_permit(session, person, company, data, today=start)


def kk_date(value: dt.date) -> str:
    return forms.day(KK, value)


# --- 1. the person registration card --------------------------------------------------------


def test_person_card_in_kazakh_prints_every_field_and_the_documents(database):
    with database.transaction() as session:
        person = abenov(session)
        pdf = pdf_of(session, "person_card", person.id, letterhead=LETTERHEAD)
        iin = person.iin
    text = pdf_text(pdf)
    for value in ("Әбенов", "Нұрлан", "Құрманғазыұлы", "ABENOV", "NURLAN", iin,
                  "+7 701 234 56 78", "nurlan@example.kz", "Алматы қаласы", "Медеу ауданы",
                  "Өмірзақ көшесі, 12-үй", NOTES, "EG1234567", "Ғұлжа полициясы",
                  "12.04.1985", "01.05.2019", "30.04.2029", LETTERHEAD.name):
        assert value in text, value
    assert all(letter in text for letter in KAZAKH_LETTERS)
    # Labels and values in Kazakh, from the catalog (the citizenship as a country name).
    for label in ("Туған күні", "ЖСН", "Азаматтығы", "Қытай", "Жынысы", "ер",
                  "Жеке басын куәландыратын құжаттар", "шетелдік паспорт", "Берген ел"):
        assert label in text, label
    for msgid in ("Surname", "Given name in Latin letters", "Locality", "Identity documents",
                  "Prepared by", "Head of office", "Place of the stamp", "Specialist", "Person",
                  "Signature", "Person registration card"):
        assert plain(KK.t(msgid)) in text, msgid
    assert "Date of birth" not in text and "Citizenship" not in text


def test_person_card_with_and_without_photo(database):
    with database.transaction() as session:
        person = abenov(session, photo=png_photo())
        with_photo = pdf_of(session, "person_card", person.id)
        person.photo = None
        session.flush()
        without_photo = pdf_of(session, "person_card", person.id)
        person.photo = b"not an image"
        session.flush()
        unreadable_photo = pdf_of(session, "person_card", person.id)
    assert image_count(with_photo) == 1
    assert image_count(without_photo) == 0
    assert image_count(unreadable_photo) == 0
    for pdf in (with_photo, without_photo, unreadable_photo):
        text = pdf_text(pdf)
        assert "Әбенов" in text and "EG1234567" in text and NOTES in text


def test_person_card_without_documents_or_optional_fields(database):
    with database.transaction() as session:
        person = relative(session, "Үкібаев", "Ілияс", dt.date(2001, 7, 7))
        person.citizenship = None
        pdf = pdf_of(session, "person_card", person.id)
    text = pdf_text(pdf)
    assert "Үкібаев" in text and "Ілияс" in text and "07.07.2001" in text
    assert plain(KK.t("stateless or unknown")) in text
    assert plain(KK.t("No identity documents are recorded.")) in text


def test_person_card_bilingual_has_both_languages(database):
    with database.transaction() as session:
        person = abenov(session)
        pdf = pdf_of(session, "person_card", person.id, words=KK_RU)
    text = pdf_text(pdf)
    for msgid in ("Date of birth", "Citizenship", "Identity documents", "Document number"):
        assert KK.t(msgid) != RU.t(msgid)
        assert plain(KK_RU.t(msgid)) in text
        assert f"{KK.t(msgid)} / {RU.t(msgid)}" == KK_RU.t(msgid)
    assert "Туған күні / Дата рождения" in text
    assert ("шетелдік паспорт / иностранный паспорт" in text
            or label(RU, DocumentType.FOREIGN_PASSPORT) in text)
    assert "Алматы қаласы / город Алматы" in text


def test_forms_ignore_the_application_language(database):
    i18n.set_language("ru")
    with database.transaction() as session:
        person = abenov(session)
        pdf = pdf_of(session, "person_card", person.id)
    text = pdf_text(pdf)
    assert "Туған күні" in text and "Дата рождения" not in text
    assert "Алматы қаласы" in text and "город Алматы" not in text
    assert i18n.current_language() == "ru"


def test_person_card_of_a_missing_person_raises_not_found(database):
    with database.transaction() as session:
        with pytest.raises(NotFound):
            prints.person_card(session, uuid.uuid4(), today=TODAY)
        with pytest.raises(NotFound):
            prints.person_card(session, "not an id", today=TODAY)
        person = abenov(session)
        person.deleted_at = utcnow()
        session.flush()
        with pytest.raises(NotFound):
            pdf_of(session, "person_card", person.id)


# --- 2. the repatriate case summary ---------------------------------------------------------


def test_case_summary_in_kazakh(database, open_quotas):
    with database.transaction() as session:
        case = granted_case(session)
        pdf = pdf_of(session, "case_summary", case.id, letterhead=LETTERHEAD)
        case_number = case.case_number
    text = pdf_text(pdf)
    for value in (case_number, "Әбенов Нұрлан Құрманғазыұлы", "Өмірзақова Ғалия",
                  "Әбенов Үкібай", "KND-2026-0042", "Құжаттар тексерілді, Һ", "Қытай",
                  "Ақмола облысы", str(YEAR), kk_date(dt.date(2026, 1, 15)),
                  kk_date(dt.date(2025, 11, 2)), kk_date(dt.date(2026, 3, 2)),
                  kk_date(dt.date(2027, 3, 2)), kk_date(dt.date(1988, 9, 3)),
                  kk_date(dt.date(2012, 1, 20))):
        assert value in text, value
    # The catalog's Kazakh: labels, the status, the relations.
    for value in ("Іс нөмірі", "Өтініш беруші", "Шыққан елі", "Қоныстандыру облысы",
                  "Отбасы мүшелері", "Мәртебелер тарихы", "Туыстық дәрежесі",
                  "қандас мәртебесі берілді", "өтініш берілді", "отбасы басшысы", "жұбайы",
                  "баласы"):
        assert value in text, value
    assert plain(KK.t("Repatriate case summary")) in text
    # The household table: the head first, each with their birth date and IIN.
    members = text[text.index("Отбасы мүшелері"):text.index("Мәртебелер тарихы")]
    assert members.index("Әбенов Нұрлан") < members.index("Өмірзақова Ғалия")
    assert members.count(f"{label(KK, HouseholdRelation.CHILD)} {kk_date(dt.date(2012, 1, 20))}"
                         ) == 1
    # The history: applied, then granted with the comment.
    history = text[text.index("Мәртебелер тарихы"):]
    assert (f"{kk_date(dt.date(2026, 3, 2))} {label(KK, RepatriateStatus.APPLIED)} "
            f"{label(KK, RepatriateStatus.GRANTED)} Құжаттар тексерілді, Һ") in history


def test_case_summary_bilingual(database, open_quotas):
    with database.transaction() as session:
        case = granted_case(session)
        pdf = pdf_of(session, "case_summary", case.id, words=KK_RU)
    text = pdf_text(pdf)
    for msgid in ("Household members", "Status history", "Case number", "Applicant"):
        assert KK.t(msgid) in text and RU.t(msgid) in text, msgid
        assert plain(KK_RU.t(msgid)) in text
    assert plain(label(KK_RU, RepatriateStatus.GRANTED)) in text
    assert "Ақмола облысы / Акмолинская область" in text
    assert "Әбенов Нұрлан Құрманғазыұлы" in text


def test_case_summary_of_a_missing_case_raises_not_found(database):
    with database.transaction() as session:
        with pytest.raises(NotFound):
            prints.case_summary(session, uuid.uuid4(), today=TODAY)


# --- 3. the work permit register extract ----------------------------------------------------


def test_employer_permits_extract(database, open_quotas):
    with database.transaction() as session:
        company = employer(session)
        permit(session, worker(session, "Өмірзақ", "Ғалым", "CN"), company, "WP-2026-0000001")
        permit(session, worker(session, "Каримов", "Шерзод", "UZ"), company, "WP-2026-0000002",
               category=C.SEASONAL_AGRICULTURAL, start=dt.date(2026, 4, 1),
               profession="тракторшы")
        revoked = permit(session, worker(session, "Yılmaz", "Ahmet", "TR"), company,
                         "WP-2026-0000003", category=C.CATEGORY_3, start=dt.date(2026, 2, 1))
        change_permit_status(session, revoked, PermitStatus.REVOKED, dt.date(2026, 5, 5),
                             comment="жұмыс беруші өтінішімен", today=TODAY)
        old = permit(session, worker(session, "Ли", "Вэй", "CN"), company, "WP-2025-0000009",
                     start=dt.date(2025, 1, 10), days=300)
        change_permit_status(session, old, PermitStatus.EXPIRED, dt.date(2025, 11, 20),
                             today=TODAY)
        pdf = pdf_of(session, "employer_permits_extract", company.id,
                     letterhead=LETTERHEAD)
        bin_ = company.bin
    pages = pdf_pages(pdf)
    width, height = pages[0].mediabox.width, pages[0].mediabox.height
    assert width > height  # landscape
    text = pdf_text(pdf)
    for value in (bin_, "«Құрманғазы Өнеркәсіп» ЖШС", "Өскемен қ., Ғалым көшесі, 5",
                  "Шығыс Қазақстан облысы", "Үкібаева Әйгерім", "Өмірзақ Ғалым",
                  "Каримов Шерзод", "Yılmaz Ahmet", "Ли Вэй", "WP-2026-0000001",
                  "WP-2025-0000009", "Қытай", "Өзбекстан", "Түркия", "дәнекерлеуші",
                  "тракторшы", kk_date(dt.date(2026, 3, 1)), kk_date(dt.date(2026, 9, 17))):
        assert value in text, value
    for value in (label(KK, C.SEASONAL_AGRICULTURAL), label(KK, C.CATEGORY_3),
                  label(KK, PermitStatus.ISSUED), label(KK, PermitStatus.REVOKED),
                  label(KK, PermitStatus.EXPIRED), "Жұмыс берушінің атауы", "БСН",
                  "Рұқсат нөмірі", "Жұмыскер", "Азаматтығы", "Кәсібі"):
        assert plain(value) in text, value
    # Newest first; four permits, two of them in force today.
    assert (text.index("WP-2026-0000002") < text.index("WP-2026-0000001")
            < text.index("WP-2026-0000003") < text.index("WP-2025-0000009"))
    assert plain(KK.t("Permits in total: {count}", count=KK.number(4))) in text
    assert plain(KK.t("Of them in force on {date}: {count}", date=kk_date(TODAY),
                      count=KK.number(2))) in text


def test_employer_without_permits_and_missing_employer(database):
    with database.transaction() as session:
        company = employer(session)
        pdf = pdf_of(session, "employer_permits_extract", company.id)
        with pytest.raises(NotFound):
            prints.employer_permits_extract(session, uuid.uuid4(), today=TODAY)
    text = pdf_text(pdf)
    assert "«Құрманғазы Өнеркәсіп» ЖШС" in text
    assert plain(KK.t("Permits in total: {count}", count="0")) in text


# --- 4. the referral letter -----------------------------------------------------------------


def test_referral_letter(database):
    addressee = "«Һәуе Жолы» ЖШС\nдиректоры Ғ. Өмірзақовқа"
    purpose = "Қазақ тілі курсына жазылу (Ұлттық бағдарлама, Іс-шара «ҚОҢЫР»), жаһандық деңгей"
    with database.transaction() as session:
        person = abenov(session)
        centre = save_centre(session, CentreInput(
            name="Құрманғазы атындағы бейімдеу орталығы", region_id=region(session, "ALA").id,
            address="Үкібай көшесі, 3", beds=10), today=TODAY)
        course = session.scalars(
            select(ServiceType).where(ServiceType.code == "kazakh_course")).one()
        office_with_profile(session)
        letter = prints.numbered(session, prints.referral_letter(
            session, person.id, addressee, purpose, service_type_id=course.id,
            centre_id=centre.id, today=TODAY))
        pdf = forms.referral_letter(letter, KK, LETTERHEAD)
        iin, category = person.iin, label(KK, person.category)
    reference = letter.number
    assert reference == "14-01/1"
    text = pdf_text(pdf)
    for value in ("«Һәуе Жолы» ЖШС", "директоры Ғ. Өмірзақовқа", purpose,
                  "Әбенов Нұрлан Құрманғазыұлы", "12.04.1985", iin, "Қытай", category,
                  "Қазақ тілі курстары",
                  "Құрманғазы атындағы бейімдеу орталығы", "Үкібай көшесі, 3", reference,
                  KK.date(TODAY), "Туған күні", "ЖСН", "Азаматтығы", "Орталық"):
        assert plain(value) in text, value
    for msgid in ("Referral", "Referred for", "Purpose", "Prepared by", "Head of office"):
        assert plain(KK.t(msgid)) in text, msgid
    assert all(letter in text for letter in KAZAKH_LETTERS)


def test_referral_letter_without_service_or_centre(database):
    with database.transaction() as session:
        person = abenov(session)
        pdf = pdf_of(session, "referral_letter", person.id, "ТОО «Ақжол»", "жұмысқа орналасу")
    text = pdf_text(pdf)
    assert "ТОО «Ақжол»" in text and "жұмысқа орналасу" in text and "Әбенов" in text
    assert "Қазақ тілі курстары" not in text and plain(KK.t("Referred for")) not in text


def test_referral_letter_missing_records_raise_not_found(database):
    with database.transaction() as session:
        person = abenov(session)
        with pytest.raises(NotFound):
            prints.referral_letter(session, uuid.uuid4(), "ТОО", "x", today=TODAY)
        with pytest.raises(NotFound):
            prints.referral_letter(session, person.id, "ТОО", "x",
                                   service_type_id=uuid.uuid4(), today=TODAY)
        with pytest.raises(NotFound):
            prints.referral_letter(session, person.id, "ТОО", "x", centre_id=uuid.uuid4(),
                                   today=TODAY)


# --- 5. the quota usage statement -----------------------------------------------------------


def labour_fixture(session):
    """Astana cat. 4: 1 of 5; Almaty cat. 3: 2 of 2 (used up); Almaty cat. 4: 9 of 10 (90 %)."""
    for code, category, amount in (("AST", C.CATEGORY_4, 5), ("ALA", C.CATEGORY_3, 2),
                                   ("ALA", C.CATEGORY_4, 10)):
        quotas.set_quota(as_user(session, SUPERVISOR), QuotaKind.LABOUR, YEAR,
                         region(session, code).id, amount, category)
    company = employer(session, "ALA")
    number = 0
    for code, category, count in (("AST", C.CATEGORY_4, 1), ("ALA", C.CATEGORY_3, 2),
                                  ("ALA", C.CATEGORY_4, 9)):
        for n in range(count):
            number += 1
            permit(session, worker(session, f"Өмірзақ{number}", "Ғалым", "CN"), company,
                   f"WP-{YEAR}-{number:07d}", category=category, code=code,
                   start=dt.date(YEAR, 1 + n % 5, 10))


def test_labour_quota_statement(database):
    with database.transaction() as session:
        labour_fixture(session)
        pdf = pdf_of(session, "quota_statement", QuotaKind.LABOUR, YEAR,
                     letterhead=LETTERHEAD)
        usage = quotas.quota_usage(session, QuotaKind.LABOUR, YEAR, today=TODAY)
    assert [(r.amount, r.used) for r in usage] == [(5, 1), (2, 2), (10, 9)]
    text = pdf_text(pdf)
    cat3, cat4 = label(KK, C.CATEGORY_3), label(KK, C.CATEGORY_4)
    assert plain(f"1 Астана қаласы {cat4} 5 1 4 {KK.percent(0.2)}") in text
    assert plain(f"2 Алматы қаласы {cat3} 2 2 0 {KK.percent(1)} {KK.t('used up')}") in text
    assert plain(f"3 Алматы қаласы {cat4} 10 9 1 {KK.percent(0.9)}") in text
    # Almaty cat. 4 is expected to run out this year: its day is printed.
    almaty_4 = usage[2]
    assert almaty_4.forecast is not None and almaty_4.forecast.expected is not None
    assert kk_date(almaty_4.forecast.expected) in text
    # Totals: 17 slots, 12 used, 5 remaining, 71 %.
    assert plain(f"{KK.t('Total')} 17 12 5 {KK.percent(12 / 17)}") in text
    assert plain(KK.t("At 90 % or more: {quotas}", quotas=f"Алматы қаласы, {cat4}")) in text
    assert plain(KK.t("Used up: {quotas}", quotas=f"Алматы қаласы, {cat3}")) in text
    for value in ("Квота", "Пайдаланылды", "Қалды", "Пайдалану", "Таусылады", "Рұқсат санаты",
                  "Шетелдік жұмыс күшін тартуға арналған квота", "таусылды"):
        assert value in text, value
    assert pdf_pages(pdf)[0].mediabox.width > pdf_pages(pdf)[0].mediabox.height


def test_kandas_quota_statement(database):
    with database.transaction() as session:
        for code, amount in (("AKM", 2), ("SEV", 10)):
            quotas.set_quota(as_user(session, SUPERVISOR), QuotaKind.KANDAS, YEAR,
                             region(session, code).id, amount)
        for n in range(2):
            head = relative(session, f"Әбенов{n}", "Нұрлан", dt.date(1980, 1, 1 + n))
            case = rep.open_case(session, head, rep.CaseInput(
                country_of_origin="MN", application_date=dt.date(YEAR, 1, 10),
                resettlement_region_id=region(session, "AKM").id, quota_year=YEAR),
                today=dt.date(YEAR, 1, 10))
            rep.change_status(session, case, RepatriateStatus.GRANTED, dt.date(YEAR, 2, 1 + n),
                              certificate_number=f"KND-{n}", today=TODAY)
        pdf = pdf_of(session, "quota_statement", "kandas", YEAR)
    text = pdf_text(pdf)
    assert plain(f"1 Ақмола облысы 2 2 0 {KK.percent(1)} {KK.t('used up')}") in text
    assert plain(f"2 Солтүстік Қазақстан облысы 10 0 10 {KK.percent(0)}") in text
    assert plain(f"{KK.t('Total')} 12 2 10 {KK.percent(2 / 12)}") in text
    assert "Қандастарды қоныстандыру квотасы" in text
    assert plain(KK.t("Used up: {quotas}", quotas="Ақмола облысы")) in text
    assert plain(KK.t("At 90 % or more: {quotas}", quotas="—")) in text
    assert pdf_pages(pdf)[0].mediabox.width < pdf_pages(pdf)[0].mediabox.height


def test_quota_statement_of_a_year_without_quotas(database):
    with database.transaction() as session:
        pdf = pdf_of(session, "quota_statement", QuotaKind.KANDAS, 2031)
    text = pdf_text(pdf)
    assert plain(KK.t("No quota is set for {year}.", year=2031)) in text
    assert "2031 жылға квота белгіленбеген." in text


# --- the audit trail -----------------------------------------------------------------------


def print_entries(database) -> list[tuple]:
    with database.sessions() as session:
        entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "print")).all()
    return [(e.entity_type, e.entity_id, e.changes) for e in entries]


def test_a_print_is_recorded_with_its_data_only_when_the_pdf_was_written(database, tmp_path):
    with database.transaction() as session:
        person_id = abenov(session).id
        office_with_profile(session)
    out = tmp_path / "out"  # the database is in tmp_path
    out.mkdir()
    card = out / "card.pdf"
    assert prints.write_pdf(database, card, prints.person_card,
                            lambda card: forms.person_card(card, KK), person_id,
                            today=TODAY) == card
    assert "Әбенов" in pdf_text(card.read_bytes())

    def broken(card):
        raise RuntimeError("out of paper")

    with pytest.raises(RuntimeError):
        prints.write_pdf(database, out / "broken.pdf", prints.person_card, broken,
                         person_id)
    with pytest.raises(NotFound):
        prints.write_pdf(database, out / "none.pdf", prints.person_card, broken,
                         uuid.uuid4())
    prints.write_pdf(database, out / "quota.pdf", prints.quota_statement,
                     lambda statement: forms.quota_statement(statement, KK), "kandas", YEAR)
    # The quota statement holds no personal data: its print is not recorded.
    assert print_entries(database) == [("persons", str(person_id), {"form": "person_card"})]
    assert sorted(p.name for p in out.iterdir()) == ["card.pdf", "quota.pdf"]


def test_a_print_that_cannot_be_written_leaves_no_file_and_no_record(database, tmp_path,
                                                                      monkeypatch):
    with database.transaction() as session:
        person_id = abenov(session).id
    out = tmp_path / "out"  # the database is in tmp_path
    out.mkdir()
    render = lambda card: forms.person_card(card, KK)  # noqa: E731
    with pytest.raises(OSError):
        prints.write_pdf(database, tmp_path / "missing" / "card.pdf", prints.person_card,
                         render, person_id)

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr("kzmigdesk.files.os.fsync", disk_full)
        with pytest.raises(OSError):
            prints.write_pdf(database, out / "card.pdf", prints.person_card, render,
                             person_id)
    assert list(out.iterdir()) == [] and print_entries(database) == []

    # The entry is written after the file exists; if it cannot be, the file goes too.
    seen = []

    def record_print(session, document):
        seen.append((out / "card.pdf").exists())
        raise RuntimeError("the database is locked")

    monkeypatch.setattr(prints, "record_print", record_print)
    with pytest.raises(RuntimeError):
        prints.write_pdf(database, out / "card.pdf", prints.person_card, render,
                         person_id)
    assert seen == [True] and list(out.iterdir()) == [] and print_entries(database) == []


# --- the table widths -----------------------------------------------------------------------


def test_column_widths_fit_the_longest_words_and_the_page():
    header = ["No.", "Пайдаланылды", "Облыс"]
    rows = [["1", "10", "Шығыс Қазақстан облысы"]]
    widths = forms.column_widths(rows, header, (1, 1, 10), 100 * 2.83)
    assert sum(widths) == pytest.approx(100 * 2.83)
    assert widths[1] >= forms._longest_word("Пайдаланылды", "DejaVuSans-Bold", 8.5)
    assert widths[2] > widths[1] > widths[0]
    squeezed = forms.column_widths(rows, header, (1, 1, 1), 20)
    assert sum(squeezed) == pytest.approx(20)


# --- issue 21: the office on every form, the work permit, the kandas certificate ------------


def page_count_words(words: Words, pdf: bytes) -> list[str]:
    count = len(pdf_pages(pdf))
    return [plain(page_of(words, number, count)) for number in range(1, count + 1)]


def every_form(session, words: Words) -> dict[str, bytes]:
    """Each form of the hand-made records, printed as a desk prints it: an outgoing one with
    its register number taken."""
    case = granted_case(session)
    person = case.person
    company = employer(session)
    work = permit(session, worker(session, "Өмірзақ", "Ғалым", "CN"), company, "WP-2026-0000001")
    gathered = {
        "person_card": prints.person_card(session, person.id, today=TODAY),
        "case_summary": prints.case_summary(session, case.id, today=TODAY),
        "employer_permits_extract": prints.employer_permits_extract(session, company.id,
                                                                    today=TODAY),
        "referral_letter": prints.referral_letter(session, person.id, "ТОО «Ақжол»",
                                                  "жұмысқа орналасу", today=TODAY),
        "quota_statement": prints.quota_statement(session, "kandas", YEAR, today=TODAY),
        "work_permit": prints.work_permit(session, work.id, today=TODAY),
        "kandas_certificate": prints.kandas_certificate(session, case.id, today=TODAY),
        "register_journal": None,
    }
    pdfs = {}
    for form, data in gathered.items():
        if form == "register_journal":
            data = prints.register_journal(session, YEAR, today=TODAY)
        pdfs[form] = getattr(forms, form)(prints.numbered(session, data), words, LETTERHEAD)
    return pdfs


OUTGOING = ("referral_letter", "quota_statement", "work_permit", "kandas_certificate")


@pytest.mark.parametrize("words", [KK, KK_RU], ids=["kk", "kk+ru"])
def test_every_form_has_the_office_its_head_the_stamp_and_page_x_of_y(database, open_quotas,
                                                                      words):
    with database.transaction() as session:
        office_with_profile(session)
        pdfs = every_form(session, words)
    numbers = iter(range(1, len(OUTGOING) + 1))
    for form, pdf in pdfs.items():
        pages = [plain(page.extract_text()) for page in pdf_pages(pdf)]
        text = " ".join(pages)
        for value in (LETTERHEAD.names["kk"], "Ә. Б. Сейітқұлов", "Басқарма басшысы",
                      "Өмірзақова Ғалия", "БСН 150340000713", "М.О."):
            assert plain(value) in text, (form, value)
        if words is KK_RU:
            for value in (LETTERHEAD.names["ru"], "А. Б. Сейткулов", "Начальник управления",
                          "М.П.", "БИН 150340000713", "Исх. №" if form in OUTGOING else ""):
                assert plain(value) in text, (form, value)
        for page, words_of_page in zip(pages, page_count_words(words, pdf), strict=True):
            assert words_of_page in page, (form, words_of_page)
        if form in OUTGOING:  # its register number, and the day written out
            assert f"Шығ. №{'' if words is KK else ' / Исх. №'} 14-01/{next(numbers)}" in text
            assert "2026 жылғы 30 маусым" in text, form
            if words is KK_RU:
                assert "30 июня 2026 г." in text, form
        else:
            assert "Шығ. №" not in text, form
    journal = pdf_text(pdfs["register_journal"])
    for number in range(1, len(OUTGOING) + 1):
        assert f"14-01/{number}" in journal
    assert "Әбенов Нұрлан Құрманғазыұлы" in journal and "ТОО «Ақжол»" in journal


def test_a_long_form_counts_its_pages(database, open_quotas):
    with database.transaction() as session:
        company = employer(session)
        for n in range(60):
            permit(session, worker(session, f"Өмірзақ{n}", "Ғалым", "CN"), company,
                   f"WP-2026-{n:07d}", days=100 + n)
        pdf = pdf_of(session, "employer_permits_extract", company.id, words=KK_RU,
                     letterhead=LETTERHEAD)
    pages = [plain(page.extract_text()) for page in pdf_pages(pdf)]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert (f"{len(pages)} беттің {number}-беті / Лист {number} из {len(pages)}") in page
        assert LETTERHEAD.names["kk"] in page and LETTERHEAD.names["ru"] in page


def test_dates_written_out_in_each_language():
    from kzmigdesk.printing.document import long_date

    day_ = dt.date(2026, 12, 2)
    assert long_date(KK, day_) == "2026 жылғы 2 желтоқсан"
    assert plain(long_date(RU, day_)) == "2 декабря 2026 г."  # a narrow no-break space
    assert plain(long_date(KK_RU, day_)) == "2026 жылғы 2 желтоқсан / 2 декабря 2026 г."
    assert long_date(Words.of("en"), day_) == "2 December 2026"


def test_work_permit_for_the_worker(database, open_quotas):
    with database.transaction() as session:
        office_with_profile(session, pattern="15-12/{n}")
        person = abenov(session)
        company = employer(session)
        issued = permit(session, person, company, "WP-2026-0000347", category=C.CATEGORY_3)
        data = prints.numbered(session, prints.work_permit(session, issued.id, today=TODAY))
        pdf = forms.work_permit(data, KK_RU, LETTERHEAD)
        iin = person.iin
    assert data.number == "15-12/1"
    text = pdf_text(pdf)
    for value in ("WP-2026-0000347", "Әбенов Нұрлан Құрманғазыұлы", "ABENOV NURLAN", iin,
                  "«Құрманғазы Өнеркәсіп» ЖШС", company.bin, "дәнекерлеуші",
                  "Шығыс Қазақстан облысы", "2026 жылғы 1 наурыз", "1 марта 2026 г.",
                  "EG1234567", "15-12/1", "Қытай"):
        assert plain(value) in text, value
    for msgid in ("Permit to work for a foreign worker", "Worker", "Employer name",
                  "Permit category", "Valid to"):
        assert plain(KK_RU.t(msgid)) in text, msgid
    assert label(KK, C.CATEGORY_3) in text


def test_kandas_certificate_for_the_case(database, open_quotas):
    with database.transaction() as session:
        office_with_profile(session)
        case = granted_case(session)
        data = prints.numbered(session, prints.kandas_certificate(session, case.id,
                                                                  today=TODAY))
        pdf = forms.kandas_certificate(data, KK_RU, LETTERHEAD)
        with pytest.raises(NotFound):
            prints.kandas_certificate(session, uuid.uuid4(), today=TODAY)
        applied = rep.open_case(
            session, relative(session, "Үкібаев", "Ерлан", dt.date(1970, 1, 1)),
            rep.CaseInput(country_of_origin="MN", application_date=TODAY), [], today=TODAY)
        with pytest.raises(NotFound):  # no certificate yet
            prints.kandas_certificate(session, applied.id, today=TODAY)
    text = pdf_text(pdf)
    for value in ("KND-2026-0042", "Әбенов Нұрлан Құрманғазыұлы", "Өмірзақова Ғалия",
                  "Әбенов Үкібай", "Ақмола облысы", "2026 жылғы 2 наурыз", "2 марта 2026 г.",
                  "14-01/1", "Қытай"):
        assert plain(value) in text, value
    assert plain(KK_RU.t("Kandas certificate")) in text
    members = text[text.index(plain(KK_RU.t("Household members"))):]
    assert "Әбенов Нұрлан" not in members  # the holder is not listed again


def test_the_register_journals_signatures_never_stand_alone_on_a_page():
    """Whatever the number of lines, the last page carries the last register lines with
    the approval block (the head's name)."""
    from kzmigdesk.domain.documents import JournalLine, RegisterJournal

    widows = []
    for count in range(10, 70, 3):
        lines = tuple(JournalLine(f"14-01/{n}", dt.date(2026, 3, 1), "Referral letter",
                                  "ТОО «Ақжол»", "Әбенов Нұрлан", "Өмірзақова Ғалия")
                      for n in range(1, count + 1))
        pdf = forms.register_journal(RegisterJournal(2026, "", lines, dt.date(2026, 6, 30)),
                                     KK, LETTERHEAD)
        last = plain(pdf_pages(pdf)[-1].extract_text())
        assert plain("Ә. Б. Сейітқұлов") in last, count
        if f"14-01/{count}" not in last:
            widows.append(count)
    assert not widows
