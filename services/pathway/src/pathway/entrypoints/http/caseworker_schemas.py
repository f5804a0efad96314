"""What caseworkers read: timeline entries as their audience may see them, and the pathway summary."""

import base64
import json
from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from event_contracts.catalogue.codes import BarrierCategory
from pathway.domain.caseworkers import PathwaySummary, ReadPurpose, SeenEntry
from pathway.service.ports import TimelinePosition

MAX_PAGE = 200
EventName = Annotated[str, StringConstraints(pattern=r"^[a-z_]+\.[a-z_]+$")]


class TimelineQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    purpose: ReadPurpose = Field(description="Why the person's pathway is read; kept in the audit.")
    type: list[EventName] = Field(default=[], description="Only these events, e.g. barrier.identified.")
    barrier_category: BarrierCategory | None = Field(default=None, description="Only this barrier category.")
    occurred_from: date | None = Field(default=None, description="From this day (Paris time), inclusive.")
    occurred_until: date | None = Field(default=None, description="Up to this day (Paris time), inclusive.")
    after: str | None = Field(default=None, description="`next_cursor` of the previous page.")
    limit: int = Field(default=50, ge=1, le=MAX_PAGE)


class TimelineEntryOut(BaseModel):
    seq: int = Field(description="Arrival order on the person's timeline, gapless.")
    type: str
    source: str
    id: UUID
    occurred_at: datetime
    arrived_late: bool
    visibility: str = Field(description="full, or category_and_status_only for sensitive barriers.")
    data: dict[str, Any]

    @classmethod
    def of(cls, seen: SeenEntry) -> "TimelineEntryOut":
        event = seen.entry.event
        return cls(
            seq=seen.entry.seq,
            type=event.event_type,
            source=event.source,
            id=event.event_id,
            occurred_at=event.occurred_at,
            arrived_late=seen.entry.arrived_late,
            visibility=str(seen.visibility),
            data=dict(event.data),
        )


class TimelinePageOut(BaseModel):
    person_id: UUID
    entries: list[TimelineEntryOut]
    next_cursor: str | None = Field(description="Pass as `after` for the next page; null on the last.")


class BarrierOut(BaseModel):
    barrier_id: str
    category: str
    status: str
    severity: str | None
    responsible_organisation_id: str | None


class CareTeamMemberOut(BaseModel):
    organisation_id: str
    kind: str


class AlertOut(BaseModel):
    alert_id: str
    kind: str = Field(description="referral_unanswered, two_consecutive_absences, blocking_barrier, ...")
    raised_at: datetime
    barrier_id: str | None
    referral_id: str | None


class PathwaySummaryOut(BaseModel):
    person_id: UUID
    stage: str | None
    barriers: list[BarrierOut]
    care_team: list[CareTeamMemberOut]
    last_activity_at: datetime | None
    next_session_on: date | None
    alerts: list[AlertOut] = Field(
        description="Alerts raised and not withdrawn, the latest first; none for employers, and none about a "
        "barrier whose severity the reader may not see."
    )

    @classmethod
    def of(cls, person_id: UUID, summary: PathwaySummary) -> "PathwaySummaryOut":
        state = summary.state
        return cls(
            person_id=person_id,
            stage=None if state.stage is None else str(state.stage),
            barriers=[
                BarrierOut(
                    barrier_id=barrier_id,
                    category=barrier.category,
                    status=str(barrier.status),
                    severity=barrier.severity,
                    responsible_organisation_id=barrier.responsible_organisation_id,
                )
                for barrier_id, barrier in sorted(state.barriers.items())
            ],
            care_team=[
                CareTeamMemberOut(organisation_id=member, kind=kind)
                for member, kind in sorted(state.care_team.items())
            ],
            last_activity_at=state.last_activity_at,
            next_session_on=state.next_session_on,
            alerts=[
                AlertOut(
                    alert_id=alert.alert_id,
                    kind=alert.kind,
                    raised_at=alert.raised_at,
                    barrier_id=alert.barrier_id,
                    referral_id=alert.referral_id,
                )
                for alert in summary.alerts
            ],
        )


def cursor_of(position: TimelinePosition) -> str:
    document = json.dumps({"at": position.occurred_at.isoformat(), "seq": position.seq}).encode()
    return base64.urlsafe_b64encode(document).decode().rstrip("=")


def position_of(cursor: str) -> TimelinePosition:
    """Raise ValueError for anything this API did not hand out."""
    try:
        document = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        at = datetime.fromisoformat(document["at"])
        seq = document["seq"]
    except (ValueError, KeyError, TypeError) as error:
        raise ValueError("not a cursor of this API") from error
    if at.tzinfo is None or not isinstance(seq, int):
        raise ValueError("not a cursor of this API")
    return TimelinePosition(at, seq)
