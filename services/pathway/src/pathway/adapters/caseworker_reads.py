"""All SQL a caseworker's reads need: care teams, pages of a timeline in order of occurrence, the state
folded from it, the alerts still standing, and the person a referral is about."""

from collections.abc import Mapping

from sqlalchemy import ColumnElement, Select, String, literal_column, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from pathway.adapters.ingestion_reads import SqlIngestionReads
from pathway.adapters.pathway_repository import entry_from_row
from pathway.adapters.tables import raised_alerts, timeline_entries
from pathway.domain.caseworkers import StandingAlert
from pathway.domain.event_types import EVENT_TYPE_PREFIX
from pathway.domain.pathway_state import PathwayState, fold
from pathway.domain.timeline import TimelineEntry
from pathway.service.ports import TimelineFilter, TimelinePosition

_entries = timeline_entries.c
# Spelled as the index `timeline_entries_by_referral` is, so that the planner uses it.
referral_id_of_entry: ColumnElement[str] = literal_column("(timeline_entries.data ->> 'referral_id')", String)


class SqlCaseworkerReads:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def care_team(self, person_id: str) -> Mapping[str, str] | None:
        return (await SqlIngestionReads(self._session).care_teams({person_id})).get(person_id)

    async def entries_after(
        self, person_id: str, query: TimelineFilter, after: TimelinePosition | None, limit: int
    ) -> list[TimelineEntry]:
        statement = _matching(select(timeline_entries), query).where(
            _entries.person_id == person_id, _entries.retracted_at.is_(None)
        )
        if after is not None:
            statement = statement.where(
                tuple_(_entries.occurred_at, _entries.seq) > tuple_(after.occurred_at, after.seq)
            )
        statement = statement.order_by(_entries.occurred_at, _entries.seq).limit(limit)
        rows = await self._session.execute(statement)
        return [entry_from_row(row) for row in rows]

    async def state(self, person_id: str) -> PathwayState:
        rows = await self._session.execute(
            select(timeline_entries).where(_entries.person_id == person_id).order_by(_entries.seq)
        )
        return fold(entry_from_row(row) for row in rows)

    async def standing_alerts(self, person_id: str) -> list[StandingAlert]:
        alerts = raised_alerts.c
        rows = await self._session.execute(
            select(
                alerts.alert_id, alerts.kind, alerts.raised_at, alerts.barrier_id, alerts.referral_id
            ).where(alerts.person_id == person_id, alerts.withdrawn_at.is_(None))
        )
        return [
            StandingAlert(str(alert_id), kind, raised_at, barrier_id, referral_id)
            for alert_id, kind, raised_at, barrier_id, referral_id in rows
        ]

    async def person_with_referral(self, referral_id: str) -> str | None:
        about_the_referral = referral_id_of_entry == referral_id
        statement = select(_entries.person_id).where(about_the_referral).limit(1)
        return (await self._session.execute(statement)).scalar_one_or_none()


def _matching(statement: Select[tuple[object, ...]], query: TimelineFilter) -> Select[tuple[object, ...]]:
    if query.event_names:
        statement = statement.where(
            _entries.event_type.in_(sorted(EVENT_TYPE_PREFIX + name for name in query.event_names))
        )
    if query.barrier_category is not None:
        statement = statement.where(
            or_(
                _entries.data["category"].astext == query.barrier_category,
                _entries.data["barrier_category"].astext == query.barrier_category,
            )
        )
    if query.occurred_from is not None:
        statement = statement.where(_entries.occurred_at >= query.occurred_from)
    if query.occurred_before is not None:
        statement = statement.where(_entries.occurred_at < query.occurred_before)
    return statement
