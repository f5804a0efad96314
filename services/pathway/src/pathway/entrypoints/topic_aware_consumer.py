"""The kit's event consumer, telling the handler which topic the event came in on.

The kit hands a handler the decoded event only; whether it came from a topic that only platform
services write to decides whether its `source` can be believed, so the topic travels beside it."""

from contextvars import ContextVar
from typing import Any

from service_kit.event_consumer import EventConsumer

_arrival_topic: ContextVar[str] = ContextVar("arrival_topic")


def arrival_topic() -> str:
    """The topic of the message being handled; only meaningful inside a handler."""
    return _arrival_topic.get()


class TopicAwareEventConsumer(EventConsumer):
    async def consume(self, record: Any) -> None:
        token = _arrival_topic.set(str(record.topic))
        try:
            await super().consume(record)
        finally:
            _arrival_topic.reset(token)
