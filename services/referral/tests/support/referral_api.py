"""The referral app served in process over a test database, partner API keys, and one way to call it."""

import asyncio
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from fastapi import FastAPI
from referral_world import ReferralDatabase
from starlette.types import ASGIApp, Message

from referral.app import build_app
from referral.bootstrap import ReferralService, bootstrap
from referral.config import ReferralSettings
from referral.domain.codes import OrganisationKind
from referral.entrypoints.http.scopes import ALL_SCOPES
from service_kit.http.api_keys import issue_api_key

INTERNAL_TOKEN = "internal-token-for-tests-0123456789"


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


async def call_app(
    app: ASGIApp,
    method: str,
    path: str,
    *,
    query: str = "",
    headers: Mapping[str, str] | None = None,
    json_body: Any = None,
    body: bytes = b"",
) -> Answer:
    sent_headers = {name.lower(): value for name, value in (headers or {}).items()}
    if json_body is not None:
        body = json.dumps(json_body).encode()
        sent_headers.setdefault("content-type", "application/json")
    if body or method == "POST":
        sent_headers.setdefault("content-length", str(len(body)))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [
            (name.encode("latin-1"), value.encode("latin-1")) for name, value in sent_headers.items()
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    pending = [body]
    finished = asyncio.Event()
    sent: list[Message] = []

    async def receive() -> Message:
        if pending:
            return {"type": "http.request", "body": pending.pop(), "more_body": False}
        await finished.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body", False):
            finished.set()

    await app(scope, receive, send)
    start = next(message for message in sent if message["type"] == "http.response.start")
    answer_headers = {name.decode().lower(): value.decode() for name, value in start.get("headers", [])}
    answer_body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Answer(status=start["status"], headers=answer_headers, body=answer_body)


@dataclass(frozen=True)
class Partner:
    organisation_id: UUID
    api_key: str

    def headers(self, idempotency_key: str | None = None) -> dict[str, str]:
        sent = {"authorization": f"Bearer {self.api_key}"}
        if idempotency_key is not None:
            sent["idempotency-key"] = idempotency_key
        return sent


@dataclass
class ReferralApi:
    db: ReferralDatabase
    kafka_bootstrap_servers: str = "127.0.0.1:1"
    run_outbox_relay: bool = True
    service: ReferralService = field(init=False)
    app: FastAPI = field(init=False)

    def __post_init__(self) -> None:
        settings = ReferralSettings(
            database_url=self.db.url,
            kafka_bootstrap_servers=self.kafka_bootstrap_servers,
            region=self.db.region,
            outbox_poll_interval_seconds=0.2,
            run_outbox_relay=self.run_outbox_relay,
            expiry_interval_seconds=0.2,
            internal_service_token=INTERNAL_TOKEN,  # type: ignore[arg-type]
            max_body_bytes=4096,
        )
        self.service = bootstrap(settings)
        self.app = build_app(self.service, clock=self.db.later)

    async def partner(self, kind: OrganisationKind, scopes: Iterable[str] = ALL_SCOPES) -> Partner:
        organisation_id = await self.db.organisation(kind)
        async with self.db.sessions() as session, session.begin():
            issued = await issue_api_key(session, organisation_id, scopes)
        return Partner(organisation_id, issued.secret)

    async def call(self, method: str, path: str, by: Partner | None = None, **options: Any) -> Answer:
        headers = {**(by.headers() if by else {}), **options.pop("headers", {})}
        return await call_app(self.app, method, path, headers=headers, **options)

    async def close(self) -> None:
        await self.service.engine.dispose()


PERSON = {"given_names": "Awa", "family_name": "Diallo", "birth_date": "1979-05-04", "phone": "0612345678"}


async def send_referral(api: ReferralApi) -> dict[str, Any]:
    """A prescriber's referral of `PERSON` to an operator, both new partners; its answer, with the
    prescriber's id."""
    prescriber = await api.partner(OrganisationKind.PRESCRIBER)
    operator = await api.partner(OrganisationKind.OPERATOR)
    answer = await api.call(
        "POST",
        "/referrals",
        prescriber,
        json_body={"operator_organisation_id": str(operator.organisation_id), "person": PERSON},
    )
    assert answer.status == 201
    sent: dict[str, Any] = {**answer.json(), "prescriber": prescriber.organisation_id}
    return sent
