"""Use case: send the session reminders that have come due. How to reach the person, and how they prefer
to hear it, is asked of the referral service now, used for this turn, and forgotten: never stored, never
logged. Each (reminder, channel, target) has a key of its own: a target the record shows reached is never
sent to again, whatever restarts or retries come."""

import asyncio
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from random import Random
from uuid import UUID
from zoneinfo import ZoneInfo

from notification.domain.contacts import ContactUnavailableError, PersonContact, SmsNotSentError
from notification.domain.delivery_attempts import AttemptRecord
from notification.domain.delivery_decision import (
    Delivered,
    DeliveryDecision,
    GiveUp,
    RetryLater,
    retry_or_give_up,
)
from notification.domain.email_delivery import (
    Accepted,
    Refused,
    decide_after_email_attempt,
    message_id_of,
)
from notification.domain.messages import Message, session_reminder
from notification.domain.owed_deliveries import Channel
from notification.domain.reminder_to_pass_on import reminder_to_pass_on
from notification.domain.retry_schedule import RetrySchedule
from notification.domain.session_reminders import (
    CONTACT_PURPOSE,
    ReminderRoute,
    SessionReminder,
    attempt_key,
    given_up,
    progress_after,
    result_of,
    route_for,
    too_late_to_remind,
)
from notification.service.ports import ContactDirectory, EmailTransport, SessionReminders, SmsGateway


@dataclass(frozen=True)
class ReminderDispatch:
    reminders: SessionReminders
    contacts: ContactDirectory
    sms: SmsGateway
    mail: EmailTransport
    schedule: RetrySchedule
    time_zone: ZoneInfo
    batch_size: int
    lease: timedelta
    concurrency: int


@dataclass(frozen=True)
class _Target:
    """Where one reminder goes on one channel; `address` is a phone number or a mailbox, never kept."""

    route: ReminderRoute
    target_id: UUID
    address: str | None


async def send_due_reminders(
    dispatch: ReminderDispatch, *, now: datetime, rng: Random
) -> list[AttemptRecord]:
    claimed = await dispatch.reminders.claim_due(now, dispatch.lease, dispatch.batch_size)
    slots = asyncio.Semaphore(dispatch.concurrency)

    async def send(reminder: SessionReminder) -> list[AttemptRecord]:
        async with slots:
            return await send_reminder(reminder, dispatch, now=now, rng=rng)

    return [record for records in await asyncio.gather(*map(send, claimed)) for record in records]


async def send_reminder(
    reminder: SessionReminder, dispatch: ReminderDispatch, *, now: datetime, rng: Random
) -> list[AttemptRecord]:
    if too_late_to_remind(reminder.session_starts_on, now, dispatch.time_zone):
        await dispatch.reminders.save_attempts(reminder, given_up("the session has begun"), [], now)
        return []
    try:
        contact = await dispatch.contacts.contact_of(reminder.person_id, CONTACT_PURPOSE)
    except ContactUnavailableError as unavailable:
        decision = (
            GiveUp(str(unavailable))
            if unavailable.permanent
            else retry_or_give_up(reminder.attempts + 1, dispatch.schedule, rng, str(unavailable))
        )
        await dispatch.reminders.save_attempts(reminder, progress_after([decision], now), [], now)
        return []
    targets = await _targets_of(reminder, contact, dispatch)
    if not targets:
        progress = given_up("the referent's organisation has no e-mail recipient")
        await dispatch.reminders.save_attempts(reminder, progress, [], now)
        return []
    reached = await dispatch.reminders.already_delivered(
        [attempt_key(reminder.id, target.route, target.target_id) for target in targets]
    )
    decisions: list[DeliveryDecision] = []
    records: list[AttemptRecord] = []
    for target in targets:
        key = attempt_key(reminder.id, target.route, target.target_id)
        if key in reached:
            decisions.append(Delivered())
            continue
        started = time.monotonic()
        decision, status_code = await _send(reminder, target, key, dispatch, rng)
        decisions.append(decision)
        records.append(
            AttemptRecord(
                delivery_id=key,
                channel=Channel.SMS if target.route is ReminderRoute.SMS else Channel.EMAIL,
                target_id=target.target_id,
                number=reminder.attempts + 1,
                attempted_at=now,
                result=result_of(decision),
                status_code=status_code,
                latency=timedelta(seconds=time.monotonic() - started),
                reason=_reason_of(decision),
                next_attempt_at=now + decision.wait if isinstance(decision, RetryLater) else None,
            )
        )
    await dispatch.reminders.save_attempts(reminder, progress_after(decisions, now), records, now)
    return records


async def _targets_of(
    reminder: SessionReminder, contact: PersonContact, dispatch: ReminderDispatch
) -> list[_Target]:
    """The person themselves (named by their platform id as the target), or each mailbox of the referent's
    organisation."""
    route = route_for(contact.contact_preference)
    if route is ReminderRoute.SMS:
        return [_Target(route, reminder.person_id, contact.phone)]
    if route is ReminderRoute.EMAIL:
        return [_Target(route, reminder.person_id, contact.email)]
    mailboxes = await dispatch.reminders.referent_mailboxes(reminder.person_id)
    return [_Target(route, recipient_id, address) for recipient_id, address in sorted(mailboxes.items())]


async def _send(
    reminder: SessionReminder, target: _Target, key: UUID, dispatch: ReminderDispatch, rng: Random
) -> tuple[DeliveryDecision, int | None]:
    attempt = reminder.attempts + 1
    if target.address is None:
        return GiveUp(f"the person prefers {target.route} but gave no such contact"), None
    if target.route is ReminderRoute.SMS:
        try:
            await dispatch.sms.send(target.address, _to_the_person(reminder).sms)
        except SmsNotSentError as not_sent:
            if not_sent.permanent:
                return GiveUp(str(not_sent)), None
            return retry_or_give_up(attempt, dispatch.schedule, rng, str(not_sent)), None
        return Delivered(), None
    message = (
        _to_the_person(reminder)
        if target.route is ReminderRoute.EMAIL
        else reminder_to_pass_on(reminder.person_id, reminder.referral_id, reminder.session_starts_on)
    )
    outcome = await dispatch.mail.deliver(target.address, message, message_id=message_id_of(key))
    decision = decide_after_email_attempt(outcome, attempt, dispatch.schedule, rng)
    match outcome:
        case Accepted(code=code) | Refused(code=code):
            return decision, code
    return decision, None


def _reason_of(decision: DeliveryDecision) -> str | None:
    match decision:
        case RetryLater(reason=reason) | GiveUp(reason=reason):
            return reason
    return None


def _to_the_person(reminder: SessionReminder) -> Message:
    return session_reminder(reminder.session_starts_on)
