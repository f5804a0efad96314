from datetime import date, datetime

import pytest

from notification.domain.messages import (
    REFUSAL_REASONS_IN_PLAIN_WORDS,
    Message,
    referral_accepted,
    referral_refused,
    session_reminder,
)
from notification.domain.plain_language import plain_language_issues
from notification.domain.sms_length import SmsEncoding, sms_length

SESSION = datetime(2026, 3, 3, 9, 30)

EVERY_MESSAGE = [
    session_reminder(SESSION),
    session_reminder(date(2026, 12, 1)),
    session_reminder(SESSION, place="Maison des associations, 4 rue Haute, Lunéville"),
    referral_accepted(),
    referral_accepted(datetime(2026, 12, 1, 14, 0)),
    *(referral_refused(code) for code in REFUSAL_REASONS_IN_PLAIN_WORDS),
]


@pytest.mark.parametrize("message", EVERY_MESSAGE, ids=lambda message: message.subject)
def test_every_message_follows_the_plain_language_rules(message: Message) -> None:
    assert plain_language_issues(message.subject) == []
    assert plain_language_issues(message.text) == []
    assert plain_language_issues(message.sms) == []


@pytest.mark.parametrize("message", EVERY_MESSAGE, ids=lambda message: message.subject)
def test_every_sms_fits_one_segment(message: Message) -> None:
    assert sms_length(message.sms).segments == 1


def test_the_reminder_says_the_day_and_hour_in_words() -> None:
    message = session_reminder(SESSION, place="4 rue Haute, Lunéville")

    assert "Votre atelier a lieu demain, mardi 3 mars à 9 h 30." in message.text
    assert "4 rue Haute, Lunéville" in message.text
    assert "mardi 3 mars à 9 h 30" in message.sms


def test_a_refusal_gives_its_reason_in_plain_words() -> None:
    assert "Il n'y a plus de place." in referral_refused("session_full_no_date").text
    assert "trop loin de chez vous" in referral_refused("outside_territory").text


def test_every_coded_refusal_reason_has_its_plain_words() -> None:
    assert set(REFUSAL_REASONS_IN_PLAIN_WORDS) == {
        "session_full_no_date",
        "not_in_target_public",
        "person_unreachable",
        "person_declined",
        "barrier_incompatible",
        "outside_territory",
        "duplicate",
        "other",
    }


def test_an_unknown_reason_is_said_as_other_rather_than_as_its_code() -> None:
    message = referral_refused("some_future_code")

    assert "some_future_code" not in message.text
    assert REFUSAL_REASONS_IN_PLAIN_WORDS["other"] in message.text


def test_the_html_part_says_the_same_as_the_text_part_with_markup_escaped() -> None:
    message = session_reminder(SESSION, place="Bâtiment <A> & B")

    assert '<html lang="fr">' in message.html
    assert "<p>Votre atelier a lieu demain, mardi 3 mars à 9 h 30.</p>" in message.html
    assert "Bâtiment &lt;A&gt; &amp; B" in message.html


def test_a_reminder_of_a_session_known_by_its_day_only_says_the_day_in_words() -> None:
    message = session_reminder(date(2026, 12, 1))

    assert "Votre atelier a lieu demain, mardi 1er décembre." in message.paragraphs
    assert message.sms.startswith("Rappel : votre atelier a lieu demain, mardi 1er décembre.")
    assert sms_length(message.sms).encoding is SmsEncoding.GSM7
