"""What the use cases need from the outside world, implemented by the adapters."""

from typing import Protocol

from pathway.domain.timeline import TimelineEntry


class Timelines(Protocol):
    async def last_seq_for_update(self, person_id: str) -> int:
        """The person's last sequence number, locking the person until the transaction ends."""

    async def append(self, entry: TimelineEntry) -> None: ...


class TimelinePublisher(Protocol):
    async def entry_appended(self, entry: TimelineEntry) -> None:
        """Queue the canonical entry for the timeline topic, in the same transaction."""
