"""Why the assembler refuses an event; each refusal becomes a dead letter carrying its reason."""

from enum import StrEnum


class RefusalReason(StrEnum):
    UNKNOWN_SENDER = "unknown_sender"
    SOURCE_NOT_AN_ORGANISATION = "source_not_an_organisation"
    TYPE_NOT_ALLOWED = "type_not_allowed"
    NOT_IN_CARE_TEAM = "not_in_care_team"
    SOURCE_OF_ANOTHER_ORGANISATION = "source_of_another_organisation"
    """Over HTTP only: the source is not the organisation the API key belongs to."""
    REGION_MISMATCH = "region_mismatch"
    """The event names another region: each region's deployment keeps its own persons' timelines."""
    RETRACTED_EVENT_UNKNOWN = "retracted_event_unknown"
    RETRACTED_EVENT_OF_ANOTHER_SOURCE = "retracted_event_of_another_source"
    RETRACTED_EVENT_ALREADY_RETRACTED = "retracted_event_already_retracted"
    RETRACTION_CANNOT_BE_RETRACTED = "retraction_cannot_be_retracted"


class RefusedEventError(Exception):
    """Retrying can never make this event acceptable."""

    def __init__(self, reason: RefusalReason, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else str(reason))
        self.reason = reason
        self.detail = detail
