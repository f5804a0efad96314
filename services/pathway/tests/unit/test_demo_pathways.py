"""The demo partners' events would all be accepted, and loading the demo again sends the same ones."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

from pathway.domain.senders import Organisation
from pathway.entrypoints.demo_pathways import (
    CARE_TEAMS,
    JOINED_DAYS_AGO,
    PARTNERS,
    SUPPORT_PARTNER,
    demo_pathways,
)

NOW = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def test_loading_the_demo_again_sends_the_same_event_ids_so_the_platform_sees_duplicates() -> None:
    first, again = demo_pathways("grand-est", NOW), demo_pathways("grand-est", NOW + timedelta(days=3))

    ids = [event.id for event in first.over_http + first.over_kafka]
    assert ids == [event.id for event in again.over_http + again.over_kafka]
    assert len(set(ids)) == len(ids) == 9


def test_each_sender_may_emit_what_it_says_about_a_person_whose_care_team_includes_it() -> None:
    pathways = demo_pathways("grand-est", NOW)
    by_source = {partner.source: partner for partner in PARTNERS}

    for event in pathways.over_http + pathways.over_kafka:
        partner = by_source[event.source]
        organisation = Organisation(str(partner.organisation_id), partner.kind, partner.may_emit)
        assert organisation.may_emit_event(event.type.removeprefix("fr.premiere-marche.")), event.type
        assert partner in CARE_TEAMS[UUID(event.subject)], (event.type, event.subject)
    assert {event.source for event in pathways.over_http} == {SUPPORT_PARTNER.source}
    assert SUPPORT_PARTNER.source not in {event.source for event in pathways.over_kafka}


def test_partners_speak_after_the_referent_added_them_and_before_now() -> None:
    pathways, joined = demo_pathways("grand-est", NOW), NOW - timedelta(days=JOINED_DAYS_AGO)

    assert all(joined < event.time < NOW for event in pathways.over_http + pathways.over_kafka)
