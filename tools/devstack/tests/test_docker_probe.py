"""The Docker daemon is asked to answer a ping before testcontainers is ever tried."""

import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from devstack.docker_probe import docker_daemon_answers


def _serve_once(server: socket.socket, response: bytes) -> None:
    connection, _ = server.accept()
    with connection:
        connection.recv(1024)
        connection.sendall(response)


@pytest.fixture
def socket_path() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="dock-") as directory:
        yield Path(directory) / "docker.sock"


def _daemon_answering(path: Path, response: bytes) -> threading.Thread:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    server.listen(1)
    thread = threading.Thread(target=lambda: (_serve_once(server, response), server.close()), daemon=True)
    thread.start()
    return thread


def test_a_daemon_answering_ok_is_used(socket_path: Path) -> None:
    daemon = _daemon_answering(socket_path, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK")

    assert docker_daemon_answers({"DOCKER_HOST": f"unix://{socket_path}"})
    daemon.join(timeout=2)


def test_a_daemon_answering_an_error_is_not(socket_path: Path) -> None:
    daemon = _daemon_answering(socket_path, b"HTTP/1.1 500 Internal Server Error\r\n\r\n")

    assert not docker_daemon_answers({"DOCKER_HOST": f"unix://{socket_path}"})
    daemon.join(timeout=2)


def test_no_socket_means_no_docker(socket_path: Path) -> None:
    assert not docker_daemon_answers({"DOCKER_HOST": f"unix://{socket_path}"})


def test_an_unreachable_tcp_daemon_means_no_docker() -> None:
    assert not docker_daemon_answers({"DOCKER_HOST": "tcp://127.0.0.1:1"}, timeout_seconds=0.2)
