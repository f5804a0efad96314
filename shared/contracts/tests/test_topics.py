"""Topic names, declared once per region."""

import pytest

from event_contracts.topics import (
    DEFAULT_PARTITIONS,
    RegionTopics,
    dead_letter_topic,
    topics_for_region,
)


def test_a_region_has_its_three_versioned_topics() -> None:
    topics = topics_for_region("grand-est")
    assert topics.referral_events == "grand-est.referral.events.v1"
    assert topics.partner_events == "grand-est.partner.events.v1"
    assert topics.pathway_timeline == "grand-est.pathway.timeline.v1"
    assert topics.all() == (
        "grand-est.referral.events.v1",
        "grand-est.partner.events.v1",
        "grand-est.pathway.timeline.v1",
    )


def test_dead_letters_go_to_a_dlq_topic_beside_each_topic() -> None:
    assert dead_letter_topic("grand-est.partner.events.v1") == "grand-est.partner.events.v1.dlq"
    assert topics_for_region("hauts-de-france").dead_letter_topics() == (
        "hauts-de-france.referral.events.v1.dlq",
        "hauts-de-france.partner.events.v1.dlq",
        "hauts-de-france.pathway.timeline.v1.dlq",
    )


def test_regions_do_not_share_topics() -> None:
    assert not set(topics_for_region("grand-est").all()) & set(topics_for_region("occitanie").all())


@pytest.mark.parametrize("region", ["grand-est", "occitanie", "ile-de-france", "region2"])
def test_a_slug_names_a_region(region: str) -> None:
    assert topics_for_region(region).region == region


@pytest.mark.parametrize(
    "region", ["", "Grand-Est", "grand_est", "grand est", "-est", "est-", "grand--est", "é", "a.b", "x" * 64]
)
def test_anything_but_a_slug_is_refused_even_when_built_directly(region: str) -> None:
    with pytest.raises(ValueError, match="slug"):
        topics_for_region(region)
    with pytest.raises(ValueError, match="slug"):
        RegionTopics(region=region)


def test_topics_have_twelve_partitions_by_default() -> None:
    assert DEFAULT_PARTITIONS == 12
