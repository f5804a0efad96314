"""What a source of infrastructure hands out: one URL per service, and how to give it back."""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum


class Service(StrEnum):
    KAFKA = "kafka"
    POSTGRES = "postgres"


def _nothing_to_release() -> None:
    return None


@dataclass(frozen=True)
class Endpoint:
    url: str
    provider: str
    cold_start_seconds: float | None = None
    preparation_seconds: float | None = None
    release: Callable[[], None] = field(default=_nothing_to_release, compare=False)

    def describe(self) -> str:
        details = []
        if self.cold_start_seconds is not None:
            details.append(f"cold start {self.cold_start_seconds:.1f} s")
        if self.preparation_seconds is not None:
            details.append(f"+ one-time preparation {self.preparation_seconds:.1f} s")
        return self.provider + (f" ({', '.join(details)})" if details else "")
