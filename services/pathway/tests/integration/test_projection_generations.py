"""Projection generations on the real PostgreSQL server: the tables that were there are generation 1,
data and all; a new generation is a schema of its own with every projection table; only a generation
that is not live may be dropped, and reference data survives it."""

import asyncio
from datetime import UTC, datetime
from uuid import uuid4

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from pathway.adapters.projection_generations import (
    ProjectionGenerationError,
    ProjectionSchema,
    SqlProjectionGenerations,
    generation,
    projection_engine,
)
from pathway.entrypoints.cli import MIGRATIONS
from service_kit.database import create_database_engine, create_session_factory
from service_kit.migrations import alembic_config, upgrade_to_head


async def _rows(engine: AsyncEngine, query: str) -> list[tuple[object, ...]]:
    async with engine.connect() as connection:
        return [tuple(row) for row in (await connection.execute(text(query))).all()]


async def test_the_tables_already_there_become_generation_one_with_their_data(fresh_database: str) -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(MIGRATIONS, fresh_database), "0005")
    engine = create_database_engine(fresh_database, pool_size=1)
    person = str(uuid4())
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO timeline_entries (person_id, seq, event_type, event_source, event_id,"
                " occurred_at, data, dataschema) VALUES (:person, 1, 't', '/s', :id, now(), '{}', 'd')"
            ),
            {"person": person, "id": uuid4()},
        )

    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, fresh_database)

    assert await _rows(engine, "SELECT person_id FROM timeline_entries") == [(person,)]
    assert await _rows(engine, "SELECT generation FROM active_projection") == [(1,)]
    assert await _rows(engine, "SELECT generation, schema_name FROM projection_generations") == [
        (1, "public")
    ]
    await engine.dispose()


@pytest.fixture
async def engine(fresh_database: str) -> AsyncEngine:
    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, fresh_database)
    return create_database_engine(fresh_database, pool_size=1)


async def test_a_new_generation_has_every_projection_table_of_its_own_and_becomes_live_when_switched_to(
    engine: AsyncEngine, fresh_database: str
) -> None:
    sessions = create_session_factory(engine)
    async with sessions() as session, session.begin():
        created = await SqlProjectionGenerations(session).create_next()
    async with sessions() as session, session.begin():
        still_live = await SqlProjectionGenerations(session).active()
        await SqlProjectionGenerations(session).switch_to(created.number)
    async with sessions() as session, session.begin():
        live = await SqlProjectionGenerations(session).active()

    assert (created, still_live, live) == (generation(2), generation(1), generation(2))
    with pytest.raises(ProjectionGenerationError, match="generation 2 went live meanwhile"):
        async with sessions() as session, session.begin():
            await SqlProjectionGenerations(session).switch_to(2, instead_of=generation(1))
    tables = await _rows(
        engine,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'projection_2' ORDER BY 1",
    )
    assert tables == [("inbox",), ("pathways",), ("raised_alerts",), ("timeline_entries",)]
    followed = projection_engine(fresh_database, ProjectionSchema(created), pool_size=1)
    assert await _rows(followed, "SELECT current_schemas(false)") == [(["projection_2", "public"],)]
    await followed.dispose()
    await engine.dispose()


async def test_only_a_generation_that_is_not_live_is_dropped_and_reference_data_stays(
    engine: AsyncEngine,
) -> None:
    sessions = create_session_factory(engine)
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO organisations (organisation_id, kind, may_emit)"
                " VALUES (:id, 'support_partner', '{}')"
            ),
            {"id": uuid4()},
        )
        await connection.execute(
            text("INSERT INTO inbox (consumer, event_source, event_id) VALUES ('g', '/s', '1')")
        )
    async with sessions() as session, session.begin():
        await SqlProjectionGenerations(session).create_next()
        await SqlProjectionGenerations(session).create_next()
    with pytest.raises(ProjectionGenerationError, match="live"):
        async with sessions() as session, session.begin():
            await SqlProjectionGenerations(session).drop(1, assembler_group="g")

    async with sessions() as session, session.begin():
        await SqlProjectionGenerations(session).switch_to(2)
        await SqlProjectionGenerations(session).drop(1, assembler_group="g")
    async with sessions() as session, session.begin():
        await SqlProjectionGenerations(session).switch_to(3)
        await SqlProjectionGenerations(session).drop(2, assembler_group="g.generation-2")

    assert await _rows(engine, "SELECT count(*) FROM organisations") == [(1,)]
    assert await _rows(engine, "SELECT count(*) FROM public.inbox") == [(0,)]
    assert await _rows(engine, "SELECT count(*) FROM public.timeline_entries") == [(0,)]
    assert await _rows(engine, "SELECT count(*) FROM pg_namespace WHERE nspname = 'projection_2'") == [(0,)]
    with pytest.raises(ProjectionGenerationError, match="dropped"):
        async with sessions() as session, session.begin():
            await SqlProjectionGenerations(session).switch_to(2)
    await engine.dispose()


async def test_snapshots_are_added_to_every_generation_kept_even_one_rebuilt_before_them(
    fresh_database: str,
) -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(MIGRATIONS, fresh_database), "0006")
    engine = create_database_engine(fresh_database, pool_size=1)
    async with engine.begin() as connection:
        for number, dropped in ((2, False), (3, True)):
            await connection.execute(
                text(
                    "INSERT INTO projection_generations (generation, schema_name, dropped_at)"
                    " VALUES (:n, :s, :d)"
                ),
                {"n": number, "s": f"projection_{number}", "d": datetime.now(UTC) if dropped else None},
            )
        await connection.execute(text("CREATE SCHEMA projection_2"))
        # As a rebuild before migration 0007 made it: without the column.
        await connection.execute(
            text("CREATE TABLE projection_2.pathways (LIKE public.pathways INCLUDING ALL)")
        )

    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, fresh_database)

    with_snapshots = await _rows(
        engine,
        "SELECT table_schema FROM information_schema.columns"
        " WHERE table_name = 'pathways' AND column_name = 'snapshot' ORDER BY table_schema",
    )
    await engine.dispose()
    assert with_snapshots == [("projection_2",), ("public",)]


async def test_withdrawals_are_added_to_the_alerts_of_every_generation_kept(fresh_database: str) -> None:
    await asyncio.to_thread(command.upgrade, alembic_config(MIGRATIONS, fresh_database), "0007")
    engine = create_database_engine(fresh_database, pool_size=1)
    async with engine.begin() as connection:
        await connection.execute(
            text("INSERT INTO projection_generations (generation, schema_name) VALUES (2, 'projection_2')")
        )
        await connection.execute(text("CREATE SCHEMA projection_2"))
        # As a rebuild before migration 0008 made it.
        await connection.execute(
            text("CREATE TABLE projection_2.raised_alerts (LIKE public.raised_alerts INCLUDING ALL)")
        )

    await asyncio.to_thread(upgrade_to_head, MIGRATIONS, fresh_database)

    with_withdrawals = await _rows(
        engine,
        "SELECT table_schema, count(*) FROM information_schema.columns WHERE table_name = 'raised_alerts'"
        " AND column_name LIKE 'withdrawn_%' GROUP BY table_schema ORDER BY table_schema",
    )
    await engine.dispose()
    assert with_withdrawals == [("projection_2", 3), ("public", 3)]
