"""Referrals and their history in PostgreSQL; history lines are only ever appended."""

from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from referral.adapters.seen_aggregates import SeenAggregates
from referral.adapters.tables import referral_history, referrals
from referral.domain.actor import Actor, Party
from referral.domain.codes import (
    BarrierCategory,
    DropOutReason,
    OutcomeFamily,
    RejectionReason,
    WaitlistReason,
)
from referral.domain.lifecycle import AWAITING_ANSWER, ReferralAction, ReferralStatus
from referral.domain.referral import Referral
from referral.domain.status_change import StatusChange

_REASON_CODES: dict[ReferralAction, type[RejectionReason | WaitlistReason | DropOutReason]] = {
    ReferralAction.REJECT: RejectionReason,
    ReferralAction.WAITLIST: WaitlistReason,
    ReferralAction.SCHEDULE: WaitlistReason,
    ReferralAction.DROP_OUT: DropOutReason,
}


# Built once: the statements of the hot path are compiled and cached by their shape, not rebuilt per call.
_INSERT_REFERRAL = insert(referrals)
_INSERT_HISTORY = insert(referral_history)


class SqlReferralRepository:
    def __init__(self, session: AsyncSession, seen: SeenAggregates) -> None:
        self._session = session
        self._seen = seen
        self._stored_history_length: dict[UUID, int] = {}

    async def get(self, referral_id: UUID, *, lock: bool = False) -> Referral | None:
        query = select(referrals).where(referrals.c.id == referral_id)
        if lock:
            query = query.with_for_update()
        row = (await self._session.execute(query)).one_or_none()
        if row is None:
            return None
        return await self._rebuilt(row)

    async def due_for_expiry(self, sent_by: datetime, *, limit: int) -> list[Referral]:
        query = (
            select(referrals)
            .where(
                referrals.c.status.in_([status.value for status in AWAITING_ANSWER]),
                referrals.c.sent_at <= sent_by,
            )
            .order_by(referrals.c.sent_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [await self._rebuilt(row) for row in (await self._session.execute(query)).all()]

    async def add(self, referral: Referral) -> None:
        await self._session.execute(
            _INSERT_REFERRAL,
            {
                "id": referral.id,
                "person_id": referral.person_id,
                "prescriber_organisation_id": referral.prescriber_organisation_id,
                "operator_organisation_id": referral.operator_organisation_id,
                "workshop_id": referral.workshop_id,
                "session_id": referral.session_id,
                "status": referral.status.value,
                "sent_at": referral.sent_at,
                "updated_at": referral.history[-1].at,
            },
        )
        self._stored_history_length[referral.id] = 0
        await self._append_history(referral)
        self._seen.add(referral)

    async def save(self, referral: Referral) -> None:
        await self._session.execute(
            update(referrals)
            .where(referrals.c.id == referral.id)
            .values(
                workshop_id=referral.workshop_id,
                session_id=referral.session_id,
                status=referral.status.value,
                updated_at=referral.history[-1].at,
            )
        )
        await self._append_history(referral)
        self._seen.add(referral)

    async def _append_history(self, referral: Referral) -> None:
        stored = self._stored_history_length[referral.id]
        new_lines = [
            _history_row(referral.id, position, change)
            for position, change in enumerate(referral.history)
            if position >= stored
        ]
        if new_lines:
            await self._session.execute(_INSERT_HISTORY, new_lines)
        self._stored_history_length[referral.id] = len(referral.history)

    async def _rebuilt(self, row: Row[Any]) -> Referral:
        lines = (
            await self._session.execute(
                select(referral_history)
                .where(referral_history.c.referral_id == row.id)
                .order_by(referral_history.c.position)
            )
        ).all()
        referral = Referral(
            id=row.id,
            person_id=row.person_id,
            prescriber_organisation_id=row.prescriber_organisation_id,
            operator_organisation_id=row.operator_organisation_id,
            workshop_id=row.workshop_id,
            status=ReferralStatus(row.status),
            history=tuple(_status_change(line) for line in lines),
            session_id=row.session_id,
        )
        self._stored_history_length[referral.id] = len(referral.history)
        self._seen.add(referral)
        return referral


def _history_row(referral_id: UUID, position: int, change: StatusChange) -> dict[str, object]:
    return {
        "referral_id": referral_id,
        "position": position,
        "action": change.action.value,
        "from_status": change.from_status.value if change.from_status else None,
        "to_status": change.to_status.value,
        "at": change.at,
        "by_party": change.by.party.value,
        "by_organisation_id": change.by.organisation_id,
        "workshop_id": change.workshop_id,
        "session_id": change.session_id,
        "reason": change.reason.value if change.reason else None,
        "outcome": change.outcome.value if change.outcome else None,
        "barrier_category": change.barrier_category.value if change.barrier_category else None,
        "barrier_id": change.barrier_id,
        "message_for_prescriber": change.message_for_prescriber,
    }


def _status_change(line: Row[Any]) -> StatusChange:
    action = ReferralAction(line.action)
    reason_code = _REASON_CODES.get(action)
    return StatusChange(
        action=action,
        from_status=ReferralStatus(line.from_status) if line.from_status else None,
        to_status=ReferralStatus(line.to_status),
        at=line.at,
        by=Actor(Party(line.by_party), line.by_organisation_id),
        workshop_id=line.workshop_id,
        session_id=line.session_id,
        reason=reason_code(line.reason) if reason_code and line.reason else None,
        outcome=OutcomeFamily(line.outcome) if line.outcome else None,
        barrier_category=BarrierCategory(line.barrier_category) if line.barrier_category else None,
        barrier_id=line.barrier_id,
        message_for_prescriber=line.message_for_prescriber,
    )
