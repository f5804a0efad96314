"""The care team: the organisations following a person, each for a dated, reasoned period."""

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from uuid import UUID

from referral.domain.codes import CareTeamJoinReason, CareTeamLeaveReason, OrganisationKind
from referral.domain.errors import (
    AlreadyInCareTeam,
    MembershipEndsBeforeItStarts,
    MembershipsWouldOverlap,
    NotInCareTeam,
    NotTheReferent,
    ReferentCannotWithdraw,
)
from referral.domain.events import CareTeamMemberAdded, CareTeamMemberRemoved, DomainEvent
from referral.domain.time_zone import require_time_zone


@dataclass(frozen=True, kw_only=True)
class CareTeamMembership:
    organisation_id: UUID
    organisation_kind: OrganisationKind
    since: date
    join_reason: CareTeamJoinReason
    referral_id: UUID | None = None
    until: date | None = None
    leave_reason: CareTeamLeaveReason | None = None

    @property
    def is_active(self) -> bool:
        return self.until is None


@dataclass(eq=False)
class CareTeam:
    """Ended memberships stay, since the care team's past is part of the person's timeline."""

    person_id: UUID
    memberships: tuple[CareTeamMembership, ...] = ()
    pending_events: list[DomainEvent] = field(default_factory=list)

    @property
    def active_members(self) -> tuple[CareTeamMembership, ...]:
        return tuple(membership for membership in self.memberships if membership.is_active)

    def is_followed_by(self, organisation_id: UUID) -> bool:
        return self._active_membership_of(organisation_id) is not None

    def is_referent(self, organisation_id: UUID) -> bool:
        """The referent is the organisation that referred the person, for as long as it follows them."""
        membership = self._active_membership_of(organisation_id)
        return membership is not None and membership.join_reason is CareTeamJoinReason.REFERRED_THE_PERSON

    def add_by_referent(
        self, *, referent_id: UUID, organisation_id: UUID, organisation_kind: OrganisationKind, at: datetime
    ) -> CareTeamMembership:
        """The referent brings another organisation in: a support partner, a training provider…"""
        if not self.is_referent(referent_id):
            raise NotTheReferent(self.person_id, referent_id)
        return self.add(
            organisation_id=organisation_id,
            organisation_kind=organisation_kind,
            reason=CareTeamJoinReason.ADDED_BY_REFERENT,
            at=at,
        )

    def add(
        self,
        *,
        organisation_id: UUID,
        organisation_kind: OrganisationKind,
        reason: CareTeamJoinReason,
        at: datetime,
        since: date | None = None,
        referral_id: UUID | None = None,
    ) -> CareTeamMembership:
        """Adds the organisation from ``since`` (the day of ``at`` when not given)."""
        require_time_zone(at)
        if self.is_followed_by(organisation_id):
            raise AlreadyInCareTeam(self.person_id, organisation_id)
        first_day = since or at.date()
        previous_until = max(
            (m.until for m in self.memberships if m.organisation_id == organisation_id and m.until),
            default=None,
        )
        if previous_until is not None and first_day < previous_until:
            raise MembershipsWouldOverlap(organisation_id, previous_until, first_day)
        membership = CareTeamMembership(
            organisation_id=organisation_id,
            organisation_kind=organisation_kind,
            since=first_day,
            join_reason=reason,
            referral_id=referral_id,
        )
        self.memberships = (*self.memberships, membership)
        self.pending_events.append(
            CareTeamMemberAdded(
                person_id=self.person_id,
                occurred_at=at,
                organisation_id=organisation_id,
                organisation_kind=organisation_kind,
                reason_code=reason,
                member_since=first_day,
                referral_id=referral_id,
            )
        )
        return membership

    def end_at_request_of(
        self, member_id: UUID, *, organisation_id: UUID, at: datetime
    ) -> CareTeamMembership:
        """A member withdraws its own organisation, or the referent removes another one."""
        if organisation_id == member_id:
            if self.is_referent(member_id):
                raise ReferentCannotWithdraw(self.person_id, member_id)
            return self.end(
                organisation_id=organisation_id, reason=CareTeamLeaveReason.ORGANISATION_WITHDREW, at=at
            )
        if not self.is_referent(member_id):
            raise NotTheReferent(self.person_id, member_id)
        return self.end(
            organisation_id=organisation_id, reason=CareTeamLeaveReason.REMOVED_BY_REFERENT, at=at
        )

    def end(
        self, *, organisation_id: UUID, reason: CareTeamLeaveReason, at: datetime, until: date | None = None
    ) -> CareTeamMembership:
        """Ends the organisation's membership on ``until`` (the day of ``at`` when not given)."""
        require_time_zone(at)
        active = self._active_membership_of(organisation_id)
        if active is None:
            raise NotInCareTeam(self.person_id, organisation_id)
        last_day = until or at.date()
        if last_day < active.since:
            raise MembershipEndsBeforeItStarts(organisation_id, active.since, last_day)
        ended = replace(active, until=last_day, leave_reason=reason)
        self.memberships = tuple(ended if m is active else m for m in self.memberships)
        self.pending_events.append(
            CareTeamMemberRemoved(
                person_id=self.person_id,
                occurred_at=at,
                organisation_id=organisation_id,
                reason_code=reason,
                member_until=last_day,
            )
        )
        return ended

    def pull_events(self) -> list[DomainEvent]:
        events, self.pending_events = self.pending_events, []
        return events

    def _active_membership_of(self, organisation_id: UUID) -> CareTeamMembership | None:
        return next(
            (m for m in self.memberships if m.organisation_id == organisation_id and m.is_active), None
        )
