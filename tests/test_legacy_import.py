"""Import of legacy lists of persons: reading CSV and XLSX files, the mapping of columns,
validation and duplicates as in registration, batches that resume without importing a row
twice, and the report of rejected rows."""

import csv
import datetime as dt
import io
import time
import uuid

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from test_exchange import offices  # noqa: F401 (a fixture)

from kzmigdesk import i18n
from kzmigdesk.domain.enums import DocumentType, OfficeKind, Sex, UserRole
from kzmigdesk.domain.identifiers import make_iin
from kzmigdesk.domain.models import (
    AuditEntry,
    DuplicateDecision,
    IdentityDocument,
    LegacyImport,
    LegacyImportRow,
    Office,
    Person,
    Region,
)
from kzmigdesk.services import audit, legacy_import
from kzmigdesk.services.auth import Actor, PermissionDenied
from kzmigdesk.services.legacy_fields import guess_mapping
from kzmigdesk.services.legacy_files import LegacyFileError, read_legacy_data
from kzmigdesk.services.legacy_import import (
    MappingError,
    find_unfinished,
    rejected_rows,
    run_import,
    start_import,
)
from kzmigdesk.services.person_search import search_persons
from kzmigdesk.services.registration import PersonInput, save_person

TODAY = dt.date(2026, 12, 1)
RU_HEADER = ["Фамилия", "Имя", "Отчество", "ИИН", "Дата рождения", "Пол", "Гражданство",
             "Адрес"]


def iin(birth: str, sex: str, serial: int) -> str:
    return make_iin(dt.datetime.strptime(birth, "%d.%m.%Y").date(), sex, serial)


RU_ROWS = [
    ["Иванов", "Пётр", "Ильич", iin("12.04.1985", "M", 1), "12.04.1985", "м", "Россия",
     "г. Алматы, ул. Абая 1; кв. 2"],
    ["Петрова", "Анна", "", "", "1990-01-31", "ж", "UZ", "Шымкент"],
    ["Сидоров", "Олег", "", "", "03/02/1970", "муж", "Казахстан", ""],
]


def csv_bytes(header, rows, encoding="utf-8", delimiter=",") -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def import_all(database, table, mapping=None, **options) -> legacy_import.ImportSummary:
    import_id = legacy_import.begin_import(database, table,
                                           mapping or guess_mapping(table.header), **options)
    return run_import(database, import_id, table, today=TODAY)


def persons(database) -> dict[str, Person]:
    with database.sessions() as session:
        return {p.surname: p for p in session.scalars(select(Person))}


def reasons(database, summary) -> dict[int, list[str]]:
    return {r.row: r.reasons for r in legacy_import.rejected_rows_of(database,
                                                                       summary.import_id)[1]}


# --- reading files ----------------------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [",", ";"])
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251"])
def test_every_encoding_and_delimiter(database, encoding, delimiter):
    data = csv_bytes(RU_HEADER, RU_ROWS, encoding, delimiter)
    assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig")
    table = read_legacy_data("список.csv", data)
    assert table.header == RU_HEADER
    assert [n for n, _cells in table.rows] == [2, 3, 4]
    summary = import_all(database, table)
    assert (summary.imported, summary.rejected, summary.finished) == (3, 0, True)
    found = persons(database)
    ivanov = found["Иванов"]
    assert (ivanov.given_name, ivanov.patronymic, ivanov.sex) == ("Пётр", "Ильич", Sex.MALE)
    assert ivanov.birth_date == dt.date(1985, 4, 12)
    assert ivanov.citizenship == "RU"
    assert ivanov.address == "г. Алматы, ул. Абая 1; кв. 2"  # a quoted cell keeps delimiters
    assert found["Петрова"].birth_date == dt.date(1990, 1, 31)
    assert (found["Петрова"].sex, found["Петрова"].citizenship) == (Sex.FEMALE, "UZ")
    assert found["Сидоров"].birth_date == dt.date(1970, 2, 3)
    assert found["Сидоров"].citizenship == "KZ"


def test_kazakh_headers_and_values(database):
    header = ["Тегі", "Аты", "Әкесінің аты", "ЖСН", "Туған күні", "Жынысы", "Азаматтығы",
              "Облыс", "Телефон"]
    rows = [["Әбенов", "Нұрлан", "Серікұлы", iin("01.05.1992", "M", 3), "01.05.1992", "ер",
             "Қытай", "Абай облысы", "+7 701 111 22 33"],
            ["Сәрсенова", "Әйгерім", "", "", "02.06.1993", "әйел", "Моңғолия", "ALA", ""]]
    table = read_legacy_data("тізім.csv", csv_bytes(header, rows, "utf-8-sig", ";"))
    assert guess_mapping(header) == ["surname", "given_name", "patronymic", "iin", "birth_date",
                                     "sex", "citizenship", "region", "phone"]
    summary = import_all(database, table)
    assert summary.imported == 2, reasons(database, summary)
    found = persons(database)
    with database.sessions() as session:
        codes = {r.id: r.code for r in session.scalars(select(Region))}
        assert {p.given_name for p in search_persons(session, "Abenov")} == {"Нұрлан"}
        from test_person_list_fast import stale_sort_names

        assert stale_sort_names(session) == 0
    assert (found["Әбенов"].citizenship, codes[found["Әбенов"].region_id]) == ("CN", "ABA")
    assert (found["Сәрсенова"].sex, found["Сәрсенова"].citizenship) == (Sex.FEMALE, "MN")
    assert codes[found["Сәрсенова"].region_id] == "ALA"


def test_english_headers_with_documents(database):
    header = ["Surname", "Given name", "Date of birth", "Sex", "Citizenship",
              "Document type", "Document number", "Date of issue", "Expiry date"]
    rows = [["Karimov", "Aziz", "1988-07-15", "male", "Uzbekistan", "foreign passport",
             "fa 123 4567", "10.01.2015", "09.01.2025"],
            ["Wang", "Li", "1990-03-03", "F", "CN", "", "", "", ""]]
    table = read_legacy_data("list.csv", csv_bytes(header, rows))
    summary = import_all(database, table)
    assert summary.imported == 2, reasons(database, summary)
    with database.sessions() as session:
        document = session.scalars(select(IdentityDocument)).one()
        # an expired document of an old list is kept: only new data entry refuses them
        assert (document.doc_type, document.number) == (DocumentType.FOREIGN_PASSPORT,
                                                         "FA1234567")
        assert document.expiry_date == dt.date(2025, 1, 9)
        assert session.get(Person, document.person_id).citizenship == "UZ"


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_with_date_cells_and_numbers(database):
    young = make_iin(dt.date(2005, 3, 4), "F", 5)
    assert young.startswith("0")
    data = xlsx_bytes([
        ["Фамилия", "Имя", "ИИН", "Дата рождения", "Пол", "Телефон"],
        [],  # blank rows are no rows
        ["Омарова", "Дана", int(young), dt.datetime(2005, 3, 4), "Ж", 87011112233],
        ["Ахметов", "Ержан", None, "15.08.1979", "M", None],
        ["Кенжебеков", "Арман", None, dt.date(1980, 1, 1), "M", None, None, "лишнее"],
    ])
    table = read_legacy_data("list.xlsx", data)
    assert [n for n, _cells in table.rows] == [3, 4, 5]
    summary = import_all(database, table)
    assert (summary.imported, summary.rejected) == (2, 1)
    found = persons(database)
    assert found["Омарова"].iin == young  # the number cell lost its leading zero: restored
    assert found["Омарова"].birth_date == dt.date(2005, 3, 4)
    assert found["Омарова"].phone == "87011112233"
    assert found["Ахметов"].birth_date == dt.date(1979, 8, 15)
    assert reasons(database, summary) == {5: ["has 8 cells where the header has 6"]}


@pytest.mark.parametrize(("name", "data", "reason"), [
    ("empty.csv", b"", "it is empty"),
    ("blank.csv", b" \r\n;;\r\n", "it is empty"),
    ("garbage.csv", bytes(range(256)) * 40, "it is neither a CSV file nor an XLSX workbook"),
    ("broken.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50,
     "the workbook is damaged or is not an XLSX workbook"),
    ("renamed.xlsx", "Фамилия;Имя\nИванов;Иван\n".encode(),
     "the workbook is damaged or is not an XLSX workbook"),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500,
     "it is an old Excel workbook (.xls): save it as .xlsx or as CSV in Excel first"),
    ("header-only.csv", "Фамилия;Имя\n".encode(), "it has no rows below the column names"),
    ("no-header.csv", "Иванов;Иван;12.04.1985\nПетров;Пётр;01.01.1990\n".encode(),
     "its first row must hold the column names, but it holds data"),
])
def test_malformed_files_raise_a_clear_error_naming_the_file(name, data, reason):
    with pytest.raises(LegacyFileError) as raised:
        read_legacy_data(name, data)
    assert raised.value.message() == f"The file {name} cannot be imported: {reason}"


def test_a_truncated_xlsx_and_translated_errors():
    data = xlsx_bytes([["Фамилия"], ["Иванов"]])
    with pytest.raises(LegacyFileError):
        read_legacy_data("cut.xlsx", data[: len(data) // 2])
    i18n.set_language("ru")
    with pytest.raises(LegacyFileError) as raised:
        read_legacy_data("пусто.csv", b"")
    assert raised.value.message().startswith("Файл пусто.csv")


def test_delimiter_found_when_cells_hold_the_other_one():
    header = ["Фамилия", "Имя", "Адрес"]
    rows = [["Иванов", "Иван", "Алматы, Абая 1, кв 2"], ["Петров", "Пётр", "Астана, Кенесары 3"]]
    table = read_legacy_data("a.csv", csv_bytes(header, rows, delimiter=";").replace(b'"', b""))
    assert table.header == header
    assert table.rows[0][1] == ["Иванов", "Иван", "Алматы, Абая 1, кв 2"]


# --- the mapping ------------------------------------------------------------------------------


def test_guess_mapping_in_three_languages():
    assert guess_mapping(["Фамилия", "Имя", "Отчество", "ИИН", "Дата рождения", "Пол",
                          "Гражданство", "Телефон", "Адрес", "Область", "Номер документа"]) == [
        "surname", "given_name", "patronymic", "iin", "birth_date", "sex", "citizenship",
        "phone", "address", "region", "doc_number"]
    assert guess_mapping(["Surname", "Given name", "Patronymic", "IIN", "Date of birth",
                          "Sex", "Citizenship", "Phone", "Address", "Region", "Other"]) == [
        "surname", "given_name", "patronymic", "iin", "birth_date", "sex", "citizenship",
        "phone", "address", "region", None]
    assert guess_mapping(["ТЕГІ", "аты:", "ЖСН", "Фамилия"]) == [
        "surname", "given_name", "iin", None]  # a field goes to its first column only


def test_a_mapping_without_the_required_fields_is_refused(database):
    table = read_legacy_data("a.csv", csv_bytes(RU_HEADER, RU_ROWS))
    with database.transaction() as session:
        with pytest.raises(MappingError) as raised:
            start_import(session, table, ["surname", None, None, None, None, None, None, None])
        assert raised.value.message() == (
            "Choose the columns of: Given name, Sex, Date of birth")
        with pytest.raises(MappingError) as raised:
            start_import(session, table, ["surname", "surname", "given_name", None,
                                          "birth_date", "sex", None, None])
        assert raised.value.message() == "More than one column is chosen for: Surname"


# --- validation and the report of rejected rows ----------------------------------------------


def test_rejected_rows_and_their_report(database, tmp_path):
    rows = [
        ["Иванов", "Пётр", "", "123", "12.04.1985", "м", "RU", ""],
        ["", "Анна", "", "", "31.02.1990", "x", "Нарния", ""],
        ["Сидоров", "Олег", "", iin("03.02.1970", "M", 2), "03.02.1971", "м", "", ""],
        ["Короткий", "Ряд"],
        ["Верный", "Ряд", "", "", "01.01.2000", "ж", "", ""],
    ]
    table = read_legacy_data("bad.csv", csv_bytes(RU_HEADER, rows, delimiter=";"))
    summary = import_all(database, table)
    assert (summary.total, summary.imported, summary.rejected, summary.duplicates) == (
        5, 1, 4, 0)
    assert reasons(database, summary) == {
        2: ["IIN: must be exactly 12 digits"],
        3: ["Date of birth: is not a date: write it as dd.mm.yyyy, yyyy-mm-dd or dd/mm/yyyy",
            "Sex: is not one of: M, F, м, ж, ер, әйел",
            "Citizenship: is not a known country code or name",
            "Surname: is required"],
        4: ["IIN: does not match the date of birth"],
        5: ["has 2 cells where the header has 8"],
    }
    path = tmp_path / "rejected.csv"
    assert legacy_import.save_rejected_csv(database, summary.import_id, path) == 4
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with the BOM
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Row", "Reasons"] + RU_HEADER
    assert lines[1] == ["2", "IIN: must be exactly 12 digits"] + rows[0]
    assert lines[4] == ["5", "has 2 cells where the header has 8", "Короткий", "Ряд"]
    # The reasons follow the language of the one who reads them.
    i18n.set_language("ru")
    with database.sessions() as session:
        header, rejected = rejected_rows(session, summary.import_id)
    assert rejected[0].reasons == ["ИИН: должен состоять ровно из 12 цифр"]


# --- duplicates -----------------------------------------------------------------------------


def register(database, surname, given_name, birth, serial=None, sex=Sex.MALE) -> uuid.UUID:
    with database.transaction() as session:
        return save_person(session, PersonInput(
            surname=surname, given_name=given_name, sex=sex, birth_date=birth,
            iin=make_iin(birth, sex, serial) if serial is not None else None), today=TODAY).id


def test_duplicates_as_in_registration(database):
    register(database, "Иванов", "Пётр", dt.date(1985, 4, 12), serial=1)
    register(database, "Петрова", "Анна", dt.date(1990, 1, 31), sex=Sex.FEMALE)
    rows = [
        ["Другой", "Человек", "", iin("12.04.1985", "M", 1), "12.04.1985", "м", "", ""],
        ["Петрова", "Анна", "", "", "31.01.1990", "ж", "", ""],
        ["Сидоров", "Олег", "", iin("03.02.1970", "M", 2), "03.02.1970", "м", "", ""],
        ["Сидорoв", "Олег", "", iin("03.02.1970", "M", 2), "03.02.1970", "м", "", ""],
        ["Сидоров", "Олег", "", "", "03.02.1970", "м", "", ""],
        ["Новый", "Человек", "", "", "03.02.1970", "м", "", ""],
    ]
    table = read_legacy_data("dups.csv", csv_bytes(RU_HEADER, rows))
    summary = import_all(database, table)
    assert (summary.imported, summary.rejected, summary.duplicates) == (2, 4, 4)
    assert reasons(database, summary) == {
        2: ["IIN: is already registered: Иванов Пётр, born 12/04/1985"],
        3: ["possible duplicate of Петрова Анна, born 31/01/1990 (the same date of birth and "
            "a similar name)"],
        5: ["IIN: is the same as on row 4"],
        6: ["possible duplicate of row 4 (the same date of birth and a similar name)"],
    }
    assert set(persons(database)) == {"Иванов", "Петрова", "Сидоров", "Новый"}


def test_possible_duplicates_imported_when_chosen(database):
    existing = register(database, "Петрова", "Анна", dt.date(1990, 1, 31), sex=Sex.FEMALE)
    rows = [["Петрова", "Анна", "", "", "31.01.1990", "ж", "", ""],
            ["Иванов", "Пётр", "", iin("12.04.1985", "M", 1), "12.04.1985", "м", "", ""],
            ["Иванов", "Пётр", "", iin("12.04.1985", "M", 1), "12.04.1985", "м", "", ""]]
    table = read_legacy_data("dups.csv", csv_bytes(RU_HEADER, rows))
    summary = import_all(database, table, import_duplicates=True)
    # the same IIN is never imported twice: the option is about possible duplicates only
    assert (summary.imported, summary.rejected, summary.duplicates) == (2, 1, 1)
    with database.sessions() as session:
        decision = session.scalars(select(DuplicateDecision)).one()
        assert decision.candidate_id == existing
        assert session.get(Person, decision.person_id).surname == "Петрова"
        assert session.scalar(select(func.count()).select_from(Person)) == 3


def test_a_deleted_persons_iin_rejects_the_row(database):
    from kzmigdesk.services.registration import delete_person

    person_id = register(database, "Иванов", "Пётр", dt.date(1985, 4, 12), serial=1)
    with database.transaction() as session:
        delete_person(session, person_id)
    rows = [["Иванов", "Пётр", "", iin("12.04.1985", "M", 1), "12.04.1985", "м", "", ""],
            ["Петров", "Пётр", "", "", "12.04.1985", "м", "", ""]]
    summary = import_all(database, read_legacy_data("a.csv", csv_bytes(RU_HEADER, rows)))
    assert (summary.imported, summary.rejected) == (1, 1)


# --- permissions, offices, audit ---------------------------------------------------------------


def test_permissions_office_and_audit(database):
    table = read_legacy_data("список.csv", csv_bytes(RU_HEADER, RU_ROWS))
    database.actor = None  # nobody signed in: no role, no REGISTER permission
    with database.transaction() as session:
        with pytest.raises(PermissionDenied):
            start_import(session, table, guess_mapping(table.header))
    with database.transaction() as session:
        region = session.scalars(select(Region).where(Region.code == "ALA")).one()
        office = Office(code="D1", name="District", kind=OfficeKind.DISTRICT,
                        region_id=region.id)
        session.add(office)
        session.flush()
        office_id = office.id
    clerk = Actor("aigerim", UserRole.CLERK, office_id=office_id)
    with database.acting_as(clerk).transaction() as session:
        import_id = start_import(session, table, guess_mapping(table.header))
    with pytest.raises(PermissionDenied):
        run_import(database, import_id, table, today=TODAY)
    summary = run_import(database.acting_as(clerk), import_id, table, today=TODAY)
    assert summary.imported == 3
    assert {p.office_id for p in persons(database).values()} == {office_id}
    database.actor = clerk
    with database.sessions() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert audit.verify(session).intact
    created = [e for e in entries if e.action == "create" and e.entity_type == "persons"]
    assert len(created) == 3 and {e.username for e in created} == {"aigerim"}
    assert created[0].changes["surname"] == [None, "Иванов"]
    [entry] = [e for e in entries if e.action == "import"]
    assert entry.changes == {"file": "список.csv", "rows": 3, "imported": 3, "rejected": 0,
                             "duplicates": 0, "status": "finished"}


# --- batches, cancel and resume --------------------------------------------------------------


def generated(count: int, bad_every: int = 0) -> bytes:
    """A list of `count` distinct persons, none a possible duplicate of another: names from
    short lists, each birth date shared by at most three rows with unlike names."""
    surnames = ("Абенов Омаров Сейткали Жумабаев Нурланов Кенжебеков Ахметов Бекмуратов "
                "Досмухамедов Есенгельдиев Жаксылыков Иманбаев Калиев Лукпанов Мухтаров "
                "Нигматуллин Оспанов Пернебеков Рахимжанов Сарсенбаев Тлеубердиев Утепов "
                "Файзуллин Хамитов Шайхиев Ыбыраев Ергалиев Волков Гончаров Дьяченко Зайцев "
                "Ильин Корнилов Лебедев Морозов Новиков Орлов Петров Романов Смирнов Тарасов "
                "Ушаков Фомин Харитонов Цветков Чернов Шестаков Щукин Юдин Яковлев Ли Ким Пак "
                "Цой Хан").split()
    given = ("Нурлан Айгерим Бауыржан Гульнара Данияр Ербол Жанар Зарина Ильяс Камила Лаура "
             "Мадина Нурсултан Олжас Перизат Рустем Салтанат Тимур Улан Фариза Хадиша Шынар "
             "Ержан Асель Алексей Борис Виктор Галина Дмитрий Елена Игорь Ксения Леонид Марина "
             "Николай Ольга Павел Руслан Светлана Татьяна").split()
    days, first = 45_000, dt.date(1901, 1, 1).toordinal()
    lines = ["Фамилия;Имя;ИИН;Дата рождения;Пол"]
    for i in range(count):
        cycle, day = divmod(i, days)
        birth = dt.date.fromordinal(first + day)
        sex = "M" if i % 2 else "F"
        date = ("31.02.2000" if bad_every and i % bad_every == bad_every - 1
                else f"{birth:%d.%m.%Y}")
        lines.append(f"{surnames[(day + 17 * cycle) % len(surnames)]};"
                     f"{given[(day // len(surnames) + 7 * cycle) % len(given)]};"
                     f"{make_iin(birth, sex, 10 * cycle)};{date};{sex}")
    return ("\n".join(lines) + "\n").encode()


def count(database, model, **where) -> int:
    with database.sessions() as session:
        query = select(func.count()).select_from(model)
        for name, value in where.items():
            query = query.where(getattr(model, name) == value)
        return session.scalar(query)


def test_100000_rows(database):
    started = time.perf_counter()
    table = read_legacy_data("big.csv", generated(100_000, bad_every=5000))
    read = time.perf_counter()
    progress = []
    with database.transaction() as session:
        import_id = start_import(session, table, guess_mapping(table.header))
    summary = run_import(database, import_id, table, today=TODAY,
                         progress=lambda done, total: progress.append((done, total)))
    finished = time.perf_counter()
    print(f"100,000 rows: read in {read - started:.1f} s, imported in {finished - read:.1f} s")
    assert (summary.imported, summary.rejected, summary.finished) == (99_980, 20, True)
    assert progress[0] == (1000, 100_000) and progress[-1] == (100_000, 100_000)
    assert count(database, Person) == 99_980
    assert count(database, LegacyImportRow, import_id=import_id) == 100_000
    with database.sessions() as session:
        assert session.scalar(select(func.count(func.distinct(Person.iin)))) == 99_980
        assert len(search_persons(session, "Жумабаев Нурлан")) > 0


def test_cancel_then_resume_imports_every_row_once(database):
    data = generated(1000, bad_every=100)
    table = read_legacy_data("list.csv", data)
    with database.transaction() as session:
        import_id = start_import(session, table, guess_mapping(table.header))
    batches = []
    summary = run_import(database, import_id, table, today=TODAY, batch_rows=150,
                         progress=lambda done, total: batches.append(done),
                         cancelled=lambda: len(batches) >= 2)
    assert batches == [150, 300]
    assert (summary.finished, summary.done) == (False, 300)
    assert count(database, Person) == 297  # rows 100, 200 and 300 of the data are bad
    # Opening the same file again finds the unfinished import, with its mapping.
    table = read_legacy_data("renamed.csv", data)
    info = legacy_import.unfinished_import(database, table)
    assert info.summary.import_id == import_id
    assert (info.summary.done, info.summary.total, info.summary.next_row) == (300, 1000, 302)
    assert info.mapping == guess_mapping(table.header)
    summary = run_import(database, import_id, table, today=TODAY, batch_rows=150)
    assert (summary.finished, summary.imported, summary.rejected) == (True, 990, 10)
    assert count(database, Person) == 990
    assert count(database, LegacyImportRow, import_id=import_id) == 1000
    with database.sessions() as session:
        assert session.scalar(select(func.count(func.distinct(Person.iin)))) == 990
        assert find_unfinished(session, table) is None
    # Resuming a finished import imports nothing.
    again = run_import(database, import_id, table, today=TODAY)
    assert (again.imported, again.finished) == (990, True)
    assert count(database, Person) == 990


def test_a_crash_in_a_batch_leaves_no_half_batch(database, monkeypatch):
    table = read_legacy_data("list.csv", generated(500))
    with database.transaction() as session:
        import_id = start_import(session, table, guess_mapping(table.header))
    original = legacy_import._Run.batch
    calls = []

    def crashing(self, session, rows):
        calls.append(len(rows))
        done = original(self, session, rows)
        if len(calls) == 3:  # after the persons are written, before the commit
            raise RuntimeError("power cut")
        return done

    monkeypatch.setattr(legacy_import._Run, "batch", crashing)
    with pytest.raises(RuntimeError):
        run_import(database, import_id, table, today=TODAY, batch_rows=100)
    assert count(database, Person) == 200
    assert count(database, LegacyImportRow, import_id=import_id) == 200
    monkeypatch.setattr(legacy_import._Run, "batch", original)
    summary = run_import(database, import_id, table, today=TODAY, batch_rows=100)
    assert (summary.imported, summary.finished) == (500, True)
    assert count(database, Person) == 500


def test_a_new_import_of_the_same_file_gives_up_the_unfinished_one(database):
    table = read_legacy_data("list.csv", generated(300))
    with database.transaction() as session:
        first = start_import(session, table, guess_mapping(table.header))
    run_import(database, first, table, today=TODAY, batch_rows=100, cancelled=lambda: True)
    with database.transaction() as session:
        second = start_import(session, table, guess_mapping(table.header))
        assert session.get(LegacyImport, first).status == "abandoned"
    summary = run_import(database, second, table, today=TODAY)
    # the rows the first import took are duplicates now: same IIN, rejected
    assert (summary.imported, summary.rejected, summary.duplicates) == (200, 100, 100)
    assert count(database, Person) == 300
    changed = read_legacy_data("list.csv", generated(301))
    with pytest.raises(legacy_import.ServiceError):
        run_import(database, second, changed, today=TODAY)


def test_imported_persons_travel_to_other_offices(offices):  # noqa: F811
    from test_exchange import REGION, register, send, snapshot

    district, region = offices
    register(district, "Әбенов")
    send(district, region, REGION)  # the first package: every record
    summary = import_all(district, read_legacy_data("a.csv", csv_bytes(RU_HEADER, RU_ROWS)))
    assert summary.imported == 3
    result = send(district, region, REGION)  # the next: what the audit trail says changed
    assert result.applied >= 3
    assert count(region, Person) == 4
    assert snapshot(region)["persons"] == snapshot(district)["persons"]


# --- identifiers in other digits, and the reader against any bytes ------------------------------


def test_iins_in_other_digits_are_read_as_the_form_reads_them(database):
    """Full-width and superscript digits are ASCII ones, so the same IIN is a duplicate
    however it is written; Arabic-Indic digits are a field error naming the IIN."""
    known = iin("12.04.1985", "M", 1)
    register(database, "Иванов", "Пётр", dt.date(1985, 4, 12), serial=1)
    other = iin("03.02.1970", "M", 2)
    full_width = "".join(chr(0xFF10 + int(d)) for d in known)
    superscript = other[:-1] + "⁰¹²³⁴⁵⁶⁷⁸⁹"[int(other[-1])]
    rows = [
        ["Другой", "Человек", "", full_width, "12.04.1985", "м", "", ""],
        ["Сидоров", "Олег", "", superscript, "03.02.1970", "м", "", ""],
        ["Сидорова", "Ольга", "", " ".join(other[i:i + 4] for i in (0, 4, 8)), "03.02.1970",
         "м", "", ""],
        ["Каримов", "Азамат", "", "".join(chr(0x0660 + int(d)) for d in known), "12.04.1985",
         "м", "", ""],
    ]
    summary = import_all(database, read_legacy_data("digits.csv", csv_bytes(RU_HEADER, rows)))
    assert (summary.imported, summary.rejected) == (1, 3)
    assert reasons(database, summary) == {
        2: ["IIN: is already registered: Иванов Пётр, born 12/04/1985"],
        4: ["IIN: is the same as on row 3"],
        5: ["IIN: must be exactly 12 digits"],
    }
    assert persons(database)["Сидоров"].iin == other


def _outcome(name: str, data: bytes):
    """What the reader makes of the bytes: a table, or a LegacyFileError with a message;
    anything else fails the test."""
    try:
        table = read_legacy_data(name, data)
    except LegacyFileError as error:
        assert error.message().startswith(f"The file {name} cannot be imported: ")
        return None
    assert table.header and table.rows and len(table.sha256) == 64
    return table


REAL_CSV = csv_bytes(RU_HEADER, RU_ROWS * 3, "utf-8-sig", ";")
REAL_XLSX = None


def real_xlsx() -> bytes:
    global REAL_XLSX
    if REAL_XLSX is None:
        REAL_XLSX = xlsx_bytes([RU_HEADER, *RU_ROWS])
    return REAL_XLSX


CELL = st.text(st.characters(codec="cp1251", exclude_categories=("Cs",)), max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(["a.csv", "a.xlsx", "a.txt"]))
def test_any_bytes_are_a_table_or_a_clear_error(data, name):
    _outcome(name, data)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.lists(CELL, min_size=1, max_size=6), min_size=1, max_size=6),
       st.sampled_from(["utf-8", "utf-8-sig", "cp1251"]), st.sampled_from([",", ";"]))
def test_any_cells_in_any_encoding_and_delimiter_are_a_table_or_a_clear_error(
        rows, encoding, delimiter):
    table = _outcome("a.csv", csv_bytes(rows[0], rows[1:], encoding, delimiter))
    if table is not None:
        assert all(isinstance(c, str) for _n, cells in table.rows for c in cells)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(["csv", "xlsx"]), st.floats(0, 1), st.binary(max_size=8))
def test_a_truncated_or_damaged_real_file_is_a_table_or_a_clear_error(kind, cut, tail):
    data = REAL_CSV if kind == "csv" else real_xlsx()
    _outcome(f"a.{kind}", data[:int(len(data) * cut)] + tail)
