"""Reading the database off the GUI thread, for the lists and the person picker.

A Query runs `work(database)` in a worker of a thread pool, with a copy of the database whose
statements `cancel()` interrupts (services/queries.py); its result, or its error, comes back
to the GUI thread through a queued signal. A cancelled query's result is dropped. An error
is raised again on the GUI thread, where it reaches the person as any other one does."""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from kzmigdesk.services.queries import QueryHandle, is_cancelled
from kzmigdesk.services.workspace import Database

IN_BACKGROUND = True  # the GUI tests that do not wait for a result run queries inline
_pool: QThreadPool | None = None
_running: set["Query"] = set()  # kept alive until delivered (a slot is not a reference)


def pool() -> QThreadPool:
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(3)  # a search, a count and a page at once
        _pool.setExpiryTimeout(60_000)
    return _pool


class _Delivery(QObject):
    """Lives on the GUI thread (a child of the query's owner): a result emitted by the
    worker arrives there; if the owner is deleted meanwhile, so is this and nothing comes."""

    done = Signal(object, object)  # result, error


class _Runnable(QRunnable):
    def __init__(self, query: "Query"):
        super().__init__()
        self.query = query

    def run(self) -> None:
        result, error = self.query.run()
        try:
            self.query.delivery.done.emit(result, error)
        except RuntimeError:  # the owner was deleted (a dialog closed): nobody waits
            _running.discard(self.query)


class Query:
    """`work(database)` in the background; `on_result(result)` or `on_error(error)` on the
    GUI thread, unless cancelled first."""

    def __init__(self, owner: QObject, database: Database, work: Callable[[Database], Any],
                 on_result: Callable[[Any], None],
                 on_error: Callable[[BaseException], None] | None = None):
        self.handle = QueryHandle()
        self.database, self.work = database, work
        self.on_result, self.on_error = on_result, on_error
        self.delivery = _Delivery(owner)
        self.delivery.done.connect(self._deliver)
        self.finished = False

    def start(self) -> "Query":
        _running.add(self)
        if IN_BACKGROUND:
            pool().start(_Runnable(self))
        else:
            self._deliver(*self.run())
        return self

    def run(self) -> tuple[Any, BaseException | None]:
        try:
            return self.work(self.handle.bind(self.database)), None
        except Exception as error:  # handed to the GUI thread
            return None, error

    def cancel(self) -> None:
        if not self.finished:
            self.handle.cancel()

    @property
    def cancelled(self) -> bool:
        return self.handle.cancelled

    def _deliver(self, result, error) -> None:
        self.finished = True
        _running.discard(self)
        self.delivery.deleteLater()
        if error is not None and is_cancelled(self.handle, error):
            return
        if self.handle.cancelled:
            return
        if error is not None:
            if self.on_error is None:
                raise error
            self.on_error(error)
        else:
            self.on_result(result)
