"""`notification add-webhook --url URL` registers a partner's endpoint and prints its secret, once."""

import argparse
import asyncio
import sys
from collections.abc import Sequence

from notification.adapters.address_guard import AddressGuard
from notification.adapters.webhook_deliveries import PostgresWebhookDeliveries
from notification.config import NotificationSettings
from notification.domain.destination_addresses import DestinationRefusedError
from notification.domain.webhooks import WebhookEndpoint
from notification.service.register_webhook_endpoint import register_webhook_endpoint
from service_kit.database import create_database_engine, create_session_factory

ADD_WEBHOOK = "add-webhook"


async def add_webhook(settings: NotificationSettings, url: str) -> WebhookEndpoint:
    engine = create_database_engine(settings.database_url)
    try:
        return await register_webhook_endpoint(
            url,
            destinations=AddressGuard(settings.webhook_allowed_networks),
            endpoints=PostgresWebhookDeliveries(create_session_factory(engine)),
        )
    finally:
        await engine.dispose()


def run_add_webhook(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"notification {ADD_WEBHOOK}", description=__doc__)
    parser.add_argument("--url", required=True, help="Where the partner receives webhooks (http or https).")
    args = parser.parse_args(argv)
    try:
        endpoint = asyncio.run(add_webhook(NotificationSettings(), args.url))
    except DestinationRefusedError as refused:
        sys.stderr.write(f"refused: {refused}\n")
        raise SystemExit(2) from None
    sys.stdout.write(f"endpoint {endpoint.id}\n")
    sys.stdout.write(f"secret {endpoint.secrets[0].shared_form}  (shown once: give it to the partner now)\n")
