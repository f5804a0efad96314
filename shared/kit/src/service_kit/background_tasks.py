"""Stopping the background tasks a service started."""

import asyncio
import contextlib


async def cancel_and_wait(tasks: list[asyncio.Task[None]]) -> None:
    """Cancels every task, waits for each to end, and empties the list."""
    for task in tasks:
        task.cancel()
    for task in tasks:
        with contextlib.suppress(asyncio.CancelledError):
            await task
    tasks.clear()
