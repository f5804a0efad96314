"""Who reads a person's pathway, and what of it: professionals of an organisation in the person's care
team, each seeing what the audience of their organisation's kind may see."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from pathway.domain.pathway_state import Barrier, PathwayState
from pathway.domain.timeline import TimelineEntry
from pathway.domain.visibility import (
    CARE_TEAM_PROFESSIONALS,
    SENSITIVE_BARRIER_CATEGORIES,
    Visibility,
    audience_of,
)

READING_ROLES = frozenset({"referent", "professional", "operator_staff"})
"""Regional coordinators see aggregates only, and regional admins manage; neither reads a person."""
CATEGORY_AND_STATUS = frozenset({"barrier_id", "category"})
"""What a sensitive barrier's entry keeps; its status is the entry's type."""


class ReadPurpose(StrEnum):
    """Why a caseworker reads a person's pathway, as the access audit records it."""

    FOLLOW_UP = "follow_up"
    REFERRAL_REVIEW = "referral_review"
    CASE_MEETING = "case_meeting"
    BARRIER_WORK = "barrier_work"
    PERSON_REQUEST = "person_request"


@dataclass(frozen=True)
class Caseworker:
    subject: str
    organisation_id: str
    roles: frozenset[str]


@dataclass(frozen=True)
class PersonRead:
    """A caseworker asking to read a person's pathway, and why."""

    caseworker: Caseworker
    person_id: str
    purpose: ReadPurpose


def reader_kind(caseworker: Caseworker, care_team: Mapping[str, str]) -> str | None:
    """The audience the caseworker reads as (their organisation's kind in the care team), or None when
    they may not see the person at all."""
    if not caseworker.roles & READING_ROLES:
        return None
    return care_team.get(caseworker.organisation_id)


@dataclass(frozen=True)
class SeenEntry:
    entry: TimelineEntry
    visibility: Visibility


def entry_as_seen_by(entry: TimelineEntry, kind: str) -> SeenEntry | None:
    audience = audience_of(entry.event)
    if kind not in audience.kinds:
        return None
    if audience.visibility is Visibility.CATEGORY_AND_STATUS_ONLY:
        data = {key: value for key, value in entry.event.data.items() if key in CATEGORY_AND_STATUS}
        entry = replace(entry, event=replace(entry.event, data=data))
    return SeenEntry(entry, audience.visibility)


def state_as_seen_by(state: PathwayState, kind: str) -> PathwayState:
    """Barriers follow the same rules as their entries: employers see none, sensitive ones keep only
    their category and status."""
    probe = {barrier_id: _barrier_as_seen_by(barrier, kind) for barrier_id, barrier in state.barriers.items()}
    return replace(state, barriers={key: barrier for key, barrier in probe.items() if barrier is not None})


def _barrier_as_seen_by(barrier: Barrier, kind: str) -> Barrier | None:
    if kind not in CARE_TEAM_PROFESSIONALS:
        return None
    if barrier.category in SENSITIVE_BARRIER_CATEGORIES:
        return Barrier(barrier.category, None, barrier.status)
    return barrier


@dataclass(frozen=True)
class StandingAlert:
    """An alert raised about the person and not withdrawn."""

    alert_id: str
    kind: str
    raised_at: datetime
    barrier_id: str | None = None
    referral_id: str | None = None


@dataclass(frozen=True)
class PathwaySummary:
    state: PathwayState
    alerts: list[StandingAlert]


def summary_as_seen_by(state: PathwayState, alerts: Iterable[StandingAlert], kind: str) -> PathwaySummary:
    """Alerts are for the professionals who follow the person, never employers. One about a barrier shows
    only to whoever sees that barrier's severity: a sensitive barrier's is withheld, and "blocking" would
    give it away."""
    seen = state_as_seen_by(state, kind)
    if kind not in CARE_TEAM_PROFESSIONALS:
        return PathwaySummary(seen, [])
    shown = [
        alert
        for alert in alerts
        if alert.barrier_id is None
        or (alert.barrier_id in seen.barriers and seen.barriers[alert.barrier_id].severity is not None)
    ]
    return PathwaySummary(seen, sorted(shown, key=lambda alert: alert.raised_at, reverse=True))
