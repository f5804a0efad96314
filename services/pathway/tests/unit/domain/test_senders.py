from uuid import uuid4

import pytest

from pathway.domain.errors import RefusalReason, RefusedEventError
from pathway.domain.pathway_state import PathwayState
from pathway.domain.senders import (
    Channel,
    Organisation,
    is_trusted,
    organisation_id_from_source,
    refuse_unless_organisation_may_emit,
    refuse_what_only_the_pathway_emits,
)

ORGANISATION = str(uuid4())


def member_state() -> PathwayState:
    return PathwayState(care_team={ORGANISATION: "support_partner"})


def test_a_pattern_names_a_whole_domain_or_one_event() -> None:
    partner = Organisation(ORGANISATION, "support_partner", ("barrier.*", "training.entered"))

    assert partner.may_emit_event("barrier.lifted")
    assert partner.may_emit_event("training.entered")
    assert not partner.may_emit_event("training.abandoned")
    assert not partner.may_emit_event("employment.started")


@pytest.mark.parametrize(
    "pattern", ["*", "barrier", "barrier.**", "Barrier.*", "fr.premiere-marche.barrier.*"]
)
def test_an_organisation_cannot_be_given_rights_that_are_not_event_patterns(pattern: str) -> None:
    with pytest.raises(ValueError, match="not event patterns"):
        Organisation(ORGANISATION, "support_partner", (pattern,))


def test_the_organisation_is_read_from_the_source() -> None:
    assert organisation_id_from_source(f"/organisations/{ORGANISATION.upper()}") == ORGANISATION


@pytest.mark.parametrize("source", ["/services/notification", "/organisations/acme", "urn:acme"])
def test_a_source_that_names_no_organisation_is_refused(source: str) -> None:
    with pytest.raises(RefusedEventError) as refused:
        organisation_id_from_source(source)

    assert refused.value.reason is RefusalReason.SOURCE_NOT_AN_ORGANISATION


@pytest.mark.parametrize(
    ("organisation", "name", "state", "reason"),
    [
        (None, "barrier.lifted", member_state(), RefusalReason.UNKNOWN_SENDER),
        (
            Organisation(ORGANISATION, "support_partner", ("barrier.*",)),
            "training.entered",
            member_state(),
            RefusalReason.TYPE_NOT_ALLOWED,
        ),
        (
            Organisation(ORGANISATION, "support_partner", ("barrier.*",)),
            "barrier.lifted",
            PathwayState(),
            RefusalReason.NOT_IN_CARE_TEAM,
        ),
    ],
)
def test_a_partner_must_be_registered_allowed_the_type_and_in_the_care_team(
    organisation, name: str, state: PathwayState, reason: RefusalReason
) -> None:
    with pytest.raises(RefusedEventError) as refused:
        refuse_unless_organisation_may_emit(name, ORGANISATION, organisation, state)

    assert refused.value.reason is reason


def test_any_member_may_retract_what_it_said_without_a_right_to_retract() -> None:
    partner = Organisation(ORGANISATION, "support_partner", ("barrier.*",))

    refuse_unless_organisation_may_emit("event.retracted", ORGANISATION, partner, member_state())


@pytest.mark.parametrize("name", ["timeline.entry_appended", "pathway.stage_changed", "pathway.alert_raised"])
def test_no_one_but_the_pathway_service_emits_timeline_events(name: str) -> None:
    with pytest.raises(RefusedEventError) as refused:
        refuse_what_only_the_pathway_emits(name)

    assert refused.value.reason is RefusalReason.TYPE_NOT_ALLOWED


def test_only_a_platform_service_on_a_platform_topic_is_trusted() -> None:
    assert is_trusted("/services/referral", Channel.PLATFORM)
    assert not is_trusted("/services/referral", Channel.PARTNERS)
    assert not is_trusted(f"/organisations/{ORGANISATION}", Channel.PLATFORM)
