"""Errors the services raise (defined in kzmigdesk.errors, which the database layer imports too);
their messages are translated when shown, not when raised."""

from kzmigdesk.errors import (
    FieldError,
    NotFound,
    ServiceError,
    StaleRecord,
    TransitionNotAllowed,
    ValidationFailed,
)

__all__ = ["FieldError", "NotFound", "ServiceError", "StaleRecord", "TransitionNotAllowed",
           "ValidationFailed"]
