"""Alerts derived when an entry is appended: a blocking barrier warns the care team once per barrier."""

from uuid import NAMESPACE_URL, UUID, uuid5

from pathway.domain.events import AlertRaised
from pathway.domain.pathway_state import PathwayState
from pathway.domain.timeline import RecordedEvent

BLOCKING_BARRIER = "blocking_barrier"
_ALERT_NAMESPACE = uuid5(NAMESPACE_URL, "https://premiere-marche.fr/pathway/alerts")


def alert_id(person_id: str, kind: str, about: str) -> UUID:
    """The same situation always gets the same id, which is what makes an alert raised once."""
    return uuid5(_ALERT_NAMESPACE, f"{person_id}/{kind}/{about}")


def alerts_revealed_by(
    event: RecordedEvent, state: PathwayState, already_raised: frozenset[UUID]
) -> list[AlertRaised]:
    barrier_id = event.data.get("barrier_id")
    if barrier_id is None:
        return []
    barrier = state.barriers.get(str(barrier_id))
    if barrier is None or not barrier.stands_in_the_way:
        return []
    raised = alert_id(event.person_id, BLOCKING_BARRIER, str(barrier_id))
    if raised in already_raised:
        return []
    return [
        AlertRaised(
            person_id=event.person_id,
            alert_id=raised,
            kind=BLOCKING_BARRIER,
            triggered_by=event.reference,
            barrier_id=str(barrier_id),
        )
    ]
