"""What to do after one attempt to deliver a webhook, given what the receiver answered (or did not)."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from random import Random

from notification.domain.retry_schedule import RetrySchedule

# A partner asking for more than a day of silence gets a day: the schedule still has to end.
LONGEST_HONOURED_RETRY_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class Answered:
    status: int
    retry_after: str | None = None


@dataclass(frozen=True)
class TimedOut:
    pass


@dataclass(frozen=True)
class ConnectionFailed:
    reason: str


@dataclass(frozen=True)
class DestinationRefused:
    """The endpoint's host resolved to an address we never send to (loopback, private…)."""

    reason: str


AttemptOutcome = Answered | TimedOut | ConnectionFailed | DestinationRefused


@dataclass(frozen=True)
class Delivered:
    pass


@dataclass(frozen=True)
class RetryLater:
    wait: timedelta
    reason: str


@dataclass(frozen=True)
class GiveUp:
    reason: str


@dataclass(frozen=True)
class DisableEndpoint:
    reason: str


DeliveryDecision = Delivered | RetryLater | GiveUp | DisableEndpoint


def decide_after_attempt(  # noqa: PLR0911 - one return per outcome reads as the decision table
    outcome: AttemptOutcome, attempt: int, schedule: RetrySchedule, now: datetime, rng: Random
) -> DeliveryDecision:
    """`attempt` is the number (from 1) of the attempt that just ended with `outcome`."""
    match outcome:
        case Answered(status=status) if 200 <= status < 300:
            return Delivered()
        case Answered(status=410):
            return DisableEndpoint("the receiver answered 410 Gone")
        case Answered(status=429, retry_after=retry_after):
            asked = parse_retry_after(retry_after, now) if retry_after else None
            return retry_or_give_up(attempt, schedule, rng, "the receiver answered 429", asked)
        case Answered(status=status) if status == 408 or status >= 500:
            return retry_or_give_up(attempt, schedule, rng, f"the receiver answered {status}")
        case Answered(status=status):
            return GiveUp(f"the receiver answered {status}, which another attempt would not change")
        case TimedOut():
            return retry_or_give_up(attempt, schedule, rng, "the receiver did not answer in time")
        case ConnectionFailed(reason=reason):
            return retry_or_give_up(attempt, schedule, rng, f"could not reach the receiver: {reason}")
        case DestinationRefused(reason=reason):
            return DisableEndpoint(f"the endpoint now points to a refused address: {reason}")


def retry_or_give_up(
    attempt: int, schedule: RetrySchedule, rng: Random, reason: str, asked_wait: timedelta | None = None
) -> DeliveryDecision:
    """Retry when the schedule allows another attempt after `attempt` (sooner or later if asked), else
    give up."""
    scheduled_wait = schedule.wait_after(attempt, rng)
    if scheduled_wait is None:
        return GiveUp(f"{reason} after {attempt} attempts, the last the schedule allows")
    if asked_wait is not None:
        return RetryLater(min(asked_wait, LONGEST_HONOURED_RETRY_AFTER), f"{reason} with Retry-After")
    return RetryLater(scheduled_wait, reason)


def parse_retry_after(value: str, now: datetime) -> timedelta | None:
    """Retry-After as delay-seconds or as an HTTP date (RFC 9110 §10.2.3); None when it is neither."""
    value = value.strip()
    if value.isdigit():
        return timedelta(seconds=int(value))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(when - now, timedelta())
