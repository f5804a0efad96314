"""`make up`'s demo loader against the real referral and pathway processes, on real Kafka and PostgreSQL:
three demo persons get pathways several organisations took part in, through the doors partners use."""

import asyncio
from typing import Any, cast
from uuid import UUID

from pathway_world import PathwayWorld, request_over_http
from running_platform import EVENT_TYPE_PREFIX, Caseworker, RunningPlatform, load_script

from devstack.eventually import eventually
from pathway.entrypoints.demo_pathways import (
    EMPLOYER,
    EXPECTED_STAGES,
    REGIONAL_COORDINATOR,
    SCHEDULED,
    STARTED,
    SUPPORT_PARTNER,
    TRAINING_PROVIDER,
    WAITLISTED,
)
from referral.entrypoints.demo_data import LIRE_ENSEMBLE


async def stages(caseworker: Caseworker) -> dict[UUID, str | None]:
    """Each demo person's stage, None while the caseworker may not see the person yet (404)."""
    answers = {person: await caseworker.answer(person, "pathway") for person in EXPECTED_STAGES}
    return {
        person: answer.json()["stage"] if answer.status == 200 else None for person, answer in answers.items()
    }


async def alerts_raised(world: PathwayWorld) -> list[tuple[str, str]]:
    rows = await world.rows(
        "SELECT message_key, convert_from(message_value, 'UTF8')::jsonb ->> 'kind' FROM outbox "
        f'WHERE headers @> \'[["ce_type", "{EVENT_TYPE_PREFIX}pathway.alert_raised"]]\' ORDER BY 1'
    )
    return [(bytes(cast(bytes, person)).decode(), str(kind)) for person, kind in rows]


async def test_a_caseworker_sees_three_demo_pathways_that_several_organisations_took_part_in(
    platform: RunningPlatform, identity_provider: Any
) -> None:
    world = platform.world
    token = identity_provider.caseworker_token(LIRE_ENSEMBLE, ("operator_staff",))
    caseworker = Caseworker(platform.pathway, token)

    await asyncio.to_thread(load_script("demo_pathways").load_demo, platform.target)

    found = await eventually(lambda: stages(caseworker), lambda found: found == EXPECTED_STAGES)
    assert found == EXPECTED_STAGES
    referral, support = "/services/referral", SUPPORT_PARTNER.source
    started, scheduled = await caseworker.timeline(STARTED), await caseworker.timeline(SCHEDULED)
    waitlisted = await caseworker.timeline(WAITLISTED)
    assert started[-4:] == [
        ("barrier.identified", support),
        ("barrier.action_started", support),
        ("barrier.lifted", support),
        ("training.entered", TRAINING_PROVIDER.source),
    ]
    assert scheduled[-2:] == [("barrier.identified", support), ("barrier.action_started", support)]
    assert waitlisted[-3:] == [
        ("barrier.identified", support),
        ("barrier.lifted", support),
        ("employment.started", EMPLOYER.source),
    ]
    joined = [name for name, _ in started].count("care_team.member_added")
    assert joined == 4, "the prescriber, the operator, then the two partners the referent added"
    assert {sender for _, sender in started[:-4] + scheduled[:-2] + waitlisted[:-3]} == {referral}
    assert await alerts_raised(world) == [
        (str(SCHEDULED), "blocking_barrier"),
        (str(STARTED), "blocking_barrier"),
    ]
    indicators = await indicators_read_by_the_demo_coordinator(platform, identity_provider)
    assert indicators["persons"] is None, "the demo's few persons are too few for any count to show"
    assert set(indicators["by_stage"].values()) == {None, 0}


async def indicators_read_by_the_demo_coordinator(platform: RunningPlatform, identity_provider: Any) -> Any:
    token = identity_provider.caseworker_token(
        REGIONAL_COORDINATOR.organisation_id, ("regional_coordinator",)
    )
    answer = await asyncio.to_thread(
        request_over_http,
        "GET",
        platform.pathway.port,
        "/indicators",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert answer.status == 200, answer.body
    return answer.json()
