"""Enumerations of the domain, stored as their string values, with translatable labels."""

from enum import StrEnum

from kzmigdesk.i18n import N_, _


class Sex(StrEnum):
    MALE = "M"
    FEMALE = "F"


class PersonCategory(StrEnum):
    KANDAS = "kandas"
    FOREIGN_WORKER = "foreign_worker"
    OTHER = "other"


class DocumentType(StrEnum):
    KZ_ID_CARD = "kz_id_card"
    KZ_PASSPORT = "kz_passport"
    FOREIGN_PASSPORT = "foreign_passport"
    RESIDENCE_PERMIT = "residence_permit"
    STATELESS_CERTIFICATE = "stateless_certificate"
    BIRTH_CERTIFICATE = "birth_certificate"
    KANDAS_CERTIFICATE = "kandas_certificate"


class HouseholdRelation(StrEnum):
    HEAD = "head"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    SIBLING = "sibling"
    GRANDCHILD = "grandchild"
    OTHER = "other"


class RepatriateStatus(StrEnum):
    APPLIED = "applied"
    GRANTED = "granted"
    CITIZENSHIP_REQUESTED = "citizenship_requested"
    CITIZEN = "citizen"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class PermitCategory(StrEnum):
    CATEGORY_1 = "cat1"
    CATEGORY_2 = "cat2"
    CATEGORY_3 = "cat3"
    CATEGORY_4 = "cat4"
    SEASONAL_AGRICULTURAL = "seasonal"
    INTRA_CORPORATE = "ict"


class PermitStatus(StrEnum):
    ISSUED = "issued"
    EXTENDED = "extended"
    REVOKED = "revoked"
    EXPIRED = "expired"


class UserRole(StrEnum):
    CLERK = "clerk"
    SUPERVISOR = "supervisor"
    ADMINISTRATOR = "administrator"


class RegionKind(StrEnum):
    REGION = "region"
    CITY = "city"


class OfficeKind(StrEnum):
    REGIONAL = "regional"
    DISTRICT = "district"


class ChangeKind(StrEnum):
    """The kinds of change that may need a supervisor's approval (services/change_requests)."""

    IDENTITY = "identity"  # a registered person's identity data
    KANDAS_STATUS = "kandas_status"  # granting or refusing kandas status
    CITIZENSHIP_STEP = "citizenship_step"  # the citizenship application and its outcome
    PERMIT_REVOCATION = "permit_revocation"
    DELETION = "deletion"  # of a person, a case or a permit
    SUPPORT_DECISION = "support_decision"  # approving or refusing a kandas support application


class SupportStatus(StrEnum):
    """A kandas support application (services/support.py): applied → approved → paid, or
    refused."""

    APPLIED = "applied"
    APPROVED = "approved"
    PAID = "paid"
    REFUSED = "refused"


class RequestStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class LegalBasis(StrEnum):
    """Why an office may process a person's data (issue 23): a law, or the person's consent."""
    LAW = "law"  # the law on migration: registration, permits, kandas status
    CONSENT = "consent"  # the person's written consent
    CONTRACT = "contract"  # a contract or service the person asked for (e.g. adaptation)


class AccessKind(StrEnum):
    """What a read of a person's data was (services/access.py)."""
    OPEN = "open"  # the person's record opened
    SEARCH = "search"  # a search by IIN or document number returned the person
    SCAN = "scan"  # one of the person's scans viewed
    PRINT = "print"  # a form with the person's data printed
    EXPORT = "export"  # the person's data exported


# Labels per enumeration: StrEnum members of different enums with the same value compare
# equal, so one flat dict would mix them up (repatriate "expired" and permit "expired").
class ViolationKind(StrEnum):
    """How a worker found at an inspection broke the rules of foreign labour (issue 24)."""

    NO_PERMIT = "no_permit"
    OUTSIDE_REGION = "outside_region"  # working outside the permit's region
    OUTSIDE_POSITION = "outside_position"  # working outside the permit's position


class WorkerDecision(StrEnum):
    """The decision on a worker found at an inspection (issue 24)."""

    WARNING = "warning"
    EXPULSION = "expulsion"


LABELS: dict[type[StrEnum], dict[StrEnum, str]] = {
    Sex: {
        Sex.MALE: N_("male"),
        Sex.FEMALE: N_("female"),
    },
    PersonCategory: {
        PersonCategory.KANDAS: N_("kandas"),
        PersonCategory.FOREIGN_WORKER: N_("foreign worker"),
        PersonCategory.OTHER: N_("other"),
    },
    DocumentType: {
        DocumentType.KZ_ID_CARD: N_("identity card of Kazakhstan"),
        DocumentType.KZ_PASSPORT: N_("passport of Kazakhstan"),
        DocumentType.FOREIGN_PASSPORT: N_("foreign passport"),
        DocumentType.RESIDENCE_PERMIT: N_("residence permit"),
        DocumentType.STATELESS_CERTIFICATE: N_("stateless person certificate"),
        DocumentType.BIRTH_CERTIFICATE: N_("birth certificate"),
        DocumentType.KANDAS_CERTIFICATE: N_("kandas certificate"),
    },
    HouseholdRelation: {
        HouseholdRelation.HEAD: N_("head of household"),
        HouseholdRelation.SPOUSE: N_("spouse"),
        HouseholdRelation.CHILD: N_("child"),
        HouseholdRelation.PARENT: N_("parent"),
        HouseholdRelation.SIBLING: N_("brother or sister"),
        HouseholdRelation.GRANDCHILD: N_("grandchild"),
        HouseholdRelation.OTHER: N_("other relative"),
    },
    RepatriateStatus: {
        RepatriateStatus.APPLIED: N_("applied"),
        RepatriateStatus.GRANTED: N_("kandas status granted"),
        RepatriateStatus.CITIZENSHIP_REQUESTED: N_("citizenship requested"),
        RepatriateStatus.CITIZEN: N_("citizen"),
        RepatriateStatus.REFUSED: N_("refused"),
        RepatriateStatus.WITHDRAWN: N_("withdrawn"),
        RepatriateStatus.EXPIRED: N_("expired"),
    },
    PermitCategory: {
        PermitCategory.CATEGORY_1: N_("category 1: executives and their deputies"),
        PermitCategory.CATEGORY_2: N_("category 2: heads of structural units"),
        PermitCategory.CATEGORY_3: N_("category 3: specialists"),
        PermitCategory.CATEGORY_4: N_("category 4: skilled workers"),
        PermitCategory.SEASONAL_AGRICULTURAL: N_("seasonal agricultural work"),
        PermitCategory.INTRA_CORPORATE: N_("intra-corporate transfer"),
    },
    PermitStatus: {
        PermitStatus.ISSUED: N_("issued"),
        PermitStatus.EXTENDED: N_("extended"),
        PermitStatus.REVOKED: N_("revoked"),
        PermitStatus.EXPIRED: N_("permit expired"),
    },
    UserRole: {
        UserRole.CLERK: N_("clerk"),
        UserRole.SUPERVISOR: N_("supervisor"),
        UserRole.ADMINISTRATOR: N_("administrator"),
    },
    RegionKind: {
        RegionKind.REGION: N_("region"),
        RegionKind.CITY: N_("city of republican significance"),
    },
    OfficeKind: {
        OfficeKind.REGIONAL: N_("regional office"),
        OfficeKind.DISTRICT: N_("district office"),
    },
    ChangeKind: {
        ChangeKind.IDENTITY: N_("identity data"),
        ChangeKind.KANDAS_STATUS: N_("kandas status decision"),
        ChangeKind.CITIZENSHIP_STEP: N_("citizenship step"),
        ChangeKind.PERMIT_REVOCATION: N_("revocation of a work permit"),
        ChangeKind.DELETION: N_("deletion of a record"),
        ChangeKind.SUPPORT_DECISION: N_("decision on a kandas support application"),
    },
    ViolationKind: {
        ViolationKind.NO_PERMIT: N_("working without a permit"),
        ViolationKind.OUTSIDE_REGION: N_("working outside the permit's region"),
        ViolationKind.OUTSIDE_POSITION: N_("working outside the permit's position"),
    },
    WorkerDecision: {
        WorkerDecision.WARNING: N_("warning"),
        WorkerDecision.EXPULSION: N_("expulsion"),
    },
    RequestStatus: {
        RequestStatus.DRAFT: N_("draft"),
        RequestStatus.SUBMITTED: N_("awaiting approval"),
        RequestStatus.APPROVED: N_("approved"),
        RequestStatus.REJECTED: N_("rejected"),
        RequestStatus.WITHDRAWN: N_("withdrawn by its author"),
    },
    LegalBasis: {
        LegalBasis.LAW: N_("required by law"),
        LegalBasis.CONSENT: N_("the person's consent"),
        LegalBasis.CONTRACT: N_("a service the person requested"),
    },
    AccessKind: {
        AccessKind.OPEN: N_("record opened"),
        AccessKind.SEARCH: N_("found by a search"),
        AccessKind.SCAN: N_("scan viewed"),
        AccessKind.PRINT: N_("printed"),
        AccessKind.EXPORT: N_("exported"),
    },
    SupportStatus: {
        SupportStatus.APPLIED: N_("support applied for"),
        SupportStatus.APPROVED: N_("support approved"),
        SupportStatus.PAID: N_("support paid"),
        SupportStatus.REFUSED: N_("support refused"),
    },
}


def label(member: StrEnum) -> str:
    """The translated label of an enumeration member in the current language."""
    return _(LABELS[type(member)][member])
