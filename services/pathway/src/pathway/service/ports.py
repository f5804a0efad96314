"""What the use cases need from the outside world, implemented by the adapters."""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from pathway.domain.caseworkers import PersonRead, StandingAlert
from pathway.domain.events import AlertRaised, AlertWithdrawn, PathwayEvent, StageChanged
from pathway.domain.indicators import RegionCounts
from pathway.domain.pathway import Pathway
from pathway.domain.pathway_state import PathwayState
from pathway.domain.senders import Organisation
from pathway.domain.timeline import EventReference, RecordedEvent, TimelineEntry


class Pathways(Protocol):
    async def load_for_update(self, person_id: str) -> Pathway:
        """The person's pathway with every entry, locking the person until the transaction ends."""

    async def with_alerts_due(self, now: datetime, limit: int) -> list[str]:
        """Persons whose next time-based alert is due at `now`, locked until the transaction ends."""

    async def person_ids_after(self, after: str | None, limit: int) -> list[str]:
        """The next persons with a pathway, in id order, to walk them all in batches."""

    async def save(self, pathway: Pathway, changes: Sequence[PathwayEvent]) -> None:
        """Store the changes and the state they lead to, in the caller's transaction."""

    async def is_recorded(self, reference: EventReference) -> bool:
        """Whether the event is on a timeline already, whoever's."""


@dataclass(frozen=True)
class LockedPathways:
    pathways: Mapping[str, Pathway]
    """The pathway of each person the events are about."""
    recorded: Collection[EventReference]
    """Those of the events on a timeline already, whoever's: a source and an id name one event, so the
    same reference about another person is the same event again."""


class PathwayBatches(Protocol):
    async def load_many_for_update(self, events: Sequence[RecordedEvent]) -> LockedPathways:
        """The pathway of each person these events are about, able to record them in this order, all
        locked until the transaction ends, and which of the events are recorded already."""

    async def save_many(self, changed: Sequence[tuple[Pathway, Sequence[PathwayEvent]]]) -> None:
        """Store each pathway's changes and the state they lead to, in the caller's transaction."""


class Senders(Protocol):
    async def get(self, organisation_id: str) -> Organisation | None: ...


class Organisations(Senders, Protocol):
    async def register(self, organisation: Organisation) -> None:
        """Add the organisation, or replace its kind and rights if it is already registered."""


class TimelinePublisher(Protocol):
    """Queues integration events for the timeline topic, in the caller's transaction."""

    async def entry_appended(self, entry: TimelineEntry) -> None: ...

    async def stage_changed(self, change: StageChanged) -> None: ...

    async def alert_raised(self, alert: AlertRaised) -> None: ...

    async def alert_withdrawn(self, withdrawal: AlertWithdrawn) -> None: ...


class IngestionReads(Protocol):
    """What the door to the partner topic reads, without locking anything."""

    async def care_teams(self, person_ids: Collection[str]) -> Mapping[str, Mapping[str, str]]:
        """Each known person's care team now: organisation id → organisation kind."""

    async def recorded_entries(
        self, references: Collection[EventReference]
    ) -> Mapping[EventReference, TimelineEntry]:
        """The entries, on whichever person's timeline, of those references that are recorded."""


@dataclass(frozen=True)
class TimelineFilter:
    event_names: frozenset[str] = frozenset()
    """Only these events (`barrier.identified`…); all when empty."""
    barrier_category: str | None = None
    occurred_from: datetime | None = None
    occurred_before: datetime | None = None


@dataclass(frozen=True)
class TimelinePosition:
    """Where a page ended, in order of occurrence: the next page starts after it."""

    occurred_at: datetime
    seq: int


class CaseworkerReads(Protocol):
    async def care_team(self, person_id: str) -> Mapping[str, str] | None:
        """The person's care team now; None when no pathway is known for them."""

    async def entries_after(
        self, person_id: str, query: TimelineFilter, after: TimelinePosition | None, limit: int
    ) -> list[TimelineEntry]:
        """Entries not retracted, matching `query`, in order of occurrence, after `after`."""

    async def state(self, person_id: str) -> PathwayState: ...

    async def standing_alerts(self, person_id: str) -> list[StandingAlert]: ...

    async def person_with_referral(self, referral_id: str) -> str | None: ...


@dataclass(frozen=True)
class AuditedRead:
    read: PersonRead
    what: str
    granted: bool


class AccessAudit(Protocol):
    async def record(self, read: AuditedRead) -> None:
        """Append the read to the audit, in the caller's transaction."""


class IndicatorReads(Protocol):
    async def region_counts(self) -> RegionCounts:
        """The exact counts of the whole projection, before anything is withheld."""
        ...
