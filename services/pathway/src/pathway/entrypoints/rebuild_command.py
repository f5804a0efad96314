"""`pathway rebuild`: replay the referral and partner topics from their beginning into a fresh projection
generation, with the assembler's own code and a consumer group of its own, publishing nothing; report
progress and rate until the end offsets taken at the start are reached; then stop, keep tailing, or
switch every running instance over to it (`--switch`)."""

import argparse
import asyncio
import signal
import sys
import time
from collections.abc import Callable, Sequence
from typing import TextIO

from pathway.adapters.kafka_offsets import committed_offsets, topic_bounds
from pathway.adapters.projection_generations import (
    Generation,
    ProjectionGenerationError,
    ProjectionSchema,
    SqlProjectionGenerations,
    projection_engine,
)
from pathway.adapters.timestamp_ordered_replay import TimestampOrderedReplay
from pathway.config import PathwaySettings
from pathway.entrypoints.rebuild_consumer import ReplayedBatch, rebuilding_assembler
from pathway.service.rebuild_progress import Partition, RebuildProgress
from service_kit.batch_consumer import BatchEventConsumer
from service_kit.database import create_database_engine, create_session_factory

COMMAND = "rebuild"


class LiveGenerationBehindError(Exception):
    """The live generation has not assembled everything the rebuild has: switching now would leave
    events assembled by the rebuild alone, which publishes nothing, never published."""


async def create_next_generation(database_url: str) -> tuple[Generation, Generation]:
    """(the live generation, the new empty one)."""
    engine = create_database_engine(database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            generations = SqlProjectionGenerations(session)
            return await generations.active(), await generations.create_next()
    finally:
        await engine.dispose()


async def switch_over(
    settings: PathwaySettings,
    live: Generation,
    rebuilt: Generation,
    reached: dict[Partition, int],
    *,
    wait_seconds: float,
) -> None:
    """Point every instance at `rebuilt`, once the live generation has assembled all the rebuild has
    (the rebuild's own offsets are committed by then)."""
    live_group = settings.assembler_group_of(live.number)
    async with asyncio.timeout(wait_seconds):
        while True:
            committed = await committed_offsets(settings.kafka_bootstrap_servers, live_group)
            if all(committed.get(partition, 0) >= offset for partition, offset in reached.items()):
                break
            await asyncio.sleep(settings.projection_poll_interval_seconds)
    engine = create_database_engine(settings.database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            await SqlProjectionGenerations(session).switch_to(rebuilt.number, instead_of=live)
    finally:
        await engine.dispose()


async def rebuild(
    settings: PathwaySettings,
    out: TextIO,
    *,
    report_every_seconds: float,
    keep_tailing: bool,
    switch: bool,
    live_wait_seconds: float,
) -> Generation:
    live, rebuilt = await create_next_generation(settings.database_url)
    group = settings.assembler_group_of(rebuilt.number)
    _say(out, f"rebuilding generation {rebuilt.number} (schema {rebuilt.schema}, group {group})")
    topics = [settings.topics.referral_events, settings.topics.partner_events]
    beginning, end = await topic_bounds(settings.kafka_bootstrap_servers, topics)
    progress = RebuildProgress(beginning=beginning, end=end)
    replay = TimestampOrderedReplay(
        settings.kafka_bootstrap_servers, group=group, beginning=beginning, end=end
    )
    engine = projection_engine(settings.database_url, ProjectionSchema(rebuilt))
    assembler, dead_letters = rebuilding_assembler(settings, rebuilt.number, create_session_factory(engine))
    started = time.monotonic()
    progress.report(started)
    await replay.start()
    reporter = asyncio.create_task(_report_every(report_every_seconds, progress, rebuilt, out))
    try:
        if not progress.caught_up():
            await _replay(
                replay,
                assembler,
                progress,
                batch_size=settings.assembler_batch_size,
                until=progress.caught_up,
            )
        reporter.cancel()
        _say(out, progress.report(time.monotonic()).line(rebuilt.number))
        elapsed = time.monotonic() - started
        _say(
            out,
            f"generation {rebuilt.number} caught up with the end offsets taken at the start: "
            f"{progress.events:,} events in {elapsed:.1f} s ({progress.events / max(elapsed, 1e-9):,.0f} "
            f"events/s), {dead_letters.withheld:,} refused again",
        )
        if keep_tailing and not switch:
            _stop_on_signals(replay.stopping)
            reporter = asyncio.create_task(_report_every(report_every_seconds, progress, rebuilt, out))
            await _replay(replay, assembler, progress, batch_size=settings.assembler_batch_size)
    finally:
        reporter.cancel()
        await assembler.offsets.close()
        await replay.stop()
        await engine.dispose()
    if switch:
        _say(out, f"waiting for live generation {live.number} to have assembled as much")
        try:
            await switch_over(settings, live, rebuilt, dict(progress.reached), wait_seconds=live_wait_seconds)
        except TimeoutError as timeout:
            behind = f"live generation {live.number} is behind the rebuild: not switched (is it running?)"
            raise LiveGenerationBehindError(behind) from timeout
        _say(out, f"generation {rebuilt.number} is live: running instances move to it at their next look")
    return rebuilt


async def _replay(
    replay: TimestampOrderedReplay,
    assembler: BatchEventConsumer,
    progress: RebuildProgress,
    *,
    batch_size: int,
    until: Callable[[], bool] = lambda: False,
) -> None:
    async for batch in replay.batches(batch_size):
        await assembler(ReplayedBatch(tuple(batch), replay.consumer))
        for record in batch:
            progress.finished((record.topic, record.partition), record.offset)
        if until():
            return


async def _report_every(seconds: float, progress: RebuildProgress, rebuilt: Generation, out: TextIO) -> None:
    while True:
        await asyncio.sleep(seconds)
        _say(out, progress.report(time.monotonic()).line(rebuilt.number))


def _stop_on_signals(stopping: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stop_signal, stopping.set)


def _say(out: TextIO, line: str) -> None:
    out.write(line + "\n")
    out.flush()


def run_rebuild(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"pathway {COMMAND}", description=__doc__)
    parser.add_argument("--report-every", type=float, default=2.0, help="seconds between progress lines")
    parser.add_argument(
        "--keep-tailing", action="store_true", help="once caught up, keep assembling until stopped"
    )
    parser.add_argument("--switch", action="store_true", help="once caught up, make the new generation live")
    parser.add_argument(
        "--live-wait", type=float, default=120.0, help="seconds to wait for the live generation"
    )
    arguments = parser.parse_args(argv)
    try:
        asyncio.run(
            rebuild(
                PathwaySettings(),
                sys.stdout,
                report_every_seconds=arguments.report_every,
                keep_tailing=arguments.keep_tailing,
                switch=arguments.switch,
                live_wait_seconds=arguments.live_wait,
            )
        )
    except (LiveGenerationBehindError, ProjectionGenerationError) as behind:
        sys.stderr.write(f"{behind}\n")
        raise SystemExit(1) from behind
