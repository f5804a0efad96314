"""What an API key may do, as scope strings each service defines: `referrals:write`, `events:emit:barrier.*`.

A granted scope matches a required one exactly, or by prefix when it ends with `*`.
"""

import re
from collections.abc import Iterable
from typing import Final

WILDCARD: Final = "*"

_SCOPE: Final = re.compile(r"[A-Za-z0-9_.:\-]+\*?|\*")


def is_valid_scope(scope: str) -> bool:
    return _SCOPE.fullmatch(scope) is not None


def validate_scope(scope: str) -> str:
    if not is_valid_scope(scope):
        raise ValueError(
            f"a scope is letters, digits and `_.:-`, optionally ending with `{WILDCARD}`, not {scope!r}"
        )
    return scope


def scope_grants(granted: str, required: str) -> bool:
    if granted.endswith(WILDCARD):
        return required.startswith(granted.removesuffix(WILDCARD))
    return granted == required


def scopes_grant(granted: Iterable[str], required: str) -> bool:
    return any(scope_grants(scope, required) for scope in granted)
