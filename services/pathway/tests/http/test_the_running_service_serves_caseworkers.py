"""The running service, configured from its environment: events that came through Kafka are read by a
caseworker of the care team with a token of the identity provider."""

import asyncio

from pathway_world import Answer, PathwayWorld, request_over_http

from devstack.eventually import eventually


async def test_a_caseworker_reads_over_http_what_the_assembler_took_from_kafka(
    pathway_world: PathwayWorld, pathway_events, identity_provider
) -> None:
    events, world = pathway_events, pathway_world
    events.region = world.region
    service = world.service()
    service.start({f"PATHWAY_{name.upper()}": value for name, value in identity_provider.settings().items()})
    await service.wait_ready()
    await world.publish([events.referral_sent(0), events.member_added(1)])
    path = f"/persons/{events.person_id}/timeline?purpose=follow_up"

    def read_as(organisation: object) -> Answer:
        headers = {"Authorization": f"Bearer {identity_provider.token(organisation)}"}
        return request_over_http("GET", service.port, path, headers=headers)

    answer = await eventually(
        lambda: asyncio.to_thread(read_as, events.partner),
        lambda found: found.status == 200 and len(found.json()["entries"]) == 2,
    )
    stranger = await asyncio.to_thread(read_as, events.operator)

    assert [entry["seq"] for entry in answer.json()["entries"]] == [1, 2]
    assert stranger.status == 404, "the operator joins the care team only when it accepts the referral"
    audited = await world.rows("SELECT granted FROM access_audit ORDER BY id")
    assert audited[-2:] == [(True,), (False,)]
