"""`pathway demo-data [--api-url URL]`: the demo partners join in through the doors real partners use.

It registers a support partner, a training provider and an employer, waits until the referral service
has put them in the care teams of three demo persons (`referral demo-data`, then a referent adding them),
then the support partner posts its barrier events to `POST /events` of the running service with its own
API key, and the training provider and the employer produce theirs to the partner topic."""

import argparse
import asyncio
import json
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from event_contracts.envelope import CloudEvent
from event_contracts.http_binding import BATCH_CONTENT_TYPE
from event_contracts.json_format import dump_json, to_json_object
from event_contracts.kafka_binding import to_kafka_record
from pathway.adapters.ingestion_reads import SqlIngestionReads
from pathway.adapters.organisation_repository import SqlOrganisations
from pathway.config import PathwaySettings
from pathway.domain.senders import Organisation
from pathway.entrypoints.demo_pathways import (
    CARE_TEAMS,
    EMPLOYER,
    PARTNERS,
    REGIONAL_COORDINATOR,
    SUPPORT_PARTNER,
    TRAINING_PROVIDER,
    demo_pathways,
)
from pathway.entrypoints.http.scopes import EMIT_EVENTS
from pathway.service.register_organisation import register_organisation
from service_kit.database import create_database_engine, create_session_factory
from service_kit.http.api_keys import issue_api_key
from service_kit.producer import EventProducer

COMMAND = "demo-data"
_POLL_SECONDS = 0.5


class DemoNotLoadedError(Exception):
    """The platform refused or did not take in what the demo partners sent."""


async def _register_partners(engine: AsyncEngine) -> str:
    """The partners and the regional coordinator, as `pathway register-organisation` registers them; the
    support partner's new key."""
    async with create_session_factory(engine)() as session, session.begin():
        for partner in (*PARTNERS, REGIONAL_COORDINATOR):
            organisation = Organisation(str(partner.organisation_id), partner.kind, partner.may_emit)
            await register_organisation(organisation, SqlOrganisations(session))
        return (await issue_api_key(session, SUPPORT_PARTNER.organisation_id, [EMIT_EVENTS])).secret


def _missing_members(care_teams: Mapping[str, Mapping[str, str]]) -> list[str]:
    return [
        f"{partner.name} for {person}"
        for person, partners in CARE_TEAMS.items()
        for partner in partners
        if str(partner.organisation_id) not in care_teams.get(str(person), {})
    ]


async def _wait_for_care_teams(engine: AsyncEngine, timeout_seconds: float) -> None:
    """Partners are refused about persons whose care team does not include them when their events arrive."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        async with create_session_factory(engine)() as session:
            care_teams = await SqlIngestionReads(session).care_teams([str(person) for person in CARE_TEAMS])
        missing = _missing_members(care_teams)
        if not missing:
            return
        if time.monotonic() > deadline:
            raise DemoNotLoadedError(f"not yet in the care team after {timeout_seconds} s: {missing}")
        await asyncio.sleep(_POLL_SECONDS)


def _post_events(api_url: str, key: str, events: Sequence[CloudEvent]) -> list[dict[str, str]]:
    request = urllib.request.Request(  # noqa: S310 - the operator gives the service's own URL
        f"{api_url.rstrip('/')}/events",
        data=dump_json([to_json_object(event) for event in events]),
        headers={"Content-Type": BATCH_CONTENT_TYPE, "Authorization": f"Bearer {key}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        results: list[dict[str, str]] = json.loads(answer.read())["results"]
    refused = [result for result in results if result.get("status") not in {"accepted", "duplicate"}]
    if refused:
        raise DemoNotLoadedError(f"POST /events refused demo events: {refused}")
    return results


async def _produce(bootstrap_servers: str, topic: str, events: Sequence[CloudEvent]) -> None:
    records = [(topic, record.key, record.value, record.headers) for record in map(to_kafka_record, events)]
    async with EventProducer(bootstrap_servers, client_id="demo-partners") as producer:
        await producer.send_all(records)


async def load_demo_pathways(
    settings: PathwaySettings, api_url: str, *, wait_seconds: float, now: datetime | None = None
) -> str:
    """Sends the demo partners' events; returns the lines to show."""
    pathways = demo_pathways(settings.region, now or datetime.now(UTC))
    engine = create_database_engine(settings.database_url, pool_size=1)
    try:
        key = await _register_partners(engine)
        await _wait_for_care_teams(engine, wait_seconds)
    finally:
        await engine.dispose()
    results = await asyncio.to_thread(_post_events, api_url, key, pathways.over_http)
    await _produce(settings.kafka_bootstrap_servers, settings.topics.partner_events, pathways.over_kafka)
    lines = [f"pathway demo partners: {', '.join(partner.name for partner in PARTNERS)}"]
    statuses = Counter(result["status"] for result in results)
    lines.append(
        f"  {SUPPORT_PARTNER.name} posted {len(results)} events to {api_url}/events: "
        f"{statuses['accepted']} accepted, {statuses['duplicate']} already there"
    )
    lines.append(
        f"  {TRAINING_PROVIDER.name} and {EMPLOYER.name} produced {len(pathways.over_kafka)} events "
        f"to {settings.topics.partner_events}"
    )
    lines.append(f"  API key of {SUPPORT_PARTNER.name} (events:emit): {key}")
    lines += [
        f"  person {person}: followed by {', '.join(p.name for p in team)}"
        for person, team in CARE_TEAMS.items()
    ]
    return "\n".join(lines)


def run_demo_data(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"pathway {COMMAND}", description=__doc__)
    parser.add_argument("--api-url", help="the running service (default: http://127.0.0.1:PATHWAY_HTTP_PORT)")
    parser.add_argument("--wait-seconds", type=float, default=60.0, help="for the care teams to include them")
    arguments = parser.parse_args(argv)
    settings = PathwaySettings()
    api_url = arguments.api_url or f"http://127.0.0.1:{settings.http_port}"
    try:
        summary = asyncio.run(load_demo_pathways(settings, api_url, wait_seconds=arguments.wait_seconds))
    except DemoNotLoadedError as error:
        sys.exit(str(error))
    sys.stdout.write(summary + "\n")
