"""The errors of the application's rules (a leaf module: the database layer raises StaleRecord
too); their messages are translated when shown, not when raised."""

from dataclasses import dataclass, field

from kzmigdesk.i18n import _


@dataclass
class FieldError:
    """A problem with one field: `label` and `problem` are msgids; `params` fill the problem."""

    field: str
    label: str
    problem: str
    params: dict = field(default_factory=dict)

    def message(self) -> str:
        return _("{field}: {problem}").format(
            field=_(self.label), problem=_(self.problem).format(**self.params)
        )


class ServiceError(Exception):
    """A rule refused the action; `message()` says why in the current language."""

    def __init__(self, msgid: str, **params):
        super().__init__(msgid)
        self.msgid = msgid
        self.params = params

    def message(self) -> str:
        return _(self.msgid).format(**self.params)


class ValidationFailed(ServiceError):
    def __init__(self, errors: list[FieldError]):
        super().__init__("Some fields are not valid")
        self.errors = errors

    def message(self) -> str:
        return "\n".join(error.message() for error in self.errors)

    def fields(self) -> set[str]:
        return {error.field for error in self.errors}


class NotFound(ServiceError):
    pass


class StaleRecord(ServiceError):
    """Someone else saved the record since it was opened; reload before saving again."""


class TransitionNotAllowed(ServiceError):
    pass
