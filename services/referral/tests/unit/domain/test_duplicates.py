"""French names written many ways still meet, so a possible duplicate can be shown to a person to confirm."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from referral.domain.duplicates import DuplicateKey, normalise_name
from referral.domain.person import Identity

BIRTH = date(1987, 3, 14)


@pytest.mark.parametrize(
    ("written", "normalised"),
    [
        ("Éloïse Le Goff-Martin", "eloise le goff martin"),
        ("eloise le goff martin", "eloise le goff martin"),
        ("  ÉLOÏSE   LE GOFF -- MARTIN ", "eloise le goff martin"),
        ("François-Xavier", "francois xavier"),
        ("Lætitia", "laetitia"),
        ("Cœur", "coeur"),
        ("N'Diaye", "n diaye"),
        ("N’Diaye", "n diaye"),
        ("Hélène\tMüller", "helene muller"),
        ("Anne-Marie", "anne marie"),
    ],
)
def test_names_lose_case_accents_ligatures_and_separators(written: str, normalised: str) -> None:
    assert normalise_name(written) == normalised


def key(given_names: str, family_name: str, birth_date: date = BIRTH) -> DuplicateKey:
    return DuplicateKey.of(Identity(given_names=given_names, family_name=family_name, birth_date=birth_date))


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("Éloïse", "Le Goff-Martin"), ("eloise", "le goff martin")),
        (("Éloïse", "Le Goff-Martin"), ("ELOISE", "LEGOFF MARTIN")),
        (("Anne-Marie", "N'Diaye"), ("Annemarie", "Ndiaye")),
        (("Lætitia", "Dupont"), ("Laetitia", "DUPONT")),
    ],
)
def test_the_same_person_written_differently_has_the_same_key(
    one: tuple[str, str], other: tuple[str, str]
) -> None:
    assert key(*one) == key(*other)


def test_different_birth_dates_or_names_make_different_keys() -> None:
    assert key("Éloïse", "Le Goff") != key("Éloïse", "Le Goff", date(1987, 3, 15))
    assert key("Éloïse", "Le Goff") != key("Élise", "Le Goff")
    assert key("Éloïse", "Le Goff") != key("Le Goff", "Éloïse")


@given(st.text())
def test_normalising_twice_changes_nothing_more(name: str) -> None:
    once = normalise_name(name)

    assert normalise_name(once) == once
    assert once == once.strip()
    assert "  " not in once
