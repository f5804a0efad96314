import copy
from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from referral.domain import events
from referral.domain.care_team import CareTeam
from referral.domain.codes import CareTeamJoinReason, CareTeamLeaveReason, OrganisationKind
from referral.domain.errors import (
    AlreadyInCareTeam,
    MembershipEndsBeforeItStarts,
    MembershipsWouldOverlap,
    NotInCareTeam,
    NotTheReferent,
    ReferentCannotWithdraw,
)

NOW = datetime(2026, 9, 1, 9, 0, tzinfo=UTC)
PRESCRIBER, OPERATOR, MOBILITY_PARTNER = uuid4(), uuid4(), uuid4()


def team_with_its_prescriber() -> CareTeam:
    team = CareTeam(person_id=uuid4())
    team.add(
        organisation_id=PRESCRIBER,
        organisation_kind=OrganisationKind.PRESCRIBER,
        reason=CareTeamJoinReason.REFERRED_THE_PERSON,
        at=NOW,
        referral_id=uuid4(),
    )
    return team


def add_mobility_partner(team: CareTeam, since: date | None = None) -> None:
    team.add(
        organisation_id=MOBILITY_PARTNER,
        organisation_kind=OrganisationKind.SUPPORT_PARTNER,
        reason=CareTeamJoinReason.ADDED_BY_REFERENT,
        at=NOW,
        since=since,
    )


def test_joining_starts_a_membership_on_the_day_and_says_why() -> None:
    team = team_with_its_prescriber()

    [membership] = team.active_members
    assert (membership.organisation_id, membership.since, membership.join_reason) == (
        PRESCRIBER,
        NOW.date(),
        CareTeamJoinReason.REFERRED_THE_PERSON,
    )
    [added] = team.pending_events
    assert isinstance(added, events.CareTeamMemberAdded)
    assert (added.person_id, added.organisation_id, added.member_since, added.referral_id) == (
        team.person_id,
        PRESCRIBER,
        NOW.date(),
        membership.referral_id,
    )


def test_an_organisation_already_following_the_person_cannot_join_again() -> None:
    team = team_with_its_prescriber()
    before = copy.deepcopy(vars(team))

    with pytest.raises(AlreadyInCareTeam):
        team.add(
            organisation_id=PRESCRIBER,
            organisation_kind=OrganisationKind.PRESCRIBER,
            reason=CareTeamJoinReason.ADDED_BY_REFERENT,
            at=NOW,
        )

    assert vars(team) == before


def test_leaving_ends_the_membership_and_keeps_it_in_the_teams_past() -> None:
    team = team_with_its_prescriber()
    add_mobility_partner(team)

    team.end(
        organisation_id=MOBILITY_PARTNER,
        reason=CareTeamLeaveReason.PATHWAY_ENDED,
        at=NOW,
        until=date(2026, 12, 1),
    )

    assert [member.organisation_id for member in team.active_members] == [PRESCRIBER]
    ended = team.memberships[-1]
    assert (ended.until, ended.leave_reason, ended.is_active) == (
        date(2026, 12, 1),
        CareTeamLeaveReason.PATHWAY_ENDED,
        False,
    )
    removed = team.pending_events[-1]
    assert isinstance(removed, events.CareTeamMemberRemoved)
    assert (removed.organisation_id, removed.member_until) == (MOBILITY_PARTNER, date(2026, 12, 1))


def test_only_an_active_member_can_leave() -> None:
    team = team_with_its_prescriber()
    team.end(organisation_id=PRESCRIBER, reason=CareTeamLeaveReason.REFERRAL_CLOSED, at=NOW)
    before = copy.deepcopy(vars(team))

    with pytest.raises(NotInCareTeam):
        team.end(organisation_id=PRESCRIBER, reason=CareTeamLeaveReason.REFERRAL_CLOSED, at=NOW)
    with pytest.raises(NotInCareTeam):
        team.end(organisation_id=OPERATOR, reason=CareTeamLeaveReason.REMOVED_BY_REFERENT, at=NOW)

    assert vars(team) == before


def test_a_membership_cannot_end_before_it_starts() -> None:
    team = CareTeam(person_id=uuid4())
    add_mobility_partner(team, since=date(2026, 9, 10))

    with pytest.raises(MembershipEndsBeforeItStarts):
        team.end(
            organisation_id=MOBILITY_PARTNER,
            reason=CareTeamLeaveReason.ORGANISATION_WITHDREW,
            at=NOW,
            until=date(2026, 9, 9),
        )


def test_an_organisation_may_join_again_after_its_membership_ended_but_not_overlap_it() -> None:
    team = CareTeam(person_id=uuid4())
    add_mobility_partner(team, since=date(2026, 1, 5))
    team.end(
        organisation_id=MOBILITY_PARTNER,
        reason=CareTeamLeaveReason.ORGANISATION_WITHDREW,
        at=NOW,
        until=date(2026, 6, 30),
    )

    with pytest.raises(MembershipsWouldOverlap):
        add_mobility_partner(team, since=date(2026, 6, 1))
    add_mobility_partner(team, since=date(2026, 9, 1))

    assert [member.since for member in team.memberships] == [date(2026, 1, 5), date(2026, 9, 1)]
    assert team.is_followed_by(MOBILITY_PARTNER)


def test_pulling_events_hands_them_over_once() -> None:
    team = team_with_its_prescriber()

    assert len(team.pull_events()) == 1
    assert team.pull_events() == []


def test_the_referent_is_the_organisation_that_referred_the_person_while_it_follows_them() -> None:
    team = team_with_its_prescriber()
    team.add_by_referent(
        referent_id=PRESCRIBER,
        organisation_id=MOBILITY_PARTNER,
        organisation_kind=OrganisationKind.SUPPORT_PARTNER,
        at=NOW,
    )
    team.pull_events()
    partner_joined = copy.deepcopy(team.memberships)

    with pytest.raises(NotTheReferent):
        team.add_by_referent(
            referent_id=MOBILITY_PARTNER,
            organisation_id=OPERATOR,
            organisation_kind=OrganisationKind.OPERATOR,
            at=NOW,
        )
    assert team.memberships == partner_joined
    assert team.pull_events() == []
    assert partner_joined[-1].join_reason is CareTeamJoinReason.ADDED_BY_REFERENT

    team.end(organisation_id=PRESCRIBER, reason=CareTeamLeaveReason.PATHWAY_ENDED, at=NOW)
    assert not team.is_referent(PRESCRIBER)


def team_with_its_referent_and_mobility_partner() -> CareTeam:
    team = team_with_its_prescriber()
    add_mobility_partner(team)
    team.pull_events()
    return team


def test_the_referent_removes_another_member_which_leaves_as_removed_by_referent() -> None:
    team = team_with_its_referent_and_mobility_partner()

    ended = team.end_at_request_of(PRESCRIBER, organisation_id=MOBILITY_PARTNER, at=NOW)

    assert (ended.organisation_id, ended.until, ended.leave_reason) == (
        MOBILITY_PARTNER,
        NOW.date(),
        CareTeamLeaveReason.REMOVED_BY_REFERENT,
    )
    assert not team.is_followed_by(MOBILITY_PARTNER)
    [removed] = team.pull_events()
    assert isinstance(removed, events.CareTeamMemberRemoved)
    assert (removed.organisation_id, removed.reason_code) == (
        MOBILITY_PARTNER,
        CareTeamLeaveReason.REMOVED_BY_REFERENT,
    )


def test_a_member_withdraws_its_own_organisation() -> None:
    team = team_with_its_referent_and_mobility_partner()

    ended = team.end_at_request_of(MOBILITY_PARTNER, organisation_id=MOBILITY_PARTNER, at=NOW)

    assert ended.leave_reason is CareTeamLeaveReason.ORGANISATION_WITHDREW
    assert [member.organisation_id for member in team.active_members] == [PRESCRIBER]
    [removed] = team.pull_events()
    assert isinstance(removed, events.CareTeamMemberRemoved)
    assert removed.reason_code is CareTeamLeaveReason.ORGANISATION_WITHDREW


def test_the_referent_cannot_withdraw_while_it_is_the_referent() -> None:
    team = team_with_its_referent_and_mobility_partner()
    before = copy.deepcopy(vars(team))

    with pytest.raises(ReferentCannotWithdraw):
        team.end_at_request_of(PRESCRIBER, organisation_id=PRESCRIBER, at=NOW)

    assert vars(team) == before


def test_a_member_other_than_the_referent_cannot_remove_another_member() -> None:
    team = team_with_its_referent_and_mobility_partner()
    before = copy.deepcopy(vars(team))

    with pytest.raises(NotTheReferent):
        team.end_at_request_of(MOBILITY_PARTNER, organisation_id=PRESCRIBER, at=NOW)

    assert vars(team) == before


def test_the_referent_cannot_remove_an_organisation_that_no_longer_follows_the_person() -> None:
    team = team_with_its_referent_and_mobility_partner()
    team.end_at_request_of(PRESCRIBER, organisation_id=MOBILITY_PARTNER, at=NOW)
    team.pull_events()
    before = copy.deepcopy(vars(team))

    with pytest.raises(NotInCareTeam):
        team.end_at_request_of(PRESCRIBER, organisation_id=MOBILITY_PARTNER, at=NOW)
    with pytest.raises(NotInCareTeam):
        team.end_at_request_of(PRESCRIBER, organisation_id=OPERATOR, at=NOW)

    assert vars(team) == before
