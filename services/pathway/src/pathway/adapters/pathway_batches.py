"""The SQL of assembling many events at once: the pathways they concern read and locked in a few
statements, and what changed written back with one statement per kind of row.

The statements are built once, the persons of a batch travelling as one array parameter: a statement
with a value or an IN item per person would be compiled again for every batch."""

from collections.abc import Collection, Sequence
from uuid import UUID

from sqlalchemy import String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncSession

from pathway.adapters.pathway_repository import alert_row, entry_from_row, entry_row, retraction_of, state_row
from pathway.adapters.tables import pathways, raised_alerts, timeline_entries
from pathway.domain.events import AlertRaised, EntryAppended, EntryRetracted, PathwayEvent
from pathway.domain.pathway import Pathway

_PERSONS = bindparam("persons", type_=ARRAY(String))
_OPEN = (
    insert(pathways)
    .from_select([pathways.c.person_id], select(func.unnest(_PERSONS)))
    .on_conflict_do_nothing()
)
_LOCK = (
    select(pathways.c.person_id)
    .where(pathways.c.person_id == any_(_PERSONS))
    .order_by(pathways.c.person_id)
    .with_for_update()
)
_ENTRIES = (
    select(timeline_entries)
    .where(timeline_entries.c.person_id == any_(_PERSONS))
    .order_by(timeline_entries.c.person_id, timeline_entries.c.seq)
)
_ALERTS = select(raised_alerts.c.person_id, raised_alerts.c.alert_id).where(
    raised_alerts.c.person_id == any_(_PERSONS)
)
_STORE_STATE = (
    pathways.update().where(pathways.c.person_id == bindparam("person")).values(recomputed_at=func.now())
)


class SqlPathwayBatches:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load_many_for_update(self, person_ids: Collection[str]) -> dict[str, Pathway]:
        """Locked in person id order, as every instance locks them, so that two never wait on each other."""
        ordered = sorted(set(person_ids))
        persons = {"persons": ordered}
        await self._session.execute(_OPEN, persons)
        await self._session.execute(_LOCK, persons)
        loaded = {person_id: Pathway(person_id=person_id) for person_id in ordered}
        for row in await self._session.execute(_ENTRIES, persons):
            entry = entry_from_row(row)
            loaded[entry.event.person_id].entries.append(entry)
        alerts = await self._session.execute(_ALERTS, persons)
        raised: dict[str, set[UUID]] = {}
        for person_id, alert_id in alerts:
            raised.setdefault(str(person_id), set()).add(UUID(str(alert_id)))
        for person_id, alert_ids in raised.items():
            loaded[person_id].raised_alerts = frozenset(alert_ids)
        return loaded

    async def save_many(self, changed: Sequence[tuple[Pathway, Sequence[PathwayEvent]]]) -> None:
        changes = [change for _, pathway_changes in changed for change in pathway_changes]
        entries = [entry_row(change.entry) for change in changes if isinstance(change, EntryAppended)]
        alerts = [alert_row(change) for change in changes if isinstance(change, AlertRaised)]
        # Entries first: a retraction may name an entry appended by an earlier event of the same batch.
        if entries:
            await self._session.execute(timeline_entries.insert(), entries)
        for change in changes:
            if isinstance(change, EntryRetracted):
                await self._session.execute(retraction_of(change))
        if alerts:
            await self._session.execute(raised_alerts.insert(), alerts)
        states = [{"person": pathway.person_id, **state_row(pathway)} for pathway, _ in changed]
        if states:
            await self._session.execute(_STORE_STATE, states)
