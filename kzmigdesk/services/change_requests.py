"""Four eyes on identity data and status decisions: change requests.

What needs approval is stored in this database (`ApprovalRules`, a local setting an
administrator changes): by default every kind of `ChangeKind` (a registered person's identity
data, granting or refusing kandas status, the citizenship steps, revoking a work permit,
deleting a person, a case or a permit) made by a **clerk**. Creating a person does not (the
duplicate check covers it).

Supervisors' and administrators' own changes apply at once by default: they are the approvers,
a district office often has a single supervisor (who could otherwise change nothing), and
their changes are in the audit trail under their name. An administrator who wants four eyes
on supervisors too adds the role to the rules; another supervisor then approves.

The services that make such a change call `divert` once they have checked it (permissions,
validation, duplicates) and before they write: when the acting user's change needs approval,
`divert` stores a submitted request (what the author proposed, and the target's values and
version they saw) and raises `SentForApproval`. The database-level functions open their
transaction with `transaction(database)`, which commits that request before the exception
reaches the window ("Sent for approval: …").

A supervisor (or an administrator) of the target's office approves a request: the change is
applied in the same transaction by the same session-level function a direct change uses
(validation, quotas and the audit trail are one path), with `divert` standing aside. When the
target changed since the request was made, approval refuses (`StaleRequest`, with what
changed) until the approver confirms the version they have now seen. Nobody approves their
own request; a rejection needs a reason; only the author withdraws. Every step is an audit
entry (the request is an entity: its creation and each change of status are recorded).
"""

import base64
import datetime as dt
import hashlib
import json
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, fields

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import (
    ChangeKind,
    DocumentType,
    PermitStatus,
    RepatriateStatus,
    RequestStatus,
    Sex,
    SupportStatus,
    UserRole,
    label,
)
from kzmigdesk.domain.models import (
    ChangeRequest,
    LocalSetting,
    Person,
    RepatriateCase,
    SupportApplication,
    User,
    WorkPermit,
    utcnow,
)
from kzmigdesk.i18n import N_, _, format_date
from kzmigdesk.services import audit
from kzmigdesk.services.auth import Actor, Permission, acting, require, require_in
from kzmigdesk.services.errors import (
    FieldError,
    NotFound,
    ServiceError,
    StaleRecord,
    ValidationFailed,
)

RULES_KEY = "approval_rules"
R = RequestStatus

# The identity data of a person (the issue's list); a change of a document number counts too.
IDENTITY_FIELDS = ("surname", "given_name", "patronymic", "birth_date", "sex", "iin",
                   "citizenship")
TARGETS = {"persons": Person, "repatriate_cases": RepatriateCase, "work_permits": WorkPermit,
           "support_applications": SupportApplication}
REQUEST_GONE = N_("The change request no longer exists.")
TARGET_GONE = N_("The record of this request no longer exists.")


@dataclass(frozen=True)
class ApprovalRules:
    """Which kinds of change need approval, when made by which roles."""

    kinds: frozenset[ChangeKind] = frozenset(ChangeKind)
    roles: frozenset[UserRole] = frozenset({UserRole.CLERK})


DEFAULT_RULES = ApprovalRules()


class SentForApproval(ServiceError):
    """The change was not applied: it waits, as a submitted request, for a supervisor."""

    def __init__(self, request_id: uuid.UUID, kind: ChangeKind, summary: str,
                 draft: bool = False):
        super().__init__(
            N_("Saved as a draft: {what} ({summary}). Nobody sees it until you submit it "
               "(Change requests).") if draft else
            N_("Sent for approval: {what} ({summary}). It applies once a supervisor approves "
               "it."))
        self.request_id = request_id
        self.kind = kind
        self.summary = summary
        self.draft = draft  # kept as its author's draft, not yet submitted

    def message(self) -> str:
        return _(self.msgid).format(what=label(self.kind), summary=self.summary)


@dataclass(frozen=True)
class Difference:
    field: str
    label: str  # translated
    old: str  # as shown
    new: str


class StaleRequest(ServiceError):
    """The target changed since the request was made: approving it would apply it blindly."""

    def __init__(self, differences: list[Difference], version: int):
        super().__init__(N_("The record has changed since this request was made. Compare the "
                            "changes and approve again if the request still holds."))
        self.differences = differences
        self.version = version  # the target's version now: pass it as `seen_version`


class NotAnApprover(ServiceError):
    def __init__(self, msgid: str):
        super().__init__(msgid)


# --- the rules ---


def rules(session: Session) -> ApprovalRules:
    setting = session.get(LocalSetting, RULES_KEY)
    if setting is None:
        return DEFAULT_RULES
    stored = json.loads(setting.value)
    return ApprovalRules(frozenset(ChangeKind(k) for k in stored["kinds"]),
                         frozenset(UserRole(r) for r in stored["roles"]))


def set_rules(session: Session, new: ApprovalRules) -> None:
    """Store what needs approval (administrators only); audited with the old and new lists."""
    require(acting(session), Permission.MANAGE_USERS)
    old = rules(session)
    value = {"kinds": sorted(new.kinds), "roles": sorted(new.roles)}
    setting = session.get(LocalSetting, RULES_KEY)
    if setting is None:
        session.add(LocalSetting(key=RULES_KEY, value=json.dumps(value)))
    else:
        setting.value = json.dumps(value)
    audit.record(session, "settings", "local_settings", RULES_KEY, {
        "kinds": [sorted(old.kinds), value["kinds"]],
        "roles": [sorted(old.roles), value["roles"]]})


APPLYING = "kzmigdesk.change_request.applying"


def needs_approval(session: Session, kind: ChangeKind) -> bool:
    """Whether the acting user's change of `kind` waits for approval (never while an approved
    request is being applied)."""
    actor = acting(session)
    if actor is None or session.info.get(APPLYING):
        return False
    current = rules(session)
    return kind in current.kinds and actor.role in current.roles


# --- values as stored in a request (JSON) and as shown ---


def _encode(value):
    if isinstance(value, bytes):  # a photo: compared by its hash
        return {"sha256": hashlib.sha256(value).hexdigest()}
    return audit.jsonable(value)


DATES = {"birth_date", "issue_date", "expiry_date", "on"}
UUIDS = {"region_id", "id"}


def _decode(name: str, value):
    if value is None:
        return None
    if name in DATES:
        return dt.date.fromisoformat(value)
    if name in UUIDS:
        return uuid.UUID(value)
    if name == "sex":
        return Sex(value)
    if name == "doc_type":
        return DocumentType(value)
    if name == "photo":
        return base64.b64decode(value["base64"])
    return value


def _same(a, b) -> bool:
    """Stored values compare by content (a photo by its hash)."""
    if isinstance(a, dict) and isinstance(b, dict) and "sha256" in a and "sha256" in b:
        return a["sha256"] == b["sha256"]
    return a == b


def _field_label(name: str) -> str:
    from kzmigdesk.services import registration

    msgid = registration.LABELS.get(name) or audit.FIELDS.get(name) or FIELD_LABELS.get(name)
    return _(msgid) if msgid else name


FIELD_LABELS = {
    "documents": N_("Identity documents"),
    "on": N_("Date of the change"),
    "comment": N_("Comment"),
    "region_id": N_("Region"),
    "district": N_("District"),
    "locality": N_("Locality"),
    "address": N_("Address"),
    "notes": N_("Notes"),
    "deleted": N_("Deleted"),
}


def _shown(name: str, value) -> str:
    if value is None:
        return ""
    if name == "photo":
        return _("a photo")
    if name == "documents":
        return "; ".join(f"{label(DocumentType(d['doc_type'])) if d.get('doc_type') else ''} "
                         f"{d.get('number') or ''}".strip() for d in value)
    if name == "sex":
        return label(Sex(value))
    if name == "status":
        for enum in (RepatriateStatus, PermitStatus, SupportStatus):
            if value in enum.__members__.values():
                return label(enum(value))
    if name == "deleted":
        return _("yes") if value else _("no")
    if name == "on" or name.endswith("_date"):
        return format_date(dt.date.fromisoformat(value))
    return str(value)


# --- what a request holds for each kind ---


def person_values(person, documents: list | None = None) -> dict:
    """A person's (or a PersonInput's) form fields and documents as a request stores them."""
    from kzmigdesk.services.registration import PersonInput

    values = {f.name: _encode(getattr(person, f.name)) for f in fields(PersonInput)}
    stored = documents if documents is not None else [
        dict(doc_type=d.doc_type, number=d.number, issuing_country=d.issuing_country,
             issued_by=d.issued_by, issue_date=d.issue_date, expiry_date=d.expiry_date, id=d.id)
        for d in getattr(person, "documents", ())]
    values["documents"] = [_encode(d) for d in stored]
    return values


def divert_identity(session: Session, person: Person, data, documents: list | None) -> None:
    """A person form's save of `person` (a PersonInput, and the documents or None for those
    stored) as a request, when it changes identity data and needs approval (`divert`)."""
    base = person_values(person)
    proposed = person_values(data, None if documents is None else [vars(d) for d in documents])
    if documents is None:
        proposed["documents"] = base["documents"]
    if not identity_changed(base, proposed):
        return
    changes = {k: v for k, v in proposed.items() if base[k] != v}
    if "photo" in changes and data.photo is not None:
        changes["photo"]["base64"] = base64.b64encode(data.photo).decode()
    divert(session, ChangeKind.IDENTITY, person, changes, base)


def _document_numbers(documents: list[dict]) -> set:
    return {(d.get("doc_type"), d.get("number")) for d in documents}


def identity_changed(base: dict, proposed: dict) -> bool:
    """Whether a person form's save changes identity data (a document number included)."""
    return (any(base[name] != proposed[name] for name in IDENTITY_FIELDS)
            or _document_numbers(base["documents"]) != _document_numbers(proposed["documents"]))


def status_kind(status: RepatriateStatus) -> ChangeKind | None:
    """The kind of change a case's move to `status` is (None: needs no approval)."""
    if status in (RepatriateStatus.GRANTED, RepatriateStatus.REFUSED):
        return ChangeKind.KANDAS_STATUS
    if status in (RepatriateStatus.CITIZENSHIP_REQUESTED, RepatriateStatus.CITIZEN):
        return ChangeKind.CITIZENSHIP_STEP
    return None


def _target_summary(target) -> str:
    if isinstance(target, Person):
        return f"{target.full_name}, {target.birth_date.isoformat()}"
    if isinstance(target, RepatriateCase):
        return f"{target.case_number}, {target.person.full_name}"
    if isinstance(target, WorkPermit):
        return f"{target.number}, {target.person.full_name}"
    if isinstance(target, SupportApplication):  # issue 24
        return (f"{target.case.case_number}, {target.case.person.full_name}, "
                f"{target.measure.name}, {target.amount}")
    return str(target.id)


# --- diverting a change to a request ---


_DRAFTING: ContextVar[bool] = ContextVar("kzmigdesk_drafting", default=False)


@contextmanager
def drafting():
    """Within it, a change that needs approval is kept as its author's draft (not submitted:
    no supervisor sees it) until they submit it (`submit`)."""
    token = _DRAFTING.set(True)
    try:
        yield
    finally:
        _DRAFTING.reset(token)


def divert(session: Session, kind: ChangeKind, target, changes: dict, base: dict) -> None:
    """When the acting user's change of `kind` to `target` needs approval: store it as a
    submitted request (a draft within `drafting()`) and raise SentForApproval (the caller has
    written nothing yet). `changes` are the proposed values, `base` the values the author saw
    (JSON-able)."""
    if not needs_approval(session, kind):
        return
    actor = acting(session)
    draft = _DRAFTING.get()
    request = ChangeRequest(
        kind=kind, status=R.DRAFT if draft else R.SUBMITTED,
        target_type=target.__tablename__, target_id=target.id,
        changes={k: _encode(v) for k, v in changes.items()},
        base={**{k: _encode(v) for k, v in base.items()}, "version": target.version},
        summary=_target_summary(target)[:255], office_id=target.office_id or actor.office_id,
        author_id=actor.user_id, author_name=actor.username,
        submitted_at=None if draft else utcnow())
    session.add(request)
    session.flush()
    raise SentForApproval(request.id, kind, request.summary, draft)


@contextmanager
def transaction(database: Database):
    """`database.transaction()`, except that a change sent for approval commits its request
    before SentForApproval reaches the caller."""
    sent = None
    with database.transaction() as session:
        try:
            yield session
        except SentForApproval as error:
            sent = error
    if sent is not None:
        raise sent


def delete_record(session: Session, target_type: str, target_id: uuid.UUID,
                  expected_version: int | None = None) -> None:
    """Delete (softly) a person, a case or a permit; a clerk's deletion waits for approval."""
    if target_type == "persons":
        from kzmigdesk.services.registration import delete_person

        delete_person(session, target_id, expected_version)
        return
    target = _target(session, target_type, target_id)
    require_in(session, Permission.REGISTER, target.office_id)
    if expected_version is not None and target.version != expected_version:
        raise StaleRecord(N_("Someone else has changed this record. Reload it and try "
                             "again."))
    divert(session, ChangeKind.DELETION, target, {"deleted": True}, {"deleted": False})
    target.deleted_at = utcnow()
    session.flush()


def delete(database: Database, target_type: str, target_id: uuid.UUID,
           expected_version: int | None = None) -> None:
    """`delete_record` in its own transaction (the windows' delete buttons); SentForApproval
    when the deletion waits for a supervisor (the request is stored)."""
    with transaction(database) as session:
        delete_record(session, target_type, target_id, expected_version)


def deletion_needs_approval(database: Database) -> bool:
    """Whether the signed-in user's deletion would wait for a supervisor (the windows say so
    before they ask)."""
    return change_needs_approval(database, ChangeKind.DELETION)


def change_needs_approval(database: Database, kind: ChangeKind) -> bool:
    """Whether the signed-in user's change of `kind` would wait for a supervisor (the windows
    offer to keep it as a draft then)."""
    with database.sessions() as session:
        return needs_approval(session, kind)


# --- changes arriving in an exchange package ---

APPROVALS = "kzmigdesk.change_request.package_approvals"


def note_package_approvals(session: Session, records: list[dict], trail: list[dict]) -> None:
    """Remember, for `hold_incoming`, what the package says of each record's last change: its
    author's role (from the sender's audit entries and accounts) and whether the sending office
    approved it (an approved request for it travels in the package, naming who and when)."""
    roles = {str(u.id): u.role.value for u in session.scalars(select(User))}
    roles |= {r["row"]["id"]: r["row"].get("role") for r in records
              if r["table"] == User.__tablename__}
    authors = {}
    for entry in sorted(trail, key=lambda e: e.get("seq") or 0):
        if entry.get("entity_id"):  # an entry without an account: the command line or a job,
            authors[entry["entity_id"]] = (  # which act as an administrator
                roles.get(entry.get("user_id")) if entry.get("user_id")
                else UserRole.ADMINISTRATOR.value)
    # a version passed on by the sender (another office's: not in the sender's trail) says
    # its author's role itself; none said, none known
    for r in records:
        if r.get("path"):
            authors[r["id"]] = r.get("role")
    approvals: dict[str, list[dict]] = {}
    for r in records:
        row = r["row"]
        if r["table"] == ChangeRequest.__tablename__ and row.get("status") == R.APPROVED.value:
            changes = row.get("changes") or {}
            if isinstance(changes, str):
                changes = json.loads(changes)
            approvals.setdefault(row.get("target_id"), []).append(
                {**changes, "_kind": row.get("kind")})
    session.info[APPROVALS] = (authors, approvals)


def author_role(session: Session, record_id: str) -> str | None:
    """During an import: the role of the author of the record's version in the package."""
    return session.info.get(APPROVALS, ({}, {}))[0].get(record_id)


def _covers(approval: dict, kind: ChangeKind, shown: dict) -> bool:
    """Whether an approved request is for this very change: its kind, the status it decided,
    the identity values it approved."""
    if approval.get("_kind") != kind.value:
        return False
    if kind is ChangeKind.IDENTITY:
        return all(name in approval and str(approval[name]) == str(shown[name])
                   for name in shown if name in IDENTITY_FIELDS)
    if kind is ChangeKind.DELETION:
        return True
    return approval.get("status") == shown.get("status")


def _approved_at_sender(session: Session, record_id: str, kind: ChangeKind,
                        shown: dict) -> bool:
    """Whether the package approves the record's change: an approved request for this change
    (of its kind and values, not any approval of the record), or an author whose changes need
    no approval under this office's rules."""
    authors, approvals = session.info.get(APPROVALS, ({}, {}))
    role = authors.get(record_id)
    return (any(_covers(a, kind, shown) for a in approvals.get(record_id, ()))
            or (role is not None and UserRole(role) not in rules(session).roles))


HELD = "kzmigdesk.change_request.held"  # during an import: target id → its held request
HISTORIES = {"case_status_changes": "case_id", "permit_status_changes": "permit_id"}


def _incoming_kind(table_name: str, local: dict, incoming: dict):
    """What change a record arriving from another office makes here, as (kind, proposed,
    base), or None when it needs no approval: a person's identity data, a case's decision,
    a permit's revocation, or the deletion of any of them."""
    if incoming.get("deleted_at") and not local.get("deleted_at"):
        return ChangeKind.DELETION, {"deleted": True}, {"deleted": False}
    if table_name == Person.__tablename__:
        from kzmigdesk.services.registration import PersonInput

        names = [f.name for f in fields(PersonInput) if f.name != "photo"
                 and local.get(f.name) != incoming.get(f.name)]
        if not any(name in IDENTITY_FIELDS for name in names):
            return None
        return (ChangeKind.IDENTITY, {name: incoming.get(name) for name in names},
                {name: local.get(name) for name in names})
    status = incoming.get("status")
    if status == local.get("status"):
        return None
    if table_name == RepatriateCase.__tablename__:
        kind = status_kind(RepatriateStatus(status))
    elif table_name == WorkPermit.__tablename__ and status == PermitStatus.REVOKED.value:
        kind = ChangeKind.PERMIT_REVOCATION
    else:
        return None
    if kind is None:
        return None
    proposed = {"status": status}
    for name in ("certificate_number", "certificate_issue_date"):
        if incoming.get(name) != local.get(name):
            proposed[name] = incoming.get(name)
    return kind, proposed, {"status": local.get("status")}


def hold_incoming(session: Session, sender: str, table_name: str, local: dict, incoming: dict,
                  version: int) -> bool:
    """A change that needs approval under this office's rules (a person's identity data, a
    case's decision, a permit's revocation, the deletion of a person, a case or a permit),
    made at another office by someone whose change needs approval here (or whom the package
    does not name), without an approval there: kept here as a submitted request, not applied
    (True then). Approving it takes the other office's row; until then this office keeps its
    own. The status history rows of a held decision wait in the same request (`hold_history`).
    """
    if table_name not in TARGETS:
        return False
    found = _incoming_kind(table_name, local, incoming)
    if found is None or found[0] not in rules(session).kinds:
        return False
    kind, shown, base = found
    if _approved_at_sender(session, incoming["id"], kind, shown):
        return False
    from kzmigdesk.services.exchange import office_name

    target = session.get(TARGETS[table_name], uuid.UUID(incoming["id"]))
    request = ChangeRequest(
        held_at=office_name(session),
        kind=kind, status=R.SUBMITTED, target_type=table_name, target_id=target.id,
        changes={**shown, "_row": incoming, "_version": version},
        base={**base, "version": target.version}, summary=_target_summary(target)[:255],
        office_id=target.office_id, author_name=sender[:64], submitted_at=utcnow())
    session.add(request)
    session.flush()
    session.info.setdefault(HELD, {})[incoming["id"]] = request.id
    return True


def _persons_follow(session: Session, case: RepatriateCase) -> None:
    """The persons of `case` take its status here, as a direct decision gives them; their
    versions stay (the other office has the same rows)."""
    from kzmigdesk.domain.enums import PersonCategory
    from kzmigdesk.services.repatriation import case_persons

    for person in case_persons(session, case):
        if (person.status, person.category) != (case.status.value, PersonCategory.KANDAS):
            session.execute(Person.__table__.update().where(Person.id == person.id).values(
                status=case.status.value, category=PersonCategory.KANDAS))
            session.expire(person)


def keep_held_decisions(session: Session) -> None:
    """After an import: the household of a case whose decision from another office waits
    here keeps the case's status here (the persons' rows of the package carry the decision),
    until a supervisor here approves it."""
    held = session.scalars(select(ChangeRequest.target_id).where(
        ChangeRequest.status == R.SUBMITTED, ChangeRequest.held_at.is_not(None),
        ChangeRequest.target_type == RepatriateCase.__tablename__)).all()
    for case_id in held:
        case = session.get(RepatriateCase, case_id)
        if case is not None:
            _persons_follow(session, case)
    session.flush()


def hold_history(session: Session, table_name: str, row: dict) -> bool:
    """A new status history row (of a case or a permit) whose decision is held in this
    import: kept in the held request, written when it is approved (True then)."""
    parent = HISTORIES.get(table_name)
    held = session.info.get(HELD, {})
    if parent is None or row.get(parent) not in held:
        return False
    request = session.get(ChangeRequest, held[row[parent]])
    request.changes = {**request.changes,
                       "_history": [*request.changes.get("_history", []),
                                    {"table": table_name, "row": row}]}
    session.flush()
    return True


def _take_row(session: Session, request: ChangeRequest, target) -> None:
    """Approve a change held from a package: the other office's row, as it sent it (and the
    status history rows that came with it)."""
    from kzmigdesk.domain.models import Base
    from kzmigdesk.services import exchange
    from kzmigdesk.services.name_index import index_names, unindex

    row = request.changes["_row"]
    table = target.__table__
    values = {c.name: exchange.from_json(c, row.get(c.name)) for c in table.columns}
    exchange.drop_unknown_users(session, table, values)
    for column in table.columns:
        if column.name not in ("id", "version", "created_at", "updated_at"):
            setattr(target, column.key, values[column.name])
    session.flush()
    version = request.changes["_version"]
    if version >= target.version:  # the other office's version as it is: nothing to send back
        session.execute(table.update().where(table.c.id == target.id).values(
            version=version, updated_at=exchange.from_json(table.c.updated_at,
                                                           row.get("updated_at"))))
        session.expire(target)
    for held in request.changes.get("_history", []):
        history = Base.metadata.tables[held["table"]]
        values = {c.name: exchange.from_json(c, held["row"].get(c.name))
                  for c in history.columns}
        exchange.drop_unknown_users(session, history, values)
        if session.execute(select(history.c.id).where(history.c.id == values["id"])).first():
            continue
        session.execute(history.insert().values(**values))
    session.info.pop(exchange.KNOWN_USERS, None)
    if isinstance(target, RepatriateCase):
        session.flush()
        _persons_follow(session, target)
    if not isinstance(target, Person):
        return
    if target.deleted_at is None:
        index_names(session, [(target.id, (target.surname, target.given_name, target.patronymic,
                                           target.surname_latin, target.given_name_latin))])
    else:
        unindex(session, target.id)


# --- deciding ---


def _target(session: Session, target_type: str, target_id: uuid.UUID):
    target = session.get(TARGETS[target_type], target_id)
    if target is None:
        raise NotFound(TARGET_GONE)
    return target


def _request(session: Session, request_id: uuid.UUID) -> ChangeRequest:
    request = session.get(ChangeRequest, request_id)
    if request is None:
        raise NotFound(REQUEST_GONE)
    return request


def _current(session: Session, request: ChangeRequest, target) -> dict:
    """The target's values now, for the fields of the request's base."""
    if request.target_type == "persons" and request.kind is ChangeKind.IDENTITY:
        return person_values(target)
    values = {"deleted": target.deleted_at is not None}
    if hasattr(target, "status"):
        values["status"] = _encode(target.status)
    return {name: values.get(name) for name in request.base if name != "version"}


def differences(session: Session, request: ChangeRequest) -> list[Difference]:
    """What changed in the target since the request was made (empty: nothing did)."""
    target = session.get(TARGETS[request.target_type], request.target_id)
    if target is None:
        return [Difference("deleted", _field_label("deleted"), _shown("deleted", False),
                           _shown("deleted", True))]
    now = _current(session, request, target)
    found = [Difference(name, _field_label(name), _shown(name, old), _shown(name, now.get(name)))
             for name, old in request.base.items()
             if name != "version" and not _same(old, now.get(name))]
    if not found and target.version != request.base.get("version"):
        found.append(Difference("version", _("Version"), str(request.base.get("version")),
                                str(target.version)))
    return found


def _here(session: Session):
    """The requests decided at this office: all but those another office holds."""
    from kzmigdesk.services.exchange import office_name

    return ChangeRequest.held_at.is_(None) | (ChangeRequest.held_at == office_name(session))


def _require_approver(session: Session, request: ChangeRequest) -> Actor:
    actor = require(acting(session), Permission.APPROVE_CHANGES)
    from kzmigdesk.services.exchange import office_name

    if request.held_at not in (None, office_name(session)):
        raise NotAnApprover(N_("This change was received by another office, which decides "
                               "it."))
    if request.author_id is not None and request.author_id == actor.user_id:
        raise NotAnApprover(N_("Nobody may approve or reject their own request."))
    if (actor.role is UserRole.SUPERVISOR and actor.office_id is not None
            and request.office_id is not None and request.office_id != actor.office_id):
        raise NotAnApprover(N_("This request belongs to another office: a supervisor decides "
                               "the requests of their own office."))
    return actor


def _require_submitted(request: ChangeRequest) -> None:
    if request.status is not R.SUBMITTED:
        raise ServiceError(N_("This request has been decided already ({status})."),
                           status=label(request.status))


def _decided(session: Session, request: ChangeRequest, status: RequestStatus,
             reason: str | None = None) -> None:
    """The request's new status, decided by the acting user."""
    actor = acting(session)
    request.status = status
    request.decided_by_id = actor.user_id
    request.decided_by_name = actor.username
    request.decided_at = utcnow()
    request.reason = reason


def approve(session: Session, request_id: uuid.UUID, seen_version: int | None = None,
            override_reason: str | None = None) -> None:
    """Apply the request's change and mark it approved, in the caller's transaction.

    StaleRequest when the target changed since the request was made, unless `seen_version` is
    its version now (the approver has compared them). QuotaExceeded when applying it would go
    beyond a quota (a grant when the region's kandas quota is full), unless the approver, a
    supervisor, gives `override_reason`: it is recorded (the quota override's audit entry, the
    case) and kept as the request's reason."""
    request = _request(session, request_id)
    _require_approver(session, request)
    _require_submitted(request)
    target = _target(session, request.target_type, request.target_id)
    changed = differences(session, request)
    if changed and seen_version != target.version:
        raise StaleRequest(changed, target.version)
    session.info[APPLYING] = True
    try:
        _apply(session, request, target, override_reason)
    finally:
        session.info.pop(APPLYING, None)
    _decided(session, request, R.APPROVED,
             override_reason.strip() if override_reason and override_reason.strip() else None)
    session.flush()


def _apply(session: Session, request: ChangeRequest, target,
           override_reason: str | None = None) -> None:
    """The change, through the session-level function a direct change uses."""
    from kzmigdesk.services import labour, registration, repatriation

    changes = request.changes
    if "_row" in changes:  # held from an exchange package
        _take_row(session, request, target)
    elif request.kind is ChangeKind.DELETION:
        delete_record(session, request.target_type, target.id)
    elif request.kind is ChangeKind.IDENTITY:
        data = registration.PersonInput.from_person(target)
        for f in fields(data):
            if f.name in changes:
                setattr(data, f.name, _decode(f.name, changes[f.name]))
        documents = None
        if "documents" in changes:
            documents = [registration.DocumentInput(**{k: _decode(k, v) for k, v in d.items()})
                         for d in changes["documents"]]
        registration.save_person(session, data, documents, person_id=target.id,
                                 expected_version=target.version, confirm_duplicates=True)
    elif request.kind is ChangeKind.SUPPORT_DECISION:  # issue 24
        from kzmigdesk.services import support

        support.change_status(session, target, changes["status"], _decode("on", changes["on"]),
                              reason=changes.get("comment"))
    elif request.kind is ChangeKind.PERMIT_REVOCATION:
        labour.change_permit_status(session, target, PermitStatus.REVOKED,
                                    _decode("on", changes["on"]), comment=changes.get("comment"))
    else:
        repatriation.change_status(
            session, target, RepatriateStatus(changes["status"]), _decode("on", changes["on"]),
            comment=changes.get("comment"), certificate_number=changes.get("certificate_number"),
            override_reason=override_reason or changes.get("override_reason"))


def reject(session: Session, request_id: uuid.UUID, reason: str | None) -> None:
    request = _request(session, request_id)
    _require_approver(session, request)
    _require_submitted(request)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed([FieldError("reason", N_("Reason"), N_("is required"))])
    _decided(session, request, R.REJECTED, reason)
    session.flush()


def withdraw(session: Session, request_id: uuid.UUID) -> None:
    """The author takes back their request (a draft or a submitted one)."""
    request = _request(session, request_id)
    actor = require(acting(session), Permission.REGISTER)
    if request.author_id != actor.user_id:
        raise ServiceError(N_("Only the author of a request may withdraw it."))
    if request.status not in (R.DRAFT, R.SUBMITTED):
        raise ServiceError(N_("This request has been decided already ({status})."),
                           status=label(request.status))
    _decided(session, request, R.WITHDRAWN)
    session.flush()


def submit(session: Session, request_id: uuid.UUID) -> None:
    """A draft goes to the supervisors (its author only)."""
    request = _request(session, request_id)
    actor = require(acting(session), Permission.REGISTER)
    if request.author_id != actor.user_id or request.status is not R.DRAFT:
        raise ServiceError(N_("Only the author of a draft may submit it."))
    request.status = R.SUBMITTED
    request.submitted_at = utcnow()
    session.flush()


# --- the queue ---


def _visible(query, session: Session):
    """Approvers see the requests of their office (administrators and supervisors without an
    office: all); anyone else their own requests."""
    actor = acting(session)
    if actor is None:
        return query.where(False)
    query = query.where(_here(session)).where(  # a draft: its author's only
        (ChangeRequest.status != R.DRAFT) | (ChangeRequest.author_id == actor.user_id))
    if not actor.may(Permission.APPROVE_CHANGES):
        return query.where(ChangeRequest.author_id == actor.user_id)
    if actor.role is UserRole.SUPERVISOR and actor.office_id is not None:
        return query.where((ChangeRequest.office_id == actor.office_id)
                           | ChangeRequest.office_id.is_(None))
    return query


def count_waiting(session: Session) -> int:
    """Submitted requests the acting user may decide (or, for a clerk, waits for)."""
    query = select(func.count()).select_from(ChangeRequest).where(
        ChangeRequest.status == R.SUBMITTED)
    return session.scalar(_visible(query, session))


@dataclass(frozen=True)
class RequestRow:
    id: uuid.UUID
    kind: ChangeKind
    status: RequestStatus
    summary: str
    author: str
    submitted_at: dt.datetime | None
    decided_by: str | None
    decided_at: dt.datetime | None
    reason: str | None


@dataclass(frozen=True)
class RequestDetail:
    row: RequestRow
    fields: tuple[Difference, ...]  # what the request changes: old (as the author saw) → new
    changed_since: tuple[Difference, ...]  # what changed in the record since: then → now
    target_version: int | None
    may_decide: bool
    may_withdraw: bool
    may_submit: bool = False  # its author's draft


def _row(request: ChangeRequest) -> RequestRow:
    return RequestRow(request.id, request.kind, request.status, request.summary,
                      request.author_name or "", request.submitted_at, request.decided_by_name,
                      request.decided_at, request.reason)


def waiting(session: Session, limit: int = 500, waiting_only: bool = True) -> list[RequestRow]:
    """The requests the acting user sees (`_visible`), the oldest waiting first."""
    query = select(ChangeRequest)
    if waiting_only:  # and the user's own drafts (`_visible` shows a draft to its author only)
        query = query.where(ChangeRequest.status.in_([R.SUBMITTED, R.DRAFT]))
    query = _visible(query, session).order_by(
        ChangeRequest.status != R.SUBMITTED, ChangeRequest.submitted_at,
        ChangeRequest.created_at)
    return [_row(r) for r in session.scalars(query.limit(limit))]


def list_requests(database: Database, waiting_only: bool = True) -> list[RequestRow]:
    """The requests the signed-in user sees, the oldest waiting first."""
    with database.sessions() as session:
        return waiting(session, waiting_only=waiting_only)


def load_request(database: Database, request_id: uuid.UUID) -> RequestDetail:
    with database.sessions() as session:
        request = _request(session, request_id)
        actor = acting(session)
        shown = [Difference(name, _field_label(name), _shown(name, request.base.get(name)),
                            _shown(name, new))
                 for name, new in request.changes.items()
                 if not name.startswith("_") and not _same(request.base.get(name), new)]
        target = session.get(TARGETS[request.target_type], request.target_id)
        waiting = request.status is R.SUBMITTED
        may_decide = waiting and actor is not None and actor.may(Permission.APPROVE_CHANGES) \
            and request.author_id != actor.user_id
        return RequestDetail(
            _row(request), tuple(shown),
            tuple(differences(session, request)) if waiting else (),
            target.version if target is not None else None, may_decide,
            request.status in (R.DRAFT, R.SUBMITTED) and actor is not None
            and request.author_id == actor.user_id,
            request.status is R.DRAFT and actor is not None
            and request.author_id == actor.user_id)


def _printed(name: str, value):
    """A stored value as the request form prints it (in each of its languages)."""
    if value is None or name == "photo":
        return None if value is None else "✓"
    if name == "documents":
        return "; ".join(d.get("number") or "" for d in value)
    if name == "status":
        for enum in (RepatriateStatus, PermitStatus):
            if value in enum.__members__.values():
                return enum(value)
    if name in DATES or name.endswith("_date"):
        return dt.date.fromisoformat(value)
    if name == "sex":
        return Sex(value)
    return value


def request_form(session: Session, request_id: uuid.UUID, today: dt.date | None = None):
    """The data of the printed request (domain/documents.ChangeRequestForm)."""
    from kzmigdesk.domain.documents import ChangeRequestForm, RequestLine
    from kzmigdesk.domain.models import Office, Scan
    from kzmigdesk.services import registration

    request = _request(session, request_id)
    office = session.get(Office, request.office_id) if request.office_id else None
    lines = tuple(
        RequestLine(registration.LABELS.get(name) or audit.FIELDS.get(name)
                    or FIELD_LABELS.get(name) or name,
                    _printed(name, request.base.get(name)), _printed(name, new))
        for name, new in request.changes.items()
        if not name.startswith("_") and not _same(request.base.get(name), new))
    scans = tuple(session.scalars(select(Scan.file_name).where(Scan.request_id == request.id)
                                  .order_by(Scan.created_at)))
    return ChangeRequestForm(
        request.id, request.kind, request.status, request.summary,
        office.name if office else None, request.author_name or "", request.submitted_at,
        request.decided_by_name, request.decided_at, request.reason, lines, scans,
        today or dt.date.today())


def approve_request(database: Database, request_id: uuid.UUID,
                    seen_version: int | None = None, override_reason: str | None = None) -> None:
    with database.transaction() as session:
        approve(session, request_id, seen_version, override_reason)


def reject_request(database: Database, request_id: uuid.UUID, reason: str | None) -> None:
    with database.transaction() as session:
        reject(session, request_id, reason)


def submit_request(database: Database, request_id: uuid.UUID) -> None:
    """Its author sends a draft to the supervisors."""
    with database.transaction() as session:
        submit(session, request_id)


def withdraw_request(database: Database, request_id: uuid.UUID) -> None:
    with database.transaction() as session:
        withdraw(session, request_id)


def approval_rules(database: Database) -> ApprovalRules:
    with database.sessions() as session:
        return rules(session)


def set_approval_rules(database: Database, new: ApprovalRules) -> None:
    with database.transaction() as session:
        set_rules(session, new)
