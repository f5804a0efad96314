"""Routing one timeline event against a hand-written store: the projection changes first, then the rules,
the opt-outs and the subscriptions decide what is owed."""

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from uuid import UUID, uuid4

from notification.domain.notified_events import (
    PATHWAY_STAGE_CHANGED,
    REFERRAL_SENT,
    Rule,
    chosen_through,
    event_type,
)
from notification.domain.owed_deliveries import Channel, DeliveryTarget, OwedDelivery
from notification.domain.routing import CareTeamMember, Happening, ReferralParties
from notification.domain.subscriptions import OptOut, OptOutKind
from notification.domain.timeline_events import MemberJoined, MemberLeft, ProjectionChange, TimelineEvent
from notification.domain.webhooks import WebhookMessage
from notification.service.route_timeline_event import route_timeline_event

PERSON, PRESCRIBER, OPERATOR = uuid4(), uuid4(), uuid4()


class RememberingStore:
    def __init__(self) -> None:
        self.members: dict[UUID, CareTeamMember] = {}
        self.referrals: dict[UUID, ReferralParties] = {}
        self.opted_out: list[OptOut] = []
        self.targets: list[DeliveryTarget] = []
        self.owed: list[OwedDelivery] = []

    async def change_projection(self, person_id: UUID, change: ProjectionChange) -> None:
        match change:
            case MemberJoined(member=member):
                self.members[member.organisation_id] = member
            case MemberLeft(organisation_id=organisation_id):
                self.members.pop(organisation_id, None)
            case ReferralParties():
                self.referrals[change.referral_id] = change

    async def care_team(self, person_id: UUID) -> list[CareTeamMember]:
        return list(self.members.values())

    async def referral(self, referral_id: UUID) -> ReferralParties | None:
        return self.referrals.get(referral_id)

    async def opt_outs_of(self, organisation_ids: Collection[UUID]) -> list[OptOut]:
        return [opt_out for opt_out in self.opted_out if opt_out.organisation_id in organisation_ids]

    async def targets_of(self, organisation_ids: Collection[UUID], event_type: str) -> list[DeliveryTarget]:
        return [target for target in self.targets if target.organisation_id in organisation_ids]

    async def owe(self, deliveries: Sequence[OwedDelivery], message: WebhookMessage, now: datetime) -> int:
        new = [delivery for delivery in deliveries if delivery not in self.owed]
        self.owed.extend(new)
        return len(new)


def timeline_event(happening: Happening, change: ProjectionChange | None = None) -> TimelineEvent:
    event_id = uuid4()
    return TimelineEvent(
        "/services/pathway", event_id, PERSON, happening, change, WebhookMessage(str(event_id), b"{}")
    )


def webhook_of(organisation_id: UUID) -> DeliveryTarget:
    return DeliveryTarget(Channel.WEBHOOK, uuid4(), organisation_id)


async def test_a_referral_sent_is_routed_to_its_operator_once_its_parties_are_recorded() -> None:
    store = RememberingStore()
    store.targets = [webhook_of(OPERATOR), webhook_of(PRESCRIBER)]
    referral = ReferralParties(uuid4(), PRESCRIBER, OPERATOR)

    owed = await route_timeline_event(
        timeline_event(Happening(REFERRAL_SENT, referral.referral_id), referral), store, datetime.now(UTC)
    )

    assert [delivery.target.organisation_id for delivery in owed] == [OPERATOR]
    assert store.owed == owed


async def test_an_organisation_that_opted_out_is_owed_nothing_while_the_others_are() -> None:
    store = RememberingStore()
    store.members = {
        PRESCRIBER: CareTeamMember(PRESCRIBER, "prescriber", "referred_the_person"),
        OPERATOR: CareTeamMember(OPERATOR, "operator", "accepted_the_referral"),
    }
    store.targets = [webhook_of(OPERATOR), webhook_of(PRESCRIBER)]
    store.opted_out = [OptOut(OPERATOR, OptOutKind.EVENT_TYPE, PATHWAY_STAGE_CHANGED)]

    owed = await route_timeline_event(
        timeline_event(Happening(PATHWAY_STAGE_CHANGED)), store, datetime.now(UTC)
    )

    assert [delivery.target.organisation_id for delivery in owed] == [PRESCRIBER]


async def test_a_member_who_left_hears_nothing_of_the_event_that_says_so_or_later() -> None:
    store = RememberingStore()
    store.members = {PRESCRIBER: CareTeamMember(PRESCRIBER, "prescriber", "referred_the_person")}
    store.targets = [webhook_of(PRESCRIBER)]

    owed = await route_timeline_event(
        timeline_event(Happening(PATHWAY_STAGE_CHANGED), MemberLeft(PRESCRIBER)), store, datetime.now(UTC)
    )

    assert owed == []
    assert store.owed == []


PARTNER, EMPLOYER = uuid4(), uuid4()
PROFESSIONALS = frozenset({"prescriber", "operator", "support_partner", "training_provider"})
BARRIER_LIFTED = event_type("barrier.lifted")
TRAINING_ENTERED = event_type("training.entered")
ACCEPTED = event_type("referral.accepted")


class SubscribedStore(RememberingStore):
    """Targets carry the event types they were subscribed to, as the SQL store filters them."""

    def __init__(self) -> None:
        super().__init__()
        self.members = {
            PRESCRIBER: CareTeamMember(PRESCRIBER, "prescriber", "referred_the_person"),
            OPERATOR: CareTeamMember(OPERATOR, "operator", "accepted_the_referral"),
            PARTNER: CareTeamMember(PARTNER, "support_partner", "added_by_referent"),
            EMPLOYER: CareTeamMember(EMPLOYER, "employer", "added_by_referent"),
        }
        self.subscribed: dict[DeliveryTarget, frozenset[str]] = {}

    def subscribe(self, organisation_id: UUID, *event_types: str) -> DeliveryTarget:
        target = webhook_of(organisation_id)
        self.subscribed[target] = frozenset(event_types)
        return target

    async def targets_of(self, organisation_ids: Collection[UUID], event_type: str) -> list[DeliveryTarget]:
        return [
            target
            for target, chosen in self.subscribed.items()
            if target.organisation_id in organisation_ids and chosen & chosen_through(event_type)
        ]


def owed_to(owed: list[OwedDelivery]) -> list[UUID]:
    return [delivery.target.organisation_id for delivery in owed]


async def test_a_support_partner_subscribed_to_training_entered_hears_it_and_no_one_unsubscribed_does() -> (
    None
):
    store = SubscribedStore()
    partner_hook = store.subscribe(PARTNER, TRAINING_ENTERED)
    store.subscribe(OPERATOR, BARRIER_LIFTED)
    entered = Happening(TRAINING_ENTERED, None, PROFESSIONALS | {"employer"}, acted_by=uuid4())

    owed = await route_timeline_event(timeline_event(entered), store, datetime.now(UTC))

    assert [delivery.target for delivery in owed] == [partner_hook]


async def test_an_employer_subscribed_to_barriers_never_hears_one() -> None:
    store = SubscribedStore()
    store.subscribe(EMPLOYER, BARRIER_LIFTED)
    store.subscribe(PARTNER, BARRIER_LIFTED)
    lifted = Happening(BARRIER_LIFTED, None, PROFESSIONALS, acted_by=OPERATOR)

    owed = await route_timeline_event(timeline_event(lifted), store, datetime.now(UTC))

    assert owed_to(owed) == [PARTNER]


async def test_the_organisation_whose_act_it_is_is_owed_nothing_though_it_subscribed() -> None:
    store = SubscribedStore()
    store.subscribe(PARTNER, BARRIER_LIFTED)

    lifted = Happening(BARRIER_LIFTED, None, PROFESSIONALS, acted_by=PARTNER)
    owed = await route_timeline_event(timeline_event(lifted), store, datetime.now(UTC))

    assert owed == []


async def test_a_decision_reaching_the_prescriber_by_two_rules_is_owed_once_per_target() -> None:
    store = SubscribedStore()
    referral = ReferralParties(uuid4(), PRESCRIBER, OPERATOR)
    store.referrals[referral.referral_id] = referral
    hook = store.subscribe(PRESCRIBER, ACCEPTED)
    mailbox = DeliveryTarget(Channel.EMAIL, uuid4(), PRESCRIBER)
    store.subscribed[mailbox] = frozenset({ACCEPTED})
    accepted = Happening(ACCEPTED, referral.referral_id, PROFESSIONALS)

    owed = await route_timeline_event(timeline_event(accepted), store, datetime.now(UTC))

    assert sorted(delivery.target for delivery in owed) == sorted([hook, mailbox])
    assert len({delivery.key for delivery in owed}) == 2


async def test_opting_out_of_a_default_rule_is_not_undone_by_the_subscription_rule() -> None:
    store = SubscribedStore()
    referral = ReferralParties(uuid4(), PRESCRIBER, OPERATOR)
    store.referrals[referral.referral_id] = referral
    store.subscribe(PRESCRIBER, ACCEPTED)
    store.subscribe(PARTNER, ACCEPTED)
    store.opted_out = [OptOut(PRESCRIBER, OptOutKind.RULE, Rule.PRESCRIBER_HEARS_DECISIONS)]
    accepted = Happening(ACCEPTED, referral.referral_id, PROFESSIONALS)

    owed = await route_timeline_event(timeline_event(accepted), store, datetime.now(UTC))

    assert owed_to(owed) == [PARTNER]


async def test_opting_out_of_the_subscription_rule_or_of_the_type_silences_what_one_subscribed_to() -> None:
    for opt_out in (
        OptOut(PARTNER, OptOutKind.RULE, Rule.CARE_TEAM_HEARS_WHAT_IT_SUBSCRIBED_TO),
        OptOut(PARTNER, OptOutKind.EVENT_TYPE, BARRIER_LIFTED),
    ):
        store = SubscribedStore()
        store.subscribe(PARTNER, BARRIER_LIFTED)
        store.subscribe(PRESCRIBER, BARRIER_LIFTED)
        store.opted_out = [opt_out]
        lifted = Happening(BARRIER_LIFTED, None, PROFESSIONALS, acted_by=OPERATOR)

        owed = await route_timeline_event(timeline_event(lifted), store, datetime.now(UTC))

        assert owed_to(owed) == [PRESCRIBER], opt_out
