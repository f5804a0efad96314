"""The thin payload a partner receives: the timeline's CloudEvent itself, ids and codes only, in the
structured JSON format; `webhook-id` is the event's id, so every attempt carries the same.

A timeline entry's original data is cut to what the entry's `visibility` lets its audience see, as the
pathway's caseworker API cuts it: a sensitive barrier's entry (`category_and_status_only`) keeps only the
barrier's id and category. The same body goes to every endpoint and is what an e-mail is rendered from."""

from event_contracts.catalogue.timeline import TimelineEntryAppended
from event_contracts.envelope import CloudEvent
from event_contracts.json_format import dump_json, to_json_object
from event_contracts.media_types import CLOUDEVENTS_JSON
from notification.domain.entry_visibility import data_as_seen
from notification.domain.webhooks import WebhookMessage

# Our trace ids say nothing a partner needs to know.
INTERNAL_ATTRIBUTES = frozenset({"traceparent"})


def webhook_message_of(event: CloudEvent) -> WebhookMessage:
    document = {
        name: value
        for name, value in to_json_object(_as_seen_by_partners(event)).items()
        if name not in INTERNAL_ATTRIBUTES
    }
    return WebhookMessage(
        id=str(event.id), body=dump_json(document), content_type=f"{CLOUDEVENTS_JSON}; charset=utf-8"
    )


def _as_seen_by_partners(event: CloudEvent) -> CloudEvent:
    if not isinstance(event.data, TimelineEntryAppended):
        return event
    entry = event.data
    original = entry.original_event
    seen = original.model_copy(update={"data": data_as_seen(original.data, entry.visibility.value)})
    return event.model_copy(update={"data": entry.model_copy(update={"original_event": seen})})
