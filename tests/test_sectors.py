"""Economic sectors (issue 24): the classifier, the employer's sector and the mapping of the old
free text (migration 0025), labour quotas by sector: the slot check, usage and forecast, CSV
import; the employers-without-a-sector dialog and the Quotas page."""

import datetime as dt
import uuid

import pytest
from acting import as_user
from sqlalchemy import JSON, DateTime, Uuid, column, select
from sqlalchemy import table as sql_table

from kzmigdesk import i18n
from kzmigdesk.db import migrate
from kzmigdesk.domain.enums import PermitCategory, Sex, UserRole
from kzmigdesk.domain.identifiers import make_bin
from kzmigdesk.domain.models import EconomicSector, Employer, Person, Region, WorkPermit
from kzmigdesk.domain.reference import SECTORS, reference_id, sector_code_for
from kzmigdesk.services import sectors
from kzmigdesk.services.auth import Actor, PermissionDenied
from kzmigdesk.services.labour import EmployerInput, PermitInput, issue_permit, save_employer
from kzmigdesk.services.quotas import (
    ImportRejected,
    QuotaExceeded,
    QuotaKind,
    import_quotas_csv,
    quota_usage,
    set_quota,
)

C = PermitCategory
YEAR = 2026
TODAY = dt.date(2026, 6, 30)
CLERK = Actor("aigerim", UserRole.CLERK)
SUPERVISOR = Actor("serik", UserRole.SUPERVISOR)
F, A = reference_id("economic_sector", "F"), reference_id("economic_sector", "A")


def region_id(session, code="ALA"):
    return session.scalars(select(Region.id).where(Region.code == code)).one()


def employer(session, serial, sector_id=None, sector=None):
    return save_employer(session, EmployerInput(
        bin=make_bin(dt.date(2015, 3, 1), serial), name=f"ТОО «Компания {serial}»",
        region_id=region_id(session), sector_id=sector_id, sector=sector))


def permit(session, number, employer_, category=C.CATEGORY_4, **kwargs):
    person = Person(surname=f"Wang{number}", given_name="Wei", sex=Sex.MALE,
                    birth_date=dt.date(1988, 5, 20), citizenship="CN")
    session.add(person)
    start = dt.date(YEAR, 3, 1)
    data = PermitInput(number=f"WP-{number}", category=category,
                       region_id=region_id(session), valid_from=start,
                       valid_to=start + dt.timedelta(days=200))
    return issue_permit(session, person, employer_, data, today=start, **kwargs)


def usage(session):
    return {(row.category, row.sector_code): (row.amount, row.used)
            for row in quota_usage(session, QuotaKind.LABOUR, YEAR, today=TODAY)}


# --- the classifier ---------------------------------------------------------------------------


def test_the_classifier_has_sections_a_to_u_with_names_in_three_languages(database):
    assert [s.code for s in SECTORS] == list("ABCDEFGHIJKLMNOPQRSTU")
    with database.sessions() as session:
        stored = sectors.all_sectors(session)
        assert [s.code for s in stored] == list("ABCDEFGHIJKLMNOPQRSTU")
        assert all(set(s.names) == {"kk", "ru", "en"} and all(s.names.values()) for s in stored)
        assert stored[5].names == {"kk": "Құрылыс", "ru": "Строительство",
                                   "en": "Construction"}
    i18n.set_language("kk")
    assert sectors.sector_choices(database)[5].title == "F — Құрылыс"


@pytest.mark.parametrize("free_text, code", [
    ("строительство", "F"), ("  СТРОИТЕЛЬСТВО ", "F"), ("Құрылыс", "F"), ("construction", "F"),
    ("f", "F"), ("ОКЭД F", "F"), ("Сельское, лесное и рыбное хозяйство", "A"),
    ("Сельское,  лёсное и рыбное хозяйство", "A"), ("Сельское, лесное хозяйство", None),
    ("Сельское, лесное и рыбное хозяйство.", "A"), ("Manufacturing", "C"),
    ("Өңдеу өнеркәсібі", "C"), ("нефть и газ", None), ("сельское хозяйство", None),
    ("", None), (None, None)])
def test_free_text_maps_only_to_a_sections_letter_or_name(free_text, code):
    assert sector_code_for(free_text) == code


# --- the migration ----------------------------------------------------------------------------


def test_migration_maps_the_free_text_and_keeps_quotas_for_all_sectors(database):
    """Down to the revision before the sectors, employers with free text and a quota; up
    again: the text that names a section is mapped, the rest listed, the quota stays as it
    was, for all sectors."""
    from alembic import command

    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    def common():
        return (column("id", Uuid()), column("region_id", Uuid()),
                column("created_at", DateTime(timezone=True)),
                column("updated_at", DateTime(timezone=True)), column("version"))

    employers = sql_table("employers", *common(), column("bin"), column("name"),
                          column("sector"))
    quotas_ = sql_table("labour_quotas", *common(), column("year"),
                        column("category"), column("amount"))
    regions = sql_table("regions", column("id", Uuid()), column("code"))
    texts = {"Строительство": "F", "құрылыс": "F", "Mining and quarrying": "B", "j": "J",
             "нефть и газ": None, None: None}
    ids = {}
    with database.engine.connect() as connection:
        command.downgrade(migrate.alembic_config(connection), "0019")
        connection.commit()
    with database.engine.begin() as connection:
        region = connection.scalar(select(regions.c.id).where(regions.c.code == "ALA"))
        for serial, free_text in enumerate(texts, start=1):
            ids[free_text] = uuid.uuid4()
            connection.execute(employers.insert().values(
                id=ids[free_text], bin=make_bin(dt.date(2015, 3, 1), serial),
                name=f"ТОО «{serial}»", sector=free_text, region_id=region, created_at=now,
                updated_at=now, version=1))
        connection.execute(quotas_.insert().values(
            id=uuid.uuid4(), year=YEAR, region_id=region, category="cat4", amount=7,
            created_at=now, updated_at=now, version=1))
    migrate.upgrade(database.engine)
    with database.sessions() as session:
        for free_text, code in texts.items():
            found = session.get(Employer, ids[free_text])
            assert found.sector == free_text  # the old text is kept
            assert found.sector_id == (reference_id("economic_sector", code) if code else None)
        assert {row.old_sector for row in sectors.unmapped_employers(session)} == {
            "нефть и газ", None}
        [row] = quota_usage(session, QuotaKind.LABOUR, YEAR, today=TODAY)
        assert (row.amount, row.sector_id) == (7, None)
        names = sql_table("economic_sectors", column("code"), column("names", JSON))
        assert session.execute(select(names.c.names).where(names.c.code == "U")).scalar() == {
            "kk": "Экстерриториялық ұйымдар мен органдардың қызметі",
            "ru": "Деятельность экстерриториальных организаций и органов",
            "en": "Activities of extraterritorial organisations and bodies"}
    assert migrate.schema_drift(database.engine) == []


# --- quotas by sector -------------------------------------------------------------------------


def test_a_permit_takes_its_sectors_quota_else_the_quota_for_all_sectors(database):
    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        set_quota(session, QuotaKind.LABOUR, YEAR, region_id(session), 3, C.CATEGORY_4)
        set_quota(session, QuotaKind.LABOUR, YEAR, region_id(session), 1, C.CATEGORY_4,
                  sector_id=F)
        builder, farm, unknown = (employer(session, 1, F), employer(session, 2, A),
                                  employer(session, 3, None, "нефть и газ"))
        first = permit(session, 1, builder)
        assert first.sector_id == F
        permit(session, 2, farm)
        permit(session, 3, unknown)
        assert usage(session) == {(C.CATEGORY_4, None): (3, 2), (C.CATEGORY_4, "F"): (1, 1)}
        # The construction quota is used up, though the one for all sectors has a slot.
        with pytest.raises(QuotaExceeded) as refused:
            permit(session, 4, builder)
        assert "sector F — Construction" in refused.value.message()
        assert "1 of 1" in refused.value.message()
        permit(session, 5, farm)  # the last slot for all sectors
        with pytest.raises(QuotaExceeded):
            permit(session, 6, unknown)
        # A supervisor goes beyond the sector's quota, giving the reason.
        beyond = permit(session, 7, builder, override_reason="an urgent contract")
        assert beyond.quota_override_reason == "an urgent contract"
        assert usage(session) == {(C.CATEGORY_4, None): (3, 3), (C.CATEGORY_4, "F"): (1, 2)}


def test_a_sectors_new_quota_takes_over_its_permits_slots(database):
    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        set_quota(session, QuotaKind.LABOUR, YEAR, region_id(session), 5, C.CATEGORY_4)
        builder = employer(session, 1, F)
        for number in (1, 2):
            permit(session, number, builder)
        permit(session, 3, employer(session, 2, A))
        assert usage(session) == {(C.CATEGORY_4, None): (5, 3)}
        with pytest.raises(Exception) as below:
            set_quota(session, QuotaKind.LABOUR, YEAR, region_id(session), 1, C.CATEGORY_4,
                      sector_id=F)
        assert "cannot be below the 2 slots already taken" in below.value.message()
        set_quota(session, QuotaKind.LABOUR, YEAR, region_id(session), 4, C.CATEGORY_4,
                  sector_id=F)
        assert usage(session) == {(C.CATEGORY_4, None): (5, 1), (C.CATEGORY_4, "F"): (4, 2)}


def test_no_quota_at_all_is_refused_as_before(database):
    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        set_quota(session, QuotaKind.LABOUR, YEAR, region_id(session), 1, C.CATEGORY_4,
                  sector_id=A)
        with pytest.raises(QuotaExceeded) as refused:
            permit(session, 1, employer(session, 1, F))
        assert refused.value.amount is None
        assert refused.value.message().startswith("No labour quota is set for")


def test_the_forecast_is_made_for_a_sectors_quota(database):
    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        set_quota(session, QuotaKind.LABOUR, YEAR, region_id(session), 4, C.CATEGORY_4,
                  sector_id=F)
        builder = employer(session, 1, F)
        for number in range(1, 4):
            permit(session, number, builder)
        [row] = quota_usage(session, QuotaKind.LABOUR, YEAR, today=TODAY)
        assert (row.sector_code, row.sector_name, row.used) == ("F", "Construction", 3)
        assert row.forecast is not None and row.forecast.runs_out_this_year


def test_quotas_by_sector_import_from_csv(database):
    data = ("year;region;category;sector;amount\n"
            "2026;ALA;cat4;F;10\n"
            "2026;Алматы қаласы;cat4;Ауыл, орман және балық шаруашылығы;5\n"
            "2026;ALA;cat4;;20\n"
            "2026;ALA;cat3;все;8\n").encode()
    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        assert import_quotas_csv(session, data).labour == 4
        assert usage(session) == {(C.CATEGORY_4, "F"): (10, 0), (C.CATEGORY_4, "A"): (5, 0),
                                  (C.CATEGORY_4, None): (20, 0), (C.CATEGORY_3, None): (8, 0)}
    bad = ("year,region,category,sector,amount\n"
           "2026,ALA,cat4,нефть и газ,10\n"
           "2026,ALA,,F,10\n"
           "2026,ALA,cat4,f,3\n"
           "2026,ALA,cat4,Құрылыс,4\n").encode()
    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        with pytest.raises(ImportRejected) as rejected:
            import_quotas_csv(session, bad)
    assert [(p.line, p.message) for p in rejected.value.problems] == [
        (2, "unknown economic sector “нефть и газ”"),
        (3, "the kandas quota has no economic sector"),
        (5, "the same quota is on line 4 too")]


# --- the employer's sector --------------------------------------------------------------------


def test_choosing_an_employers_sector_gives_it_to_its_permits(database):
    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        set_quota(session, QuotaKind.LABOUR, YEAR, region_id(session), 5, C.CATEGORY_4)
        old = employer(session, 1, None, "стройка")
        permit(session, 1, old)
        employer_id = old.id
    [row] = sectors.unmapped_of(database)
    assert (row.id, row.old_sector) == (employer_id, "стройка")
    with database.transaction() as session, pytest.raises(PermissionDenied):
        as_user(session, CLERK)
        sectors.set_employer_sector(session, employer_id, F)
    sectors.assign_sector(database.acting_as(SUPERVISOR), employer_id, F)
    assert sectors.unmapped_of(database) == []
    with database.sessions() as session:
        [issued] = session.scalars(select(WorkPermit)).all()
        assert issued.sector_id == F
        assert session.get(EconomicSector, F).code == "F"


def test_free_text_is_mapped_again_on_request(database):
    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        first = employer(session, 1, None, "Құрылыс").id
        employer(session, 2, None, "стройка")
    assert sectors.remap_free_text(database.acting_as(SUPERVISOR)) == 1
    with database.sessions() as session:
        assert session.get(Employer, first).sector_id == F
    assert [row.old_sector for row in sectors.unmapped_of(database)] == ["стройка"]


# --- screens ----------------------------------------------------------------------------------


def test_the_administrator_sets_the_sector_of_an_unmapped_employer(qtbot, database):
    from kzmigdesk.gui.employer_dialog import EmployersDialog
    from kzmigdesk.gui.sectors_dialog import UnmappedSectorsDialog

    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        employer(session, 1, None, "нефть и газ")
        employer(session, 2, None, "стройка")
        employer(session, 3, F)
    i18n.set_language("kk")
    employers = EmployersDialog(database)
    qtbot.addWidget(employers)
    employers.show()
    assert employers.unmapped_button.isVisible()
    dialog = employers.open_unmapped()
    qtbot.addWidget(dialog)
    assert isinstance(dialog, UnmappedSectorsDialog)
    qtbot.waitExposed(dialog)
    assert dialog.table.rowCount() == 2
    assert dialog.table.item(0, 2).text() == "нефть и газ"
    dialog.grab().save("/tmp/sectors-unmapped-kk.png")
    assert not dialog.set_sector()  # no sector chosen
    assert dialog.errors_label.text() == i18n._("Choose an employer and its sector.")
    dialog.sector.setCurrentIndex(dialog.sector.findData(str(reference_id("economic_sector",
                                                                          "B"))))
    assert dialog.set_sector()
    assert [row.old_sector for row in dialog.rows] == ["стройка"]
    assert dialog.table.rowCount() == 1


def test_a_supervisor_sets_an_employers_sector_in_its_window(qtbot, database):
    from kzmigdesk.domain.models import AuditEntry
    from kzmigdesk.gui.employer_dialog import EmployerDialog

    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        employer_id = employer(session, 1, None, "стройка").id
    i18n.set_language("kk")
    dialog = EmployerDialog(database.acting_as(SUPERVISOR), employer_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.sector.isVisible() and dialog.sector.currentData() is None
    dialog.sector.setCurrentIndex(dialog.sector.findData(str(F)))
    assert dialog.set_sector()
    assert dialog.values["sector"].text().startswith("F — ")
    dialog.grab().save("/tmp/employer-sector-kk.png")
    with database.sessions() as session:
        assert session.get(Employer, employer_id).sector_id == F
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.entity_type == "employers", AuditEntry.entity_id == str(employer_id),
            AuditEntry.action == "update")).one()
        assert entry.username == "serik" and "sector_id" in entry.changes
    again = EmployerDialog(database.acting_as(SUPERVISOR), employer_id)
    qtbot.addWidget(again)
    assert again.sector.currentData() == str(F)


def test_a_clerk_sees_the_sector_but_cannot_set_it(qtbot, database):
    from kzmigdesk.gui.employer_dialog import EmployerDialog

    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        employer_id = employer(session, 1, F).id
    dialog = EmployerDialog(database.acting_as(CLERK), employer_id)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.values["sector"].text().startswith("F — ")
    assert not dialog.sector.isVisible() and not dialog.sector_button.isVisible()
    dialog.sector.setCurrentIndex(dialog.sector.findData(str(A)))
    assert not dialog.set_sector()  # the service refuses, whatever the window shows
    assert dialog.errors_label.text()
    with database.sessions() as session:
        assert session.get(Employer, employer_id).sector_id == F


def test_a_clerk_sees_no_unmapped_employers_button(qtbot, database):
    from kzmigdesk.gui.employer_dialog import EmployersDialog

    dialog = EmployersDialog(database.acting_as(CLERK))
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.unmapped_button.isVisible()


def test_the_quotas_page_shows_and_sets_quotas_by_sector(qtbot, database):
    from kzmigdesk.gui.quotas_page import QuotasPage

    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        set_quota(session, QuotaKind.LABOUR, YEAR, region_id(session), 5, C.CATEGORY_4)
        builder = employer(session, 1, F)
        permit(session, 1, builder)
    i18n.set_language("kk")
    page = QuotasPage(database.acting_as(SUPERVISOR))
    qtbot.addWidget(page)
    page.today = lambda: TODAY
    page.year.setValue(YEAR)
    page.resize(1200, 500)
    page.refresh()
    page.show()
    dialog = page.open_quota(0)
    qtbot.addWidget(dialog)
    assert dialog.sector.currentData() is None  # the quota for all sectors
    dialog.sector.setCurrentIndex(dialog.sector.findData(str(F)))
    dialog.amount.setValue(3)
    assert dialog.save()
    sector_column = 2
    assert [page.table.item(r, sector_column).text() for r in range(page.table.rowCount())] == [
        "A–U", "F"]
    assert [page.table.item(r, sector_column).toolTip()
            for r in range(page.table.rowCount())] == ["барлық салалар", "F — Құрылыс"]
    assert [page.table.item(r, 4).text() for r in range(page.table.rowCount())] == ["0", "1"]
    page.grab().save("/tmp/sectors-quotas-kk.png")


def test_the_monthly_summary_has_a_quota_matrix_by_sector(database):
    from kzmigdesk.i18n.words import Words
    from kzmigdesk.printing.monthly import summary_pdf
    from kzmigdesk.services.reports import monthly_summary

    words = Words.of("en")
    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        set_quota(session, QuotaKind.LABOUR, YEAR, region_id(session), 5, C.CATEGORY_4)
        permit(session, 1, employer(session, 1, F))
        permit(session, 2, employer(session, 2, A))
    with database.sessions() as session:
        as_user(session, SUPERVISOR)
        assert monthly_summary(session, dt.date(2026, 6, 1), words,
                               today=TODAY).sector_matrix is None  # no sector's own quota
    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        set_quota(session, QuotaKind.LABOUR, YEAR, region_id(session), 3, C.CATEGORY_4,
                  sector_id=F)
    with database.sessions() as session:
        as_user(session, SUPERVISOR)
        summary = monthly_summary(session, dt.date(2026, 6, 1), words, today=TODAY)
    matrix = summary.sector_matrix
    category_4 = list(PermitCategory).index(C.CATEGORY_4)
    assert [(row.region, row.labour[category_4].amount, row.labour[category_4].used)
            for row in matrix.rows] == [("F — Construction", 3, 1), ("all sectors", 5, 1)]
    assert summary.section("quota_usage").rows[0][-1] == "all sectors"
    assert summary.section("quota_usage").rows[1][-1] == "F — Construction"
    import io

    import pypdf

    text = "\n".join(page.extract_text() for page in pypdf.PdfReader(
        io.BytesIO(summary_pdf(summary, words))).pages)
    assert "Foreign labour quota by economic sector, 2026" in text
    assert "F — Construction" in text


def test_the_quota_statement_names_a_quotas_sector(database):
    from kzmigdesk.i18n.words import Words
    from kzmigdesk.printing import forms
    from kzmigdesk.services import prints

    with database.transaction() as session:
        as_user(session, SUPERVISOR)
        set_quota(session, QuotaKind.LABOUR, YEAR, region_id(session), 5, C.CATEGORY_4)
        set_quota(session, QuotaKind.LABOUR, YEAR, region_id(session), 3, C.CATEGORY_4,
                  sector_id=F)
        statement = prints.quota_statement(session, QuotaKind.LABOUR, YEAR, today=TODAY)
    assert [line.sector for line in statement.lines][0] is None
    assert statement.lines[1].sector.names["kk"] == "F — Құрылыс"
    import io

    import pypdf

    pdf = forms.quota_statement(statement, Words.of("en"))
    text = "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "category 4: skilled workers; F — Construction" in " ".join(text.split())
