"""Alerts that only time passing raises: a referral still unanswered on its reminder day, and a pathway
with no activity for 30 days. Each falls due at a moment known in advance, so the pathway can say
when it next needs looking at."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

from pathway.domain.alerts import alert_id
from pathway.domain.events import AlertRaised
from pathway.domain.pathway_state import PathwayState
from pathway.domain.stages import Stage

REFERRAL_UNANSWERED = "referral_unanswered"
NO_RECENT_ACTIVITY = "no_recent_activity"
QUIET_PERIOD = timedelta(days=30)
# Reminder days are calendar days where the workshops run; regions outside this zone are a follow-up.
CALENDAR_ZONE = ZoneInfo("Europe/Paris")
_FOLLOWED_STAGES = frozenset({Stage.REFERRED, Stage.IN_WORKSHOP, Stage.BARRIERS_WORK, Stage.IN_TRAINING})


@dataclass(frozen=True)
class DueAlert:
    due_at: datetime
    alert: AlertRaised


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), CALENDAR_ZONE)


def time_based_alerts(person_id: str, state: PathwayState) -> list[DueAlert]:
    due = [
        DueAlert(
            _start_of(reminder_due_on),
            AlertRaised(
                person_id=person_id,
                alert_id=alert_id(person_id, REFERRAL_UNANSWERED, referral_id),
                kind=REFERRAL_UNANSWERED,
                triggered_by=None,
                referral_id=referral_id,
            ),
        )
        for referral_id, reminder_due_on in sorted(state.awaiting_answer.items())
    ]
    if state.stage in _FOLLOWED_STAGES and state.last_activity_at is not None:
        # One alert per quiet spell: any activity starts a new spell with a new id.
        quiet_since = state.last_activity_at.isoformat()
        due.append(
            DueAlert(
                state.last_activity_at + QUIET_PERIOD,
                AlertRaised(
                    person_id=person_id,
                    alert_id=alert_id(person_id, NO_RECENT_ACTIVITY, quiet_since),
                    kind=NO_RECENT_ACTIVITY,
                    triggered_by=None,
                ),
            )
        )
    return due


def pending(due: list[DueAlert], already_raised: frozenset[UUID]) -> list[DueAlert]:
    return [alert for alert in due if alert.alert.alert_id not in already_raised]
