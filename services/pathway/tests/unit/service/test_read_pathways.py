from collections.abc import Mapping
from uuid import uuid4

from pathway.domain.caseworkers import Caseworker, PersonRead, ReadPurpose, StandingAlert
from pathway.domain.pathway_state import PathwayState, fold
from pathway.domain.timeline import TimelineEntry
from pathway.service.ports import AuditedRead, TimelineFilter, TimelinePosition
from pathway.service.read_pathways import read_summary, read_timeline


class FakeReads:
    def __init__(self, entries: list[TimelineEntry], care_team: Mapping[str, str] | None) -> None:
        self.entries = sorted(entries, key=lambda entry: entry.occurrence_order)
        self.team = care_team
        self.queries = 0

    async def care_team(self, person_id: str) -> Mapping[str, str] | None:
        return self.team

    async def entries_after(
        self, person_id: str, query: TimelineFilter, after: TimelinePosition | None, limit: int
    ) -> list[TimelineEntry]:
        self.queries += 1
        start = (after.occurred_at, after.seq) if after else None
        return [e for e in self.entries if start is None or e.occurrence_order > start][:limit]

    async def state(self, person_id: str) -> PathwayState:
        return fold(self.entries)

    async def person_with_referral(self, referral_id: str) -> str | None:
        return None

    async def standing_alerts(self, person_id: str) -> list[StandingAlert]:
        return []


class FakeAudit:
    def __init__(self) -> None:
        self.reads: list[AuditedRead] = []

    async def record(self, read: AuditedRead) -> None:
        self.reads.append(read)


def employer_reading(events) -> PersonRead:
    worker = Caseworker("someone", "org-e", frozenset({"professional"}))
    return PersonRead(worker, str(events.person_id), ReadPurpose.FOLLOW_UP)


async def test_entries_hidden_from_the_audience_do_not_shorten_a_page_nor_end_the_pages_early(events) -> None:
    hidden = [events.barrier_identified(day, uuid4()) for day in range(1, 8)]
    seen = [events.employment_started(10), events.employment_ended(11), events.employment_started(12)]
    entries = [TimelineEntry(event, seq) for seq, event in enumerate([*hidden, *seen], 1)]
    reads = FakeReads(entries, {"org-e": "employer"})
    audit = FakeAudit()

    first = await read_timeline(
        employer_reading(events), TimelineFilter(), after=None, limit=2, reads=reads, audit=audit
    )
    assert first is not None
    second = await read_timeline(
        employer_reading(events), TimelineFilter(), after=first.next_after, limit=2, reads=reads, audit=audit
    )

    assert [s.entry.event.name for s in first.entries] == ["employment.started", "employment.ended"]
    assert second is not None
    assert [s.entry.event.name for s in second.entries] == ["employment.started"]
    assert second.next_after is None
    assert [read.granted for read in audit.reads] == [True, True]


async def test_a_person_without_a_pathway_or_outside_the_care_team_is_not_read_but_the_attempt_is_audited(
    events,
) -> None:
    audit = FakeAudit()

    unknown = await read_summary(employer_reading(events), reads=FakeReads([], None), audit=audit)
    elsewhere = FakeReads([], {"org-a": "operator"})
    outside = await read_summary(employer_reading(events), reads=elsewhere, audit=audit)

    assert unknown is None
    assert outside is None
    assert [(read.what, read.granted) for read in audit.reads] == [("summary", False), ("summary", False)]
