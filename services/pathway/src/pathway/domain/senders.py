"""Who may put what on a person's timeline: trusted platform services, or registered organisations
emitting the types they are allowed, about persons whose care team includes them."""

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from uuid import UUID

from pathway.domain.errors import RefusalReason, RefusedEventError
from pathway.domain.event_types import EMITTED_BY_PATHWAY_DOMAINS, EVENT_RETRACTED
from pathway.domain.pathway_state import PathwayState

TRUSTED_SOURCES = frozenset({"/services/referral"})
ORGANISATION_SOURCE_PREFIX = "/organisations/"


class Channel(StrEnum):
    """Where an event came in: a topic only platform services write to, or one partners write to."""

    PLATFORM = "platform"
    PARTNERS = "partners"


def is_trusted(source: str, channel: Channel) -> bool:
    # Partners produce to their topic themselves, so a platform source there proves nothing.
    return channel is Channel.PLATFORM and source in TRUSTED_SOURCES


_PATTERN = re.compile(r"^[a-z_]+\.([a-z_]+|\*)$")


def is_event_pattern(pattern: str) -> bool:
    """`barrier.*` (every event of a domain) or `training.entered` (one event)."""
    return _PATTERN.fullmatch(pattern) is not None


@dataclass(frozen=True)
class Organisation:
    organisation_id: str
    kind: str
    may_emit: tuple[str, ...]

    def __post_init__(self) -> None:
        not_patterns = [pattern for pattern in self.may_emit if not is_event_pattern(pattern)]
        if not_patterns:
            raise ValueError(f"not event patterns such as barrier.* or training.entered: {not_patterns}")

    def may_emit_event(self, name: str) -> bool:
        domain = name.split(".", 1)[0]
        return any(pattern in (name, f"{domain}.*") for pattern in self.may_emit)


@lru_cache(maxsize=4096)  # a few partners send most events: their source is read once
def organisation_id_from_source(source: str) -> str:
    if not source.startswith(ORGANISATION_SOURCE_PREFIX):
        raise RefusedEventError(RefusalReason.SOURCE_NOT_AN_ORGANISATION, "source is not /organisations/{id}")
    try:
        return str(UUID(source.removeprefix(ORGANISATION_SOURCE_PREFIX)))
    except ValueError:
        raise RefusedEventError(
            RefusalReason.SOURCE_NOT_AN_ORGANISATION, "organisation id in source is not a UUID"
        ) from None


def refuse_other_regions(event_region: str, region: str) -> None:
    """Each region's deployment keeps its own persons' timelines, whichever way the event came."""
    if event_region != region:
        raise RefusedEventError(RefusalReason.REGION_MISMATCH, other_region_detail(region))


def other_region_detail(region: str) -> str:
    return f"this deployment receives events of {region}"


def refuse_what_only_the_pathway_emits(name: str) -> None:
    if name.split(".", 1)[0] in EMITTED_BY_PATHWAY_DOMAINS:
        raise RefusedEventError(
            RefusalReason.TYPE_NOT_ALLOWED, f"{name} is emitted by the pathway service only"
        )


def refuse_unless_organisation_may_emit(
    name: str, organisation_id: str, organisation: Organisation | None, state: PathwayState
) -> None:
    if organisation is None:
        raise RefusedEventError(
            RefusalReason.UNKNOWN_SENDER, f"organisation {organisation_id} is not registered"
        )
    # Any sender may take back what it said itself; the retraction rules check it is its own event.
    if name != EVENT_RETRACTED and not organisation.may_emit_event(name):
        raise RefusedEventError(RefusalReason.TYPE_NOT_ALLOWED, f"organisation may not emit {name}")
    if not state.includes_in_care_team(organisation_id):
        raise RefusedEventError(
            RefusalReason.NOT_IN_CARE_TEAM, "the person's care team does not include sender"
        )
