"""Deadlines that act by themselves: kandas certificates past their year and work permits past
their last valid day become expired (the household members' statuses follow the case); stays
in a centre still going on after their planned last day are flagged (`past_end_flagged_on`:
the worklist lists them until the person is checked out or the stay's end is moved).

Run at each start of the window, once a day while it stays open, and by `kzmigdesk deadlines
run` for a scheduled task. It acts as the system user, so the audit trail shows who changed
what; it is idempotent (a second run the same day finds nothing). On PostgreSQL one desk runs
it at a time: the others skip it while a transaction-level advisory lock is held.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import UserRole
from kzmigdesk.domain.models import ServiceRecord, ServiceType
from kzmigdesk.i18n import _, ngettext
from kzmigdesk.services import audit
from kzmigdesk.services.auth import Actor
from kzmigdesk.services.labour import expire_permits
from kzmigdesk.services.repatriation import expire_certificates

SYSTEM = Actor(username="system", role=UserRole.ADMINISTRATOR)
LOCK_KEY = 0x6B7A_6464  # "kzdd": the deadlines run's PostgreSQL advisory lock


@dataclass(frozen=True)
class DeadlinesRun:
    certificates_expired: int = 0
    permits_expired: int = 0
    skipped: bool = False  # another desk was running it (PostgreSQL)
    stays_flagged: int = 0  # stays found past their planned end

    def message(self) -> str:
        """What the run did, in the current language."""
        if self.skipped:
            return _("Another desk is applying the deadlines now.")
        if not (self.certificates_expired or self.permits_expired or self.stays_flagged):
            return _("No certificate or permit reached its deadline.")
        parts = []
        if self.certificates_expired:
            parts.append(ngettext("{count} kandas certificate expired",
                                  "{count} kandas certificates expired",
                                  self.certificates_expired).format(
                count=self.certificates_expired))
        if self.permits_expired:
            parts.append(ngettext("{count} work permit expired", "{count} work permits expired",
                                  self.permits_expired).format(count=self.permits_expired))
        if self.stays_flagged:
            parts.append(ngettext("{count} stay past its planned end",
                                  "{count} stays past their planned end",
                                  self.stays_flagged).format(count=self.stays_flagged))
        return "; ".join(parts) + "."


def flag_stays_past_end(session: Session, today: dt.date) -> int:
    """Flag the stays still going on (no end date) whose planned last day is before `today`
    and not flagged yet; how many (each change audited)."""
    stays = select(ServiceType.id).where(ServiceType.is_accommodation.is_(True))
    found = session.scalars(select(ServiceRecord).where(
        ServiceRecord.end_date.is_(None), ServiceRecord.planned_end_date < today,
        ServiceRecord.past_end_flagged_on.is_(None),
        ServiceRecord.service_type_id.in_(stays))).all()
    for record in found:
        record.past_end_flagged_on = today
    session.flush()
    return len(found)


def run_deadlines(database: Database, today: dt.date | None = None) -> DeadlinesRun:
    """Expire what is due as of `today`, in one transaction, as the system user."""
    today = today or dt.date.today()
    with database.acting_as(SYSTEM).transaction() as session:
        if session.get_bind().dialect.name == "postgresql" and not session.execute(
                text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEY}).scalar():
            return DeadlinesRun(skipped=True)
        result = DeadlinesRun(certificates_expired=expire_certificates(session, today),
                              permits_expired=expire_permits(session, today),
                              stays_flagged=flag_stays_past_end(session, today))
        if result.certificates_expired or result.permits_expired or result.stays_flagged:
            summary = {"day": today.isoformat(), "certificates": result.certificates_expired,
                       "permits": result.permits_expired}
            if result.stays_flagged:
                summary["stays"] = result.stays_flagged
            audit.record(session, "deadlines", None, None, summary)
    return result
