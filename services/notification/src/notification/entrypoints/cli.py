"""`notification serve` runs the service (the subscriptions API, the timeline router and the webhook
dispatcher); `notification migrate` brings its database to the latest schema;
`notification issue-key` / `notification revoke-key` manage partners' API keys;
`notification add-webhook` registers an organisation's webhook endpoint from the command line;
`notification endpoint-health`, `notification redeliver` and `notification reencrypt-webhook-secrets`
are for the region's operators;
`notification openapi` prints the OpenAPI document of the HTTP API."""

import json
import sys
from collections.abc import Callable, Sequence

from notification.app import create_app
from notification.config import SERVICE_NAME, NotificationSettings
from notification.entrypoints import key_commands, operator_commands, secret_commands, webhook_commands
from service_kit.service_cli import run_service_cli

MIGRATIONS = "notification:migrations"
OPENAPI = "openapi"

_COMMANDS: dict[str, Callable[[Sequence[str]], None]] = {
    webhook_commands.ADD_WEBHOOK: webhook_commands.run_add_webhook,
    key_commands.ISSUE_KEY: key_commands.run_issue_key,
    key_commands.REVOKE_KEY: key_commands.run_revoke_key,
    operator_commands.ENDPOINT_HEALTH: operator_commands.run_endpoint_health,
    operator_commands.REDELIVER: operator_commands.run_redeliver,
    secret_commands.REENCRYPT_WEBHOOK_SECRETS: secret_commands.run_reencrypt_webhook_secrets,
}


def openapi_document(settings: NotificationSettings) -> str:
    return json.dumps(create_app(settings).openapi(), indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = _COMMANDS.get(arguments[0]) if arguments else None
    if command is not None:
        command(arguments[1:])
        return
    if arguments[:1] == [OPENAPI]:
        sys.stdout.write(openapi_document(NotificationSettings()))
        return
    run_service_cli(SERVICE_NAME, NotificationSettings, create_app, migrations=MIGRATIONS, argv=arguments)
