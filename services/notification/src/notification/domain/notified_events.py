"""The events an organisation can be told about, spelled as on the wire (the domain imports no contracts),
and the default rules that decide which organisations hear each."""

from collections.abc import Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Final

EVENT_TYPE_PREFIX: Final = "fr.premiere-marche."


def event_type(name: str) -> str:
    """`referral.accepted` → `fr.premiere-marche.referral.accepted`."""
    return EVENT_TYPE_PREFIX + name


REFERRAL_SENT: Final = event_type("referral.sent")
REFERRAL_WITHDRAWN: Final = event_type("referral.withdrawn")
REFERRAL_CANCELLED: Final = event_type("referral.cancelled")
CARE_TEAM_MEMBER_ADDED: Final = event_type("care_team.member_added")
CARE_TEAM_MEMBER_REMOVED: Final = event_type("care_team.member_removed")
TIMELINE_ENTRY_APPENDED: Final = event_type("timeline.entry_appended")
PATHWAY_STAGE_CHANGED: Final = event_type("pathway.stage_changed")
PATHWAY_ALERT_RAISED: Final = event_type("pathway.alert_raised")
PATHWAY_ALERT_WITHDRAWN: Final = event_type("pathway.alert_withdrawn")
PATHWAY_ALERTS: Final = frozenset({PATHWAY_ALERT_RAISED, PATHWAY_ALERT_WITHDRAWN})
"""An alert and its withdrawal reach the same organisations: whoever was warned hears it is taken back."""

# What the operator decides (or time decides) about a referral once it is sent; the prescriber's own acts
# (sending, withdrawing) are not news to it. A cancellation may be either side's: whoever did not cancel hears
# it (the prescriber by this rule, the operator by `REFERRALS_CALLED_OFF`).
REFERRAL_DECISIONS: Final = frozenset(
    event_type(name)
    for name in (
        "referral.under_review",
        "referral.accepted",
        "referral.rejected",
        "referral.expired",
        "referral.waitlisted",
        "referral.scheduled",
        "referral.started",
        "referral.paused",
        "referral.resumed",
        "referral.completed",
        "referral.dropped_out",
        "referral.cancelled",
    )
)

# The prescriber calling a referral off: before the operator accepted it (withdrawn) or after (cancelled). The
# operator must hear it, or it may go on calling the person about a seat the referral no longer asks for.
REFERRALS_CALLED_OFF: Final = frozenset({REFERRAL_WITHDRAWN, REFERRAL_CANCELLED})

# Every type that can be a timeline entry: what the referral service and the partners emit (the catalogue's
# referral and partner events; a test holds this list to the catalogue). Not the pathway's own `timeline.*`
# and `pathway.*` types, which the other rules speak of. An organisation of the care team hears any of them
# it subscribed to, as far as the entry's audience lets it.
TIMELINE_ENTRY_TYPES: Final = (
    REFERRAL_DECISIONS
    | {REFERRAL_SENT, REFERRAL_WITHDRAWN, CARE_TEAM_MEMBER_ADDED, CARE_TEAM_MEMBER_REMOVED}
    | frozenset(
        event_type(name)
        for name in (
            "workshop.attendance_recorded",
            "barrier.identified",
            "barrier.action_started",
            "barrier.lifted",
            "barrier.persisting",
            "assessment.recorded",
            "training.entered",
            "training.completed",
            "training.abandoned",
            "qualification.obtained",
            "employment.started",
            "employment.ended",
            "followup.checkpoint_recorded",
            "event.retracted",
        )
    )
)


class Rule(StrEnum):
    """The rules; an organisation may opt out of any of them. All but the last are default rules: they name
    organisations by their part in the person's pathway. The last names no one by default: a care-team
    organisation hears by it only the entry types it subscribed an endpoint or a mailbox to, and only for
    organisations no default rule already names for that event."""

    PRESCRIBER_HEARS_DECISIONS = "prescriber_hears_decisions"
    OPERATOR_HEARS_NEW_REFERRALS = "operator_hears_new_referrals"
    OPERATOR_HEARS_REFERRALS_CALLED_OFF = "operator_hears_referrals_called_off"
    REFERENT_HEARS_ALERTS = "referent_hears_alerts"
    CARE_TEAM_HEARS_STAGE_CHANGES = "care_team_hears_stage_changes"
    CARE_TEAM_HEARS_WHAT_IT_SUBSCRIBED_TO = "care_team_hears_what_it_subscribed_to"


EVENT_TYPES_OF_RULE: Final[Mapping[Rule, frozenset[str]]] = MappingProxyType(
    {
        Rule.PRESCRIBER_HEARS_DECISIONS: REFERRAL_DECISIONS,
        Rule.OPERATOR_HEARS_NEW_REFERRALS: frozenset({REFERRAL_SENT}),
        Rule.OPERATOR_HEARS_REFERRALS_CALLED_OFF: REFERRALS_CALLED_OFF,
        Rule.REFERENT_HEARS_ALERTS: PATHWAY_ALERTS,
        Rule.CARE_TEAM_HEARS_STAGE_CHANGES: frozenset({PATHWAY_STAGE_CHANGED}),
        Rule.CARE_TEAM_HEARS_WHAT_IT_SUBSCRIBED_TO: TIMELINE_ENTRY_TYPES,
    }
)

NOTIFIED_EVENT_TYPES: Final = frozenset().union(*EVENT_TYPES_OF_RULE.values())
"""What webhook endpoints and e-mail recipients may subscribe to."""

# Subscriptions and opt-outs that name alerts were chosen before withdrawals existed: a withdrawal follows its
# alert, so no one warned is left believing an alert that no longer stands, and no one who turned alerts off
# hears of one taken back.
_FOLLOWS: Final[Mapping[str, str]] = MappingProxyType({PATHWAY_ALERT_WITHDRAWN: PATHWAY_ALERT_RAISED})


def chosen_through(event_type: str) -> frozenset[str]:
    """The event types a subscription or an event-type opt-out may name to reach `event_type`."""
    follows = _FOLLOWS.get(event_type)
    return frozenset({event_type} if follows is None else {event_type, follows})
