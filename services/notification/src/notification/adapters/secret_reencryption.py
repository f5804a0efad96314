"""Every stored webhook secret moved under the first encryption key, so that an operator can retire the
others. Endpoints are taken in batches, each in its own short transaction that locks its rows
`FOR UPDATE SKIP LOCKED`: the running service is never kept waiting, and a row it holds (a rotation being
written, a 410 disabling the endpoint) is tried again once the others are done. A secret already under the
first key is left as it is, so a second run rewrites nothing."""

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from uuid import UUID

from sqlalchemy import select, true, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notification.adapters.secret_encryption import UnreadableSecretError, WebhookSecretCipher
from notification.adapters.tables import webhook_endpoints
from notification.domain.webhooks import SECRET_PREFIX

BATCH_SIZE = 100
BUSY_RETRIES = 5
BUSY_PAUSE_SECONDS = 0.5


@dataclass
class Reencryption:
    """What a run did. `secrets_from_clear` are among `secrets_reencrypted`: entries still in the clear
    `whsec_` form, now encrypted. `unreadable` endpoints hold a secret no configured key decrypts and are
    left as they are; `busy` ones were held by another transaction every time they were tried."""

    endpoints_seen: int = 0
    endpoints_rewritten: int = 0
    secrets_reencrypted: int = 0
    secrets_from_clear: int = 0
    secrets_already_under_first_key: int = 0
    unreadable: list[UUID] = field(default_factory=list)
    busy: list[UUID] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.unreadable and not self.busy


async def reencrypt_webhook_secrets(
    sessions: async_sessionmaker[AsyncSession],
    cipher: WebhookSecretCipher,
    *,
    batch_size: int = BATCH_SIZE,
    busy_retries: int = BUSY_RETRIES,
    busy_pause_seconds: float = BUSY_PAUSE_SECONDS,
) -> Reencryption:
    done = Reencryption()
    busy: list[UUID] = []
    after: UUID | None = None
    while page := await _endpoint_ids(sessions, after, batch_size):
        busy += await _reencrypt_batch(sessions, cipher, page, done)
        after = page[-1]
    for _ in range(busy_retries):
        if not busy:
            break
        await asyncio.sleep(busy_pause_seconds)
        still_busy: list[UUID] = []
        for start in range(0, len(busy), batch_size):
            still_busy += await _reencrypt_batch(sessions, cipher, busy[start : start + batch_size], done)
        busy = still_busy
    done.busy = busy
    return done


async def _endpoint_ids(
    sessions: async_sessionmaker[AsyncSession], after: UUID | None, limit: int
) -> list[UUID]:
    async with sessions() as session:
        ids = await session.execute(
            select(webhook_endpoints.c.id)
            .where(true() if after is None else webhook_endpoints.c.id > after)
            .order_by(webhook_endpoints.c.id)
            .limit(limit)
        )
        return list(ids.scalars())


async def _reencrypt_batch(
    sessions: async_sessionmaker[AsyncSession],
    cipher: WebhookSecretCipher,
    endpoint_ids: Sequence[UUID],
    done: Reencryption,
) -> list[UUID]:
    """Rewrites the endpoints of the batch it can lock; returns those another transaction holds."""
    async with sessions.begin() as session:
        locked = (
            await session.execute(
                select(webhook_endpoints.c.id, webhook_endpoints.c.secrets)
                .where(webhook_endpoints.c.id.in_(endpoint_ids))
                .with_for_update(skip_locked=True)
            )
        ).all()
        for endpoint_id, secrets in locked:
            done.endpoints_seen += 1
            try:
                rewritten = _under_first_key(cipher, secrets, done)
            except (UnreadableSecretError, ValueError):
                done.unreadable.append(endpoint_id)
                continue
            if rewritten is not None:
                await session.execute(
                    update(webhook_endpoints)
                    .where(webhook_endpoints.c.id == endpoint_id)
                    .values(secrets=rewritten)
                )
                done.endpoints_rewritten += 1
        missing = set(endpoint_ids) - {endpoint_id for endpoint_id, _ in locked}
        if not missing:
            return []
        # Not locked: either someone else holds them, or they were deleted since the batch was listed.
        held = await session.execute(
            select(webhook_endpoints.c.id).where(webhook_endpoints.c.id.in_(missing))
        )
        return list(held.scalars())


def _under_first_key(
    cipher: WebhookSecretCipher, secrets: Sequence[str], done: Reencryption
) -> list[str] | None:
    """The endpoint's secrets all under the first key, or None when they already are. Counts only once the
    whole endpoint could be read, so an unreadable one leaves the counts as they were."""
    rewritten: list[str] = []
    reencrypted = from_clear = 0
    for stored in secrets:
        if cipher.is_under_first_key(stored):
            rewritten.append(stored)
            continue
        rewritten.append(cipher.reencrypt(stored))
        reencrypted += 1
        from_clear += stored.startswith(SECRET_PREFIX)
    done.secrets_reencrypted += reencrypted
    done.secrets_from_clear += from_clear
    done.secrets_already_under_first_key += len(secrets) - reencrypted
    return rewritten if reencrypted else None
