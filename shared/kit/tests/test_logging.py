import json
import logging

import pytest
import structlog

from service_kit.logging import REDACTED, configure_logging


def test_direct_identifiers_never_reach_the_log(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("test-service")
    structlog.get_logger().info(
        "person contacted", person_id="p-123", phone="0601020304", email="a@b.fr", last_name="Martin"
    )

    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])

    assert line["person_id"] == "p-123"
    assert line["phone"] == line["email"] == line["last_name"] == REDACTED
    assert line["service"] == "test-service"
    assert line["level"] == "info"


def test_library_logs_come_out_as_json_too(capsys: pytest.CaptureFixture[str]) -> None:
    configure_logging("test-service")
    logging.getLogger("aiokafka.consumer").warning("partition %s revoked", 3)

    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])

    assert line["event"] == "partition 3 revoked"
    assert line["logger"] == "aiokafka.consumer"
    assert line["level"] == "warning"
