"""Use case: give an endpoint a new secret; the old one keeps signing beside it for the overlap, so the
partner can switch its receiver without losing a delivery."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from notification.domain.subscriptions import SubscriptionNotFoundError
from notification.domain.webhooks import WebhookSecret
from notification.service.ports import WebhookSecretRotation


@dataclass(frozen=True)
class RotatedSecret:
    secret: WebhookSecret
    previous_secret_valid_until: datetime


async def rotate_webhook_secret(
    organisation_id: UUID, endpoint_id: UUID, overlap: timedelta, *, endpoints: WebhookSecretRotation
) -> RotatedSecret:
    secret = WebhookSecret.generate()
    valid_until = await endpoints.rotate_secret(organisation_id, endpoint_id, secret, overlap)
    if valid_until is None:
        raise SubscriptionNotFoundError(f"no enabled webhook endpoint {endpoint_id}")
    return RotatedSecret(secret, valid_until)
