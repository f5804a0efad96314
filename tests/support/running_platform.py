"""The referral and pathway services running as real processes, and a caseworker reading through the
caseworker API with a token from `make up`'s stand-in identity provider."""

import asyncio
import importlib.util
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID

from pathway_world import Answer, PathwayWorld, request_over_http
from service_process import ServiceProcess

EVENT_TYPE_PREFIX = "fr.premiere-marche."
SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def load_script(name: str) -> ModuleType:
    """`make up`'s own modules, which live beside the script rather than in a package."""
    spec = importlib.util.spec_from_file_location(name, SCRIPTS / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class RunningPlatform:
    world: PathwayWorld
    referral: ServiceProcess
    pathway: ServiceProcess
    target: Any
    """`scripts/demo_pathways.DemoTarget`: where the services are, and their environments."""


@dataclass
class Caseworker:
    """A professional of one organisation, reading through the caseworker API."""

    pathway: ServiceProcess
    token: str

    async def answer(self, person: UUID | str, what: str) -> Answer:
        return await asyncio.to_thread(
            request_over_http,
            "GET",
            self.pathway.port,
            f"/persons/{person}/{what}?purpose=follow_up",
            headers={"Authorization": f"Bearer {self.token}"},
        )

    async def read(self, person: UUID | str, what: str) -> Any:
        answer = await self.answer(person, what)
        assert answer.status == 200, answer.body
        return answer.json()

    async def timeline(self, person: UUID | str) -> list[tuple[str, str]]:
        """(event name, sender) in order of occurrence."""
        return _entries(await self.read(person, "timeline"))

    async def timeline_as_seen(self, person: UUID | str) -> tuple[int, list[tuple[str, str]]]:
        """(HTTP status, the timeline when it is 200): the person may not be visible yet, or any more."""
        answer = await self.answer(person, "timeline")
        return answer.status, _entries(answer.json()) if answer.status == 200 else []


def _entries(timeline: Any) -> list[tuple[str, str]]:
    return [(entry["type"].removeprefix(EVENT_TYPE_PREFIX), entry["source"]) for entry in timeline["entries"]]
