"""What we say to a person, in French and in plain language: short sentences, one idea each, dates in words.

Each message comes as an e-mail (subject, paragraphs, rendered as text and as HTML) and as one SMS.
"""

import html
from dataclasses import dataclass
from datetime import date, datetime

from notification.domain.french_dates import day_in_words, moment_in_words


@dataclass(frozen=True)
class Message:
    subject: str
    paragraphs: tuple[str, ...]
    sms: str

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs) + "\n"

    @property
    def html(self) -> str:
        body = "\n".join(f"<p>{html.escape(paragraph)}</p>" for paragraph in self.paragraphs)
        return f'<!DOCTYPE html>\n<html lang="fr">\n<body>\n{body}\n</body>\n</html>\n'


_GREETING = "Bonjour,"
_SIGNATURE = "L'équipe des ateliers Première marche"
_IF_YOU_CANNOT_COME = "Vous ne pouvez pas venir ? Prévenez la personne qui vous accompagne."


def session_reminder(starts_at: datetime | date, place: str | None = None) -> Message:
    """Sent the day before a session; `starts_at` already in the person's time zone, or only its day when
    the hour is not known (the timeline tells the day a session starts, not its hour)."""
    when = moment_in_words(starts_at) if isinstance(starts_at, datetime) else day_in_words(starts_at)
    paragraphs = [
        _GREETING,
        f"Votre atelier a lieu demain, {when}.",
        *([f"Adresse : {place}."] if place else []),
        _IF_YOU_CANNOT_COME,
        "À demain !",
        _SIGNATURE,
    ]
    return Message(
        subject="Votre atelier, c'est demain",
        paragraphs=tuple(paragraphs),
        sms=f"Rappel : votre atelier a lieu demain, {when}. Vous ne pouvez pas venir ? "
        "Prévenez la personne qui vous accompagne.",
    )


def referral_accepted(first_session_starts_at: datetime | None = None) -> Message:
    if first_session_starts_at is None:
        next_step = "Nous vous dirons bientôt la date du premier atelier."
        sms_next_step = "Nous vous donnerons la date plus tard."
    else:
        next_step = f"Le premier atelier a lieu {moment_in_words(first_session_starts_at)}."
        sms_next_step = f"Premier atelier : {day_in_words(first_session_starts_at.date())}."
    return Message(
        subject="Bonne nouvelle : l'atelier vous accueille",
        paragraphs=(
            _GREETING,
            "Bonne nouvelle : l'atelier Première marche vous accueille.",
            next_step,
            "Vous avez une question ? Parlez-en à la personne qui vous accompagne.",
            _SIGNATURE,
        ),
        sms=f"Bonne nouvelle : l'atelier Première marche vous accueille. {sms_next_step}",
    )


# The coded refusal reasons of the referral lifecycle, said to the person.
REFUSAL_REASONS_IN_PLAIN_WORDS = {
    "session_full_no_date": "Il n'y a plus de place. Aucune autre date n'est prévue pour le moment.",
    "not_in_target_public": (
        "Cet atelier ne répond pas à votre besoin. Un autre accompagnement vous ira mieux."
    ),
    "person_unreachable": "L'atelier n'a pas réussi à vous joindre.",
    "person_declined": "Vous avez dit que vous ne vouliez pas venir.",
    "barrier_incompatible": "Pour le moment, quelque chose vous empêche de venir. Par exemple le transport.",
    "outside_territory": "L'atelier est trop loin de chez vous.",
    "duplicate": "Une autre demande pour vous est déjà en cours.",
    "other": "La personne qui vous accompagne peut vous dire pourquoi.",
}


def referral_refused(reason_code: str) -> Message:
    reason = REFUSAL_REASONS_IN_PLAIN_WORDS.get(reason_code, REFUSAL_REASONS_IN_PLAIN_WORDS["other"])
    return Message(
        subject="L'atelier ne peut pas vous accueillir",
        paragraphs=(
            _GREETING,
            "L'atelier Première marche ne peut pas vous accueillir pour le moment.",
            reason,
            "La personne qui vous accompagne va chercher une autre solution avec vous.",
            _SIGNATURE,
        ),
        sms="L'atelier Première marche ne peut pas vous accueillir pour le moment. "
        "La personne qui vous accompagne va vous aider.",
    )
