"""The real pathway service, wired to kill itself with SIGKILL at the worst moment for one event.

CRASH_ON_EVENT_ID names the event; CRASH_MOMENT says when:
- `after-commit`: its transaction (entries and outbox rows) has committed, its offset has not;
- `before-commit`: after the offset auto-commit interval has passed while the handler still works,
  which loses the event under FastStream's ACK_FIRST and must not under the project's ack policy.
"""

import asyncio
import os
import signal
from typing import Any

import uvicorn

from event_contracts.envelope import CloudEvent
from pathway.app import create_app
from pathway.config import PathwaySettings
from pathway.entrypoints import consumers

TRIGGER = os.environ["CRASH_ON_EVENT_ID"]
MOMENT = os.environ["CRASH_MOMENT"]
AUTO_COMMIT_INTERVAL_SECONDS = 5.0


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


async def after_commit(event: CloudEvent) -> None:
    if MOMENT == "after-commit" and str(event.id) == TRIGGER:
        die()


original_assemble = getattr(consumers, "assemble_event")  # noqa: B009 - patched below


async def assemble_then_die_before_commit(event: Any, *dependencies: Any, **options: Any) -> Any:
    changes = await original_assemble(event, *dependencies, **options)
    if MOMENT == "before-commit" and str(event.event_id) == TRIGGER:
        await asyncio.sleep(AUTO_COMMIT_INTERVAL_SECONDS * 2)
        die()
    return changes


original_assemble_together = getattr(consumers, "assemble_events")  # noqa: B009 - patched below


async def assemble_together_then_die_before_commit(events: Any, *dependencies: Any, **options: Any) -> Any:
    await original_assemble_together(events, *dependencies, **options)
    if MOMENT == "before-commit" and any(str(event.event_id) == TRIGGER for event, _ in events):
        await asyncio.sleep(AUTO_COMMIT_INTERVAL_SECONDS * 2)
        die()


setattr(consumers, "assemble_event", assemble_then_die_before_commit)  # noqa: B010
setattr(consumers, "assemble_events", assemble_together_then_die_before_commit)  # noqa: B010

settings = PathwaySettings()
uvicorn.run(
    create_app(settings, after_commit=after_commit),
    host=settings.http_host,
    port=settings.http_port,
    log_config=None,
    access_log=False,
)
