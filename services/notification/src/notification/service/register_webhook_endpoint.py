"""Use case: register a partner's webhook endpoint, after checking where its URL leads, with a new secret."""

from uuid import uuid4

from notification.domain.webhooks import WebhookEndpoint, WebhookSecret
from notification.service.ports import DestinationCheck, WebhookEndpoints


async def register_webhook_endpoint(
    url: str, *, destinations: DestinationCheck, endpoints: WebhookEndpoints
) -> WebhookEndpoint:
    """Raises DestinationRefusedError when the URL resolves to an address we never send to."""
    await destinations.check_url(url)
    endpoint = WebhookEndpoint(uuid4(), url, (WebhookSecret.generate(),))
    await endpoints.add_endpoint(endpoint)
    return endpoint
