"""The pathway service on a region, topics and a database of its own, with what tests need around it."""

import asyncio
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from aiokafka import AIOKafkaProducer
from service_process import ServiceProcess
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from event_contracts.envelope import CloudEvent
from event_contracts.kafka_binding import to_kafka_record
from event_contracts.topics import RegionTopics

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

    def service(self) -> ServiceProcess:
        return self._track(ServiceProcess([sys.executable, "-m", "pathway", "serve"], self.env, "PATHWAY_"))

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
