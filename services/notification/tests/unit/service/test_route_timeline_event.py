"""Routing one timeline event against a hand-written store: the projection changes first, then the rules,
the opt-outs and the subscriptions decide what is owed."""

from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from uuid import UUID, uuid4

from notification.domain.notified_events import PATHWAY_STAGE_CHANGED, REFERRAL_SENT
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
