"""Coded values carried by events: events hold codes, ids and dates, never free text."""

from enum import StrEnum
from typing import Final


class OrganisationKind(StrEnum):
    """Kind of a partner organisation."""

    PRESCRIBER = "prescriber"
    OPERATOR = "operator"
    SUPPORT_PARTNER = "support_partner"
    TRAINING_PROVIDER = "training_provider"
    EMPLOYER = "employer"
    COORDINATOR = "coordinator"


class ReferralParty(StrEnum):
    """The side of a referral that acted: the prescriber who sent it or the operator who received it."""

    PRESCRIBER = "prescriber"
    OPERATOR = "operator"


class RejectionReason(StrEnum):
    """Why a workshop operator refused a referral (mandatory when refusing)."""

    SESSION_FULL_NO_DATE = "session_full_no_date"
    NOT_IN_TARGET_PUBLIC = "not_in_target_public"
    PERSON_UNREACHABLE = "person_unreachable"
    PERSON_DECLINED = "person_declined"
    BARRIER_INCOMPATIBLE = "barrier_incompatible"
    OUTSIDE_TERRITORY = "outside_territory"
    DUPLICATE = "duplicate"
    OTHER = "other"


class DropOutReason(StrEnum):
    """Why a person left a workshop or a training before its end."""

    HEALTH = "health"
    CHILDCARE = "childcare"
    MOBILITY = "mobility"
    EMPLOYMENT_FOUND = "employment_found"
    MOVED_AWAY = "moved_away"
    LOST_CONTACT = "lost_contact"
    PERSONAL = "personal"
    OTHER = "other"


class WaitlistReason(StrEnum):
    """Why an accepted referral waits for a session."""

    SESSION_FULL = "session_full"
    NO_SESSION_PLANNED = "no_session_planned"


class AttendanceStatus(StrEnum):
    """Attendance of a person at one workshop sitting."""

    PRESENT = "present"
    ABSENT = "absent"
    EXCUSED = "excused"


class OutcomeFamily(StrEnum):
    """Exit classification following the official "sorties dynamiques" families."""

    SUSTAINABLE_EMPLOYMENT = "sustainable_employment"
    TRANSITION_EMPLOYMENT = "transition_employment"
    POSITIVE_EXIT = "positive_exit"
    OTHER_SCHEME = "other_scheme"
    NO_OUTCOME = "no_outcome"


class CareTeamJoinReason(StrEnum):
    """Why an organisation joined a person's care team."""

    REFERRED_THE_PERSON = "referred_the_person"
    ACCEPTED_THE_REFERRAL = "accepted_the_referral"
    ADDED_BY_REFERENT = "added_by_referent"


class CareTeamLeaveReason(StrEnum):
    """Why an organisation left a person's care team."""

    PATHWAY_ENDED = "pathway_ended"
    REFERRAL_CLOSED = "referral_closed"
    REMOVED_BY_REFERENT = "removed_by_referent"
    ORGANISATION_WITHDREW = "organisation_withdrew"


class BarrierCategory(StrEnum):
    """Theme of a barrier ("frein"), after the national service taxonomy and France Travail's constraints."""

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


SENSITIVE_BARRIER_CATEGORIES: Final = frozenset({BarrierCategory.HEALTH})


class BarrierSeverity(StrEnum):
    """How much a barrier stands in the way of entering or staying in the pathway."""

    BLOCKING = "blocking"
    HINDERING = "hindering"


class BarrierStatus(StrEnum):
    """Where the lifting of a barrier stands."""

    IDENTIFIED = "identified"
    ACTION_IN_PROGRESS = "action_in_progress"
    LIFTED = "lifted"
    PERSISTING = "persisting"


class BasicSkillsProfile(StrEnum):
    """ANLCI basic-skills profile from 1 to 4 (restricted: never shown to employers)."""

    PROFILE_1 = "profile_1"
    PROFILE_2 = "profile_2"
    PROFILE_3 = "profile_3"
    PROFILE_4 = "profile_4"


class AssessmentStage(StrEnum):
    """When in the pathway a basic-skills assessment took place."""

    INITIAL = "initial"
    INTERMEDIATE = "intermediate"
    FINAL = "final"


class TrainingKind(StrEnum):
    """Kind of training a person enters after or beside the workshop."""

    BASIC_SKILLS = "basic_skills"
    CLEA = "clea"
    PRE_QUALIFYING = "pre_qualifying"
    QUALIFYING = "qualifying"
    OTHER = "other"


class QualificationKind(StrEnum):
    """Kind of certificate or qualification obtained."""

    CLEA_CERTIFICATE = "clea_certificate"
    CLEA_DIGITAL_CERTIFICATE = "clea_digital_certificate"
    RNCP_CERTIFICATION = "rncp_certification"
    SKILLS_BLOCK = "skills_block"
    PROFESSIONAL_QUALIFICATION_CERTIFICATE = "professional_qualification_certificate"
    OTHER = "other"


class ContractType(StrEnum):
    """Type of an employment contract (CDI, CDD, intérim, contrat aidé, SIAE, alternance…)."""

    PERMANENT = "permanent"
    FIXED_TERM = "fixed_term"
    TEMPORARY_AGENCY = "temporary_agency"
    SUBSIDISED = "subsidised"
    INTEGRATION_THROUGH_WORK = "integration_through_work"
    APPRENTICESHIP = "apprenticeship"
    PROFESSIONALISATION = "professionalisation"
    BUSINESS_CREATION = "business_creation"
    OTHER = "other"


class ContractDurationClass(StrEnum):
    """Planned length of an employment, in the classes that decide its outcome family."""

    UNDER_6_MONTHS = "under_6_months"
    SIX_MONTHS_OR_MORE = "6_months_or_more"
    OPEN_ENDED = "open_ended"


class WorkingTime(StrEnum):
    """Full or part time."""

    FULL_TIME = "full_time"
    PART_TIME = "part_time"


class EmploymentEndReason(StrEnum):
    """Why an employment ended."""

    CONTRACT_TERM_REACHED = "contract_term_reached"
    TRIAL_PERIOD_ENDED = "trial_period_ended"
    RESIGNATION = "resignation"
    DISMISSAL = "dismissal"
    BUSINESS_CLOSED = "business_closed"
    OTHER = "other"


class FollowupCheckpoint(StrEnum):
    """Follow-up checkpoint after the workshop ends."""

    MONTH_3 = "month_3"
    MONTH_6 = "month_6"
    MONTH_12 = "month_12"


class RetractionReason(StrEnum):
    """Why an event was retracted ("entered in error" in FHIR terms)."""

    ENTERED_IN_ERROR = "entered_in_error"
    DUPLICATE = "duplicate"
    WRONG_PERSON = "wrong_person"


class PathwayStage(StrEnum):
    """Stage of a person's pathway, derived from the timeline."""

    REFERRED = "referred"
    IN_WORKSHOP = "in_workshop"
    BARRIERS_WORK = "barriers_work"
    IN_TRAINING = "in_training"
    EMPLOYED = "employed"
    EXITED = "exited"


class AlertKind(StrEnum):
    """Situation the pathway service warns the care team about."""

    REFERRAL_UNANSWERED = "referral_unanswered"
    TWO_CONSECUTIVE_ABSENCES = "two_consecutive_absences"
    BLOCKING_BARRIER = "blocking_barrier"
    NO_RECENT_ACTIVITY = "no_recent_activity"


class EntryVisibility(StrEnum):
    """How much of a timeline entry its audience may see."""

    FULL = "full"
    CATEGORY_AND_STATUS_ONLY = "category_and_status_only"
