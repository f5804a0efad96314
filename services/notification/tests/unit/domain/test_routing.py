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


def by_default_rules(
    happening: Happening, care_team: list[CareTeamMember], referral: ReferralParties | None
) -> list[Recipient]:
    """Who the default rules name; the opt-in rule, which names members for their subscriptions to decide,
    has tests of its own below."""
    return [
        recipient
        for recipient in recipients_of(happening, care_team, referral)
        if recipient.rule is not Rule.CARE_TEAM_HEARS_WHAT_IT_SUBSCRIBED_TO
    ]


def organisations(recipients: list[Recipient]) -> set[UUID]:
    return {recipient.organisation_id for recipient in recipients}


def test_the_operator_hears_a_referral_sent_to_it_before_it_joins_the_care_team() -> None:
    prescriber_only = CARE_TEAM[:1]

    heard = by_default_rules(entry("referral.sent"), prescriber_only, REFERRAL)

    assert heard == [Recipient(OPERATOR, Rule.OPERATOR_HEARS_NEW_REFERRALS)]
    assert event_type("referral.sent") == REFERRAL_SENT


def test_the_prescriber_hears_each_decision_on_its_referral_while_it_is_in_the_care_team() -> None:
    for decision in ("referral.accepted", "referral.rejected", "referral.scheduled", "referral.dropped_out"):
        assert by_default_rules(entry(decision), CARE_TEAM, REFERRAL) == [
            Recipient(PRESCRIBER, Rule.PRESCRIBER_HEARS_DECISIONS)
        ], decision
    assert by_default_rules(entry("referral.accepted"), CARE_TEAM[1:], REFERRAL) == []


def test_an_organisation_does_not_hear_of_its_own_act() -> None:
    cancelled = Happening(REFERRAL_CANCELLED, REFERRAL.referral_id, PROFESSIONALS, acted_by=PRESCRIBER)
    withdrawn = Happening(REFERRAL_WITHDRAWN, REFERRAL.referral_id, PROFESSIONALS, acted_by=PRESCRIBER)
    stage = Happening(PATHWAY_STAGE_CHANGED, acted_by=PARTNER)

    assert PRESCRIBER not in organisations(by_default_rules(cancelled, CARE_TEAM, REFERRAL))
    assert PRESCRIBER not in organisations(by_default_rules(withdrawn, CARE_TEAM, REFERRAL))
    assert organisations(by_default_rules(stage, CARE_TEAM, None)) == {PRESCRIBER, OPERATOR, EMPLOYER}


def test_the_operator_hears_a_prescribers_withdrawal_before_it_joins_the_care_team() -> None:
    prescriber_only = CARE_TEAM[:1]
    withdrawn = Happening(REFERRAL_WITHDRAWN, REFERRAL.referral_id, PROFESSIONALS, acted_by=PRESCRIBER)

    heard = by_default_rules(withdrawn, prescriber_only, REFERRAL)

    assert heard == [Recipient(OPERATOR, Rule.OPERATOR_HEARS_REFERRALS_CALLED_OFF)]
    assert by_default_rules(withdrawn, CARE_TEAM, REFERRAL) == heard, "and once it has joined, the same"


def test_the_operator_hears_a_prescribers_cancellation() -> None:
    cancelled = Happening(REFERRAL_CANCELLED, REFERRAL.referral_id, PROFESSIONALS, acted_by=PRESCRIBER)

    heard = by_default_rules(cancelled, CARE_TEAM, REFERRAL)

    assert heard == [Recipient(OPERATOR, Rule.OPERATOR_HEARS_REFERRALS_CALLED_OFF)]


def test_an_operator_does_not_hear_its_own_cancellation_while_the_prescriber_does() -> None:
    cancelled = Happening(REFERRAL_CANCELLED, REFERRAL.referral_id, PROFESSIONALS, acted_by=OPERATOR)

    heard = by_default_rules(cancelled, CARE_TEAM, REFERRAL)

    assert heard == [Recipient(PRESCRIBER, Rule.PRESCRIBER_HEARS_DECISIONS)]


def test_a_cancellation_no_one_is_named_to_have_made_reaches_both_sides_each_by_its_rule_in_order() -> None:
    heard = by_default_rules(entry("referral.cancelled"), CARE_TEAM, REFERRAL)

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

        assert by_default_rules(called_off, CARE_TEAM, REFERRAL) == [], name
        assert by_default_rules(called_off, CARE_TEAM[:1], REFERRAL) == [], name


def test_the_called_off_rule_names_withdrawals_and_cancellations_which_one_may_subscribe_to() -> None:
    assert EVENT_TYPES_OF_RULE[Rule.OPERATOR_HEARS_REFERRALS_CALLED_OFF] == {
        "fr.premiere-marche.referral.withdrawn",
        "fr.premiere-marche.referral.cancelled",
    }
    assert Rule.OPERATOR_HEARS_REFERRALS_CALLED_OFF == "operator_hears_referrals_called_off"
    assert {REFERRAL_WITHDRAWN, REFERRAL_CANCELLED} <= NOTIFIED_EVENT_TYPES


def test_a_decision_on_an_unknown_referral_reaches_no_one() -> None:
    assert by_default_rules(entry("referral.accepted"), CARE_TEAM, None) == []


def test_alerts_reach_the_organisation_that_referred_the_person_only() -> None:
    heard = by_default_rules(Happening(PATHWAY_ALERT_RAISED, REFERRAL.referral_id), CARE_TEAM, REFERRAL)

    assert heard == [Recipient(PRESCRIBER, Rule.REFERENT_HEARS_ALERTS)]


def test_an_alert_withdrawn_reaches_whoever_heard_the_alert_by_the_same_rule() -> None:
    for care_team in (
        CARE_TEAM,
        CARE_TEAM[1:],
        [CareTeamMember(PARTNER, "support_partner", "referred_the_person")],
    ):
        raised = by_default_rules(Happening(PATHWAY_ALERT_RAISED, REFERRAL.referral_id), care_team, REFERRAL)
        withdrawn = by_default_rules(
            Happening(PATHWAY_ALERT_WITHDRAWN, REFERRAL.referral_id), care_team, REFERRAL
        )

        assert withdrawn == raised, care_team
    assert by_default_rules(
        Happening(PATHWAY_ALERT_WITHDRAWN, REFERRAL.referral_id), CARE_TEAM, REFERRAL
    ) == [Recipient(PRESCRIBER, Rule.REFERENT_HEARS_ALERTS)]


def test_the_alert_rule_names_alerts_and_their_withdrawals_which_one_may_subscribe_to() -> None:
    assert EVENT_TYPES_OF_RULE[Rule.REFERENT_HEARS_ALERTS] == {PATHWAY_ALERT_RAISED, PATHWAY_ALERT_WITHDRAWN}
    assert PATHWAY_ALERT_WITHDRAWN == "fr.premiere-marche.pathway.alert_withdrawn"
    assert PATHWAY_ALERT_WITHDRAWN in NOTIFIED_EVENT_TYPES


def test_stage_changes_reach_the_whole_care_team_and_no_one_else() -> None:
    heard = by_default_rules(Happening(PATHWAY_STAGE_CHANGED), CARE_TEAM, None)

    assert organisations(heard) == {PRESCRIBER, OPERATOR, PARTNER, EMPLOYER}
    assert {recipient.rule for recipient in heard} == {Rule.CARE_TEAM_HEARS_STAGE_CHANGES}
    assert by_default_rules(Happening(PATHWAY_STAGE_CHANGED), [], None) == []


def test_an_entry_reaches_only_the_kinds_of_its_audience() -> None:
    for_prescribers = frozenset({"prescriber"})

    assert by_default_rules(entry("referral.sent", for_prescribers), CARE_TEAM, REFERRAL) == []
    assert organisations(
        by_default_rules(entry("referral.accepted", for_prescribers), CARE_TEAM, REFERRAL)
    ) == {PRESCRIBER}
    assert by_default_rules(entry("referral.accepted", frozenset({"operator"})), CARE_TEAM, REFERRAL) == []


def test_events_no_default_rule_speaks_of_and_unknown_referrals_reach_no_one_by_default() -> None:
    for name in ("barrier.lifted", "care_team.member_added", "workshop.attendance_recorded"):
        heard = by_default_rules(entry(name), CARE_TEAM, REFERRAL)
        assert heard == [], name
    for name in ("referral.withdrawn", "referral.sent", "referral.cancelled"):
        heard = by_default_rules(entry(name), CARE_TEAM, None)
        assert heard == [], name


TRAINER = uuid4()
OPT_IN = Rule.CARE_TEAM_HEARS_WHAT_IT_SUBSCRIBED_TO
WITH_TRAINER = [*CARE_TEAM, CareTeamMember(TRAINER, "training_provider", "added_by_referent")]


def test_every_referral_and_partner_event_may_be_heard_by_subscription_and_nothing_else() -> None:
    from event_contracts.catalogue.partner import PARTNER_EVENT_MODELS
    from event_contracts.catalogue.referral import REFERRAL_EVENT_MODELS
    from event_contracts.catalogue.registry import event_type_for

    entries = {event_type_for(model) for model in (*REFERRAL_EVENT_MODELS, *PARTNER_EVENT_MODELS)}

    assert EVENT_TYPES_OF_RULE[OPT_IN] == entries
    assert entries <= NOTIFIED_EVENT_TYPES
    assert event_type("timeline.entry_appended") not in NOTIFIED_EVENT_TYPES
    assert OPT_IN == "care_team_hears_what_it_subscribed_to"


def test_a_training_entered_names_every_other_care_team_member_of_its_audience_for_its_subscriptions() -> (
    None
):
    entered = entry("training.entered", acted_by=TRAINER)

    heard = recipients_of(entered, WITH_TRAINER, None)

    assert heard == sorted(Recipient(member, OPT_IN) for member in (PRESCRIBER, OPERATOR, PARTNER))
    assert TRAINER not in organisations(heard), "the training provider entered the person: not news to it"


def test_an_employer_never_hears_a_barrier_whatever_it_subscribed_to() -> None:
    for name in ("barrier.identified", "barrier.action_started", "barrier.lifted", "barrier.persisting"):
        heard = recipients_of(entry(name, acted_by=PARTNER), WITH_TRAINER, None)

        assert EMPLOYER not in organisations(heard), name
        assert organisations(heard) == {PRESCRIBER, OPERATOR, TRAINER}, name


def test_the_organisation_that_lifted_a_barrier_does_not_hear_it() -> None:
    lifted = entry("barrier.lifted", acted_by=PARTNER)

    assert PARTNER not in organisations(recipients_of(lifted, WITH_TRAINER, None))
    assert PARTNER in organisations(recipients_of(entry("barrier.lifted"), WITH_TRAINER, None))


def test_no_one_outside_the_care_team_and_nothing_but_an_entry_is_heard_by_subscription() -> None:
    prescriber_only = CARE_TEAM[:1]

    assert recipients_of(entry("referral.sent"), prescriber_only, REFERRAL) == sorted(
        [Recipient(OPERATOR, Rule.OPERATOR_HEARS_NEW_REFERRALS), Recipient(PRESCRIBER, OPT_IN)]
    ), "the operator by its own rule only; no one else outside the care team"
    assert OPT_IN not in {r.rule for r in recipients_of(Happening(PATHWAY_STAGE_CHANGED), CARE_TEAM, None)}
    assert OPT_IN not in {r.rule for r in recipients_of(Happening(PATHWAY_ALERT_RAISED), CARE_TEAM, None)}
    assert recipients_of(Happening(event_type("training.entered")), CARE_TEAM, None) == [], "no audience"


def test_an_organisation_a_default_rule_names_is_named_once_by_that_rule_alone() -> None:
    for name in ("referral.accepted", "referral.cancelled", "referral.withdrawn"):
        heard = recipients_of(entry(name), WITH_TRAINER, REFERRAL)

        assert len(organisations(heard)) == len(heard), name
    accepted = recipients_of(entry("referral.accepted"), WITH_TRAINER, REFERRAL)
    assert Recipient(PRESCRIBER, Rule.PRESCRIBER_HEARS_DECISIONS) in accepted
    assert Recipient(PRESCRIBER, OPT_IN) not in accepted, "its opt-out of decisions must keep silencing them"
