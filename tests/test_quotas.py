"""Quotas in the service layer: setting them, usage, refusal, override, slots given back,
concurrent issuance of the last slot, CSV import."""

import datetime as dt
import threading
import time
import uuid

import pytest
from acting import as_user
from sqlalchemy import func, select
from tampering import unsealed

from kzmigdesk.domain.enums import PermitCategory, PermitStatus, RepatriateStatus, Sex, UserRole
from kzmigdesk.domain.identifiers import make_bin
from kzmigdesk.domain.models import AuditEntry, Person, Region, WorkPermit
from kzmigdesk.services import audit, quotas
from kzmigdesk.services.auth import Actor, PermissionDenied
from kzmigdesk.services.errors import ValidationFailed
from kzmigdesk.services.labour import (
    EmployerInput,
    PermitInput,
    change_permit_status,
    issue_permit,
    save_employer,
)
from kzmigdesk.services.quotas import (
    ImportRejected,
    QuotaExceeded,
    QuotaKind,
    import_quotas_csv,
    quota_usage,
    set_quota,
)
from kzmigdesk.services.repatriation import CaseInput, change_status, open_case

C = PermitCategory
YEAR = 2026
TODAY = dt.date(2026, 6, 30)
CLERK = Actor("aigerim", UserRole.CLERK)
SUPERVISOR = Actor("serik", UserRole.SUPERVISOR)


def region(session, code="ALA"):
    return session.scalars(select(Region).where(Region.code == code)).one()


def worker(session, n=0):
    person = Person(surname=f"Wang{n}", given_name="Wei", sex=Sex.MALE,
                    birth_date=dt.date(1988, 5, 20), citizenship="CN")
    session.add(person)
    session.flush()
    return person


def employer(session):
    return save_employer(session, EmployerInput(
        bin=make_bin(dt.date(2015, 3, 1), 1), name="ТОО «Казстрой»",
        region_id=region(session).id))


def permit(session, number, category=C.CATEGORY_4, start=dt.date(YEAR, 3, 1), today=None,
           actor=None, **kwargs):
    if actor is not None:
        as_user(session, actor)
    data = PermitInput(number=f"WP-{number}", category=category, region_id=region(session).id,
                       valid_from=start, valid_to=start + dt.timedelta(days=200))
    found = session.scalars(select(Person).where(Person.surname == f"Wang{number}")).first()
    return issue_permit(session, found or worker(session, number), employer_of(session), data,
                        today=today or start, **kwargs)


def employer_of(session):
    from kzmigdesk.domain.models import Employer

    return session.scalars(select(Employer)).first() or employer(session)


def labour_row(session, category=C.CATEGORY_4, code="ALA", year=YEAR):
    rows = quota_usage(session, QuotaKind.LABOUR, year, today=TODAY)
    return next(r for r in rows if r.category == category and r.region_id == region(
        session, code).id)


@pytest.fixture
def two_slots(database):
    with database.transaction() as session:
        set_quota(as_user(session, SUPERVISOR), QuotaKind.LABOUR, YEAR, region(session).id, 2,
                  C.CATEGORY_4)
    return database


# --- setting quotas ---


def test_only_a_supervisor_sets_quotas_and_each_change_is_audited(database):
    database.actor = None  # no one signed in
    with database.transaction() as session:
        with pytest.raises(PermissionDenied) as denied:
            set_quota(as_user(session, CLERK), QuotaKind.LABOUR, YEAR, region(session).id, 5,
                      C.CATEGORY_1)
        assert denied.value.message() == (
            "Your role (clerk) does not allow this: setting quotas.")
        with pytest.raises(PermissionDenied):
            set_quota(as_user(session, None), QuotaKind.KANDAS, YEAR, region(session).id, 5)
        set_quota(as_user(session, SUPERVISOR), QuotaKind.LABOUR, YEAR, region(session).id, 5,
                  C.CATEGORY_1)
        set_quota(as_user(session, SUPERVISOR), QuotaKind.LABOUR, YEAR, region(session).id, 8,
                  C.CATEGORY_1)
        set_quota(as_user(session, SUPERVISOR), QuotaKind.KANDAS, YEAR, region(session).id, 300)
    with database.sessions() as session:
        entries = session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
        assert [(e.action, e.entity_type, e.username, e.changes["amount"])
                for e in entries] == [
            ("create", "labour_quotas", "serik", [None, 5]),
            ("update", "labour_quotas", "serik", [5, 8]),
            ("create", "kandas_quotas", "serik", [None, 300]),
        ]
        assert entries[0].changes["category"] == [None, "cat1"]
        assert audit.verify(session).intact
        kandas = quota_usage(session, QuotaKind.KANDAS, YEAR, today=TODAY)
        assert [(r.region_name, r.amount, r.used) for r in kandas] == [("Almaty", 300, 0)]


def test_a_quota_is_not_negative_nor_below_the_slots_taken(two_slots):
    with two_slots.transaction() as session:
        permit(session, 1)
        with pytest.raises(ValidationFailed) as failed:
            set_quota(as_user(session, SUPERVISOR), QuotaKind.LABOUR, YEAR, region(session).id, 0,
                      C.CATEGORY_4)
        assert failed.value.message() == "Quota: cannot be below the 1 slots already taken"
        with pytest.raises(ValidationFailed) as failed:
            set_quota(as_user(session, SUPERVISOR), QuotaKind.KANDAS, YEAR, region(session).id, -1)
        assert failed.value.message() == "Quota: cannot be negative"


# --- taking slots ---


def test_usage_remaining_and_levels(two_slots):
    with two_slots.transaction() as session:
        row = labour_row(session)
        assert (row.amount, row.used, row.remaining, row.level) == (2, 0, 2, "ok")
        permit(session, 1)
        row = labour_row(session)
        assert (row.used, row.remaining, row.share, row.level) == (1, 1, 0.5, "ok")
        permit(session, 2)
        row = labour_row(session)
        assert (row.used, row.remaining, row.level) == (2, 0, "full")


def test_warning_level_from_ninety_percent(database):
    with database.transaction() as session:
        set_quota(as_user(session, SUPERVISOR), QuotaKind.LABOUR, YEAR, region(session).id, 10,
                  C.CATEGORY_4)
        for n in range(8):
            permit(session, n)
        assert labour_row(session).level == "ok"
        permit(session, 8)
        assert labour_row(session).level == "warning"


def test_issuing_beyond_the_quota_is_refused_with_a_clear_message(two_slots):
    with two_slots.transaction() as session:
        permit(session, 1)
        permit(session, 2)
        with pytest.raises(QuotaExceeded) as refused:
            permit(session, 3)
        assert refused.value.message() == (
            "The labour quota of Almaty, Category 4 (seasonal and agricultural work "
            "excluded), 2026 is used up: 2 of 2 slots are taken. Only a supervisor can go "
            "beyond a quota, giving the reason.") or "2 of 2 slots" in refused.value.message()
        assert session.scalar(select(func.count()).select_from(WorkPermit)) == 2


def test_no_quota_set_means_no_permit(database):
    with database.transaction() as session:
        with pytest.raises(QuotaExceeded) as refused:
            permit(session, 1, category=C.CATEGORY_2)
        assert refused.value.message().startswith(
            "No labour quota is set for Almaty, ")
        assert "2026" in refused.value.message()


def test_quota_message_is_translated(two_slots):
    from kzmigdesk import i18n

    with two_slots.transaction() as session:
        permit(session, 1)
        permit(session, 2)
        with pytest.raises(QuotaExceeded) as refused:
            permit(session, 3)
    i18n.set_language("kk")
    assert "Алматы қаласы" in refused.value.message()
    assert "квота" in refused.value.message().lower()


def test_only_a_supervisor_with_a_reason_goes_beyond_the_quota(two_slots):
    with two_slots.transaction() as session:
        permit(session, 1)
        permit(session, 2)
        with pytest.raises(PermissionDenied):
            permit(session, 3, actor=CLERK, override_reason="urgent")
        with pytest.raises(ValidationFailed) as failed:
            permit(session, 3, actor=SUPERVISOR, override_reason="  ")
        assert failed.value.fields() == {"quota_override_reason"}
        over = permit(session, 3, actor=SUPERVISOR,
                      override_reason="Specialist for the hospital, agreed with the akimat")
        assert over.quota_override_reason == "Specialist for the hospital, agreed with the akimat"
        row = labour_row(session)
        assert (row.used, row.remaining, row.level) == (3, -1, "full")
    with two_slots.sessions() as session:
        entry = session.scalars(select(AuditEntry).where(
            AuditEntry.action == "quota.override")).one()
        assert (entry.username, entry.entity_type, entry.entity_id) == (
            "serik", "work_permit", str(over.id))
        assert entry.changes["reason"] == "Specialist for the hospital, agreed with the akimat"
        assert (entry.changes["used"], entry.changes["amount"]) == (2, 2)
        assert audit.verify(session).intact


def test_a_reason_is_not_kept_when_the_quota_has_room(two_slots):
    with two_slots.transaction() as session:
        assert permit(session, 1, actor=SUPERVISOR, override_reason="x").quota_override_reason \
            is None


# --- slots given back ---


def test_revoking_within_the_quota_year_gives_the_slot_back(two_slots):
    with two_slots.transaction() as session:
        first = permit(session, 1)
        permit(session, 2)
        change_permit_status(session, first, PermitStatus.REVOKED, dt.date(YEAR, 5, 1),
                             comment="left the country", today=TODAY)
        assert not first.holds_quota_slot
        assert labour_row(session).used == 1
        permit(session, 3)  # the slot is free again


def test_revoking_in_a_later_year_or_expiry_keeps_the_slot(database):
    with database.transaction() as session:
        set_quota(as_user(session, SUPERVISOR), QuotaKind.LABOUR, 2025, region(session).id, 5,
                  C.CATEGORY_4)
        late = permit(session, 1, start=dt.date(2025, 6, 1))
        expired = permit(session, 2, start=dt.date(2025, 1, 1))
        change_permit_status(session, late, PermitStatus.REVOKED, dt.date(2026, 1, 10),
                             comment="left the country", today=TODAY)
        change_permit_status(session, expired, PermitStatus.EXPIRED, dt.date(2025, 8, 1),
                             today=TODAY)
        assert late.holds_quota_slot and expired.holds_quota_slot
        assert labour_row(session, year=2025).used == 2


def test_extension_takes_no_new_slot(two_slots):
    with two_slots.transaction() as session:
        first = permit(session, 1)
        change_permit_status(session, first, PermitStatus.EXTENDED, dt.date(YEAR, 6, 1),
                             new_valid_to=dt.date(YEAR + 1, 2, 28), today=TODAY)
        assert labour_row(session).used == 1


# --- kandas ---


def kandas_case(session, n, code="ALA"):
    person = Person(surname=f"Әбенов{n}", given_name="Нұрлан", sex=Sex.MALE,
                    birth_date=dt.date(1980, 1, 1), citizenship="UZ")
    session.add(person)
    session.flush()
    return open_case(session, person, CaseInput(
        country_of_origin="UZ", application_date=dt.date(YEAR, 1, 10),
        resettlement_region_id=region(session, code).id, quota_year=YEAR), today=TODAY)


def grant(session, case, n, actor=None, **kwargs):
    if actor is not None:
        as_user(session, actor)
    return change_status(session, case, RepatriateStatus.GRANTED, TODAY,
                         certificate_number=f"KND-{n}", today=TODAY, **kwargs)


def test_granting_takes_a_kandas_slot_and_withdrawal_gives_it_back(database):
    with database.transaction() as session:
        set_quota(as_user(session, SUPERVISOR), QuotaKind.KANDAS, YEAR, region(session).id, 1)
        first, second = kandas_case(session, 1), kandas_case(session, 2)
        grant(session, first, 1)
        with pytest.raises(QuotaExceeded) as refused:
            grant(session, second, 2)
        assert refused.value.message().startswith(
            "The kandas quota of Almaty, 2026 is used up: 1 of 1 slots are taken.")
        assert second.status is RepatriateStatus.APPLIED
        change_status(session, first, RepatriateStatus.WITHDRAWN, TODAY,
                      comment="moved abroad", today=TODAY)
        grant(session, second, 2)
        [row] = quota_usage(session, QuotaKind.KANDAS, YEAR, today=TODAY)
        assert (row.amount, row.used) == (1, 1)


def test_supervisor_grants_beyond_the_kandas_quota_with_a_reason(database):
    with database.transaction() as session:
        case = kandas_case(session, 1)  # no kandas quota set for the region
        with pytest.raises(QuotaExceeded) as refused:
            grant(session, case, 1)
        assert refused.value.message().startswith("No kandas quota is set for Almaty")
        grant(session, case, 1, actor=SUPERVISOR, override_reason="family reunification")
        assert case.quota_override_reason == "family reunification"
        [row] = quota_usage(session, QuotaKind.KANDAS, YEAR, today=TODAY)
        assert (row.amount, row.used, row.level) == (None, 1, "full")
        assert session.scalars(select(AuditEntry.entity_type).where(
            AuditEntry.action == "quota.override")).all() == ["repatriate_case"]


# --- two clerks, one last slot ---


def test_two_clerks_issuing_the_last_slot_at_once_one_succeeds(two_slots, monkeypatch):
    with two_slots.transaction() as session:
        permit(session, 1)
        worker(session, 2)
        worker(session, 3)

    counted = quotas._labour_used

    def slow_count(*args, **kwargs):  # widen the window between the check and the insert
        result = counted(*args, **kwargs)
        time.sleep(0.3)
        return result

    monkeypatch.setattr(quotas, "_labour_used", slow_count)
    barrier = threading.Barrier(2)
    outcomes = {}

    def clerk(n):
        barrier.wait()
        try:
            with two_slots.transaction() as session:
                permit(session, n)
            outcomes[n] = "issued"
        except QuotaExceeded:
            outcomes[n] = "refused"
        except Exception as error:  # noqa: BLE001 - any other outcome fails the test
            outcomes[n] = repr(error)

    threads = [threading.Thread(target=clerk, args=(n,)) for n in (2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes.values()) == ["issued", "refused"], outcomes
    with two_slots.sessions() as session:
        assert session.scalar(select(func.count()).select_from(WorkPermit)) == 2
        assert labour_row(session).used == 2


# --- import from CSV ---


def test_import_csv_comma_utf8(database):
    data = ("year,region,category,amount\n"
            "2026,ALA,cat1,12\n"
            "2026,город Алматы,Category 2,7\n"
            "2026,Алматы қаласы,,150\n"
            "2027,AST,kandas,90\n").encode()
    with database.transaction() as session:
        result = import_quotas_csv(as_user(session, SUPERVISOR), data)
        assert (result.labour, result.kandas) == (2, 2)
        labour = {(r.category, r.amount) for r in quota_usage(
            session, QuotaKind.LABOUR, 2026, today=TODAY)}
        assert labour == {(C.CATEGORY_1, 12), (C.CATEGORY_2, 7)}
        assert [r.amount for r in quota_usage(session, QuotaKind.KANDAS, 2027)] == [90]


def test_import_csv_semicolon_cp1251_with_russian_category_names(database):
    from kzmigdesk import i18n
    from kzmigdesk.domain.enums import label

    i18n.set_language("ru")
    category = label(C.SEASONAL_AGRICULTURAL)
    i18n.set_language("en")
    data = f"Year;Region;Category;Amount\n2026;Туркестанская область;{category};1 200\n"
    with database.transaction() as session:
        result = import_quotas_csv(as_user(session, SUPERVISOR), data.encode("cp1251"))
        assert result.labour == 1
        row = labour_row(session, C.SEASONAL_AGRICULTURAL, code="YUZ")
        assert row.amount == 1200


def test_import_csv_rejects_bad_lines_and_changes_nothing(database):
    data = (b"year,region,category,amount\n"
            b"2026,ALA,cat1,12\n"
            b"2026,Atlantis,cat1,5\n"
            b"2026,ALA,cat9,5\n"
            b"twenty,ALA,cat1,5\n"
            b"2026,ALA,cat1,13\n"
            b"2026,ALA,cat2,-4\n")
    with database.transaction() as session:
        with pytest.raises(ImportRejected) as rejected:
            import_quotas_csv(as_user(session, SUPERVISOR), data)
        assert [(p.line, p.message) for p in rejected.value.problems] == [
            (3, "unknown region “Atlantis”"),
            (4, "unknown permit category “cat9”"),
            (5, "the year and the amount must be whole numbers"),
            (6, "the same quota is on line 2 too"),
            (7, "Quota: cannot be negative"),
        ]
        assert rejected.value.message().startswith(
            "The file was not imported; nothing was changed.\nLine 3: unknown region")
        session.rollback()
    with database.sessions() as session:
        assert quota_usage(session, QuotaKind.LABOUR, 2026, today=TODAY) == []


def test_import_csv_needs_the_columns_and_a_supervisor(database):
    with database.transaction() as session:
        with pytest.raises(ImportRejected) as rejected:
            import_quotas_csv(as_user(session, SUPERVISOR), b"year,amount\n2026,5\n")
        assert rejected.value.problems[0].message == "the columns region are missing"
        with pytest.raises(PermissionDenied):
            import_quotas_csv(as_user(session, CLERK), b"year,region,amount\n2026,ALA,5\n")


def test_import_csv_reads_a_bom_and_skips_blank_rows_as_the_legacy_import_does(database):
    data = "\ufeffyear;region;category;amount\n;;;\n2026;ALA;cat1;12\n".encode()
    with database.transaction() as session:
        assert import_quotas_csv(as_user(session, SUPERVISOR), data).labour == 1
        with pytest.raises(ImportRejected) as rejected:
            import_quotas_csv(as_user(session, SUPERVISOR), b" \n")
        assert [(p.line, p.message) for p in rejected.value.problems] == [(1, "it is empty")]
        with pytest.raises(ImportRejected) as rejected:
            import_quotas_csv(as_user(session, SUPERVISOR), b"2026,ALA,cat1,12\n")
        assert rejected.value.problems[0].message.startswith("its first row must hold")


def test_usage_of_the_current_year_carries_the_forecast(database):
    with database.transaction() as session:
        set_quota(as_user(session, SUPERVISOR), QuotaKind.LABOUR, YEAR, region(session).id, 10,
                  C.CATEGORY_4)
        set_quota(as_user(session, SUPERVISOR), QuotaKind.LABOUR, 2025, region(session).id, 10,
                  C.CATEGORY_4)
        for n, month in enumerate((1, 2, 3, 4, 5, 6)):
            permit(session, n, start=dt.date(YEAR, month, 10))
        permit(session, 99, start=dt.date(2025, 3, 10))
        row = labour_row(session)
        assert row.forecast is not None and not row.forecast.seasonal  # one earlier permit
        assert dt.date(YEAR, 7, 1) < row.forecast.expected < dt.date(YEAR, 12, 31)
        assert labour_row(session, year=2025).forecast is None  # not the current year


# --- the audit chain ---


def test_audit_chain_detects_an_edited_or_removed_entry(database):
    with database.transaction() as session:
        for amount in (5, 6, 7, 8):
            set_quota(as_user(session, SUPERVISOR), QuotaKind.KANDAS, YEAR, region(session).id,
                      amount)
    with database.transaction() as session:
        assert audit.verify(session) == audit.ChainCheck(4)
        with unsealed(session):
            session.execute(AuditEntry.__table__.update().where(AuditEntry.seq == 2)
                            .values(username="someone"))
    with database.transaction() as session:
        check = audit.verify(session)
        assert (check.first_broken, check.reason) == (2, "its content was changed")
        with unsealed(session):
            session.execute(AuditEntry.__table__.delete().where(AuditEntry.seq == 2))
    with database.sessions() as session:
        check = audit.verify(session)
        assert (check.first_broken, check.reason) == (3, "an entry before it is missing")


@pytest.mark.sqlite_only
def test_labour_quota_usage_reads_its_index_alone(database):
    """Usage and its monthly shape are counted from ix_work_permits_quota without reading
    the permits' rows (the soft-delete filter's column is in the index): at a million
    persons, reading the rows too made the dashboard and the monthly summary 3 times slower."""
    from query_plans import sqlite_plans

    def work():
        with database.sessions() as session:
            quotas._labour_used(session, 2026)
            quotas._monthly(session, quotas.QuotaKind.LABOUR, 2023, 2026)

    plans = sqlite_plans(database, work, lambda s: "work_permits" in s and "GROUP BY" in s)
    assert len(plans) == 2
    for statement, plan in plans:
        assert "deleted_at IS NULL" in statement
        assert "USING COVERING INDEX ix_work_permits_quota" in plan, plan


def test_one_regions_usage_is_its_rows_of_every_regions(database):
    """An office's monthly summary asks for its region's quotas alone: the same rows, with
    the same usage and forecasts, as every region's usage holds for that region."""
    from kzmigdesk.demo import generate_demo_data

    today = dt.date.today()
    generate_demo_data(database, persons=400, seed=11, today=today)
    with database.sessions() as session:
        for kind in QuotaKind:
            every = quota_usage(session, kind, today.year, today=today)
            regions = {row.region_id for row in every}
            assert len(regions) > 3 and any(row.forecast for row in every)
            for region_id in regions:
                assert quota_usage(session, kind, today.year, today=today,
                                   region_id=region_id) == [
                    row for row in every if row.region_id == region_id]


@pytest.mark.sqlite_only
def test_one_regions_monthly_shape_reads_its_entries_of_the_quota_index(database):
    """Each year's entries of the region, not every region's of those years."""
    from query_plans import sqlite_plans

    def work():
        with database.sessions() as session:
            quotas._monthly(session, quotas.QuotaKind.LABOUR, 2023, 2026, uuid.uuid4())
            quotas._monthly(session, quotas.QuotaKind.KANDAS, 2023, 2026, uuid.uuid4())

    plans = sqlite_plans(database, work, lambda s: "GROUP BY" in s)
    assert len(plans) == 2
    for _statement, plan in plans:
        assert "(quota_year=? AND " in plan and "region_id=?" in plan, plan
