"""Deadlines act by themselves while the window is open: at start and then once a day (checked
every hour), certificates and permits past their dates expire (services/deadlines.py); what
changed is said in the status bar and the current section is refreshed."""

import datetime as dt

from PySide6.QtCore import QObject, QTimer, Signal

from kzmigdesk.errors import ServiceError
from kzmigdesk.services.deadlines import DeadlinesRun, run_deadlines
from kzmigdesk.services.workspace import Database

CHECK_EVERY_MS = 60 * 60 * 1000


class DailyDeadlines(QObject):
    applied = Signal(object)  # the DeadlinesRun, when it changed something
    failed = Signal(str)

    def __init__(self, database: Database, parent: QObject | None = None, today=dt.date.today):
        super().__init__(parent)
        self.database, self.today = database, today
        self.last_day: dt.date | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.run_if_due)

    def start(self) -> None:
        """Apply today's deadlines now, then check every hour for a new day."""
        self.run_if_due()
        self.timer.start()

    def run_if_due(self) -> DeadlinesRun | None:
        day = self.today()
        if day == self.last_day:
            return None
        try:
            result = run_deadlines(self.database, day)
        except ServiceError as error:  # said in the status bar, tried again next hour
            self.failed.emit(error.message())
            return None
        if not result.skipped:
            self.last_day = day
        if result.certificates_expired or result.permits_expired:
            self.applied.emit(result)
        return result
