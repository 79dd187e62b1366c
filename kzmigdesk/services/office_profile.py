"""The office profile: what every document says about the office it comes from (names and
address in Kazakh and Russian, BIN, phone, logo, the head of office) and the pattern of its
outgoing register numbers. Any signed-in user reads it; only an administrator changes it.

Which office a desk prints for: the signed-in user's office, else this database's own office
(set when an administrator first saves a profile, `HOME_OFFICE`), else the only office with a
profile. A document is never printed without one: `letterhead` raises ProfileMissing, naming
what is missing, before anything is made.
"""

import io
import uuid
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.documents import Letterhead, Signer
from kzmigdesk.domain.enums import OfficeKind, UserRole
from kzmigdesk.domain.identifiers import IdentifierError, normalized, normalized_line, validate_bin
from kzmigdesk.domain.models import LocalSetting, Office, OfficeProfile, Region, User
from kzmigdesk.i18n import N_, _
from kzmigdesk.services.auth import acting
from kzmigdesk.services.errors import (
    FieldError,
    NotFound,
    ServiceError,
    StaleRecord,
    ValidationFailed,
)
from kzmigdesk.services.fields import NOT_A_PHONE, PHONE, REQUIRED, clean, clean_lines

HOME_OFFICE = "office.home"  # LocalSetting: the id of this database's own office
MAX_LOGO_BYTES = 512 * 1024
LOGO_TYPES = {"PNG": "png", "JPEG": "jpeg"}
PROFILE_LANGUAGES = ("kk", "ru")  # the languages of Kazakh official documents

LABELS = {
    "code": N_("Office code"),
    "region_id": N_("Region"),
    "names.kk": N_("Office name in Kazakh"),
    "names.ru": N_("Office name in Russian"),
    "addresses.kk": N_("Address in Kazakh"),
    "addresses.ru": N_("Address in Russian"),
    "head_positions.kk": N_("Position of the head of office in Kazakh"),
    "head_positions.ru": N_("Position of the head of office in Russian"),
    "head_names.kk": N_("Head of office in Kazakh"),
    "head_names.ru": N_("Head of office in Russian"),
    "bin": N_("BIN"),
    "phone": N_("Phone"),
    "logo": N_("Logo"),
    "register_pattern": N_("Pattern of outgoing numbers"),
}
REQUIRED_FIELDS = ("names.kk", "names.ru", "addresses.kk", "addresses.ru",
                   "head_positions.kk", "head_positions.ru", "head_names.kk", "head_names.ru")

# The position printed for whoever prepared a document, by role.
PREPARER_POSITIONS = {
    UserRole.CLERK: N_("Specialist"),
    UserRole.SUPERVISOR: N_("Chief specialist"),
    UserRole.ADMINISTRATOR: N_("Chief specialist"),
}


def _error(name: str, problem: str, **params) -> FieldError:
    return FieldError(name, LABELS[name], problem, params)


class ProfileMissing(ServiceError):
    """No document without the office on it: says which office and what it lacks."""

    def __init__(self, missing: list[str], office: str = ""):
        super().__init__(N_("The office profile is not complete, so nothing can be printed "
                            "yet. Missing: {missing}. An administrator fills it in "
                            "File → Office profile…"))
        self.missing = missing
        self.office = office

    def message(self) -> str:
        return _(self.msgid).format(missing="; ".join(_(m) for m in self.missing))


class NotAdministrator(ServiceError):
    def __init__(self):
        super().__init__(N_("Only an administrator may change the office profile."))


@dataclass(frozen=True)
class Profile:
    """An office's profile as the dialog shows it (`id` None: the office has none yet)."""

    office_id: uuid.UUID | None
    office_code: str
    region_id: uuid.UUID | None
    id: uuid.UUID | None = None
    version: int | None = None
    names: dict[str, str] = field(default_factory=dict)
    addresses: dict[str, str] = field(default_factory=dict)
    head_positions: dict[str, str] = field(default_factory=dict)
    head_names: dict[str, str] = field(default_factory=dict)
    bin: str = ""
    phone: str = ""
    logo: bytes | None = None
    register_pattern: str = "{n}"


@dataclass
class ProfileInput:
    names: dict[str, str]
    addresses: dict[str, str]
    head_positions: dict[str, str]
    head_names: dict[str, str]
    bin: str = ""
    phone: str = ""
    logo: bytes | None = None
    register_pattern: str = "{n}"
    code: str = ""  # the office's code and region: needed only to create the office
    region_id: uuid.UUID | None = None


# --- which office ---------------------------------------------------------------------------


def home_office_id(session: Session) -> uuid.UUID | None:
    """The office this desk prints for (see the module's text), or None."""
    actor = acting(session)
    if actor is not None and actor.office_id is not None:
        return actor.office_id
    setting = session.get(LocalSetting, HOME_OFFICE)
    if setting is not None:
        office_id = uuid.UUID(setting.value)
        if session.get(Office, office_id) is not None:
            return office_id
    only = session.scalars(select(OfficeProfile.office_id).limit(2)).all()
    return only[0] if len(only) == 1 else None


def home_names(session: Session) -> tuple[dict[str, str], dict[str, str]]:
    """The home office's names and its head's names by language ({} without a profile),
    for documents that print only a name (no sign-in needed: the command line's too)."""
    row = _profile_row(session, home_office_id(session))
    return (dict(row.names), dict(row.head_names)) if row is not None else ({}, {})


def _profile_row(session: Session, office_id: uuid.UUID | None) -> OfficeProfile | None:
    if office_id is None:
        return None
    return session.scalars(select(OfficeProfile)
                           .where(OfficeProfile.office_id == office_id)).one_or_none()


def require_signed_in(session: Session) -> None:
    if acting(session) is None:
        raise ServiceError(N_("Sign in first."))


def profile(session: Session, office_id: uuid.UUID | None = None) -> Profile:
    """The profile of `office_id` (default: the home office); an empty one if it has none."""
    require_signed_in(session)
    office_id = office_id or home_office_id(session)
    office = session.get(Office, office_id) if office_id else None
    if office_id is not None and office is None:
        raise NotFound(N_("The office no longer exists."))
    row = _profile_row(session, office_id)
    base = Profile(office_id, office.code if office else "", office.region_id if office else None)
    if row is None:
        return base
    return Profile(office_id, base.office_code, base.region_id, row.id, row.version,
                   dict(row.names), dict(row.addresses), dict(row.head_positions),
                   dict(row.head_names), row.bin or "", row.phone or "", row.logo,
                   row.register_pattern)


def load_profile(database: Database, office_id: uuid.UUID | None = None) -> Profile:
    with database.sessions() as session:
        return profile(session, office_id)


def has_profile(database: Database) -> bool:
    """Whether the home office has a profile (the first start asks for one if not)."""
    with database.sessions() as session:
        return _profile_row(session, home_office_id(session)) is not None


# --- checks ---------------------------------------------------------------------------------


def logo_type(data: bytes) -> str:
    """"png" or "jpeg", read from the image itself; ValueError for anything else."""
    from PIL import Image  # ReportLab's own dependency

    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except Exception as error:
        raise ValueError(str(error)) from None
    if kind not in LOGO_TYPES:
        raise ValueError(kind)
    return LOGO_TYPES[kind]


def check_pattern(pattern: str) -> str | None:
    """The problem (a msgid) with a number pattern, or None: it must hold {n} and may hold
    {year}, e.g. "15-12/{n}" or "{year}/{n}"."""
    if "{n}" not in pattern:
        return N_("must contain {{n}}, the number")
    try:
        pattern.format(n=1, year=2026)
    except (KeyError, IndexError, ValueError):
        return N_("may contain only {{n}} and {{year}}")
    return None


def format_number(pattern: str, seq: int, year: int) -> str:
    return pattern.format(n=seq, year=year)


def _validate(data: ProfileInput, creating: bool) -> list[FieldError]:
    errors = []
    values = {f"{group}.{code}": clean_lines(getattr(data, group).get(code))
              for group in ("names", "addresses", "head_positions", "head_names")
              for code in PROFILE_LANGUAGES}
    errors += [_error(name, REQUIRED) for name in REQUIRED_FIELDS if not values[name]]
    bin_ = normalized(data.bin) or ""
    if bin_:
        try:
            validate_bin(bin_)
        except IdentifierError as error:
            errors.append(_error("bin", error.message))
    phone = normalized_line(data.phone) or ""
    if phone and not PHONE.fullmatch(phone):
        errors.append(_error("phone", NOT_A_PHONE))
    if data.logo:
        if len(data.logo) > MAX_LOGO_BYTES:
            errors.append(_error("logo", N_("must be at most {size} KB"),
                                 size=MAX_LOGO_BYTES // 1024))
        else:
            try:
                logo_type(data.logo)
            except ValueError:
                errors.append(_error("logo", N_("must be a PNG or JPEG image")))
    pattern = (data.register_pattern or "").strip()
    problem = check_pattern(pattern)
    if problem:
        errors.append(_error("register_pattern", problem))
    if creating:
        if not clean(data.code):
            errors.append(_error("code", REQUIRED))
        if data.region_id is None:
            errors.append(_error("region_id", REQUIRED))
    return errors


def _texts(values: dict[str, str], lines: bool = False) -> dict[str, str]:
    cleaned = {code: (clean_lines if lines else clean)(text) for code, text in values.items()}
    return {code: text for code, text in cleaned.items() if text}


# --- changing it ----------------------------------------------------------------------------


def save(session: Session, data: ProfileInput, office_id: uuid.UUID | None = None,
         version: int | None = None) -> OfficeProfile:
    """Create or change the profile of `office_id` (default: the home office; with no office
    at all, a new office of `data.code` in `data.region_id`). Administrators only; the first
    profile saved by an administrator without an office makes its office this database's."""
    actor = acting(session)
    if actor is None or actor.role is not UserRole.ADMINISTRATOR:
        raise NotAdministrator()
    office_id = office_id or home_office_id(session)
    office = session.get(Office, office_id) if office_id else None
    if office_id is not None and office is None:
        raise NotFound(N_("The office no longer exists."))
    errors = _validate(data, creating=office is None)
    if office is None and clean(data.code):
        taken = session.scalars(select(func.count()).select_from(Office)
                                .where(Office.code == clean(data.code))).one()
        if taken:
            errors.append(_error("code", N_("is already taken")))
    if office is None and data.region_id is not None and session.get(Region,
                                                                      data.region_id) is None:
        errors.append(_error("region_id", N_("does not exist")))
    if errors:
        raise ValidationFailed(errors)
    names = _texts(data.names)
    if office is None:
        office = Office(code=clean(data.code), name=names.get("ru") or names.get("kk"),
                        kind=OfficeKind.DISTRICT, region_id=data.region_id)
        session.add(office)
        session.flush()
    row = _profile_row(session, office.id)
    if row is None:
        row = OfficeProfile(office_id=office.id)
        session.add(row)
    elif version is not None and row.version != version:
        raise StaleRecord(N_("Someone else has changed this record. Reload it and try again."))
    row.names = names
    row.addresses = _texts(data.addresses, lines=True)
    row.head_positions = _texts(data.head_positions)
    row.head_names = _texts(data.head_names)
    row.bin = normalized(data.bin) or None
    row.phone = normalized_line(data.phone) or None
    row.logo = data.logo or None
    row.logo_type = logo_type(data.logo) if data.logo else None
    row.register_pattern = data.register_pattern.strip()
    if actor.office_id is None and session.get(LocalSetting, HOME_OFFICE) is None:
        session.add(LocalSetting(key=HOME_OFFICE, value=str(office.id)))
    session.flush()
    return row


def save_profile(database: Database, data: ProfileInput, office_id: uuid.UUID | None = None,
                 version: int | None = None) -> Profile:
    with database.transaction() as session:
        row = save(session, data, office_id, version)
        office_id = row.office_id
    return load_profile(database, office_id)


# --- the letterhead of a document ------------------------------------------------------------


def missing(found: Profile) -> list[str]:
    """What the profile lacks for a document (msgids), in the dialog's order."""
    if found.office_id is None:
        return [N_("the office (no office is set up in this database)")]
    values = {f"{group}.{code}": getattr(found, group).get(code)
              for group in ("names", "addresses", "head_positions", "head_names")
              for code in PROFILE_LANGUAGES}
    return [LABELS[name] for name in REQUIRED_FIELDS if not values[name]]


def preparer(session: Session) -> Signer:
    """The signed-in user as the one who prepared a document: a position by role (in each
    language, filled when printed) and the user's full name."""
    actor = acting(session)
    if actor is None:
        return Signer()
    user = session.get(User, actor.user_id) if actor.user_id else None
    name = user.full_name if user is not None else ""
    return Signer({}, {"": name} if name else {}, title=PREPARER_POSITIONS[actor.role])


def letterhead_of(session: Session, office_id: uuid.UUID | None = None) -> Letterhead:
    """The letterhead of `office_id` (default: the home office) with its head and the
    signed-in user as the preparer; ProfileMissing if the profile lacks anything printed."""
    found = profile(session, office_id)
    lacking = missing(found)
    if lacking:
        raise ProfileMissing(lacking)
    return Letterhead(
        name=found.names.get("ru") or found.names.get("kk", ""),
        address=found.addresses.get("ru") or found.addresses.get("kk", ""),
        logo=found.logo or "", names=found.names, addresses=found.addresses, bin=found.bin,
        phone=found.phone, head=Signer(found.head_positions, found.head_names),
        prepared_by=preparer(session))


def letterhead(database: Database, office_id: uuid.UUID | None = None) -> Letterhead:
    with database.sessions() as session:
        return letterhead_of(session, office_id)
