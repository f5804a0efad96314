"""Showing the end of a server's log when it fails to come up."""

import os
from pathlib import Path


def log_tail(log_file: Path, size: int = 4000) -> str:
    try:
        with log_file.open("rb") as log:
            log.seek(0, os.SEEK_END)
            log.seek(max(0, log.tell() - size))
            return log.read().decode(errors="replace")
    except OSError:
        return f"(no log at {log_file})"
