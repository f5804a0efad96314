"""Start a long-running server so that it is never a child of the caller.

The caller runs this module as a short-lived intermediate process: the server is re-parented to init when
the intermediate exits, so neither the CLI nor a test session ends up owning (or leaving zombies of) it.
"""

import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def launch_detached(
    command: list[str], log_file: Path, working_directory: Path, env: Mapping[str, str] | None = None
) -> int:
    """Start `command` detached and return its pid; `env` replaces the environment when given."""
    launcher = [
        sys.executable,
        "-m",
        "devstack.detached_launch",
        str(log_file),
        str(working_directory),
        *command,
    ]
    completed = subprocess.run(
        launcher, check=True, capture_output=True, text=True, env=dict(env) if env is not None else None
    )
    return int(completed.stdout.strip())


def _main(arguments: list[str]) -> None:
    log_file, working_directory, *command = arguments
    with Path(log_file).open("ab") as log:
        server = subprocess.Popen(
            command,
            cwd=working_directory,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    sys.stdout.write(f"{server.pid}\n")


if __name__ == "__main__":
    _main(sys.argv[1:])
