"""E-mails to organisations' mailboxes follow the plain-language rules, say every code in words and every
date in words, and name the person by their platform id only."""

from datetime import date, datetime
from enum import StrEnum
from uuid import UUID

import pytest

from event_contracts.catalogue.codes import (
    AlertKind,
    BarrierCategory,
    DropOutReason,
    OutcomeFamily,
    PathwayStage,
    ReferralParty,
    RejectionReason,
    WaitlistReason,
)
from notification.domain.notified_events import EVENT_TYPES_OF_RULE, NOTIFIED_EVENT_TYPES, Rule, event_type
from notification.domain.organisation_messages import (
    ALERTS,
    TEMPLATES,
    Notice,
    message_to_organisation,
)
from notification.domain.plain_language import plain_language_issues

PERSON = UUID("4b8f0c1e-2d3a-4e5f-8a9b-0c1d2e3f4a5b")
REFERRAL = UUID("9d3c2b1a-0f9e-4d8c-b7a6-958473625140")
AT = datetime(2026, 3, 3, 9, 30)
CODES_OF_EVENT: dict[str, type[StrEnum]] = {
    event_type("referral.rejected"): RejectionReason,
    event_type("referral.waitlisted"): WaitlistReason,
    event_type("referral.paused"): BarrierCategory,
    event_type("referral.completed"): OutcomeFamily,
    event_type("referral.dropped_out"): DropOutReason,
    event_type("referral.cancelled"): ReferralParty,
    event_type("pathway.stage_changed"): PathwayStage,
    event_type("pathway.alert_raised"): AlertKind,
    event_type("pathway.alert_withdrawn"): AlertKind,
}
EVERY_NOTICE = [
    Notice(kind, PERSON, AT, REFERRAL, code=code.value, day=date(2026, 12, 1))
    for kind in sorted(NOTIFIED_EVENT_TYPES)
    for code in (list(CODES_OF_EVENT[kind]) if kind in CODES_OF_EVENT else [None])
    if code is not None
] + [Notice(kind, PERSON, AT, REFERRAL, day=date(2026, 12, 1)) for kind in sorted(NOTIFIED_EVENT_TYPES)]


def test_every_event_type_of_a_default_rule_has_its_own_words() -> None:
    default_rules = set(Rule) - {Rule.CARE_TEAM_HEARS_WHAT_IT_SUBSCRIBED_TO}

    assert set(TEMPLATES) == frozenset().union(*(EVENT_TYPES_OF_RULE[rule] for rule in default_rules))
    assert set(TEMPLATES) < NOTIFIED_EVENT_TYPES, (
        "the other entry types one may subscribe to say general words"
    )


@pytest.mark.parametrize("notice", EVERY_NOTICE, ids=lambda notice: f"{notice.event_type}:{notice.code}")
def test_every_e_mail_follows_the_plain_language_rules(notice: Notice) -> None:
    message = message_to_organisation(notice)

    assert plain_language_issues(message.subject) == []
    assert plain_language_issues(message.text) == []
    assert "illettr" not in message.html.lower()


@pytest.mark.parametrize(("kind", "codes"), CODES_OF_EVENT.items())
def test_every_code_an_event_can_carry_is_said_in_its_own_words(kind: str, codes: type[StrEnum]) -> None:
    said = {code: message_to_organisation(Notice(kind, PERSON, AT, code=code.value)).text for code in codes}
    bare = message_to_organisation(Notice(kind, PERSON, AT)).text

    assert all(text != bare for text in said.values()), "a code without words would be silently dropped"
    assert all(code.value not in text for code, text in said.items()), "codes are never shown raw"


def test_the_moment_and_the_day_are_written_in_words() -> None:
    scheduled = Notice(event_type("referral.scheduled"), PERSON, AT, REFERRAL, day=date(2026, 12, 1))

    message = message_to_organisation(scheduled)

    assert "La session commence le mardi 1er décembre." in message.paragraphs
    assert "C'était le mardi 3 mars à 9 h 30." in message.paragraphs
    assert "<p>C&#x27;était le mardi 3 mars à 9 h 30.</p>" in message.html


def test_the_person_and_the_referral_are_named_by_their_ids_only() -> None:
    message = message_to_organisation(Notice(event_type("referral.accepted"), PERSON, AT, REFERRAL))

    assert f"Référence de la personne : {PERSON}." in message.paragraphs
    assert f"Référence de la demande : {REFERRAL}." in message.paragraphs


def test_an_event_without_its_own_words_is_still_told_plainly() -> None:
    message = message_to_organisation(Notice(event_type("workshop.attendance_recorded"), PERSON, AT))

    assert "Il y a du nouveau dans le parcours d'une personne que vous suivez." in message.paragraphs
    assert plain_language_issues(message.text) == []


def test_a_barrier_is_told_in_the_general_words_without_its_category() -> None:
    for name in ("barrier.identified", "barrier.action_started", "barrier.lifted", "barrier.persisting"):
        message = message_to_organisation(Notice(event_type(name), PERSON, AT))

        assert message.subject == "Du nouveau pour une personne que vous suivez", name
        assert "Il y a du nouveau dans le parcours d'une personne que vous suivez." in message.paragraphs
        assert not any("bloque" in paragraph or "santé" in paragraph for paragraph in message.paragraphs)


def test_a_withdrawn_alert_says_it_is_taken_back_why_and_what_it_had_said() -> None:
    withdrawn = Notice(
        event_type("pathway.alert_withdrawn"), PERSON, AT, REFERRAL, code=AlertKind.BLOCKING_BARRIER.value
    )

    message = message_to_organisation(withdrawn)

    assert message.subject == "Une alerte est retirée"
    assert message.paragraphs[1] == (
        "Une alerte sur le parcours d'une personne que vous suivez est retirée. "
        "L'information qui avait déclenché cette alerte a été annulée par son auteur."
    )
    assert "L'alerte disait : une difficulté empêche la personne d'avancer." in message.paragraphs
    assert f"Référence de la personne : {PERSON}." in message.paragraphs
    assert f"Référence de la demande : {REFERRAL}." in message.paragraphs


@pytest.mark.parametrize("kind", list(AlertKind))
def test_a_withdrawn_alert_recalls_it_in_the_words_it_was_raised_with(kind: AlertKind) -> None:
    raised = message_to_organisation(Notice(event_type("pathway.alert_raised"), PERSON, AT, code=kind.value))
    withdrawn = message_to_organisation(
        Notice(event_type("pathway.alert_withdrawn"), PERSON, AT, code=kind.value)
    )

    assert ALERTS[kind.value] in raised.paragraphs
    recalled = ALERTS[kind.value][0].lower() + ALERTS[kind.value][1:]
    assert f"L'alerte disait : {recalled}" in withdrawn.paragraphs
    assert ALERTS[kind.value] not in withdrawn.paragraphs, "a withdrawn alert never reads as still standing"


def test_a_withdrawal_says_the_person_is_not_coming_and_not_to_be_called_to_whoever_reads() -> None:
    withdrawn = Notice(event_type("referral.withdrawn"), PERSON, AT, REFERRAL)

    message = message_to_organisation(withdrawn)

    assert message.subject == "Une demande pour un atelier est retirée"
    assert message.paragraphs[1] == (
        "La structure qui a orienté la personne a retiré la demande. "
        "La personne n'ira pas à l'atelier pour cette demande. "
        "L'atelier n'a plus à la contacter pour cette demande."
    )
    assert (
        "Vous recevez ce message car votre structure reçoit cette demande ou suit cette personne."
        in message.paragraphs
    ), "true of the operator, not yet in the care team, and of a care-team member that subscribed"
    assert "votre structure suit cette personne." not in message.text, "the operator does not follow them yet"
    assert f"Référence de la personne : {PERSON}." in message.paragraphs
    assert f"Référence de la demande : {REFERRAL}." in message.paragraphs


def test_a_new_referral_is_told_in_words_true_for_the_operator_and_any_subscribed_member() -> None:
    sent = Notice(event_type("referral.sent"), PERSON, AT, REFERRAL, day=date(2026, 12, 1))

    message = message_to_organisation(sent)

    assert message.subject == "Une nouvelle demande pour un atelier"
    assert message.paragraphs[1] == "Une structure a orienté la personne vers un atelier."
    assert "L'atelier doit répondre avant le mardi 1er décembre." in message.paragraphs
    assert "votre atelier" not in message.text


def test_a_cancellation_says_who_cancelled_in_words_true_for_any_reader() -> None:
    def told(side: ReferralParty) -> str:
        notice = Notice(event_type("referral.cancelled"), PERSON, AT, REFERRAL, code=side.value)
        return message_to_organisation(notice).paragraphs[1]

    by_the_prescriber = told(ReferralParty.PRESCRIBER)
    by_the_operator = told(ReferralParty.OPERATOR)

    assert by_the_prescriber == (
        "La structure qui a orienté la personne a annulé la demande. "
        "La personne n'ira plus à l'atelier pour cette demande. "
        "L'atelier n'a plus à la contacter pour cette demande."
    )
    assert by_the_operator == "L'atelier a annulé la demande d'orientation de la personne."
    bare = message_to_organisation(Notice(event_type("referral.cancelled"), PERSON, AT, REFERRAL))
    assert bare.paragraphs[1] == "La demande d'orientation de la personne vers un atelier est annulée."
    assert (
        "Vous recevez ce message car votre structure reçoit cette demande ou suit cette personne."
        in bare.paragraphs
    ), "the operator may hear a cancellation by the called-off rule"


def test_a_decision_is_told_in_the_third_person() -> None:
    accepted = message_to_organisation(Notice(event_type("referral.accepted"), PERSON, AT, REFERRAL))

    assert accepted.paragraphs[1] == "La demande d'orientation de la personne vers l'atelier est acceptée."
    assert "Vous recevez ce message car votre structure suit cette personne." in accepted.paragraphs


# Since `care_team_hears_what_it_subscribed_to`, any care-team organisation may read any referral e-mail,
# and an e-mail does not know by which rule it is owed: no words may take the reader for the side that
# referred the person, nor for the workshop the referral is sent to.
CLAIMS_ABOUT_THE_READER = (
    "vous avez orient",
    "que vous avez",
    "votre demande",
    "vous adresse",
    "votre atelier",
    "vous avez envoy",
    "vous avez annul",
    "vous avez retir",
)


def _every_template_word() -> list[str]:
    said: list[str] = []
    for template in TEMPLATES.values():
        said += [template.subject, template.fact]
        said += [text for text in (template.day_sentence, template.why_you_hear) if text]
        said += [*(template.words_of_code or {}).values(), *(template.facts_of_code or {}).values()]
    return said


@pytest.mark.parametrize("claim", CLAIMS_ABOUT_THE_READER)
def test_no_template_takes_the_reader_for_one_side_of_the_referral(claim: str) -> None:
    claiming = [text for text in _every_template_word() if claim in text.casefold()]

    assert claiming == [], f"« {claim} » is not true of every care-team organisation that may read it"


@pytest.mark.parametrize("notice", EVERY_NOTICE, ids=lambda notice: f"{notice.event_type}:{notice.code}")
def test_no_e_mail_takes_the_reader_for_one_side_of_the_referral(notice: Notice) -> None:
    text = message_to_organisation(notice).text.casefold()

    assert [claim for claim in CLAIMS_ABOUT_THE_READER if claim in text] == []
