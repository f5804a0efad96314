"""Run a coroutine to completion from synchronous code, even when the caller's thread owns a loop."""

import asyncio
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_in_private_loop(make_coroutine: Callable[[], Coroutine[Any, Any, T]]) -> T:
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        try:
            outcome.append(asyncio.run(make_coroutine()))
        except BaseException as error:
            failure.append(error)

    # A separate thread never disturbs an event loop that pytest-asyncio has set on the calling thread.
    worker = threading.Thread(target=run, name="devstack-private-loop", daemon=True)
    worker.start()
    worker.join()
    if failure:
        raise failure[0]
    return outcome[0]
