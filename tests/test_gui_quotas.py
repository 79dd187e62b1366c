"""The Quotas dashboard, setting and importing quotas, and going beyond a quota from the
permit and case dialogs."""

import datetime as dt

from acting import as_user
from PySide6.QtCore import QDate
from sqlalchemy import select

from kzmigdesk import i18n
from kzmigdesk.domain.enums import PermitCategory, RepatriateStatus, Sex, UserRole
from kzmigdesk.domain.identifiers import make_bin
from kzmigdesk.domain.models import Person, Region, RepatriateCase, WorkPermit
from kzmigdesk.gui.case_dialog import CaseDialog
from kzmigdesk.gui.permit_dialog import PermitDialog
from kzmigdesk.gui.quotas_page import LEVEL_ROLE, QuotasPage
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.labour import EmployerInput, PermitInput, issue_permit, save_employer
from kzmigdesk.services.quotas import QuotaKind, set_quota
from kzmigdesk.services.registration import PersonInput, save_person
from kzmigdesk.services.repatriation import CaseInput, open_case

C = PermitCategory
TODAY = dt.date.today()
YEAR = TODAY.year
CLERK = Actor("aigerim", UserRole.CLERK)
SUPERVISOR = Actor("serik", UserRole.SUPERVISOR)


def region_id(session, code):
    return session.scalars(select(Region).where(Region.code == code)).one().id


def populate(database):
    """Almaty cat 4: 2 of 2 (used up); Astana cat 4: 9 of 10 (warning); Almaty cat 1: 0 of 5;
    Almaty kandas 100."""
    with database.transaction() as session:
        for code, category, amount in (("ALA", C.CATEGORY_4, 2), ("AST", C.CATEGORY_4, 10),
                                       ("ALA", C.CATEGORY_1, 5)):
            set_quota(as_user(session, SUPERVISOR), QuotaKind.LABOUR, YEAR,
                      region_id(session, code), amount, category)
        set_quota(session, QuotaKind.KANDAS, YEAR, region_id(session, "ALA"), 100)
        employer = save_employer(session, EmployerInput(
            bin=make_bin(dt.date(2015, 3, 1), 1), name="ТОО «Казстрой»",
            region_id=region_id(session, "ALA")))
        start = dt.date(YEAR, 1, 1)
        for n, code in enumerate(["ALA"] * 2 + ["AST"] * 9):
            person = Person(surname=f"Wang{n}", given_name="Wei", sex=Sex.MALE,
                            birth_date=dt.date(1988, 5, 20), citizenship="CN")
            session.add(person)
            session.flush()
            issue_permit(session, person, employer, PermitInput(
                number=f"WP-{n}", category=C.CATEGORY_4, region_id=region_id(session, code),
                valid_from=start, valid_to=start + dt.timedelta(days=300)), today=TODAY)


def make_page(qtbot, database, actor=SUPERVISOR):
    page = QuotasPage(database.acting_as(actor))
    qtbot.addWidget(page)
    page.resize(1200, 500)
    page.refresh()
    page.show()
    qtbot.waitExposed(page)
    return page


def table(page):
    return [[page.table.item(r, c).text() for c in range(page.table.columnCount())]
            for r in range(page.table.rowCount())]


def test_dashboard_shows_usage_levels_and_forecast(qtbot, database, tmp_path):
    populate(database)
    page = make_page(qtbot, database)
    rows = table(page)
    assert [row[:6] for row in rows] == [
        ["Astana", "category 4: skilled workers", "A–U", "10", "9", "1"],
        ["Almaty", "category 1: executives and their deputies", "A–U", "5", "0", "5"],
        ["Almaty", "category 4: skilled workers", "A–U", "2", "2", "0"],
    ]
    levels = [page.table.item(r, 6).data(LEVEL_ROLE) for r in range(3)]
    assert levels == ["warning", "ok", "full"]
    assert [row[6] for row in rows] == ["90%", "0%", "100%"]
    assert rows[1][7] == "no issuance yet" and rows[2][7] == "used up"
    assert rows[0][7].startswith("about ") or rows[0][7].startswith("lasts the year")
    assert page.summary.text() == (
        "11 of 17 used (65%). At 90 % or more: 1; used up: 1; expected to run out before "
        "the year end: " + str(int(rows[0][7].startswith("about "))) + ".")
    assert page.set_button.isEnabled() and page.import_button.isEnabled()
    page.grab().save(str(tmp_path / "quotas.png"))

    page.kind.setCurrentIndex(1)  # kandas
    assert page.table.isColumnHidden(1) and page.table.isColumnHidden(2)
    assert [row[0] for row in table(page)] == ["Almaty"]
    assert table(page)[0][3:6] == ["100", "0", "100"]
    page.year.setValue(YEAR + 1)
    assert page.table.rowCount() == 0
    assert page.summary.text() == f"No quota is set for {YEAR + 1}."


def test_dashboard_follows_the_language(qtbot, database):
    populate(database)
    page = make_page(qtbot, database)
    i18n.set_language("kk")
    page.retranslate()
    assert page.table.item(2, 7).text() == i18n._("used up") != "used up"
    assert page.table.item(0, 0).text() == "Астана қаласы"
    assert page.kind.itemText(0) == i18n._("Foreign labour quota")


def test_supervisor_sets_a_quota_from_the_dashboard(qtbot, database):
    populate(database)
    page = make_page(qtbot, database)
    dialog = page.open_quota(2)  # Almaty, category 4
    qtbot.addWidget(dialog)
    assert (dialog.region.currentText(), dialog.amount.value()) == ("Almaty", 2)
    dialog.amount.setValue(1)
    assert not dialog.save()
    assert dialog.errors_label.text() == "Quota: cannot be below the 2 slots already taken"
    dialog.amount.setValue(4)
    assert dialog.save()
    assert table(page)[2][3:6] == ["4", "2", "2"]


def test_clerk_cannot_set_quotas(qtbot, database):
    populate(database)
    page = make_page(qtbot, database, actor=CLERK)
    assert not page.set_button.isEnabled() and not page.import_button.isEnabled()
    dialog = page.open_quota(2)
    qtbot.addWidget(dialog)
    dialog.amount.setValue(50)
    assert not dialog.save()
    assert dialog.errors_label.text() == "Your role (clerk) does not allow this: setting quotas."
    assert table(page)[2][3] == "2"


def test_import_csv_from_the_dashboard(qtbot, database, tmp_path):
    page = make_page(qtbot, database)
    good = tmp_path / "quotas.csv"
    good.write_text(f"year;region;category;amount\n{YEAR};ALA;cat2;30\n{YEAR};AST;;250\n",
                    encoding="utf-8-sig")
    assert page.import_file(good)
    assert page.message.text() == (
        "Imported from quotas.csv: 1 labour quotas and 1 kandas quotas.")
    assert [row[:4] for row in table(page)] == [
        ["Almaty", "category 2: heads of structural units", "A–U", "30"]]
    bad = tmp_path / "bad.csv"
    bad.write_text(f"year,region,category,amount\n{YEAR},Atlantis,cat2,30\n")
    assert not page.import_file(bad)
    assert "Line 2: unknown region “Atlantis”" in page.message.text()


def test_permit_beyond_the_quota_needs_a_supervisor_and_a_reason(qtbot, database):
    populate(database)
    with database.transaction() as session:
        save_person(session, PersonInput(surname="Zhang", given_name="Min", sex=Sex.MALE,
                                         birth_date=dt.date(1990, 1, 1), citizenship="CN"))
    for actor in (CLERK, SUPERVISOR):
        dialog = PermitDialog(database.acting_as(actor))
        qtbot.addWidget(dialog)
        dialog.worker_search.insert("Zhang")
        dialog.worker_list.setCurrentRow(0)
        dialog.employer_list.setCurrentRow(0)
        dialog.number.insert("WP-OVER")
        dialog.category.setCurrentIndex(dialog.category.findData(C.CATEGORY_4.value))
        dialog.region.setCurrentIndex(dialog.region.findText("Almaty"))
        dialog.valid_from.setDate(QDate(YEAR, 1, 1))
        dialog.valid_to.setDate(QDate(YEAR, 6, 30))
        assert not dialog.save()
        assert "The labour quota of Almaty, category 4: skilled workers" in (
            dialog.errors_label.text())
        shown = dialog.permit_form.isRowVisible(dialog.override_reason)
        assert shown == (actor is SUPERVISOR)
    assert not dialog.save()  # the reason is still empty
    assert "Reason for going beyond the quota: is required" in dialog.errors_label.text()
    dialog.override_reason.insert("Agreed with the akimat")
    assert dialog.save()
    with database.sessions() as session:
        permit = session.scalars(select(WorkPermit).where(WorkPermit.number == "WP-OVER")).one()
        assert permit.quota_override_reason == "Agreed with the akimat"


def test_case_granted_beyond_the_kandas_quota_asks_a_supervisor_for_the_reason(qtbot, database):
    with database.transaction() as session:
        set_quota(as_user(session, SUPERVISOR), QuotaKind.KANDAS, YEAR,
                  region_id(session, "ALA"), 0)
        head = Person(surname="Әбенов", given_name="Нұрлан", sex=Sex.MALE,
                      birth_date=dt.date(1980, 1, 1), citizenship="UZ")
        session.add(head)
        session.flush()
        case_id = open_case(session, head, CaseInput(
            country_of_origin="UZ", application_date=TODAY,
            resettlement_region_id=region_id(session, "ALA"), quota_year=YEAR),
            today=TODAY).id
    asked = []
    for actor, reason in ((CLERK, None), (SUPERVISOR, None), (SUPERVISOR, "large family")):
        dialog = CaseDialog(database.acting_as(actor), case_id)
        qtbot.addWidget(dialog)
        dialog.ask_transition = lambda status: {"on": TODAY, "certificate_number": "KND-1"}
        dialog.ask_override_reason = lambda message, r=reason: asked.append(message) or r
        dialog.confirm_transition = lambda status: True  # the clerk sends it for approval
        assert dialog.change_status(RepatriateStatus.GRANTED) == (reason is not None)
    assert len(asked) == 2  # never asked the clerk
    assert asked[0].startswith("The kandas quota of Almaty")
    with database.sessions() as session:
        case = session.get(RepatriateCase, case_id)
        assert (case.status, case.quota_override_reason) == (
            RepatriateStatus.GRANTED, "large family")
