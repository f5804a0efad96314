"""Who acts on a referral: its prescriber, its operator, or the platform itself."""

from dataclasses import dataclass
from enum import StrEnum
from typing import Final
from uuid import UUID


class Party(StrEnum):
    """The side acting on a referral; the first two values are those of the contracts' ``ReferralParty``."""

    PRESCRIBER = "prescriber"
    OPERATOR = "operator"
    SYSTEM = "system"


@dataclass(frozen=True)
class Actor:
    party: Party
    organisation_id: UUID | None

    def __post_init__(self) -> None:
        if (self.party is Party.SYSTEM) != (self.organisation_id is None):
            raise ValueError("the system acts without an organisation, every other party acts for one")

    @classmethod
    def prescriber(cls, organisation_id: UUID) -> "Actor":
        return cls(Party.PRESCRIBER, organisation_id)

    @classmethod
    def operator(cls, organisation_id: UUID) -> "Actor":
        return cls(Party.OPERATOR, organisation_id)


SYSTEM: Final = Actor(Party.SYSTEM, None)
