from collections.abc import AsyncIterator

import pytest
from notification_api import NotificationApi


@pytest.fixture
async def api(fresh_database: str) -> AsyncIterator[NotificationApi]:
    notification_api = await NotificationApi.over_fresh_database(fresh_database)
    yield notification_api
    await notification_api.close()
