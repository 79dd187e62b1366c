"""What the services share to read and check the fields of a form."""

import re
from collections.abc import Callable

from kzmigdesk.i18n import N_
from kzmigdesk.services.errors import FieldError

REQUIRED = N_("is required")
NOT_A_PHONE = N_("is not a phone number")
PHONE = re.compile(r"\+?[0-9 ()\-]{6,20}")  # after NFKC (identifiers.normalized_line)


def clean(value: str | None) -> str | None:
    """A one-line text without stray spaces (runs of blanks become one space); None when
    blank."""
    return (" ".join(value.split()) or None) if value else None


def clean_lines(value: str | None) -> str | None:
    """A text of several lines (a comment, notes) stripped at both ends; None when blank."""
    return (value or "").strip() or None


def field_errors(labels: dict[str, str] | Callable[[str], str]) -> Callable[..., FieldError]:
    """`error(name, problem, prefix="", **params)`: the FieldError of the field `name`,
    labelled from `labels` (a dict, or a function of the name); `prefix` places it in a list
    ("documents[0].")."""
    label = labels if callable(labels) else labels.__getitem__

    def error(name: str, problem: str, prefix: str = "", **params) -> FieldError:
        return FieldError(prefix + name, label(name), problem, params)

    return error
