"""`pathway rebuild` on the real broker and database, beside a running `pathway serve`: the topics
replayed from their beginning into a fresh generation give the same content hash as the live projection,
with progress and rate on the way, and nothing published or dead-lettered a second time."""

import asyncio
import re
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import uuid4

import pytest
from pathway_world import PathwayWorld

from devstack.eventually import eventually
from event_contracts.catalogue.codes import OrganisationKind
from event_contracts.topics import dead_letter_topic
from pathway.adapters.kafka_offsets import committed_offsets

ReadTopic = Callable[[str], Awaitable[list[Any]]]
BLOCKING = "blocking_barrier"
HASH = re.compile(r"^[0-9a-f]{64}$")
PROGRESS = re.compile(r"^generation 2: ([\d,]+) / ([\d,]+) offsets \(([\d.]+) %\), ([\d,]+) events/s$")


async def pathway_command(world: PathwayWorld, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pathway", *arguments]
    return await asyncio.to_thread(
        subprocess.run, command, env=world.env, capture_output=True, text=True, timeout=180
    )


async def projection_hash(world: PathwayWorld, *generation: str) -> str:
    done = await pathway_command(world, "projection-hash", *generation)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture
async def live(pathway_world: PathwayWorld, pathway_events) -> PathwayWorld:
    """`pathway serve` running, the partner registered beforehand, its alert sweeper looking often."""
    pathway_events.region = pathway_world.region
    partner = str(pathway_events.partner)
    await pathway_world.register_directly(
        partner, OrganisationKind.SUPPORT_PARTNER, ["barrier.*", "training.*"]
    )
    service = pathway_world.service()
    # Its sweeper raises the alerts only time raises as soon as they are due: no replay can know when.
    service.start({"PATHWAY_ALERT_SWEEP_INTERVAL_SECONDS": "0.5"})
    await service.wait_ready()
    return pathway_world


async def assembled_by_the_live_generation(world: PathwayWorld, events: Any, read_topic: ReadTopic) -> int:
    """Late events, a retraction, a duplicate, an alert and a refusal; the number of records sent."""
    outsider, barrier = type(events)(region=world.region, partner=events.partner), uuid4()
    referral_events = [events.referral_sent(0), events.member_added(1), outsider.referral_sent(0)]
    referral_events.append(events.referral_accepted(2))
    await world.publish(referral_events)
    await eventually(lambda: world.count("SELECT count(*) FROM timeline_entries"), lambda found: found == 4)
    training = events.training_entered(5)
    partner_events = [events.barrier_identified(3, barrier), training, training]
    partner_events += [events.barrier_action_started(2.5, barrier), events.retraction(6, of=training)]
    partner_events.append(outsider.barrier_identified(2, uuid4()))
    await world.publish_from_partners(partner_events)
    await eventually(lambda: world.count("SELECT count(*) FROM timeline_entries"), lambda found: found == 8)
    dead_letters = dead_letter_topic(world.topics.partner_events)
    await eventually(lambda: read_topic(dead_letters), lambda found: len(found) == 1)
    nothing_left_due = "SELECT count(*) FROM pathways WHERE next_alert_due_at <= now()"
    await eventually(lambda: world.count(nothing_left_due), lambda found: found == 0)
    return len(referral_events) + len(partner_events)


async def test_a_rebuild_gives_the_same_hash_as_the_live_projection_and_publishes_nothing(
    live: PathwayWorld, pathway_events, read_topic: ReadTopic
) -> None:
    sent = await assembled_by_the_live_generation(live, pathway_events, read_topic)
    published_before = await live.count("SELECT count(*) FROM outbox")

    rebuilt = await pathway_command(live, "rebuild", "--report-every", "0.1")

    assert rebuilt.returncode == 0, rebuilt.stderr
    lines = rebuilt.stdout.splitlines()
    assert lines[0].startswith(f"rebuilding generation 2 (schema projection_2, group {live.assembler_group}")
    progress = [PROGRESS.match(line) for line in lines if PROGRESS.match(line)]
    assert progress, rebuilt.stdout
    assert (progress[-1][1], progress[-1][2], progress[-1][3]) == (str(sent), str(sent), "100.0")
    assert lines[-1].startswith("generation 2 caught up with the end offsets taken at the start: ")
    assert f": {sent} events in " in lines[-1]
    assert lines[-1].endswith(", 1 refused again")
    live_hash, rebuilt_hash = await projection_hash(live), await projection_hash(live, "--generation", "2")
    assert HASH.match(live_hash)
    assert rebuilt_hash == live_hash
    assert await live.count("SELECT count(*) FROM projection_2.timeline_entries") == 8
    assert await live.count(f"SELECT count(*) FROM projection_2.raised_alerts WHERE kind = '{BLOCKING}'") == 1
    assert await live.count(f"SELECT count(*) FROM raised_alerts WHERE kind <> '{BLOCKING}'") > 0, (
        "the live generation's sweeper raised alerts that only time raises: they are not in the hash"
    )
    assert await live.count("SELECT count(*) FROM outbox") == published_before
    assert len(await read_topic(dead_letter_topic(live.topics.partner_events))) == 1
    assert await live.count("SELECT generation FROM active_projection") == 1, "no switch unless asked"


async def test_a_projection_that_assembled_other_events_hashes_differently(
    live: PathwayWorld, pathway_events, read_topic: ReadTopic
) -> None:
    await assembled_by_the_live_generation(live, pathway_events, read_topic)
    rebuilt = await pathway_command(live, "rebuild", "--report-every", "0.1")
    assert rebuilt.returncode == 0, rebuilt.stderr

    await live.publish([pathway_events.referral_started(4)])
    await eventually(lambda: live.count("SELECT count(*) FROM timeline_entries"), lambda found: found == 9)

    assert await projection_hash(live) != await projection_hash(live, "--generation", "2")


async def lines_until(stream: asyncio.StreamReader, ending: str) -> list[str]:
    lines: list[str] = []
    while not (lines and ending in lines[-1]):
        line = (await stream.readline()).decode()
        if not line:
            break
        lines.append(line)
    return lines


async def test_a_rebuild_that_keeps_tailing_assembles_what_comes_next_until_it_is_stopped(
    live: PathwayWorld, pathway_events
) -> None:
    first, later = pathway_events.referral_sent(0), pathway_events.member_added(1)
    await live.publish([first])
    await eventually(lambda: live.count("SELECT count(*) FROM timeline_entries"), lambda found: found == 1)
    command = [sys.executable, "-m", "pathway", "rebuild", "--keep-tailing", "--report-every", "0.2"]
    tailing = await asyncio.create_subprocess_exec(*command, env=live.env, stdout=subprocess.PIPE)
    try:
        assert tailing.stdout is not None
        before = await asyncio.wait_for(lines_until(tailing.stdout, "caught up"), timeout=120)
        await live.publish([later])
        tailed = await eventually(
            lambda: live.rows("SELECT event_id FROM projection_2.timeline_entries ORDER BY seq"),
            lambda found: len(found) == 2,
        )
        tailing.send_signal(signal.SIGTERM)
        exit_code = await asyncio.wait_for(tailing.wait(), timeout=60)
    finally:
        if tailing.returncode is None:
            tailing.kill()
            await tailing.wait()

    assert "caught up" in before[-1]
    assert [str(event_id) for (event_id,) in tailed] == [str(first.id), str(later.id)]
    assert exit_code == 0
    group = f"{live.assembler_group}.generation-2"
    assert sum((await committed_offsets(live.bootstrap, group)).values()) == 2, "offsets committed on stop"


async def test_a_service_started_after_a_switch_assembles_in_the_live_generation(
    pathway_world: PathwayWorld, pathway_events
) -> None:
    world = pathway_world
    pathway_events.region = world.region
    events = [pathway_events.referral_sent(0), pathway_events.member_added(1)]
    rebuilt = await pathway_command(world, "rebuild")
    switched = await pathway_command(world, "switch-projection", "2")
    assert (rebuilt.returncode, switched.returncode) == (0, 0), rebuilt.stderr + switched.stderr
    assert "caught up" in rebuilt.stdout.splitlines()[-1], "empty topics: caught up at once"
    service = world.service()
    service.start()
    await service.wait_ready()

    await world.publish(events)

    on_generation_two = await eventually(
        lambda: world.rows("SELECT event_id FROM projection_2.timeline_entries ORDER BY seq"),
        lambda found: len(found) == 2,
    )
    assert [str(event_id) for (event_id,) in on_generation_two] == [str(event.id) for event in events]
    assert await world.count("SELECT count(*) FROM public.timeline_entries") == 0
    group = f"{world.assembler_group}.generation-2"
    committed = await eventually(
        lambda: committed_offsets(world.bootstrap, group), lambda found: sum(found.values()) == 2
    )
    assert sum(committed.values()) == 2, "the assembler consumes in generation 2's group"


async def test_no_switch_while_the_live_generation_has_not_assembled_what_the_rebuild_has(
    pathway_world: PathwayWorld, pathway_events
) -> None:
    pathway_events.region = pathway_world.region
    await pathway_world.publish([pathway_events.referral_sent(0)])

    refused = await pathway_command(pathway_world, "rebuild", "--switch", "--live-wait", "2")

    assert refused.returncode == 1
    assert "live generation 1 is behind the rebuild: not switched" in refused.stderr
    assert await pathway_world.count("SELECT generation FROM active_projection") == 1
    assert await pathway_world.count("SELECT count(*) FROM projection_2.timeline_entries") == 1
