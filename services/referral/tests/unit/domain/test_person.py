from datetime import date
from uuid import uuid4

import pytest

from referral.domain.errors import BlankName, ContactPreferenceUnreachable
from referral.domain.person import (
    ContactDetails,
    ContactPreference,
    Identity,
    Person,
    PostalAddress,
    TrustedPerson,
)

ELOISE = Identity(given_names="Éloïse", family_name="Le Goff-Martin", birth_date=date(1987, 3, 14))
ADDRESS = PostalAddress(street="12 rue des Corons", postcode="62300", city="Lens")


def test_the_contact_preference_values_are_those_the_interfaces_use() -> None:
    assert [preference.value for preference in ContactPreference] == [
        "phone",
        "sms",
        "email",
        "postal_letter",
        "via_referent",
    ]


def test_without_any_contact_detail_the_person_is_reached_via_their_referent() -> None:
    person = Person(id=uuid4(), identity=ELOISE)

    assert person.contact_preference is ContactPreference.VIA_REFERENT
    assert person.trusted_person is None


@pytest.mark.parametrize(
    ("preference", "contact"),
    [
        (ContactPreference.PHONE, ContactDetails(phone="06 12 34 56 78")),
        (ContactPreference.SMS, ContactDetails(phone="06 12 34 56 78")),
        (ContactPreference.EMAIL, ContactDetails(email="eloise@example.org")),
        (ContactPreference.POSTAL_LETTER, ContactDetails(postal_address=ADDRESS)),
        (ContactPreference.VIA_REFERENT, ContactDetails()),
    ],
)
def test_a_preference_is_kept_when_the_details_allow_it(
    preference: ContactPreference, contact: ContactDetails
) -> None:
    person = Person(id=uuid4(), identity=ELOISE, contact=contact, contact_preference=preference)

    assert person.contact_preference is preference


@pytest.mark.parametrize(
    ("preference", "contact"),
    [
        (ContactPreference.PHONE, ContactDetails(email="eloise@example.org")),
        (ContactPreference.SMS, ContactDetails(postal_address=ADDRESS)),
        (ContactPreference.EMAIL, ContactDetails(phone="06 12 34 56 78")),
        (ContactPreference.POSTAL_LETTER, ContactDetails(phone="06 12 34 56 78", email="eloise@example.org")),
    ],
)
def test_a_preference_the_details_cannot_serve_is_refused(
    preference: ContactPreference, contact: ContactDetails
) -> None:
    with pytest.raises(ContactPreferenceUnreachable):
        Person(id=uuid4(), identity=ELOISE, contact=contact, contact_preference=preference)


def test_changing_contact_details_and_preference_is_all_or_nothing() -> None:
    by_phone = ContactDetails(phone="06 12 34 56 78")
    person = Person(id=uuid4(), identity=ELOISE, contact=by_phone, contact_preference=ContactPreference.SMS)

    with pytest.raises(ContactPreferenceUnreachable):
        person.update_contact(ContactDetails(email="eloise@example.org"), ContactPreference.SMS)
    assert (person.contact, person.contact_preference) == (by_phone, ContactPreference.SMS)

    person.update_contact(ContactDetails(email="eloise@example.org"), ContactPreference.EMAIL)
    assert person.contact_preference is ContactPreference.EMAIL


def test_a_person_may_name_a_trusted_person_and_take_it_back() -> None:
    person = Person(id=uuid4(), identity=ELOISE)
    sister = TrustedPerson(name="Maëlle Le Goff", relationship="sœur", phone="06 98 76 54 32")

    person.entrust(sister)
    assert person.trusted_person == sister

    person.entrust(None)
    assert person.trusted_person is None


@pytest.mark.parametrize("blank", ["", "   "])
def test_names_are_never_blank(blank: str) -> None:
    with pytest.raises(BlankName):
        Identity(given_names=blank, family_name="Le Goff", birth_date=date(1987, 3, 14))
    with pytest.raises(BlankName):
        Identity(given_names="Éloïse", family_name=blank, birth_date=date(1987, 3, 14))
    with pytest.raises(BlankName):
        TrustedPerson(name=blank, relationship="voisine", phone="06 98 76 54 32")
