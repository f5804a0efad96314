"""The SQL of assembling many events at once: the pathways they concern read and locked in a few
statements, and what changed written back with one statement per kind of row.

A pathway is resumed from its stored snapshot, with only the entries of the batch's own events (to see
which are already recorded), unless the batch may fold its timeline again (a late event, a retraction)
or it has no snapshot yet: then its whole timeline is read.

The statements are built once, the persons of a batch travelling as one array parameter: a statement
with a value or an IN item per person would be compiled again for every batch."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy import Select, String, Uuid, any_, bindparam, func, select, text, true
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from pathway.adapters.pathway_repository import (
    alert_row,
    entry_from_row,
    entry_row,
    retraction_of,
    state_row,
    withdrawal_of,
)
from pathway.adapters.pathway_snapshot_json import snapshot_from_json
from pathway.adapters.tables import pathways, raised_alerts, timeline_entries
from pathway.domain.events import AlertRaised, AlertWithdrawn, EntryAppended, EntryRetracted, PathwayEvent
from pathway.domain.pathway import Pathway, needs_whole_timeline
from pathway.domain.timeline import RecordedEvent, TimelineEntry
from pathway.service.ports import LockedPathways
from service_kit.database import json_text

_PERSONS = bindparam("persons", type_=ARRAY(String))
_OPEN = (
    insert(pathways)
    .from_select([pathways.c.person_id], select(func.unnest(_PERSONS)))
    .on_conflict_do_nothing()
)
_LOCK = (
    select(pathways.c.person_id, pathways.c.snapshot)
    .where(pathways.c.person_id == any_(_PERSONS))
    .order_by(pathways.c.person_id)
    .with_for_update()
)
_ENTRIES = (
    select(timeline_entries)
    .where(timeline_entries.c.person_id == any_(_PERSONS))
    .order_by(timeline_entries.c.person_id, timeline_entries.c.seq)
)
_REFERENCES = select(
    func.unnest(bindparam("sources", type_=ARRAY(String))).label("source"),
    func.unnest(bindparam("event_ids", type_=ARRAY(Uuid))).label("event_id"),
).subquery()
# Looked up one reference at a time, so that the unique index is used even on a table without statistics
# yet (a new region, a generation being rebuilt), where the planner chose to hash the whole table: 8 ms
# instead of 0.2 for a batch's 200 references on 18,000 entries. The key is unique; LIMIT 1 only keeps
# PostgreSQL from flattening the LATERAL subquery back into that join.
_RECORDED_ENTRY = (
    select(timeline_entries)
    .where(
        timeline_entries.c.event_source == _REFERENCES.c.source,
        timeline_entries.c.event_id == _REFERENCES.c.event_id,
    )
    .limit(1)
    .lateral("recorded")
)
_RECORDED = select(_RECORDED_ENTRY).select_from(_REFERENCES).join(_RECORDED_ENTRY, true())
_ALERTS = select(
    raised_alerts.c.person_id, raised_alerts.c.alert_id, raised_alerts.c.withdrawn_at.is_not(None)
).where(raised_alerts.c.person_id == any_(_PERSONS))
# The rows written travel as one JSON document, in one statement whatever their number: an executemany
# costs the server a statement and SQLAlchemy a conversion per row, and arrays cost the driver a check
# per item.
_APPEND_ENTRIES = text(
    "INSERT INTO timeline_entries (person_id, seq, event_type, event_source, event_id, occurred_at, "
    "dataschema, data, arrived_late) SELECT * FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS appended("
    "person_id varchar, seq integer, event_type varchar, event_source varchar, event_id uuid, "
    "occurred_at timestamptz, dataschema varchar, data jsonb, arrived_late boolean)"
)
_STORE_STATES = text(
    "UPDATE pathways SET last_seq = stored.last_seq, stage = stored.stage, "
    "last_activity_at = stored.last_activity_at, next_session_on = stored.next_session_on, "
    "state = stored.state, next_alert_due_at = stored.next_alert_due_at, snapshot = stored.snapshot, "
    "recomputed_at = now() FROM jsonb_to_recordset(CAST(:rows AS jsonb)) AS stored(person varchar, "
    "last_seq integer, stage varchar, last_activity_at timestamptz, next_session_on date, state jsonb, "
    "next_alert_due_at timestamptz, snapshot jsonb) WHERE pathways.person_id = stored.person"
)


@dataclass(frozen=True)
class _AlertsOnRecord:
    raised: frozenset[UUID] = frozenset()
    withdrawn: frozenset[UUID] = frozenset()


_NONE = _AlertsOnRecord()


class SqlPathwayBatches:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load_many_for_update(self, events: Sequence[RecordedEvent]) -> LockedPathways:
        """Locked in person id order, as every instance locks them, so that two never wait on each other;
        persons new to the service are locked after the others, as they are opened (a deadlock then sends
        the fetch one event at a time, and a person is new only once). The events already recorded are
        looked up once the persons are locked, so that an instance that took the same events a moment
        before (a rebalance) has committed them or given up."""
        by_person: dict[str, list[RecordedEvent]] = {}
        for event in events:
            by_person.setdefault(event.person_id, []).append(event)
        ordered = sorted(by_person)
        stored = await self._lock(ordered)
        missing = [person_id for person_id in ordered if person_id not in stored]
        if missing:
            # Opened here, or by another instance since the lock above: locked either way, then read.
            await self._session.execute(_OPEN, {"persons": missing})
            stored |= await self._lock(missing)
        snapshots = {
            person_id: snapshot_from_json(snapshot)
            for person_id, snapshot in stored.items()
            if snapshot is not None
        }
        found = await self._entries(_RECORDED, _references_of(events))
        already = frozenset(entry.event.reference for entry in found)
        recorded: dict[str, list[TimelineEntry]] = {}
        for entry in found:
            recorded.setdefault(entry.event.person_id, []).append(entry)
        resumable = {
            person_id: snapshot
            for person_id, snapshot in snapshots.items()
            if not needs_whole_timeline(
                snapshot, [event for event in by_person[person_id] if event.reference not in already]
            )
        }
        alerts = await self._alerts_on_record(ordered)
        whole = {
            person_id: Pathway(
                person_id,
                raised_alerts=alerts.get(person_id, _NONE).raised,
                withdrawn_alerts=alerts.get(person_id, _NONE).withdrawn,
            )
            for person_id in ordered
            if person_id not in resumable
        }
        if whole:
            for entry in await self._entries(_ENTRIES, {"persons": list(whole)}):
                whole[entry.event.person_id].entries.append(entry)
        resumed = {
            person_id: Pathway.resumed(
                person_id,
                snapshot,
                recorded.get(person_id, ()),
                alerts.get(person_id, _NONE).raised,
                alerts.get(person_id, _NONE).withdrawn,
            )
            for person_id, snapshot in resumable.items()
        }
        return LockedPathways(whole | resumed, already)

    async def _lock(self, person_ids: list[str]) -> dict[str, dict[str, Any] | None]:
        """The snapshot of each of these persons' pathways that exists, locked."""
        rows = await self._session.execute(_LOCK, {"persons": person_ids})
        return {str(person_id): snapshot for person_id, snapshot in rows}

    async def _alerts_on_record(self, person_ids: list[str]) -> dict[str, _AlertsOnRecord]:
        raised: dict[str, set[UUID]] = {}
        withdrawn: dict[str, set[UUID]] = {}
        for person_id, alert_id, is_withdrawn in await self._session.execute(
            _ALERTS, {"persons": person_ids}
        ):
            raised.setdefault(str(person_id), set()).add(UUID(str(alert_id)))
            if is_withdrawn:
                withdrawn.setdefault(str(person_id), set()).add(UUID(str(alert_id)))
        return {
            person_id: _AlertsOnRecord(frozenset(alert_ids), frozenset(withdrawn.get(person_id, ())))
            for person_id, alert_ids in raised.items()
        }

    async def _entries(self, query: Select[Any], parameters: dict[str, Any]) -> list[TimelineEntry]:
        return [entry_from_row(row) for row in await self._session.execute(query, parameters)]

    async def save_many(self, changed: Sequence[tuple[Pathway, Sequence[PathwayEvent]]]) -> None:
        changes = [change for _, pathway_changes in changed for change in pathway_changes]
        entries = [entry_row(change.entry) for change in changes if isinstance(change, EntryAppended)]
        alerts = [alert_row(change) for change in changes if isinstance(change, AlertRaised)]
        # Entries first: a retraction may name an entry appended by an earlier event of the same batch.
        if entries:
            await self._session.execute(_APPEND_ENTRIES, {"rows": json_text(entries)})
        for change in changes:
            if isinstance(change, EntryRetracted):
                await self._session.execute(retraction_of(change))
        if alerts:
            await self._session.execute(raised_alerts.insert(), alerts)
        for change in changes:
            if isinstance(change, AlertWithdrawn):
                await self._session.execute(withdrawal_of(change))
        states = [{"person": pathway.person_id, **state_row(pathway)} for pathway, _ in changed]
        if states:
            await self._session.execute(_STORE_STATES, {"rows": json_text(states)})


def _references_of(events: Sequence[RecordedEvent]) -> dict[str, list[Any]]:
    return {"sources": [event.source for event in events], "event_ids": [event.event_id for event in events]}
