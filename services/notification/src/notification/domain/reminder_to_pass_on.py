"""The e-mail that asks the referent's organisation to remind a person of their session, when the person
prefers hearing it from them or when the platform cannot reach them itself (by phone, by letter).

The person is named by their platform id only: the referent's organisation knows who it is; the mailbox,
its archives and whoever else reads it need not."""

from datetime import date
from uuid import UUID

from notification.domain.french_dates import day_in_words
from notification.domain.messages import Message


def reminder_to_pass_on(person_id: UUID, referral_id: UUID, session_starts_on: date) -> Message:
    """An e-mail only: it never goes by SMS."""
    day = day_in_words(session_starts_on)
    return Message(
        subject="Un rappel à transmettre : l'atelier a lieu demain",
        paragraphs=(
            "Bonjour,",
            f"Une personne que vous accompagnez a son atelier demain, {day}.",
            "Elle préfère que vous lui rappeliez.",
            "Merci de la prévenir aujourd'hui.",
            f"Numéro de la personne : {person_id}.",
            f"Numéro de l'orientation : {referral_id}.",
            "Vous trouverez qui elle est dans votre espace.",
            "L'équipe des ateliers Première marche",
        ),
        sms="",
    )
