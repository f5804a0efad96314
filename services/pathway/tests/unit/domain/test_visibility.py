from uuid import uuid4

from event_contracts.catalogue.codes import OrganisationKind
from pathway.domain.visibility import CARE_TEAM_PROFESSIONALS, Visibility, audience_of


def test_most_entries_are_read_in_full_by_the_professionals_of_the_care_team(events) -> None:
    audience = audience_of(events.referral_sent(0))

    assert audience.visibility is Visibility.FULL
    assert audience.kinds == {"prescriber", "operator", "support_partner", "training_provider"}


def test_a_sensitive_barrier_shows_as_category_and_status_only(events) -> None:
    health = events.barrier_identified(1, uuid4())
    health = type(health)(**{**health.__dict__, "data": {**health.data, "category": "health"}})

    assert audience_of(health).visibility is Visibility.CATEGORY_AND_STATUS_ONLY
    assert audience_of(events.barrier_identified(1, uuid4())).visibility is Visibility.FULL


def test_employers_see_employment_but_never_barriers_nor_assessments(events) -> None:
    assessment = events.referral_sent(0)
    assessment = type(assessment)(
        **{**assessment.__dict__, "event_type": "fr.premiere-marche.assessment.recorded", "data": {}}
    )

    assert "employer" in audience_of(events.employment_started(1)).kinds
    assert "employer" not in audience_of(events.barrier_identified(1, uuid4())).kinds
    assert audience_of(assessment).kinds == {"prescriber", "operator"}


def test_kinds_are_spelled_as_in_the_contracts() -> None:
    assert {kind.value for kind in OrganisationKind} >= CARE_TEAM_PROFESSIONALS
