"""The scopes a partner organisation's API key may grant."""

from typing import Final

EMIT_EVENTS: Final = "events:emit"

ALL_SCOPES: Final = (EMIT_EVENTS,)
