"""`<service> serve` runs a service; `<service> migrate` brings its database to the latest schema."""

import argparse
from collections.abc import Callable, Sequence
from typing import TypeVar

import uvicorn
from fastapi import FastAPI

from service_kit.logging import configure_logging
from service_kit.migrations import upgrade_to_head
from service_kit.settings import ServiceSettings

Settings = TypeVar("Settings", bound=ServiceSettings)


def run_service_cli(
    name: str,
    settings_type: type[Settings],
    create_app: Callable[[Settings], FastAPI],
    *,
    migrations: str,
    argv: Sequence[str] | None = None,
) -> None:
    parser = argparse.ArgumentParser(prog=name, description=__doc__)
    parser.add_argument("command", choices=["serve", "migrate"])
    args = parser.parse_args(argv)
    settings = settings_type()
    configure_logging(name, settings.log_level)
    if args.command == "migrate":
        upgrade_to_head(migrations, settings.database_url)
        return
    uvicorn.run(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
    )
