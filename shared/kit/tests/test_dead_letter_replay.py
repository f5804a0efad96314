from collections.abc import Awaitable, Callable
from typing import Any

from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import from_kafka_record, to_kafka_record
from event_contracts.topics import dead_letter_topic
from service_kit.dead_letter_replay import replay_dead_letters
from service_kit.dead_letters import DEAD_LETTER_HEADERS, DeadLetters, FailedMessage
from service_kit.metrics import ServiceMetrics
from service_kit.producer import EventProducer

NewTopic = Callable[..., Awaitable[str]]
ReadTopic = Callable[[str], Awaitable[list[Any]]]


async def test_dead_letters_go_back_to_their_topic_once_with_their_original_headers(
    kafka_bootstrap_servers: str,
    new_topic: NewTopic,
    read_topic: ReadTopic,
    referral_sent: Callable[..., CloudEvent],
) -> None:
    topic = await new_topic("replay", with_dead_letter=True)
    events = [referral_sent(), referral_sent()]
    async with EventProducer(kafka_bootstrap_servers, client_id="test") as producer:
        dead_letters = DeadLetters(producer, ServiceMetrics())
        for offset, event in enumerate(events):
            record = to_kafka_record(event)
            failed = FailedMessage(topic, 0, offset, record.key, record.value, record.headers)
            await dead_letters.set_aside(
                failed, consumer="c", error_class="OperationalError", reason="db down"
            )

    first = await replay_dead_letters(kafka_bootstrap_servers, dead_letter_topic(topic))
    second = await replay_dead_letters(kafka_bootstrap_servers, dead_letter_topic(topic))

    replayed = await read_topic(topic)
    assert (first.replayed, second.replayed) == (2, 0)
    assert [from_kafka_record(r.key, r.value, r.headers) for r in replayed] == events
    assert all(not DEAD_LETTER_HEADERS & dict(r.headers).keys() for r in replayed)


async def test_replay_can_be_limited_to_one_error_class(
    kafka_bootstrap_servers: str,
    new_topic: NewTopic,
    read_topic: ReadTopic,
    referral_sent: Callable[..., CloudEvent],
) -> None:
    topic = await new_topic("replay-class", with_dead_letter=True)
    async with EventProducer(kafka_bootstrap_servers, client_id="test") as producer:
        dead_letters = DeadLetters(producer, ServiceMetrics())
        for offset, error_class in enumerate(["UndecodableEvent", "OperationalError"]):
            record = to_kafka_record(referral_sent())
            failed = FailedMessage(topic, 0, offset, record.key, record.value, record.headers)
            await dead_letters.set_aside(failed, consumer="c", error_class=error_class, reason="r")

    report = await replay_dead_letters(
        kafka_bootstrap_servers, dead_letter_topic(topic), error_class="OperationalError"
    )

    assert report.replayed == 1
    assert len(await read_topic(topic)) == 1
