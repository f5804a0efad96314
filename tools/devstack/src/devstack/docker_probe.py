"""Does a Docker daemon answer? testcontainers imports fine without one but cannot start anything."""

import os
import socket
from collections.abc import Mapping
from urllib.parse import urlsplit

_DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock"
_PING = b"GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"


def _connect(docker_host: str, timeout_seconds: float) -> socket.socket | None:
    address = urlsplit(docker_host)
    try:
        if address.scheme == "unix":
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(timeout_seconds)
            connection.connect(address.path)
            return connection
        if address.scheme in {"tcp", "http"} and address.hostname and address.port:
            return socket.create_connection((address.hostname, address.port), timeout=timeout_seconds)
    except OSError:
        return None
    return None


def docker_daemon_answers(environ: Mapping[str, str] | None = None, timeout_seconds: float = 1.0) -> bool:
    environ = os.environ if environ is None else environ
    connection = _connect(environ.get("DOCKER_HOST") or _DEFAULT_DOCKER_HOST, timeout_seconds)
    if connection is None:
        return False
    with connection:
        try:
            connection.sendall(_PING)
            status_line = connection.recv(64).split(b"\r\n", 1)[0]
        except OSError:
            return False
    return status_line.startswith(b"HTTP/") and b" 200" in status_line
