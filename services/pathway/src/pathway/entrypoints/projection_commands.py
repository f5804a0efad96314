"""`pathway projection-hash [--generation N]` prints the content hash of a projection generation (the live
one by default); `pathway switch-projection N` makes a kept generation live again (a rollback);
`pathway drop-projection N` drops a generation that is not live."""

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from pathway.adapters.projection_generations import (
    ProjectionGenerationError,
    ProjectionSchema,
    SqlProjectionGenerations,
    generation,
    live_projection_engine,
    projection_engine,
)
from pathway.adapters.projection_hash import projection_hash
from pathway.config import PathwaySettings
from service_kit.database import create_database_engine, create_session_factory

PROJECTION_HASH = "projection-hash"
SWITCH_PROJECTION = "switch-projection"
DROP_PROJECTION = "drop-projection"

T = TypeVar("T")


async def hash_of_generation(database_url: str, number: int | None) -> str:
    """The hash of generation `number`, or of the live one."""
    if number is None:
        engine = await live_projection_engine(database_url, pool_size=1)
    else:
        engine = projection_engine(database_url, ProjectionSchema(generation(number)), pool_size=1)
    try:
        return await projection_hash(engine)
    finally:
        await engine.dispose()


async def _in_transaction(database_url: str, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    engine = create_database_engine(database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            return await work(session)
    finally:
        await engine.dispose()


def run_projection_hash(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"pathway {PROJECTION_HASH}", description=__doc__)
    parser.add_argument("--generation", type=int, help="the live generation when left out")
    arguments = parser.parse_args(argv)
    digest = asyncio.run(hash_of_generation(PathwaySettings().database_url, arguments.generation))
    sys.stdout.write(digest + "\n")


def run_switch_projection(argv: Sequence[str]) -> None:
    number = _generation_argument(SWITCH_PROJECTION, argv)
    database_url = PathwaySettings().database_url
    _refusing_errors(
        lambda: _in_transaction(database_url, lambda s: SqlProjectionGenerations(s).switch_to(number))
    )
    sys.stdout.write(f"generation {number} is live\n")


def run_drop_projection(argv: Sequence[str]) -> None:
    number = _generation_argument(DROP_PROJECTION, argv)
    settings = PathwaySettings()
    group = settings.assembler_group_of(number)

    def drop(session: AsyncSession) -> Awaitable[None]:
        return SqlProjectionGenerations(session).drop(number, assembler_group=group)

    _refusing_errors(lambda: _in_transaction(settings.database_url, drop))
    sys.stdout.write(f"generation {number} dropped; its consumer group {group} may be deleted\n")


def _generation_argument(command: str, argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog=f"pathway {command}", description=__doc__)
    parser.add_argument("generation", type=int)
    return int(parser.parse_args(argv).generation)


def _refusing_errors(work: Callable[[], Coroutine[Any, Any, None]]) -> None:
    try:
        asyncio.run(work())
    except ProjectionGenerationError as refused:
        sys.stderr.write(f"{refused}\n")
        raise SystemExit(1) from refused
