"""Referrals left unanswered past the region's delay expire; several instances may run this at once."""

from datetime import datetime, timedelta

from referral.domain.actor import SYSTEM
from referral.domain.answer_clock import AnswerClock
from referral.service.unit_of_work import UnitOfWork


async def expire_due_referrals(
    uow: UnitOfWork, answer_clock: AnswerClock, now: datetime, *, batch_size: int
) -> int:
    """Expires one batch of due referrals and returns how many; the caller commits and calls again
    while batches come back full. Referrals another instance holds are skipped, not waited for."""
    sent_by = now - timedelta(days=answer_clock.expires_after_days)
    due = await uow.referrals.due_for_expiry(sent_by, limit=batch_size)
    for referral in due:
        referral.expire(SYSTEM, now, answer_clock)
        await uow.referrals.save(referral)
    return len(due)
