"""`pathway serve` runs the service; `pathway migrate` brings its database to the latest schema."""

import argparse
from collections.abc import Sequence

import uvicorn

from pathway.app import create_app
from pathway.config import SERVICE_NAME, PathwaySettings
from service_kit.logging import configure_logging
from service_kit.migrations import upgrade_to_head

MIGRATIONS = "pathway:migrations"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog=SERVICE_NAME, description=__doc__)
    parser.add_argument("command", choices=["serve", "migrate"])
    args = parser.parse_args(argv)
    settings = PathwaySettings()
    configure_logging(SERVICE_NAME, settings.log_level)
    if args.command == "migrate":
        upgrade_to_head(MIGRATIONS, settings.database_url)
        return
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
    )
