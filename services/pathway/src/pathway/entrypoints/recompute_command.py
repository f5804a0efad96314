"""`pathway recompute`: rebuild every pathway's stored state from its timeline in the live projection
generation, one batch per transaction, while the service keeps running (each pathway is locked as it is
rebuilt)."""

import argparse
import asyncio
import sys
from collections.abc import Sequence

from pathway.adapters.pathway_repository import SqlPathways
from pathway.adapters.projection_generations import live_projection_engine
from pathway.config import PathwaySettings
from pathway.service.recompute_pathways import recompute_pathways
from service_kit.database import create_session_factory

COMMAND = "recompute"


async def recompute_every_pathway(database_url: str, batch_size: int) -> int:
    engine = await live_projection_engine(database_url, pool_size=1)
    sessions = create_session_factory(engine)
    recomputed, after = 0, None
    try:
        while True:
            async with sessions() as session, session.begin():
                batch = await recompute_pathways(SqlPathways(session), after=after, batch_size=batch_size)
            if not batch:
                return recomputed
            recomputed, after = recomputed + len(batch), batch[-1]
    finally:
        await engine.dispose()


def run_recompute(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"pathway {COMMAND}", description=__doc__)
    parser.add_argument("--batch-size", type=int, default=200)
    arguments = parser.parse_args(argv)
    settings = PathwaySettings()
    count = asyncio.run(recompute_every_pathway(settings.database_url, arguments.batch_size))
    sys.stdout.write(f"recomputed {count} pathways\n")
