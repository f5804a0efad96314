"""`notification serve` runs the service; `notification migrate` brings its database to the latest schema."""

from collections.abc import Sequence

from notification.app import create_app
from notification.config import SERVICE_NAME, NotificationSettings
from service_kit.service_cli import run_service_cli

MIGRATIONS = "notification:migrations"


def main(argv: Sequence[str] | None = None) -> None:
    run_service_cli(SERVICE_NAME, NotificationSettings, create_app, migrations=MIGRATIONS, argv=argv)
