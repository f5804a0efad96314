"""A pathway's snapshot as the JSON stored beside it: all of the state, to resume from it exactly.

Unlike the `state` column, which readers show, nothing here is meant to be read but by the assembler."""

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pathway.domain.pathway import PathwaySnapshot
from pathway.domain.pathway_state import Barrier, BarrierStatus, PathwayState, ScheduledSession
from pathway.domain.stages import Stage


def snapshot_as_json(snapshot: PathwaySnapshot) -> dict[str, Any]:
    state = snapshot.state
    session = state.next_session
    return {
        "last_seq": snapshot.last_seq,
        "latest_occurrence": _instant(snapshot.latest_occurrence),
        "stage": None if state.stage is None else str(state.stage),
        "barriers": {
            barrier_id: [
                barrier.category,
                barrier.severity,
                str(barrier.status),
                barrier.responsible_organisation_id,
            ]
            for barrier_id, barrier in state.barriers.items()
        },
        "care_team": dict(state.care_team),
        "last_activity_at": _instant(state.last_activity_at),
        "next_session": None if session is None else [session.referral_id, session.starts_on.isoformat()],
        "awaiting_answer": {referral: due.isoformat() for referral, due in state.awaiting_answer.items()},
        "attendance": {
            referral: {sitting.isoformat(): status for sitting, status in sittings.items()}
            for referral, sittings in state.attendance.items()
        },
    }


def snapshot_from_json(stored: Mapping[str, Any]) -> PathwaySnapshot:
    state = PathwayState(
        stage=None if stored["stage"] is None else Stage(stored["stage"]),
        barriers={
            barrier_id: Barrier(category, severity, BarrierStatus(status), responsible)
            for barrier_id, (category, severity, status, responsible) in stored["barriers"].items()
        },
        care_team=dict(stored["care_team"]),
        last_activity_at=_from_instant(stored["last_activity_at"]),
        next_session=_session(stored["next_session"]),
        awaiting_answer={
            referral: date.fromisoformat(due) for referral, due in stored["awaiting_answer"].items()
        },
        attendance={
            referral: {date.fromisoformat(sitting): status for sitting, status in sittings.items()}
            for referral, sittings in stored["attendance"].items()
        },
    )
    return PathwaySnapshot(
        state=state,
        last_seq=int(stored["last_seq"]),
        latest_occurrence=_from_instant(stored["latest_occurrence"]),
    )


def _session(stored: list[str] | None) -> ScheduledSession | None:
    if stored is None:
        return None
    referral_id, starts_on = stored
    return ScheduledSession(referral_id, date.fromisoformat(starts_on))


def _instant(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _from_instant(stored: str | None) -> datetime | None:
    return None if stored is None else datetime.fromisoformat(stored)
