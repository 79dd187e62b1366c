"""Labour violations (issue 24): recording a finding and its workers, the fine's payment, the
flag on the employer when a permit is issued (acknowledged and recorded), the worker's
timeline, the monthly summary's counts, and the screens."""

import datetime as dt

import pytest
from acting import as_user
from sqlalchemy import select

from kzmigdesk import i18n
from kzmigdesk.domain.enums import (
    PermitCategory,
    Sex,
    UserRole,
    ViolationKind,
    WorkerDecision,
)
from kzmigdesk.domain.identifiers import make_bin
from kzmigdesk.domain.models import AuditEntry, Person, Region, WorkPermit
from kzmigdesk.i18n.words import Words
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.errors import StaleRecord, ValidationFailed
from kzmigdesk.services.labour import EmployerInput, PermitInput, issue_permit, save_employer
from kzmigdesk.services.name_index import index_names
from kzmigdesk.services.quotas import QuotaKind, set_quota
from kzmigdesk.services.reports import monthly_summary
from kzmigdesk.services.timeline import person_timeline
from kzmigdesk.services.violations import (
    EmployerFlagged,
    ViolationInput,
    WorkerFound,
    employer_warning,
    record_payment,
    record_violation,
    update_violation,
)

C, K, D = PermitCategory, ViolationKind, WorkerDecision
TODAY = dt.date(2026, 6, 30)
SUPERVISOR = Actor("serik", UserRole.SUPERVISOR)


def region_id(session, code="ALA"):
    return session.scalars(select(Region.id).where(Region.code == code)).one()


def setup(session):
    """An employer, a worker with a permit (March to September) and one with none."""
    as_user(session, SUPERVISOR)
    set_quota(session, QuotaKind.LABOUR, TODAY.year, region_id(session), 10, C.CATEGORY_4)
    employer = save_employer(session, EmployerInput(
        bin=make_bin(dt.date(2015, 3, 1), 1), name="ТОО «Казстрой»",
        region_id=region_id(session)))
    holder, other = (Person(surname=name, given_name="Wei", sex=Sex.MALE,
                            birth_date=dt.date(1988, 5, 20), citizenship="CN")
                     for name in ("Wang", "Li"))
    session.add_all([holder, other])
    session.flush()
    index_names(session, [(p.id, (p.surname, p.given_name, None, None, None))
                          for p in (holder, other)])
    permit = issue_permit(session, holder, employer, PermitInput(
        number="WP-1", category=C.CATEGORY_4, region_id=region_id(session),
        valid_from=dt.date(2026, 3, 1), valid_to=dt.date(2026, 9, 1)), today=dt.date(2026, 3, 1))
    return employer, holder, other, permit


def finding(employer, holder, other, **changes):
    values = dict(employer_id=employer.id, found_on=dt.date(2026, 6, 10),
                  inspecting_body="Департамент полиции г. Алматы", fine_amount=369_200,
                  act_number="2026-17", workers=[
                      WorkerFound(holder.id, K.OUTSIDE_REGION, D.WARNING),
                      WorkerFound(other.id, K.NO_PERMIT, D.EXPULSION)])
    values.update(changes)
    return ViolationInput(**values)


def test_a_finding_is_recorded_with_its_workers_and_the_permit_held(database):
    with database.transaction() as session:
        employer, holder, other, permit = setup(session)
        violation = record_violation(session, finding(employer, holder, other), today=TODAY)
        assert [(w.person_id, w.kind, w.decision, w.permit_id) for w in violation.workers] == [
            (holder.id, K.OUTSIDE_REGION, D.WARNING, permit.id),
            (other.id, K.NO_PERMIT, D.EXPULSION, None)]


def test_a_finding_is_checked(database):
    with database.transaction() as session:
        employer, holder, other, _permit = setup(session)
        with pytest.raises(ValidationFailed) as failed:
            record_violation(session, finding(
                employer, holder, other, found_on=TODAY + dt.timedelta(days=1),
                inspecting_body=" ", fine_amount=-1, workers=[]), today=TODAY)
        assert {e.field for e in failed.value.errors} == {
            "found_on", "inspecting_body", "fine_amount", "workers"}
        # Outside the permit's region: only for a worker who held a permit that day.
        with pytest.raises(ValidationFailed) as failed:
            record_violation(session, finding(employer, holder, other, workers=[
                WorkerFound(other.id, K.OUTSIDE_POSITION, D.WARNING)]), today=TODAY)
        assert "Li Wei held no permit on that day" in failed.value.errors[0].message()
        with pytest.raises(ValidationFailed):
            record_violation(session, finding(employer, holder, other,
                                              fine_paid_on=dt.date(2026, 6, 1)), today=TODAY)


def test_a_saved_finding_is_corrected_checked_and_audited(database):
    with database.transaction() as session:
        employer, holder, other, _permit = setup(session)
        violation = record_violation(session, finding(employer, holder, other), today=TODAY)
        violation_id, version = violation.id, violation.version
    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        with pytest.raises(ValidationFailed) as failed:  # the same checks as a new finding
            update_violation(session, violation_id, version, finding(
                employer, holder, other, inspecting_body="", workers=[]), today=TODAY)
        assert {e.field for e in failed.value.errors} == {"inspecting_body", "workers"}
    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        update_violation(session, violation_id, version, finding(
            employer, holder, other, fine_amount=184_600, workers=[
                WorkerFound(other.id, K.NO_PERMIT, D.WARNING)]), today=TODAY)
    with database.sessions() as session:
        from kzmigdesk.domain.models import LabourViolation

        saved = session.get(LabourViolation, violation_id)
        assert saved.fine_amount == 184_600 and saved.version == version + 1
        assert [(w.person_id, w.decision) for w in saved.workers] == [(other.id, D.WARNING)]
        entries = session.scalars(select(AuditEntry).where(
            AuditEntry.entity_id == str(violation_id), AuditEntry.action == "update")).all()
        [entry] = entries
        assert entry.changes["fine_amount"] == [369_200, 184_600]
        assert warning_text(session, employer.id).count("1 times, 1 workers") == 1
    with database.transaction() as session, pytest.raises(StaleRecord):
        as_user(session, SUPERVISOR)  # an edit made from the version before is refused
        update_violation(session, violation_id, version, finding(employer, holder, other),
                         today=TODAY)


def warning_text(session, employer_id):
    return employer_warning(session, employer_id, TODAY) or ""


def test_an_unpaid_fine_or_a_recent_finding_flags_the_employer(database):
    with database.transaction() as session:
        employer, holder, other, _permit = setup(session)
        assert employer_warning(session, employer.id, TODAY) is None
        violation = record_violation(session, finding(employer, holder, other), today=TODAY)
        warning = employer_warning(session, employer.id, TODAY)
        assert "Fines not paid: 1, 369,200 tenge" in warning
        assert "found in the last 12 months: 1 times, 2 workers" in warning
        record_payment(session, violation.id, dt.date(2026, 6, 20), today=TODAY)
        warning = employer_warning(session, employer.id, TODAY)
        assert "Fines not paid" not in warning and "last 12 months" in warning
        # A year and more later, with the fine paid, the employer is no longer flagged.
        assert employer_warning(session, employer.id, dt.date(2027, 6, 11)) is None


def test_issuing_a_permit_to_a_flagged_employer_needs_the_warning_acknowledged(database):
    with database.transaction() as session:
        employer, holder, other, _permit = setup(session)
        record_violation(session, finding(employer, holder, other), today=TODAY)
        data = PermitInput(number="WP-2", category=C.CATEGORY_4, region_id=region_id(session),
                           valid_from=TODAY, valid_to=TODAY + dt.timedelta(days=100))
        with pytest.raises(EmployerFlagged) as flagged:
            issue_permit(session, other, employer, data, today=TODAY)
        assert "Fines not paid" in flagged.value.message()
        assert session.scalars(select(WorkPermit).where(WorkPermit.number == "WP-2")).first() \
            is None
        permit = issue_permit(session, other, employer, data, today=TODAY,
                              acknowledge_warning=True)
        assert "Fines not paid" in permit.employer_warning
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "employer.warning_acknowledged")).one()
        assert entry.entity_id == str(permit.id) or str(entry.entity_id) == str(permit.id)
        assert entry.username == "serik"


def test_the_workers_timeline_shows_the_finding(database):
    with database.transaction() as session:
        employer, holder, other, _permit = setup(session)
        record_violation(session, finding(employer, holder, other), today=TODAY)
        [event] = [e for e in person_timeline(session, other.id)
                   if e.kind == "Labour violation"]
        assert event.day == dt.date(2026, 6, 10)
        assert event.text == ("Found by Департамент полиции г. Алматы at ТОО «Казстрой»: "
                              "working without a permit; decision: expulsion")


def test_the_monthly_summary_counts_the_findings(database):
    with database.transaction() as session:
        employer, holder, other, _permit = setup(session)
        violation = record_violation(session, finding(employer, holder, other), today=TODAY)
        record_payment(session, violation.id, dt.date(2026, 6, 20), today=TODAY)
        record_violation(session, finding(employer, holder, other, found_on=dt.date(2026, 5, 3),
                                          fine_amount=100, workers=[
                                              WorkerFound(holder.id, K.OUTSIDE_POSITION,
                                                          D.WARNING)]), today=TODAY)
    with database.sessions() as session:
        as_user(session, SUPERVISOR)
        summary = monthly_summary(session, dt.date(2026, 6, 1), Words.of("en"), today=TODAY)
    assert summary.section("labour_violations").rows == [
        ["Findings of illegal employment", 1], ["Workers found", 2],
        ["working without a permit", 1], ["working outside the permit's region", 1],
        ["working outside the permit's position", 0],
        ["Decision: warning", 1], ["Decision: expulsion", 1],
        ["Fines imposed, tenge", 369_200], ["Fines paid, tenge", 369_200]]


# --- screens ----------------------------------------------------------------------------------


def test_a_clerk_records_a_finding_and_the_fines_payment(qtbot, database):
    from kzmigdesk.gui.violations_dialog import ViolationsDialog

    with database.transaction() as session:
        employer, holder, other, _permit = setup(session)
        record_violation(session, finding(employer, holder, other,
                                          found_on=dt.date(2026, 5, 20)), today=TODAY)
    i18n.set_language("kk")
    dialog = ViolationsDialog(database)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.table.rowCount() == 1
    new = dialog.open_new()
    qtbot.addWidget(new)
    new.employer_search.setText("Казстрой")
    new.body.setText("Еңбек инспекциясы")
    new.fine.setValue(184_600)
    new.worker_search.setText("Wang")
    new.add_button.click()
    new.worker_search.setText("Li")
    new.add_button.click()
    assert new.found.rowCount() == 2
    new.found.cellWidget(1, 2).setCurrentIndex(
        new.found.cellWidget(1, 2).findData(D.EXPULSION.value))
    new.grab().save("/tmp/sectors-violation-new-kk.png")
    assert new.save()
    assert dialog.table.rowCount() == 2
    dialog.grab().save("/tmp/sectors-violations-kk.png")
    with database.sessions() as session:
        warning = employer_warning(session, employer.id)
    assert warning is not None
    dialog.table.selectRow(0)
    assert dialog.fine_paid()
    assert dialog.table.item(0, 5).text() == i18n.format_date(dt.date.today())
    dialog.grab().save("/tmp/sectors-violations-kk.png")


def test_a_finding_is_corrected_from_its_window(qtbot, database):
    from kzmigdesk.gui.violations_dialog import ViolationsDialog

    with database.transaction() as session:
        employer, holder, other, _permit = setup(session)
        record_violation(session, finding(employer, holder, other,
                                          found_on=dt.date(2026, 5, 20)), today=TODAY)
    i18n.set_language("kk")
    dialog = ViolationsDialog(database)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.open_chosen() is None and dialog.errors_label.text()  # nothing chosen
    dialog.table.selectRow(0)
    edit = dialog.open_chosen()
    qtbot.addWidget(edit)
    assert edit.body.text() == "Департамент полиции г. Алматы"
    assert edit.found_on.date().toPython() == dt.date(2026, 5, 20)
    assert edit.found.rowCount() == 2
    assert edit.found.cellWidget(1, 2).currentData() == D.EXPULSION.value
    edit.grab().save("/tmp/violation-edit-kk.png")
    edit.body.setText("")
    assert not edit.save() and edit.errors_label.text()  # named, translated, nothing lost
    edit.body.setText("Еңбек инспекциясы")
    edit.found.selectRow(0)
    edit.remove_worker()
    assert edit.save()
    assert dialog.table.item(0, 2).text() == "Еңбек инспекциясы"
    assert dialog.rows[0].workers == 1 and dialog.rows[0].expelled == 1


def test_the_permit_dialog_asks_to_acknowledge_the_warning(qtbot, database):
    from PySide6.QtCore import QDate

    from kzmigdesk.gui.permit_dialog import PermitDialog

    with database.transaction() as session:
        employer, holder, other, _permit = setup(session)
        record_violation(session, finding(employer, holder, other,
                                          found_on=dt.date(2026, 8, 1)), today=dt.date.today())
        other_id = other.id
    dialog = PermitDialog(database.acting_as(SUPERVISOR), None, person_id=other_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.employer_search.setText("Казстрой")
    dialog.employer_list.setCurrentRow(0)
    dialog.number.setText("WP-9")
    dialog.category.setCurrentIndex(dialog.category.findData(C.CATEGORY_4.value))
    dialog.region.setCurrentIndex(dialog.region.findText("Almaty"))
    start = dt.date.today()
    dialog.valid_from.setDate(QDate(start.year, start.month, start.day))
    end = start + dt.timedelta(days=100)
    dialog.valid_to.setDate(QDate(end.year, end.month, end.day))
    assert not dialog.save()
    assert "The employer has labour violations." in dialog.errors_label.text()
    assert dialog.permit_form.isRowVisible(dialog.acknowledge)
    assert not dialog.save()  # not yet acknowledged
    dialog.acknowledge.setChecked(True)
    assert dialog.save(), dialog.errors_label.text()
    with database.sessions() as session:
        permit = session.scalars(select(WorkPermit).where(WorkPermit.number == "WP-9")).one()
        assert "Fines not paid" in permit.employer_warning
