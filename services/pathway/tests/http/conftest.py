from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from pathway_world import Answer, PathwayApi, PathwayWorld

from event_contracts.catalogue.codes import OrganisationKind
from event_contracts.envelope import CloudEvent
from event_contracts.http_binding import BATCH_CONTENT_TYPE, STRUCTURED_CONTENT_TYPE
from event_contracts.json_format import dump_json, to_json_object

PARTNER_RIGHTS = ("barrier.*", "training.*")


@dataclass
class PartnerAtTheDoor:
    """A support partner in the care team of `events.person_id`, with an `events:emit` key."""

    world: PathwayWorld
    api: PathwayApi
    events: Any
    key: str

    async def send(self, *items: CloudEvent | object, key: str | None = None) -> Answer:
        body = dump_json([to_json_object(item) if isinstance(item, CloudEvent) else item for item in items])
        return await self.post(body, BATCH_CONTENT_TYPE, key=key)

    async def send_one(self, event: CloudEvent, key: str | None = None) -> Answer:
        return await self.post(dump_json(to_json_object(event)), STRUCTURED_CONTENT_TYPE, key=key)

    async def post(self, body: bytes, content_type: str, key: str | None = None) -> Answer:
        """`key=""` sends no key at all."""
        presented = self.key if key is None else key
        headers = {"content-type": content_type}
        if presented:
            headers["authorization"] = f"Bearer {presented}"
        return await self.api.call("POST", "/events", headers=headers, body=body)


async def partner_at_the_door(world: PathwayWorld, events: Any, **settings: Any) -> PartnerAtTheDoor:
    events.region = world.region
    partner = str(events.partner)
    await world.register_directly(partner, OrganisationKind.SUPPORT_PARTNER, PARTNER_RIGHTS)
    await world.on_the_timeline([events.referral_sent(0), events.member_added(1)])
    api = world.in_process_api(**{"max_body_bytes": 64 * 1024, "max_events_per_request": 20} | settings)
    return PartnerAtTheDoor(world, api, events, await world.key_directly(partner, "events:emit"))


DoorWith = Callable[..., Awaitable[PartnerAtTheDoor]]


@pytest.fixture
async def door_with(pathway_world: PathwayWorld, pathway_events) -> AsyncIterator[DoorWith]:
    """`await door_with(**settings)`: the partner at a door configured so; closed after the test."""
    opened: list[PartnerAtTheDoor] = []

    async def open_door(**settings: Any) -> PartnerAtTheDoor:
        opened.append(await partner_at_the_door(pathway_world, pathway_events, **settings))
        return opened[-1]

    try:
        yield open_door
    finally:
        for door in opened:
            await door.api.close()


@pytest.fixture
async def door(door_with: DoorWith) -> PartnerAtTheDoor:
    return await door_with()
