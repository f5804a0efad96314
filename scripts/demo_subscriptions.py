"""`make up`'s demo subscriptions: the demo prescriber and operator subscribe to the notification service
through its own API, as a partner would, with webhooks to the local receiver and e-mails to the local sink.

Each organisation gets a key with `notification issue-key`, then registers what it wants to hear. The
endpoint secrets, shown once, go to the receiver's secrets file so it can verify every delivery. Run again,
it leaves what is registered as it is.
"""

import json
import subprocess
import sys
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from uuid import UUID

from event_contracts.catalogue.registry import EVENT_TYPE_PREFIX
from referral.entrypoints.demo_data import FRANCE_TRAVAIL_METZ, LIRE_ENSEMBLE

DECISIONS = tuple(
    f"{EVENT_TYPE_PREFIX}referral.{decision}"
    for decision in (
        "under_review",
        "accepted",
        "rejected",
        "waitlisted",
        "scheduled",
        "started",
        "cancelled",
    )
)
FOLLOW_UP = (f"{EVENT_TYPE_PREFIX}pathway.stage_changed", f"{EVENT_TYPE_PREFIX}pathway.alert_raised")


@dataclass(frozen=True)
class DemoSubscriber:
    organisation_id: UUID
    slug: str
    event_types: tuple[str, ...]
    mailbox: str


SUBSCRIBERS = (
    DemoSubscriber(
        FRANCE_TRAVAIL_METZ, "france-travail-metz", DECISIONS + FOLLOW_UP, "conseil@ft-metz.example"
    ),
    DemoSubscriber(
        LIRE_ENSEMBLE,
        "lire-ensemble",
        (f"{EVENT_TYPE_PREFIX}referral.sent", *FOLLOW_UP),
        "accueil@lire.example",
    ),
)


def issue_key(organisation_id: UUID, env: Mapping[str, str]) -> str:
    issued = subprocess.run(
        [sys.executable, "-m", "notification", "issue-key", "--organisation", str(organisation_id)],
        env=dict(env),
        check=True,
        capture_output=True,
        text=True,
    )
    return issued.stdout.strip().splitlines()[-1]


def call(base_url: str, key: str, method: str, path: str, body: Any = None) -> Any:
    request = urllib.request.Request(
        f"{base_url}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read() or b"null")


def subscribe_demo_organisations(
    notification_url: str, notification_env: Mapping[str, str], receiver_url: str, secrets_file: Path
) -> list[str]:
    """What each demo organisation now hears, one line each."""
    secrets: dict[str, list[str]] = json.loads(secrets_file.read_text()) if secrets_file.exists() else {}
    said = []
    for subscriber in SUBSCRIBERS:
        key = issue_key(subscriber.organisation_id, notification_env)
        path = f"/hooks/{subscriber.slug}"
        registered = call(notification_url, key, "GET", "/webhook-endpoints")
        if not any(endpoint["url"] == f"{receiver_url}{path}" for endpoint in registered):
            endpoint = call(
                notification_url,
                key,
                "POST",
                "/webhook-endpoints",
                {"url": f"{receiver_url}{path}", "event_types": list(subscriber.event_types)},
            )
            secrets[path] = [endpoint["secret"]]
            secrets_file.write_text(json.dumps(secrets))
        if not call(notification_url, key, "GET", "/email-recipients"):
            call(
                notification_url,
                key,
                "POST",
                "/email-recipients",
                {"address": subscriber.mailbox, "event_types": list(subscriber.event_types)},
            )
        said.append(f"{subscriber.slug}: webhooks to {receiver_url}{path}, e-mails to its demo mailbox")
    return said
