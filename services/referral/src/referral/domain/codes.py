"""Coded values of the referral domain.

Each enum mirrors the one of the same name in the event contracts, value for value, so that the
mapping to integration events is a plain ``ContractEnum(domain_value.value)``; the domain does not
import the contracts, which may change at their own pace.
"""

from enum import StrEnum


class OrganisationKind(StrEnum):
    PRESCRIBER = "prescriber"
    OPERATOR = "operator"
    SUPPORT_PARTNER = "support_partner"
    TRAINING_PROVIDER = "training_provider"
    EMPLOYER = "employer"
    COORDINATOR = "coordinator"


class RejectionReason(StrEnum):
    SESSION_FULL_NO_DATE = "session_full_no_date"
    NOT_IN_TARGET_PUBLIC = "not_in_target_public"
    PERSON_UNREACHABLE = "person_unreachable"
    PERSON_DECLINED = "person_declined"
    BARRIER_INCOMPATIBLE = "barrier_incompatible"
    OUTSIDE_TERRITORY = "outside_territory"
    DUPLICATE = "duplicate"
    OTHER = "other"


class DropOutReason(StrEnum):
    HEALTH = "health"
    CHILDCARE = "childcare"
    MOBILITY = "mobility"
    EMPLOYMENT_FOUND = "employment_found"
    MOVED_AWAY = "moved_away"
    LOST_CONTACT = "lost_contact"
    PERSONAL = "personal"
    OTHER = "other"


class WaitlistReason(StrEnum):
    SESSION_FULL = "session_full"
    NO_SESSION_PLANNED = "no_session_planned"


class OutcomeFamily(StrEnum):
    """The official "sorties dynamiques" families."""

    SUSTAINABLE_EMPLOYMENT = "sustainable_employment"
    TRANSITION_EMPLOYMENT = "transition_employment"
    POSITIVE_EXIT = "positive_exit"
    OTHER_SCHEME = "other_scheme"
    NO_OUTCOME = "no_outcome"


class BarrierCategory(StrEnum):
    MOBILITY = "mobility"
    CHILDCARE_FAMILY = "childcare_family"
    HEALTH = "health"
    HOUSING = "housing"
    FINANCIAL = "financial"
    ADMINISTRATIVE_LEGAL = "administrative_legal"
    DIGITAL = "digital"
    FRENCH_LANGUAGE = "french_language"
    CONFIDENCE_ISOLATION = "confidence_isolation"
    OTHER = "other"


class CareTeamJoinReason(StrEnum):
    REFERRED_THE_PERSON = "referred_the_person"
    ACCEPTED_THE_REFERRAL = "accepted_the_referral"
    ADDED_BY_REFERENT = "added_by_referent"


class CareTeamLeaveReason(StrEnum):
    PATHWAY_ENDED = "pathway_ended"
    REFERRAL_CLOSED = "referral_closed"
    REMOVED_BY_REFERENT = "removed_by_referent"
    ORGANISATION_WITHDREW = "organisation_withdrew"


class AttendanceStatus(StrEnum):
    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"
