"""The pathway service on a region, topics and a database of its own, with what tests need around it."""

import asyncio
import json
import subprocess
import sys
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast
from urllib.error import HTTPError
from uuid import UUID

from aiokafka import AIOKafkaProducer
from service_process import ServiceProcess
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.types import ASGIApp, Message

from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import to_kafka_record
from event_contracts.topics import RegionTopics
from pathway.adapters.cloud_events import recorded
from pathway.adapters.organisation_repository import SqlOrganisations
from pathway.adapters.pathway_repository import SqlPathways
from pathway.app import build_app
from pathway.bootstrap import PathwayService, bootstrap
from pathway.config import PathwaySettings
from pathway.domain.senders import Organisation
from service_kit.database import create_session_factory
from service_kit.http.api_keys import issue_api_key

RawRecord = tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]
CRASHING_PATHWAY = Path(__file__).with_name("crashing_pathway.py")


def as_raw(event: CloudEvent) -> RawRecord:
    record = to_kafka_record(event)
    return record.key, record.value, list(record.headers)


@dataclass
class PathwayWorld:
    region: str
    topics: RegionTopics
    bootstrap: str
    engine: AsyncEngine
    env: dict[str, str]
    processes: list[ServiceProcess] = field(default_factory=list)

    @property
    def assembler_group(self) -> str:
        return f"{self.region}.pathway.assembler"

    def service(self) -> ServiceProcess:
        return self._track(ServiceProcess([sys.executable, "-m", "pathway", "serve"], self.env, "PATHWAY_"))

    def relay(self) -> ServiceProcess:
        """`pathway relay`: the outbox relay in a process of its own, on a port of its own."""
        return self._track(ServiceProcess([sys.executable, "-m", "pathway", "relay"], self.env, "PATHWAY_"))

    def crashing_service(self) -> ServiceProcess:
        return self._track(ServiceProcess([sys.executable, str(CRASHING_PATHWAY)], self.env, "PATHWAY_"))

    def _track(self, process: ServiceProcess) -> ServiceProcess:
        self.processes.append(process)
        return process

    async def publish(self, events: list[CloudEvent], *, topic: str | None = None) -> None:
        await self.publish_raw([as_raw(event) for event in events], topic=topic)

    async def publish_raw(self, records: list[RawRecord], *, topic: str | None = None) -> None:
        producer = AIOKafkaProducer(bootstrap_servers=self.bootstrap, enable_idempotence=True)
        await producer.start()
        try:
            for key, value, headers in records:
                await producer.send_and_wait(
                    topic or self.topics.referral_events, key=key, value=value, headers=headers
                )
        finally:
            await producer.stop()

    async def publish_from_partners(self, events: list[CloudEvent]) -> None:
        await self.publish(events, topic=self.topics.partner_events)

    async def register_organisation(self, organisation_id: str, kind: str, may_emit: Sequence[str]) -> None:
        """Through the real command line, as a regional admin would."""
        command = [sys.executable, "-m", "pathway", "register-organisation", "--id", organisation_id]
        command += ["--kind", kind, "--may-emit", *may_emit]
        await asyncio.to_thread(subprocess.run, command, env=self.env, check=True, capture_output=True)

    async def issue_key(self, organisation_id: str, *scopes: str) -> str:
        """Through the real command line; the key's secret is the last line it prints."""
        command = [sys.executable, "-m", "pathway", "issue-key", "--organisation", organisation_id]
        command += ["--scopes", *scopes] if scopes else []
        done = await asyncio.to_thread(subprocess.run, command, env=self.env, check=True, capture_output=True)
        return done.stdout.decode().strip().splitlines()[-1]

    async def register_directly(self, organisation_id: str, kind: str, may_emit: Sequence[str]) -> None:
        async with create_session_factory(self.engine)() as session, session.begin():
            await SqlOrganisations(session).register(Organisation(organisation_id, kind, tuple(may_emit)))

    async def key_directly(self, organisation_id: str, *scopes: str) -> str:
        async with create_session_factory(self.engine)() as session, session.begin():
            return (await issue_api_key(session, UUID(organisation_id), scopes)).secret

    async def on_the_timeline(self, events: Sequence[CloudEvent]) -> None:
        """Straight into the database, as if the assembler had taken them in (no checks, no outbox)."""
        async with create_session_factory(self.engine)() as session, session.begin():
            pathways = SqlPathways(session)
            for event in events:
                pathway = await pathways.load_for_update(event.subject)
                await pathways.save(pathway, pathway.record(recorded(event)))

    def in_process_api(self, **settings: Any) -> "PathwayApi":
        """The app without its lifespan: nothing consumes, the API starts what it needs itself."""
        base = {"region": self.region, "kafka_bootstrap_servers": self.bootstrap}
        service = bootstrap(PathwaySettings(database_url=self.env["PATHWAY_DATABASE_URL"], **base | settings))
        return PathwayApi(service, build_app(service))

    async def timeline(self, person_id: object) -> list[tuple[str, int, bool, bool]]:
        """(event name, seq, arrived late, retracted) in order of occurrence."""
        rows = await self.rows(
            "SELECT event_type, seq, arrived_late, retracted_at IS NOT NULL FROM timeline_entries "
            f"WHERE person_id = '{person_id}' ORDER BY occurred_at, seq"
        )
        return [
            (str(kind).removeprefix("fr.premiere-marche."), cast(int, seq), bool(late), bool(retracted))
            for kind, seq, late, retracted in rows
        ]

    async def stage(self, person_id: object) -> object:
        rows = await self.rows(f"SELECT stage FROM pathways WHERE person_id = '{person_id}'")
        return rows[0][0] if rows else None

    async def count(self, query: str) -> int:
        async with self.engine.connect() as connection:
            return int((await connection.execute(text(query))).scalar_one())

    async def rows(self, query: str) -> list[tuple[object, ...]]:
        async with self.engine.connect() as connection:
            return [tuple(row) for row in (await connection.execute(text(query))).all()]

    async def entry_ids(self) -> list[str]:
        rows = await self.rows("SELECT event_id FROM timeline_entries ORDER BY person_id, seq")
        return [str(row[0]) for row in rows]


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class PathwayApi:
    service: PathwayService
    app: ASGIApp

    async def call(
        self, method: str, path: str, *, headers: Mapping[str, str], body: bytes = b"", query: str = ""
    ) -> Answer:
        return await call_asgi(self.app, method, path, headers=headers, body=body, query=query)

    async def close(self) -> None:
        await self.service.partner_topic.stop()
        await self.service.engine.dispose()


async def call_asgi(
    app: ASGIApp, method: str, path: str, *, headers: Mapping[str, str], body: bytes = b"", query: str = ""
) -> Answer:
    """One request through the ASGI interface, as a server would pass it."""
    sent_headers = {name.lower(): value for name, value in headers.items()}
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


def post_over_http(port: int, path: str, *, headers: Mapping[str, str], body: bytes) -> Answer:
    """One POST to a service process over a real socket."""
    return request_over_http("POST", port, path, headers=headers, body=body)


def request_over_http(
    method: str, port: int, path: str, *, headers: Mapping[str, str], body: bytes | None = None
) -> Answer:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", data=body, headers=dict(headers), method=method
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return Answer(answer.status, dict(answer.headers.items()), answer.read())
    except HTTPError as refused:
        return Answer(refused.code, dict(refused.headers.items()), refused.read())
