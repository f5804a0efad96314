"""Kafka topic names, declared once for every service, provisioning script and partner."""

from dataclasses import dataclass
from typing import Final

from event_contracts.regions import validate_region_slug

REFERRAL_EVENTS_TOPIC_TEMPLATE: Final = "{region}.referral.events.v1"
PARTNER_EVENTS_TOPIC_TEMPLATE: Final = "{region}.partner.events.v1"
PATHWAY_TIMELINE_TOPIC_TEMPLATE: Final = "{region}.pathway.timeline.v1"

DEAD_LETTER_SUFFIX: Final = ".dlq"

DEFAULT_PARTITIONS: Final = 12
DEVELOPMENT_REPLICATION_FACTOR: Final = 1
PRODUCTION_REPLICATION_FACTOR: Final = 3
PRODUCTION_MIN_INSYNC_REPLICAS: Final = 2


@dataclass(frozen=True)
class RegionTopics:
    """The topics of one region (``region`` is a slug such as ``grand-est``)."""

    region: str

    def __post_init__(self) -> None:
        validate_region_slug(self.region)

    @property
    def referral_events(self) -> str:
        return REFERRAL_EVENTS_TOPIC_TEMPLATE.format(region=self.region)

    @property
    def partner_events(self) -> str:
        return PARTNER_EVENTS_TOPIC_TEMPLATE.format(region=self.region)

    @property
    def pathway_timeline(self) -> str:
        return PATHWAY_TIMELINE_TOPIC_TEMPLATE.format(region=self.region)

    def all(self) -> tuple[str, ...]:
        """The event topics of the region, without their dead-letter topics."""
        return (self.referral_events, self.partner_events, self.pathway_timeline)

    def dead_letter_topics(self) -> tuple[str, ...]:
        return tuple(dead_letter_topic(topic) for topic in self.all())


def topics_for_region(region: str) -> RegionTopics:
    """Topic names of ``region`` (a slug such as ``grand-est``); raise ``ValueError`` for a bad slug."""
    return RegionTopics(region=region)


def dead_letter_topic(topic: str) -> str:
    return f"{topic}{DEAD_LETTER_SUFFIX}"
