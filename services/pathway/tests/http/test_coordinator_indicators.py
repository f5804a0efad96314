"""Regional coordinators read the region's indicators: counts of persons from the real projection, with
the small ones withheld and those that would give them back withheld too, and never a person."""

from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID, uuid4

import pytest
from pathway_world import Answer, PathwayApi, PathwayWorld
from sqlalchemy import text

from event_contracts.catalogue.codes import OrganisationKind
from event_contracts.envelope import CloudEvent

COORDINATOR_ROLE = ("regional_coordinator",)
MINIMUM_CELL_SIZE = 3
NOBODY_IN_THE_LATER_STAGES = {"barriers_work": 0, "in_training": 0, "employed": 0, "exited": 0}


@dataclass
class Region:
    world: PathwayWorld
    api: PathwayApi
    identity: Any
    coordinator: UUID
    operator_a: UUID
    operator_b: UUID
    persons: list[UUID]

    async def indicators(self, organisation: UUID, roles: tuple[str, ...] = COORDINATOR_ROLE) -> Answer:
        token = self.identity.token(organisation, roles)
        return await self.api.call("GET", "/indicators", headers={"authorization": f"Bearer {token}"})


def pathway(
    events_of: Any, operator: UUID, *, started: bool = False, accepted: bool = True
) -> list[CloudEvent]:
    events = events_of(operator)
    made = [events.referral_sent(0)]
    if accepted:
        made.append(events.referral_accepted(1))
    if started:
        made.append(events.referral_started(10))
    return made


@pytest.fixture
async def region(
    pathway_world: PathwayWorld, pathway_events: Any, identity_provider: Any
) -> AsyncIterator[Region]:
    """14 persons. Operator A: 6 referred, 3 in the workshop. Operator B: 3 referred, 1 in the workshop.
    One more person is referred and not yet accepted, so in no operator's count. Three of A's persons have a
    blocking mobility barrier identified, and one of B's had one identified and lifted."""
    operator_a, operator_b, coordinator = uuid4(), uuid4(), uuid4()
    persons: list[UUID] = []

    def events_of(operator: UUID, person: UUID | None = None) -> Any:
        about = person or uuid4()
        if person is None:
            persons.append(about)
        return replace(
            pathway_events,
            region=pathway_world.region,
            person_id=about,
            referral_id=uuid4(),
            operator=operator,
        )

    timeline: list[CloudEvent] = []
    for _ in range(6):
        timeline += pathway(events_of, operator_a)
    for _ in range(3):
        timeline += pathway(events_of, operator_a, started=True)
    for _ in range(3):
        timeline += pathway(events_of, operator_b)
    timeline += pathway(events_of, operator_b, started=True)
    timeline += pathway(events_of, uuid4(), accepted=False)
    for person in persons[:3]:
        timeline.append(events_of(operator_a, person).barrier_identified(2, uuid4()))
    lifted = events_of(operator_b, persons[9])
    barrier = uuid4()
    timeline += [lifted.barrier_identified(2, barrier), lifted.barrier_lifted(3, barrier)]
    await pathway_world.on_the_timeline(timeline)
    await pathway_world.register_directly(str(coordinator), OrganisationKind.COORDINATOR, [])
    api = pathway_world.in_process_api(
        **identity_provider.settings(), indicators_minimum_cell_size=MINIMUM_CELL_SIZE
    )
    try:
        yield Region(pathway_world, api, identity_provider, coordinator, operator_a, operator_b, persons)
    finally:
        await api.close()


async def test_the_coordinator_reads_the_counts_with_small_ones_and_their_giveaways_withheld(
    region: Region,
) -> None:
    answer = await region.indicators(region.coordinator)

    assert answer.status == 200, answer.body
    read = answer.json()
    assert (read["region"], read["minimum_cell_size"], read["persons"]) == (
        region.world.region,
        MINIMUM_CELL_SIZE,
        14,
    )
    assert read["by_stage"] == {"referred": 10, "in_workshop": 4, **NOBODY_IN_THE_LATER_STAGES}
    # B's one person in the workshop is too few; with B's total shown, B's 3 referred would give it back,
    # and then the stage totals would give A's counts back: every one of them is withheld.
    assert read["by_operator"] == sorted(
        [
            {
                "organisation_id": str(region.operator_a),
                "persons": 9,
                "by_stage": {"referred": None, "in_workshop": None, **NOBODY_IN_THE_LATER_STAGES},
            },
            {
                "organisation_id": str(region.operator_b),
                "persons": 4,
                "by_stage": {"referred": None, "in_workshop": None, **NOBODY_IN_THE_LATER_STAGES},
            },
        ],
        key=lambda operator: operator["organisation_id"],
    )


async def test_barriers_and_alerts_are_counted_in_persons_and_every_line_is_listed(region: Region) -> None:
    read = (await region.indicators(region.coordinator)).json()

    barriers = {(line["category"], line["status"]): line["persons"] for line in read["barriers"]}
    assert len(barriers) == 10 * 4, "every category in every status"
    assert barriers[("mobility", "identified")] == 3
    assert barriers[("mobility", "lifted")] is None, "one person is too few"
    assert barriers[("housing", "identified")] == 0
    alerts = {line["kind"]: line["persons"] for line in read["alerts"]}
    assert alerts == {
        "blocking_barrier": 4,
        "referral_unanswered": 0,
        "two_consecutive_absences": 0,
        "no_recent_activity": 0,
    }


async def test_the_indicators_name_no_person(region: Region) -> None:
    answer = await region.indicators(region.coordinator)

    assert answer.status == 200
    assert not [person for person in region.persons if str(person).encode() in answer.body]


async def test_only_a_coordinator_registered_in_the_region_reads_them(region: Region) -> None:
    referent = await region.indicators(region.operator_a, ("referent",))
    unregistered = await region.indicators(uuid4())
    operator_with_the_role = await region.indicators(region.operator_a)
    unauthenticated = await region.api.call("GET", "/indicators", headers={})

    assert [referent.status, unregistered.status, operator_with_the_role.status, unauthenticated.status] == [
        403,
        403,
        403,
        401,
    ]
    assert referent.headers["content-type"] == "application/problem+json"
    assert referent.json()["type"].endswith("/not-a-coordinator")
    assert unregistered.json()["type"].endswith("/not-this-regions-coordinator")
    assert operator_with_the_role.json()["type"].endswith("/not-this-regions-coordinator")


async def test_a_coordinator_still_sees_no_person(region: Region) -> None:
    token = region.identity.token(region.coordinator, COORDINATOR_ROLE)
    timeline = await region.api.call(
        "GET",
        f"/persons/{region.persons[0]}/timeline",
        headers={"authorization": f"Bearer {token}"},
        query="purpose=follow_up",
    )

    assert timeline.status == 404


async def test_a_withdrawn_alert_is_not_counted(region: Region) -> None:
    async with region.world.engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE raised_alerts SET withdrawn_at = now() WHERE person_id = :person",
            ),
            {"person": str(region.persons[0])},
        )

    read = (await region.indicators(region.coordinator)).json()

    assert {line["kind"]: line["persons"] for line in read["alerts"]}["blocking_barrier"] == 3
