"""Kinds of partner organisations, spelled as in the contracts."""

from typing import Final

PRESCRIBER: Final = "prescriber"
OPERATOR: Final = "operator"
SUPPORT_PARTNER: Final = "support_partner"
TRAINING_PROVIDER: Final = "training_provider"
EMPLOYER: Final = "employer"
COORDINATOR: Final = "coordinator"
