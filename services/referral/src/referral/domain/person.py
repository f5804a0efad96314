"""The person supported: identity and ways to reach them. Only the referral service ever holds these;
every other service and every event knows the person by ``Person.id`` alone."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Final
from uuid import UUID

from referral.domain.errors import BlankName, ContactPreferenceUnreachable


class ContactPreference(StrEnum):
    PHONE = "phone"
    SMS = "sms"
    EMAIL = "email"
    POSTAL_LETTER = "postal_letter"
    VIA_REFERENT = "via_referent"


@dataclass(frozen=True)
class Identity:
    given_names: str
    family_name: str
    birth_date: date

    def __post_init__(self) -> None:
        _require_text("given_names", self.given_names)
        _require_text("family_name", self.family_name)


@dataclass(frozen=True)
class PostalAddress:
    street: str
    postcode: str
    city: str
    complement: str | None = None


@dataclass(frozen=True)
class ContactDetails:
    phone: str | None = None
    email: str | None = None
    postal_address: PostalAddress | None = None


@dataclass(frozen=True)
class TrustedPerson:
    """Someone the person chose to be reached through (a relative, a neighbour…)."""

    name: str
    relationship: str
    phone: str

    def __post_init__(self) -> None:
        _require_text("trusted person's name", self.name)
        _require_text("trusted person's phone", self.phone)


_NEEDED_DETAIL: Final[Mapping[ContactPreference, str]] = {
    ContactPreference.PHONE: "phone",
    ContactPreference.SMS: "phone",
    ContactPreference.EMAIL: "email",
    ContactPreference.POSTAL_LETTER: "postal_address",
}


@dataclass(eq=False)
class Person:
    id: UUID
    identity: Identity
    contact: ContactDetails = field(default_factory=ContactDetails)
    contact_preference: ContactPreference = ContactPreference.VIA_REFERENT
    trusted_person: TrustedPerson | None = None

    def __post_init__(self) -> None:
        _require_reachable(self.contact, self.contact_preference)

    def correct_identity(self, identity: Identity) -> None:
        self.identity = identity

    def update_contact(self, contact: ContactDetails, preference: ContactPreference) -> None:
        """Both change together, since a preference is only kept if the details allow it."""
        _require_reachable(contact, preference)
        self.contact, self.contact_preference = contact, preference

    def entrust(self, trusted_person: TrustedPerson | None) -> None:
        self.trusted_person = trusted_person


def _require_reachable(contact: ContactDetails, preference: ContactPreference) -> None:
    needed = _NEEDED_DETAIL.get(preference)
    if needed is not None and not getattr(contact, needed):
        raise ContactPreferenceUnreachable(preference, needed)


def _require_text(field_name: str, value: str) -> None:
    if not value.strip():
        raise BlankName(field_name)
