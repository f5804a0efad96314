import random
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.local_stack import LocalStack


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture
def free_kafka_base_port() -> int:
    """A base port whose three node/controller pairs (base, base+1, base+100, …, base+201) are all free."""
    for _ in range(200):
        base = random.randrange(30000, 45000, 2)
        ports = [base + offset for offset in (0, 1, 100, 101, 200, 201)]
        if all(_port_is_free(port) for port in ports):
            return base
    raise RuntimeError("no free port range for a private Kafka cluster")


@pytest.fixture
def free_postgres_port() -> int:
    for _ in range(200):
        port = random.randrange(45000, 50000)
        if _port_is_free(port):
            return port
    raise RuntimeError("no free port for a private PostgreSQL")


@pytest.fixture
def private_home() -> Iterator[Path]:
    """A DEVSTACK_HOME of its own, outside pytest's 0700 tmp dirs so that the postgres user can reach it."""
    home = Path(tempfile.mkdtemp(prefix="devstack-test-", dir="/tmp"))
    home.chmod(0o755)
    yield home
    LocalStack(home).stop()
    shutil.rmtree(home, ignore_errors=True)
