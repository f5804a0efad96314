import pytest

from notification.domain.plain_language import plain_language_issues, sentences_of, words_of


def rules_broken_by(text: str) -> set[str]:
    return {issue.rule for issue in plain_language_issues(text)}


def test_short_sentences_with_a_date_in_words_pass() -> None:
    assert plain_language_issues("Bonjour,\nVotre atelier a lieu mardi 3 mars à 9 h 30. À demain !") == []


def test_a_sentence_of_more_than_fifteen_words_is_flagged() -> None:
    sixteen_words = " ".join(["mot"] * 16) + "."

    assert rules_broken_by(sixteen_words) == {"sentence_too_long"}
    assert rules_broken_by(" ".join(["mot"] * 15) + ".") == set()


@pytest.mark.parametrize(
    "text",
    ["Atelier contre l'illettrisme.", "Les personnes ILLETTRÉES.", "Une personne illettree.", "Analphabète."],
)
def test_words_that_label_the_person_are_forbidden_in_any_form(text: str) -> None:
    assert "forbidden_word" in rules_broken_by(text)


@pytest.mark.parametrize(
    "text", ["Le dispositif vous aide.", "Votre prescripteur a écrit.", "Le positionnement."]
)
def test_professional_jargon_is_flagged(text: str) -> None:
    assert rules_broken_by(text) == {"jargon"}


@pytest.mark.parametrize("text", ["Rendez-vous le 03/03/2026.", "Le 2026-03-03.", "À 9h30.", "À 09:30."])
def test_dates_and_times_in_figures_are_flagged(text: str) -> None:
    assert rules_broken_by(text) == {"date_not_in_words"}


def test_sentences_end_at_punctuation_and_at_line_breaks() -> None:
    assert sentences_of("Bonjour,\nVous venez ? Oui. Merci !") == [
        "Bonjour,",
        "Vous venez ?",
        "Oui.",
        "Merci !",
    ]


def test_punctuation_alone_is_not_a_word() -> None:
    assert words_of("Vous venez ? Oui : demain !") == ["Vous", "venez", "Oui", "demain"]
