"""Who in the care team may read an entry, and how much of it: audiences see what they need.

Employers never see assessments or barriers, sensitive barriers show as category and status only,
coordinators see aggregates (never entries)."""

from dataclasses import dataclass
from enum import StrEnum

from pathway.domain.organisation_kinds import (
    EMPLOYER,
    OPERATOR,
    PRESCRIBER,
    SUPPORT_PARTNER,
    TRAINING_PROVIDER,
)
from pathway.domain.timeline import RecordedEvent

CARE_TEAM_PROFESSIONALS = frozenset({PRESCRIBER, OPERATOR, SUPPORT_PARTNER, TRAINING_PROVIDER})
SENSITIVE_BARRIER_CATEGORIES = frozenset({"health"})


class Visibility(StrEnum):
    FULL = "full"
    CATEGORY_AND_STATUS_ONLY = "category_and_status_only"


@dataclass(frozen=True)
class EntryAudience:
    visibility: Visibility
    kinds: frozenset[str]


def audience_of(event: RecordedEvent) -> EntryAudience:
    domain = event.name.split(".", 1)[0]
    if domain == "assessment":
        # Basic-skills levels stay with those who assess and refer the person.
        return EntryAudience(Visibility.FULL, frozenset({PRESCRIBER, OPERATOR}))
    if domain == "barrier":
        sensitive = event.data.get("category") in SENSITIVE_BARRIER_CATEGORIES
        visibility = Visibility.CATEGORY_AND_STATUS_ONLY if sensitive else Visibility.FULL
        return EntryAudience(visibility, CARE_TEAM_PROFESSIONALS)
    if domain == "employment":
        return EntryAudience(Visibility.FULL, CARE_TEAM_PROFESSIONALS | {EMPLOYER})
    return EntryAudience(Visibility.FULL, CARE_TEAM_PROFESSIONALS)
