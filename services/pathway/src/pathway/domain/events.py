"""What happened to a pathway when an entry was appended or retracted (domain events)."""

from dataclasses import dataclass
from uuid import UUID

from pathway.domain.stages import Stage
from pathway.domain.timeline import EventReference, TimelineEntry


@dataclass(frozen=True)
class EntryAppended:
    entry: TimelineEntry

    @property
    def seq(self) -> int:
        return self.entry.seq

    @property
    def arrived_late(self) -> bool:
        return self.entry.arrived_late


@dataclass(frozen=True)
class EntryRetracted:
    person_id: str
    retracted: EventReference


@dataclass(frozen=True)
class StageChanged:
    person_id: str
    previous: Stage | None
    stage: Stage
    triggered_by: EventReference
    recomputed: bool


@dataclass(frozen=True)
class AlertRaised:
    person_id: str
    alert_id: UUID
    kind: str
    triggered_by: EventReference | None
    """Absent when only time passing revealed the situation."""
    barrier_id: str | None = None
    referral_id: str | None = None


@dataclass(frozen=True)
class AlertWithdrawn:
    """A retraction took back the situation the alert warned of."""

    alert: AlertRaised
    withdrawn_because: EventReference

    @property
    def person_id(self) -> str:
        return self.alert.person_id


PathwayEvent = EntryAppended | EntryRetracted | StageChanged | AlertRaised | AlertWithdrawn
