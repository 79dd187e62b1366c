"""User accounts: the first administrator, sign-in with argon2 password hashes and a lockout
after repeated failures, and the administrator's management of accounts. Sign-ins, failed
ones included, go to the audit trail."""

import datetime as dt
import uuid
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.enums import UserRole
from kzmigdesk.domain.models import LocalSetting, Office, User, utcnow
from kzmigdesk.i18n import N_, _, format_datetime
from kzmigdesk.services import audit
from kzmigdesk.services.audit import unaudited
from kzmigdesk.services.auth import Actor, Permission, acting, bind_at_sign_in, require
from kzmigdesk.services.errors import FieldError, NotFound, ServiceError, ValidationFailed

MAX_FAILURES = 5  # failed sign-ins in a row before the account is locked
LOCK_MINUTES = 15
MIN_PASSWORD_LENGTH = 8
HASHER = PasswordHasher()

LABELS = {
    "username": N_("User name"),
    "full_name": N_("Full name"),
    "password": N_("Password"),
    "role": N_("Role"),
    "office_id": N_("Office"),
}


def _error(name: str, problem: str, **params) -> FieldError:
    return FieldError(name, LABELS[name], problem, params)


class SignInFailed(ServiceError):
    """Wrong user name or password (which one is not said), or an inactive account."""

    def __init__(self):
        super().__init__(N_("The user name or the password is wrong."))


class AccountLocked(ServiceError):
    def __init__(self, until: dt.datetime):
        super().__init__(N_("Too many failed attempts: the account is locked until {time}."))
        self.until = until

    def message(self) -> str:
        local = as_utc(self.until).astimezone()
        return _(self.msgid).format(time=format_datetime(local))


def as_utc(moment: dt.datetime) -> dt.datetime:
    """A moment with its zone: SQLite gives UTC times back without one."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def actor_of(user: User) -> Actor:
    return Actor(username=user.username, role=user.role, user_id=user.id,
                 office_id=user.office_id)


def _any_user(session: Session) -> bool:
    return session.scalar(select(func.count()).select_from(User)) > 0


def has_users(database: Database) -> bool:
    """False on the first start: the first administrator is yet to be created."""
    with database.sessions() as session:
        return _any_user(session)


@dataclass
class UserInput:
    username: str
    full_name: str
    role: UserRole
    password: str | None = None  # None: keep the password (when editing)
    office_id: uuid.UUID | None = None
    active: bool = True


def _validate(session: Session, data: UserInput, user: User | None) -> list[FieldError]:
    errors = []
    username = data.username.strip()
    if not username:
        errors.append(_error("username", N_("is required")))
    else:
        other = session.scalars(select(User).where(func.lower(User.username) == username.lower())
                                .execution_options(include_deleted=True)).first()
        if other is not None and other is not user:
            errors.append(_error("username", N_("is already taken")))
    if not data.full_name.strip():
        errors.append(_error("full_name", N_("is required")))
    if user is None and data.password is None:
        errors.append(_error("password", N_("is required")))
    elif data.password is not None and len(data.password) < MIN_PASSWORD_LENGTH:
        errors.append(_error("password", N_("must have at least {count} characters"),
                             count=MIN_PASSWORD_LENGTH))
    if data.office_id is not None and session.get(Office, data.office_id) is None:
        errors.append(_error("office_id", N_("does not exist")))
    if data.role is UserRole.CLERK and data.office_id is None:
        errors.append(_error("office_id", N_("is required for a clerk")))
    return errors


def _store(session: Session, data: UserInput, user: User | None) -> User:
    errors = _validate(session, data, user)
    if errors:
        raise ValidationFailed(errors)
    if user is None:
        user = User(failed_logins=0)
        session.add(user)
    old_username = user.username
    user.username = data.username.strip()
    user.full_name = data.full_name.strip()
    user.role = data.role
    user.office_id = data.office_id
    user.active = data.active
    if data.password is not None:
        user.password_hash = hash_password(data.password)
        user.failed_logins, user.locked_until = 0, None
    session.flush()
    _sync_login(session, user, old_username, data.password)
    return user


# --- PostgreSQL: each user's own database login (migration 0024) ---

DATABASE_LOGINS_KEY = "database_logins"  # local setting; "per-user": keep a login per user


def database_logins_on(session: Session) -> bool:
    """Whether this database keeps a PostgreSQL login per user (README: the server's set-up)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    setting = session.get(LocalSetting, DATABASE_LOGINS_KEY)
    return setting is not None and setting.value == "per-user"


def set_database_logins(session: Session, per_user: bool) -> None:
    """Switch the per-person logins on or off (administrators, or the owner at the server's
    command line); audited. On, saving an account with a password creates its login."""
    require(acting(session), Permission.MANAGE_USERS)
    if session.get_bind().dialect.name != "postgresql":
        raise ServiceError(N_("Per-person database logins are for a PostgreSQL server, not "
                              "for a database file."))
    setting = session.get(LocalSetting, DATABASE_LOGINS_KEY)
    old = setting.value if setting is not None else None
    value = "per-user" if per_user else "shared"
    if setting is None:
        session.add(LocalSetting(key=DATABASE_LOGINS_KEY, value=value))
    else:
        setting.value = value
    audit.record(session, "settings", "local_settings", DATABASE_LOGINS_KEY,
                 {"database_logins": [old, value]})


def _sync_login(session: Session, user: User, old_username: str | None,
                password: str | None) -> None:
    """Create, rename, alter or drop the user's login, in the same transaction, through the
    set-up functions of migrations 0024 and 0027 (they refuse anyone but an administrator's
    login)."""
    if not database_logins_on(session):
        return
    if old_username and old_username.lower() != user.username.lower():
        if password is None:  # a new name, the same password (migration 0027)
            session.execute(text("SELECT kzmigdesk_rename_login(:o, :n)"),
                            {"o": old_username, "n": user.username})
        else:
            session.execute(text("SELECT kzmigdesk_drop_login(:u)"), {"u": old_username})
    if not user.active:
        session.execute(text("SELECT kzmigdesk_drop_login(:u)"), {"u": user.username})
    elif password is not None:
        session.execute(text("SELECT kzmigdesk_set_login(:u, :p)"),
                        {"u": user.username, "p": password})


def create_first_administrator(session: Session, data: UserInput) -> User:
    """The first start: the database has no account yet, so anyone at the desk creates the
    administrator. Refused once any account exists."""
    if _any_user(session):
        raise ServiceError(N_("The administrator already exists; sign in."))
    data.role = UserRole.ADMINISTRATOR
    user = _store(session, data, None)
    bind_at_sign_in(session, actor_of(user))
    return user


def save_user(session: Session, data: UserInput, user_id: uuid.UUID | None = None) -> User:
    """Create an account or change one (administrators only)."""
    actor = require(acting(session), Permission.MANAGE_USERS)
    user = None
    if user_id is not None:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound(N_("The user no longer exists."))
        if user.id == actor.user_id and (not data.active or data.role is not user.role):
            raise ServiceError(N_("You cannot deactivate your own account or change your own "
                                  "role."))
    return _store(session, data, user)


def list_users(session: Session) -> list[User]:
    require(acting(session), Permission.MANAGE_USERS)
    return list(session.scalars(select(User).order_by(func.lower(User.username))))


# --- for the windows: the database in, read models out ---------------------------------------


@dataclass(frozen=True)
class Account:
    """An account as the administrator's list shows it."""

    id: uuid.UUID
    username: str
    full_name: str
    role: UserRole
    office_id: uuid.UUID | None
    office_name: str  # "" without an office
    active: bool


def accounts(database: Database) -> list[Account]:
    """Every account, by user name (administrators only)."""
    with database.sessions() as session:
        return [Account(u.id, u.username, u.full_name, u.role, u.office_id,
                        u.office.name if u.office_id and u.office else "", u.active)
                for u in list_users(session)]


def save_account(database: Database, data: UserInput,
                 account_id: uuid.UUID | None = None) -> uuid.UUID:
    """Create an account (`account_id` None) or change one; returns its id."""
    with database.transaction() as session:
        return save_user(session, data, account_id).id


def create_administrator(database: Database, data: UserInput) -> Actor:
    """The first start's administrator (see create_first_administrator), signed in."""
    with database.transaction() as session:
        return actor_of(create_first_administrator(session, data))


# --- PostgreSQL: signing in as one's own database login ---


def login_at_sign_in(url: str) -> bool:
    """Whether the database is reached with the signing-in person's own login: a PostgreSQL
    URL that names no user (README: the desks). The window asks for the user name and
    password before it opens the database then."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.get_backend_name() == "postgresql" and not parsed.username


def login_of(username: str) -> str:
    """The database login of the application's user `username` (migration 0024)."""
    return "kzm_" + username.strip().lower()


def open_as(url: str, username: str, password: str) -> tuple[Database, Actor]:
    """Open the database at `url` as `username`'s own login with `password`, then sign in
    (the account's checks, lock and audit entry as at any sign-in). A login the server
    refuses is SignInFailed, as a wrong password is: which one was wrong is not said."""
    from sqlalchemy.engine import make_url

    from kzmigdesk.services.workspace import DatabaseFileError, open_database

    if not username.strip() or not password:
        raise SignInFailed()
    own = make_url(url).set(username=login_of(username), password=password)
    try:
        database = open_database(own.render_as_string(hide_password=False))
    except DatabaseFileError as error:  # the server's own words, in one line
        if any(word in str(error.params.get("error")) for word in ("authentication", "role")):
            raise SignInFailed() from None
        raise
    try:
        return database, sign_in(database, username, password)
    except BaseException:
        database.close()
        raise


def sign_in(database: Database, username: str, password: str,
            now: dt.datetime | None = None) -> Actor:
    """Check the password and return the signed-in user. After MAX_FAILURES failures in a
    row the account is locked for LOCK_MINUTES. Each attempt is written to the audit trail
    and committed, failed ones included (so that they count), before SignInFailed or
    AccountLocked is raised."""
    with database.transaction() as session:
        result = _attempt(session, username, password, as_utc(now or utcnow()))
    if isinstance(result, ServiceError):
        raise result
    return result


def _attempt(session: Session, username: str, password: str,
             now: dt.datetime) -> Actor | ServiceError:
    user = session.scalars(select(User).where(
        func.lower(User.username) == username.strip().lower())).first()
    if user is None or not user.active or not user.password_hash:
        bind_at_sign_in(session, None)
        audit.record(session, "login.failed", "users", None,
                     {"username": username.strip()})
        return SignInFailed()
    actor = actor_of(user)
    bind_at_sign_in(session, actor)
    if user.locked_until is not None and as_utc(user.locked_until) > now:
        audit.record(session, "login.locked", "users", user.id)
        return AccountLocked(user.locked_until)
    try:
        HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        with unaudited(session):  # the counter is not a change of the record
            user.failed_logins += 1
            if user.failed_logins >= MAX_FAILURES:
                user.locked_until = now + dt.timedelta(minutes=LOCK_MINUTES)
                user.failed_logins = 0
        audit.record(session, "login.failed", "users", user.id)
        if user.locked_until is not None and as_utc(user.locked_until) > now:
            return AccountLocked(user.locked_until)
        return SignInFailed()
    with unaudited(session):
        if HASHER.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.failed_logins, user.locked_until = 0, None
    audit.record(session, "login", "users", user.id)
    return actor


def change_own_password(session: Session, old: str, new: str) -> None:
    actor = acting(session)
    user = session.get(User, actor.user_id) if actor and actor.user_id else None
    if user is None:
        raise NotFound(N_("The user no longer exists."))
    try:
        HASHER.verify(user.password_hash or "", old)
    except (VerificationError, InvalidHashError):
        raise ValidationFailed([_error("password", N_("is wrong"))]) from None
    if len(new) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed([_error("password", N_("must have at least {count} characters"),
                                       count=MIN_PASSWORD_LENGTH)])
    user.password_hash = hash_password(new)
    session.flush()
