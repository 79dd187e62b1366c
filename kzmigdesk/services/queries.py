"""Cancellable queries for the GUI's lists (see kzmigdesk/db/cancel.py): a page or count
runs in a worker with `handle.bind(database)`, and a newer search calls `handle.cancel()`."""

from kzmigdesk.db.cancel import Cancelled, QueryHandle

__all__ = ["Cancelled", "QueryHandle", "is_cancelled"]


def is_cancelled(handle: QueryHandle, error: BaseException) -> bool:
    """Whether `error` is what a cancelled query raised (SQLite: "interrupted", PostgreSQL:
    "canceling statement"), rather than a failure to show."""
    return handle.cancelled or isinstance(error, Cancelled)
