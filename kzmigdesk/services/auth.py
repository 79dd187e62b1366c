"""Who is acting, and what each role may do. Every permission is checked here, in the
service layer; the GUI only hides what the acting user may not use.

Roles build on each other: a supervisor may do all a clerk may, an administrator all a
supervisor may. A clerk registers and edits the records of their own office only (records
with no office are open to every office).

The acting user travels one way only: it is bound to the database at sign-in (or by the
command line, or `Database.acting_as` for a background job), every session of that database
carries it in `session.info["actor"]`, and the services read it there (`acting`), so that every
write is checked and audited under its user. No service takes an actor or a user id.
"""

import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from kzmigdesk.domain.enums import UserRole, label
from kzmigdesk.i18n import N_, _
from kzmigdesk.services.errors import ServiceError


class Permission(StrEnum):
    REGISTER = "register"  # persons, cases, permits, services of the office
    MANAGE_QUOTAS = "manage_quotas"  # set and import quotas
    OVERRIDE_QUOTA = "override_quota"  # issue or grant beyond a quota, with a reason
    EDIT_CATALOGUE = "edit_catalogue"  # the service types and the centres
    EXPORT_REPORTS = "export_reports"  # monthly summaries and other exports
    VIEW_AUDIT = "view_audit"  # browse the audit trail
    MANAGE_USERS = "manage_users"  # accounts, roles, passwords
    RESTORE_BACKUP = "restore_backup"  # replace the database by a backup
    IMPORT_PACKAGES = "import_packages"  # other offices' exchange packages, and their conflicts
    APPROVE_CHANGES = "approve_changes"  # others' change requests (services/change_requests.py)
    PURGE_RECORDS = "purge_records"  # approve a purge of personal data (services/retention.py)
    SET_RETENTION = "set_retention"  # how long each kind of record is kept


CLERK_PERMISSIONS = frozenset({Permission.REGISTER})
SUPERVISOR_PERMISSIONS = CLERK_PERMISSIONS | {
    Permission.MANAGE_QUOTAS, Permission.OVERRIDE_QUOTA, Permission.EDIT_CATALOGUE,
    Permission.EXPORT_REPORTS, Permission.VIEW_AUDIT, Permission.IMPORT_PACKAGES,
    Permission.APPROVE_CHANGES, Permission.PURGE_RECORDS}
ADMINISTRATOR_PERMISSIONS = SUPERVISOR_PERMISSIONS | {Permission.MANAGE_USERS,
                                                      Permission.RESTORE_BACKUP,
                                                      Permission.SET_RETENTION}
ROLE_PERMISSIONS: dict[UserRole, frozenset[Permission]] = {
    UserRole.CLERK: CLERK_PERMISSIONS,
    UserRole.SUPERVISOR: SUPERVISOR_PERMISSIONS,
    UserRole.ADMINISTRATOR: ADMINISTRATOR_PERMISSIONS,
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
    Permission.EXPORT_REPORTS: N_("making reports and exports"),
    Permission.VIEW_AUDIT: N_("viewing the audit trail"),
    Permission.MANAGE_USERS: N_("managing user accounts"),
    Permission.RESTORE_BACKUP: N_("restoring a backup"),
    Permission.IMPORT_PACKAGES: N_("importing other offices' packages"),
    Permission.APPROVE_CHANGES: N_("approving change requests"),
    Permission.PURGE_RECORDS: N_("approving a purge of personal data"),
    Permission.SET_RETENTION: N_("setting how long personal data are kept"),
}


def actor_may(actor: Actor | None, permission: Permission) -> bool:
    """Whether `actor` (None: no one signed in) may do what `permission` allows."""
    return actor is not None and actor.may(permission)


def require(actor: Actor | None, permission: Permission) -> Actor:
    """The actor, if its role has `permission`; otherwise PermissionDenied."""
    if actor is None or not actor.may(permission):
        raise PermissionDenied(actor, permission)
    return actor


class OtherOffice(ServiceError):
    def __init__(self):
        super().__init__(N_("This record belongs to another office: a clerk may change only "
                            "the records of their own office."))


def acting(session: Session) -> Actor | None:
    """The session's acting user."""
    return session.info.get("actor")


def acting_user_id(session: Session) -> uuid.UUID | None:
    """The acting user's id, for the records that name who made them."""
    actor = acting(session)
    return actor.user_id if actor else None


def bind_at_sign_in(session: Session, actor: Actor | None) -> None:
    """Sign-in's own transaction acts as the user signing in (or no one, for an unknown name),
    so that its audit entries name them."""
    session.info["actor"] = actor


def require_in(session: Session, permission: Permission,
               office_id: uuid.UUID | None = None) -> Actor:
    """The acting user, if allowed `permission` on a record of `office_id` (None: any)."""
    actor = require(acting(session), permission)
    if (actor.role is UserRole.CLERK and office_id is not None
            and actor.office_id is not None and office_id != actor.office_id):
        raise OtherOffice()
    return actor
