"""One e-mail owed to one recipient mailbox of an organisation, from the first attempt to its end: sent or
given up. What the SMTP server answered decides what comes next, on the same schedule as webhooks."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from random import Random
from uuid import UUID

from notification.domain.delivery_attempts import AttemptRecord
from notification.domain.delivery_decision import (
    Delivered,
    DeliveryDecision,
    GiveUp,
    RetryLater,
    retry_or_give_up,
)
from notification.domain.owed_deliveries import Channel
from notification.domain.retry_schedule import RetrySchedule

# Short enough that « Message-ID: <uuid@domain> » fits one header line, unfolded.
MESSAGE_ID_DOMAIN = "premiere-marche.fr"


class EmailDeliveryStatus(StrEnum):
    PENDING = "pending"
    SENT = "sent"
    GIVEN_UP = "given_up"


@dataclass(frozen=True)
class Accepted:
    """The SMTP server took the message (250 after DATA)."""

    code: int = 250


@dataclass(frozen=True)
class Refused:
    """The SMTP server answered with a refusal; 5xx is permanent, 4xx asks us to come back."""

    code: int | None
    reason: str
    permanent: bool


@dataclass(frozen=True)
class NotReached:
    """No answer: the server was unreachable, the connection broke or timed out."""

    reason: str


EmailOutcome = Accepted | Refused | NotReached


def decide_after_email_attempt(
    outcome: EmailOutcome, attempt: int, schedule: RetrySchedule, rng: Random
) -> DeliveryDecision:
    match outcome:
        case Accepted():
            return Delivered()
        case Refused(permanent=True, reason=reason):
            return GiveUp(f"the mail server refused the message: {reason}")
        case Refused(reason=reason):
            return retry_or_give_up(attempt, schedule, rng, f"the mail server asked to retry: {reason}")
        case NotReached(reason=reason):
            return retry_or_give_up(attempt, schedule, rng, f"could not reach the mail server: {reason}")


def message_id_of(delivery_id: UUID) -> str:
    """The same on every attempt, so that a mailbox (or a test's sink) recognises a message sent twice."""
    return f"<{delivery_id}@{MESSAGE_ID_DOMAIN}>"


@dataclass
class EmailDelivery:
    id: UUID
    recipient_id: UUID
    organisation_id: UUID
    address: str
    """The organisation's professional mailbox; still never logged."""
    recipient_removed: bool
    event_body: bytes
    """The thin timeline CloudEvent the e-mail tells of, rendered at send time."""
    status: EmailDeliveryStatus = EmailDeliveryStatus.PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_outcome: str | None = None

    def __repr__(self) -> str:
        return f"EmailDelivery(id={self.id}, status={self.status}, attempts={self.attempts})"

    @property
    def next_attempt(self) -> int:
        return self.attempts + 1

    @property
    def message_id(self) -> str:
        return message_id_of(self.id)

    def record(
        self, decision: DeliveryDecision, *, status_code: int | None, latency: timedelta, now: datetime
    ) -> AttemptRecord:
        if self.status is not EmailDeliveryStatus.PENDING:
            raise ValueError(f"e-mail delivery {self.id} is already {self.status}")
        self.attempts += 1
        self.next_attempt_at = None
        match decision:
            case Delivered():
                self.status, self.last_outcome, result = EmailDeliveryStatus.SENT, "sent", "delivered"
            case RetryLater(wait=wait, reason=reason):
                self.next_attempt_at, self.last_outcome, result = now + wait, reason, "retry"
            case GiveUp(reason=reason):
                self.status, self.last_outcome, result = EmailDeliveryStatus.GIVEN_UP, reason, "given_up"
            case _:
                raise ValueError(f"an e-mail delivery cannot end with {decision}")
        return AttemptRecord(
            delivery_id=self.id,
            channel=Channel.EMAIL,
            target_id=self.recipient_id,
            number=self.attempts,
            attempted_at=now,
            result=result,
            status_code=status_code,
            latency=latency,
            reason=None if self.status is EmailDeliveryStatus.SENT else self.last_outcome,
            next_attempt_at=self.next_attempt_at,
        )
