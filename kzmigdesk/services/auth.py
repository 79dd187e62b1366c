"""Who is acting, and what each role may do. Every permission is checked here, in the
service layer; the GUI only hides what the acting user may not use.

Roles build on each other: a supervisor may do all a clerk may, an administrator all a
supervisor may.
"""

import uuid
from dataclasses import dataclass
from enum import StrEnum

from kzmigdesk.domain.enums import UserRole, label
from kzmigdesk.i18n import N_, _
from kzmigdesk.services.errors import ServiceError


class Permission(StrEnum):
    REGISTER = "register"  # persons, cases, permits, services of the office
    MANAGE_QUOTAS = "manage_quotas"  # set and import quotas
    OVERRIDE_QUOTA = "override_quota"  # issue or grant beyond a quota, with a reason
    EDIT_CATALOGUE = "edit_catalogue"  # the adaptation centres' service types


CLERK_PERMISSIONS = frozenset({Permission.REGISTER})
SUPERVISOR_PERMISSIONS = CLERK_PERMISSIONS | {Permission.MANAGE_QUOTAS,
                                              Permission.OVERRIDE_QUOTA,
                                              Permission.EDIT_CATALOGUE}
ROLE_PERMISSIONS: dict[UserRole, frozenset[Permission]] = {
    UserRole.CLERK: CLERK_PERMISSIONS,
    UserRole.SUPERVISOR: SUPERVISOR_PERMISSIONS,
    UserRole.ADMINISTRATOR: SUPERVISOR_PERMISSIONS,
}


@dataclass(frozen=True)
class Actor:
    """The user on whose behalf a service acts."""

    username: str
    role: UserRole
    user_id: uuid.UUID | None = None
    office_id: uuid.UUID | None = None

    def may(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


class PermissionDenied(ServiceError):
    def __init__(self, actor: Actor | None, permission: Permission):
        super().__init__(N_("Your role ({role}) does not allow this: {action}."))
        self.actor = actor
        self.permission = permission

    def message(self) -> str:
        role = label(self.actor.role) if self.actor else _("no user")
        return _(self.msgid).format(role=role, action=_(ACTION_NAMES[self.permission]))


ACTION_NAMES = {
    Permission.REGISTER: N_("registering and editing records"),
    Permission.MANAGE_QUOTAS: N_("setting quotas"),
    Permission.OVERRIDE_QUOTA: N_("going beyond a quota"),
    Permission.EDIT_CATALOGUE: N_("editing the service catalogue"),
}


def require(actor: Actor | None, permission: Permission) -> Actor:
    """The actor, if its role has `permission`; otherwise PermissionDenied."""
    if actor is None or not actor.may(permission):
        raise PermissionDenied(actor, permission)
    return actor
