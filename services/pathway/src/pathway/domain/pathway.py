"""A person's pathway: their timeline, and the state recomputed in full from it whenever it changes.

Recomputing from every visible entry makes late events and retractions correct by construction instead
of by patching the state. An entry that comes after every visible one would be folded last anyway, so it
is applied to the state already folded; anything else folds the timeline again.

So only a late event or a retraction needs the whole timeline. For the others a pathway can be resumed
from its snapshot, what its entries folded to, without reading them: the cost of an event then does not
grow with the length of the person's timeline."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from pathway.domain.alerts import alerts_revealed_by, alerts_the_timeline_reveals
from pathway.domain.alerts_due import DueAlert, pending, time_based_alerts
from pathway.domain.event_types import EVENT_RETRACTED
from pathway.domain.events import (
    AlertRaised,
    AlertWithdrawn,
    EntryAppended,
    EntryRetracted,
    PathwayEvent,
    StageChanged,
)
from pathway.domain.pathway_state import PathwayState, apply, fold
from pathway.domain.retractions import refuse_unless_retractable
from pathway.domain.timeline import EventReference, RecordedEvent, TimelineEntry, retracted_reference


class WholeTimelineNeededError(Exception):
    """A pathway resumed from its snapshot was asked for something only its whole timeline can answer."""


@dataclass(frozen=True)
class PathwaySnapshot:
    """What a pathway's entries fold to, stored beside them."""

    state: PathwayState
    last_seq: int
    latest_occurrence: datetime | None
    """When the latest visible entry happened: an event before it arrives late."""


def needs_whole_timeline(snapshot: PathwaySnapshot, events: Sequence[RecordedEvent]) -> bool:
    """Whether recording these events, in this order, may fold the timeline again: a retraction, or an
    event before one already on the timeline or before an earlier one of them, arriving late."""
    latest = snapshot.latest_occurrence
    for event in events:
        if event.name == EVENT_RETRACTED or (latest is not None and event.occurred_at < latest):
            return True
        latest = event.occurred_at
    return False


@dataclass
class _Folded:
    """What the pathway knows of its entries, kept up to date as they are appended."""

    count: int
    state: PathwayState
    by_reference: dict[EventReference, TimelineEntry]
    last_seq: int
    latest_occurrence: datetime | None

    @classmethod
    def of(cls, entries: list[TimelineEntry]) -> "_Folded":
        visible = [entry.event.occurred_at for entry in entries if not entry.retracted]
        return cls(
            count=len(entries),
            state=fold(entries),
            by_reference={entry.event.reference: entry for entry in entries},
            last_seq=max((entry.seq for entry in entries), default=0),
            latest_occurrence=max(visible, default=None),
        )

    def arrives_late(self, event: RecordedEvent) -> bool:
        return self.latest_occurrence is not None and self.latest_occurrence > event.occurred_at

    def append(self, entry: TimelineEntry) -> None:
        """Only for an entry that does not arrive late: its place in occurrence order is last."""
        self.count += 1
        self.state = apply(self.state, entry)
        self.by_reference[entry.event.reference] = entry
        self.last_seq = entry.seq
        self.latest_occurrence = entry.event.occurred_at


@dataclass
class Pathway:
    person_id: str
    entries: list[TimelineEntry] = field(default_factory=list)
    """The whole timeline; for a pathway resumed from its snapshot, only the entries appended since."""
    raised_alerts: frozenset[UUID] = frozenset()
    """Every alert raised, withdrawn or not: none is raised twice."""
    withdrawn_alerts: frozenset[UUID] = frozenset()
    _folded: _Folded | None = field(default=None, init=False, repr=False, compare=False)
    _whole: bool = field(default=True, init=False, repr=False, compare=False)

    @classmethod
    def resumed(
        cls,
        person_id: str,
        snapshot: PathwaySnapshot,
        recorded: Iterable[TimelineEntry],
        raised_alerts: frozenset[UUID],
        withdrawn_alerts: frozenset[UUID] = frozenset(),
    ) -> "Pathway":
        """The pathway as its snapshot says, knowing of its entries only `recorded`: at least those of
        the events it is about to record, so that it sees which it has already."""
        pathway = cls(person_id=person_id, raised_alerts=raised_alerts, withdrawn_alerts=withdrawn_alerts)
        pathway._whole = False
        pathway._folded = _Folded(
            count=0,
            state=snapshot.state,
            by_reference={entry.event.reference: entry for entry in recorded},
            last_seq=snapshot.last_seq,
            latest_occurrence=snapshot.latest_occurrence,
        )
        return pathway

    @property
    def snapshot(self) -> PathwaySnapshot:
        folded = self._fold()
        return PathwaySnapshot(folded.state, folded.last_seq, folded.latest_occurrence)

    @property
    def last_seq(self) -> int:
        return self._fold().last_seq

    @property
    def state(self) -> PathwayState:
        return self._fold().state

    def _fold(self) -> _Folded:
        if self._folded is None or self._folded.count != len(self.entries):
            self._refuse_unless_whole()
            self._folded = _Folded.of(self.entries)
        return self._folded

    def _refuse_unless_whole(self) -> None:
        if not self._whole:
            raise WholeTimelineNeededError(self.person_id)

    @property
    def next_alert_due_at(self) -> datetime | None:
        """When time passing will next raise an alert, if nothing happens before."""
        return min((alert.due_at for alert in self._pending_time_based_alerts()), default=None)

    def raise_alerts_due(self, now: datetime) -> list[PathwayEvent]:
        due: list[AlertRaised] = [
            pending_alert.alert
            for pending_alert in self._pending_time_based_alerts()
            if pending_alert.due_at <= now
        ]
        self.raised_alerts |= {alert.alert_id for alert in due}
        return list(due)

    def _pending_time_based_alerts(self) -> list[DueAlert]:
        return pending(time_based_alerts(self.person_id, self.state), self.raised_alerts)

    def entry_for(self, reference: EventReference) -> TimelineEntry | None:
        return self._fold().by_reference.get(reference)

    def record(self, event: RecordedEvent) -> list[PathwayEvent]:
        if event.name == EVENT_RETRACTED:
            return self.retract(event, retracted_reference(event))
        return self.append(event)

    def append(self, event: RecordedEvent) -> list[PathwayEvent]:
        """Append an event in arrival order; it takes its place in the state by occurrence time."""
        if self.entry_for(event.reference) is not None:
            return []
        before = self.state
        entry = self._add_entry(event)
        after = self.state
        alerts = alerts_revealed_by(event, after, self.raised_alerts)
        self.raised_alerts |= {alert.alert_id for alert in alerts}
        return [
            EntryAppended(entry),
            *self._stage_change(before, after, event.reference, recomputed=entry.arrived_late),
            *alerts,
        ]

    def retract(self, retraction: RecordedEvent, retracted: EventReference) -> list[PathwayEvent]:
        """Hide the retracted entry (it stays on record), record the retraction, recompute the state."""
        if self.entry_for(retraction.reference) is not None:
            return []
        self._refuse_unless_whole()
        target = refuse_unless_retractable(retraction, retracted, self.entry_for(retracted))
        before, revealed_before = self.state, alerts_the_timeline_reveals(self.entries)
        self.entries = [entry.as_retracted() if entry is target else entry for entry in self.entries]
        self._folded = None
        entry = self._add_entry(retraction)
        after, revealed_after = self.state, alerts_the_timeline_reveals(self.entries)
        return [
            EntryRetracted(self.person_id, retracted),
            EntryAppended(entry),
            *self._stage_change(before, after, retraction.reference, recomputed=True),
            *self._alerts_withdrawn(revealed_before, revealed_after, retraction.reference),
            *self._alerts_newly_revealed(revealed_before, revealed_after),
        ]

    def _alerts_withdrawn(
        self,
        revealed_before: Mapping[UUID, AlertRaised],
        revealed_after: Mapping[UUID, AlertRaised],
        retraction: EventReference,
    ) -> list[PathwayEvent]:
        """A withdrawn alert stays among the raised ones: the same situation is not raised again, since
        downstream inboxes would take its second raising for a duplicate of the first."""
        withdrawn = [
            AlertWithdrawn(alert, withdrawn_because=retraction)
            for alert_id, alert in revealed_before.items()
            if alert_id not in revealed_after
            and alert_id in self.raised_alerts
            and alert_id not in self.withdrawn_alerts
        ]
        self.withdrawn_alerts |= {change.alert.alert_id for change in withdrawn}
        return list(withdrawn)

    def _alerts_newly_revealed(
        self, revealed_before: Mapping[UUID, AlertRaised], revealed_after: Mapping[UUID, AlertRaised]
    ) -> list[PathwayEvent]:
        """A retraction can reveal a situation too: an attendance between two absences taken back. Only
        what hiding the entry changed counts: the replay in occurrence order may judge an alert otherwise
        than its events did as they arrived (a barrier's lifting that arrived before its identification)."""
        alerts = [
            alert
            for alert_id, alert in revealed_after.items()
            if alert_id not in revealed_before and alert_id not in self.raised_alerts
        ]
        self.raised_alerts |= {alert.alert_id for alert in alerts}
        return list(alerts)

    def _add_entry(self, event: RecordedEvent) -> TimelineEntry:
        folded = self._fold()
        arrived_late = folded.arrives_late(event)
        if arrived_late:
            self._refuse_unless_whole()
        entry = TimelineEntry(event=event, seq=folded.last_seq + 1, arrived_late=arrived_late)
        self.entries.append(entry)
        if arrived_late:
            self._folded = None
        else:
            folded.append(entry)
        return entry

    def _stage_change(
        self, before: PathwayState, after: PathwayState, trigger: EventReference, *, recomputed: bool
    ) -> list[PathwayEvent]:
        if after.stage is None or after.stage == before.stage:
            return []
        return [StageChanged(self.person_id, before.stage, after.stage, trigger, recomputed)]
