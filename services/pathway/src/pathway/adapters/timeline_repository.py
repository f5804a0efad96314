"""All SQL about timelines."""

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pathway.adapters.tables import pathways, timeline_entries
from pathway.domain.timeline import TimelineEntry


class SqlTimelines:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def last_seq_for_update(self, person_id: str) -> int:
        await self._session.execute(insert(pathways).values(person_id=person_id).on_conflict_do_nothing())
        query = select(pathways.c.last_seq).where(pathways.c.person_id == person_id).with_for_update()
        return int((await self._session.execute(query)).scalar_one())

    async def append(self, entry: TimelineEntry) -> None:
        event = entry.event
        await self._session.execute(
            timeline_entries.insert().values(
                person_id=event.person_id,
                seq=entry.seq,
                event_type=event.event_type,
                event_source=event.source,
                event_id=event.event_id,
                occurred_at=event.occurred_at,
                data=dict(event.data),
            )
        )
        await self._session.execute(
            pathways.update()
            .where(pathways.c.person_id == event.person_id)
            .values(last_seq=entry.seq, last_activity_at=event.occurred_at)
        )
