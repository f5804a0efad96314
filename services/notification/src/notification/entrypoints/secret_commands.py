"""`notification reencrypt-webhook-secrets [--batch-size 100]` re-encrypts every stored webhook secret under
the first key of `NOTIFICATION_SECRETS_ENCRYPTION_KEYS` (and encrypts any still in the clear), so that the
other keys can be removed. Run it where the service runs, with its settings, once every instance has the
new key first; it is safe while the service runs and a second run rewrites nothing. It prints counts and
endpoint ids, never a secret; it exits with 1 when an endpoint could not be re-encrypted (unreadable under
the configured keys, or held by the service the whole time), and the old key must then stay."""

import argparse
import asyncio
import sys
from collections.abc import Sequence

from notification.adapters.secret_encryption import WebhookSecretCipher
from notification.adapters.secret_reencryption import BATCH_SIZE, Reencryption, reencrypt_webhook_secrets
from notification.config import NotificationSettings
from service_kit.database import create_database_engine, create_session_factory

REENCRYPT_WEBHOOK_SECRETS = "reencrypt-webhook-secrets"


async def reencrypt_stored_secrets(settings: NotificationSettings, *, batch_size: int) -> Reencryption:
    engine = create_database_engine(settings.database_url, pool_size=1)
    try:
        return await reencrypt_webhook_secrets(
            create_session_factory(engine),
            WebhookSecretCipher(settings.secrets_encryption_key_list),
            batch_size=batch_size,
        )
    finally:
        await engine.dispose()


def report_lines(done: Reencryption) -> list[str]:
    return [
        f"endpoints rewritten {done.endpoints_rewritten} of {done.endpoints_seen},"
        f" secrets re-encrypted {done.secrets_reencrypted} (in the clear before {done.secrets_from_clear}),"
        f" already under the first key {done.secrets_already_under_first_key}",
        *(
            f"unreadable endpoint {endpoint_id}: a secret no configured key decrypts, left as it is"
            for endpoint_id in done.unreadable
        ),
        *(f"busy endpoint {endpoint_id}: held by the service, not re-encrypted" for endpoint_id in done.busy),
    ]


def run_reencrypt_webhook_secrets(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"notification {REENCRYPT_WEBHOOK_SECRETS}", description=__doc__)
    parser.add_argument(
        "--batch-size", type=int, default=BATCH_SIZE, help="Endpoints locked and rewritten per transaction."
    )
    args = parser.parse_args(argv)
    if args.batch_size < 1:
        parser.error("--batch-size must be at least 1")
    done = asyncio.run(reencrypt_stored_secrets(NotificationSettings(), batch_size=args.batch_size))
    sys.stdout.write("".join(line + "\n" for line in report_lines(done)))
    if done.busy:
        sys.stderr.write("some endpoints were busy: run the command again before removing a key\n")
    if done.unreadable:
        sys.stderr.write("some secrets are under none of the configured keys: keep every key for now\n")
    if not done.complete:
        raise SystemExit(1)
