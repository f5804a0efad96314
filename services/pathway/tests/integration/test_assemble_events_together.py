"""Assembling the events of a fetch together, on the real PostgreSQL server, ends exactly where assembling
them one at a time does: the same projection (by its content hash) and the same timeline events published;
a refusal anywhere in a batch changes nothing, so the fetch can go one event at a time."""

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import replace
from typing import Any
from uuid import UUID, uuid4

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pathway.adapters.organisation_repository import SqlOrganisations
from pathway.adapters.pathway_batches import SqlPathwayBatches
from pathway.adapters.pathway_repository import SqlPathways
from pathway.adapters.pathway_snapshot_json import snapshot_from_json
from pathway.adapters.projection_generations import (
    ProjectionSchema,
    SqlProjectionGenerations,
    generation,
    projection_engine,
)
from pathway.adapters.projection_hash import projection_hash
from pathway.adapters.timeline_publisher import (
    alert_raised_id,
    alert_withdrawn_id,
    entry_appended_id,
    stage_changed_id,
)
from pathway.domain.errors import RefusedEventError
from pathway.domain.events import AlertRaised, AlertWithdrawn, StageChanged
from pathway.domain.pathway import PathwaySnapshot
from pathway.domain.senders import Channel, Organisation
from pathway.domain.timeline import EventReference, RecordedEvent, TimelineEntry
from pathway.entrypoints.cli import MIGRATIONS
from pathway.service.assemble_event import assemble_event
from pathway.service.assemble_events import assemble_events
from service_kit.database import create_database_engine, create_session_factory
from service_kit.migrations import upgrade_to_head

REFERRAL_SERVICE = "/services/referral"


class RecordingPublisher:
    """The ids of what would go out: they are derived from what each event says."""

    def __init__(self) -> None:
        self.published: list[UUID] = []

    async def entry_appended(self, entry: TimelineEntry) -> None:
        self.published.append(entry_appended_id(entry))

    async def stage_changed(self, change: StageChanged) -> None:
        self.published.append(stage_changed_id(change))

    async def alert_raised(self, alert: AlertRaised) -> None:
        self.published.append(alert_raised_id(alert))

    async def alert_withdrawn(self, withdrawal: AlertWithdrawn) -> None:
        self.published.append(alert_withdrawn_id(withdrawal))


@pytest.fixture
async def one_at_a_time_and_together(fresh_database: str) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """Two projection generations of one database: generation 1 and a fresh generation 2."""
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, fresh_database)
    setup = create_database_engine(fresh_database, pool_size=1)
    async with create_session_factory(setup)() as session, session.begin():
        second = await SqlProjectionGenerations(session).create_next()
    await setup.dispose()
    engines = (
        projection_engine(fresh_database, ProjectionSchema(generation(1)), pool_size=1),
        projection_engine(fresh_database, ProjectionSchema(second), pool_size=1),
    )
    yield engines
    for engine in engines:
        await engine.dispose()


def channel_of(event: RecordedEvent) -> Channel:
    return Channel.PLATFORM if event.source == REFERRAL_SERVICE else Channel.PARTNERS


def interleaved_stream(persons: Sequence[Any]) -> list[RecordedEvent]:
    """Three persons' events mixed as a fetch mixes them: late events, retractions, an alert raised then
    withdrawn, repeats."""
    histories = []
    for events in persons:
        training, blocking = events.training_entered(6), events.barrier_identified(3, uuid4())
        histories.append(
            [
                events.referral_sent(0),
                events.member_added(1),
                blocking,
                training,
                events.referral_accepted(2),
                events.retraction(7, of=training),
                events.training_entered(8),
                events.retraction(9, of=blocking),
            ]
        )
    stream = [history[index] for index in range(len(histories[0])) for history in histories]
    return [*stream[:9], stream[4], *stream[9:], stream[0]]


async def register_partners(engine: AsyncEngine, persons: Sequence[Any]) -> None:
    async with create_session_factory(engine)() as session, session.begin():
        for events in persons:
            await SqlOrganisations(session).register(
                Organisation(str(events.partner), "support_partner", ("barrier.*", "training.*"))
            )


# Each split puts other events together: with 5 a training and its retraction stay apart, with 1,000 the
# whole stream is one fetch (a retraction then names an entry of its own batch).
@pytest.mark.parametrize("batch_size", [1, 2, 3, 5, 1_000])
async def test_a_stream_assembled_in_batches_hashes_and_publishes_as_one_at_a_time(
    one_at_a_time_and_together: tuple[AsyncEngine, AsyncEngine], events: Any, batch_size: int
) -> None:
    one_by_one, together = one_at_a_time_and_together
    persons = [events, type(events)(), type(events)()]
    await register_partners(one_by_one, persons)
    stream = interleaved_stream(persons)
    published_one_by_one, published_together = RecordingPublisher(), RecordingPublisher()

    for event in stream:
        async with create_session_factory(one_by_one)() as session, session.begin():
            await assemble_event(
                event,
                SqlPathways(session),
                SqlOrganisations(session),
                published_one_by_one,
                channel=channel_of(event),
            )
    for start in range(0, len(stream), batch_size):
        batch = stream[start : start + batch_size]
        async with create_session_factory(together)() as session, session.begin():
            await assemble_events(
                [(event, channel_of(event)) for event in batch],
                SqlPathwayBatches(session),
                SqlOrganisations(session),
                published_together,
            )

    assert await projection_hash(together) == await projection_hash(one_by_one)
    assert published_together.published == published_one_by_one.published
    assert len(published_together.published) > len(stream) - 2, "entries, stage changes and an alert"
    assert await stored_snapshots(together) == await folded_snapshots(together)
    assert await stored_snapshots(one_by_one) == await folded_snapshots(together)
    assert await withdrawn_alerts(together) == await withdrawn_alerts(one_by_one) == len(persons)


async def withdrawn_alerts(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        query = text("SELECT count(*) FROM raised_alerts WHERE withdrawn_by_id IS NOT NULL")
        return int((await connection.execute(query)).scalar_one())


async def stored_snapshots(engine: AsyncEngine) -> dict[str, PathwaySnapshot]:
    async with engine.connect() as connection:
        rows = await connection.execute(text("SELECT person_id, snapshot FROM pathways"))
        return {person_id: snapshot_from_json(stored) for person_id, stored in rows}


async def folded_snapshots(engine: AsyncEngine) -> dict[str, PathwaySnapshot]:
    """What each stored timeline folds to, read whole."""
    async with create_session_factory(engine)() as session, session.begin():
        pathways = SqlPathways(session)
        persons = await pathways.person_ids_after(None, limit=100)
        return {person_id: (await pathways.load_for_update(person_id)).snapshot for person_id in persons}


async def test_a_refused_event_leaves_the_whole_batch_unapplied(
    one_at_a_time_and_together: tuple[AsyncEngine, AsyncEngine], events: Any
) -> None:
    _, together = one_at_a_time_and_together
    outsider = type(events)()
    await register_partners(together, [events, outsider])
    batch = [events.referral_sent(0), events.member_added(1), events.barrier_identified(2, uuid4())]
    batch.append(events.training_entered(3, sender=outsider.partner))
    empty_hash = await projection_hash(together)

    with pytest.raises(RefusedEventError):
        async with create_session_factory(together)() as session, session.begin():
            await assemble_events(
                [(event, channel_of(event)) for event in batch],
                SqlPathwayBatches(session),
                SqlOrganisations(session),
                RecordingPublisher(),
            )

    assert await projection_hash(together) == empty_hash


async def test_an_event_already_on_a_timeline_is_skipped_whoever_it_is_about(
    one_at_a_time_and_together: tuple[AsyncEngine, AsyncEngine], events: Any
) -> None:
    """A source and an id name one event: the same reference about another person is a duplicate too,
    skipped in a batch and one at a time alike, as the inbox skipped it before the batches stopped
    claiming there."""
    _, together = one_at_a_time_and_together
    other = type(events)()
    await register_partners(together, [events, other])
    sent = events.referral_sent(0)
    about_the_other = replace(sent, person_id=str(other.person_id))
    fresh = other.referral_sent(1)

    async def in_a_batch(*batch: RecordedEvent) -> set[EventReference]:
        async with create_session_factory(together)() as session, session.begin():
            return await assemble_events(
                [(event, channel_of(event)) for event in batch],
                SqlPathwayBatches(session),
                SqlOrganisations(session),
                RecordingPublisher(),
            )

    assert await in_a_batch(sent) == set()
    assert await in_a_batch(sent, about_the_other, fresh) == {sent.reference}
    async with create_session_factory(together)() as session, session.begin():
        changes = await assemble_event(
            about_the_other,
            SqlPathways(session),
            SqlOrganisations(session),
            RecordingPublisher(),
            channel=channel_of(about_the_other),
        )

    assert changes == []
    assert await entries_of(together) == sorted(
        [(str(events.person_id), str(sent.event_id)), (str(other.person_id), str(fresh.event_id))]
    )


async def entries_of(engine: AsyncEngine) -> list[tuple[str, str]]:
    async with engine.connect() as connection:
        query = text("SELECT person_id, event_id::text FROM timeline_entries")
        return sorted((str(person), str(event_id)) for person, event_id in await connection.execute(query))
