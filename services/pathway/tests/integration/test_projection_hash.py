"""The content hash of a projection generation, on the real PostgreSQL server: two generations that
assembled the same events hash the same, whatever order they wrote their rows in and whenever they did;
any difference in a timeline, a state or an alert changes it."""

import asyncio
from collections.abc import AsyncIterator, Sequence
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pathway.adapters.pathway_repository import SqlPathways
from pathway.adapters.projection_generations import (
    Generation,
    ProjectionSchema,
    SqlProjectionGenerations,
    generation,
    projection_engine,
)
from pathway.adapters.projection_hash import projection_hash
from pathway.entrypoints.cli import MIGRATIONS
from pathway.entrypoints.projection_commands import hash_of_generation
from service_kit.database import create_database_engine, create_session_factory
from service_kit.migrations import upgrade_to_head


@pytest.fixture
async def database_url(fresh_database: str) -> str:
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, fresh_database)
    return fresh_database


@pytest.fixture
async def second_generation(database_url: str) -> Generation:
    engine = create_database_engine(database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            return await SqlProjectionGenerations(session).create_next()
    finally:
        await engine.dispose()


@pytest.fixture
async def engines(database_url: str, second_generation: Generation) -> AsyncIterator[list[AsyncEngine]]:
    made = [
        projection_engine(database_url, ProjectionSchema(generation(1)), pool_size=1),
        projection_engine(database_url, ProjectionSchema(second_generation), pool_size=1),
    ]
    yield made
    for engine in made:
        await engine.dispose()


def two_pathways(events_of: Sequence[Any]) -> list[list[Any]]:
    """The events of two persons: late events, a retraction, a blocking barrier (an alert)."""
    histories = []
    for events in events_of:
        training = events.training_entered(6)
        histories.append(
            [
                events.referral_sent(0),
                events.member_added(1),
                events.barrier_identified(3, uuid4()),
                training,
                events.referral_accepted(2),
                events.retraction(7, of=training),
            ]
        )
    return histories


async def assemble(engine: AsyncEngine, histories: list[list[Any]]) -> None:
    for history in histories:
        for event in history:
            async with create_session_factory(engine)() as session, session.begin():
                pathways = SqlPathways(session)
                pathway = await pathways.load_for_update(event.person_id)
                await pathways.save(pathway, pathway.record(event))


@pytest.fixture
async def same_events_in_both(engines: list[AsyncEngine], events) -> list[AsyncEngine]:
    other = type(events)()
    histories = two_pathways([events, other])
    await assemble(engines[0], histories)
    # The other generation writes the persons in the other order, a moment later.
    await assemble(engines[1], list(reversed(histories)))
    return engines


async def test_two_generations_that_assembled_the_same_events_hash_the_same(
    same_events_in_both: list[AsyncEngine], database_url: str, second_generation: Generation
) -> None:
    live, rebuilt = same_events_in_both

    live_hash, rebuilt_hash = await projection_hash(live), await projection_hash(rebuilt)

    assert live_hash == rebuilt_hash
    assert await hash_of_generation(database_url, None) == live_hash, "the live generation by default"
    assert await hash_of_generation(database_url, second_generation.number) == rebuilt_hash
    assert await _count(rebuilt, "SELECT count(*) FROM timeline_entries") == 12
    assert await _count(live, "SELECT count(*) FROM projection_2.timeline_entries") == 12, "not in public"


@pytest.mark.parametrize(
    "difference",
    [
        "UPDATE timeline_entries SET retracted_at = now() WHERE seq = 1",
        'UPDATE timeline_entries SET data = data || \'{"severity": "moderate"}\' WHERE seq = 3',
        "UPDATE timeline_entries SET occurred_at = occurred_at + interval '1 second' WHERE seq = 2",
        "UPDATE timeline_entries SET arrived_late = NOT arrived_late WHERE seq = 5",
        "DELETE FROM timeline_entries WHERE seq = 6",
        "UPDATE pathways SET stage = 'in_workshop'",
        "UPDATE pathways SET state = jsonb_set(state, '{care_team}', '[]')",
        "UPDATE pathways SET last_seq = last_seq + 1",
        "DELETE FROM raised_alerts",
    ],
)
async def test_any_difference_in_a_timeline_a_state_or_an_alert_changes_the_hash(
    same_events_in_both: list[AsyncEngine], difference: str
) -> None:
    live, rebuilt = same_events_in_both
    async with rebuilt.begin() as connection:
        assert (await connection.execute(text(difference))).rowcount > 0

    assert await projection_hash(live) != await projection_hash(rebuilt)


async def test_when_each_generation_did_its_work_does_not_change_the_hash(
    same_events_in_both: list[AsyncEngine],
) -> None:
    live, rebuilt = same_events_in_both
    async with rebuilt.begin() as connection:
        await connection.execute(text("UPDATE pathways SET recomputed_at = now() + interval '1 day'"))
        await connection.execute(text("UPDATE raised_alerts SET raised_at = now() + interval '1 day'"))
        await connection.execute(text("UPDATE timeline_entries SET appended_at = now() + interval '1 day'"))
        await connection.execute(
            text("UPDATE timeline_entries SET retracted_at = retracted_at + interval '1 day'")
        )

    assert await projection_hash(live) == await projection_hash(rebuilt)


async def test_what_only_time_raises_does_not_change_the_hash_since_no_replay_can_know_it(
    same_events_in_both: list[AsyncEngine],
) -> None:
    live, rebuilt = same_events_in_both
    async with live.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO raised_alerts (person_id, alert_id, kind)"
                " SELECT person_id, gen_random_uuid(), kind FROM pathways,"
                " (VALUES ('no_recent_activity'), ('referral_unanswered')) AS time(kind)"
            )
        )
        await connection.execute(text("UPDATE pathways SET next_alert_due_at = now() + interval '30 days'"))

    assert await projection_hash(live) == await projection_hash(rebuilt)


async def _count(engine: AsyncEngine, query: str) -> int:
    async with engine.connect() as connection:
        return int((await connection.execute(text(query))).scalar_one())
