"""A person's pathway: their timeline, and the state recomputed in full from it whenever it changes.

Timelines are small, so recomputing from every visible entry is cheap, and it makes late events and
retractions correct by construction instead of by patching the state."""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from pathway.domain.alerts import alerts_revealed_by
from pathway.domain.alerts_due import DueAlert, pending, time_based_alerts
from pathway.domain.event_types import EVENT_RETRACTED
from pathway.domain.events import AlertRaised, EntryAppended, EntryRetracted, PathwayEvent, StageChanged
from pathway.domain.pathway_state import PathwayState, fold
from pathway.domain.retractions import refuse_unless_retractable
from pathway.domain.timeline import EventReference, RecordedEvent, TimelineEntry, retracted_reference


@dataclass
class Pathway:
    person_id: str
    entries: list[TimelineEntry] = field(default_factory=list)
    raised_alerts: frozenset[UUID] = frozenset()

    @property
    def last_seq(self) -> int:
        return max((entry.seq for entry in self.entries), default=0)

    @property
    def state(self) -> PathwayState:
        return fold(self.entries)

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
        return next((entry for entry in self.entries if entry.event.reference == reference), None)

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
        target = refuse_unless_retractable(retraction, retracted, self.entry_for(retracted))
        before = self.state
        self.entries = [entry.as_retracted() if entry is target else entry for entry in self.entries]
        entry = self._add_entry(retraction)
        after = self.state
        return [
            EntryRetracted(self.person_id, retracted),
            EntryAppended(entry),
            *self._stage_change(before, after, retraction.reference, recomputed=True),
        ]

    def _add_entry(self, event: RecordedEvent) -> TimelineEntry:
        arrived_late = any(
            entry.event.occurred_at > event.occurred_at for entry in self.entries if not entry.retracted
        )
        entry = TimelineEntry(event=event, seq=self.last_seq + 1, arrived_late=arrived_late)
        self.entries.append(entry)
        return entry

    def _stage_change(
        self, before: PathwayState, after: PathwayState, trigger: EventReference, *, recomputed: bool
    ) -> list[PathwayEvent]:
        if after.stage is None or after.stage == before.stage:
            return []
        return [StageChanged(self.person_id, before.stage, after.stage, trigger, recomputed)]
