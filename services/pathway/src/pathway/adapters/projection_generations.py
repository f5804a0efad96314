"""All SQL about projection generations: which one is live, creating the next, switching to it and
dropping an old one; and connections that read and write the generation they are pointed at.

A generation is a PostgreSQL schema holding the projection tables (timelines, pathways, alerts and
the assembler's inbox). Connections find them through `search_path` (`projection_N, public`), so the
same SQL serves every generation while reference data stays in `public`."""

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import MetaData, event, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from pathway.adapters.tables import (
    PROJECTION_TABLES,
    active_projection,
    inbox,
    projection_generations,
)
from service_kit.database import create_database_engine

FIRST_GENERATION = 1
_SCHEMA_NAME = re.compile(r"^(public|projection_[1-9][0-9]*)$")
_SEARCH_PATH = "pathway_search_path"
_EMPTY_FIRST_GENERATION = text("TRUNCATE public.pathways, public.timeline_entries, public.raised_alerts")


@dataclass(frozen=True)
class Generation:
    number: int
    schema: str


class ProjectionGenerationError(Exception):
    """A generation that cannot be switched to or dropped (unknown, already dropped, or live)."""


def generation(number: int) -> Generation:
    """Generation 1 is where the tables always were; later ones get a schema of their own."""
    if number < FIRST_GENERATION:
        raise ProjectionGenerationError(f"there is no generation {number}")
    return Generation(number, "public" if number == FIRST_GENERATION else f"projection_{number}")


class ProjectionSchema:
    """The generation new connections of an engine use; moved when the pointer moves."""

    def __init__(self, current: Generation = generation(FIRST_GENERATION)) -> None:  # noqa: B008 - frozen
        self.current = current


def follow_projection_schema(engine: AsyncEngine, schema: ProjectionSchema) -> None:
    """Each connection, as it is checked out, is set to the generation `schema` names at that moment;
    a transaction already under way finishes on the generation it started on."""

    @event.listens_for(engine.sync_engine, "checkout")
    def use_current_generation(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        wanted = schema.current.schema
        if record.info.get(_SEARCH_PATH) == wanted:
            return
        if not _SCHEMA_NAME.match(wanted):
            raise ProjectionGenerationError(f"not a projection schema: {wanted!r}")
        # Outside any transaction, or a rollback would undo the setting.
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"SET SESSION search_path TO {wanted}, public")
        finally:
            cursor.close()
            dbapi_connection.autocommit = autocommit
        record.info[_SEARCH_PATH] = wanted


def projection_engine(database_url: str, schema: ProjectionSchema, *, pool_size: int = 10) -> AsyncEngine:
    engine = create_database_engine(database_url, pool_size=pool_size)
    follow_projection_schema(engine, schema)
    return engine


async def live_projection_engine(database_url: str, *, pool_size: int = 10) -> AsyncEngine:
    """An engine on the generation live now (it does not follow later switches)."""
    schema = ProjectionSchema()
    engine = projection_engine(database_url, schema, pool_size=pool_size)
    async with engine.connect() as connection:
        schema.current = generation(
            (await connection.execute(select(active_projection.c.generation))).scalar_one()
        )
    return engine


class SqlProjectionGenerations:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def active(self) -> Generation:
        number = (await self._session.execute(select(active_projection.c.generation))).scalar_one()
        return generation(number)

    async def create_next(self) -> Generation:
        """A new, empty generation after the last one ever made (dropped ones included)."""
        await self._session.execute(text("LOCK TABLE projection_generations IN EXCLUSIVE MODE"))
        last = await self._session.scalar(select(func.max(projection_generations.c.generation)))
        created = generation((last or FIRST_GENERATION) + 1)
        await self._session.execute(
            projection_generations.insert().values(generation=created.number, schema_name=created.schema)
        )
        await self._session.execute(text(f"CREATE SCHEMA {created.schema}"))
        connection = await self._session.connection()
        await connection.run_sync(_create_projection_tables, created.schema)
        return created

    async def switch_to(self, number: int, *, instead_of: Generation | None = None) -> None:
        """`instead_of`: refuse if another switch moved the pointer away from it meanwhile."""
        await self._existing(number)
        if instead_of is not None:
            live = (
                await self._session.execute(select(active_projection.c.generation).with_for_update())
            ).scalar_one()
            if live != instead_of.number:
                raise ProjectionGenerationError(f"generation {live} went live meanwhile: not switched")
        await self._session.execute(
            active_projection.update().values(generation=number, switched_at=func.now())
        )

    async def drop(self, number: int, *, assembler_group: str) -> None:
        """Generation 1's tables are emptied rather than dropped: the migrations know them in `public`."""
        await self._existing(number)
        if (await self.active()).number == number:
            raise ProjectionGenerationError(f"generation {number} is live: switch to another one first")
        dropped = generation(number)
        if dropped.schema == "public":
            await self._session.execute(
                text("TRUNCATE public.pathways, public.timeline_entries, public.raised_alerts")
            )
            await self._session.execute(
                text(f"DELETE FROM public.{inbox.name} WHERE consumer = :consumer"),  # noqa: S608 - constant
                {"consumer": assembler_group},
            )
        else:
            await self._session.execute(text(f"DROP SCHEMA {dropped.schema} CASCADE"))
        await self._session.execute(
            projection_generations.update()
            .where(projection_generations.c.generation == number)
            .values(dropped_at=func.now())
        )

    async def _existing(self, number: int) -> None:
        dropped_at = projection_generations.c.dropped_at
        found = await self._session.execute(
            select(dropped_at).where(projection_generations.c.generation == number).with_for_update()
        )
        row = found.one_or_none()
        if row is None:
            raise ProjectionGenerationError(f"there is no generation {number}")
        if row.dropped_at is not None:
            raise ProjectionGenerationError(f"generation {number} was dropped")


def _create_projection_tables(connection: Connection, schema: str) -> None:
    in_schema = MetaData()
    for table in PROJECTION_TABLES:
        table.to_metadata(in_schema, schema=schema)
    in_schema.create_all(connection)
