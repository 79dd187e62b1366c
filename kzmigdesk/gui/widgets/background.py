"""Long work off the GUI thread, with a progress dialog and a cancel button.

The task runs in a plain Python thread and never touches Qt; the GUI thread polls its
progress with a timer, so the window keeps repainting and the Cancel button answers.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEventLoop, Qt, QTimer
from PySide6.QtWidgets import QProgressDialog, QWidget

from kzmigdesk.i18n import _

# A task is called as task(progress, cancelled): progress(done, total) reports, cancelled()
# tells whether the person pressed Cancel; a task stops by raising once it sees that.
Task = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]
POLL_MS = 50


@dataclass
class TaskOutcome:
    result: Any = None
    cancelled: bool = False
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return not self.cancelled and self.error is None


def run_in_background(parent: QWidget | None, label: str, task: Task) -> TaskOutcome:
    """Run `task` in a worker thread while a modal progress dialog keeps the window alive."""
    outcome = TaskOutcome()
    cancel_flag = threading.Event()
    progress = {"done": 0, "total": 0}

    def report(done: int, total: int) -> None:
        progress["done"], progress["total"] = done, total

    def work() -> None:
        try:
            outcome.result = task(report, cancel_flag.is_set)
        except BaseException as error:  # handed to the GUI thread, never lost
            if cancel_flag.is_set():
                outcome.cancelled = True
            else:
                outcome.error = error

    dialog = QProgressDialog(label, _("C&ancel"), 0, 0, parent)
    dialog.setWindowTitle(_("Please wait"))
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setAutoReset(False)
    dialog.setMinimumDuration(300)
    dialog.canceled.connect(cancel_flag.set)

    worker = threading.Thread(target=work, name="kzmigdesk-task", daemon=True)
    loop = QEventLoop()
    timer = QTimer()
    timer.setInterval(POLL_MS)

    def poll() -> None:
        if dialog.wasCanceled():
            cancel_flag.set()
        if progress["total"]:
            dialog.setMaximum(progress["total"])
            dialog.setValue(min(progress["done"], progress["total"]))
        if not worker.is_alive():
            loop.quit()

    timer.timeout.connect(poll)
    worker.start()
    timer.start()
    loop.exec()
    timer.stop()
    worker.join()
    dialog.close()
    dialog.deleteLater()
    return outcome
