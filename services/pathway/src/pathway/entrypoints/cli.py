"""`pathway serve` runs the service; `pathway migrate` brings its database to the latest schema."""

from collections.abc import Sequence

from pathway.app import create_app
from pathway.config import SERVICE_NAME, PathwaySettings
from service_kit.service_cli import run_service_cli

MIGRATIONS = "pathway:migrations"


def main(argv: Sequence[str] | None = None) -> None:
    run_service_cli(SERVICE_NAME, PathwaySettings, create_app, migrations=MIGRATIONS, argv=argv)
