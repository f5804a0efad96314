"""`pathway register-organisation --id … --kind … --may-emit 'barrier.*' …`: let an organisation send
events to the assembler (patterns name a whole domain, `barrier.*`, or one event, `training.entered`)."""

import argparse
import asyncio
import sys
from collections.abc import Sequence
from uuid import UUID

from event_contracts.catalogue.codes import OrganisationKind
from pathway.adapters.organisation_repository import SqlOrganisations
from pathway.config import PathwaySettings
from pathway.domain.senders import Organisation, is_event_pattern
from pathway.service.register_organisation import register_organisation
from service_kit.database import create_database_engine, create_session_factory

COMMAND = "register-organisation"


def _event_pattern(text: str) -> str:
    if not is_event_pattern(text):
        raise argparse.ArgumentTypeError(f"{text!r} is not like barrier.* or training.entered")
    return text


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"pathway {COMMAND}", description=__doc__)
    parser.add_argument("--id", type=UUID, required=True, help="organisation id, as in /organisations/{id}")
    parser.add_argument("--kind", choices=[kind.value for kind in OrganisationKind], required=True)
    parser.add_argument(
        "--may-emit", nargs="*", type=_event_pattern, default=[], metavar="PATTERN", help="event types"
    )
    return parser


async def _register(settings: PathwaySettings, organisation: Organisation) -> None:
    engine = create_database_engine(settings.database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            await register_organisation(organisation, SqlOrganisations(session))
    finally:
        await engine.dispose()


def run_register_organisation(argv: Sequence[str]) -> None:
    arguments = _parser().parse_args(argv)
    organisation = Organisation(
        organisation_id=str(arguments.id), kind=arguments.kind, may_emit=tuple(arguments.may_emit)
    )
    asyncio.run(_register(PathwaySettings(), organisation))
    sys.stdout.write(
        f"registered {organisation.organisation_id} ({organisation.kind}) may emit {organisation.may_emit}\n"
    )
