"""The windows' side of change requests: the person form, the case and permit dialogs say
that a clerk's change was sent for approval; the queue shows old and new values side by side,
approves, rejects with a reason, refuses a stale request until compared."""

import datetime as dt

import pytest
from PySide6.QtWidgets import QMessageBox
from test_change_requests import (  # noqa: F401
    TODAY,
    _identity_applied,
    _revoke,
    _revoked,
    as_,
    requests,
    stored,
    world,  # the fixture
)

from kzmigdesk import i18n
from kzmigdesk.domain.enums import PermitStatus, RepatriateStatus, RequestStatus
from kzmigdesk.domain.models import Person, RepatriateCase
from kzmigdesk.gui.case_dialog import CaseDialog
from kzmigdesk.gui.change_requests_dialog import ChangeRequestsDialog
from kzmigdesk.gui.permit_dialog import PermitDialog
from kzmigdesk.gui.person_dialog import PersonDialog
from kzmigdesk.services import change_requests as cr


def shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def message_boxes(widget) -> list[str]:
    return [box.text() for box in widget.findChildren(QMessageBox)]


def queue(qtbot, world, who) -> ChangeRequestsDialog:  # noqa: F811
    return shown(qtbot, ChangeRequestsDialog(as_(world, who)))


def cells(table) -> list[list[str]]:
    return [[table.item(row, column).text() for column in range(table.columnCount())]
            for row in range(table.rowCount())]


def test_a_clerks_identity_change_from_the_form_waits_and_is_approved(qtbot, world):  # noqa: F811
    form = shown(qtbot, PersonDialog(as_(world, "aigerim"), world["person"]))
    form.ask_discard = lambda: True
    form.form.surname.setText("Әбенұлы")
    assert form.save()
    assert form.result() == form.DialogCode.Accepted  # closed: nothing left to save
    [text] = message_boxes(form)
    assert text.startswith("Sent for approval: identity data (Әбенов Нұрлан")
    assert not _identity_applied(world)

    dialog = queue(qtbot, world, "serik")
    assert cells(dialog.list)[0][:3] == ["identity data", "Әбенов Нұрлан, 1980-01-01",
                                         "aigerim"]
    assert cells(dialog.fields) == [["Surname", "Әбенов", "Әбенұлы"]]
    assert dialog.approve_button.isEnabled() and not dialog.withdraw_button.isEnabled()
    assert dialog.approve()
    assert _identity_applied(world)
    assert dialog.list.rowCount() == 0


def test_the_queue_refuses_a_stale_request_until_compared(qtbot, world):  # noqa: F811
    form = shown(qtbot, PersonDialog(as_(world, "aigerim"), world["person"]))
    form.form.surname.setText("Әбенұлы")
    form.save()
    other = shown(qtbot, PersonDialog(as_(world, "serik"), world["person"]))
    other.form.phone.setText("+77015550000")
    assert other.save()
    dialog = queue(qtbot, world, "serik")
    assert dialog.since.isVisibleTo(dialog)
    assert cells(dialog.since) == [["Phone", "+77011234567", "+77015550000"]]
    assert not dialog.approve()  # not blindly
    assert "has changed since" in dialog.errors_label.text()
    assert dialog.approve_button.text() == "&Approve against the record as it is now"
    i18n.set_language("kk")
    try:
        kk = ChangeRequestsDialog(as_(world, "serik"))
        shown(qtbot, kk).resize(1000, 620)
        kk.grab().save("/tmp/requests-queue-kk.png")
    finally:
        i18n.set_language("en")
    assert dialog.approve()
    person = stored(world, Person, world["person"])
    assert (person.surname, person.phone) == ("Әбенұлы", "+77015550000")


def test_reject_with_a_reason_and_withdraw_from_the_queue(qtbot, world):  # noqa: F811
    permit = shown(qtbot, PermitDialog(as_(world, "aigerim"), world["permit"]))
    permit.ask_transition = lambda status: {"on": TODAY, "comment": "left the employer"}
    permit.confirm_transition = lambda status: True
    assert permit.change_status(PermitStatus.REVOKED)
    assert message_boxes(permit)[0].startswith("Sent for approval: revocation of a work permit")
    dialog = queue(qtbot, world, "serik")
    assert not dialog.reject_request()  # no reason given
    assert "Reason" in dialog.errors_label.text()
    dialog.reason.setText("the contract still runs")
    assert dialog.reject_request()
    assert not _revoked(world)
    assert requests(world)[0].status is RequestStatus.REJECTED

    case = shown(qtbot, CaseDialog(as_(world, "aigerim"), world["case"]))
    case.ask_transition = lambda status: {"on": TODAY, "certificate_number": "KND-9"}
    case.confirm_transition = lambda status: True
    assert case.change_status(RepatriateStatus.GRANTED)
    assert message_boxes(case)[0].startswith("Sent for approval: kandas status decision")
    assert stored(world, RepatriateCase, world["case"]).status is RepatriateStatus.APPLIED
    mine = queue(qtbot, world, "aigerim")  # the author sees their own requests
    assert mine.withdraw_button.isEnabled() and not mine.approve_button.isEnabled()
    assert mine.withdraw()
    assert requests(world)[1].status is RequestStatus.WITHDRAWN
    mine.show_decided.setChecked(True)
    assert [row[4] for row in cells(mine.list)] == ["rejected", "withdrawn by its author"]
    assert dt.date.today() == TODAY


def test_scans_attached_opened_and_removed_from_the_person_form_and_a_request(
        qtbot, world, tmp_path):  # noqa: F811
    from test_scans import PDF, png

    from kzmigdesk.services import scans

    form = shown(qtbot, PersonDialog(as_(world, "aigerim"), world["person"]))
    dialog = form.show_scans()
    qtbot.addWidget(dialog)
    opened = []
    dialog.open_file = opened.append
    passport = tmp_path / "passport.png"
    passport.write_bytes(png())
    dialog.description.setText("passport")
    assert dialog.attach(passport)
    not_a_scan = tmp_path / "decision.pdf"
    not_a_scan.write_bytes(b"<html>not a pdf</html>")
    assert not dialog.attach(not_a_scan)
    assert "Only PDF, JPEG and PNG" in dialog.errors_label.text()
    assert cells(dialog.table)[0][:3] == ["passport", "passport.png", "PNG"]
    path = dialog.open_scan()
    assert opened == [path] and path.read_bytes() == passport.read_bytes()

    with pytest.raises(cr.SentForApproval) as sent:
        _revoke(world, "aigerim")
    decision = tmp_path / "decision-scan.pdf"
    decision.write_bytes(PDF)
    queue_dialog = queue(qtbot, world, "serik")
    request_scans = queue_dialog.show_scans()
    qtbot.addWidget(request_scans)
    assert request_scans.attach(decision)
    assert [r.file_name for r in scans.list_scans(world["database"],
                                                  request_id=sent.value.request_id)] == [
        "decision-scan.pdf"]
    assert dialog.remove()
    assert scans.list_scans(world["database"], world["person"]) == []


def test_a_request_prints_as_a_bilingual_form(qtbot, world, monkeypatch, tmp_path):  # noqa: F811
    from pypdf import PdfReader

    from kzmigdesk.gui import print_actions

    with pytest.raises(cr.SentForApproval) as sent:
        form = shown(qtbot, PersonDialog(as_(world, "aigerim"), world["person"]))
        form.form.surname.setText("Әбенұлы")
        form.form.birth_date.setDate(form.form.birth_date.date().addDays(1))
        from kzmigdesk.services.registration import register_person

        data, documents = form.collect()
        register_person(as_(world, "aigerim"), data, documents, person_id=world["person"],
                        expected_version=form.version)
    cr.reject_request(as_(world, "serik"), sent.value.request_id, "the passport says otherwise")
    office_a_has_a_profile(world)  # nothing is printed without one (issue 21)
    urls = []
    monkeypatch.setattr(print_actions.QDesktopServices, "openUrl", urls.append)
    monkeypatch.setattr(print_actions, "temporary_pdf", lambda name: tmp_path / f"{name}.pdf")
    dialog = queue(qtbot, world, "serik")
    dialog.show_decided.setChecked(True)
    path = dialog.print_form()
    assert urls and path.read_bytes().startswith(b"%PDF")
    page = " ".join(PdfReader(path).pages[0].extract_text().split())
    for expected in ("Өзгерту туралы сұрау / Запрос на изменение", "Тегі / Фамилия",
                     "Әбенов", "Әбенұлы", "02.01.1980", "the passport says otherwise",
                     "қабылданбады / отклонён", "aigerim", "serik"):
        assert expected in page, expected
    with world["database"].sessions() as session:
        from sqlalchemy import select

        from kzmigdesk.domain.models import AuditEntry

        assert session.scalars(select(AuditEntry).where(
            AuditEntry.action == "print", AuditEntry.entity_type == "change_requests")).one()


def test_an_administrator_changes_what_needs_approval(qtbot, world):  # noqa: F811
    from kzmigdesk.domain.enums import ChangeKind, UserRole
    from kzmigdesk.gui.change_requests_dialog import ApprovalRulesDialog

    admin_queue = queue(qtbot, world, "admin")
    assert admin_queue.rules_button.isVisible()
    assert not queue(qtbot, world, "serik").rules_button.isVisible()
    dialog = admin_queue.edit_rules()
    qtbot.addWidget(dialog)
    assert all(box.isChecked() for box in dialog.kinds.values())
    dialog.kinds[ChangeKind.PERMIT_REVOCATION].setChecked(False)
    dialog.roles[UserRole.SUPERVISOR].setChecked(True)
    assert dialog.save()
    rules = cr.approval_rules(world["database"])
    assert ChangeKind.PERMIT_REVOCATION not in rules.kinds
    assert rules.roles == {UserRole.CLERK, UserRole.SUPERVISOR}
    refused = ApprovalRulesDialog(as_(world, "serik"))
    qtbot.addWidget(refused)
    assert not refused.save() and "does not allow" in refused.errors_label.text()


def office_a_has_a_profile(setting) -> None:
    from sqlalchemy import select

    from kzmigdesk.domain.enums import UserRole
    from kzmigdesk.domain.models import Office
    from kzmigdesk.services import office_profile
    from kzmigdesk.services.auth import Actor

    database = setting["database"]
    with database.sessions() as session:
        office_id = session.scalars(select(Office.id).where(Office.code == "A")).one()
    office_profile.save_profile(
        database.acting_as(Actor("admin", UserRole.ADMINISTRATOR)), office_profile.ProfileInput(
            names={"kk": "А бөлімшесі", "ru": "Отдел А"}, addresses={"kk": "Алматы қ.",
                                                                  "ru": "г. Алматы"},
            head_positions={"kk": "Бөлім басшысы", "ru": "Начальник отдела"},
            head_names={"kk": "Ә. Сейітов", "ru": "А. Сеитов"}), office_id=office_id)


# --- deleting from the windows, drafts, a quota full at approval ---


def _asked(dialog, answer=True) -> list[str]:
    questions = []
    dialog.ask_delete = lambda text, may_draft=False: questions.append(text) or answer
    return questions


def _press_in_next_box(qtbot, label: str, seen: list) -> None:
    """Press the button `label` of the next modal message box (and note its buttons)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def press():
        box = next((w for w in QApplication.topLevelWidgets()
                    if isinstance(w, QMessageBox) and w.isVisible()), None)
        if box is None:
            QTimer.singleShot(20, press)
            return
        seen.append(sorted(b.text() for b in box.buttons()))
        next(b for b in box.buttons() if b.text() == label).click()
    QTimer.singleShot(0, press)


def test_decisions_revocations_and_deletions_kept_as_drafts(qtbot, world):  # noqa: F811
    """Each window whose change waits for a supervisor offers Keep as a draft: the request
    stays its author's draft, nothing is applied, and the author submits it later."""
    from kzmigdesk.domain.enums import ChangeKind
    from kzmigdesk.domain.models import WorkPermit
    from kzmigdesk.gui.widgets.dialogs import DRAFT

    case = shown(qtbot, CaseDialog(as_(world, "aigerim"), world["case"]))
    case.ask_transition = lambda status: {"on": TODAY, "certificate_number": "KND-9"}
    buttons = []
    _press_in_next_box(qtbot, "Keep as a dra&ft", buttons)
    assert case.change_status(RepatriateStatus.GRANTED)  # the real question
    assert buttons == [["&Grant kandas status", "Cancel", "Keep as a dra&ft"]]
    assert message_boxes(case)[0].startswith("Saved as a draft: kandas status decision")
    permit = shown(qtbot, PermitDialog(as_(world, "aigerim"), world["permit"]))
    permit.ask_transition = lambda status: {"on": TODAY, "comment": "left the employer"}
    permit.confirm_transition = lambda status: DRAFT
    assert permit.change_status(PermitStatus.REVOKED)
    form = shown(qtbot, PersonDialog(as_(world, "aigerim"), world["person"]))
    asked = []
    form.ask_delete = lambda text, may_draft=False: asked.append(may_draft) or DRAFT
    form.form.deleteButton.click()
    assert asked == [True]
    assert [(r.kind, r.status) for r in requests(world)] == [
        (ChangeKind.KANDAS_STATUS, RequestStatus.DRAFT),
        (ChangeKind.PERMIT_REVOCATION, RequestStatus.DRAFT),
        (ChangeKind.DELETION, RequestStatus.DRAFT)]
    assert stored(world, RepatriateCase, world["case"]).status is RepatriateStatus.APPLIED
    assert stored(world, WorkPermit, world["permit"]).status is not PermitStatus.REVOKED
    assert stored(world, Person, world["person"]).deleted_at is None
    assert cr.list_requests(as_(world, "serik")) == []  # a draft is its author's only
    # a supervisor's decision applies at once: no draft offered, no question for a grant
    supervisor_case = shown(qtbot, CaseDialog(as_(world, "serik"), world["case"]))
    assert supervisor_case.confirm_transition(RepatriateStatus.GRANTED) is True


def test_delete_buttons_send_a_clerks_deletion_for_approval(qtbot, world):  # noqa: F811
    from kzmigdesk.domain.enums import ChangeKind
    from kzmigdesk.domain.models import WorkPermit

    form = shown(qtbot, PersonDialog(as_(world, "aigerim"), world["person"]))
    assert form.form.deleteButton.isVisible()
    questions = _asked(form, answer=False)
    form.form.deleteButton.click()  # not confirmed: nothing happens
    assert "Delete Әбенов Нұрлан?" in questions[0]
    assert "disappears from the lists and searches" in questions[0]
    assert "needs a supervisor's approval" in questions[0]
    assert requests(world) == [] and form.isVisible()
    questions = _asked(form)
    form.form.deleteButton.click()
    assert message_boxes(form.parentWidget() or form)[0].startswith(
        "Sent for approval: deletion")
    assert stored(world, Person, world["person"]).deleted_at is None
    case = shown(qtbot, CaseDialog(as_(world, "aigerim"), world["case"]))
    _asked(case)
    case.delete_button.click()
    permit = shown(qtbot, PermitDialog(as_(world, "aigerim"), world["permit"]))
    questions = _asked(permit)
    permit.delete_button.click()
    assert "Delete the work permit WP-1, Wang Wei?" in questions[0]
    assert [(r.kind, r.target_type, r.status) for r in requests(world)] == [
        (ChangeKind.DELETION, target, RequestStatus.SUBMITTED)
        for target in ("persons", "repatriate_cases", "work_permits")]
    assert stored(world, WorkPermit, world["permit"]).deleted_at is None
    dialog = queue(qtbot, world, "serik")
    assert dialog.approve()  # the oldest: the person
    assert stored(world, Person, world["person"]).deleted_at is not None


def test_a_supervisor_deletes_at_once(qtbot, world):  # noqa: F811
    from kzmigdesk.domain.models import WorkPermit

    permit = shown(qtbot, PermitDialog(as_(world, "serik"), world["permit"]))
    questions = _asked(permit)
    with qtbot.waitSignal(permit.saved):
        assert permit.delete()
    assert "It is deleted at once." in questions[0]
    assert stored(world, WorkPermit, world["permit"]).deleted_at is not None
    case = shown(qtbot, CaseDialog(as_(world, "serik"), world["case"]))
    questions = _asked(case)
    i18n.set_language("kk")
    try:
        kk = shown(qtbot, CaseDialog(as_(world, "serik"), world["case"]))
        kk.grab().save("/tmp/requests2-case-kk.png")
        kk_form = shown(qtbot, PersonDialog(as_(world, "aigerim"), world["person"]))
        kk_form.grab().save("/tmp/requests2-person-kk.png")
    finally:
        i18n.set_language("en")
    with qtbot.waitSignal(case.changed):
        assert case.delete()
    assert "The case disappears from the lists of cases" in questions[0]
    assert stored(world, RepatriateCase, world["case"]).deleted_at is not None
    form = shown(qtbot, PersonDialog(as_(world, "serik"), world["person"]))
    _asked(form)
    assert not form.form.draftButton.isVisible()  # a supervisor's changes need no approval
    with qtbot.waitSignal(form.saved):
        assert form.delete()
    assert stored(world, Person, world["person"]).deleted_at is not None
    assert requests(world) == []


def test_a_draft_from_the_person_form_is_submitted_from_the_queue(qtbot, world):  # noqa: F811
    form = shown(qtbot, PersonDialog(as_(world, "aigerim"), world["person"]))
    assert form.form.draftButton.isVisible()
    form.form.surname.setText("Әбенұлы")
    form.form.draftButton.click()
    assert form.result() == form.DialogCode.Accepted
    [text] = message_boxes(form)
    assert text.startswith("Saved as a draft: identity data")
    [draft] = requests(world)
    assert draft.status is RequestStatus.DRAFT
    assert queue(qtbot, world, "serik").list.rowCount() == 0  # no supervisor sees it
    mine = queue(qtbot, world, "aigerim")
    assert [row[4] for row in cells(mine.list)] == ["draft"]
    assert mine.submit_button.isEnabled() and not mine.approve_button.isEnabled()
    assert mine.submit()
    assert requests(world)[0].status is RequestStatus.SUBMITTED
    assert not mine.submit_button.isEnabled()
    dialog = queue(qtbot, world, "serik")
    assert dialog.approve()
    assert _identity_applied(world)


def test_approving_beyond_a_full_quota_asks_for_the_reason(qtbot, world):  # noqa: F811
    from sqlalchemy import select

    from kzmigdesk.domain.models import Region
    from kzmigdesk.services import quotas

    with world["database"].transaction() as session:
        case = session.get(RepatriateCase, world["case"])
        region_id = session.scalars(select(Region.id).where(Region.code == "ALA")).one()
        case.quota_year, case.resettlement_region_id = TODAY.year, region_id
    case_dialog = shown(qtbot, CaseDialog(as_(world, "aigerim"), world["case"]))
    case_dialog.ask_transition = lambda status: {"on": TODAY, "certificate_number": "KND-9"}
    case_dialog.confirm_transition = lambda status: True
    assert case_dialog.change_status(RepatriateStatus.GRANTED)
    with world["database"].transaction() as session:  # the quota is full meanwhile
        quotas.set_quota(session, quotas.QuotaKind.KANDAS, TODAY.year, region_id, 0)
    dialog = queue(qtbot, world, "serik")
    asked = []
    dialog.ask_override_reason = lambda message: asked.append(message)  # cancelled: None
    assert not dialog.approve()
    assert "quota" in asked[0] and "quota" in dialog.errors_label.text()
    assert stored(world, RepatriateCase, world["case"]).status is RepatriateStatus.APPLIED
    dialog.ask_override_reason = lambda message: "the court's decision of 2 March"
    assert dialog.approve()
    case = stored(world, RepatriateCase, world["case"])
    assert (case.status, case.quota_override_reason) == (
        RepatriateStatus.GRANTED, "the court's decision of 2 March")
    assert requests(world)[0].reason == "the court's decision of 2 March"
