"""`pathway serve` runs the service; `pathway migrate` brings its database to the latest schema;
`pathway register-organisation` lets an organisation send events to the assembler;
`pathway issue-key` / `pathway revoke-key` manage the API keys partners send events over HTTP with;
`pathway recompute` rebuilds every pathway's stored state from its timeline;
`pathway rebuild`, `projection-hash`, `switch-projection`, `drop-projection` manage projection generations;
`pathway demo-data` has demo partners enrich the referral demo's pathways;
`pathway openapi` prints the OpenAPI document of the HTTP API."""

import json
import sys
from collections.abc import Callable, Sequence

from pathway.app import create_app
from pathway.config import SERVICE_NAME, PathwaySettings
from pathway.entrypoints import (
    demo_command,
    key_commands,
    projection_commands,
    rebuild_command,
    recompute_command,
    register_organisation_command,
)
from service_kit.service_cli import run_service_cli

MIGRATIONS = "pathway:migrations"
OPENAPI = "openapi"

_COMMANDS: dict[str, Callable[[Sequence[str]], None]] = {
    register_organisation_command.COMMAND: register_organisation_command.run_register_organisation,
    recompute_command.COMMAND: recompute_command.run_recompute,
    key_commands.ISSUE_KEY: key_commands.run_issue_key,
    demo_command.COMMAND: demo_command.run_demo_data,
    key_commands.REVOKE_KEY: key_commands.run_revoke_key,
    rebuild_command.COMMAND: rebuild_command.run_rebuild,
    projection_commands.PROJECTION_HASH: projection_commands.run_projection_hash,
    projection_commands.SWITCH_PROJECTION: projection_commands.run_switch_projection,
    projection_commands.DROP_PROJECTION: projection_commands.run_drop_projection,
}


def openapi_document(settings: PathwaySettings) -> str:
    return json.dumps(create_app(settings).openapi(), indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    arguments = list(sys.argv[1:] if argv is None else argv)
    command = _COMMANDS.get(arguments[0]) if arguments else None
    if command is not None:
        command(arguments[1:])
        return
    if arguments[:1] == [OPENAPI]:
        sys.stdout.write(openapi_document(PathwaySettings()))
        return
    run_service_cli(SERVICE_NAME, PathwaySettings, create_app, migrations=MIGRATIONS, argv=arguments)
