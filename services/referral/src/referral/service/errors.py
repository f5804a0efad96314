"""Refusals of the use cases. Something an organisation may not see is reported as not found, so that
the answer never tells whether it exists."""

# ruff: noqa: N818 - named after what is missing, as partners read it

from uuid import UUID

from referral.domain.errors import InvalidValueError


class NotFoundError(Exception):
    pass


class ReferralNotFound(NotFoundError):
    def __init__(self, referral_id: UUID) -> None:
        super().__init__(f"no referral {referral_id} is visible to this organisation")


class PersonNotFound(NotFoundError):
    def __init__(self, person_id: UUID) -> None:
        super().__init__(f"no person {person_id} is followed by this organisation")


class WorkshopNotFound(NotFoundError):
    def __init__(self, workshop_id: UUID) -> None:
        super().__init__(f"no workshop {workshop_id} is run by this organisation")


class SessionNotFound(NotFoundError):
    def __init__(self, session_id: UUID) -> None:
        super().__init__(f"no session {session_id} is visible to this organisation")


class UnknownOrganisation(InvalidValueError):
    """An organisation named in a request body that does not exist with the needed kind."""

    def __init__(self, organisation_id: UUID, kind: str) -> None:
        super().__init__(f"organisation {organisation_id} is not a known {kind} of the region")


class UnknownWorkshop(InvalidValueError):
    def __init__(self, workshop_id: UUID) -> None:
        super().__init__(f"workshop {workshop_id} does not exist")
