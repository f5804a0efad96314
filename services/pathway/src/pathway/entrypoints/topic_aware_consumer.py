"""The kit's event consumer, telling the handler which topic the event came in on.

The kit hands a handler the decoded event only; whether it came from a topic that only platform
services write to decides whether its `source` can be believed, so the topic travels beside it."""

from contextvars import ContextVar

from service_kit.event_consumer import AckableMessage, EventConsumer

_arrival_topic: ContextVar[str] = ContextVar("arrival_topic")


def arrival_topic() -> str:
    """The topic of the message being handled; only meaningful inside a handler."""
    return _arrival_topic.get()


class TopicAwareEventConsumer(EventConsumer):
    async def __call__(self, message: AckableMessage) -> None:
        token = _arrival_topic.set(str(message.raw_message.topic))
        try:
            await super().__call__(message)
        finally:
            _arrival_topic.reset(token)
