"""`notification serve` runs the service; `notification migrate` brings its database to the latest schema;
`notification add-webhook --url URL` registers a partner's webhook endpoint."""

import sys
from collections.abc import Sequence

from notification.app import create_app
from notification.config import SERVICE_NAME, NotificationSettings
from notification.entrypoints import webhook_commands
from service_kit.service_cli import run_service_cli

MIGRATIONS = "notification:migrations"


def main(argv: Sequence[str] | None = None) -> None:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == [webhook_commands.ADD_WEBHOOK]:
        webhook_commands.run_add_webhook(arguments[1:])
        return
    run_service_cli(SERVICE_NAME, NotificationSettings, create_app, migrations=MIGRATIONS, argv=arguments)
