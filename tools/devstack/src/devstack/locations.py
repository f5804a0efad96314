"""Where the stack keeps its state and where fetched jars are cached."""

import os
from collections.abc import Mapping
from pathlib import Path

HOME_VARIABLE = "DEVSTACK_HOME"
STATE_DIRECTORY_NAME = ".devstack"


def find_repository_root(start: Path | None = None) -> Path:
    origin = (start or Path.cwd()).resolve()
    for candidate in (origin, *origin.parents):
        if (candidate / ".git").exists():
            return candidate
    return origin


def stack_home(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    configured = environ.get(HOME_VARIABLE)
    if configured:
        return Path(configured).expanduser().resolve()
    return find_repository_root() / STATE_DIRECTORY_NAME


def cache_root(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "premiere-marche"
