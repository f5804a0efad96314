"""How much of a timeline entry's original data leaves the platform: the entry's `visibility` decides, as it
does in the pathway's caseworker API. A sensitive barrier (health) is told as its category and its status
only; the status is the entry's type, so its data keeps the barrier's id and category and nothing else."""

from collections.abc import Mapping
from typing import Final, TypeVar

FULL: Final = "full"
CATEGORY_AND_STATUS_ONLY: Final = "category_and_status_only"
CATEGORY_AND_STATUS: Final = frozenset({"barrier_id", "category"})
"""What a sensitive barrier's entry keeps; its status is the entry's type."""

V = TypeVar("V")


def data_as_seen(data: Mapping[str, V], visibility: str) -> dict[str, V]:
    """The original data as the entry's audience may see it."""
    if visibility == CATEGORY_AND_STATUS_ONLY:
        return {key: value for key, value in data.items() if key in CATEGORY_AND_STATUS}
    return dict(data)
