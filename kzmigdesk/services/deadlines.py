"""Deadlines that act by themselves: kandas certificates past their year and work permits past
their last valid day become expired (the household members' statuses follow the case).

Run at each start of the window, once a day while it stays open, and by `kzmigdesk deadlines
run` for a scheduled task. It acts as the system user, so the audit trail shows who changed
what; it is idempotent (a second run the same day finds nothing). On PostgreSQL one desk runs
it at a time: the others skip it while a transaction-level advisory lock is held.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import text

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import UserRole
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

    def message(self) -> str:
        """What the run did, in the current language."""
        if self.skipped:
            return _("Another desk is applying the deadlines now.")
        if not (self.certificates_expired or self.permits_expired):
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
        return "; ".join(parts) + "."


def run_deadlines(database: Database, today: dt.date | None = None) -> DeadlinesRun:
    """Expire what is due as of `today`, in one transaction, as the system user."""
    today = today or dt.date.today()
    with database.acting_as(SYSTEM).transaction() as session:
        if session.get_bind().dialect.name == "postgresql" and not session.execute(
                text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": LOCK_KEY}).scalar():
            return DeadlinesRun(skipped=True)
        result = DeadlinesRun(certificates_expired=expire_certificates(session, today),
                              permits_expired=expire_permits(session, today))
        if result.certificates_expired or result.permits_expired:
            audit.record(session, "deadlines", None, None, {
                "day": today.isoformat(), "certificates": result.certificates_expired,
                "permits": result.permits_expired})
    return result
