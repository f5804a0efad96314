"""Alerts derived when an entry is appended: a blocking barrier, or two absences in a row at the
workshop. Each situation has one alert id, which is what makes it raised once."""

from collections.abc import Iterable, Mapping
from datetime import date
from uuid import NAMESPACE_URL, UUID, uuid5

from pathway.domain import event_types as types
from pathway.domain.events import AlertRaised
from pathway.domain.pathway_state import PathwayState, apply, in_occurrence_order
from pathway.domain.timeline import RecordedEvent, TimelineEntry

BLOCKING_BARRIER = "blocking_barrier"
TWO_CONSECUTIVE_ABSENCES = "two_consecutive_absences"
ABSENT, EXCUSED = "absent", "excused"
_ALERT_NAMESPACE = uuid5(NAMESPACE_URL, "https://premiere-marche.fr/pathway/alerts")


def alert_id(person_id: str, kind: str, about: str) -> UUID:
    return uuid5(_ALERT_NAMESPACE, f"{person_id}/{kind}/{about}")


def alerts_revealed_by(
    event: RecordedEvent, state: PathwayState, already_raised: frozenset[UUID]
) -> list[AlertRaised]:
    candidates = [*_blocking_barrier(event, state), *_consecutive_absences(event, state)]
    return [alert for alert in candidates if alert.alert_id not in already_raised]


def alerts_the_timeline_reveals(entries: Iterable[TimelineEntry]) -> dict[UUID, AlertRaised]:
    """The alerts its visible entries reveal, replayed in order of occurrence: what a retraction compares
    before and after hiding an entry."""
    state, revealed = PathwayState(), dict[UUID, AlertRaised]()
    for entry in in_occurrence_order(entry for entry in entries if not entry.retracted):
        state = apply(state, entry)
        for alert in alerts_revealed_by(entry.event, state, frozenset(revealed)):
            revealed[alert.alert_id] = alert
    return revealed


def _blocking_barrier(event: RecordedEvent, state: PathwayState) -> list[AlertRaised]:
    barrier_id = event.data.get("barrier_id")
    barrier = None if barrier_id is None else state.barriers.get(str(barrier_id))
    if barrier is None or not barrier.stands_in_the_way:
        return []
    return [
        AlertRaised(
            person_id=event.person_id,
            alert_id=alert_id(event.person_id, BLOCKING_BARRIER, str(barrier_id)),
            kind=BLOCKING_BARRIER,
            triggered_by=event.reference,
            barrier_id=str(barrier_id),
        )
    ]


def _consecutive_absences(event: RecordedEvent, state: PathwayState) -> list[AlertRaised]:
    referral_id, sitting_on = event.data.get("referral_id"), event.data.get("sitting_on")
    if event.name != types.WORKSHOP_ATTENDANCE_RECORDED or referral_id is None or sitting_on is None:
        return []
    run = absence_run_through(state.attendance.get(str(referral_id), {}), date.fromisoformat(str(sitting_on)))
    if len(run) < 2:
        return []
    return [
        AlertRaised(
            person_id=event.person_id,
            # One alert per run of absences, however long it grows.
            alert_id=alert_id(event.person_id, TWO_CONSECUTIVE_ABSENCES, f"{referral_id}/{run[0]}"),
            kind=TWO_CONSECUTIVE_ABSENCES,
            triggered_by=event.reference,
            referral_id=str(referral_id),
        )
    ]


def absence_run_through(sittings: Mapping[date, str], sitting_on: date) -> list[date]:
    """The unbroken run of absent sittings that includes `sitting_on`; excused sittings neither count
    nor break it, a sitting attended ends it."""
    run: list[date] = []
    for day in sorted(sittings):
        if sittings[day] == EXCUSED:
            continue
        if sittings[day] != ABSENT:
            if sitting_on in run:
                return run
            run = []
            continue
        run.append(day)
    return run if sitting_on in run else []
