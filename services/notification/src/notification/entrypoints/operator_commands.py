"""Commands for the region's operators, run where the service runs (`kubectl exec`, a Job), with its
database settings:

`notification endpoint-health [--hours 24] [--json]` lists every webhook endpoint: disabled ones first,
then by falling success rate over the window; attempts, last error, what still waits.

`notification redeliver --delivery ID… | --endpoint ID --ended-since-hours H [--enable-endpoint]` makes
deliveries due again with a fresh retry schedule: chosen ones (webhook or e-mail, whatever their state),
or every delivery the endpoint ended (given up, stopped by a 410) in the last H hours. A disabled endpoint
is re-enabled only with `--enable-endpoint`, once the partner has fixed its receiver."""

import argparse
import asyncio
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from notification.adapters.endpoint_health import endpoint_health
from notification.adapters.redeliveries import SqlRedeliveries
from notification.config import NotificationSettings
from notification.domain.endpoint_health import EndpointHealth
from notification.domain.redelivery import EndpointsDisabledError, Redelivered, RedeliverySelection
from notification.service.redeliver import redeliver
from service_kit.database import create_database_engine, create_session_factory

ENDPOINT_HEALTH = "endpoint-health"
REDELIVER = "redeliver"


async def read_endpoint_health(settings: NotificationSettings, window: timedelta) -> list[EndpointHealth]:
    engine = create_database_engine(settings.database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session:
            return await endpoint_health(session, datetime.now(UTC) - window)
    finally:
        await engine.dispose()


async def redeliver_now(
    settings: NotificationSettings, selection: RedeliverySelection, *, enable_endpoint: bool
) -> Redelivered:
    engine = create_database_engine(settings.database_url, pool_size=1)
    try:
        async with create_session_factory(engine)() as session, session.begin():
            done = await redeliver(
                selection, SqlRedeliveries(session), now=datetime.now(UTC), enable_endpoint=enable_endpoint
            )
    finally:
        await engine.dispose()
    # The deliveries themselves keep the trace: last outcome « re-delivery asked by an operator ».
    return done


def health_document(health: EndpointHealth, now: datetime) -> dict[str, Any]:
    waiting = health.waiting_for(now)
    error = health.last_error
    return {
        "endpoint_id": str(health.endpoint_id),
        "organisation_id": None if health.organisation_id is None else str(health.organisation_id),
        "url": health.url,
        "disabled_at": None if health.disabled_at is None else health.disabled_at.isoformat(),
        "disabled_reason": health.disabled_reason,
        "attempts": health.attempts,
        "delivered": health.delivered,
        "success_rate": None if health.success_rate is None else round(health.success_rate, 4),
        "last_error": None
        if error is None
        else {"at": error.at.isoformat(), "status_code": error.status_code, "reason": error.reason},
        "pending": health.pending,
        "oldest_pending_seconds": None if waiting is None else round(waiting.total_seconds()),
    }


def health_line(document: dict[str, Any]) -> str:
    rate = document["success_rate"]
    state = "DISABLED " + str(document["disabled_reason"]) if document["disabled_at"] else "enabled"
    error = document["last_error"]
    said_error = "none" if error is None else f"{error['at']} {error['status_code']} {error['reason']}"
    return (
        f"{document['endpoint_id']}  {state}  success {'-' if rate is None else f'{rate:.1%}'}"
        f" of {document['attempts']}  pending {document['pending']}"
        f" (oldest {document['oldest_pending_seconds']} s)  last error: {said_error}  {document['url']}"
    )


def run_endpoint_health(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"notification {ENDPOINT_HEALTH}", description=__doc__)
    parser.add_argument("--hours", type=float, default=24.0, help="The window of attempts counted.")
    parser.add_argument("--json", action="store_true", help="One JSON document per line.")
    args = parser.parse_args(argv)
    found = asyncio.run(read_endpoint_health(NotificationSettings(), timedelta(hours=args.hours)))
    now = datetime.now(UTC)
    for health in found:
        document = health_document(health, now)
        sys.stdout.write((json.dumps(document) if args.json else health_line(document)) + "\n")


def run_redeliver(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(prog=f"notification {REDELIVER}", description=__doc__)
    chosen = parser.add_mutually_exclusive_group(required=True)
    chosen.add_argument(
        "--delivery", type=UUID, nargs="+", metavar="ID", help="Webhook or e-mail deliveries."
    )
    chosen.add_argument("--endpoint", type=UUID, help="Every delivery this endpoint ended…")
    parser.add_argument("--ended-since-hours", type=float, help="…in the last this many hours.")
    parser.add_argument("--enable-endpoint", action="store_true", help="Re-enable a disabled endpoint.")
    args = parser.parse_args(argv)
    if args.endpoint is not None and args.ended_since_hours is None:
        parser.error("--endpoint needs --ended-since-hours")
    selection = RedeliverySelection(
        delivery_ids=tuple(args.delivery or ()),
        endpoint_id=args.endpoint,
        ended_since=None
        if args.endpoint is None
        else datetime.now(UTC) - timedelta(hours=args.ended_since_hours),
    )
    try:
        done = asyncio.run(
            redeliver_now(NotificationSettings(), selection, enable_endpoint=args.enable_endpoint)
        )
    except EndpointsDisabledError as disabled:
        sys.stderr.write(f"refused: {disabled}; add --enable-endpoint once the partner has fixed it\n")
        raise SystemExit(2) from None
    sys.stdout.write(f"webhooks due again {len(done.webhooks)}, e-mails due again {len(done.emails)}\n")
    for endpoint in done.enabled_endpoints:
        sys.stdout.write(f"endpoint re-enabled {endpoint}\n")
    for unknown in done.unknown:
        sys.stdout.write(f"no such delivery {unknown}\n")
