"""Waiting in tests for what an asynchronous system will do, without sleeping a fixed time."""

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")


async def eventually(
    probe: Callable[[], Awaitable[T]],
    until: Callable[[T], bool],
    *,
    timeout_seconds: float = 30.0,
    interval_seconds: float = 0.1,
) -> T:
    """Call `probe` until its result satisfies `until`; the last result if it never does by the deadline."""
    deadline = time.monotonic() + timeout_seconds
    while True:
        result = await probe()
        if until(result) or time.monotonic() >= deadline:
            return result
        await asyncio.sleep(interval_seconds)
