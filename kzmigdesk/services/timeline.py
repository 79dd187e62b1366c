"""A person's timeline: registration, documents, case status changes, permits and services,
and every change of the owner of their cases, permits and services, in date order."""

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import label
from kzmigdesk.domain.models import (
    CaseStatusChange,
    HouseholdMember,
    IdentityDocument,
    LabourViolation,
    OwnerChange,
    PermitStatusChange,
    Person,
    RepatriateCase,
    Scan,
    ServiceRecord,
    ViolationWorker,
    WorkPermit,
)
from kzmigdesk.i18n import N_, _, format_date
from kzmigdesk.services.errors import NotFound


@dataclass(frozen=True)
class TimelineEvent:
    day: dt.date
    kind: str  # msgid of the kind of event
    text: str  # already in the current language

    @property
    def kind_label(self) -> str:
        return _(self.kind)


REGISTRATION = N_("Registration")
DOCUMENT = N_("Document")
CASE = N_("Repatriate case")
PERMIT = N_("Work permit")
SERVICE = N_("Service")
SCAN = N_("Scan")
OWNER = N_("Owner")
SUPPORT = N_("Kandas support")
VIOLATION = N_("Labour violation")


def person_timeline(session: Session, person_id: uuid.UUID) -> list[TimelineEvent]:
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(N_("The person no longer exists."))
    events = [TimelineEvent(person.created_at.date(), REGISTRATION,
                            _("Registered as {name}").format(name=person.full_name))]
    for document in session.scalars(
            select(IdentityDocument).where(IdentityDocument.person_id == person_id)):
        if document.issue_date:
            events.append(TimelineEvent(document.issue_date, DOCUMENT, _(
                "{document} {number} issued").format(
                    document=label(document.doc_type), number=document.number)))
        if document.expiry_date:
            events.append(TimelineEvent(document.expiry_date, DOCUMENT, _(
                "{document} {number} valid until this day").format(
                    document=label(document.doc_type), number=document.number)))
    household_ids = select(HouseholdMember.household_id).where(
        HouseholdMember.person_id == person_id)
    cases = select(RepatriateCase.id).where(or_(RepatriateCase.person_id == person_id,
                                                RepatriateCase.household_id.in_(household_ids)))
    for change, case_number in session.execute(
            select(CaseStatusChange, RepatriateCase.case_number)
            .join(RepatriateCase, CaseStatusChange.case_id == RepatriateCase.id)
            .where(CaseStatusChange.case_id.in_(cases))):
        text = _("Case {case_number}: {status}").format(case_number=case_number,
                                                        status=label(change.to_status))
        if change.comment:
            text += f" ({change.comment})"
        events.append(TimelineEvent(change.changed_on, CASE, text))
    from kzmigdesk.services import support  # issue 24

    events += [TimelineEvent(day, SUPPORT, text)
               for day, text in support.timeline_events(session, cases)]
    records = {case_id: _("Case {case_number}").format(case_number=number)
               for case_id, number in session.execute(
                   select(RepatriateCase.id, RepatriateCase.case_number)
                   .where(RepatriateCase.id.in_(cases)))}
    for change, number in session.execute(
            select(PermitStatusChange, WorkPermit.number)
            .join(WorkPermit, PermitStatusChange.permit_id == WorkPermit.id)
            .where(WorkPermit.person_id == person_id)):
        events.append(TimelineEvent(change.changed_on, PERMIT, _(
            "Permit {number}: {status}").format(number=number, status=label(change.to_status))))
    records.update((permit_id, _("Permit {number}").format(number=number))
                   for permit_id, number in session.execute(
                       select(WorkPermit.id, WorkPermit.number)
                       .where(WorkPermit.person_id == person_id)))
    for record in session.scalars(
            select(ServiceRecord).where(ServiceRecord.person_id == person_id)):
        records[record.id] = record.service_type.name
        text = f"{record.service_type.name}, {record.centre.name}"
        if record.end_date:
            text += " " + _("until {date}").format(date=format_date(record.end_date))
        events.append(TimelineEvent(record.start_date, SERVICE, text))
    for scan in session.scalars(select(Scan).where(Scan.person_id == person_id)):  # issue 20
        events.append(TimelineEvent(scan.created_at.date(), SCAN, " · ".join(
            part for part in (scan.description, scan.file_name) if part)))
    for found, violation in session.execute(  # issue 24
            select(ViolationWorker, LabourViolation)
            .join(LabourViolation, ViolationWorker.violation_id == LabourViolation.id)
            .where(ViolationWorker.person_id == person_id)):
        events.append(TimelineEvent(violation.found_on, VIOLATION, _(
            "Found by {body} at {employer}: {kind}; decision: {decision}").format(
                body=violation.inspecting_body, employer=violation.employer.name,
                kind=label(found.kind), decision=label(found.decision))))
    events += _owner_changes(session, records)
    return sorted(events, key=lambda event: event.day)


def _owner_changes(session: Session, records: dict) -> list[TimelineEvent]:
    """"Case K-1: assigned to X by Y" for each change of the owner of `records` (id → how
    the timeline names it), in the order they were made."""
    events = []
    for change in session.scalars(select(OwnerChange).where(
            OwnerChange.record_id.in_(list(records))).order_by(OwnerChange.changed_at)):
        by = change.changed_by or "?"
        if change.owner_name:
            text = _("{record}: assigned to {owner} by {user}").format(
                record=records[change.record_id], owner=change.owner_name, user=by)
        else:
            text = _("{record}: unassigned by {user}").format(
                record=records[change.record_id], user=by)
        events.append(TimelineEvent(change.changed_at.date(), OWNER, text))
    return events


def load_timeline(database: Database, person_id: uuid.UUID) -> list[TimelineEvent]:
    with database.sessions() as session:
        return person_timeline(session, person_id)
