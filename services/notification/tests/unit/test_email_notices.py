"""What an e-mail reads from the thin timeline CloudEvent its delivery keeps: an alert and its withdrawal
tell their own type, the alert's kind, the referral and the moment in the region's time zone; a cancellation
tells which side cancelled."""

from zoneinfo import ZoneInfo

from notification_timeline import PersonTimeline

from event_contracts.json_format import to_json
from notification.adapters.email_notices import notice_of

PARIS = ZoneInfo("Europe/Paris")


def test_a_withdrawn_alert_is_told_by_its_own_type_kind_and_referral() -> None:
    person = PersonTimeline()
    raised = person.alert_raised()
    withdrawn = person.alert_withdrawn(raised)

    notice = notice_of(to_json(withdrawn), PARIS)

    assert notice.event_type == "fr.premiere-marche.pathway.alert_withdrawn"
    assert notice.code == "two_consecutive_absences"
    assert notice.person_id == person.person_id
    assert notice.referral_id == person.referral_id
    assert notice.occurred_at == withdrawn.time.astimezone(PARIS)
    assert notice_of(to_json(raised), PARIS).event_type == "fr.premiere-marche.pathway.alert_raised"


def test_a_cancellation_tells_which_side_cancelled_and_a_withdrawal_its_referral() -> None:
    person = PersonTimeline()

    by_prescriber = notice_of(to_json(person.referral_cancelled_by_prescriber()), PARIS)
    by_operator = notice_of(to_json(person.referral_cancelled_by_operator()), PARIS)
    withdrawn = notice_of(to_json(person.referral_withdrawn()), PARIS)

    assert by_prescriber.event_type == "fr.premiere-marche.referral.cancelled"
    assert (by_prescriber.code, by_operator.code) == ("prescriber", "operator")
    assert withdrawn.event_type == "fr.premiere-marche.referral.withdrawn"
    assert withdrawn.referral_id == person.referral_id
    assert withdrawn.code is None
