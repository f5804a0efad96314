"""The pathway's integration events leave the service on the timeline topic, through the outbox:
`timeline.entry_appended`, `pathway.stage_changed`, `pathway.alert_raised` and `pathway.alert_withdrawn`.

Each event's id is derived from what it says (the original event, the change, the alert), so that a
projection generation assembling an event again after a switch-over publishes the same ids, which
downstream inboxes drop as duplicates.

Each carries the W3C `traceparent` of the event that caused it, when that event had one, so that a trace a
partner starts goes on through the timeline topic (an alert that only time passing raised starts none)."""

from collections.abc import Mapping
from functools import cache, cached_property
from typing import Any
from uuid import UUID, uuid5

from sqlalchemy.ext.asyncio import AsyncSession

from event_contracts.catalogue.base import EventData, EventReference
from event_contracts.catalogue.codes import AlertKind, EntryVisibility, OrganisationKind, PathwayStage
from event_contracts.catalogue.timeline import (
    OriginalEvent,
    PathwayAlertRaised,
    PathwayAlertWithdrawn,
    PathwayStageChanged,
    TimelineEntryAppended,
)
from event_contracts.envelope import EventEmitter
from event_contracts.kafka_binding import KafkaRecordText, emitted_record_text
from pathway.domain import timeline
from pathway.domain.events import AlertRaised, AlertWithdrawn, StageChanged
from pathway.domain.timeline import TimelineEntry
from pathway.domain.visibility import audience_of
from service_kit.outbox import add_records_to_outbox

PATHWAY_SOURCE = "/services/pathway"
_EVENT_IDS = UUID("5b0f3c51-8f5e-4f0e-9d43-3c1a0c6f2a71")


def entry_appended_id(entry: TimelineEntry) -> UUID:
    return uuid5(_EVENT_IDS, f"entry_appended {entry.event.source} {entry.event.event_id}")


def stage_changed_id(change: StageChanged) -> UUID:
    cause = change.triggered_by
    return uuid5(
        _EVENT_IDS, f"stage_changed {cause.source} {cause.event_id} {change.previous} {change.stage}"
    )


def alert_raised_id(alert: AlertRaised) -> UUID:
    return uuid5(_EVENT_IDS, f"alert_raised {alert.alert_id}")


def alert_withdrawn_id(withdrawal: AlertWithdrawn) -> UUID:
    return uuid5(_EVENT_IDS, f"alert_withdrawn {withdrawal.alert.alert_id}")


@cache
def _organisation_kinds(kinds: frozenset[str]) -> tuple[OrganisationKind, ...]:
    return tuple(OrganisationKind(kind) for kind in sorted(kinds))


def _reference(reference: timeline.EventReference) -> EventReference:
    return EventReference(source=reference.source, id=reference.event_id)


class OutboxTimelinePublisher:
    def __init__(
        self,
        session: AsyncSession,
        *,
        region: str,
        topic: str,
        traceparents: Mapping[timeline.EventReference, str] | None = None,
    ) -> None:
        self._session = session
        self._emitter = EventEmitter(source=PATHWAY_SOURCE, region=region)
        self._topic = topic
        self._traceparents = traceparents or {}

    async def entry_appended(self, entry: TimelineEntry) -> None:
        recorded = entry.event
        audience = audience_of(recorded)
        data: dict[str, Any] = dict(recorded.data)
        appended = TimelineEntryAppended(
            seq=entry.seq,
            # Not validated again: it is the accepted event, validated against the catalogue on arrival.
            original_event=OriginalEvent.model_construct(
                type=recorded.event_type,
                source=recorded.source,
                id=recorded.event_id,
                time=recorded.occurred_at,
                dataschema=recorded.dataschema,
                data=data,
            ),
            visibility=EntryVisibility(audience.visibility),
            audience=_organisation_kinds(audience.kinds),
            arrived_late=entry.arrived_late,
        )
        await self._add(appended, recorded.person_id, entry_appended_id(entry), recorded.reference)

    async def stage_changed(self, change: StageChanged) -> None:
        changed = PathwayStageChanged(
            previous_stage=None if change.previous is None else PathwayStage(change.previous),
            stage=PathwayStage(change.stage),
            triggered_by=_reference(change.triggered_by),
            recomputed=change.recomputed,
        )
        await self._add(changed, change.person_id, stage_changed_id(change), change.triggered_by)

    async def alert_raised(self, alert: AlertRaised) -> None:
        raised = PathwayAlertRaised(
            alert_id=alert.alert_id,
            kind=AlertKind(alert.kind),
            barrier_id=None if alert.barrier_id is None else UUID(alert.barrier_id),
            referral_id=None if alert.referral_id is None else UUID(alert.referral_id),
            triggered_by=None if alert.triggered_by is None else _reference(alert.triggered_by),
        )
        await self._add(raised, alert.person_id, alert_raised_id(alert), alert.triggered_by)

    async def alert_withdrawn(self, withdrawal: AlertWithdrawn) -> None:
        alert = withdrawal.alert
        withdrawn = PathwayAlertWithdrawn(
            alert_id=alert.alert_id,
            kind=AlertKind(alert.kind),
            barrier_id=None if alert.barrier_id is None else UUID(alert.barrier_id),
            referral_id=None if alert.referral_id is None else UUID(alert.referral_id),
            withdrawn_because=_reference(withdrawal.withdrawn_because),
        )
        cause = withdrawal.withdrawn_because
        await self._add(withdrawn, alert.person_id, alert_withdrawn_id(withdrawal), cause)

    async def _add(
        self, data: EventData, person_id: str, event_id: UUID, cause: timeline.EventReference | None
    ) -> None:
        await add_records_to_outbox(
            self._session, [(event_id, self._record(data, person_id, event_id, cause))], topic=self._topic
        )

    def _record(
        self, data: EventData, person_id: str, event_id: UUID, cause: timeline.EventReference | None
    ) -> KafkaRecordText:
        # Written straight as the record it travels in: the same as the CloudEvent's record, which a
        # test of the contracts checks, without the event put together in between.
        return emitted_record_text(
            self._emitter,
            data,
            subject=person_id,
            id=event_id,
            traceparent=None if cause is None else self._traceparents.get(cause),
        )


class BatchedTimelinePublisher(OutboxTimelinePublisher):
    """Writes what a batch of events published to the outbox in one statement, when flushed."""

    @cached_property
    def _held(self) -> list[tuple[UUID, KafkaRecordText]]:
        return []

    async def _add(
        self, data: EventData, person_id: str, event_id: UUID, cause: timeline.EventReference | None
    ) -> None:
        self._held.append((event_id, self._record(data, person_id, event_id, cause)))

    async def flush(self) -> None:
        await add_records_to_outbox(self._session, self._held, topic=self._topic)
        self._held.clear()


class WithheldTimelinePublisher:
    """A rebuild's publisher: what it assembles again was published when it was first assembled."""

    async def entry_appended(self, entry: TimelineEntry) -> None:
        pass

    async def stage_changed(self, change: StageChanged) -> None:
        pass

    async def alert_raised(self, alert: AlertRaised) -> None:
        pass

    async def alert_withdrawn(self, withdrawal: AlertWithdrawn) -> None:
        pass

    async def flush(self) -> None:
        pass
