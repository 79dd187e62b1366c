"""Kandas support (services/support.py): eligibility, amounts from norms changed mid-year, the
statuses and their four eyes (change requests), the monthly payment register (XLSX and CSV)
whose totals agree with the approved applications, the timeline and the monthly summary; on
SQLite and PostgreSQL."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from kzmigdesk.domain.enums import (
    HouseholdRelation,
    OfficeKind,
    RepatriateStatus,
    RequestStatus,
    Sex,
    SupportStatus,
    UserRole,
)
from kzmigdesk.domain.models import (
    ChangeRequest,
    KandasQuota,
    MonthlyIndex,
    Office,
    Region,
    RepatriateCase,
    SupportApplication,
    SupportMeasure,
    SupportNorm,
    User,
)
from kzmigdesk.services import change_requests as cr
from kzmigdesk.services import registration, repatriation, support, timeline, users
from kzmigdesk.services.auth import PermissionDenied
from kzmigdesk.services.errors import ValidationFailed

S = SupportStatus
YEAR = 2025
CHANGE = dt.date(YEAR, 7, 1)  # the relocation norm changes here (test's own norm)


def person(surname, given, born, sex=Sex.MALE):
    return registration.PersonInput(surname=surname, given_name=given, sex=sex,
                                     birth_date=born, citizenship="CN")


@pytest.fixture
def world(database):
    """Office A with a clerk and a supervisor; two regions: ALA designated for kandas in
    2025 (quota 500), AST not (quota 0); the relocation norm 70/45 МРП until 30 June 2025
    and 80/50 from 1 July; the index of 2025 (3 932 tenge). Three granted cases: a family of
    three resettled to ALA who arrived on 1 March 2025, a single person to ALA who arrived
    on 1 August 2025, and a family resettled to AST."""
    with database.transaction() as session:
        ala = session.scalars(select(Region).where(Region.code == "ALA")).one()
        ast = session.scalars(select(Region).where(Region.code == "AST")).one()
        session.add_all([KandasQuota(year=YEAR, region_id=ala.id, amount=500),
                         KandasQuota(year=YEAR, region_id=ast.id, amount=0)])
        office = Office(code="A", name="Office A", kind=OfficeKind.DISTRICT, region_id=ala.id)
        session.add(office)
        session.flush()
        accounts = {}
        for name, role in (("aigerim", UserRole.CLERK), ("serik", UserRole.SUPERVISOR),
                           ("marat", UserRole.SUPERVISOR)):
            user = User(username=name, full_name=name.title(), role=role, office_id=office.id)
            session.add(user)
            session.flush()
            accounts[name] = users.actor_of(user)
    supervisor = database.acting_as(accounts["serik"])
    with supervisor.transaction() as session:
        relocation = session.scalars(select(SupportMeasure.id).where(
            SupportMeasure.code == "relocation")).one()
        # The test's own norms, not the migration's seed: 70/45 from 2024, 80/50 from July.
        support.set_norm(session, relocation, dt.date(2024, 1, 1), 70, 45)
        support.set_norm(session, relocation, CHANGE, 80, 50)
        support.set_index(session, YEAR, 3932)
    cases = {}
    admin = database  # the administrator opens and grants the cases
    with admin.transaction() as session:
        office_id = session.scalars(select(Office.id).where(Office.code == "A")).one()
        for key, region, arrival, household in (
                ("family", ala, dt.date(YEAR, 3, 1), 2), ("single", ala, dt.date(YEAR, 8, 1), 0),
                ("elsewhere", ast, dt.date(YEAR, 3, 1), 1)):
            head = registration.save_person(session, person(f"Head{key}", "Nurlan",
                                                            dt.date(1980, 1, 1)))
            case = repatriation.open_case(session, head, repatriation.CaseInput(
                country_of_origin="CN", application_date=dt.date(YEAR, 1, 10),
                arrival_date=arrival, resettlement_region_id=region.id, quota_year=YEAR,
                office_id=office_id))
            for i in range(household):
                member = registration.save_person(session, person(
                    f"Member{key}{i}", "Aru", dt.date(2010 + i, 1, 1), Sex.FEMALE))
                repatriation.add_member(session, case, member, HouseholdRelation.CHILD)
            repatriation.change_status(session, case, RepatriateStatus.GRANTED,
                                       dt.date.today(), certificate_number=f"KC-{key}",
                                       override_reason="beyond the quota" if region is ast
                                       else None)
            cases[key] = case.id
    return dict(database=database, accounts=accounts, cases=cases, relocation=relocation)


def _apply(db, case_id, measure_id, on):
    return support.apply_for(db, case_id, measure_id, on)


def _application(db, application_id) -> SupportApplication:
    with db.sessions() as session:
        a = session.get(SupportApplication, application_id)
        session.expunge(a)
        return a


def test_amounts_follow_the_norm_in_effect_on_the_day_applied(world):
    db, cases, relocation = world["database"], world["cases"], world["relocation"]
    # Before the mid-year change: 70 + 2 × 45 = 160 МРП × 3 932.
    before = _application(db, _apply(db, cases["family"], relocation, dt.date(YEAR, 6, 30)))
    assert (before.head_indices, before.member_indices, before.members) == (70, 45, 2)
    assert before.amount == (70 + 2 * 45) * 3932 == 629_120
    # After it: the single person, 80 МРП × 3 932.
    after = _application(db, _apply(db, cases["single"], relocation, dt.date(YEAR, 8, 15)))
    assert (after.head_indices, after.members, after.amount) == (80, 0, 80 * 3932)
    # A norm changed later does not touch the applications made.
    with db.transaction() as session:
        support.set_norm(session, relocation, dt.date(YEAR, 9, 1), 100, 60)
        support.set_index(session, YEAR, 4000)  # corrected index: new applications only
    assert _application(db, before.id).amount == 629_120
    # The settling-in measure for the family, after the change of the index: 35 + 2 × 20.
    with db.sessions() as session:
        settling = session.scalars(select(SupportMeasure).where(
            SupportMeasure.code == "settling_in")).one()
        norm = support.norm_on(session, settling.id, dt.date(YEAR, 9, 2))
    third = _application(db, _apply(db, cases["family"], settling.id, dt.date(YEAR, 9, 2)))
    assert third.amount == (norm.head_indices + 2 * norm.member_indices) * 4000


def test_eligibility(world):
    db, cases, relocation = world["database"], world["cases"], world["relocation"]
    # Resettled to a region with no kandas quota that year.
    with pytest.raises(support.NotEligible) as refused:
        _apply(db, cases["elsewhere"], relocation, dt.date(YEAR, 4, 1))
    assert "not designated" in refused.value.message()
    # Past the measure's deadline (12 months after the arrival on 1 March 2025).
    with pytest.raises(support.NotEligible) as late:
        with db.transaction() as session:
            case = session.get(RepatriateCase, cases["family"])
            measure = session.get(SupportMeasure, relocation)
            support.apply(session, case, measure, dt.date(YEAR + 1, 3, 2),
                          today=dt.date(YEAR + 1, 3, 2))
    assert "deadline" in late.value.message()
    # Before the arrival.
    with pytest.raises(support.NotEligible):
        _apply(db, cases["single"], relocation, dt.date(YEAR, 7, 20))
    # Within the deadline: eligible; then not again for the same measure ...
    first = _apply(db, cases["family"], relocation, dt.date(YEAR, 4, 1))
    with pytest.raises(support.NotEligible) as again:
        _apply(db, cases["family"], relocation, dt.date(YEAR, 4, 2))
    assert "already" in again.value.message()
    # ... unless the first was refused.
    support.change_application_status(db, first, S.REFUSED, dt.date(YEAR, 4, 5),
                                      reason="documents missing")
    assert _application(db, _apply(db, cases["family"], relocation, dt.date(YEAR, 4, 6))).amount
    # A case that does not hold kandas status.
    with db.transaction() as session:
        session.get(RepatriateCase, cases["single"]).status = RepatriateStatus.APPLIED
    with pytest.raises(support.NotEligible) as status:
        _apply(db, cases["single"], relocation, dt.date(YEAR, 8, 15))
    assert "kandas status" in status.value.message()


def test_missing_norm_or_index_is_said_not_guessed(world):
    db, cases, relocation = world["database"], world["cases"], world["relocation"]
    with db.transaction() as session:
        session.execute(MonthlyIndex.__table__.delete().where(MonthlyIndex.year == YEAR))
    with pytest.raises(support.ServiceError) as missing:
        _apply(db, cases["family"], relocation, dt.date(YEAR, 4, 1))
    assert "index of 2025" in missing.value.message()


def test_statuses_and_the_four_eyes_path(world):
    db, cases, relocation, accounts = (world["database"], world["cases"], world["relocation"],
                                       world["accounts"])
    clerk = db.acting_as(accounts["aigerim"])
    application = support.apply_for(clerk, cases["family"], relocation, dt.date(YEAR, 4, 1))
    # Paying before approval is not a step the statuses allow.
    with pytest.raises(support.SupportTransitionNotAllowed):
        support.change_application_status(clerk, application, S.PAID, dt.date(YEAR, 4, 2))
    # A clerk's approval waits for a supervisor.
    with pytest.raises(cr.SentForApproval):
        support.change_application_status(clerk, application, S.APPROVED, dt.date(YEAR, 4, 3))
    assert _application(db, application).status is S.APPLIED
    with db.sessions() as session:
        request = session.scalars(select(ChangeRequest)).one()
        assert request.target_type == "support_applications"
        request_id = request.id
    # The clerk may not decide it, nor may anyone approve their own request.
    with pytest.raises(PermissionDenied):
        cr.approve_request(clerk, request_id)
    cr.approve_request(db.acting_as(accounts["serik"]), request_id)
    approved = _application(db, application)
    assert (approved.status, approved.decided_on) == (S.APPROVED, dt.date(YEAR, 4, 3))
    with db.sessions() as session:
        assert session.get(ChangeRequest, request_id).status is RequestStatus.APPROVED
    # The payment is recorded by the clerk once the paying body paid.
    support.change_application_status(clerk, application, S.PAID, dt.date(YEAR, 5, 10),
                                      reference="PP-77")
    paid = _application(db, application)
    assert (paid.status, paid.paid_on, paid.payment_reference) == (
        S.PAID, dt.date(YEAR, 5, 10), "PP-77")
    # A refusal needs its reason; a supervisor's own decision applies at once.
    other = support.apply_for(clerk, cases["single"], relocation, dt.date(YEAR, 8, 15))
    with pytest.raises(ValidationFailed):
        support.change_application_status(db.acting_as(accounts["marat"]), other, S.REFUSED,
                                          dt.date(YEAR, 8, 16))
    support.change_application_status(db.acting_as(accounts["marat"]), other, S.REFUSED,
                                      dt.date(YEAR, 8, 16), reason="no documents")
    assert _application(db, other).status is S.REFUSED


def test_norms_are_set_by_supervisors_only(world):
    clerk = world["database"].acting_as(world["accounts"]["aigerim"])
    with pytest.raises(PermissionDenied):
        support.change_norm(clerk, world["relocation"], dt.date(YEAR, 10, 1), 1, 1)
    with pytest.raises(PermissionDenied):
        support.change_index(clerk, YEAR, 1)


def test_payment_register_totals_agree_with_the_approved_applications(world):
    db, cases, relocation = world["database"], world["cases"], world["relocation"]
    with db.sessions() as session:
        settling, housing = (session.scalars(select(SupportMeasure.id).where(
            SupportMeasure.code == code)).one() for code in ("settling_in", "housing"))
    made = {
        "a": _apply(db, cases["family"], relocation, dt.date(YEAR, 6, 1)),
        "b": _apply(db, cases["family"], settling, dt.date(YEAR, 7, 2)),
        "c": _apply(db, cases["single"], relocation, dt.date(YEAR, 8, 2)),
        "d": _apply(db, cases["family"], housing, dt.date(YEAR, 8, 3)),
    }
    change = support.change_application_status
    change(db, made["a"], S.APPROVED, dt.date(YEAR, 8, 5))
    change(db, made["a"], S.PAID, dt.date(YEAR, 8, 20))  # paid since: still in August's
    change(db, made["b"], S.APPROVED, dt.date(YEAR, 8, 31))
    change(db, made["c"], S.APPROVED, dt.date(YEAR, 9, 1))  # September's
    change(db, made["d"], S.REFUSED, dt.date(YEAR, 8, 10), reason="owns a dwelling")
    with db.sessions() as session:
        expected = session.scalar(select(func.sum(SupportApplication.amount)).where(
            SupportApplication.id.in_([made["a"], made["b"]])))
        register = support.payment_register(session, YEAR, 8)
    assert expected == _application(db, made["a"]).amount + _application(db, made["b"]).amount
    assert [line.amount for line in register.lines] == [_application(db, made[k]).amount
                                                        for k in ("a", "b")]
    assert register.total == expected
    assert register.persons == 6

    xlsx, csv_bytes = support.export_register(db, YEAR, 8)
    sheet = load_workbook(io.BytesIO(xlsx)).active
    rows = list(sheet.iter_rows(values_only=True))
    lines = [r for r in rows[3:] if isinstance(r[0], int)]
    assert sum(r[8] for r in lines) == expected
    total_row = rows[3 + len(lines)]
    assert total_row[1] == "Total" and total_row[8] == f"=SUM(I4:I{3 + len(lines)})"
    table = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig"))))
    assert sum(int(r[8]) for r in table[1:-1]) == expected
    assert table[-1][1] == "Total" and int(table[-1][8]) == expected
    # September's register holds the third application only; an empty month none.
    with db.sessions() as session:
        assert support.payment_register(session, YEAR, 9).total == _application(
            db, made["c"]).amount
        assert support.payment_register(session, YEAR, 10).lines == []
        summary = {m.measure: m for m in support.month_summary(
            session, dt.date(YEAR, 8, 1), dt.date(YEAR, 9, 1))}
    assert sum(m.approved_amount for m in summary.values()) == expected
    assert sum(m.refused for m in summary.values()) == 1
    assert sum(m.paid for m in summary.values()) == 1


def test_support_shows_in_the_timeline(world):
    db, cases, relocation = world["database"], world["cases"], world["relocation"]
    application = _apply(db, cases["family"], relocation, dt.date(YEAR, 6, 1))
    support.change_application_status(db, application, S.APPROVED, dt.date(YEAR, 6, 5))
    with db.sessions() as session:
        person_id = session.get(RepatriateCase, cases["family"]).person_id
        events = timeline.person_timeline(session, person_id)
    texts = [e.text for e in events if e.kind == timeline.SUPPORT]
    assert any("applied for, 629 120 tenge" in t for t in texts)
    assert any(t.endswith("approved") for t in texts)


def test_seeded_norms_are_there_to_be_edited(database):
    """The migration seeds three measures with kk/ru/en names, a norm each and the index of
    some years; editing them is what a supervisor does (not a constant of the program)."""
    with database.sessions() as session:
        names = session.scalars(select(SupportMeasure.names)).all()
        assert len(names) == 3 and all(set(n) >= {"kk", "ru", "en"} for n in names)
        assert session.scalar(select(func.count()).select_from(SupportNorm)) == 3
    with database.transaction() as session:
        support.set_index(session, 2030, 5000)
        assert support.index_of(session, 2030).value == 5000


def test_support_in_the_case_print_and_the_monthly_summary(world, tmp_path):
    """The case print lists the applications; the monthly summary's section counts them and
    its approved amount agrees with the register (the PDFs are rendered to PNG in tmp)."""
    from kzmigdesk.i18n.words import Words
    from kzmigdesk.printing.forms import case_summary
    from kzmigdesk.printing.monthly import summary_pdf
    from kzmigdesk.services import prints, reports

    db, cases, relocation = world["database"], world["cases"], world["relocation"]
    a = _apply(db, cases["family"], relocation, dt.date(YEAR, 6, 1))
    support.change_application_status(db, a, S.APPROVED, dt.date(YEAR, 6, 5))
    b = _apply(db, cases["single"], relocation, dt.date(YEAR, 8, 2))
    support.change_application_status(db, b, S.REFUSED, dt.date(YEAR, 8, 3), reason="x")
    with db.sessions() as session:
        document = prints.case_summary(session, cases["family"])
        june = reports.monthly_summary(session, dt.date(YEAR, 6, 1), Words.of("kk"))
        register = support.payment_register(session, YEAR, 6)
    assert [(s.amount, s.status, s.persons) for s in document.support] == [
        (629_120, "approved", 3)]
    section = june.section("kandas_support")
    total = section.rows[-1]
    assert total[2] == 1 and total[5] == register.total == 629_120
    assert section.rows[0][0] == "Көшуге біржолғы төлем"
    pdf = case_summary(document, Words.of("kk"))
    (tmp_path / "case.pdf").write_bytes(pdf)
    assert pdf.startswith(b"%PDF")
    (tmp_path / "summary.pdf").write_bytes(summary_pdf(june, Words.of("kk")))
    import os
    if os.environ.get("KZMIGDESK_KEEP_PDF"):
        import shutil
        shutil.copy(tmp_path / "case.pdf", "/tmp/support-case.pdf")
        shutil.copy(tmp_path / "summary.pdf", "/tmp/support-summary.pdf")


def test_command_line_sets_norms_and_writes_the_register(tmp_path, capsys):
    """`kzmigdesk support norm / index / norms / register` on a new database file."""
    from kzmigdesk.cli import main

    db_file = tmp_path / "cli.sqlite3"
    assert main(["db", "init", str(db_file)]) == 0
    db = ["--db", str(db_file), "support"]
    assert main([*db, "norm", "--measure", "relocation", "--from", "2026-07-01", "--head", "85",
                 "--member", "55"]) == 0
    assert main([*db, "index", "--year", "2027", "--value", "4600"]) == 0
    assert main([*db, "norm", "--measure", "nothing", "--from", "2026-07-01", "--head", "1",
                 "--member", "1"]) == 2
    capsys.readouterr()
    assert main([*db, "norms"]) == 0
    listed = capsys.readouterr().out
    assert "2026-07-01\t85\t55" in listed and "2027\t4600" in listed
    assert main([*db, "register", "--month", "2026-06", "--out", str(tmp_path / "r.xlsx")]) == 0
    assert (tmp_path / "r.csv").read_text("utf-8-sig").splitlines()[-1].endswith(",0,,")
