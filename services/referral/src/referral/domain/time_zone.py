"""Every moment the domain records is an aware datetime, so moments from different clocks compare."""

from datetime import datetime

from referral.domain.errors import TimeWithoutZone


def require_time_zone(at: datetime) -> None:
    if at.tzinfo is None or at.utcoffset() is None:
        raise TimeWithoutZone(at)
