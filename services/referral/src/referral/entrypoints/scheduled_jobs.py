"""Jobs the service runs on an interval, and the CLI runs on demand: both safe on several instances."""

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime

import asyncpg
import structlog

from referral.adapters.sql_unit_of_work import SqlUnitOfWork
from referral.domain.answer_clock import AnswerClock
from referral.service.expire_referrals import expire_due_referrals

_log = structlog.get_logger(__name__)


async def expire_all_due_referrals(
    unit_of_work: Callable[[], SqlUnitOfWork],
    answer_clock: AnswerClock,
    *,
    batch_size: int,
    now: Callable[[], datetime] = lambda: datetime.now(UTC),
) -> int:
    """Expires due referrals batch by batch, one transaction each, until a batch comes back short."""
    expired = 0
    while True:
        async with unit_of_work() as uow:
            count = await expire_due_referrals(uow, answer_clock, now(), batch_size=batch_size)
            await uow.commit()
        expired += count
        if count < batch_size:
            return expired


async def expire_due_referrals_forever(
    unit_of_work: Callable[[], SqlUnitOfWork],
    answer_clock: AnswerClock,
    *,
    batch_size: int,
    interval_seconds: float,
) -> None:
    while True:
        try:
            expired = await expire_all_due_referrals(unit_of_work, answer_clock, batch_size=batch_size)
            if expired:
                _log.info("referrals expired", count=expired)
        except (OSError, asyncpg.PostgresError) as error:
            _log.warning("expiring referrals failed; retrying later", error_class=type(error).__name__)
        except Exception as error:
            _log.exception("expiring referrals failed; retrying later", error_class=type(error).__name__)
        await asyncio.sleep(interval_seconds)
