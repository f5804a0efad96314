from uuid import uuid4

from event_contracts.catalogue.codes import OrganisationKind
from pathway.domain.ingestion import Outcome, Verdict, verdict_on
from pathway.domain.senders import Organisation


def partner_of(events) -> Organisation:
    return Organisation(str(events.partner), OrganisationKind.SUPPORT_PARTNER, ("barrier.*",))


def judged(events, event, *, on_a_timeline: bool = False, member: bool = True) -> Verdict:
    return verdict_on(
        event,
        caller_organisation_id=str(events.partner),
        caller=partner_of(events),
        care_team={str(events.partner): "support_partner"} if member else {},
        on_a_timeline=on_a_timeline,
    )


def test_an_event_of_the_callers_source_about_a_person_it_follows_is_accepted(events) -> None:
    assert judged(events, events.barrier_identified(1, uuid4())).outcome is Outcome.ACCEPTED


def test_an_event_already_on_a_timeline_is_a_duplicate_even_if_the_sender_has_since_left(events) -> None:
    verdict = judged(events, events.barrier_identified(1, uuid4()), on_a_timeline=True, member=False)

    assert verdict.outcome is Outcome.DUPLICATE


def test_another_organisations_event_is_refused_before_saying_whether_it_is_known(events) -> None:
    theirs = events.barrier_identified(1, uuid4(), sender=uuid4())

    verdict = judged(events, theirs, on_a_timeline=True)

    assert verdict == Verdict(Outcome.REJECTED, "source_of_another_organisation", verdict.detail)


def test_the_assemblers_reasons_are_given_as_they_are(events) -> None:
    assert judged(events, events.training_entered(1)).reason == "type_not_allowed"
    assert judged(events, events.barrier_identified(1, uuid4()), member=False).reason == "not_in_care_team"
    assert judged(events, events.referral_started(1)).reason == "source_not_an_organisation"
