"""What routing reads from a timeline CloudEvent, and what it refuses to read."""

from datetime import date
from uuid import uuid4

import pytest
from notification_timeline import PersonTimeline

from event_contracts.catalogue.base import EventData
from event_contracts.catalogue.referral import ReferralSent
from event_contracts.catalogue.timeline import TIMELINE_EVENT_MODELS
from event_contracts.envelope import CloudEvent
from event_contracts.examples import example_event
from notification.adapters.timeline_events import NotATimelineEventError, timeline_event_of
from notification.domain.routing import ReferralParties
from notification.domain.timeline_events import MemberJoined, MemberLeft


def test_an_entry_tells_its_original_type_audience_referral_and_projection_change() -> None:
    person = PersonTimeline()

    sent = timeline_event_of(person.referral_sent())
    joined = timeline_event_of(person.prescriber_joined())
    left = timeline_event_of(person.member_removed(person.prescriber))

    assert sent.happening.event_type == "fr.premiere-marche.referral.sent"
    assert sent.happening.referral_id == person.referral_id
    assert "operator" in (sent.happening.audience or ())
    assert sent.projection_change == ReferralParties(person.referral_id, person.prescriber, person.operator)
    assert isinstance(joined.projection_change, MemberJoined)
    assert joined.projection_change.member.joined_because == "referred_the_person"
    assert left.projection_change == MemberLeft(person.prescriber)


def test_the_message_is_the_timeline_event_itself_under_its_own_id() -> None:
    event = PersonTimeline().stage_changed()

    routed = timeline_event_of(event)

    assert routed.message.id == str(event.id)
    assert routed.happening.event_type == event.type
    assert routed.projection_change is None


@pytest.mark.parametrize("model", TIMELINE_EVENT_MODELS, ids=lambda model: model.event_name)
def test_every_timeline_event_the_contracts_define_is_read_under_its_own_id(model: type[EventData]) -> None:
    event = example_event(model)

    assert timeline_event_of(event).message.id == str(event.id)


def test_an_alert_and_its_withdrawal_tell_their_own_type_and_referral() -> None:
    person = PersonTimeline()
    raised_event = person.alert_raised()

    raised = timeline_event_of(raised_event)
    withdrawn = timeline_event_of(person.alert_withdrawn(raised_event))

    assert raised.happening.event_type == "fr.premiere-marche.pathway.alert_raised"
    assert withdrawn.happening.event_type == "fr.premiere-marche.pathway.alert_withdrawn"
    assert withdrawn.happening.referral_id == raised.happening.referral_id == person.referral_id
    assert withdrawn.happening.audience is None, "no audience: routed by the alert rule alone"
    assert withdrawn.projection_change is None


def test_a_cancellation_is_the_act_of_the_organisation_that_cancelled() -> None:
    person = PersonTimeline()

    assert (
        timeline_event_of(person.referral_cancelled_by_prescriber()).happening.acted_by == person.prescriber
    )
    assert timeline_event_of(person.referral_cancelled_by_operator()).happening.acted_by == person.operator


def test_a_withdrawal_is_the_act_of_the_prescriber_though_the_referral_service_sends_it() -> None:
    person = PersonTimeline()

    withdrawn = timeline_event_of(person.referral_withdrawn()).happening

    assert withdrawn.event_type == "fr.premiere-marche.referral.withdrawn"
    assert withdrawn.referral_id == person.referral_id
    assert withdrawn.acted_by == person.prescriber


def test_an_event_that_is_not_a_timeline_event_is_refused() -> None:
    sent = ReferralSent(
        referral_id=uuid4(),
        prescriber_organisation_id=uuid4(),
        operator_organisation_id=uuid4(),
        reminder_due_on=date(2026, 12, 7),
        expires_on=date(2026, 12, 27),
    )
    event = CloudEvent.build(sent, source="/services/referral", subject=uuid4(), region="grand-est")

    with pytest.raises(NotATimelineEventError):
        timeline_event_of(event)
