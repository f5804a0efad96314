"""A partner organisation of the region, as the referral service knows it."""

from dataclasses import dataclass
from uuid import UUID

from referral.domain.codes import OrganisationKind


@dataclass(frozen=True)
class Organisation:
    id: UUID
    name: str
    kind: OrganisationKind
    region: str
