"""Switching over to a rebuilt projection without downtime, on the real broker and database: while
events keep coming and a caseworker keeps reading, `pathway rebuild --switch` makes generation 2 live;
the running `pathway serve` moves its reads and its assembler to it. Every read answers 200, and every
event sent before, during and after the switch is on generation 2's timelines exactly once."""

import asyncio
import subprocess
import sys
from typing import Any

import pytest
from pathway_world import Answer, PathwayWorld, request_over_http
from service_process import ServiceProcess, metric_value

from devstack.eventually import eventually
from event_contracts.catalogue.codes import OrganisationKind
from event_contracts.envelope import CloudEvent


async def pathway_command(world: PathwayWorld, *arguments: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "pathway", *arguments]
    return await asyncio.to_thread(
        subprocess.run, command, env=world.env, capture_output=True, text=True, timeout=180
    )


class SteadyTraffic:
    """New persons referred one after another on the referral topic, each with a care team, until stopped;
    at a modest pace (a pause between persons), since this is about order and counts, not load."""

    pause_seconds = 0.1

    def __init__(self, world: PathwayWorld, events: Any) -> None:
        self.world, self.events, self.sent = world, events, list[CloudEvent]()
        self.stopping = asyncio.Event()

    async def run(self) -> None:
        while not self.stopping.is_set():
            person = type(self.events)(region=self.world.region, partner=self.events.partner)
            batch = [person.referral_sent(0), person.member_added(1)]
            await self.world.publish(batch)
            self.sent += batch
            await asyncio.sleep(self.pause_seconds)


class SteadyReads:
    """A caseworker of the care team reading one person's timeline over and over, until stopped."""

    def __init__(self, port: int, path: str, token: str) -> None:
        self.port, self.path, self.token = port, path, token
        self.answers = list[Answer]()
        self.stopping = asyncio.Event()

    async def run(self) -> None:
        headers = {"Authorization": f"Bearer {self.token}"}
        while not self.stopping.is_set():
            answer = await asyncio.to_thread(request_over_http, "GET", self.port, self.path, headers=headers)
            self.answers.append(answer)


@pytest.fixture
async def serving(pathway_world: PathwayWorld, pathway_events, identity_provider) -> ServiceProcess:
    pathway_events.region = pathway_world.region
    service = pathway_world.service()
    oidc = {f"PATHWAY_{name.upper()}": value for name, value in identity_provider.settings().items()}
    service.start(oidc | {"PATHWAY_PROJECTION_POLL_INTERVAL_SECONDS": "0.5"})
    await pathway_world.register_organisation(
        str(pathway_events.partner), OrganisationKind.SUPPORT_PARTNER, ["barrier.*", "training.*"]
    )
    await service.wait_ready()
    return service


async def test_reads_keep_answering_and_every_event_lands_once_in_the_new_generation_across_a_switch(
    pathway_world: PathwayWorld, serving: ServiceProcess, pathway_events, identity_provider
) -> None:
    world, events = pathway_world, pathway_events
    first = [events.referral_sent(0), events.member_added(1)]
    await world.publish(first)
    await eventually(lambda: world.count("SELECT count(*) FROM timeline_entries"), lambda found: found == 2)
    traffic = SteadyTraffic(world, events)
    path = f"/persons/{events.person_id}/timeline?purpose=follow_up"
    reads = SteadyReads(serving.port, path, identity_provider.token(events.partner))
    running = [asyncio.create_task(traffic.run()), asyncio.create_task(reads.run())]

    switched = await pathway_command(
        world, "rebuild", "--switch", "--report-every", "0.2", "--live-wait", "60"
    )

    assert switched.returncode == 0, switched.stderr
    assert switched.stdout.splitlines()[-1].startswith("generation 2 is live")
    new_group = f"{world.assembler_group}.generation-2"
    applied_in_new_group = f'events_consumed_total{{consumer="{new_group}",outcome="applied"}}'
    moved = await eventually(
        serving.metrics, lambda found: metric_value(found, applied_in_new_group) > 0, timeout_seconds=90
    )
    assert metric_value(moved, applied_in_new_group) > 0, "the running service assembles in generation 2"
    traffic.stopping.set()
    await running[0]
    marker = events.referral_accepted(2)
    await world.publish([marker])
    sent_ids = sorted(str(event.id) for event in [*first, *traffic.sent, marker])
    on_generation_two = await eventually(
        lambda: world.rows("SELECT event_id FROM projection_2.timeline_entries"),
        lambda found: len(found) >= len(sent_ids),
        timeout_seconds=90,
    )
    reads.stopping.set()
    await running[1]

    assert sorted(str(event_id) for (event_id,) in on_generation_two) == sent_ids
    assert await world.count(f"SELECT count(*) FROM timeline_entries WHERE event_id = '{marker.id}'") == 0, (
        "the old generation's assembler stopped before the new one started"
    )
    assert len(traffic.sent) >= 2
    assert len(reads.answers) >= 2
    assert {answer.status for answer in reads.answers} == {200}
    last = await asyncio.to_thread(
        request_over_http, "GET", serving.port, path, headers={"Authorization": f"Bearer {reads.token}"}
    )
    assert [entry["seq"] for entry in last.json()["entries"]] == [1, 2, 3], "read from generation 2"
