"""Use case: manual re-delivery by a regional operator (see domain/redelivery.py), in one transaction."""

from datetime import datetime

from notification.domain.redelivery import EndpointsDisabledError, Redelivered, RedeliverySelection
from notification.service.ports import Redeliveries


async def redeliver(
    selection: RedeliverySelection, store: Redeliveries, *, now: datetime, enable_endpoint: bool = False
) -> Redelivered:
    webhooks = await store.webhook_deliveries_of(selection)
    emails = await store.email_deliveries_of(selection.delivery_ids) if selection.delivery_ids else []
    endpoints = set(webhooks.values()) | ({selection.endpoint_id} if selection.endpoint_id else set())
    disabled = await store.disabled_among(endpoints)
    if disabled and not enable_endpoint:
        raise EndpointsDisabledError(sorted(disabled))
    if disabled:
        await store.enable(set(disabled))
    await store.make_due(sorted(webhooks), sorted(emails), now)
    found = set(webhooks) | set(emails)
    return Redelivered(
        webhooks=tuple(sorted(webhooks)),
        emails=tuple(sorted(emails)),
        enabled_endpoints=tuple(sorted(disabled)),
        unknown=tuple(sorted(set(selection.delivery_ids) - found)),
    )
