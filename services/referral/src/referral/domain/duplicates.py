"""Telling whether two records may be the same person, despite accents, case, hyphens and spacing.

A matching key only suggests a possible duplicate for someone to confirm: it is never merged alone.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Final

from referral.domain.person import Identity

# NFKD leaves these letters whole: they are ligatures, not letters with a diacritic.
_LIGATURES: Final = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l"})

_SEPARATORS: Final = re.compile(r"[\s\-‐‑‒–—'’ʼ`´.,_]+")


def normalise_name(name: str) -> str:
    """``"Éloïse Le Goff-Martin"`` → ``"eloise le goff martin"``."""
    # Compatibility forms may decompose to capitals ("𝕊" → "S"), so fold the case after decomposing too.
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", name).casefold())
    unaccented = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(_SEPARATORS.sub(" ", unaccented.translate(_LIGATURES)).split())


@dataclass(frozen=True)
class DuplicateKey:
    """Names without separators, so "N'Diaye" meets "Ndiaye" and "Le Goff" meets "Legoff"."""

    family_name: str
    given_names: str
    birth_date: date

    @classmethod
    def of(cls, identity: Identity) -> "DuplicateKey":
        return cls(
            family_name=_compact(identity.family_name),
            given_names=_compact(identity.given_names),
            birth_date=identity.birth_date,
        )


def _compact(name: str) -> str:
    return normalise_name(name).replace(" ", "")
