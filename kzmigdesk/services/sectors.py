"""Economic sectors (issue 24): the sections A … U of the economic activity classifier (ОКЭД)
as reference data (kzmigdesk/domain/reference.py, put in the database by migration 0025), the
employer's sector, and the employers whose old free-text sector could not be mapped.

An employer's sector is chosen from the classifier. Employers registered before it kept their
free text (`Employer.sector`); the migration mapped it where it was a section's letter or name
in any language. The rest are listed (`kzmigdesk sectors unmapped`, the Economic sectors dialog)
for a supervisor or an administrator to choose their sector. Choosing it also gives the sector
to the employer's permits that had none, so that their quota slots count under it
(services/quotas.py).
"""

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kzmigdesk.db.session import Database
from kzmigdesk.domain.models import EconomicSector, Employer, WorkPermit
from kzmigdesk.domain.reference import sector_code_for, sector_key
from kzmigdesk.i18n import N_
from kzmigdesk.services.auth import Permission, require_in
from kzmigdesk.services.errors import NotFound

LABEL_SECTOR = N_("Economic sector")


@dataclass(frozen=True)
class SectorChoice:
    id: uuid.UUID
    code: str
    name: str  # in the current language

    @property
    def title(self) -> str:
        """"F — Construction": the letter, then the name."""
        return f"{self.code} — {self.name}"


def all_sectors(session: Session, active_only: bool = True) -> list[EconomicSector]:
    query = select(EconomicSector).order_by(EconomicSector.sort_order, EconomicSector.code)
    if active_only:
        query = query.where(EconomicSector.active.is_(True))
    return list(session.scalars(query))


def choice(sector: EconomicSector) -> SectorChoice:
    return SectorChoice(sector.id, sector.code, sector.name)


def spellings_of_sectors(session: Session) -> dict[str, uuid.UUID]:
    """Each section's letter and its names in every language, as compared (sector_key)."""
    names = {}
    for sector in all_sectors(session, active_only=False):
        for value in (sector.code, *sector.names.values()):
            names[sector_key(value)] = sector.id
    return names


def sector_for_text(session: Session, text: str | None) -> uuid.UUID | None:
    """The sector whose letter or name (any language) `text` is, else None."""
    code = sector_code_for(text)
    if code is None:
        return None
    return session.scalars(select(EconomicSector.id).where(EconomicSector.code == code)).first()


@dataclass(frozen=True)
class UnmappedEmployer:
    id: uuid.UUID
    bin: str
    name: str
    old_sector: str | None  # the free text it was registered with
    region_name: str


def unmapped_employers(session: Session) -> list[UnmappedEmployer]:
    """Employers with no sector from the classifier, by name."""
    employers = session.scalars(select(Employer).where(Employer.sector_id.is_(None)))
    rows = [UnmappedEmployer(e.id, e.bin, e.name, e.sector, e.region.name) for e in employers]
    rows.sort(key=lambda row: (row.name.casefold(), row.bin))
    return rows


def set_employer_sector(session: Session, employer_id: uuid.UUID,
                        sector_id: uuid.UUID | None) -> Employer:
    """Give the employer its sector (supervisors and administrators); its permits with no
    sector get it too. Audited as every change (services/audit.py)."""
    require_in(session, Permission.EDIT_CATALOGUE)
    employer = session.get(Employer, employer_id)
    if employer is None:
        raise NotFound(N_("The employer no longer exists."))
    if sector_id is not None and session.get(EconomicSector, sector_id) is None:
        raise NotFound(N_("The economic sector no longer exists."))
    employer.sector_id = sector_id
    if sector_id is not None:
        for permit in session.scalars(select(WorkPermit).where(
                WorkPermit.employer_id == employer_id, WorkPermit.sector_id.is_(None))):
            permit.sector_id = sector_id
    session.flush()
    return employer


def map_free_text(session: Session) -> int:
    """Map again the free text of employers with no sector (as migration 0025 did); return
    how many were mapped."""
    require_in(session, Permission.EDIT_CATALOGUE)
    ids = spellings_of_sectors(session)
    mapped = 0
    for employer in session.scalars(select(Employer).where(Employer.sector_id.is_(None),
                                                           Employer.sector.is_not(None))):
        sector_id = ids.get(sector_key(employer.sector))
        if sector_id is None:
            code = sector_code_for(employer.sector)
            sector_id = ids.get(sector_key(code)) if code else None
        if sector_id is not None:
            set_employer_sector(session, employer.id, sector_id)
            mapped += 1
    return mapped


# --- for the GUI: each call in a session or transaction of its own ---------------------------


def sector_choices(database: Database) -> list[SectorChoice]:
    """The classifier's active sections, in their order."""
    with database.sessions() as session:
        return [choice(sector) for sector in all_sectors(session)]


def unmapped_of(database: Database) -> list[UnmappedEmployer]:
    with database.sessions() as session:
        return unmapped_employers(session)


def assign_sector(database: Database, employer_id: uuid.UUID,
                  sector_id: uuid.UUID | None) -> None:
    with database.transaction() as session:
        set_employer_sector(session, employer_id, sector_id)


def remap_free_text(database: Database) -> int:
    with database.transaction() as session:
        return map_free_text(session)
