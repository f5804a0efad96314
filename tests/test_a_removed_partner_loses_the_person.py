"""Ending a care team membership reaches the whole platform, on the real services, broker and database:
once the referent removes a support partner over the referral API, the pathway service refuses that
partner's next event about the person as coming from outside the care team, and the partner's
caseworkers no longer find the person, where both were accepted before the removal."""

import asyncio
import json
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

from pathway_world import Answer, request_over_http
from running_platform import Caseworker, RunningPlatform

from devstack.eventually import eventually
from event_contracts.catalogue.base import EventData
from event_contracts.catalogue.codes import BarrierCategory, BarrierSeverity, OrganisationKind
from event_contracts.catalogue.partner import BarrierIdentified, BarrierLifted
from event_contracts.envelope import CloudEvent
from event_contracts.http_binding import STRUCTURED_CONTENT_TYPE, to_structured_json

MEMBER_ADDED = ("care_team.member_added", "/services/referral")
MEMBER_REMOVED = ("care_team.member_removed", "/services/referral")


def referral_organisation_with_key(
    platform: RunningPlatform, kind: OrganisationKind, scopes: str
) -> tuple[str, str]:
    """(organisation id, API key), through the referral service's own command line."""
    env = platform.target.env("referral", platform.target.referral_database_url)

    def last_line_of(*arguments: str) -> str:
        command = [sys.executable, "-m", "referral", *arguments]
        done = subprocess.run(command, env=env, check=True, capture_output=True, text=True)
        return done.stdout.strip().splitlines()[-1]

    organisation_id = last_line_of("add-organisation", "--name", f"{kind} {uuid4().hex[:6]}", "--kind", kind)
    return organisation_id, last_line_of("issue-key", "--organisation", organisation_id, "--scopes", scopes)


async def post_to_referral(
    platform: RunningPlatform, key: str, path: str, body: dict[str, Any] | None
) -> Answer:
    return await asyncio.to_thread(
        request_over_http,
        "POST",
        platform.referral.port,
        path,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        body=json.dumps(body).encode() if body is not None else b"",
    )


async def send_to_pathway(platform: RunningPlatform, key: str, event: CloudEvent) -> dict[str, Any]:
    """The pathway service's verdict on the one event, as `POST /events` answers it."""
    answer = await asyncio.to_thread(
        request_over_http,
        "POST",
        platform.pathway.port,
        "/events",
        headers={"Authorization": f"Bearer {key}", "Content-Type": STRUCTURED_CONTENT_TYPE},
        body=to_structured_json(event),
    )
    assert answer.status in {200, 202}, answer.body
    [result] = answer.json()["results"]
    assert isinstance(result, dict)
    return result


async def on_the_timeline(caseworker: Caseworker, person: str, entry: tuple[str, str]) -> None:
    read = await eventually(lambda: caseworker.timeline_as_seen(person), lambda read: entry in read[1])
    assert entry in read[1], read


def told_by(organisation: str, data: EventData, person: str, region: str) -> CloudEvent:
    return CloudEvent.build(
        data,
        source=f"/organisations/{organisation}",
        subject=UUID(person),
        region=region,
        time=datetime.now(UTC),
    )


async def test_a_partner_the_referent_removed_can_neither_speak_about_the_person_nor_read_them(
    platform: RunningPlatform, identity_provider: Any
) -> None:
    world, region = platform.world, platform.world.region
    prescriber, prescriber_key = await asyncio.to_thread(
        referral_organisation_with_key,
        platform,
        OrganisationKind.PRESCRIBER,
        "referrals:send,care_teams:manage",
    )
    operator, _ = await asyncio.to_thread(
        referral_organisation_with_key, platform, OrganisationKind.OPERATOR, "referrals:answer"
    )
    support, _ = await asyncio.to_thread(
        referral_organisation_with_key, platform, OrganisationKind.SUPPORT_PARTNER, "persons:read"
    )
    await world.register_organisation(support, OrganisationKind.SUPPORT_PARTNER, ["barrier.*"])
    support_key = await world.issue_key(support)
    referent = Caseworker(
        platform.pathway, identity_provider.caseworker_token(UUID(prescriber), ("referent",))
    )
    partner = Caseworker(
        platform.pathway, identity_provider.caseworker_token(UUID(support), ("professional",))
    )
    sent = await post_to_referral(
        platform,
        prescriber_key,
        "/referrals",
        {
            "operator_organisation_id": operator,
            "person": {"given_names": "Sofia", "family_name": "Benali", "birth_date": "1979-04-03"},
        },
    )
    assert sent.status == 201, sent.body
    person = sent.json()["person_id"]
    added = await post_to_referral(
        platform, prescriber_key, f"/persons/{person}/care-team", {"organisation_id": support}
    )
    assert added.status == 201, added.body
    await on_the_timeline(partner, person, MEMBER_ADDED)
    barrier = uuid4()
    identified = await send_to_pathway(
        platform,
        support_key,
        told_by(
            support,
            BarrierIdentified(
                barrier_id=barrier, category=BarrierCategory.MOBILITY, severity=BarrierSeverity.BLOCKING
            ),
            person,
            region,
        ),
    )
    assert identified["status"] == "accepted", identified
    await on_the_timeline(partner, person, ("barrier.identified", f"/organisations/{support}"))

    removed = await post_to_referral(
        platform, prescriber_key, f"/persons/{person}/care-team/members/{support}/end", None
    )
    await on_the_timeline(referent, person, MEMBER_REMOVED)
    lifted = await send_to_pathway(
        platform,
        support_key,
        told_by(
            support, BarrierLifted(barrier_id=barrier, category=BarrierCategory.MOBILITY), person, region
        ),
    )

    assert removed.status == 200, removed.body
    assert (lifted["status"], lifted["reason"]) == ("rejected", "not_in_care_team")
    assert await partner.timeline_as_seen(person) == (404, [])
