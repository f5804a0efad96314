import json
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from uuid import uuid4

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
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


class IdentityProvider:
    """Signs caseworkers' tokens with its RSA key and serves its JWKS on 127.0.0.1, as an OIDC provider."""

    issuer = "https://identity.test/realms/premiere-marche"
    audience = "pathway"

    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.kid = uuid4().hex
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        body = json.dumps({"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}).encode()

        class Jwks(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Jwks)
        self.jwks_url = f"http://127.0.0.1:{self.server.server_address[1]}/certs"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def token(self, organisation: object, roles: tuple[str, ...] = ("referent",), **overrides: Any) -> str:
        now = int(time.time())
        claims = {
            "sub": f"caseworker-{uuid4().hex[:8]}",
            "organisation_id": str(organisation),
            "roles": list(roles),
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + 300,
        }
        signing_key = overrides.pop("signing_key", self.key)
        claims.update(overrides)
        return jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": self.kid})

    def settings(self) -> dict[str, Any]:
        return {"oidc_issuer": self.issuer, "oidc_audience": self.audience, "oidc_jwks_url": self.jwks_url}

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="session")
def identity_provider() -> Iterator[IdentityProvider]:
    provider = IdentityProvider()
    try:
        yield provider
    finally:
        provider.close()
