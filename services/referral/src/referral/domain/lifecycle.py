"""The referral lifecycle of DOMAIN.md as data: which action moves which status to which, and who may act."""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from referral.domain.actor import Party


class ReferralStatus(StrEnum):
    SENT = "sent"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    WAITLISTED = "waitlisted"
    SCHEDULED = "scheduled"
    STARTED = "started"
    PAUSED = "paused"
    COMPLETED = "completed"
    DROPPED_OUT = "dropped_out"
    CANCELLED = "cancelled"


class ReferralAction(StrEnum):
    SEND = "send"
    MARK_UNDER_REVIEW = "mark_under_review"
    ACCEPT = "accept"
    REJECT = "reject"
    EXPIRE = "expire"
    WITHDRAW = "withdraw"
    WAITLIST = "waitlist"
    SCHEDULE = "schedule"
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    COMPLETE = "complete"
    DROP_OUT = "drop_out"
    CANCEL = "cancel"


@dataclass(frozen=True)
class Rule:
    action: ReferralAction
    sources: frozenset[ReferralStatus]
    target: ReferralStatus
    allowed_parties: frozenset[Party]


_S = ReferralStatus
_A = ReferralAction
_PRESCRIBER: Final = frozenset({Party.PRESCRIBER})
_OPERATOR: Final = frozenset({Party.OPERATOR})
_SYSTEM: Final = frozenset({Party.SYSTEM})
_BOTH: Final = frozenset({Party.PRESCRIBER, Party.OPERATOR})
AWAITING_ANSWER: Final = frozenset({_S.SENT, _S.UNDER_REVIEW})

# Sending has no source: it creates the referral.
RULES: Final[tuple[Rule, ...]] = (
    Rule(_A.SEND, frozenset(), _S.SENT, _PRESCRIBER),
    Rule(_A.MARK_UNDER_REVIEW, frozenset({_S.SENT}), _S.UNDER_REVIEW, _OPERATOR),
    Rule(_A.ACCEPT, AWAITING_ANSWER, _S.ACCEPTED, _OPERATOR),
    Rule(_A.REJECT, AWAITING_ANSWER, _S.REJECTED, _OPERATOR),
    Rule(_A.EXPIRE, AWAITING_ANSWER, _S.EXPIRED, _SYSTEM),
    Rule(_A.WITHDRAW, AWAITING_ANSWER, _S.WITHDRAWN, _PRESCRIBER),
    Rule(_A.WAITLIST, frozenset({_S.ACCEPTED, _S.SCHEDULED}), _S.WAITLISTED, _OPERATOR),
    Rule(_A.SCHEDULE, frozenset({_S.ACCEPTED, _S.WAITLISTED}), _S.SCHEDULED, _OPERATOR),
    Rule(_A.START, frozenset({_S.SCHEDULED}), _S.STARTED, _OPERATOR),
    Rule(_A.PAUSE, frozenset({_S.STARTED}), _S.PAUSED, _OPERATOR),
    Rule(_A.RESUME, frozenset({_S.PAUSED}), _S.STARTED, _OPERATOR),
    Rule(_A.COMPLETE, frozenset({_S.STARTED}), _S.COMPLETED, _OPERATOR),
    Rule(_A.DROP_OUT, frozenset({_S.STARTED, _S.PAUSED}), _S.DROPPED_OUT, _OPERATOR),
    Rule(_A.CANCEL, frozenset({_S.ACCEPTED, _S.WAITLISTED, _S.SCHEDULED, _S.PAUSED}), _S.CANCELLED, _BOTH),
)

RULE_FOR: Final[Mapping[ReferralAction, Rule]] = {rule.action: rule for rule in RULES}

TERMINAL_STATUSES: Final = frozenset(
    {_S.REJECTED, _S.EXPIRED, _S.WITHDRAWN, _S.COMPLETED, _S.DROPPED_OUT, _S.CANCELLED}
)


def target_of(status: ReferralStatus, action: ReferralAction) -> ReferralStatus | None:
    """The status the action leads to from ``status``, or None when the lifecycle forbids it."""
    rule = RULE_FOR[action]
    return rule.target if status in rule.sources else None


def may_act(party: Party, action: ReferralAction) -> bool:
    return party in RULE_FOR[action].allowed_parties


def possible_actions(status: ReferralStatus, party: Party) -> frozenset[ReferralAction]:
    return frozenset(
        rule.action for rule in RULES if status in rule.sources and party in rule.allowed_parties
    )
