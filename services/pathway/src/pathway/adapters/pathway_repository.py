"""All SQL about pathways: their timeline entries, the alerts raised and the state stored beside them."""

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import Row, Update, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pathway.adapters.pathway_snapshot_json import snapshot_as_json
from pathway.adapters.pathway_state_json import state_as_json
from pathway.adapters.tables import pathways, raised_alerts, timeline_entries
from pathway.domain.events import AlertRaised, AlertWithdrawn, EntryAppended, EntryRetracted, PathwayEvent
from pathway.domain.pathway import Pathway
from pathway.domain.timeline import EventReference, RecordedEvent, TimelineEntry


class SqlPathways:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load_for_update(self, person_id: str) -> Pathway:
        await self._session.execute(insert(pathways).values(person_id=person_id).on_conflict_do_nothing())
        await self._session.execute(
            select(pathways.c.person_id).where(pathways.c.person_id == person_id).with_for_update()
        )
        entries = await self._session.execute(
            select(timeline_entries)
            .where(timeline_entries.c.person_id == person_id)
            .order_by(timeline_entries.c.seq)
        )
        alerts = (
            await self._session.execute(
                select(raised_alerts.c.alert_id, raised_alerts.c.withdrawn_at.is_not(None)).where(
                    raised_alerts.c.person_id == person_id
                )
            )
        ).all()
        return Pathway(
            person_id=person_id,
            entries=[entry_from_row(row) for row in entries],
            raised_alerts=frozenset(alert_id for alert_id, _ in alerts),
            withdrawn_alerts=frozenset(alert_id for alert_id, withdrawn in alerts if withdrawn),
        )

    async def is_recorded(self, reference: EventReference) -> bool:
        query = select(timeline_entries.c.seq).where(
            timeline_entries.c.event_source == reference.source,
            timeline_entries.c.event_id == reference.event_id,
        )
        return (await self._session.execute(query)).first() is not None

    async def with_alerts_due(self, now: datetime, limit: int) -> list[str]:
        """Persons whose next time-based alert is due, skipping those another instance is handling."""
        query = (
            select(pathways.c.person_id)
            .where(pathways.c.next_alert_due_at <= now)
            .order_by(pathways.c.next_alert_due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list((await self._session.execute(query)).scalars())

    async def person_ids_after(self, after: str | None, limit: int) -> list[str]:
        query = select(pathways.c.person_id).order_by(pathways.c.person_id).limit(limit)
        if after is not None:
            query = query.where(pathways.c.person_id > after)
        return list((await self._session.execute(query)).scalars())

    async def save(self, pathway: Pathway, changes: Sequence[PathwayEvent]) -> None:
        for change in changes:
            if isinstance(change, EntryAppended):
                await self._insert_entry(change.entry)
            elif isinstance(change, EntryRetracted):
                await self._session.execute(retraction_of(change))
            elif isinstance(change, AlertRaised):
                await self._session.execute(raised_alerts.insert().values(**alert_row(change)))
            elif isinstance(change, AlertWithdrawn):
                await self._session.execute(withdrawal_of(change))
        await self._store_state(pathway)

    async def _insert_entry(self, entry: TimelineEntry) -> None:
        await self._session.execute(timeline_entries.insert().values(**entry_row(entry)))

    async def _store_state(self, pathway: Pathway) -> None:
        await self._session.execute(
            pathways.update()
            .where(pathways.c.person_id == pathway.person_id)
            .values(**state_row(pathway), recomputed_at=func.now())
        )


def retraction_of(change: EntryRetracted) -> Update:
    return (
        timeline_entries.update()
        .where(
            timeline_entries.c.person_id == change.person_id,
            timeline_entries.c.event_source == change.retracted.source,
            timeline_entries.c.event_id == change.retracted.event_id,
        )
        .values(retracted_at=func.now())
    )


def withdrawal_of(change: AlertWithdrawn) -> Update:
    because = change.withdrawn_because
    return (
        raised_alerts.update()
        .where(
            raised_alerts.c.person_id == change.person_id,
            raised_alerts.c.alert_id == change.alert.alert_id,
        )
        .values(withdrawn_at=func.now(), withdrawn_by_source=because.source, withdrawn_by_id=because.event_id)
    )


def alert_row(alert: AlertRaised) -> dict[str, object]:
    trigger = alert.triggered_by
    return {
        "person_id": alert.person_id,
        "alert_id": alert.alert_id,
        "kind": alert.kind,
        "barrier_id": alert.barrier_id,
        "referral_id": alert.referral_id,
        "triggered_by_source": trigger.source if trigger else None,
        "triggered_by_id": trigger.event_id if trigger else None,
    }


def entry_row(entry: TimelineEntry) -> dict[str, object]:
    event = entry.event
    return {
        "person_id": event.person_id,
        "seq": entry.seq,
        "event_type": event.event_type,
        "event_source": event.source,
        "event_id": event.event_id,
        "occurred_at": event.occurred_at,
        "dataschema": event.dataschema,
        "data": dict(event.data),
        "arrived_late": entry.arrived_late,
    }


def state_row(pathway: Pathway) -> dict[str, object]:
    """The columns that follow from the pathway's entries (its state is folded once here)."""
    state = pathway.state
    return {
        "last_seq": pathway.last_seq,
        "stage": None if state.stage is None else str(state.stage),
        "last_activity_at": state.last_activity_at,
        "next_session_on": state.next_session_on,
        "state": state_as_json(state),
        "next_alert_due_at": pathway.next_alert_due_at,
        "snapshot": snapshot_as_json(pathway.snapshot),
    }


def entry_from_row(row: Row[tuple[object, ...]]) -> TimelineEntry:
    values = row._mapping
    return TimelineEntry(
        event=RecordedEvent(
            person_id=str(values["person_id"]),
            event_type=str(values["event_type"]),
            source=str(values["event_source"]),
            event_id=_uuid(values["event_id"]),
            occurred_at=values["occurred_at"],
            dataschema=str(values["dataschema"]),
            data=dict(values["data"]),
        ),
        seq=int(values["seq"]),
        arrived_late=bool(values["arrived_late"]),
        retracted=values["retracted_at"] is not None,
    )


def _uuid(value: object) -> UUID:
    return value if isinstance(value, UUID) else UUID(str(value))
