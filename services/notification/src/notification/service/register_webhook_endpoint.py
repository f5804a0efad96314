"""Use case: register an organisation's webhook endpoint for some event types, after checking where its
URL leads, with a new secret."""

from collections.abc import Iterable
from uuid import UUID, uuid4

from notification.domain.subscriptions import subscribed_event_types
from notification.domain.webhooks import WebhookEndpoint, WebhookSecret
from notification.service.ports import DestinationCheck, WebhookEndpoints


async def register_webhook_endpoint(
    organisation_id: UUID,
    url: str,
    event_types: Iterable[str],
    *,
    destinations: DestinationCheck,
    endpoints: WebhookEndpoints,
) -> WebhookEndpoint:
    """Raises DestinationRefusedError when the URL resolves to an address we never send to, and
    SubscriptionError for event types no notification is ever sent for."""
    chosen = subscribed_event_types(event_types)
    await destinations.check_url(url)
    endpoint = WebhookEndpoint(uuid4(), url, (WebhookSecret.generate(),))
    await endpoints.add_endpoint(endpoint, organisation_id=organisation_id, event_types=chosen)
    return endpoint
