from collections.abc import AsyncIterator

import pytest
from notification_webhook_world import DeliveryWorld, webhook_world


@pytest.fixture
async def world(fresh_database: str) -> AsyncIterator[DeliveryWorld]:
    async with webhook_world(fresh_database) as world:
        yield world
