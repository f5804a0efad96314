"""The scopes a partner organisation's API key may grant on the notification service."""

from typing import Final

MANAGE_SUBSCRIPTIONS: Final = "subscriptions:manage"

ALL_SCOPES: Final = (MANAGE_SUBSCRIPTIONS,)
