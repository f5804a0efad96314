"""Use cases: a caseworker reads a person's timeline, page by page in order of occurrence, or the
summary of their pathway and the alerts still standing; every read, granted or not, is written to the
access audit first."""

from dataclasses import dataclass

from pathway.domain.caseworkers import (
    PathwaySummary,
    PersonRead,
    SeenEntry,
    entry_as_seen_by,
    reader_kind,
    summary_as_seen_by,
)
from pathway.domain.timeline import TimelineEntry
from pathway.service.ports import AccessAudit, AuditedRead, CaseworkerReads, TimelineFilter, TimelinePosition


@dataclass(frozen=True)
class TimelinePage:
    entries: list[SeenEntry]
    next_after: TimelinePosition | None


async def _kind_if_allowed(
    read: PersonRead, what: str, reads: CaseworkerReads, audit: AccessAudit
) -> str | None:
    care_team = await reads.care_team(read.person_id)
    kind = None if care_team is None else reader_kind(read.caseworker, care_team)
    await audit.record(AuditedRead(read, what, granted=kind is not None))
    return kind


async def read_timeline(
    read: PersonRead,
    query: TimelineFilter,
    *,
    after: TimelinePosition | None,
    limit: int,
    reads: CaseworkerReads,
    audit: AccessAudit,
) -> TimelinePage | None:
    """None when the caseworker may not see the person (as if they did not exist)."""
    kind = await _kind_if_allowed(read, "timeline", reads, audit)
    if kind is None:
        return None
    seen: list[SeenEntry] = []
    position, exhausted = after, False
    # Entries the reader's audience may not see are skipped, so a page may take more than one query;
    # one visible entry beyond the page says whether there is a next one.
    while len(seen) <= limit and not exhausted:
        batch = await reads.entries_after(read.person_id, query, position, limit + 1)
        exhausted = len(batch) <= limit
        for entry in batch:
            position = _position_of(entry)
            visible = entry_as_seen_by(entry, kind)
            if visible is not None:
                seen.append(visible)
            if len(seen) > limit:
                break
    page = seen[:limit]
    return TimelinePage(page, _position_of(page[-1].entry) if len(seen) > limit else None)


def _position_of(entry: TimelineEntry) -> TimelinePosition:
    return TimelinePosition(entry.event.occurred_at, entry.seq)


async def read_summary(
    read: PersonRead,
    *,
    reads: CaseworkerReads,
    audit: AccessAudit,
) -> PathwaySummary | None:
    kind = await _kind_if_allowed(read, "summary", reads, audit)
    if kind is None:
        return None
    state = await reads.state(read.person_id)
    return summary_as_seen_by(state, await reads.standing_alerts(read.person_id), kind)


async def person_of_referral(referral_id: str, reads: CaseworkerReads) -> str | None:
    return await reads.person_with_referral(referral_id)
