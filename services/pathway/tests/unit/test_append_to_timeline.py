from datetime import UTC, datetime
from uuid import uuid4

from pathway.domain.timeline import RecordedEvent, TimelineEntry
from pathway.service.append_to_timeline import append_to_timeline


class FakeTimelines:
    def __init__(self) -> None:
        self.entries: list[TimelineEntry] = []
        self.locked: list[str] = []

    async def last_seq_for_update(self, person_id: str) -> int:
        self.locked.append(person_id)
        return max((e.seq for e in self.entries if e.event.person_id == person_id), default=0)

    async def append(self, entry: TimelineEntry) -> None:
        self.entries.append(entry)


class FakePublisher:
    def __init__(self) -> None:
        self.published: list[TimelineEntry] = []

    async def entry_appended(self, entry: TimelineEntry) -> None:
        self.published.append(entry)


def event_about(person_id: str) -> RecordedEvent:
    return RecordedEvent(
        person_id=person_id,
        event_type="fr.premiere-marche.referral.sent",
        source="/services/referral",
        event_id=uuid4(),
        occurred_at=datetime(2026, 11, 27, tzinfo=UTC),
        dataschema="https://schemas.example/referral.sent.json",
        data={},
    )


async def test_each_person_gets_a_gapless_sequence_of_their_own() -> None:
    timelines, publisher = FakeTimelines(), FakePublisher()

    for person in ["anne", "bruno", "anne", "anne", "bruno"]:
        await append_to_timeline(event_about(person), timelines, publisher)

    assert [(e.event.person_id, e.seq) for e in timelines.entries] == [
        ("anne", 1),
        ("bruno", 1),
        ("anne", 2),
        ("anne", 3),
        ("bruno", 2),
    ]


async def test_every_appended_entry_is_published_and_the_person_locked_first() -> None:
    timelines, publisher = FakeTimelines(), FakePublisher()

    entry = await append_to_timeline(event_about("anne"), timelines, publisher)

    assert publisher.published == [entry]
    assert timelines.locked == ["anne"]
