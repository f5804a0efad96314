"""How to reach a person, as the referral service tells us at the moment of sending; never stored here."""

from dataclasses import dataclass, field
from uuid import UUID


@dataclass(frozen=True)
class PersonContact:
    person_id: UUID
    contact_preference: str
    phone: str | None = field(default=None, repr=False)
    email: str | None = field(default=None, repr=False)


class ContactUnavailableError(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


class SmsNotSentError(Exception):
    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


class SmsTooLongError(SmsNotSentError):
    def __init__(self, segments: int, allowed: int) -> None:
        super().__init__(f"the message takes {segments} SMS segments, {allowed} allowed", permanent=True)
        self.segments = segments


class NoPhoneNumberError(SmsNotSentError):
    def __init__(self, person_id: UUID) -> None:
        super().__init__(f"person {person_id} has no phone number to send an SMS to", permanent=True)


class NoEmailAddressError(Exception):
    def __init__(self, person_id: UUID) -> None:
        super().__init__(f"person {person_id} has no e-mail address")
