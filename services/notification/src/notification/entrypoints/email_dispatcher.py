"""Every interval, sends the e-mails owed to organisations' mailboxes that have come due; runs in every
instance."""

import asyncio
from collections.abc import Callable
from datetime import datetime
from random import Random

from notification.domain.delivery_attempts import AttemptRecord
from notification.entrypoints.attempt_log import log_attempt
from notification.entrypoints.dispatch_loop import dispatch_forever
from notification.entrypoints.webhook_dispatcher import utc_now
from notification.service.deliver_due_emails import EmailDispatch, deliver_due_emails


class EmailDispatcher:
    def __init__(
        self,
        dispatch: EmailDispatch,
        *,
        interval_seconds: float,
        clock: Callable[[], datetime] = utc_now,
        on_attempt: Callable[[AttemptRecord], None] = lambda _attempt: None,
    ) -> None:
        self._dispatch = dispatch
        self._interval_seconds = interval_seconds
        self._clock = clock
        self._on_attempt = on_attempt
        self._rng = Random()  # noqa: S311 - jitter, not cryptography
        self._woken = asyncio.Event()

    def wake(self) -> None:
        """Send the next batch now: e-mails were just owed."""
        self._woken.set()

    async def deliver_once(self) -> int:
        """Attempt one batch of due e-mails; the number attempted."""
        attempts = await deliver_due_emails(self._dispatch, now=self._clock(), rng=self._rng)
        for attempt in attempts:
            self._on_attempt(attempt)
            # The recipient's address is an organisation's, not a person's; it is still never logged.
            log_attempt("email attempted", attempt, target_named="recipient_id")
        return len(attempts)

    async def run(self) -> None:
        await dispatch_forever(
            self.deliver_once,
            interval_seconds=self._interval_seconds,
            batch_size=self._dispatch.batch_size,
            channel="email",
            woken=self._woken,
        )
