"""How the dispatchers log an attempt: ids, codes and the outcome, never an address or a number."""

import structlog

from notification.domain.delivery_attempts import AttemptRecord

_log = structlog.get_logger("notification.dispatch")


def log_attempt(event: str, attempt: AttemptRecord, *, target_named: str) -> None:
    """`target_named` says what the target id is: `recipient_id`, `target_id`…"""
    _log.info(
        event,
        delivery_id=str(attempt.delivery_id),
        channel=attempt.channel.value,
        attempt=attempt.number,
        result=attempt.result,
        status_code=attempt.status_code,
        reason=attempt.reason,
        **{target_named: str(attempt.target_id)},
    )
