"""Every interval, sends the session reminders that have come due; runs in every instance (the claims keep
instances from sending the same reminder)."""

from collections.abc import Callable
from datetime import datetime
from random import Random

from notification.domain.delivery_attempts import AttemptRecord
from notification.entrypoints.attempt_log import log_attempt
from notification.entrypoints.dispatch_loop import dispatch_forever
from notification.entrypoints.webhook_dispatcher import utc_now
from notification.service.send_due_reminders import ReminderDispatch, send_due_reminders


class ReminderDispatcher:
    def __init__(
        self,
        dispatch: ReminderDispatch,
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

    async def deliver_once(self) -> int:
        """Attempt one batch of due reminders; the number of attempts made."""
        attempts = await send_due_reminders(self._dispatch, now=self._clock(), rng=self._rng)
        for attempt in attempts:
            self._on_attempt(attempt)
            # Named by ids only: the target is the person's platform id or the referent's recipient id.
            log_attempt("session reminder attempted", attempt, target_named="target_id")
        return len(attempts)

    async def run(self) -> None:
        await dispatch_forever(
            self.deliver_once,
            interval_seconds=self._interval_seconds,
            batch_size=self._dispatch.batch_size,
            channel="session_reminder",
        )
