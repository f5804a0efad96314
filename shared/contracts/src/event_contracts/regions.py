"""Region slugs: a region is a deployment cell whose slug prefixes its topics and tags its events."""

import re
from typing import Annotated, Final

from pydantic import StringConstraints

REGION_SLUG_PATTERN: Final = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
REGION_SLUG_MAX_LENGTH: Final = 63

RegionSlug = Annotated[
    str, StringConstraints(pattern=REGION_SLUG_PATTERN, min_length=1, max_length=REGION_SLUG_MAX_LENGTH)
]

_REGION_SLUG = re.compile(REGION_SLUG_PATTERN)


def validate_region_slug(region: str) -> str:
    """Return ``region`` unchanged if it is a slug such as ``grand-est``; raise ``ValueError`` otherwise."""
    if len(region) > REGION_SLUG_MAX_LENGTH or not _REGION_SLUG.fullmatch(region):
        raise ValueError(
            "a region slug is made of lowercase letters and digits separated by single hyphens "
            f"(at most {REGION_SLUG_MAX_LENGTH} characters), such as 'grand-est'"
        )
    return region
