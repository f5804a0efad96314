"""A content hash of the projection a connection sees: equal for two generations exactly when they hold
the same timelines, pathway states and raised alerts.

Each row is digested on the server (md5 of a canonical JSONB array of its meaningful columns, with its
key — person and `seq` — so the order of each timeline is part of it), and the digests are summed per
table. The sum does not depend on the order rows are read in, so PostgreSQL scans each table once, in
parallel if it likes, and sends three numbers back whatever the size of the tables. Wall-clock columns
(`appended_at`, `retracted_at`'s value, `opened_at`, `recomputed_at`, `raised_at`, `withdrawn_at`) are
left out: they say when this generation did its work, not what it holds. So are the alerts only time
raises and when a pathway next needs looking at (`next_alert_due_at`): they depend on when the sweeper
happened to run between events, which no replay of the topics can know."""

import hashlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pathway.domain.alerts_due import NO_RECENT_ACTIVITY, REFERRAL_UNANSWERED

_RAISED_BY_TIME = f"('{REFERRAL_UNANSWERED}', '{NO_RECENT_ACTIVITY}')"

# Instants as epoch seconds: their text form would follow the session's TimeZone.
_ROW_OF = {
    "timeline_entries": """jsonb_build_array(
        person_id, seq, event_source, event_id, event_type, extract(epoch FROM occurred_at), dataschema,
        data, arrived_late, retracted_at IS NOT NULL)""",
    # `last_activity_at` inside the state JSON is written with the offset of whichever event set it;
    # its instant is the column's.
    "pathways": """jsonb_build_array(
        person_id, last_seq, stage, state - 'last_activity_at', extract(epoch FROM last_activity_at),
        to_char(next_session_on, 'YYYY-MM-DD'))""",
    "raised_alerts": """jsonb_build_array(
        person_id, alert_id, kind, barrier_id, referral_id, triggered_by_source, triggered_by_id,
        withdrawn_by_source, withdrawn_by_id)""",
}

_HALF_DIGEST_AS_INTEGER = "('x' || substr(digest, {start}, 16))::bit(64)::bigint::numeric"


_ONLY = {"raised_alerts": f"WHERE kind NOT IN {_RAISED_BY_TIME}"}


def _table_digest_query(table: str) -> str:
    high, low = (_HALF_DIGEST_AS_INTEGER.format(start=start) for start in (1, 17))
    return (
        f"SELECT count(*), coalesce(sum({high}), 0), coalesce(sum({low}), 0) "  # noqa: S608 - constants
        f"FROM (SELECT md5({_ROW_OF[table]}::text) AS digest FROM {table} {_ONLY.get(table, '')}) AS rows"
    )


async def projection_hash(engine: AsyncEngine) -> str:
    """The hash of the projection `engine`'s connections see, read in one snapshot."""
    outline = hashlib.sha256()
    async with engine.connect() as connection:
        snapshot = await connection.execution_options(isolation_level="REPEATABLE READ")
        async with snapshot.begin():
            for table in sorted(_ROW_OF):
                count, high, low = (await snapshot.execute(text(_table_digest_query(table)))).one()
                outline.update(f"{table} {count} {high} {low}\n".encode())
    return outline.hexdigest()
