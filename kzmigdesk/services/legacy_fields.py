"""The fields a legacy list's columns can go to: their names in Kazakh, Russian and English
(to guess the mapping from a header), and reading a row's cells into a person and a document
with the problems found on the way."""

import functools
import re
import uuid
from dataclasses import dataclass, field

from babel import Locale

from kzmigdesk import languages
from kzmigdesk.domain.enums import LABELS as ENUM_LABELS
from kzmigdesk.domain.enums import DocumentType, Sex
from kzmigdesk.i18n import N_, load_translations
from kzmigdesk.services.errors import FieldError
from kzmigdesk.services.legacy_files import Cell, cell_text, parse_date
from kzmigdesk.services.registration import COUNTRY_CODES, DocumentInput, PersonInput
from kzmigdesk.services.registration import LABELS as PERSON_LABELS

FIELDS: dict[str, str] = {  # target field: its label (msgid)
    "surname": PERSON_LABELS["surname"],
    "given_name": PERSON_LABELS["given_name"],
    "patronymic": PERSON_LABELS["patronymic"],
    "surname_latin": PERSON_LABELS["surname_latin"],
    "given_name_latin": PERSON_LABELS["given_name_latin"],
    "sex": PERSON_LABELS["sex"],
    "birth_date": PERSON_LABELS["birth_date"],
    "iin": PERSON_LABELS["iin"],
    "citizenship": PERSON_LABELS["citizenship"],
    "phone": PERSON_LABELS["phone"],
    "email": PERSON_LABELS["email"],
    "region": N_("Region"),
    "district": N_("District"),
    "locality": N_("Locality"),
    "address": N_("Address"),
    "notes": N_("Notes"),
    "doc_type": PERSON_LABELS["doc_type"],
    "doc_number": PERSON_LABELS["number"],
    "doc_issuing_country": N_("Issuing country"),
    "doc_issued_by": N_("Issued by"),
    "doc_issue_date": PERSON_LABELS["issue_date"],
    "doc_expiry_date": PERSON_LABELS["expiry_date"],
}
REQUIRED_FIELDS = ("surname", "given_name", "sex", "birth_date")
DOCUMENT_FIELDS = tuple(f for f in FIELDS if f.startswith("doc_"))
DATE_FIELDS = ("birth_date", "doc_issue_date", "doc_expiry_date")
TEXT_FIELDS = ("surname", "given_name", "patronymic", "surname_latin", "given_name_latin",
               "phone", "email", "district", "locality", "address", "notes")

# Header spellings besides the fields' own labels in the three languages (compared folded).
HEADERS = {
    "surname": ["тегі", "фамилия", "surname", "last name", "family name"],
    "given_name": ["аты", "есімі", "имя", "given name", "first name", "name"],
    "patronymic": ["әкесінің аты", "отчество", "patronymic", "middle name"],
    "surname_latin": ["тегі латынша", "фамилия латиницей", "фамилия лат", "latin surname",
                      "surname latin"],
    "given_name_latin": ["аты латынша", "имя латиницей", "имя лат", "latin given name",
                         "given name latin", "first name latin"],
    "sex": ["жынысы", "пол", "sex", "gender"],
    "birth_date": ["туған күні", "туған күні мен жылы", "дата рождения", "date of birth",
                   "birth date", "birthdate", "dob"],
    "iin": ["жсн", "иин", "iin"],
    "citizenship": ["азаматтығы", "азаматтық", "гражданство", "citizenship", "nationality"],
    "phone": ["телефон", "тел", "phone", "telephone", "мобильный телефон", "ұялы телефон"],
    "email": ["email", "e-mail", "эл пошта", "электронная почта", "электрондық пошта"],
    "region": ["облыс", "облысы", "область", "регион", "region", "oblast"],
    "district": ["аудан", "ауданы", "район", "district"],
    "locality": ["елді мекен", "населенный пункт", "город", "қала", "city", "locality"],
    "address": ["мекенжай", "мекенжайы", "адрес", "address"],
    "notes": ["ескертпе", "ескерту", "примечание", "примечания", "notes", "comment"],
    "doc_type": ["құжат түрі", "тип документа", "вид документа", "document type"],
    "doc_number": ["құжат нөмірі", "номер документа", "номер паспорта", "document number",
                   "passport number"],
    "doc_issuing_country": ["берген ел", "страна выдачи", "issuing country"],
    "doc_issued_by": ["кім берді", "берген орган", "кем выдан", "issued by"],
    "doc_issue_date": ["берілген күні", "дата выдачи", "date of issue", "issue date"],
    "doc_expiry_date": ["жарамдылық мерзімі", "срок действия", "действителен до",
                        "expiry date", "valid until", "date of expiry"],
}
SEX_WORDS = {
    Sex.MALE: ["m", "м", "male", "man", "муж", "мужской", "мужчина", "ер", "еркек", "ер адам"],
    Sex.FEMALE: ["f", "ж", "female", "woman", "жен", "женский", "женщина", "әйел", "әйел адам"],
}
STATELESS_WORDS = {"", "-", "—", "stateless", "без гражданства", "лбг", "азаматтығы жоқ"}
DOCUMENT_WORDS = {
    DocumentType.KZ_ID_CARD: ["удостоверение личности", "жеке куәлік", "уд личности"],
    DocumentType.KZ_PASSPORT: ["паспорт рк", "паспорт казахстана", "қр паспорты"],
    DocumentType.FOREIGN_PASSPORT: ["загранпаспорт", "шетелдік паспорт", "паспорт иностранца"],
    DocumentType.RESIDENCE_PERMIT: ["вид на жительство", "ықтиярхат"],
    DocumentType.BIRTH_CERTIFICATE: ["свидетельство о рождении", "туу туралы куәлік"],
    DocumentType.KANDAS_CERTIFICATE: ["удостоверение кандаса", "қандас куәлігі"],
}
NOT_A_DATE = N_("is not a date: write it as dd.mm.yyyy, yyyy-mm-dd or dd/mm/yyyy")


@functools.lru_cache(maxsize=10_000)
def fold(text: str) -> str:
    """Compared form of a header or a value: lower case, ё as е, no punctuation."""
    text = text.casefold().replace("ё", "е")
    return " ".join(re.sub(r"[^\w@\-]+", " ", text).replace("_", " ").split())


def _translations(msgid: str) -> set[str]:
    translated = {fold(load_translations(lang).gettext(msgid)) for lang in languages.codes()}
    return translated | {fold(msgid)}


def _header_spellings() -> dict[str, str]:
    spellings = {}
    for name, label in FIELDS.items():
        for spelling in _translations(label) | {fold(h) for h in HEADERS.get(name, [])}:
            spellings.setdefault(spelling, name)
    return spellings


def guess_mapping(header: list[str]) -> list[str | None]:
    """The field of each column whose name is one of the field's names; each field once."""
    spellings, taken, mapping = _header_spellings(), set(), []
    for name in header:
        target = spellings.get(fold(name))
        mapping.append(target if target not in taken else None)
        taken.add(target)
    return mapping


def _country_spellings() -> dict[str, str]:
    names = {}
    for locale in (language.babel_locale for language in languages.LANGUAGES.values()):
        for code, name in Locale.parse(locale).territories.items():
            if code in COUNTRY_CODES:
                names.setdefault(fold(name), code)
    return names


def _document_spellings() -> dict[str, DocumentType]:
    names = {fold(t.value): t for t in DocumentType}
    for doc_type, msgid in ENUM_LABELS[DocumentType].items():
        names.update({spelling: doc_type for spelling in _translations(msgid)})
    for doc_type, words in DOCUMENT_WORDS.items():
        names.update({fold(w): doc_type for w in words})
    return names


REGION_AFFIXES = re.compile(r"^(город|г)\s+|\s+(облысы|қаласы|область|region)$")


def region_spellings(exact: dict[str, uuid.UUID]) -> dict[str, uuid.UUID]:
    """Each region's code and names (as quotas.spellings_of_regions), folded, and each name
    without its kind word ("Абай", "Акмолинская") when that names one region only."""
    names = {fold(k): v for k, v in exact.items()}
    short: dict[str, set] = {}
    for name, region_id in names.items():
        short.setdefault(REGION_AFFIXES.sub("", name), set()).add(region_id)
    for name, ids in short.items():
        if len(ids) == 1:
            names.setdefault(name, next(iter(ids)))
    return names


@dataclass
class Spellings:
    """What the values of a row may say, folded: read once per import."""

    regions: dict[str, uuid.UUID]
    countries: dict[str, str] = field(default_factory=_country_spellings)
    documents: dict[str, DocumentType] = field(default_factory=_document_spellings)
    sexes: dict[str, Sex] = field(default_factory=lambda: {
        fold(w): sex for sex, words in SEX_WORDS.items() for w in words})


@dataclass
class RowData:
    person: PersonInput
    document: DocumentInput | None
    problems: list[FieldError]


def _problem(name: str, problem: str, **params) -> FieldError:
    key = name  # as validate_person and validate_document name the fields
    if name.startswith("doc_"):
        key = "documents[0]." + (name if name == "doc_type" else name.removeprefix("doc_"))
    return FieldError(key, FIELDS[name], problem, params)


def read_row(cells: list[Cell], mapping: list[str | None], spellings: Spellings) -> RowData:
    """A person and a document (None when the row has no document cells) from the cells, and
    the values that could not be read."""
    values = {name: cells[i] for i, name in enumerate(mapping) if name and i < len(cells)}
    texts = {name: cell_text(value) for name, value in values.items()}
    person, document, problems = PersonInput(), DocumentInput(), []
    for name in TEXT_FIELDS:
        setattr(person, name, texts.get(name) or None)
    person.surname, person.given_name = texts.get("surname", ""), texts.get("given_name", "")
    for name in DATE_FIELDS:
        if texts.get(name):
            date = parse_date(values[name])
            if date is None:
                problems.append(_problem(name, NOT_A_DATE))
            elif name == "birth_date":
                person.birth_date = date
            else:
                setattr(document, name.removeprefix("doc_"), date)
    if texts.get("sex"):
        person.sex = spellings.sexes.get(fold(texts["sex"]).rstrip("."))
        if person.sex is None:
            problems.append(_problem("sex", N_("is not one of: M, F, м, ж, ер, әйел")))
    iin = values.get("iin")  # a number cell has lost its leading zeros
    iin = int(iin) if isinstance(iin, float) and iin.is_integer() else iin
    person.iin = f"{iin:012d}" if isinstance(iin, int) else texts.get("iin") or None
    for name, target in (("citizenship", person), ("doc_issuing_country", document)):
        text = texts.get(name, "")
        code = text.upper() if text.upper() in COUNTRY_CODES else spellings.countries.get(
            fold(text))
        if code is None and fold(text) not in STATELESS_WORDS:
            problems.append(_problem(name, N_("is not a known country code or name")))
        setattr(target, name.removeprefix("doc_"), code)
    if texts.get("region"):
        person.region_id = spellings.regions.get(fold(texts["region"]))
        if person.region_id is None:
            problems.append(_problem("region", N_("is not a known region")))
    if any(texts.get(name) for name in DOCUMENT_FIELDS):
        document.number, document.issued_by = (texts.get("doc_number", ""),
                                                texts.get("doc_issued_by") or None)
        if texts.get("doc_type"):
            document.doc_type = spellings.documents.get(fold(texts["doc_type"]))
            if document.doc_type is None:
                problems.append(_problem("doc_type", N_("is not a known document type")))
    else:
        document = None
    return RowData(person.cleaned(), document, problems)
