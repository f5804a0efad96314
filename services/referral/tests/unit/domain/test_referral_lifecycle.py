"""The referral lifecycle, checked against DOMAIN.md typed in again, so that a wrong table cannot pass."""

import copy
from collections import deque
from collections.abc import Callable
from datetime import timedelta
from itertools import pairwise
from typing import TYPE_CHECKING
from uuid import UUID, uuid4

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from referral.domain import events
from referral.domain.actor import Actor, Party
from referral.domain.errors import (
    DomainError,
    ImpossibleTransition,
    NotAllowedForRole,
    NotAPartyToTheReferral,
)
from referral.domain.lifecycle import RULES, TERMINAL_STATUSES, ReferralAction, ReferralStatus
from referral.domain.referral import Referral

if TYPE_CHECKING:
    from conftest import World

S, A = ReferralStatus, ReferralAction

DOMAIN_MD_TRANSITIONS = """
sent → under_review | accepted | rejected | expired | withdrawn
under_review → accepted | rejected | expired | withdrawn
accepted → waitlisted | scheduled | cancelled
waitlisted → scheduled | cancelled
scheduled → started | waitlisted | cancelled
started → paused | completed | dropped_out
paused → started | dropped_out | cancelled
"""

EXPECTED: dict[tuple[ReferralStatus, ReferralAction], ReferralStatus] = {
    (S.SENT, A.MARK_UNDER_REVIEW): S.UNDER_REVIEW,
    (S.SENT, A.ACCEPT): S.ACCEPTED,
    (S.SENT, A.REJECT): S.REJECTED,
    (S.SENT, A.EXPIRE): S.EXPIRED,
    (S.SENT, A.WITHDRAW): S.WITHDRAWN,
    (S.UNDER_REVIEW, A.ACCEPT): S.ACCEPTED,
    (S.UNDER_REVIEW, A.REJECT): S.REJECTED,
    (S.UNDER_REVIEW, A.EXPIRE): S.EXPIRED,
    (S.UNDER_REVIEW, A.WITHDRAW): S.WITHDRAWN,
    (S.ACCEPTED, A.WAITLIST): S.WAITLISTED,
    (S.ACCEPTED, A.SCHEDULE): S.SCHEDULED,
    (S.ACCEPTED, A.CANCEL): S.CANCELLED,
    (S.WAITLISTED, A.SCHEDULE): S.SCHEDULED,
    (S.WAITLISTED, A.CANCEL): S.CANCELLED,
    (S.SCHEDULED, A.START): S.STARTED,
    (S.SCHEDULED, A.WAITLIST): S.WAITLISTED,
    (S.SCHEDULED, A.CANCEL): S.CANCELLED,
    (S.STARTED, A.PAUSE): S.PAUSED,
    (S.STARTED, A.COMPLETE): S.COMPLETED,
    (S.STARTED, A.DROP_OUT): S.DROPPED_OUT,
    (S.PAUSED, A.RESUME): S.STARTED,
    (S.PAUSED, A.DROP_OUT): S.DROPPED_OUT,
    (S.PAUSED, A.CANCEL): S.CANCELLED,
}

SET_BY: dict[ReferralStatus, frozenset[Party]] = {
    S.SENT: frozenset({Party.PRESCRIBER}),
    S.UNDER_REVIEW: frozenset({Party.OPERATOR}),
    S.ACCEPTED: frozenset({Party.OPERATOR}),
    S.REJECTED: frozenset({Party.OPERATOR}),
    S.EXPIRED: frozenset({Party.SYSTEM}),
    S.WITHDRAWN: frozenset({Party.PRESCRIBER}),
    S.WAITLISTED: frozenset({Party.OPERATOR}),
    S.SCHEDULED: frozenset({Party.OPERATOR}),
    S.STARTED: frozenset({Party.OPERATOR}),
    S.PAUSED: frozenset({Party.OPERATOR}),
    S.COMPLETED: frozenset({Party.OPERATOR}),
    S.DROPPED_OUT: frozenset({Party.OPERATOR}),
    S.CANCELLED: frozenset({Party.PRESCRIBER, Party.OPERATOR}),
}

EVENT_OF: dict[ReferralAction, type[events.ReferralEvent]] = {
    A.SEND: events.ReferralSent,
    A.MARK_UNDER_REVIEW: events.ReferralMarkedUnderReview,
    A.ACCEPT: events.ReferralAccepted,
    A.REJECT: events.ReferralRejected,
    A.EXPIRE: events.ReferralExpired,
    A.WITHDRAW: events.ReferralWithdrawn,
    A.WAITLIST: events.ReferralWaitlisted,
    A.SCHEDULE: events.ReferralScheduled,
    A.START: events.ReferralStarted,
    A.PAUSE: events.ReferralPaused,
    A.RESUME: events.ReferralResumed,
    A.COMPLETE: events.ReferralCompleted,
    A.DROP_OUT: events.ReferralDroppedOut,
    A.CANCEL: events.ReferralCancelled,
}

ACTIONS_ON_A_REFERRAL = [action for action in A if action is not A.SEND]
TARGET_OF_ACTION = {action: target for (_, action), target in EXPECTED.items()}


def path_to(status: ReferralStatus) -> list[ReferralAction]:
    """The shortest list of actions leading from ``sent`` to ``status``, found in the typed-in table."""
    paths: dict[ReferralStatus, list[ReferralAction]] = {S.SENT: []}
    queue = deque([S.SENT])
    while queue:
        current = queue.popleft()
        for (source, action), target in EXPECTED.items():
            if source is current and target not in paths:
                paths[target] = [*paths[current], action]
                queue.append(target)
    return paths[status]


def referral_in(world: "World", status: ReferralStatus) -> Referral:
    referral = world.send()
    for action in path_to(status):
        world.perform(referral, action)
    return referral


def snapshot(referral: Referral) -> dict[str, object]:
    return copy.deepcopy(vars(referral))


def test_the_typed_in_table_says_what_domain_md_says() -> None:
    pairs = {
        (S(source.strip()), S(target.strip()))
        for line in DOMAIN_MD_TRANSITIONS.strip().splitlines()
        for source, targets in [line.split("→")]
        for target in targets.split("|")
    }

    assert {(source, target) for (source, _), target in EXPECTED.items()} == pairs


def test_the_lifecycle_table_is_the_one_of_domain_md() -> None:
    table = {(source, rule.action): rule.target for rule in RULES for source in rule.sources}

    assert table == EXPECTED


def test_each_action_is_taken_by_the_party_that_sets_its_target_status() -> None:
    assert {rule.action: rule.allowed_parties for rule in RULES} == {
        rule.action: SET_BY[rule.target] for rule in RULES
    }


def test_terminal_statuses_are_those_no_action_leaves() -> None:
    assert {source for source, _ in EXPECTED} == set(S) - TERMINAL_STATUSES
    assert {S.REJECTED, S.EXPIRED, S.WITHDRAWN, S.COMPLETED, S.DROPPED_OUT, S.CANCELLED} == TERMINAL_STATUSES


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("action", ACTIONS_ON_A_REFERRAL)
def test_every_action_in_every_status_is_applied_with_its_event_or_refused(
    world: "World", status: ReferralStatus, action: ReferralAction
) -> None:
    referral = referral_in(world, status)
    before = snapshot(referral)

    if (status, action) not in EXPECTED:
        with pytest.raises(ImpossibleTransition) as refusal:
            world.perform(referral, action)
        assert (refusal.value.referral_id, refusal.value.status, refusal.value.action) == (
            referral.id,
            status,
            action,
        )
        assert snapshot(referral) == before
        return

    world.perform(referral, action)

    assert referral.status is EXPECTED[status, action]
    change = referral.history[-1]
    assert referral.history[:-1] == before["history"]
    assert (change.from_status, change.action, change.to_status) == (status, action, EXPECTED[status, action])
    assert change.by == world.rightful_actor(action)
    new_event = referral.pending_events[-1]
    assert referral.pending_events[:-1] == before["pending_events"]
    assert type(new_event) is EVENT_OF[action]
    assert (new_event.referral_id, new_event.person_id, new_event.occurred_at) == (
        referral.id,
        referral.person_id,
        change.at,
    )


@pytest.mark.parametrize(
    ("party", "action"),
    [
        (party, action)
        for action in ACTIONS_ON_A_REFERRAL
        for party in Party
        if party not in SET_BY[TARGET_OF_ACTION[action]]
    ],
)
def test_a_party_the_table_does_not_name_is_refused_even_when_the_transition_is_possible(
    world: "World", party: Party, action: ReferralAction
) -> None:
    source = next(source for source, act in EXPECTED if act is action)
    referral = referral_in(world, source)
    before = snapshot(referral)

    with pytest.raises(NotAllowedForRole):
        world.perform(referral, action, by=world.actor_of(party))

    assert snapshot(referral) == before


@pytest.mark.parametrize("action", ACTIONS_ON_A_REFERRAL)
def test_an_organisation_that_is_not_a_party_to_the_referral_is_refused_before_anything_else(
    world: "World", action: ReferralAction
) -> None:
    referral = referral_in(world, S.STARTED)
    before = snapshot(referral)
    operator_as_prescriber = Actor.prescriber(referral.operator_organisation_id)

    for stranger in (Actor.operator(uuid4()), Actor.prescriber(uuid4()), operator_as_prescriber):
        with pytest.raises(NotAPartyToTheReferral):
            world.perform(referral, action, by=stranger)

    assert snapshot(referral) == before


ANY_PARTY = [*Party, "stranger", *["rightful"] * 4]


class LifecycleMachine(RuleBasedStateMachine):
    """A few referrals, driven by possible actions and by anything at all, by anyone, at any time."""

    make_world: Callable[[], "World"]

    def __init__(self) -> None:
        super().__init__()
        self.world = self.make_world()
        self.referrals = [self.world.send()]
        self.pulled: dict[UUID, list[events.ReferralEvent]] = {self.referrals[0].id: []}

    @precondition(lambda machine: len(machine.referrals) < 3)
    @rule()
    def send_another(self) -> None:
        referral = self.world.send()
        self.referrals.append(referral)
        self.pulled[referral.id] = []

    @rule(data=st.data(), hours=st.integers(0, 24 * 20))
    def take_a_possible_action(self, data: st.DataObject, hours: int) -> None:
        referral = data.draw(st.sampled_from(self.referrals))
        status = referral.status
        # Actions that keep the referral alive are drawn more often, so that long lives get explored.
        possible = [
            action
            for (source, action), target in EXPECTED.items()
            if source is status
            for _ in range(1 if target in TERMINAL_STATUSES else 4)
        ]
        if not possible:
            return
        action = data.draw(st.sampled_from(possible))
        self.world.later(hours=hours)

        self.world.perform(referral, action)

        assert referral.status is EXPECTED[status, action]

    @rule(
        data=st.data(),
        action=st.sampled_from(ACTIONS_ON_A_REFERRAL),
        party=st.sampled_from(ANY_PARTY),
        minutes=st.integers(-90, 60 * 24 * 35),
    )
    def try_anything(
        self, data: st.DataObject, action: ReferralAction, party: Party | str, minutes: int
    ) -> None:
        referral = data.draw(st.sampled_from(self.referrals))
        status, before = referral.status, snapshot(referral)
        by = (
            Actor.operator(uuid4())
            if party == "stranger"
            else self.world.rightful_actor(action)
            if party == "rightful"
            else self.world.actor_of(Party(party))
        )
        at = self.world.now + timedelta(minutes=minutes)
        try:
            self.world.perform(referral, action, by=by, at=at)
        except DomainError as refusal:
            assert snapshot(referral) == before
            if isinstance(refusal, ImpossibleTransition):
                assert (status, action) not in EXPECTED
            if isinstance(refusal, NotAllowedForRole):
                assert by.party not in SET_BY[TARGET_OF_ACTION[action]]
            if isinstance(refusal, NotAPartyToTheReferral):
                assert party == "stranger"
        else:
            self.world.now = max(self.world.now, at)
            assert by.party in SET_BY[TARGET_OF_ACTION[action]]
            assert (status, action) in EXPECTED
            assert referral.status is EXPECTED[status, action]

    @rule(data=st.data())
    def pull_events(self, data: st.DataObject) -> None:
        referral = data.draw(st.sampled_from(self.referrals))
        self.pulled[referral.id].extend(referral.pull_events())

    @invariant()
    def the_status_is_where_the_history_ends(self) -> None:
        for referral in self.referrals:
            assert referral.status is referral.history[-1].to_status

    @invariant()
    def the_history_is_a_complete_ordered_chain_of_table_transitions(self) -> None:
        for referral in self.referrals:
            first = referral.history[0]
            assert (first.from_status, first.action, first.to_status) == (None, A.SEND, S.SENT)
            for previous, change in pairwise(referral.history):
                assert change.from_status is previous.to_status
                assert EXPECTED[change.from_status, change.action] is change.to_status
                assert previous.at <= change.at

    @invariant()
    def a_terminal_status_is_reached_at_most_once_and_ends_the_history(self) -> None:
        for referral in self.referrals:
            history = referral.history
            terminal = [
                index for index, change in enumerate(history) if change.to_status in TERMINAL_STATUSES
            ]
            assert terminal in ([], [len(history) - 1])

    @invariant()
    def each_history_line_has_exactly_one_event(self) -> None:
        for referral in self.referrals:
            emitted = [*self.pulled[referral.id], *referral.pending_events]
            assert len(emitted) == len(referral.history)
            for event, change in zip(emitted, referral.history, strict=True):
                assert type(event) is EVENT_OF[change.action]
                assert (event.referral_id, event.occurred_at) == (referral.id, change.at)


def test_random_action_sequences_keep_the_lifecycle_invariants(new_world: Callable[[], "World"]) -> None:
    class RandomLives(LifecycleMachine):
        make_world = staticmethod(new_world)

    run_state_machine_as_test(
        RandomLives,
        settings=settings(
            max_examples=300,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture],
        ),
    )
