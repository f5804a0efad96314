"""The default rules, on the routing projection alone: who hears each kind of timeline event."""

from uuid import UUID, uuid4

from notification.domain.notified_events import (
    EVENT_TYPES_OF_RULE,
    NOTIFIED_EVENT_TYPES,
    PATHWAY_ALERT_RAISED,
    PATHWAY_ALERT_WITHDRAWN,
    PATHWAY_STAGE_CHANGED,
    REFERRAL_CANCELLED,
    REFERRAL_SENT,
    REFERRAL_WITHDRAWN,
    Rule,
    event_type,
)
from notification.domain.routing import (
    CareTeamMember,
    Happening,
    Recipient,
    ReferralParties,
    recipients_of,
)

PRESCRIBER, OPERATOR, PARTNER, EMPLOYER = uuid4(), uuid4(), uuid4(), uuid4()
REFERRAL = ReferralParties(uuid4(), PRESCRIBER, OPERATOR)
PROFESSIONALS = frozenset({"prescriber", "operator", "support_partner", "training_provider"})
CARE_TEAM = [
    CareTeamMember(PRESCRIBER, "prescriber", "referred_the_person"),
    CareTeamMember(OPERATOR, "operator", "accepted_the_referral"),
    CareTeamMember(PARTNER, "support_partner", "added_by_referent"),
    CareTeamMember(EMPLOYER, "employer", "added_by_referent"),
]


def entry(name: str, audience: frozenset[str] = PROFESSIONALS, acted_by: UUID | None = None) -> Happening:
    return Happening(event_type(name), REFERRAL.referral_id, audience, acted_by)


def organisations(recipients: list[Recipient]) -> set[UUID]:
    return {recipient.organisation_id for recipient in recipients}


def test_the_operator_hears_a_referral_sent_to_it_before_it_joins_the_care_team() -> None:
    prescriber_only = CARE_TEAM[:1]

    heard = recipients_of(entry("referral.sent"), prescriber_only, REFERRAL)

    assert heard == [Recipient(OPERATOR, Rule.OPERATOR_HEARS_NEW_REFERRALS)]
    assert event_type("referral.sent") == REFERRAL_SENT


def test_the_prescriber_hears_each_decision_on_its_referral_while_it_is_in_the_care_team() -> None:
    for decision in ("referral.accepted", "referral.rejected", "referral.scheduled", "referral.dropped_out"):
        assert recipients_of(entry(decision), CARE_TEAM, REFERRAL) == [
            Recipient(PRESCRIBER, Rule.PRESCRIBER_HEARS_DECISIONS)
        ], decision
    assert recipients_of(entry("referral.accepted"), CARE_TEAM[1:], REFERRAL) == []


def test_an_organisation_does_not_hear_of_its_own_act() -> None:
    cancelled = Happening(REFERRAL_CANCELLED, REFERRAL.referral_id, PROFESSIONALS, acted_by=PRESCRIBER)
    withdrawn = Happening(REFERRAL_WITHDRAWN, REFERRAL.referral_id, PROFESSIONALS, acted_by=PRESCRIBER)
    stage = Happening(PATHWAY_STAGE_CHANGED, acted_by=PARTNER)

    assert PRESCRIBER not in organisations(recipients_of(cancelled, CARE_TEAM, REFERRAL))
    assert PRESCRIBER not in organisations(recipients_of(withdrawn, CARE_TEAM, REFERRAL))
    assert organisations(recipients_of(stage, CARE_TEAM, None)) == {PRESCRIBER, OPERATOR, EMPLOYER}


def test_the_operator_hears_a_prescribers_withdrawal_before_it_joins_the_care_team() -> None:
    prescriber_only = CARE_TEAM[:1]
    withdrawn = Happening(REFERRAL_WITHDRAWN, REFERRAL.referral_id, PROFESSIONALS, acted_by=PRESCRIBER)

    heard = recipients_of(withdrawn, prescriber_only, REFERRAL)

    assert heard == [Recipient(OPERATOR, Rule.OPERATOR_HEARS_REFERRALS_CALLED_OFF)]
    assert recipients_of(withdrawn, CARE_TEAM, REFERRAL) == heard, "and once it has joined, the same"


def test_the_operator_hears_a_prescribers_cancellation() -> None:
    cancelled = Happening(REFERRAL_CANCELLED, REFERRAL.referral_id, PROFESSIONALS, acted_by=PRESCRIBER)

    heard = recipients_of(cancelled, CARE_TEAM, REFERRAL)

    assert heard == [Recipient(OPERATOR, Rule.OPERATOR_HEARS_REFERRALS_CALLED_OFF)]


def test_an_operator_does_not_hear_its_own_cancellation_while_the_prescriber_does() -> None:
    cancelled = Happening(REFERRAL_CANCELLED, REFERRAL.referral_id, PROFESSIONALS, acted_by=OPERATOR)

    heard = recipients_of(cancelled, CARE_TEAM, REFERRAL)

    assert heard == [Recipient(PRESCRIBER, Rule.PRESCRIBER_HEARS_DECISIONS)]


def test_a_cancellation_no_one_is_named_to_have_made_reaches_both_sides_each_by_its_rule_in_order() -> None:
    heard = recipients_of(entry("referral.cancelled"), CARE_TEAM, REFERRAL)

    assert heard == sorted(
        [
            Recipient(PRESCRIBER, Rule.PRESCRIBER_HEARS_DECISIONS),
            Recipient(OPERATOR, Rule.OPERATOR_HEARS_REFERRALS_CALLED_OFF),
        ]
    )


def test_a_referral_called_off_reaches_no_one_when_the_entry_is_not_for_operators() -> None:
    for_prescribers = frozenset({"prescriber"})
    for name in ("referral.withdrawn", "referral.cancelled"):
        called_off = entry(name, for_prescribers, acted_by=PRESCRIBER)

        assert recipients_of(called_off, CARE_TEAM, REFERRAL) == [], name
        assert recipients_of(called_off, CARE_TEAM[:1], REFERRAL) == [], name


def test_the_called_off_rule_names_withdrawals_and_cancellations_which_one_may_subscribe_to() -> None:
    assert EVENT_TYPES_OF_RULE[Rule.OPERATOR_HEARS_REFERRALS_CALLED_OFF] == {
        "fr.premiere-marche.referral.withdrawn",
        "fr.premiere-marche.referral.cancelled",
    }
    assert Rule.OPERATOR_HEARS_REFERRALS_CALLED_OFF == "operator_hears_referrals_called_off"
    assert {REFERRAL_WITHDRAWN, REFERRAL_CANCELLED} <= NOTIFIED_EVENT_TYPES


def test_a_decision_on_an_unknown_referral_reaches_no_one() -> None:
    assert recipients_of(entry("referral.accepted"), CARE_TEAM, None) == []


def test_alerts_reach_the_organisation_that_referred_the_person_only() -> None:
    heard = recipients_of(Happening(PATHWAY_ALERT_RAISED, REFERRAL.referral_id), CARE_TEAM, REFERRAL)

    assert heard == [Recipient(PRESCRIBER, Rule.REFERENT_HEARS_ALERTS)]


def test_an_alert_withdrawn_reaches_whoever_heard_the_alert_by_the_same_rule() -> None:
    for care_team in (
        CARE_TEAM,
        CARE_TEAM[1:],
        [CareTeamMember(PARTNER, "support_partner", "referred_the_person")],
    ):
        raised = recipients_of(Happening(PATHWAY_ALERT_RAISED, REFERRAL.referral_id), care_team, REFERRAL)
        withdrawn = recipients_of(
            Happening(PATHWAY_ALERT_WITHDRAWN, REFERRAL.referral_id), care_team, REFERRAL
        )

        assert withdrawn == raised, care_team
    assert recipients_of(Happening(PATHWAY_ALERT_WITHDRAWN, REFERRAL.referral_id), CARE_TEAM, REFERRAL) == [
        Recipient(PRESCRIBER, Rule.REFERENT_HEARS_ALERTS)
    ]


def test_the_alert_rule_names_alerts_and_their_withdrawals_which_one_may_subscribe_to() -> None:
    assert EVENT_TYPES_OF_RULE[Rule.REFERENT_HEARS_ALERTS] == {PATHWAY_ALERT_RAISED, PATHWAY_ALERT_WITHDRAWN}
    assert PATHWAY_ALERT_WITHDRAWN == "fr.premiere-marche.pathway.alert_withdrawn"
    assert PATHWAY_ALERT_WITHDRAWN in NOTIFIED_EVENT_TYPES


def test_stage_changes_reach_the_whole_care_team_and_no_one_else() -> None:
    heard = recipients_of(Happening(PATHWAY_STAGE_CHANGED), CARE_TEAM, None)

    assert organisations(heard) == {PRESCRIBER, OPERATOR, PARTNER, EMPLOYER}
    assert {recipient.rule for recipient in heard} == {Rule.CARE_TEAM_HEARS_STAGE_CHANGES}
    assert recipients_of(Happening(PATHWAY_STAGE_CHANGED), [], None) == []


def test_an_entry_reaches_only_the_kinds_of_its_audience() -> None:
    for_prescribers = frozenset({"prescriber"})

    assert recipients_of(entry("referral.sent", for_prescribers), CARE_TEAM, REFERRAL) == []
    assert organisations(recipients_of(entry("referral.accepted", for_prescribers), CARE_TEAM, REFERRAL)) == {
        PRESCRIBER
    }
    assert recipients_of(entry("referral.accepted", frozenset({"operator"})), CARE_TEAM, REFERRAL) == []


def test_events_no_rule_speaks_of_and_unknown_referrals_reach_no_one() -> None:
    for name in ("barrier.lifted", "care_team.member_added", "workshop.attendance_recorded"):
        heard = recipients_of(entry(name), CARE_TEAM, REFERRAL)
        assert heard == [], name
    for name in ("referral.withdrawn", "referral.sent", "referral.cancelled"):
        heard = recipients_of(entry(name), CARE_TEAM, None)
        assert heard == [], name
