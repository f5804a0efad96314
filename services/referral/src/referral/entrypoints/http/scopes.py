"""The scopes an organisation's API key may grant, one per kind of work."""

from typing import Final

SEND_REFERRALS: Final = "referrals:send"
ANSWER_REFERRALS: Final = "referrals:answer"
READ_REFERRALS: Final = "referrals:read"
MANAGE_WORKSHOPS: Final = "workshops:manage"
READ_PERSONS: Final = "persons:read"
MANAGE_CARE_TEAMS: Final = "care_teams:manage"

ALL_SCOPES: Final = (
    SEND_REFERRALS,
    ANSWER_REFERRALS,
    READ_REFERRALS,
    MANAGE_WORKSHOPS,
    READ_PERSONS,
    MANAGE_CARE_TEAMS,
)
