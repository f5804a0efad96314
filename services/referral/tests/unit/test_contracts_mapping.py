"""Every domain event has its catalogue event, and the envelope names the person and the region."""

from datetime import UTC, date, datetime
from uuid import uuid4

from referral.adapters.contracts import INTEGRATION_EVENT_OF, SOURCE, integration_event
from referral.domain import events
from referral.domain.codes import AttendanceStatus


def leaf_subclasses(cls: type) -> set[type]:
    children = set(cls.__subclasses__())
    return {leaf for child in children for leaf in (leaf_subclasses(child) or {child})}


def test_every_domain_event_is_published_as_a_catalogue_event() -> None:
    assert leaf_subclasses(events.DomainEvent) == set(INTEGRATION_EVENT_OF)


def test_an_attendance_is_published_with_its_codes_under_the_persons_id() -> None:
    person_id = uuid4()
    occurred_at = datetime(2026, 10, 5, 14, 0, tzinfo=UTC)
    event = events.AttendanceRecorded(
        referral_id=uuid4(),
        person_id=person_id,
        occurred_at=occurred_at,
        workshop_id=uuid4(),
        session_id=uuid4(),
        sitting_on=date(2026, 10, 5),
        attendance=AttendanceStatus.EXCUSED,
    )

    published = integration_event(event, region="grand-est")

    assert published.type == "fr.premiere-marche.workshop.attendance_recorded"
    assert (published.subject, published.source, published.region) == (str(person_id), SOURCE, "grand-est")
    assert published.time == occurred_at
    assert published.data.model_dump(mode="json")["attendance"] == "excused"
