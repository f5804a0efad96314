from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from notification.domain.endpoint_health import EndpointHealth
from notification.domain.redelivery import RedeliverySelection

NOW = datetime(2026, 3, 3, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "chosen",
    [
        {},
        {"endpoint_id": uuid4()},
        {"delivery_ids": (uuid4(),), "endpoint_id": uuid4(), "ended_since": NOW},
    ],
)
def test_deliveries_are_chosen_either_by_id_or_by_endpoint_and_moment(chosen: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="not both"):
        RedeliverySelection(**chosen)  # type: ignore[arg-type]


def test_an_endpoint_without_attempts_in_the_window_has_no_success_rate_rather_than_zero() -> None:
    idle = EndpointHealth(uuid4(), uuid4(), "https://partner.example/hooks", None, None, 0, 0, None, 2, NOW)

    assert idle.success_rate is None
    assert idle.waiting_for(NOW + timedelta(minutes=5)) == timedelta(minutes=5)
