"""The real assembler on real Kafka and PostgreSQL: referral events and a support partner's own Kafka
producer build one pathway; what a partner may not say is dead-lettered with its reason."""

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID, uuid4

import pytest
from pathway_world import PathwayWorld

from devstack.eventually import eventually
from event_contracts.catalogue import PathwayAlertRaised, PathwayAlertWithdrawn
from event_contracts.catalogue.codes import OrganisationKind
from event_contracts.kafka_binding import from_kafka_record
from event_contracts.topics import dead_letter_topic
from service_kit import dead_letters as dlq

ReadTopic = Callable[[str], Awaitable[list[Any]]]


@pytest.fixture
async def assembler(pathway_world: PathwayWorld, pathway_events) -> PathwayWorld:
    pathway_events.region = pathway_world.region
    service = pathway_world.service()
    service.start()
    await pathway_world.register_organisation(
        str(pathway_events.partner), OrganisationKind.SUPPORT_PARTNER, ["barrier.*", "training.*"]
    )
    await service.wait_ready()
    return pathway_world


async def published_on_the_timeline(world: PathwayWorld, read_topic: ReadTopic, count: int) -> list[Any]:
    records = await eventually(
        lambda: read_topic(world.topics.pathway_timeline), lambda found: len(found) >= count
    )
    return [from_kafka_record(record.key, record.value, record.headers) for record in records]


async def entries_of(world: PathwayWorld, person: object, count: int) -> list[tuple[str, int, bool, bool]]:
    return await eventually(lambda: world.timeline(person), lambda found: len(found) >= count)


async def test_referral_and_partner_events_make_one_timeline_in_occurrence_order(
    assembler: PathwayWorld, pathway_events, read_topic: ReadTopic
) -> None:
    events, person, barrier = pathway_events, pathway_events.person_id, uuid4()
    await assembler.publish([events.referral_sent(0), events.member_added(1)])
    await entries_of(assembler, person, 2)
    training = events.training_entered(6)

    await assembler.publish_from_partners(
        [events.barrier_identified(2, barrier), events.barrier_lifted(4, barrier), training, training]
    )
    await entries_of(assembler, person, 5)
    await assembler.publish_from_partners([events.barrier_action_started(3, barrier)])
    timeline = await entries_of(assembler, person, 6)

    assert timeline == [
        ("referral.sent", 1, False, False),
        ("care_team.member_added", 2, False, False),
        ("barrier.identified", 3, False, False),
        ("barrier.action_started", 6, True, False),
        ("barrier.lifted", 4, False, False),
        ("training.entered", 5, False, False),
    ]
    assert await assembler.stage(person) == "in_training"
    published = await published_on_the_timeline(assembler, read_topic, 9)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for event in published:
        by_type.setdefault(event.type.rsplit(".", 2)[-2] + "." + event.type.rsplit(".", 1)[-1], []).append(
            event.data.model_dump(mode="json")
        )
    assert [entry["seq"] for entry in by_type["timeline.entry_appended"]] == [1, 2, 3, 4, 5, 6]
    assert [entry["arrived_late"] for entry in by_type["timeline.entry_appended"]] == [False] * 5 + [True]
    assert [(change["previous_stage"], change["stage"]) for change in by_type["pathway.stage_changed"]] == [
        (None, "referred"),
        ("referred", "in_training"),
    ]
    assert [(alert["kind"], alert["barrier_id"]) for alert in by_type["pathway.alert_raised"]] == [
        ("blocking_barrier", str(barrier))
    ]


async def test_a_retracted_event_is_hidden_and_the_stage_recomputed(
    assembler: PathwayWorld, pathway_events, read_topic: ReadTopic
) -> None:
    events, person = pathway_events, pathway_events.person_id
    await assembler.publish([events.referral_sent(0), events.member_added(1)])
    await entries_of(assembler, person, 2)
    training = events.training_entered(2)
    await assembler.publish_from_partners([training])
    await eventually(lambda: assembler.stage(person), lambda stage: stage == "in_training")

    await assembler.publish_from_partners([events.retraction(3, of=training)])

    assert await eventually(lambda: assembler.stage(person), lambda stage: stage == "referred") == "referred"
    assert (await assembler.timeline(person))[2:] == [
        ("training.entered", 3, False, True),
        ("event.retracted", 4, False, False),
    ]
    published = await published_on_the_timeline(assembler, read_topic, 7)
    stage_changes = [e.data for e in published if e.type == "fr.premiere-marche.pathway.stage_changed"]
    assert [(c.previous_stage, c.stage, c.recomputed) for c in stage_changes] == [
        (None, "referred", False),
        ("referred", "in_training", False),
        ("in_training", "referred", True),
    ]


async def test_retracting_a_blocking_barrier_withdraws_its_alert_on_the_timeline_topic(
    assembler: PathwayWorld, pathway_events, read_topic: ReadTopic
) -> None:
    events, person = pathway_events, pathway_events.person_id
    await assembler.publish([events.referral_sent(0), events.member_added(1)])
    await entries_of(assembler, person, 2)
    barrier = events.barrier_identified(2, uuid4())
    await assembler.publish_from_partners([barrier])
    await entries_of(assembler, person, 3)
    retraction = events.retraction(3, of=barrier)

    await assembler.publish_from_partners([retraction])

    published = await published_on_the_timeline(assembler, read_topic, 7)
    raised, withdrawn = [
        e.data for e in published if isinstance(e.data, PathwayAlertRaised | PathwayAlertWithdrawn)
    ]
    assert isinstance(raised, PathwayAlertRaised)
    assert isinstance(withdrawn, PathwayAlertWithdrawn)
    assert (withdrawn.alert_id, withdrawn.kind, withdrawn.barrier_id) == (
        raised.alert_id,
        "blocking_barrier",
        raised.barrier_id,
    )
    assert (withdrawn.withdrawn_because.source, withdrawn.withdrawn_because.id) == (
        retraction.source,
        retraction.id,
    )
    assert await assembler.rows("SELECT withdrawn_by_id FROM raised_alerts") == [(retraction.id,)]


async def test_what_a_partner_may_not_say_is_dead_lettered_with_its_reason_and_never_stored(
    assembler: PathwayWorld, pathway_events, read_topic: ReadTopic
) -> None:
    events, stranger = pathway_events, uuid4()
    outside_care_team = type(events)(region=assembler.region, partner=events.partner)
    await assembler.publish(
        [events.referral_sent(0), events.member_added(1), outside_care_team.referral_sent(0)]
    )
    await entries_of(assembler, events.person_id, 2)
    await entries_of(assembler, outside_care_team.person_id, 1)
    allowed = events.barrier_identified(5, uuid4())

    await assembler.publish_from_partners(
        [
            outside_care_team.barrier_identified(2, uuid4()),
            events.barrier_identified(3, uuid4(), sender=stranger),
            events.employment_started(4),
            events.member_added(4, organisation=stranger),
            events.barrier_identified(5, uuid4()).model_copy(update={"region": "another-region"}),
            allowed,
        ]
    )

    await entries_of(assembler, events.person_id, 3)
    dead = await eventually(
        lambda: read_topic(dead_letter_topic(assembler.topics.partner_events)), lambda found: len(found) == 5
    )
    reasons = [dict(record.headers)[dlq.REASON].decode().split(":")[0] for record in dead]
    assert sorted(reasons) == [
        "not_in_care_team",
        "region_mismatch",
        "source_not_an_organisation",
        "type_not_allowed",
        "unknown_sender",
    ], "a partner cannot pass itself off as the referral service, nor speak to another region's timelines"
    assert {dict(record.headers)[dlq.ERROR_CLASS] for record in dead} == {b"PermanentError"}
    assert [name for name, *_ in await assembler.timeline(outside_care_team.person_id)] == ["referral.sent"]
    assert [name for name, *_ in await assembler.timeline(events.person_id)] == [
        "referral.sent",
        "care_team.member_added",
        "barrier.identified",
    ]


async def test_a_partners_trace_goes_on_through_what_its_events_cause_on_the_timeline_topic(
    assembler: PathwayWorld, pathway_events, read_topic: ReadTopic
) -> None:
    events, person = pathway_events, pathway_events.person_id
    await assembler.publish([events.referral_sent(0), events.member_added(1)])
    await entries_of(assembler, person, 2)
    barrier = events.barrier_identified(2, uuid4()).model_copy(update={"traceparent": TRACE_OF_THE_BARRIER})
    training = events.training_entered(3).model_copy(update={"traceparent": TRACE_OF_THE_TRAINING})

    await assembler.publish_from_partners([barrier, training])

    await entries_of(assembler, person, 4)
    published = await published_on_the_timeline(assembler, read_topic, 7)
    assert [event.type.removeprefix("fr.premiere-marche.") for event in published] == [
        "timeline.entry_appended",
        "pathway.stage_changed",
        "timeline.entry_appended",
        "timeline.entry_appended",
        "pathway.alert_raised",
        "timeline.entry_appended",
        "pathway.stage_changed",
    ]
    trace_of_cause = {
        (barrier.source, barrier.id): barrier.traceparent,
        (training.source, training.id): training.traceparent,
    }
    causes = [_cause_of(event.data.model_dump(mode="json")) for event in published]
    assert [event.traceparent for event in published] == [trace_of_cause.get(cause) for cause in causes]
    assert {event.traceparent for event in published} == {None, TRACE_OF_THE_BARRIER, TRACE_OF_THE_TRAINING}


TRACE_OF_THE_BARRIER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
TRACE_OF_THE_TRAINING = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def _cause_of(data: dict[str, Any]) -> tuple[str, Any] | None:
    """The event an entry, a stage change or an alert of the timeline topic comes from."""
    reference = data.get("original_event") or data.get("triggered_by")
    return None if reference is None else (reference["source"], UUID(reference["id"]))
