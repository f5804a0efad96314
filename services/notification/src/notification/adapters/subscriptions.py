"""All SQL about what organisations subscribe to, inside the caller's transaction. Every query names the
calling organisation, so one organisation never reads or changes another's subscriptions."""

from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import Row, and_, delete, func, insert, literal, select, type_coerce, update
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Text

from notification.adapters.secret_encryption import WebhookSecretCipher
from notification.adapters.tables import email_recipients, opt_outs, webhook_endpoints
from notification.domain.subscriptions import (
    EmailRecipient,
    OptOut,
    OptOutKind,
    SubscriptionError,
    WebhookSubscription,
)
from notification.domain.webhooks import WebhookEndpoint, WebhookSecret

REMOVED_BY_ITS_ORGANISATION = "removed by its organisation"


class SqlSubscriptions:
    def __init__(self, session: AsyncSession, cipher: WebhookSecretCipher) -> None:
        self._session = session
        self._cipher = cipher

    async def add_endpoint(
        self, endpoint: WebhookEndpoint, *, organisation_id: UUID, event_types: tuple[str, ...]
    ) -> None:
        await self._session.execute(
            insert(webhook_endpoints).values(
                id=endpoint.id,
                organisation_id=organisation_id,
                url=endpoint.url,
                event_types=list(event_types),
                secrets=[self._cipher.encrypt(secret) for secret in endpoint.secrets],
            )
        )

    async def webhook_endpoints(self, organisation_id: UUID) -> list[WebhookSubscription]:
        rows = await self._session.execute(
            select(webhook_endpoints)
            .where(webhook_endpoints.c.organisation_id == organisation_id)
            .order_by(webhook_endpoints.c.created_at, webhook_endpoints.c.id)
        )
        return [_subscription_of(row) for row in rows]

    async def webhook_endpoint(self, organisation_id: UUID, endpoint_id: UUID) -> WebhookSubscription | None:
        row = (
            await self._session.execute(
                select(webhook_endpoints).where(*_endpoint_of(organisation_id, endpoint_id))
            )
        ).first()
        return None if row is None else _subscription_of(row)

    async def rotate_secret(
        self, organisation_id: UUID, endpoint_id: UUID, new_secret: WebhookSecret, overlap: timedelta
    ) -> datetime | None:
        """Puts the new secret first and keeps the current one signing for `overlap`; an older one still
        overlapping stops at once. None when the organisation has no enabled endpoint with this id."""
        current = webhook_endpoints.c.secrets[1:1]
        new = type_coerce(literal([self._cipher.encrypt(new_secret)], ARRAY(Text)), ARRAY(Text))
        rotated = await self._session.execute(
            update(webhook_endpoints)
            .where(*_endpoint_of(organisation_id, endpoint_id), webhook_endpoints.c.disabled_at.is_(None))
            .values(secrets=new.op("||")(current), previous_secrets_valid_until=func.now() + overlap)
            .returning(webhook_endpoints.c.previous_secrets_valid_until)
        )
        valid_until: datetime | None = rotated.scalar_one_or_none()
        return valid_until

    async def remove_webhook_endpoint(self, organisation_id: UUID, endpoint_id: UUID) -> bool:
        """Disables it, so that deliveries already owed to it keep their record and stop."""
        removed = await self._session.execute(
            update(webhook_endpoints)
            .where(
                webhook_endpoints.c.organisation_id == organisation_id, webhook_endpoints.c.id == endpoint_id
            )
            .values(
                disabled_at=func.coalesce(webhook_endpoints.c.disabled_at, func.now()),
                disabled_reason=func.coalesce(
                    webhook_endpoints.c.disabled_reason, REMOVED_BY_ITS_ORGANISATION
                ),
            )
            .returning(webhook_endpoints.c.id)
        )
        return removed.first() is not None

    async def add_email_recipient(self, recipient: EmailRecipient) -> None:
        added = await self._session.execute(
            pg_insert(email_recipients)
            .values(
                id=recipient.id,
                organisation_id=recipient.organisation_id,
                address=recipient.address,
                event_types=list(recipient.event_types),
                created_at=recipient.created_at,
            )
            .on_conflict_do_nothing()
            .returning(email_recipients.c.id)
        )
        if added.first() is None:
            raise SubscriptionError("this address already receives the organisation's e-mails")

    async def email_recipients(self, organisation_id: UUID) -> list[EmailRecipient]:
        rows = await self._session.execute(
            select(email_recipients)
            .where(*_active_recipients_of(organisation_id))
            .order_by(email_recipients.c.created_at, email_recipients.c.id)
        )
        return [_recipient_of(row) for row in rows]

    async def remove_email_recipient(self, organisation_id: UUID, recipient_id: UUID) -> bool:
        removed = await self._session.execute(
            update(email_recipients)
            .where(*_active_recipients_of(organisation_id), email_recipients.c.id == recipient_id)
            .values(removed_at=func.now())
            .returning(email_recipients.c.id)
        )
        return removed.first() is not None

    async def add_opt_out(self, opt_out: OptOut) -> None:
        await self._session.execute(
            pg_insert(opt_outs)
            .values(organisation_id=opt_out.organisation_id, kind=opt_out.kind.value, value=opt_out.value)
            .on_conflict_do_nothing()
        )

    async def opt_outs(self, organisation_id: UUID) -> list[OptOut]:
        rows = await self._session.execute(
            select(opt_outs.c.kind, opt_outs.c.value)
            .where(opt_outs.c.organisation_id == organisation_id)
            .order_by(opt_outs.c.kind, opt_outs.c.value)
        )
        return [OptOut(organisation_id, OptOutKind(row.kind), row.value) for row in rows]

    async def remove_opt_out(self, opt_out: OptOut) -> bool:
        removed = await self._session.execute(
            delete(opt_outs)
            .where(
                and_(
                    opt_outs.c.organisation_id == opt_out.organisation_id,
                    opt_outs.c.kind == opt_out.kind.value,
                    opt_outs.c.value == opt_out.value,
                )
            )
            .returning(opt_outs.c.value)
        )
        return removed.first() is not None


def _endpoint_of(organisation_id: UUID, endpoint_id: UUID) -> tuple[Any, ...]:
    return (webhook_endpoints.c.organisation_id == organisation_id, webhook_endpoints.c.id == endpoint_id)


def _active_recipients_of(organisation_id: UUID) -> tuple[Any, ...]:
    return (email_recipients.c.organisation_id == organisation_id, email_recipients.c.removed_at.is_(None))


def _subscription_of(row: Row[Any]) -> WebhookSubscription:
    values = row._mapping
    return WebhookSubscription(
        endpoint_id=values["id"],
        organisation_id=values["organisation_id"],
        url=values["url"],
        event_types=tuple(values["event_types"]),
        created_at=values["created_at"],
        disabled_at=values["disabled_at"],
        disabled_reason=values["disabled_reason"],
        previous_secret_valid_until=values["previous_secrets_valid_until"],
    )


def _recipient_of(row: Row[Any]) -> EmailRecipient:
    values = row._mapping
    return EmailRecipient(
        id=values["id"],
        organisation_id=values["organisation_id"],
        address=values["address"],
        event_types=tuple(values["event_types"]),
        created_at=values["created_at"],
    )
