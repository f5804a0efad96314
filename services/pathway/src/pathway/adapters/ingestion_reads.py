"""All SQL the HTTP door to the partner topic reads: care teams as stored beside each pathway, and
which events are already on a timeline."""

from collections.abc import Collection, Mapping

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from pathway.adapters.pathway_repository import entry_from_row
from pathway.adapters.tables import pathways, timeline_entries
from pathway.domain.timeline import EventReference, TimelineEntry


class SqlIngestionReads:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def care_teams(self, person_ids: Collection[str]) -> Mapping[str, Mapping[str, str]]:
        if not person_ids:
            return {}
        rows = await self._session.execute(
            select(pathways.c.person_id, pathways.c.state["care_team"]).where(
                pathways.c.person_id.in_(sorted(person_ids))
            )
        )
        return {
            person_id: {str(member["organisation_id"]): str(member["kind"]) for member in members or []}
            for person_id, members in rows
        }

    async def recorded_entries(
        self, references: Collection[EventReference]
    ) -> Mapping[EventReference, TimelineEntry]:
        if not references:
            return {}
        keys = [(reference.source, reference.event_id) for reference in references]
        rows = await self._session.execute(
            select(timeline_entries).where(
                tuple_(timeline_entries.c.event_source, timeline_entries.c.event_id).in_(keys)
            )
        )
        entries = [entry_from_row(row) for row in rows]
        return {entry.event.reference: entry for entry in entries}
