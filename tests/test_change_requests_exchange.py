"""Four eyes through the exchange (issue 20): a case's decision, a permit's revocation and the
deletion of a person, a case or a permit travel like an identity change. Approved at the
sending office, they apply at the receiving one as approved (the approval, with who and when,
travels with them); made without an approval there (the sender's rules let its clerks decide
alone), they arrive as a request for the receiver's supervisors, and only its approval there
applies them. In both directions, between a SQLite office and a second office on the
`database` fixture (PostgreSQL when KZMIGDESK_TEST_POSTGRES_URL is set)."""

import datetime as dt
import shutil

import pytest
from sqlalchemy import insert, select

from kzmigdesk.domain.enums import (
    ChangeKind,
    PermitCategory,
    PermitStatus,
    RepatriateStatus,
    RequestStatus,
    Sex,
    UserRole,
)
from kzmigdesk.domain.identifiers import make_bin
from kzmigdesk.domain.models import (
    CaseStatusChange,
    ChangeRequest,
    KandasQuota,
    LabourQuota,
    PermitStatusChange,
    Person,
    Region,
    RepatriateCase,
    User,
    WorkPermit,
)
from kzmigdesk.services import change_requests as cr
from kzmigdesk.services import exchange, labour, registration, repatriation, users

TODAY = dt.date.today()
S = RepatriateStatus
NAMES = ("District office", "Regional office")


def _open_quotas(database):
    with database.transaction() as session:
        regions = session.scalars(select(Region.id)).all()
        years = range(TODAY.year - 1, TODAY.year + 2)
        session.execute(insert(LabourQuota), [
            dict(year=y, region_id=r, category=c, amount=100)
            for y in years for r in regions for c in PermitCategory])
        session.execute(insert(KandasQuota), [
            dict(year=y, region_id=r, amount=100) for y in years for r in regions])


@pytest.fixture
def offices(tmp_path, migrated_template, database):
    """The district office on a SQLite file, the regional office on the `database` fixture;
    each with a clerk and a supervisor (no office of their own), peers of each other."""
    from conftest import TEST_ADMINISTRATOR

    from kzmigdesk.services.workspace import open_database

    path = tmp_path / "district.sqlite3"
    shutil.copyfile(migrated_template, path)
    district = open_database(str(path))
    district.actor = TEST_ADMINISTRATOR
    key = exchange.new_key()
    made = {}
    for number, (db, name, peer) in enumerate(((district, *NAMES), (database, *NAMES[::-1]))):
        with db.transaction() as session:
            exchange.set_office_name(session, name)
            exchange.add_peer(session, peer, key)
            accounts = {}
            for username, role in ((f"clerk{number}", UserRole.CLERK),
                                   (f"chief{number}", UserRole.SUPERVISOR)):
                user = User(username=username, full_name=username, role=role)
                session.add(user)
                session.flush()
                accounts[role] = users.actor_of(user)
        made[name] = (db, accounts)
    _open_quotas(district)  # the quotas reach the region in the first package
    send(made, NAMES[0])
    yield made
    district.close()


def send(offices, source: str) -> exchange.ImportResult:
    target = NAMES[1 - NAMES.index(source)]
    with offices[source][0].transaction() as session:
        data = exchange.export_package(session, target).data
    with offices[target][0].transaction() as session:
        return exchange.import_package(session, data)


def as_(offices, office, role):
    database, accounts = offices[office]
    return database.acting_as(accounts[role])


def stored(database, model, record_id):
    with database.sessions() as session:
        return session.execute(select(model).where(model.id == record_id).execution_options(
            include_deleted=True)).scalar_one()


def _setup(offices, sender):
    """A person with an applied case and a foreign worker with a permit, registered at the
    sender and known at both offices (and both offices' accounts known at both)."""
    database = offices[sender][0]
    with database.transaction() as session:
        region = session.scalars(select(Region).where(Region.code == "ALA")).one()
        person = registration.save_person(session, registration.PersonInput(
            surname="Әбенов", given_name="Нұрлан", sex=Sex.MALE,
            birth_date=dt.date(1980, 1, 1), citizenship="UZ"))
        case = repatriation.open_case(session, person, repatriation.CaseInput(
            country_of_origin="UZ", application_date=TODAY - dt.timedelta(days=30)))
        worker = registration.save_person(session, registration.PersonInput(
            surname="Wang", given_name="Wei", sex=Sex.MALE, birth_date=dt.date(1988, 5, 20),
            citizenship="CN"))
        employer = labour.save_employer(session, labour.EmployerInput(
            bin=make_bin(dt.date(2015, 3, 1), 1), name="ТОО «Казстрой»", region_id=region.id))
        permit = labour.issue_permit(session, worker, employer, labour.PermitInput(
            number="WP-1", category=PermitCategory.CATEGORY_4, region_id=region.id,
            valid_from=TODAY - dt.timedelta(days=10), valid_to=TODAY + dt.timedelta(days=100)))
        ids = dict(person=person.id, case=case.id, permit=permit.id)
    receiver = NAMES[1 - NAMES.index(sender)]
    send(offices, sender)
    send(offices, receiver)
    return ids


def _grant(database, ids):
    repatriation.change_case_status(database, ids["case"], S.GRANTED, TODAY,
                                    certificate_number="KND-77")


def _refuse(database, ids):
    repatriation.change_case_status(database, ids["case"], S.REFUSED, TODAY,
                                    comment="not of Kazakh origin")


def _citizenship(database, ids):
    repatriation.change_case_status(database, ids["case"], S.CITIZENSHIP_REQUESTED, TODAY)


def _revoke(database, ids):
    labour.set_permit_status(database, ids["permit"], PermitStatus.REVOKED, TODAY,
                             comment="the employer ended the contract")


def _delete(target_type, key):
    def run(database, ids):
        with cr.transaction(database) as session:
            cr.delete_record(session, target_type, ids[key])
    return run


def _status(model, key, status):
    return lambda database, ids: stored(database, model, ids[key]).status is status


def _deleted(model, key):
    return lambda database, ids: stored(database, model, ids[key]).deleted_at is not None


# kind, do it, is it applied?, the history model of the decision (or None)
CHANGES = {
    "grant": (ChangeKind.KANDAS_STATUS, _grant, _status(RepatriateCase, "case", S.GRANTED),
              CaseStatusChange),
    "refuse": (ChangeKind.KANDAS_STATUS, _refuse, _status(RepatriateCase, "case", S.REFUSED),
               CaseStatusChange),
    "citizenship": (ChangeKind.CITIZENSHIP_STEP, _citizenship,
                    _status(RepatriateCase, "case", S.CITIZENSHIP_REQUESTED), CaseStatusChange),
    "revoke": (ChangeKind.PERMIT_REVOCATION, _revoke,
               _status(WorkPermit, "permit", PermitStatus.REVOKED), PermitStatusChange),
    "delete person": (ChangeKind.DELETION, _delete("persons", "person"),
                      _deleted(Person, "person"), None),
    "delete case": (ChangeKind.DELETION, _delete("repatriate_cases", "case"),
                    _deleted(RepatriateCase, "case"), None),
    "delete permit": (ChangeKind.DELETION, _delete("work_permits", "permit"),
                      _deleted(WorkPermit, "permit"), None),
}


def utc(moment):
    """A moment as naive UTC (PostgreSQL gives aware times, SQLite naive ones in UTC)."""
    if moment is not None and moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
    return moment


def _history(database, model, ids):
    if model is None:
        return None
    parent = model.case_id if model is CaseStatusChange else model.permit_id
    key = "case" if model is CaseStatusChange else "permit"
    with database.sessions() as session:
        return [c.to_status for c in session.scalars(
            select(model).where(parent == ids[key]).order_by(model.created_at))]


def _prepare(offices, sender, change, ids):
    if change == "citizenship":  # the case is granted first (an administrator: at once)
        _grant(offices[sender][0], ids)
        send(offices, sender)


@pytest.mark.parametrize("sender", NAMES)
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_approved_at_the_sender_applies_at_the_receiver_as_approved(offices, sender, change):
    kind, run, applied, history = CHANGES[change]
    receiver = NAMES[1 - NAMES.index(sender)]
    ids = _setup(offices, sender)
    _prepare(offices, sender, change, ids)
    with pytest.raises(cr.SentForApproval) as sent:
        run(as_(offices, sender, UserRole.CLERK), ids)
    cr.approve_request(as_(offices, sender, UserRole.SUPERVISOR), sent.value.request_id)
    there = offices[receiver][0]
    assert not applied(there, ids)
    result = send(offices, sender)
    assert result.held == 0
    assert applied(there, ids)
    approval = stored(there, ChangeRequest, sent.value.request_id)
    at_sender = stored(offices[sender][0], ChangeRequest, sent.value.request_id)
    assert (approval.kind, approval.status, approval.author_name, approval.decided_by_name,
            utc(approval.decided_at)) == (kind, RequestStatus.APPROVED, at_sender.author_name,
                                          at_sender.decided_by_name, utc(at_sender.decided_at))
    assert approval.decided_by_name.startswith("chief")
    assert _history(there, history, ids) == _history(offices[sender][0], history, ids)
    supervisor = as_(offices, receiver, UserRole.SUPERVISOR)
    assert cr.list_requests(supervisor) == []  # nothing waits at the receiver


@pytest.mark.parametrize("sender", NAMES)
@pytest.mark.parametrize("change", sorted(CHANGES))
def test_without_an_approval_it_arrives_as_a_request(offices, sender, change):
    kind, run, applied, history = CHANGES[change]
    receiver = NAMES[1 - NAMES.index(sender)]
    ids = _setup(offices, sender)
    _prepare(offices, sender, change, ids)
    here, there = offices[sender][0], offices[receiver][0]
    cr.set_approval_rules(here, cr.ApprovalRules(kinds=frozenset()))  # the sender's clerks
    run(as_(offices, sender, UserRole.CLERK), ids)  # decide alone
    assert applied(here, ids)
    history_before = _history(there, history, ids)
    result = send(offices, sender)
    assert result.held >= 1
    assert not applied(there, ids)  # not before a supervisor here approves
    assert _history(there, history, ids) == history_before
    supervisor = as_(offices, receiver, UserRole.SUPERVISOR)
    [waiting] = cr.list_requests(supervisor)
    assert (waiting.kind, waiting.author) == (kind, sender)
    detail = cr.load_request(supervisor, waiting.id)
    assert detail.may_decide and detail.fields and not detail.changed_since
    assert send(offices, sender).held == 0  # held once
    assert len(cr.list_requests(supervisor)) == 1
    cr.approve_request(supervisor, waiting.id)
    assert applied(there, ids)
    assert _history(there, history, ids) == _history(here, history, ids)
    assert stored(there, ChangeRequest, waiting.id).decided_by_name.startswith("chief")
    # both offices agree again after a round of packages
    for _round in range(2):
        send(offices, receiver)
        send(offices, sender)
    assert applied(here, ids) and applied(there, ids)
    with there.sessions() as session:
        assert session.scalars(select(ChangeRequest).where(
            ChangeRequest.status == RequestStatus.SUBMITTED)).all() == []


def _held_grant(offices, sender):
    """A clerk's grant at `sender`, whose rules let clerks decide alone, sent: held at the
    receiver. (ids, the sender's database, the receiver's, the receiver's supervisor)"""
    receiver = NAMES[1 - NAMES.index(sender)]
    ids = _setup(offices, sender)
    here, there = offices[sender][0], offices[receiver][0]
    cr.set_approval_rules(here, cr.ApprovalRules(kinds=frozenset()))
    _grant(as_(offices, sender, UserRole.CLERK), ids)
    assert send(offices, sender).held == 2  # the case and its history row, in one request
    return ids, here, there, as_(offices, receiver, UserRole.SUPERVISOR)


@pytest.mark.parametrize("sender", NAMES)
def test_a_held_decision_rejected_at_the_receiver_never_applies(offices, sender):
    ids, here, there, supervisor = _held_grant(offices, sender)
    # the household waits with its case (the person's row of the package says granted)
    assert stored(here, Person, ids["person"]).status == S.GRANTED.value
    assert stored(there, Person, ids["person"]).status == S.APPLIED.value
    [waiting] = cr.list_requests(supervisor)
    cr.reject_request(supervisor, waiting.id, "the certificate is not signed")
    assert stored(there, RepatriateCase, ids["case"]).status is S.APPLIED
    assert _history(there, CaseStatusChange, ids) == [S.APPLIED]
    assert stored(there, Person, ids["person"]).status == S.APPLIED.value


@pytest.mark.parametrize("sender", NAMES)
def test_a_held_decision_approved_at_the_receiver_reaches_the_household(offices, sender):
    receiver = NAMES[1 - NAMES.index(sender)]
    ids, here, there, supervisor = _held_grant(offices, sender)
    assert stored(there, Person, ids["person"]).status == S.APPLIED.value
    [waiting] = cr.list_requests(supervisor)
    cr.approve_request(supervisor, waiting.id)
    person_here, person_there = (stored(db, Person, ids["person"]) for db in (here, there))
    assert person_there.status == S.GRANTED.value
    assert person_there.version == person_here.version  # nothing to send back
    assert send(offices, receiver).conflicts == 0


@pytest.mark.parametrize("sender", NAMES)
def test_an_approval_travels_for_its_own_change_only(offices, sender):
    """An approved grant in the package does not let a later decision of another kind (made
    alone by a clerk at the sender) through: that one waits at the receiver."""
    receiver = NAMES[1 - NAMES.index(sender)]
    ids = _setup(offices, sender)
    here, there = offices[sender][0], offices[receiver][0]
    with pytest.raises(cr.SentForApproval) as sent:
        _grant(as_(offices, sender, UserRole.CLERK), ids)
    cr.approve_request(as_(offices, sender, UserRole.SUPERVISOR), sent.value.request_id)
    cr.set_approval_rules(here, cr.ApprovalRules(kinds=frozenset()))
    _citizenship(as_(offices, sender, UserRole.CLERK), ids)
    assert stored(here, RepatriateCase, ids["case"]).status is S.CITIZENSHIP_REQUESTED
    assert send(offices, sender).held >= 1
    assert stored(there, RepatriateCase, ids["case"]).status is S.APPLIED
    [waiting] = cr.list_requests(as_(offices, receiver, UserRole.SUPERVISOR))
    assert waiting.kind is ChangeKind.CITIZENSHIP_STEP
