"""The acting user travels one way: bound to the database at sign-in, read by the services
and the audit trail. Every row written by a signed-in clerk that names a user names them."""

import datetime as dt

from sqlalchemy import select

from kzmigdesk.domain.enums import (
    OfficeKind,
    PermitCategory,
    PermitStatus,
    RepatriateStatus,
    Sex,
    UserRole,
)
from kzmigdesk.domain.identifiers import make_bin
from kzmigdesk.domain.models import Base, Office, Person, Region
from kzmigdesk.services import labour, legacy_import, repatriation, users
from kzmigdesk.services.legacy_fields import guess_mapping
from kzmigdesk.services.legacy_files import read_legacy_data
from kzmigdesk.services.registration import DuplicatesFound, PersonInput, save_person

TODAY = dt.date(2026, 6, 1)


def user_columns() -> list[tuple[str, str]]:
    """(table, column) of every column that names the user who wrote the row."""
    return [(table.name, column.name) for table in Base.metadata.sorted_tables
            for column in table.columns if column.name == "user_id"]


def rows_naming_users(database) -> dict[tuple[str, str], dict]:
    """For each such column: the user it names, by the row's id."""
    with database.sessions() as session:
        return {(table, column): dict(session.execute(
                    select(Base.metadata.tables[table].c.id,
                           Base.metadata.tables[table].c[column])).all())
                for table, column in user_columns()}


def test_every_row_a_signed_in_clerk_writes_names_the_clerk(open_quotas):
    database = open_quotas
    with database.transaction() as session:
        region = session.scalars(select(Region).where(Region.code == "ALA")).one()
        office = Office(code="D1", name="District", kind=OfficeKind.DISTRICT,
                        region_id=region.id)
        session.add(office)
        session.flush()
        users.save_user(session, users.UserInput("aigerim", "Айгерім", UserRole.CLERK,
                                                 "password-1", office.id))
        region_id = region.id
    before = rows_naming_users(database)
    database.actor = users.sign_in(database, "aigerim", "password-1")  # as the window does
    clerk_id = database.actor.user_id
    assert clerk_id is not None

    born = dt.date(1980, 5, 1)
    with database.transaction() as session:
        head = save_person(session, PersonInput(surname="Әбенов", given_name="Нұрлан",
                                                sex=Sex.MALE, birth_date=born,
                                                citizenship="UZ"))
        # A possible duplicate saved anyway: the decision names who made it.
        data = PersonInput(surname="Абенов", given_name="Нурлан", sex=Sex.MALE,
                           birth_date=born, citizenship="UZ")
        try:
            save_person(session, data)
        except DuplicatesFound:
            save_person(session, data, confirm_duplicates=True)
        case = repatriation.open_case(session, head, repatriation.CaseInput(
            country_of_origin="UZ", application_date=TODAY), today=TODAY)
        repatriation.change_status(session, case, RepatriateStatus.WITHDRAWN, TODAY,
                                   comment="moved", today=TODAY)
        worker = session.get(Person, save_person(session, PersonInput(
            surname="Wang", given_name="Wei", sex=Sex.MALE, birth_date=dt.date(1988, 5, 20),
            citizenship="CN")).id)
        employer = labour.save_employer(session, labour.EmployerInput(
            bin=make_bin(dt.date(2015, 3, 1), 1), name="ТОО «Казстрой»", region_id=region_id))
        permit = labour.issue_permit(session, worker, employer, labour.PermitInput(
            number="WP-1", category=PermitCategory.CATEGORY_4, region_id=region_id,
            valid_from=TODAY, valid_to=TODAY + dt.timedelta(days=100)), today=TODAY)
        # (a clerk's revocation would wait for approval: services/change_requests.py)
        labour.change_permit_status(session, permit, PermitStatus.EXTENDED, TODAY,
                                    new_valid_to=TODAY + dt.timedelta(days=200), today=TODAY)
    table = read_legacy_data("list.csv", "Surname,Name,Date of birth,Sex\n"
                             "Иванов,Пётр,12.04.1985,M\n".encode())
    with database.transaction() as session:
        import_id = legacy_import.start_import(session, table, guess_mapping(table.header))
    legacy_import.run_import(database, import_id, table, today=TODAY)

    after = rows_naming_users(database)
    written = {key: [user for row, user in rows.items() if row not in before[key]]
               for key, rows in after.items()}
    for table_name in ("duplicate_decisions", "case_status_changes", "permit_status_changes",
                       "legacy_imports", "audit_entries"):
        assert written[(table_name, "user_id")], f"{table_name}: nothing written"
    wrong = {key: values for key, values in written.items()
             if any(value != clerk_id for value in values)}
    assert not wrong, f"rows that name another user, or none: {wrong}"


def test_no_service_takes_an_actor_or_a_user_id():
    """The acting user is never passed around: no service function takes one."""
    import importlib
    import pkgutil

    import kzmigdesk.services

    offenders = []
    for module_info in pkgutil.iter_modules(kzmigdesk.services.__path__):
        module = importlib.import_module(f"kzmigdesk.services.{module_info.name}")
        for name, function in vars(module).items():
            if not callable(function) or getattr(function, "__module__", "") != module.__name__:
                continue
            code = getattr(function, "__code__", None)
            if code and {"actor", "user_id"} & set(code.co_varnames[:code.co_argcount
                                                                     + code.co_kwonlyargcount]):
                offenders.append(f"{module.__name__}.{name}")
    assert offenders == [] or set(offenders) <= ALLOWED, offenders


# Not a unit of work: a restore replaces the file of a closed database, so it is told whose
# right it checks; save_user edits the account named by user_id; require() checks an actor.
ALLOWED = {"kzmigdesk.services.backup.restore", "kzmigdesk.services.users.save_user",
           "kzmigdesk.services.auth.require", "kzmigdesk.services.auth.actor_may",
           "kzmigdesk.services.auth.bind_at_sign_in"}

