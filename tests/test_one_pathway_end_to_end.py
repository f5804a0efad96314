"""One person's pathway through every door partners use, on the real services, broker and database: a
prescriber refers the person over the referral API and, as their referent, brings a support partner and a
training provider into the care team; the support partner identifies and lifts a barrier over the pathway
API; the training provider produces `training.entered` straight to Kafka. The prescriber's caseworker
then reads all of it through the caseworker API, in order, with the stage moved to `in_training`."""

import asyncio
import json
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from aiokafka import AIOKafkaProducer
from pathway_world import post_over_http
from running_platform import Caseworker, RunningPlatform

from devstack.eventually import eventually
from event_contracts.catalogue.codes import (
    BarrierCategory,
    BarrierSeverity,
    OrganisationKind,
    TrainingKind,
)
from event_contracts.catalogue.partner import BarrierIdentified, BarrierLifted, TrainingEntered
from event_contracts.envelope import CloudEvent
from event_contracts.http_binding import STRUCTURED_CONTENT_TYPE, to_structured_json
from event_contracts.kafka_binding import to_kafka_record


def referral_cli(platform: RunningPlatform, *arguments: str) -> str:
    """`referral <command>` on the platform's referral database; its last line of output."""
    env = platform.target.env("referral", platform.target.referral_database_url)
    done = subprocess.run(
        [sys.executable, "-m", "referral", *arguments], env=env, check=True, capture_output=True, text=True
    )
    return done.stdout.strip().splitlines()[-1]


async def organisation_with_key(
    platform: RunningPlatform, kind: OrganisationKind, scopes: str
) -> tuple[str, str]:
    organisation_id = await asyncio.to_thread(
        referral_cli,
        platform,
        "add-organisation",
        "--name",
        f"{kind} {uuid4().hex[:6]}",
        "--kind",
        kind.value,
    )
    key = await asyncio.to_thread(
        referral_cli, platform, "issue-key", "--organisation", organisation_id, "--scopes", scopes
    )
    return organisation_id, key


async def call_referral(platform: RunningPlatform, key: str, path: str, body: dict[str, Any]) -> Any:
    answer = await asyncio.to_thread(
        post_over_http,
        platform.referral.port,
        path,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"},
        body=json.dumps(body).encode(),
    )
    assert answer.status == 201, answer.body
    return answer.json()


def partner_event(data: Any, organisation_id: str, person_id: str, region: str, day: int) -> CloudEvent:
    return CloudEvent.build(
        data,
        source=f"/organisations/{organisation_id}",
        subject=UUID(person_id),
        region=region,
        time=datetime.now(UTC) + timedelta(minutes=day),
    )


async def test_a_pathway_assembled_from_every_door_reads_in_order_and_reaches_in_training(
    platform: RunningPlatform, identity_provider: Any
) -> None:
    world, region = platform.world, platform.world.region
    prescriber, prescriber_key = await organisation_with_key(
        platform, OrganisationKind.PRESCRIBER, "referrals:send,care_teams:manage"
    )
    operator, _ = await organisation_with_key(platform, OrganisationKind.OPERATOR, "referrals:answer")
    support, _ = await organisation_with_key(platform, OrganisationKind.SUPPORT_PARTNER, "persons:read")
    trainer, _ = await organisation_with_key(platform, OrganisationKind.TRAINING_PROVIDER, "persons:read")
    await world.register_organisation(support, OrganisationKind.SUPPORT_PARTNER, ["barrier.*"])
    await world.register_organisation(trainer, OrganisationKind.TRAINING_PROVIDER, ["training.*"])
    support_key = await world.issue_key(support)

    sent = await call_referral(
        platform,
        prescriber_key,
        "/referrals",
        {
            "operator_organisation_id": operator,
            "person": {"given_names": "Mariam", "family_name": "Traoré", "birth_date": "1991-06-12"},
        },
    )
    person = sent["person_id"]
    for partner in (support, trainer):
        await call_referral(
            platform, prescriber_key, f"/persons/{person}/care-team", {"organisation_id": partner}
        )
    caseworker = Caseworker(
        platform.pathway, identity_provider.caseworker_token(UUID(prescriber), ("referent",))
    )
    # The person is not visible to the caseworker API (404) until the referral's events are assembled.
    await eventually(
        lambda: caseworker.timeline_as_seen(person),
        lambda seen: [name for name, _ in seen[1]].count("care_team.member_added") == 3,
    )

    barrier = uuid4()
    for data, minute in (
        (
            BarrierIdentified(
                barrier_id=barrier, category=BarrierCategory.MOBILITY, severity=BarrierSeverity.BLOCKING
            ),
            1,
        ),
        (BarrierLifted(barrier_id=barrier, category=BarrierCategory.MOBILITY), 2),
    ):
        posted = await asyncio.to_thread(
            post_over_http,
            platform.pathway.port,
            "/events",
            headers={"Authorization": f"Bearer {support_key}", "Content-Type": STRUCTURED_CONTENT_TYPE},
            body=to_structured_json(partner_event(data, support, person, region, minute)),
        )
        assert posted.status in {200, 202}, posted.body
    training = TrainingEntered(
        training_id=uuid4(),
        training_provider_id=UUID(trainer),
        kind=TrainingKind.PRE_QUALIFYING,
        planned_end_on=date.today() + timedelta(days=90),
    )
    record = to_kafka_record(partner_event(training, trainer, person, region, 3))
    producer = AIOKafkaProducer(bootstrap_servers=world.bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(
            world.topics.partner_events, key=record.key, value=record.value, headers=list(record.headers)
        )
    finally:
        await producer.stop()

    timeline = await eventually(lambda: caseworker.timeline(person), lambda found: len(found) == 7)
    pathway = await caseworker.read(person, "pathway")

    assert timeline == [
        ("referral.sent", "/services/referral"),
        ("care_team.member_added", "/services/referral"),
        ("care_team.member_added", "/services/referral"),
        ("care_team.member_added", "/services/referral"),
        ("barrier.identified", f"/organisations/{support}"),
        ("barrier.lifted", f"/organisations/{support}"),
        ("training.entered", f"/organisations/{trainer}"),
    ]
    assert pathway["stage"] == "in_training"
