"""The thin payload a partner receives: the timeline's CloudEvent itself, ids and codes only, in the
structured JSON format; `webhook-id` is the event's id, so every attempt carries the same."""

from event_contracts.envelope import CloudEvent
from event_contracts.json_format import dump_json, to_json_object
from event_contracts.media_types import CLOUDEVENTS_JSON
from notification.domain.webhooks import WebhookMessage

# Our trace ids say nothing a partner needs to know.
INTERNAL_ATTRIBUTES = frozenset({"traceparent"})


def webhook_message_of(event: CloudEvent) -> WebhookMessage:
    document = {
        name: value for name, value in to_json_object(event).items() if name not in INTERNAL_ATTRIBUTES
    }
    return WebhookMessage(
        id=str(event.id), body=dump_json(document), content_type=f"{CLOUDEVENTS_JSON}; charset=utf-8"
    )
