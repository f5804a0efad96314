"""`notification add-webhook --organisation <uuid> --url URL --event-types TYPE…` registers an
organisation's endpoint and prints its secret, once."""

import argparse
import asyncio
import sys
from collections.abc import Sequence
from uuid import UUID

from notification.adapters.address_guard import AddressGuard
from notification.adapters.secret_encryption import WebhookSecretCipher
from notification.adapters.subscriptions import SqlSubscriptions
from notification.config import NotificationSettings
from notification.domain.destination_addresses import DestinationRefusedError
from notification.domain.subscriptions import SubscriptionError
from notification.domain.webhooks import WebhookEndpoint
from notification.service.register_webhook_endpoint import register_webhook_endpoint
from service_kit.database import create_database_engine, create_session_factory

ADD_WEBHOOK = "add-webhook"


async def add_webhook(
    settings: NotificationSettings, organisation_id: UUID, url: str, event_types: Sequence[str]
) -> WebhookEndpoint:
    engine = create_database_engine(settings.database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            return await register_webhook_endpoint(
                organisation_id,
                url,
                event_types,
                destinations=AddressGuard(settings.webhook_allowed_networks),
                endpoints=SqlSubscriptions(
                    session, WebhookSecretCipher(settings.secrets_encryption_key_list)
                ),
            )
    finally:
        await engine.dispose()


def run_add_webhook(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"notification {ADD_WEBHOOK}", description=__doc__)
    parser.add_argument("--organisation", type=UUID, required=True, help="The organisation's platform id.")
    parser.add_argument("--url", required=True, help="Where the partner receives webhooks (http or https).")
    parser.add_argument(
        "--event-types",
        nargs="+",
        required=True,
        metavar="TYPE",
        help="e.g. fr.premiere-marche.referral.sent",
    )
    args = parser.parse_args(argv)
    settings = NotificationSettings()
    try:
        endpoint = asyncio.run(add_webhook(settings, args.organisation, args.url, args.event_types))
    except (DestinationRefusedError, SubscriptionError) as refused:
        sys.stderr.write(f"refused: {refused}\n")
        raise SystemExit(2) from None
    sys.stdout.write(f"endpoint {endpoint.id}\n")
    sys.stdout.write(f"secret {endpoint.secrets[0].shared_form}  (shown once: give it to the partner now)\n")
