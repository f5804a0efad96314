"""A regional operator asks for deliveries to be sent again — chosen ones by id (webhook or
e-mail, whatever their state: a partner may have lost what it received), or every delivery an endpoint
ended (given up, or stopped by a 410) since a moment. Each gets a fresh retry schedule and is due now.

A disabled endpoint is not re-enabled silently: the operator says so (`enable_endpoint`), once the
partner has fixed its receiver; otherwise nothing changes and the disabled endpoints are named."""

from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

OPERATOR_ASKED = "re-delivery asked by an operator"


@dataclass(frozen=True)
class RedeliverySelection:
    delivery_ids: tuple[UUID, ...] = ()
    endpoint_id: UUID | None = None
    ended_since: datetime | None = None

    def __post_init__(self) -> None:
        by_endpoint = self.endpoint_id is not None and self.ended_since is not None
        if bool(self.delivery_ids) == by_endpoint:
            raise ValueError("choose deliveries by id, or an endpoint and a moment, not both")


@dataclass(frozen=True)
class Redelivered:
    webhooks: tuple[UUID, ...] = ()
    emails: tuple[UUID, ...] = ()
    enabled_endpoints: tuple[UUID, ...] = ()
    unknown: tuple[UUID, ...] = field(default=())


class EndpointsDisabledError(Exception):
    def __init__(self, endpoint_ids: list[UUID]) -> None:
        super().__init__("disabled endpoints: " + ", ".join(map(str, endpoint_ids)))
        self.endpoint_ids = endpoint_ids
