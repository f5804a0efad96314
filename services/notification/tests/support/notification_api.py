"""The notification app over a migrated test database, called in process through ASGI, with partners'
API keys issued as `notification issue-key` issues them."""

import asyncio
import json
from collections.abc import Iterable, Mapping, MutableMapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID, uuid4

from fastapi import FastAPI
from sqlalchemy import text

from notification.app import build_app
from notification.bootstrap import NotificationService, bootstrap
from notification.config import NotificationSettings
from notification.entrypoints.cli import MIGRATIONS
from notification.entrypoints.http.scopes import ALL_SCOPES
from service_kit.http.api_keys import issue_api_key
from service_kit.migrations import upgrade_to_head


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Organisation:
    """A partner organisation calling the API with its key."""

    api: "NotificationApi"
    organisation_id: UUID
    api_key: str

    async def call(
        self, method: str, path: str, json_body: Any = None, *, idempotency_key: str | None = None
    ) -> Reply:
        headers = {"authorization": f"Bearer {self.api_key}"}
        if idempotency_key is not None:
            headers["idempotency-key"] = idempotency_key
        return await self.api.call(method, path, json_body, headers=headers)


class NotificationApi:
    """The app is called without its lifespan (no broker, no dispatcher) unless a test enters
    `app.router.lifespan_context(app)` itself."""

    def __init__(self, service: NotificationService) -> None:
        self.service = service
        self.app: FastAPI = build_app(service)

    @classmethod
    async def over_fresh_database(
        cls, database_url: str, *, timeline_topic: str | None = None, **settings: Any
    ) -> "NotificationApi":
        # Alembic runs its own event loop (asyncio.run), so it needs a thread without one.
        await asyncio.to_thread(upgrade_to_head, MIGRATIONS, database_url)
        configured = NotificationSettings(database_url=database_url, **settings)
        return cls(bootstrap(configured, timeline_topic=timeline_topic))

    async def close(self) -> None:
        await self.service.engine.dispose()

    async def organisation(self, scopes: Iterable[str] = ALL_SCOPES) -> Organisation:
        organisation_id = uuid4()
        async with self.service.session_factory() as session, session.begin():
            issued = await issue_api_key(session, organisation_id, scopes)
        return Organisation(self, organisation_id, issued.secret)

    async def scalar(self, sql: str, **parameters: Any) -> Any:
        async with self.service.session_factory() as session, session.begin():
            return (await session.execute(text(sql), parameters)).scalar()

    async def call(
        self, method: str, path: str, json_body: Any = None, *, headers: Mapping[str, str] | None = None
    ) -> Reply:
        body = b"" if json_body is None else json.dumps(json_body).encode()
        sent = {"content-type": "application/json", "content-length": str(len(body)), **(headers or {})}
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": method,
            "scheme": "http",
            "path": path,
            "raw_path": path.encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [(name.lower().encode(), value.encode()) for name, value in sent.items()],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        unread: list[MutableMapping[str, Any]] = [{"type": "http.request", "body": body, "more_body": False}]
        messages: list[MutableMapping[str, Any]] = []

        async def receive() -> MutableMapping[str, Any]:
            return unread.pop() if unread else {"type": "http.disconnect"}

        async def send(message: MutableMapping[str, Any]) -> None:
            messages.append(message)

        await self.app(scope, receive, send)
        start = next(message for message in messages if message["type"] == "http.response.start")
        return Reply(
            status=start["status"],
            headers={name.decode(): value.decode() for name, value in start["headers"]},
            body=b"".join(message.get("body", b"") for message in messages[1:]),
        )
