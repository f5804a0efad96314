"""All SQL the coordinators' indicators need: persons counted from each pathway's stored state, and the
alerts raised and not withdrawn."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from pathway.domain.indicators import RegionCounts
from pathway.domain.organisation_kinds import OPERATOR
from pathway.domain.pathway_state import BarrierStatus
from pathway.domain.stages import Stage

# One statement, hence one snapshot: counts taken apart could see a person assembled in between, and a
# line's parts could then exceed its total. A person counts once they have a stage, that is once referred.
_COUNTS = text(
    "WITH counted AS (SELECT person_id, stage, state FROM pathways WHERE stage IS NOT NULL) "
    "SELECT 'stage', stage, NULL, count(*) FROM counted GROUP BY stage "
    "UNION ALL "
    "SELECT 'operator', c.stage, member ->> 'organisation_id', count(DISTINCT c.person_id) FROM counted c "
    "CROSS JOIN LATERAL jsonb_array_elements(c.state -> 'care_team') AS member "
    "WHERE member ->> 'kind' = :operator GROUP BY 2, 3 "
    "UNION ALL "
    "SELECT 'barrier', barrier.value ->> 'status', barrier.value ->> 'category', count(DISTINCT c.person_id) "
    "FROM counted c CROSS JOIN LATERAL jsonb_each(c.state -> 'barriers') AS barrier GROUP BY 2, 3 "
    "UNION ALL "
    "SELECT 'alert', a.kind, NULL, count(DISTINCT a.person_id) FROM raised_alerts a "
    "JOIN counted c ON c.person_id = a.person_id WHERE a.withdrawn_at IS NULL GROUP BY a.kind"
)


class SqlIndicatorReads:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def region_counts(self) -> RegionCounts:
        rows = (await self._session.execute(_COUNTS, {"operator": OPERATOR})).all()
        return RegionCounts(
            by_stage={Stage(stage): count for what, stage, _, count in rows if what == "stage"},
            by_operator_and_stage={
                (operator, Stage(stage)): count for what, stage, operator, count in rows if what == "operator"
            },
            by_barrier={
                (category, BarrierStatus(status)): count
                for what, status, category, count in rows
                if what == "barrier"
            },
            by_alert={kind: count for what, kind, _, count in rows if what == "alert"},
        )
