"""The running service: an event a partner sends over HTTP reaches the timeline, and the same event
produced again on Kafka by the partner's own producer changes nothing."""

import asyncio
import subprocess
import sys
from uuid import uuid4

import pytest
from pathway_world import PathwayWorld, post_over_http
from service_process import metric_value

from devstack.eventually import eventually
from event_contracts.catalogue.codes import OrganisationKind
from event_contracts.http_binding import STRUCTURED_CONTENT_TYPE, to_structured_json


async def test_an_event_sent_over_http_then_produced_to_kafka_is_on_the_timeline_once(
    pathway_world: PathwayWorld, pathway_events
) -> None:
    events, world = pathway_events, pathway_world
    events.region = world.region
    service = world.service()
    service.start()
    await world.register_organisation(str(events.partner), OrganisationKind.SUPPORT_PARTNER, ["barrier.*"])
    key = await world.issue_key(str(events.partner))
    await service.wait_ready()
    await world.publish([events.referral_sent(0), events.member_added(1)])
    await eventually(lambda: world.timeline(events.person_id), lambda entries: len(entries) == 2)
    barrier = events.barrier_identified(2, uuid4())
    headers = {"Authorization": f"Bearer {key}", "Content-Type": STRUCTURED_CONTENT_TYPE}

    sent = await asyncio.to_thread(
        post_over_http, service.port, "/events", headers=headers, body=to_structured_json(barrier)
    )
    await eventually(lambda: world.timeline(events.person_id), lambda entries: len(entries) == 3)
    await world.publish_from_partners([barrier])
    duplicates = f'events_consumed_total{{consumer="{world.assembler_group}",outcome="duplicate"}}'
    metrics = await eventually(service.metrics, lambda text: metric_value(text, duplicates) == 1)
    sent_again = await asyncio.to_thread(
        post_over_http, service.port, "/events", headers=headers, body=to_structured_json(barrier)
    )

    assert sent.status == 200
    assert sent.json()["results"][0]["status"] == "accepted"
    assert metric_value(metrics, duplicates) == 1
    assert [name for name, *_ in await world.timeline(events.person_id)] == [
        "referral.sent",
        "care_team.member_added",
        "barrier.identified",
    ]
    assert sent_again.json()["results"][0]["status"] == "duplicate"


async def test_a_key_is_issued_only_to_a_registered_organisation(pathway_world: PathwayWorld) -> None:
    command = [sys.executable, "-m", "pathway", "issue-key", "--organisation", str(uuid4())]

    done = await asyncio.to_thread(subprocess.run, command, env=pathway_world.env, capture_output=True)

    assert done.returncode != 0
    assert b"is not registered" in done.stderr
    with pytest.raises(subprocess.CalledProcessError):
        await pathway_world.issue_key(str(uuid4()))
