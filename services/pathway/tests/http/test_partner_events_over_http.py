"""Partners send CloudEvents over HTTP: each event is judged as the assembler judges it, and those
accepted are on the partner topic, acknowledged by the broker, before the answer leaves."""

import socket
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import Any
from uuid import uuid4

import pytest
from pathway_world import PathwayWorld
from service_process import free_port

from event_contracts.json_format import to_json_object
from event_contracts.kafka_binding import from_kafka_record
from event_contracts.topics import dead_letter_topic

ReadTopic = Callable[[str], Awaitable[list[Any]]]


def statuses(answer) -> list[tuple[str, str | None]]:
    return [(result["status"], result["reason"]) for result in answer.json()["results"]]


async def test_each_event_of_a_batch_gets_its_own_result_and_only_the_accepted_reach_the_topic(
    door, read_topic: ReadTopic
) -> None:
    events, stranger = door.events, uuid4()
    outsider = type(events)(region=events.region, partner=events.partner)
    await door.world.on_the_timeline([outsider.referral_sent(0)])
    accepted, already_stored = events.barrier_identified(3, uuid4()), events.barrier_identified(2, uuid4())
    await door.world.on_the_timeline([already_stored])
    unknown_type = {**to_json_object(accepted), "id": str(uuid4()), "type": "fr.premiere-marche.nope.nope"}
    missing_data = {**to_json_object(events.barrier_lifted(4, uuid4())), "data": {}}
    other_region = type(events)(region="occitanie", partner=events.partner).barrier_lifted(4, uuid4())

    answer = await door.send(
        accepted,
        accepted,
        already_stored,
        events.employment_started(4),
        outsider.barrier_identified(4, uuid4()),
        events.barrier_identified(4, uuid4(), sender=stranger),
        events.referral_started(4),
        unknown_type,
        missing_data,
        other_region,
        42,
    )

    assert answer.status == 200, answer.body
    assert statuses(answer) == [
        ("accepted", None),
        ("duplicate", None),
        ("duplicate", None),
        ("rejected", "type_not_allowed"),
        ("rejected", "not_in_care_team"),
        ("rejected", "source_of_another_organisation"),
        ("rejected", "source_not_an_organisation"),
        ("rejected", "unknown_type"),
        ("rejected", "schema_invalid"),
        ("rejected", "region_mismatch"),
        ("rejected", "undecodable"),
    ]
    document = answer.json()
    assert (document["accepted"], document["duplicates"], document["rejected"]) == (1, 2, 8)
    assert [result["index"] for result in document["results"]] == list(range(11))
    assert document["results"][0]["id"] == str(accepted.id)
    on_the_topic = await read_topic(door.world.topics.partner_events)
    assert [from_kafka_record(r.key, r.value, r.headers) for r in on_the_topic] == [accepted]


async def test_an_accepted_event_is_on_the_partner_topic_when_the_answer_comes(
    door, read_topic: ReadTopic
) -> None:
    event = door.events.training_entered(5)

    answer = await door.send_one(event)

    on_the_topic = await read_topic(door.world.topics.partner_events)
    assert statuses(answer) == [("accepted", None)]
    assert len(on_the_topic) == 1
    assert on_the_topic[0].key == str(door.events.person_id).encode()
    assert from_kafka_record(on_the_topic[0].key, on_the_topic[0].value, on_the_topic[0].headers) == event
    assert dict(on_the_topic[0].headers)["ce_source"] == f"/organisations/{door.events.partner}".encode()


async def test_a_structured_event_that_cannot_be_read_is_rejected_with_its_reason(door) -> None:
    answer = await door.post(b"{not json", "application/cloudevents+json; charset=utf-8")

    assert answer.status == 200
    assert statuses(answer) == [("rejected", "undecodable")]


async def test_a_request_over_the_size_or_the_count_limit_is_refused_whole(
    door_with, pathway_world: PathwayWorld, read_topic: ReadTopic
) -> None:
    door = await door_with(max_body_bytes=4096, max_events_per_request=3)

    too_many = await door.send(*[door.events.training_entered(day) for day in range(4)])
    too_large = await door.post(b"[" + b" " * 5000 + b"]", "application/cloudevents-batch+json")

    assert (too_many.status, too_many.json()["type"]) == (
        413,
        "https://premiere-marche.fr/problems/too-many-events",
    )
    assert too_large.status == 413
    assert too_large.headers["content-type"] == "application/problem+json"
    assert await read_topic(pathway_world.topics.partner_events) == []


async def test_without_a_valid_key_nothing_is_read_and_without_the_scope_nothing_is_sent(door) -> None:
    event = door.events.training_entered(5)
    reader_key = await door.world.key_directly(str(door.events.partner), "persons:read")

    no_key = await door.send_one(event, key="")
    unknown_key = await door.send_one(event, key="pm_0123456789abcdef_" + "a" * 43)
    without_scope = await door.send_one(event, key=reader_key)

    assert (no_key.status, unknown_key.status, without_scope.status) == (401, 401, 403)
    assert no_key.headers["www-authenticate"].startswith("Bearer")
    assert 'error="insufficient_scope"' in without_scope.headers["www-authenticate"]


async def test_what_is_not_cloudevents_json_is_refused(door) -> None:
    plain_json = await door.post(b"[]", "application/json")
    not_a_batch = await door.post(b'{"id": 1}', "application/cloudevents-batch+json")
    empty_batch = await door.post(b"[]", "application/cloudevents-batch+json")

    assert plain_json.status == 415
    assert "application/cloudevents-batch+json" in plain_json.headers["accept-post"]
    assert not_a_batch.status == 400
    assert (empty_batch.status, empty_batch.json()["results"]) == (200, [])


@pytest.fixture
def silent_listener() -> Iterator[int]:
    """A port that accepts connections and never answers, like a broker hung behind a firewall."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield int(listener.getsockname()[1])


@pytest.mark.parametrize("broker", ["closed port", "silent listener"])
async def test_when_the_broker_is_unreachable_the_answer_is_503_within_the_bound_and_accepts_nothing(
    door_with, pathway_world: PathwayWorld, read_topic: ReadTopic, broker: str, request
) -> None:
    port = free_port() if broker == "closed port" else request.getfixturevalue("silent_listener")
    door = await door_with(kafka_bootstrap_servers=f"127.0.0.1:{port}", ingest_ack_timeout_seconds=2.0)

    started = time.monotonic()
    answer = await door.send(door.events.training_entered(5), door.events.barrier_identified(6, uuid4()))
    elapsed = time.monotonic() - started

    assert answer.status == 503
    assert elapsed < 5.0
    assert answer.headers["retry-after"].isdigit()
    assert answer.json()["type"] == "https://premiere-marche.fr/problems/event-broker-unavailable"
    assert "results" not in answer.json()
    assert await read_topic(pathway_world.topics.partner_events) == []
    assert await read_topic(dead_letter_topic(pathway_world.topics.partner_events)) == []


async def test_retractions_are_judged_as_the_assembler_judges_them(door, read_topic: ReadTopic) -> None:
    events = door.events
    stored, sent_now = events.barrier_identified(2, uuid4()), events.training_entered(3)
    already_retracted, referral_sent = events.training_entered(1), events.referral_sent(0)
    await door.world.on_the_timeline([stored, already_retracted, events.retraction(2, of=already_retracted)])
    someone_else = type(events)(region=events.region, partner=events.partner)
    theirs = someone_else.barrier_identified(1, uuid4())
    await door.world.on_the_timeline([someone_else.referral_sent(0), someone_else.member_added(0), theirs])

    answer = await door.send(
        events.retraction(4, of=stored),
        sent_now,
        events.retraction(5, of=sent_now),
        events.retraction(5, of=events.barrier_lifted(1, uuid4())),
        events.retraction(5, of=already_retracted),
        events.retraction(5, of=referral_sent, sender=events.partner),
        events._retraction(5, theirs.source, theirs.id, None),
    )

    assert statuses(answer) == [
        ("accepted", None),
        ("accepted", None),
        ("accepted", None),
        ("rejected", "retracted_event_unknown"),
        ("rejected", "retracted_event_already_retracted"),
        ("rejected", "retracted_event_of_another_source"),
        ("rejected", "retracted_event_unknown"),
    ], "another person's event is not on this person's timeline"
    assert len(await read_topic(door.world.topics.partner_events)) == 3
