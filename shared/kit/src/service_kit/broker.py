"""The FastStream Kafka broker every service subscribes with."""

import logging

from faststream import AckPolicy
from faststream.kafka import KafkaBroker


def create_broker(bootstrap_servers: str, *, client_id: str) -> KafkaBroker:
    # The broker-wide ack policy is MANUAL so that a subscriber that forgets to state its own never falls
    # back to ACK_FIRST (auto-commit, at-most-once); EventConsumer acknowledges after its commit.
    return KafkaBroker(
        bootstrap_servers,
        client_id=client_id,
        enable_idempotence=True,
        acks="all",
        ack_policy=AckPolicy.MANUAL,
        # Per-message lines at DEBUG; FastStream's own errors still reach the JSON log.
        logger=logging.getLogger("faststream"),
        log_level=logging.DEBUG,
    )
