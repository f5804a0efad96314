"""`<service> serve` runs a service; `<service> migrate` brings its database to the latest schema;
`<service> relay` runs its outbox relay as a process of its own, for instances with `run_outbox_relay`
off."""

import argparse
import os
from collections.abc import Callable, Sequence
from importlib import import_module
from typing import Final, TypeVar

import uvicorn
from fastapi import FastAPI

from service_kit.garbage_collection import tune_for_a_long_running_service
from service_kit.logging import configure_logging
from service_kit.migrations import upgrade_to_head
from service_kit.relay_process import create_relay_app
from service_kit.settings import ServiceSettings

Settings = TypeVar("Settings", bound=ServiceSettings)

# Worker processes are started by uvicorn from an import string, so what to build travels in the
# environment they inherit rather than in Python objects.
_SERVICE_NAME: Final = "SERVICE_KIT_SERVICE_NAME"
_SETTINGS_TYPE: Final = "SERVICE_KIT_SETTINGS_TYPE"
_APP_FACTORY: Final = "SERVICE_KIT_APP_FACTORY"


def run_service_cli(
    name: str,
    settings_type: type[Settings],
    create_app: Callable[[Settings], FastAPI],
    *,
    migrations: str,
    argv: Sequence[str] | None = None,
) -> None:
    parser = argparse.ArgumentParser(prog=name, description=__doc__)
    parser.add_argument("command", choices=["serve", "migrate", "relay"])
    args = parser.parse_args(argv)
    settings = settings_type()
    configure_logging(name, settings.log_level)
    if args.command == "migrate":
        upgrade_to_head(migrations, settings.database_url)
        return
    os.environ[_SERVICE_NAME] = name
    os.environ[_SETTINGS_TYPE] = _import_path(settings_type)
    os.environ[_APP_FACTORY] = _import_path(create_app if args.command == "serve" else _relay_app)
    uvicorn.run(
        f"{__name__}:{worker_app.__name__}",
        factory=True,
        host=settings.http_host,
        port=settings.http_port,
        # One relay publishes at a time (its advisory lock): more workers would only wait for it.
        workers=settings.http_workers if args.command == "serve" else 1,
        log_config=None,
        access_log=False,
    )


def worker_app() -> FastAPI:
    """The app of one worker process, built from what `run_service_cli` put in the environment."""
    settings = _imported(os.environ[_SETTINGS_TYPE])()
    if not isinstance(settings, ServiceSettings):
        raise TypeError(f"{os.environ[_SETTINGS_TYPE]} does not build service settings")
    configure_logging(os.environ[_SERVICE_NAME], settings.log_level)
    app = _imported(os.environ[_APP_FACTORY])(settings)
    if not isinstance(app, FastAPI):
        raise TypeError(f"{os.environ[_APP_FACTORY]} does not build a FastAPI app")
    tune_for_a_long_running_service()
    return app


def _relay_app(settings: ServiceSettings) -> FastAPI:
    return create_relay_app(os.environ[_SERVICE_NAME], settings)


def _import_path(target: Callable[..., object]) -> str:
    return f"{target.__module__}:{target.__qualname__}"


def _imported(path: str) -> Callable[..., object]:
    module, _, attribute = path.partition(":")
    target: object = getattr(import_module(module), attribute)
    if not callable(target):
        raise TypeError(f"{path} is not callable")
    return target
