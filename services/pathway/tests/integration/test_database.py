import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from uuid import uuid4

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from event_contracts.catalogue.codes import OrganisationKind
from pathway.adapters.organisation_repository import SqlOrganisations
from pathway.adapters.pathway_batches import SqlPathwayBatches
from pathway.adapters.pathway_repository import SqlPathways
from pathway.adapters.tables import metadata
from pathway.domain.senders import Organisation
from pathway.entrypoints.cli import MIGRATIONS
from pathway.entrypoints.recompute_command import recompute_every_pathway
from service_kit.database import create_database_engine, create_session_factory
from service_kit.migrations import upgrade_to_head


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> str:
    if not request.config.pluginmanager.has_plugin("devstack"):
        pytest.skip("needs the real PostgreSQL server of the devstack plugin")
    url = request.getfixturevalue("fresh_database")
    assert isinstance(url, str)
    return url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    # Alembic runs its own event loop (asyncio.run), so it needs a thread without one.
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, database_url)
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, database_url)  # a second run finds nothing to do
    engine = create_database_engine(database_url, pool_size=2)
    yield engine
    await engine.dispose()


async def test_the_migrated_schema_is_exactly_the_tables_module(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        drift = await connection.run_sync(
            lambda sync: compare_metadata(
                MigrationContext.configure(sync, opts={"compare_type": True}), metadata
            )
        )

    assert drift == []


async def test_a_pathway_reloads_as_it_was_saved_with_its_retractions_and_alerts(
    engine: AsyncEngine, events
) -> None:
    barrier, training = uuid4(), events.training_entered(3)
    sessions = create_session_factory(engine)
    async with sessions() as session, session.begin():
        pathways = SqlPathways(session)
        pathway = await pathways.load_for_update(str(events.person_id))
        for event in [events.referral_sent(0), events.barrier_identified(4, barrier), training]:
            await pathways.save(pathway, pathway.record(event))
        await pathways.save(pathway, pathway.record(events.retraction(5, of=training)))

    async with sessions() as session, session.begin():
        reloaded = await SqlPathways(session).load_for_update(str(events.person_id))
        stored = (await session.execute(text("SELECT stage, state FROM pathways"))).one()

    assert reloaded.entries == pathway.entries
    assert reloaded.raised_alerts == pathway.raised_alerts != frozenset()
    assert [entry.arrived_late for entry in reloaded.entries] == [False, False, True, False]
    assert stored.stage == "referred"
    assert stored.state["barriers"][str(barrier)]["status"] == "identified"


async def test_a_batch_reads_a_whole_timeline_only_when_it_may_fold_it_again(
    engine: AsyncEngine, events
) -> None:
    """Events after every stored one resume the pathway from its snapshot; a late event, a retraction
    or a pathway stored without a snapshot (before migration 0007) read the whole timeline."""
    sent, accepted = events.referral_sent(0), events.referral_accepted(2)
    sessions = create_session_factory(engine)
    async with sessions() as session, session.begin():
        pathways = SqlPathways(session)
        pathway = await pathways.load_for_update(str(events.person_id))
        for event in [sent, events.member_added(1), accepted]:
            await pathways.save(pathway, pathway.record(event))

    async def loaded(*batch):
        async with sessions() as session, session.begin():
            locked = await SqlPathwayBatches(session).load_many_for_update(batch)
            return locked.pathways[str(events.person_id)]

    resumed = await loaded(events.referral_started(3), accepted)
    assert resumed.entries == [], "no entry read"
    assert resumed.snapshot == pathway.snapshot
    assert resumed.entry_for(accepted.reference) == pathway.entry_for(accepted.reference)
    assert resumed.record(accepted) == [], "an event of the batch already recorded is seen as such"
    assert len((await loaded(events.barrier_identified(1.5, uuid4()))).entries) == 3, "late"
    assert len((await loaded(events.retraction(3, of=accepted))).entries) == 3, "retraction"
    async with engine.begin() as connection:
        await connection.execute(text("UPDATE pathways SET snapshot = NULL"))
    legacy = await loaded(events.referral_started(3))
    assert len(legacy.entries) == 3
    assert legacy.snapshot == pathway.snapshot


async def test_registering_an_organisation_again_replaces_its_kind_and_rights(engine: AsyncEngine) -> None:
    organisation_id = str(uuid4())
    sessions = create_session_factory(engine)
    for rights in [("barrier.*",), ("barrier.*", "training.entered")]:
        async with sessions() as session, session.begin():
            await SqlOrganisations(session).register(
                Organisation(organisation_id, OrganisationKind.SUPPORT_PARTNER, rights)
            )

    async with sessions() as session:
        found = await SqlOrganisations(session).get(organisation_id)
        unknown = await SqlOrganisations(session).get(str(uuid4()))

    assert found == Organisation(organisation_id, "support_partner", ("barrier.*", "training.entered"))
    assert unknown is None


async def test_pathways_are_found_when_their_next_time_based_alert_falls_due(
    engine: AsyncEngine, events
) -> None:
    sessions = create_session_factory(engine)
    async with sessions() as session, session.begin():
        pathways = SqlPathways(session)
        pathway = await pathways.load_for_update(str(events.person_id))
        await pathways.save(pathway, pathway.record(events.referral_sent(0)))
    due_at = pathway.next_alert_due_at
    assert due_at is not None

    async with sessions() as session, session.begin():
        before = await SqlPathways(session).with_alerts_due(due_at - timedelta(seconds=1), limit=10)
        at = await SqlPathways(session).with_alerts_due(due_at, limit=10)

    assert before == []
    assert at == [str(events.person_id)]


async def test_recomputing_rebuilds_the_stored_state_of_every_pathway_from_its_timeline(
    engine: AsyncEngine, database_url: str, events
) -> None:
    others = type(events)()
    sessions = create_session_factory(engine)
    async with sessions() as session, session.begin():
        pathways = SqlPathways(session)
        for person_events in (events, others):
            pathway = await pathways.load_for_update(str(person_events.person_id))
            await pathways.save(pathway, pathway.record(person_events.referral_sent(0)))
    stored = (
        "SELECT stage, next_alert_due_at IS NOT NULL, state ? 'barriers' FROM pathways ORDER BY person_id"
    )
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE pathways SET stage = NULL, state = '{}', next_alert_due_at = NULL")
        )

    recomputed = await recompute_every_pathway(database_url, batch_size=1)

    async with engine.connect() as connection:
        rows = [tuple(row) for row in await connection.execute(text(stored))]
    assert recomputed == 2
    assert rows == [("referred", True, True), ("referred", True, True)]
