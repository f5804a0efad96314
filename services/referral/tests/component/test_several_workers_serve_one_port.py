"""`referral serve` with REFERRAL_HTTP_WORKERS=2: two worker processes run behind one port, their outbox
relays publish every event once between them, and stopping the service by its pid stops them all."""

import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from uuid import uuid4

import aiohttp
from referral_world import ReferralDatabase
from service_process import ServiceProcess

from devstack.eventually import eventually
from referral.domain.codes import OrganisationKind
from service_kit.http.api_keys import issue_api_key
from service_kit.provisioning import provision_region_topics

ReadTopic = Callable[[str], Awaitable[list[Any]]]
REFERRALS = 40


def workers_of(pid: int) -> list[int]:
    """Child processes started by multiprocessing's spawn (uvicorn's workers, not its resource tracker)."""
    workers = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if parent == pid and b"spawn_main" in command:
            workers.append(int(stat.parent.name))
    return workers


async def test_two_workers_behind_one_port_answer_and_publish_each_event_once(
    referral_database: ReferralDatabase, kafka_bootstrap_servers: str, read_topic: ReadTopic
) -> None:
    db = referral_database
    db.region = f"test-{uuid4().hex[:12]}"
    await provision_region_topics(kafka_bootstrap_servers, db.region, partitions=3)
    prescriber = await db.organisation(OrganisationKind.PRESCRIBER)
    operator = await db.organisation(OrganisationKind.OPERATOR)
    async with db.sessions() as session, session.begin():
        key = await issue_api_key(session, prescriber, ["referrals:send"])
    service = ServiceProcess(
        [sys.executable, "-m", "referral", "serve"],
        env={
            **os.environ,
            "REFERRAL_REGION": db.region,
            "REFERRAL_KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap_servers,
            "REFERRAL_DATABASE_URL": db.url,
            "REFERRAL_LOG_LEVEL": "WARNING",
        },
        env_prefix="REFERRAL_",
    )
    service.start({"REFERRAL_HTTP_WORKERS": "2"})
    try:
        await service.wait_ready()
        assert service.process is not None
        workers = await eventually(
            lambda: asyncio.to_thread(workers_of, service.process.pid if service.process else 0),
            lambda found: len(found) >= 2,
        )
        async with aiohttp.ClientSession(headers={"X-API-Key": key.secret}) as client:

            async def send(index: int) -> str:
                body = {
                    "operator_organisation_id": str(operator),
                    "person": {
                        "given_names": f"Worker {index}",
                        "family_name": f"Test {uuid4().hex[:8]}",
                        "birth_date": "1990-01-01",
                        "contact_preference": "via_referent",
                    },
                }
                async with client.post(f"http://127.0.0.1:{service.port}/referrals", json=body) as answer:
                    assert answer.status == 201, await answer.text()
                    return str((await answer.json())["referral_id"])

            sent = set(await asyncio.gather(*(send(index) for index in range(REFERRALS))))
        records = await eventually(
            lambda: read_topic(db.events_topic),
            lambda found: (
                len([r for r in found if dict(r.headers)["ce_type"].endswith(b"referral.sent")]) >= REFERRALS
            ),
        )
    finally:
        service.stop()

    published = [r for r in records if dict(r.headers)["ce_type"].endswith(b"referral.sent")]
    published_ids = [str(json.loads(record.value)["referral_id"]) for record in published]
    assert len(workers) == 2
    assert sorted(published_ids) == sorted(sent)
    assert service.process is not None
    assert service.process.returncode is not None
    assert not await asyncio.to_thread(lambda: [pid for pid in workers if Path(f"/proc/{pid}").exists()])
