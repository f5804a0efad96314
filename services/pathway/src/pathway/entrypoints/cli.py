"""`pathway serve` runs the service; `pathway migrate` brings its database to the latest schema;
`pathway register-organisation` lets an organisation send events to the assembler;
`pathway recompute` rebuilds every pathway's stored state from its timeline."""

import sys
from collections.abc import Sequence

from pathway.app import create_app
from pathway.config import SERVICE_NAME, PathwaySettings
from pathway.entrypoints import recompute_command, register_organisation_command
from service_kit.service_cli import run_service_cli

MIGRATIONS = "pathway:migrations"


def main(argv: Sequence[str] | None = None) -> None:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == [register_organisation_command.COMMAND]:
        register_organisation_command.run_register_organisation(arguments[1:])
        return
    if arguments[:1] == [recompute_command.COMMAND]:
        recompute_command.run_recompute(arguments[1:])
        return
    run_service_cli(SERVICE_NAME, PathwaySettings, create_app, migrations=MIGRATIONS, argv=arguments)
