"""Issue #4's timeline query figure: a caseworker reads the timeline of a person with 500 entries, in a
`timeline_entries` table of 1,000,000 rows.

The person's 500 entries are written by the service's own code (`Pathway.record`, `SqlPathways.save`),
so the pathway row and its care team are what the assembler would have stored. The other rows are bulk
`INSERT … SELECT generate_series`: 10 entries per person, barrier-shaped JSON data, then `VACUUM ANALYZE`.

What is timed is what the caseworker API runs for `GET /persons/{id}/timeline`, without HTTP and the
token check: the `read_timeline` use case (care team, access audit row, keyset query, visibility) with
`SqlCaseworkerReads` and `SqlAccessAudit`, in one durable transaction, as the route does. Two shapes:
the API's default page (50 entries), and the whole timeline in pages of the maximum (200).
"""

import functools
import os
import uuid
from dataclasses import replace

import asyncpg
import measurements
from measurements import CpuClock, Measurement, now, throughput
from pathway_assembler import pathway_command
from pathway_workload import PARTNER, PRESCRIBER, PathwayWorkload
from stack import sqlalchemy_url

from devstack.postgres_urls import plain_url
from pathway.adapters.access_audit import SqlAccessAudit
from pathway.adapters.caseworker_reads import SqlCaseworkerReads
from pathway.adapters.cloud_events import recorded
from pathway.adapters.pathway_repository import SqlPathways
from pathway.domain.caseworkers import Caseworker, PersonRead, ReadPurpose
from pathway.service.ports import TimelineFilter
from pathway.service.read_pathways import read_timeline
from service_kit.database import create_database_engine, create_session_factory

DEFAULT_PAGE = 50
MAX_PAGE = 200
PERSON_ENTRIES = 500
OTHER_ENTRIES_PER_PERSON = 10
READER = Caseworker(
    subject="bench-caseworker", organisation_id=str(PRESCRIBER), roles=frozenset({"referent"})
)

_FILL = """
INSERT INTO timeline_entries
    (person_id, seq, event_type, event_source, event_id, occurred_at, data, dataschema)
SELECT md5('bench-person-' || (g / $2))::uuid::text,
       g % $2 + 1,
       (ARRAY['fr.premiere-marche.barrier.identified', 'fr.premiere-marche.barrier.action_started',
              'fr.premiere-marche.barrier.lifted', 'fr.premiere-marche.referral.accepted'])[g % 4 + 1],
       $3,
       md5('bench-event-' || g)::uuid,
       timestamptz '2026-01-05 09:00+00' + (g % $2) * interval '1 day' + (g / $2) * interval '1 second',
       jsonb_build_object('barrier_id', md5('bench-barrier-' || (g / 3))::uuid, 'category', 'mobility',
                          'severity', 'hindering'),
       'https://schemas.premiere-marche.fr/barrier.identified/1.0.json'
FROM generate_series(0, $1 - 1) AS g
"""


async def fill_timeline(database_url: str, total_rows: int) -> tuple[uuid.UUID, dict[str, float]]:
    """The person's entries through the service's code, then the rest by SQL; the person, and seconds
    each part took."""
    workload = PathwayWorkload("grand-est", 1)
    person = workload.persons[0]
    events = [routed.event for routed in workload.set_up()]
    while len(events) < PERSON_ENTRIES:
        events.append(workload.barrier_identified(workload.persons[0], 1 + len(events) / 50).event)
    engine = create_database_engine(sqlalchemy_url(database_url))
    begun = now()
    try:
        async with create_session_factory(engine)() as session, session.begin():
            pathways = SqlPathways(session)
            pathway = await pathways.load_for_update(str(person))
            for event in events:
                await pathways.save(pathway, pathway.record(recorded(event)))
    finally:
        await engine.dispose()
    person_seconds = now() - begun
    connection = await asyncpg.connect(plain_url(database_url))
    try:
        begun = now()
        await connection.execute(
            _FILL, total_rows - PERSON_ENTRIES, OTHER_ENTRIES_PER_PERSON, f"/organisations/{PARTNER}"
        )
        filled = now()
        await connection.execute("VACUUM ANALYZE timeline_entries")
        rows = await connection.fetchval("SELECT count(*) FROM timeline_entries")
        mine = await connection.fetchval(
            "SELECT count(*) FROM timeline_entries WHERE person_id = $1", str(person)
        )
        size = await connection.fetchval("SELECT pg_total_relation_size('timeline_entries')")
    finally:
        await connection.close()
    if rows != total_rows or mine != PERSON_ENTRIES:
        raise AssertionError(f"timeline fill: {rows} rows, {mine} for the person")
    return person, {
        "person_entries_seconds": round(person_seconds, 2),
        "bulk_insert_seconds": round(filled - begun, 2),
        "vacuum_analyze_seconds": round(now() - filled, 2),
        "table_mib": round(size / 2**20, 1),
    }


async def timed_reads(
    database_url: str, person: uuid.UUID, count: int, *, page: int, whole: bool
) -> Measurement:
    """``count`` reads, one after the other; a sample is one read (all its pages when ``whole``)."""
    engine = create_database_engine(sqlalchemy_url(database_url))
    sessions = create_session_factory(engine)
    read = PersonRead(READER, str(person), ReadPurpose.FOLLOW_UP)
    samples: list[float] = []
    entries_read = 0
    try:
        clock = CpuClock()
        started = now()
        for _ in range(count):
            begun, position, entries_read = now(), None, 0
            while True:
                async with sessions() as session, session.begin():
                    found = await read_timeline(
                        read,
                        TimelineFilter(),
                        after=position,
                        limit=page,
                        reads=SqlCaseworkerReads(session),
                        audit=SqlAccessAudit(session),
                    )
                assert found is not None, "the prescriber is in the person's care team"
                entries_read += len(found.entries)
                position = found.next_after
                if not whole or position is None:
                    break
            samples.append(now() - begun)
        seconds, usage = now() - started, clock.usage()
    finally:
        await engine.dispose()
    shape = f"whole timeline, pages of {page}" if whole else f"first page of {page}"
    return throughput(
        f"timeline read: {shape}",
        count,
        seconds,
        unit="reads/s",
        latencies_seconds=samples,
        latency_of="read_timeline use case + audit row, one transaction per page",
        details={"entries_per_read": entries_read, "max_ms": round(max(samples) * 1000, 3), **usage},
    )


async def measure_timeline_query(database_url: str, *, total_rows: int, reads: int) -> list[Measurement]:
    await pathway_command({**os.environ, "PATHWAY_DATABASE_URL": sqlalchemy_url(database_url)}, "migrate")
    print(f"  timeline query: filling timeline_entries to {total_rows:,} rows …", flush=True)
    person, fill = await fill_timeline(database_url, total_rows)
    results: list[Measurement] = []
    for page, whole in ((DEFAULT_PAGE, False), (MAX_PAGE, True)):
        print(f"  timeline query: {reads} reads, {'whole' if whole else 'first page'} ({page}) …", flush=True)
        measured = await measurements.measure_quietly(
            functools.partial(timed_reads, database_url, person, reads, page=page, whole=whole)
        )
        results.append(_with(measured, table_rows=total_rows, person_entries=PERSON_ENTRIES, **fill))
    return results


def _with(measured: Measurement, **details: object) -> Measurement:
    return replace(measured, details={**measured.details, **details})
