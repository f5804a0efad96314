"""All SQL of routing, inside the transaction of the timeline event being routed: the routing projection,
the organisations' subscriptions, and the deliveries owed (webhooks into the webhook delivery record,
e-mails into their own), each inserted at most once."""

from collections.abc import Collection, Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from notification.adapters.owed_signal import signal_owed
from notification.adapters.tables import (
    care_team_members,
    email_deliveries,
    email_recipients,
    opt_outs,
    referral_parties,
    webhook_deliveries,
    webhook_endpoints,
)
from notification.domain.notified_events import chosen_through
from notification.domain.owed_deliveries import Channel, DeliveryTarget, OwedDelivery
from notification.domain.routing import CareTeamMember, ReferralParties
from notification.domain.subscriptions import OptOut, OptOutKind
from notification.domain.timeline_events import MemberJoined, MemberLeft, ProjectionChange
from notification.domain.webhook_delivery import DeliveryStatus
from notification.domain.webhooks import WebhookMessage


class SqlRoutingStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def change_projection(self, person_id: UUID, change: ProjectionChange) -> None:
        match change:
            case MemberJoined(member=member):
                values = {"organisation_kind": member.kind, "join_reason": member.joined_because}
                await self._session.execute(
                    insert(care_team_members)
                    .values(person_id=person_id, organisation_id=member.organisation_id, **values)
                    .on_conflict_do_update(index_elements=["person_id", "organisation_id"], set_=values)
                )
            case MemberLeft(organisation_id=organisation_id):
                await self._session.execute(
                    delete(care_team_members).where(
                        care_team_members.c.person_id == person_id,
                        care_team_members.c.organisation_id == organisation_id,
                    )
                )
            case ReferralParties():
                await self._session.execute(
                    insert(referral_parties)
                    .values(
                        referral_id=change.referral_id,
                        person_id=person_id,
                        prescriber_organisation_id=change.prescriber_organisation_id,
                        operator_organisation_id=change.operator_organisation_id,
                    )
                    .on_conflict_do_nothing()
                )

    async def care_team(self, person_id: UUID) -> list[CareTeamMember]:
        rows = await self._session.execute(
            select(care_team_members).where(care_team_members.c.person_id == person_id)
        )
        return [CareTeamMember(row.organisation_id, row.organisation_kind, row.join_reason) for row in rows]

    async def referral(self, referral_id: UUID) -> ReferralParties | None:
        row = (
            await self._session.execute(
                select(referral_parties).where(referral_parties.c.referral_id == referral_id)
            )
        ).first()
        if row is None:
            return None
        return ReferralParties(row.referral_id, row.prescriber_organisation_id, row.operator_organisation_id)

    async def opt_outs_of(self, organisation_ids: Collection[UUID]) -> list[OptOut]:
        rows = await self._session.execute(
            select(opt_outs).where(opt_outs.c.organisation_id.in_(organisation_ids))
        )
        return [OptOut(row.organisation_id, OptOutKind(row.kind), row.value) for row in rows]

    async def targets_of(self, organisation_ids: Collection[UUID], event_type: str) -> list[DeliveryTarget]:
        chosen = sorted(chosen_through(event_type))
        endpoints = await self._session.execute(
            select(webhook_endpoints.c.id, webhook_endpoints.c.organisation_id).where(
                webhook_endpoints.c.organisation_id.in_(organisation_ids),
                webhook_endpoints.c.event_types.overlap(chosen),
                webhook_endpoints.c.disabled_at.is_(None),
            )
        )
        recipients = await self._session.execute(
            select(email_recipients.c.id, email_recipients.c.organisation_id).where(
                email_recipients.c.organisation_id.in_(organisation_ids),
                email_recipients.c.event_types.overlap(chosen),
                email_recipients.c.removed_at.is_(None),
            )
        )
        return [
            *(DeliveryTarget(Channel.WEBHOOK, row.id, row.organisation_id) for row in endpoints),
            *(DeliveryTarget(Channel.EMAIL, row.id, row.organisation_id) for row in recipients),
        ]

    async def owe(self, deliveries: Sequence[OwedDelivery], message: WebhookMessage, now: datetime) -> int:
        new = 0
        for delivery in deliveries:
            target = delivery.target
            table, addressed = (
                (webhook_deliveries, {"endpoint_id": target.target_id})
                if target.channel is Channel.WEBHOOK
                else (
                    email_deliveries,
                    {"recipient_id": target.target_id, "organisation_id": target.organisation_id},
                )
            )
            inserted = await self._session.execute(
                insert(table)
                .values(
                    id=delivery.key,
                    message_id=message.id,
                    content_type=message.content_type,
                    body=message.body,
                    status=DeliveryStatus.PENDING.value,
                    attempts=0,
                    next_attempt_at=now,
                    **addressed,
                )
                .on_conflict_do_nothing()
                .returning(table.c.id)
            )
            new += inserted.first() is not None
        if new:
            await signal_owed(self._session)
        return new
