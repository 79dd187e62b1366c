"""Four eyes on identity data and status decisions (services/change_requests.py): each kind of
change for each role, through the paths the windows use, on SQLite and PostgreSQL."""

import datetime as dt

import pytest
from sqlalchemy import select

from kzmigdesk.domain.enums import (
    ChangeKind,
    OfficeKind,
    PermitCategory,
    PermitStatus,
    RepatriateStatus,
    RequestStatus,
    Sex,
    UserRole,
)
from kzmigdesk.domain.identifiers import make_bin
from kzmigdesk.domain.models import (
    AuditEntry,
    ChangeRequest,
    Office,
    Person,
    Region,
    RepatriateCase,
    User,
    WorkPermit,
)
from kzmigdesk.services import change_requests as cr
from kzmigdesk.services import labour, registration, repatriation, users
from kzmigdesk.services.auth import OtherOffice, PermissionDenied
from kzmigdesk.services.errors import ServiceError, ValidationFailed

TODAY = dt.date.today()
S = RepatriateStatus


@pytest.fixture
def world(open_quotas):
    """Offices A and B; a clerk and a supervisor of each, an administrator; a person of office
    A with a passport, an open case (applied) and a foreign worker with a permit."""
    database = open_quotas
    with database.transaction() as session:
        region = session.scalars(select(Region).where(Region.code == "ALA")).one()
        a = Office(code="A", name="Office A", kind=OfficeKind.DISTRICT, region_id=region.id)
        b = Office(code="B", name="Office B", kind=OfficeKind.DISTRICT, region_id=region.id)
        session.add_all([a, b])
        session.flush()
        accounts = {}
        for name, role, office in (("aigerim", UserRole.CLERK, a), ("bolat", UserRole.CLERK, b),
                                   ("serik", UserRole.SUPERVISOR, a),
                                   ("dana", UserRole.SUPERVISOR, b),
                                   ("admin", UserRole.ADMINISTRATOR, None)):
            user = User(username=name, full_name=name.title(), role=role,
                        office_id=office.id if office else None)
            session.add(user)
            session.flush()
            accounts[name] = users.actor_of(user)
    clerk_a = database.acting_as(accounts["aigerim"])
    with clerk_a.transaction() as session:
        person = registration.save_person(session, nurlan(), [passport()])
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
    return dict(database=database, accounts=accounts, person=person.id, case=case.id,
                permit=permit.id, worker=worker.id)


def nurlan(**changes) -> registration.PersonInput:
    values = dict(surname="Әбенов", given_name="Нұрлан", sex=Sex.MALE,
                  birth_date=dt.date(1980, 1, 1), citizenship="UZ", phone="+77011234567")
    return registration.PersonInput(**(values | changes))


def passport(number="N1234567") -> registration.DocumentInput:
    from kzmigdesk.domain.enums import DocumentType

    return registration.DocumentInput(DocumentType.FOREIGN_PASSPORT, number, "UZ")


def as_(world, name):
    return world["database"].acting_as(world["accounts"][name])


def stored(world, model, record_id):
    with world["database"].sessions() as session:
        return session.execute(select(model).where(model.id == record_id).execution_options(
            include_deleted=True)).scalar_one()


def requests(world) -> list[ChangeRequest]:
    with world["database"].sessions() as session:
        return session.scalars(select(ChangeRequest).order_by(ChangeRequest.created_at)).all()


def edit_person(world, who, **changes):
    """The person form's save (registration.register_person) of the stored person."""
    database = as_(world, who)
    record = registration.load_person(database, world["person"])
    data = record.data
    for name, value in changes.items():
        setattr(data, name, value)
    return registration.register_person(database, data, list(record.documents),
                                        person_id=world["person"],
                                        expected_version=record.version)


# Each kind of change, as the window makes it: (do it, was it applied?).
def _identity(world, who):
    edit_person(world, who, surname="Әбенұлы")


def _identity_applied(world):
    return stored(world, Person, world["person"]).surname == "Әбенұлы"


def _document(world, who):
    database = as_(world, who)
    record = registration.load_person(database, world["person"])
    documents = [registration.DocumentInput(d.doc_type, "N7654321", d.issuing_country,
                                            d.issued_by, d.issue_date, d.expiry_date, d.id)
                 for d in record.documents]
    registration.register_person(database, record.data, documents, person_id=world["person"],
                                 expected_version=record.version)


def _document_applied(world):
    with world["database"].sessions() as session:
        return [d.number for d in session.get(Person, world["person"]).documents] == ["N7654321"]


def _grant(world, who):
    repatriation.change_case_status(as_(world, who), world["case"], S.GRANTED, TODAY,
                                    certificate_number="KND-77")


def _refuse(world, who):
    repatriation.change_case_status(as_(world, who), world["case"], S.REFUSED, TODAY,
                                    comment="not of Kazakh origin")


def _citizenship(world, who):
    with world["database"].acting_as(world["accounts"]["admin"]).transaction() as session:
        repatriation.change_status(session, session.get(RepatriateCase, world["case"]),
                                   S.GRANTED, TODAY, certificate_number="KND-78")
    repatriation.change_case_status(as_(world, who), world["case"],
                                    S.CITIZENSHIP_REQUESTED, TODAY)


def _case_status(status):
    return lambda world: stored(world, RepatriateCase, world["case"]).status is status


def _revoke(world, who):
    labour.set_permit_status(as_(world, who), world["permit"], PermitStatus.REVOKED, TODAY,
                             comment="the employer ended the contract")


def _revoked(world):
    return stored(world, WorkPermit, world["permit"]).status is PermitStatus.REVOKED


def _delete(target_type, key):
    def run(world, who):
        with cr.transaction(as_(world, who)) as session:
            cr.delete_record(session, target_type, world[key])
    return run


def _deleted(model, key):
    return lambda world: stored(world, model, world[key]).deleted_at is not None


KINDS = {
    "identity": (ChangeKind.IDENTITY, _identity, _identity_applied),
    "document number": (ChangeKind.IDENTITY, _document, _document_applied),
    "grant": (ChangeKind.KANDAS_STATUS, _grant, _case_status(S.GRANTED)),
    "refuse": (ChangeKind.KANDAS_STATUS, _refuse, _case_status(S.REFUSED)),
    "citizenship": (ChangeKind.CITIZENSHIP_STEP, _citizenship,
                    _case_status(S.CITIZENSHIP_REQUESTED)),
    "revoke": (ChangeKind.PERMIT_REVOCATION, _revoke, _revoked),
    "delete person": (ChangeKind.DELETION, _delete("persons", "person"),
                      _deleted(Person, "person")),
    "delete case": (ChangeKind.DELETION, _delete("repatriate_cases", "case"),
                    _deleted(RepatriateCase, "case")),
    "delete permit": (ChangeKind.DELETION, _delete("work_permits", "permit"),
                      _deleted(WorkPermit, "permit")),
}


@pytest.mark.parametrize("change", sorted(KINDS))
@pytest.mark.parametrize("who", ["aigerim", "serik", "admin"])
def test_each_kind_of_change_for_each_role(world, change, who):
    """A clerk's change waits for a supervisor (nothing applied until approved); a
    supervisor's and an administrator's apply at once."""
    kind, run, applied = KINDS[change]
    if who == "aigerim":
        with pytest.raises(cr.SentForApproval) as sent:
            run(world, who)
        assert sent.value.message().startswith("Sent for approval: ")
        assert not applied(world)
        [request] = requests(world)
        assert (request.kind, request.status, request.author_name) == (
            kind, RequestStatus.SUBMITTED, "aigerim")
        assert request.id == sent.value.request_id
        detail = cr.load_request(as_(world, "serik"), request.id)
        assert detail.may_decide and detail.fields and not detail.changed_since
        cr.approve_request(as_(world, "serik"), request.id)
        assert applied(world)
        assert requests(world)[0].status is RequestStatus.APPROVED
        assert requests(world)[0].decided_by_name == "serik"
    else:
        run(world, who)
        assert applied(world)
        assert requests(world) == []


def test_a_clerks_other_changes_apply_at_once(world):
    edit_person(world, "aigerim", phone="+77019998877", notes="moved to Almaty")
    assert stored(world, Person, world["person"]).phone == "+77019998877"
    repatriation.change_case_status(as_(world, "aigerim"), world["case"], S.WITHDRAWN, TODAY,
                                    comment="the family moved")
    assert requests(world) == []


def test_identity_change_reaches_the_person_only_once_approved_and_each_step_is_audited(world):
    with pytest.raises(cr.SentForApproval):
        edit_person(world, "aigerim", surname="Әбенұлы", iin=None, phone="+77010000000")
    person = stored(world, Person, world["person"])
    assert (person.surname, person.phone) == ("Әбенов", "+77011234567")  # none of the save
    [request] = requests(world)
    assert request.changes == {"surname": "Әбенұлы", "phone": "+77010000000"}
    assert request.base["surname"] == "Әбенов" and request.base["version"] == person.version
    detail = cr.load_request(as_(world, "serik"), request.id)
    assert [(d.label, d.old, d.new) for d in detail.fields] == [
        ("Surname", "Әбенов", "Әбенұлы"), ("Phone", "+77011234567", "+77010000000")]
    assert cr.list_requests(as_(world, "serik"))[0].id == request.id
    cr.approve_request(as_(world, "serik"), request.id)
    person = stored(world, Person, world["person"])
    assert (person.surname, person.phone) == ("Әбенұлы", "+77010000000")
    with world["database"].sessions() as session:
        trail = [(e.action, e.entity_type, e.username) for e in session.scalars(
            select(AuditEntry).where(AuditEntry.entity_type.in_(["change_requests", "persons"]))
            .order_by(AuditEntry.seq))]
    assert trail[-3:] == [("create", "change_requests", "aigerim"),
                          ("update", "persons", "serik"),
                          ("status", "change_requests", "serik")]


def test_self_approval_and_others_are_refused(world):
    cr.set_approval_rules(as_(world, "admin"), cr.ApprovalRules(
        roles=frozenset({UserRole.CLERK, UserRole.SUPERVISOR})))
    with pytest.raises(cr.SentForApproval) as sent:
        edit_person(world, "serik", surname="Әбенұлы")
    request_id = sent.value.request_id
    with pytest.raises(cr.NotAnApprover, match="their own request"):
        cr.approve_request(as_(world, "serik"), request_id)
    with pytest.raises(cr.NotAnApprover, match="their own request"):
        cr.reject_request(as_(world, "serik"), request_id, "no")
    with pytest.raises(PermissionDenied):
        cr.approve_request(as_(world, "aigerim"), request_id)
    with pytest.raises(cr.NotAnApprover, match="another office"):
        cr.approve_request(as_(world, "dana"), request_id)
    assert not cr.load_request(as_(world, "serik"), request_id).may_decide
    cr.approve_request(as_(world, "admin"), request_id)
    assert stored(world, Person, world["person"]).surname == "Әбенұлы"
    with pytest.raises(ServiceError, match="decided already"):
        cr.approve_request(as_(world, "admin"), request_id)


def test_a_clerk_of_another_office_is_refused_before_any_request(world):
    with pytest.raises(OtherOffice):
        edit_person(world, "bolat", surname="Әбенұлы")
    assert requests(world) == []


def test_a_stale_request_is_not_applied_blindly(world):
    with pytest.raises(cr.SentForApproval) as sent:
        edit_person(world, "aigerim", surname="Әбенұлы")
    edit_person(world, "serik", phone="+77015550000", given_name="Нурлан")  # meanwhile
    with pytest.raises(cr.StaleRequest) as stale:
        cr.approve_request(as_(world, "serik"), sent.value.request_id)
    assert {(d.field, d.old, d.new) for d in stale.value.differences} == {
        ("phone", "+77011234567", "+77015550000"), ("given_name", "Нұрлан", "Нурлан")}
    assert stored(world, Person, world["person"]).surname == "Әбенов"
    detail = cr.load_request(as_(world, "serik"), sent.value.request_id)
    assert {d.field for d in detail.changed_since} == {"phone", "given_name"}
    # the approver has compared them: applied onto the record as it is now
    cr.approve_request(as_(world, "serik"), sent.value.request_id,
                       seen_version=stale.value.version)
    person = stored(world, Person, world["person"])
    assert (person.surname, person.given_name, person.phone) == (
        "Әбенұлы", "Нурлан", "+77015550000")


def test_a_stale_status_decision(world):
    with pytest.raises(cr.SentForApproval) as sent:
        _grant(world, "aigerim")
    repatriation.change_case_status(as_(world, "serik"), world["case"], S.WITHDRAWN, TODAY,
                                    comment="the family moved")
    with pytest.raises(cr.StaleRequest) as stale:
        cr.approve_request(as_(world, "serik"), sent.value.request_id)
    assert [(d.field, d.old, d.new) for d in stale.value.differences] == [
        ("status", "applied", "withdrawn")]
    with pytest.raises(ServiceError):  # the decision no longer fits the case
        cr.approve_request(as_(world, "serik"), sent.value.request_id,
                           seen_version=stale.value.version)
    assert requests(world)[0].status is RequestStatus.SUBMITTED


def test_reject_needs_a_reason_and_only_the_author_withdraws(world):
    with pytest.raises(cr.SentForApproval) as first:
        _revoke(world, "aigerim")
    with pytest.raises(ValidationFailed):
        cr.reject_request(as_(world, "serik"), first.value.request_id, "  ")
    cr.reject_request(as_(world, "serik"), first.value.request_id, "the contract still runs")
    assert not _revoked(world)
    assert (requests(world)[0].status, requests(world)[0].reason) == (
        RequestStatus.REJECTED, "the contract still runs")
    with pytest.raises(cr.SentForApproval) as second:
        _revoke(world, "aigerim")
    with pytest.raises(ServiceError, match="Only the author"):
        cr.withdraw_request(as_(world, "serik"), second.value.request_id)
    assert cr.load_request(as_(world, "aigerim"), second.value.request_id).may_withdraw
    cr.withdraw_request(as_(world, "aigerim"), second.value.request_id)
    assert requests(world)[1].status is RequestStatus.WITHDRAWN
    with pytest.raises(ServiceError, match="decided already"):
        cr.approve_request(as_(world, "serik"), second.value.request_id)


def test_the_rules_are_stored_and_only_an_administrator_changes_them(world):
    assert cr.approval_rules(world["database"]) == cr.DEFAULT_RULES
    with pytest.raises(PermissionDenied):
        cr.set_approval_rules(as_(world, "serik"), cr.ApprovalRules(kinds=frozenset()))
    cr.set_approval_rules(as_(world, "admin"), cr.ApprovalRules(
        kinds=frozenset(ChangeKind) - {ChangeKind.IDENTITY}))
    edit_person(world, "aigerim", surname="Әбенұлы")  # no longer needs approval
    assert _identity_applied(world)
    with pytest.raises(cr.SentForApproval):
        _revoke(world, "aigerim")
    with world["database"].sessions() as session:
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "settings")).one()
        assert entry.username == "admin" and "identity" in entry.changes["kinds"][0]


def test_the_queue_shows_each_approver_their_office(world):
    with pytest.raises(cr.SentForApproval):
        _identity(world, "aigerim")
    with world["database"].acting_as(world["accounts"]["admin"]).transaction() as session:
        person = registration.save_person(session, nurlan(surname="Бекова", sex=Sex.FEMALE))
        person.office_id = stored(world, User, world["accounts"]["bolat"].user_id).office_id
    with pytest.raises(cr.SentForApproval):
        with cr.transaction(as_(world, "bolat")) as session:
            registration.delete_person(session, person.id)
    counts = {}
    for who in ("aigerim", "bolat", "serik", "dana", "admin"):
        with as_(world, who).sessions() as session:
            counts[who] = cr.count_waiting(session)
        assert len(cr.list_requests(as_(world, who))) == counts[who]
    assert counts == {"aigerim": 1, "bolat": 1, "serik": 1, "dana": 1, "admin": 2}


def test_the_worklist_counts_the_requests_an_approver_may_decide(world):
    from kzmigdesk.services.worklist import worklist

    def groups(who):
        return {g.key: g for g in worklist(as_(world, who)).groups}

    assert "requests" not in groups("serik")  # none waits
    with pytest.raises(cr.SentForApproval) as sent:
        _revoke(world, "aigerim")
    found = groups("serik")["requests"]
    assert found.count == 1 and found.items[0].id == sent.value.request_id
    assert found.items[0].kind == "request"
    assert "requests" not in groups("aigerim") and "requests" not in groups("dana")


# --- the exchange: an approval travels with its change; a change without one is held ---


@pytest.fixture
def two_offices(tmp_path, migrated_template):
    import shutil

    from conftest import TEST_ADMINISTRATOR

    from kzmigdesk.services import exchange
    from kzmigdesk.services.workspace import open_database

    names = ("District office", "Regional office")
    key = exchange.new_key()
    made = []
    for number, (name, peer) in enumerate((names, names[::-1])):
        path = tmp_path / f"{number}.sqlite3"
        shutil.copyfile(migrated_template, path)
        database = open_database(str(path))
        database.actor = TEST_ADMINISTRATOR
        with database.transaction() as session:
            exchange.set_office_name(session, name)
            exchange.add_peer(session, peer, key)
            accounts = {}
            for username, role in ((f"clerk{number}", UserRole.CLERK),
                                   (f"chief{number}", UserRole.SUPERVISOR)):
                user = User(username=username, full_name=username, role=role)
                session.add(user)
                session.flush()
                accounts[role] = users.actor_of(user)
        made.append((database, accounts))
    yield made
    for database, _accounts in made:
        database.close()


def _send(source, target, to):
    from kzmigdesk.services import exchange

    with source.transaction() as session:
        data = exchange.export_package(session, to).data
    with target.transaction() as session:
        return exchange.import_package(session, data)


def _surname(database, person_id):
    with database.sessions() as session:
        return session.get(Person, person_id).surname


def test_exchange_carries_approvals_and_holds_changes_without_one(two_offices):
    from test_exchange import snapshot

    (district, district_users), (region, region_users) = two_offices
    person_id = registration.register_person(district, nurlan())
    _send(district, region, "Regional office")
    _send(region, district, "District office")  # the region's accounts reach the district

    # At the region a clerk's change is approved there: it arrives approved.
    clerk = region.acting_as(region_users[UserRole.CLERK])
    record = registration.load_person(clerk, person_id)
    record.data.surname = "Әбенұлы"
    with pytest.raises(cr.SentForApproval) as sent:
        registration.register_person(clerk, record.data, person_id=person_id,
                                     expected_version=record.version)
    cr.approve_request(region.acting_as(region_users[UserRole.SUPERVISOR]),
                       sent.value.request_id)
    result = _send(region, district, "District office")
    assert (result.applied, result.held) == (2, 0)  # the person and the approved request
    assert _surname(district, person_id) == "Әбенұлы"
    with district.sessions() as session:
        approval = session.get(ChangeRequest, sent.value.request_id)
        assert (approval.status, approval.decided_by_name) == (RequestStatus.APPROVED,
                                                               "chief1")

    # The district lets its clerks change identity data at once; the region does not: the
    # change arrives there as a request, and only its approval there applies it.
    cr.set_approval_rules(district, cr.ApprovalRules(
        kinds=frozenset(ChangeKind) - {ChangeKind.IDENTITY}))
    clerk = district.acting_as(district_users[UserRole.CLERK])
    record = registration.load_person(clerk, person_id)
    record.data.iin = None
    record.data.birth_date = dt.date(1980, 2, 2)
    registration.register_person(clerk, record.data, person_id=person_id,
                                 expected_version=record.version)
    result = _send(district, region, "Regional office")
    assert result.held == 1
    with region.sessions() as session:
        assert session.get(Person, person_id).birth_date == dt.date(1980, 1, 1)
    chief = region.acting_as(region_users[UserRole.SUPERVISOR])
    [waiting] = cr.list_requests(chief)
    assert (waiting.kind, waiting.author) == (ChangeKind.IDENTITY, "District office")
    detail = cr.load_request(chief, waiting.id)
    assert [(d.field, d.old, d.new) for d in detail.fields] == [
        ("birth_date", "01/01/1980", "02/02/1980")]  # side by side, dates as the language writes
    assert _send(district, region, "Regional office").held == 0  # held once
    cr.approve_request(chief, waiting.id)
    with region.sessions() as session:
        assert session.get(Person, person_id).birth_date == dt.date(1980, 2, 2)
    for _round in range(2):
        _send(region, district, "District office")
        _send(district, region, "Regional office")
    assert snapshot(district) == snapshot(region)


def test_a_held_change_is_decided_only_where_it_is_held(two_offices):
    (district, district_users), (region, region_users) = two_offices
    person_id = registration.register_person(district, nurlan())
    _send(district, region, "Regional office")
    _send(region, district, "District office")
    cr.set_approval_rules(district, cr.ApprovalRules(
        kinds=frozenset(ChangeKind) - {ChangeKind.IDENTITY}))
    clerk = district.acting_as(district_users[UserRole.CLERK])
    record = registration.load_person(clerk, person_id)
    record.data.surname = "Әбенұлы"
    registration.register_person(clerk, record.data, person_id=person_id,
                                 expected_version=record.version)
    assert _send(district, region, "Regional office").held == 1
    _send(region, district, "District office")  # the held request travels back, only shown
    [held] = cr.list_requests(region.acting_as(region_users[UserRole.SUPERVISOR]))
    assert cr.list_requests(district.acting_as(district_users[UserRole.SUPERVISOR])) == []
    with pytest.raises(cr.NotAnApprover, match="another office"):
        cr.approve_request(district, held.id)
    cr.reject_request(region.acting_as(region_users[UserRole.SUPERVISOR]), held.id,
                      "the passport says Әбенов")
    assert _surname(region, person_id) == "Әбенов"


def test_the_legacy_import_never_changes_an_existing_person(world):
    """The legacy import adds persons only: a row with a registered person's IIN but another
    name is refused as a duplicate, so no identity change reaches a person around approval."""
    from kzmigdesk.domain.identifiers import make_iin
    from kzmigdesk.services import legacy_import
    from kzmigdesk.services.legacy_fields import guess_mapping
    from kzmigdesk.services.legacy_files import read_legacy_data

    iin = make_iin(dt.date(1980, 1, 1), "M", 7)
    with world["database"].transaction() as session:
        session.get(Person, world["person"]).iin = iin
    before = stored(world, Person, world["person"])
    clerk = as_(world, "aigerim")
    table = read_legacy_data("list.csv", ("Surname,Name,Date of birth,Sex,IIN\n"
                                          f"Әбенұлы,Нұрлан,01.01.1980,M,{iin}\n").encode())
    with clerk.transaction() as session:
        import_id = legacy_import.start_import(session, table, guess_mapping(table.header))
    legacy_import.run_import(clerk, import_id, table)
    after = stored(world, Person, world["person"])
    assert (after.surname, after.version) == (before.surname, before.version)
    with world["database"].sessions() as session:
        assert legacy_import.import_summary(session, import_id).rejected == 1
    assert requests(world) == []


def test_a_clerks_grant_beyond_the_quota_is_refused_before_any_request(world):
    from kzmigdesk.services import quotas

    with world["database"].transaction() as session:
        case = session.get(RepatriateCase, world["case"])
        case.quota_year, case.resettlement_region_id = TODAY.year, session.scalars(
            select(Region.id).where(Region.code == "ALA")).one()
        quotas.set_quota(session, quotas.QuotaKind.KANDAS, TODAY.year,
                         case.resettlement_region_id, 0)
    with pytest.raises(quotas.QuotaExceeded):
        _grant(world, "aigerim")
    assert requests(world) == []


# --- drafts: saved by their author, seen by nobody else until submitted ---


def test_a_draft_waits_for_its_author_to_submit_it(world):
    from kzmigdesk.services.worklist import worklist

    with cr.drafting(), pytest.raises(cr.SentForApproval) as saved:
        edit_person(world, "aigerim", surname="Әбенұлы")
    assert saved.value.draft and saved.value.message().startswith("Saved as a draft: ")
    [draft] = requests(world)
    assert (draft.status, draft.submitted_at) == (RequestStatus.DRAFT, None)
    assert not _identity_applied(world)
    # not in the supervisors' queue nor in their worklist; the author sees it among theirs
    assert cr.list_requests(as_(world, "serik")) == []
    assert cr.list_requests(as_(world, "serik"), waiting_only=False) == []
    assert cr.list_requests(as_(world, "admin"), waiting_only=False) == []
    with as_(world, "serik").sessions() as session:
        assert cr.count_waiting(session) == 0
    assert "requests" not in {g.key for g in worklist(as_(world, "serik")).groups}
    [own] = cr.list_requests(as_(world, "aigerim"))  # among the requests they wait for
    assert own.status is RequestStatus.DRAFT
    detail = cr.load_request(as_(world, "aigerim"), draft.id)
    assert detail.may_submit and detail.may_withdraw and not detail.may_decide
    with pytest.raises(ServiceError, match="decided already|submitted"):
        cr.approve_request(as_(world, "serik"), draft.id)  # a draft is not decided
    with pytest.raises(ServiceError, match="Only the author"):
        cr.submit_request(as_(world, "serik"), draft.id)
    cr.submit_request(as_(world, "aigerim"), draft.id)
    assert not cr.load_request(as_(world, "aigerim"), draft.id).may_submit
    [waiting] = cr.list_requests(as_(world, "serik"))
    assert waiting.id == draft.id and waiting.submitted_at is not None
    with as_(world, "serik").sessions() as session:
        assert cr.count_waiting(session) == 1
    cr.approve_request(as_(world, "serik"), draft.id)
    assert _identity_applied(world)


def test_a_draft_of_each_kind_and_its_withdrawal(world):
    for change in ("grant", "revoke", "delete case"):
        _kind, run, applied = KINDS[change]
        with cr.drafting(), pytest.raises(cr.SentForApproval) as saved:
            run(world, "aigerim")
        assert saved.value.draft and not applied(world)
        cr.withdraw_request(as_(world, "aigerim"), saved.value.request_id)
    assert [r.status for r in requests(world)] == [RequestStatus.WITHDRAWN] * 3
    with pytest.raises(ServiceError, match="Only the author"):
        cr.submit_request(as_(world, "aigerim"), requests(world)[0].id)  # no longer a draft
    # a supervisor's change needs no approval: drafting changes nothing for them
    with cr.drafting():
        _revoke(world, "serik")
    assert _revoked(world) and len(requests(world)) == 3


# --- a quota full at approval: the approver gives the override's reason ---


def test_approving_a_grant_beyond_the_full_quota_asks_the_supervisor_for_a_reason(world):
    from kzmigdesk.services import quotas

    with world["database"].transaction() as session:
        case = session.get(RepatriateCase, world["case"])
        region_id = session.scalars(select(Region.id).where(Region.code == "ALA")).one()
        case.quota_year, case.resettlement_region_id = TODAY.year, region_id
        quotas.set_quota(session, quotas.QuotaKind.KANDAS, TODAY.year, region_id, 1)
    with pytest.raises(cr.SentForApproval) as sent:
        _grant(world, "aigerim")  # a slot is free when the clerk asks
    with world["database"].transaction() as session:  # meanwhile the last slot is taken
        quotas.set_quota(session, quotas.QuotaKind.KANDAS, TODAY.year, region_id, 0)
    serik = as_(world, "serik")
    with pytest.raises(quotas.QuotaExceeded):
        cr.approve_request(serik, sent.value.request_id)
    assert requests(world)[0].status is RequestStatus.SUBMITTED
    assert stored(world, RepatriateCase, world["case"]).status is S.APPLIED
    with pytest.raises(ValidationFailed):
        cr.approve_request(serik, sent.value.request_id, override_reason="  ")
    cr.approve_request(serik, sent.value.request_id,
                       override_reason="a family reunited by the court's decision")
    case = stored(world, RepatriateCase, world["case"])
    assert case.status is S.GRANTED
    assert case.quota_override_reason == "a family reunited by the court's decision"
    [request] = requests(world)
    assert (request.status, request.decided_by_name, request.reason) == (
        RequestStatus.APPROVED, "serik", "a family reunited by the court's decision")
    with world["database"].sessions() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "quota.override")).one()
        assert entry.username == "serik" and entry.entity_id == str(world["case"])
        assert entry.changes["reason"] == "a family reunited by the court's decision"


def test_an_administrator_approving_beyond_the_quota_and_a_clerk_cannot_override(world):
    from kzmigdesk.services import quotas
    from kzmigdesk.services.auth import PermissionDenied

    with world["database"].transaction() as session:
        case = session.get(RepatriateCase, world["case"])
        region_id = session.scalars(select(Region.id).where(Region.code == "ALA")).one()
        case.quota_year, case.resettlement_region_id = TODAY.year, region_id
    with pytest.raises(cr.SentForApproval) as sent:
        _grant(world, "aigerim")
    with world["database"].transaction() as session:
        quotas.set_quota(session, quotas.QuotaKind.KANDAS, TODAY.year, region_id, 0)
    with pytest.raises(PermissionDenied):
        cr.approve_request(as_(world, "aigerim"), sent.value.request_id, override_reason="x")
    cr.approve_request(as_(world, "admin"), sent.value.request_id, override_reason="decree")
    assert stored(world, RepatriateCase, world["case"]).status is S.GRANTED


# --- deleting from the windows: the database-level function ---


def test_delete_from_the_windows(world):
    assert cr.deletion_needs_approval(as_(world, "aigerim"))
    assert not cr.deletion_needs_approval(as_(world, "serik"))
    with pytest.raises(cr.SentForApproval):
        cr.delete(as_(world, "aigerim"), "repatriate_cases", world["case"])
    assert stored(world, RepatriateCase, world["case"]).deleted_at is None
    from kzmigdesk.services.errors import StaleRecord

    version = stored(world, WorkPermit, world["permit"]).version
    with pytest.raises(StaleRecord):
        cr.delete(as_(world, "serik"), "work_permits", world["permit"], version - 1)
    cr.delete(as_(world, "serik"), "work_permits", world["permit"], version)
    assert _deleted(WorkPermit, "permit")(world)
    cr.delete(as_(world, "serik"), "persons", world["person"])
    assert _deleted(Person, "person")(world)
