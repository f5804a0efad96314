"""Who hears a timeline event, by the default rules, from notification's own routing projection: the
person's care team (ids, kinds and why each joined) and the parties of each referral.

Only organisations of the person's care team hear about the person, and only if the entry's audience
includes their kind. One exception, by design: the operator a referral is sent to hears of that referral
being sent, and of it being called off by the prescriber (withdrawn, cancelled), whether or not it is in
the care team: it joins by accepting, and a withdrawal comes before any acceptance. The referral service
already shows an operator the referrals it receives, so this tells it nothing new about the person but
that a referral it knows of no longer stands; it hears nothing else about the person until it joins.

A cancellation reaches whichever side did not cancel: the prescriber by its decisions rule (while in the
care team), the operator by the called-off rule. No organisation hears of its own act."""

from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

from notification.domain.notified_events import (
    PATHWAY_ALERTS,
    PATHWAY_STAGE_CHANGED,
    REFERRAL_DECISIONS,
    REFERRAL_SENT,
    REFERRALS_CALLED_OFF,
    TIMELINE_ENTRY_TYPES,
    Rule,
)

REFERRED_THE_PERSON = "referred_the_person"
"""The join reason of the organisation holding the person's referent (référent de parcours)."""
OPERATOR = "operator"


@dataclass(frozen=True)
class CareTeamMember:
    organisation_id: UUID
    kind: str
    joined_because: str


@dataclass(frozen=True)
class ReferralParties:
    referral_id: UUID
    prescriber_organisation_id: UUID
    operator_organisation_id: UUID


@dataclass(frozen=True)
class Happening:
    """What a timeline event tells, as far as routing needs to know."""

    event_type: str
    """The original event's type for a timeline entry, the timeline event's own type otherwise."""
    referral_id: UUID | None = None
    audience: frozenset[str] | None = None
    """Kinds of organisations that may see the entry; None when the event carries no audience."""
    acted_by: UUID | None = None
    """The organisation whose own act this is: it is not news to it."""


@dataclass(frozen=True, order=True)
class Recipient:
    organisation_id: UUID
    rule: Rule


def recipients_of(
    happening: Happening, care_team: Collection[CareTeamMember], referral: ReferralParties | None
) -> list[Recipient]:
    may_hear = {
        member.organisation_id: member
        for member in care_team
        if happening.audience is None or member.kind in happening.audience
    }
    found: set[Recipient] = set()
    if referral is not None:
        # Not an if/elif chain: a cancellation is both a decision (for the prescriber) and a referral called
        # off (for the operator); the actor, whichever side it is, is dropped below.
        operator = referral.operator_organisation_id
        if happening.event_type == REFERRAL_SENT and _sees(happening, OPERATOR):
            found.add(Recipient(operator, Rule.OPERATOR_HEARS_NEW_REFERRALS))
        if happening.event_type in REFERRALS_CALLED_OFF and _sees(happening, OPERATOR):
            found.add(Recipient(operator, Rule.OPERATOR_HEARS_REFERRALS_CALLED_OFF))
        if happening.event_type in REFERRAL_DECISIONS and referral.prescriber_organisation_id in may_hear:
            found.add(Recipient(referral.prescriber_organisation_id, Rule.PRESCRIBER_HEARS_DECISIONS))
    if happening.event_type in PATHWAY_ALERTS:
        found.update(
            Recipient(member.organisation_id, Rule.REFERENT_HEARS_ALERTS)
            for member in may_hear.values()
            if member.joined_because == REFERRED_THE_PERSON
        )
    elif happening.event_type == PATHWAY_STAGE_CHANGED:
        found.update(Recipient(member, Rule.CARE_TEAM_HEARS_STAGE_CHANGES) for member in may_hear)
    if happening.audience is not None and happening.event_type in TIMELINE_ENTRY_TYPES:
        # Only an entry (it carries its audience) and only the care team, as far as the audience lets it.
        named = {recipient.organisation_id for recipient in found}
        found.update(
            Recipient(member, Rule.CARE_TEAM_HEARS_WHAT_IT_SUBSCRIBED_TO)
            for member in may_hear
            if member not in named
        )
    return sorted(recipient for recipient in found if recipient.organisation_id != happening.acted_by)


def _sees(happening: Happening, kind: str) -> bool:
    return happening.audience is None or kind in happening.audience
