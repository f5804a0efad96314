"""What we tell an organisation's mailbox about a timeline event, in French and in plain language (the
same rules as for persons: short sentences, one idea each, dates in words, no word that labels anyone).

The e-mail names the person by their platform id only; the professional finds the rest in their own tools.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Final
from uuid import UUID

from notification.domain.french_dates import day_in_words, moment_in_words
from notification.domain.messages import Message
from notification.domain.notified_events import (
    PATHWAY_ALERT_RAISED,
    PATHWAY_ALERT_WITHDRAWN,
    PATHWAY_STAGE_CHANGED,
    REFERRAL_CANCELLED,
    REFERRAL_SENT,
    REFERRAL_WITHDRAWN,
    event_type,
)


@dataclass(frozen=True)
class Notice:
    """A timeline event as an e-mail tells it: ids, codes and dates, nothing personal."""

    event_type: str
    """The original event's type for a timeline entry, the timeline event's own type otherwise."""
    person_id: UUID
    occurred_at: datetime
    """Already in the region's time zone."""
    referral_id: UUID | None = None
    code: str | None = None
    """The reason, stage, alert kind, barrier or outcome the event carries, if any; for a cancellation, the
    side that cancelled (`prescriber`, `operator`)."""
    day: date | None = None
    """The day the event speaks of: a session's first day, the day an unanswered referral expires."""


@dataclass(frozen=True)
class _Template:
    subject: str
    fact: str
    words_of_code: Mapping[str, str] | None = None
    """Said after the fact, for the event's code; nothing when the code has no words."""
    day_sentence: str | None = None
    """With `{day}` for the notice's day in words."""
    facts_of_code: Mapping[str, str] | None = None
    """Said instead of the fact, for the event's code: who acted, told in the third person, as any reader
    may not be the side that did not act."""
    why_you_hear: str | None = None
    """Said instead of the usual reason, when a reader may not follow the person yet."""


def _words(**words: str) -> Mapping[str, str]:
    return MappingProxyType(words)


REJECTION_REASONS: Final = _words(
    session_full_no_date="Il n'y a plus de place et aucune autre date n'est prévue.",
    not_in_target_public="L'atelier ne répond pas au besoin de la personne.",
    person_unreachable="L'atelier n'a pas réussi à joindre la personne.",
    person_declined="La personne ne souhaite pas venir.",
    barrier_incompatible="Pour le moment, une difficulté empêche la personne de venir.",
    outside_territory="L'atelier est trop loin de chez la personne.",
    duplicate="Une autre demande pour cette personne est déjà en cours.",
    other="L'atelier peut vous dire pourquoi.",
)
WAITING_REASONS: Final = _words(
    session_full="Les sessions sont complètes.",
    no_session_planned="Aucune session n'est prévue pour le moment.",
)
DIFFICULTIES: Final = _words(
    mobility="Ce qui bloque : le transport.",
    childcare_family="Ce qui bloque : la garde des enfants ou la famille.",
    health="Ce qui bloque : la santé.",
    housing="Ce qui bloque : le logement.",
    financial="Ce qui bloque : l'argent.",
    administrative_legal="Ce qui bloque : des papiers ou une démarche.",
    digital="Ce qui bloque : l'usage du numérique.",
    french_language="Ce qui bloque : la langue française.",
    confidence_isolation="Ce qui bloque : la confiance en soi ou l'isolement.",
    other="Ce qui bloque : une autre difficulté.",
)
OUTCOMES: Final = _words(
    sustainable_employment="Elle a trouvé un emploi durable.",
    transition_employment="Elle a trouvé un emploi pour un temps.",
    positive_exit="Elle continue vers une formation ou un autre projet.",
    other_scheme="Elle continue dans un autre accompagnement.",
    no_outcome="Aucune suite n'est prévue pour le moment.",
)
DROP_OUT_REASONS: Final = _words(
    health="La raison : la santé.",
    childcare="La raison : la garde des enfants.",
    mobility="La raison : le transport.",
    employment_found="La raison : elle a trouvé un travail.",
    moved_away="La raison : elle a déménagé.",
    lost_contact="La raison : l'atelier n'a plus de nouvelles.",
    personal="La raison : une raison personnelle.",
    other="L'atelier peut vous dire pourquoi.",
)
STAGES: Final = _words(
    referred="Nouvelle étape : la personne est orientée vers un atelier.",
    in_workshop="Nouvelle étape : la personne suit un atelier.",
    barriers_work="Nouvelle étape : la personne travaille sur ce qui la bloque.",
    in_training="Nouvelle étape : la personne suit une formation.",
    employed="Nouvelle étape : la personne a un emploi.",
    exited="Nouvelle étape : le parcours est terminé.",
)
ALERTS: Final = _words(
    referral_unanswered="Une demande attend toujours une réponse de l'atelier.",
    two_consecutive_absences="La personne a manqué deux ateliers de suite.",
    blocking_barrier="Une difficulté empêche la personne d'avancer.",
    no_recent_activity="Il ne s'est rien passé depuis longtemps dans le parcours.",
)

# Who cancelled, said in the third person. By default the side that did not cancel hears it (its own act is
# not news to it), but any care-team organisation that subscribed a mailbox to cancellations may read it too,
# and an e-mail does not know by which rule it is owed: no words take the reader for one side.
CANCELLATIONS: Final = _words(
    prescriber="La structure qui a orienté la personne a annulé la demande. "
    "La personne n'ira plus à l'atelier pour cette demande. "
    "L'atelier n'a plus à la contacter pour cette demande.",
    operator="L'atelier a annulé la demande d'orientation de la personne.",
)
# The operator a referral is sent to hears of it (sent, called off) before it joins the care team; every
# other reader is a member of the care team. True for both, whoever reads.
_SENT_TO_OR_FOLLOWING = (
    "Vous recevez ce message car votre structure reçoit cette demande ou suit cette personne."
)


def _as_once_said(alerts: Mapping[str, str]) -> Mapping[str, str]:
    """A withdrawn alert recalled in the words it was raised with, so both e-mails speak alike."""
    return _words(**{kind: f"L'alerte disait : {said[0].lower()}{said[1:]}" for kind, said in alerts.items()})


WITHDRAWN_ALERTS: Final = _as_once_said(ALERTS)

_GENERAL = _Template(
    "Du nouveau pour une personne que vous suivez",
    "Il y a du nouveau dans le parcours d'une personne que vous suivez.",
)
TEMPLATES: Final[Mapping[str, _Template]] = MappingProxyType(
    {
        REFERRAL_SENT: _Template(
            "Une nouvelle demande pour un atelier",
            "Une structure a orienté la personne vers un atelier.",
            day_sentence="L'atelier doit répondre avant le {day}.",
            why_you_hear=_SENT_TO_OR_FOLLOWING,
        ),
        REFERRAL_WITHDRAWN: _Template(
            "Une demande pour un atelier est retirée",
            "La structure qui a orienté la personne a retiré la demande. "
            "La personne n'ira pas à l'atelier pour cette demande. "
            "L'atelier n'a plus à la contacter pour cette demande.",
            why_you_hear=_SENT_TO_OR_FOLLOWING,
        ),
        event_type("referral.under_review"): _Template(
            "La demande est à l'étude",
            "L'atelier étudie la demande d'orientation de la personne.",
        ),
        event_type("referral.accepted"): _Template(
            "L'atelier accueille la personne",
            "La demande d'orientation de la personne vers l'atelier est acceptée.",
        ),
        event_type("referral.rejected"): _Template(
            "L'atelier ne peut pas accueillir la personne",
            "L'atelier ne peut pas accueillir la personne pour cette demande.",
            REJECTION_REASONS,
        ),
        event_type("referral.expired"): _Template(
            "La demande n'a pas eu de réponse",
            "L'atelier n'a pas répondu à temps. La demande est close.",
        ),
        event_type("referral.waitlisted"): _Template(
            "La personne attend une place",
            "La personne attend une place à l'atelier.",
            WAITING_REASONS,
        ),
        event_type("referral.scheduled"): _Template(
            "La personne a une place",
            "La personne a une place dans une session de l'atelier.",
            day_sentence="La session commence le {day}.",
        ),
        event_type("referral.started"): _Template(
            "La personne a commencé l'atelier", "La personne a commencé l'atelier."
        ),
        event_type("referral.paused"): _Template(
            "La personne fait une pause",
            "La personne fait une pause dans l'atelier.",
            DIFFICULTIES,
        ),
        event_type("referral.resumed"): _Template(
            "La personne a repris l'atelier", "La personne a repris l'atelier."
        ),
        event_type("referral.completed"): _Template(
            "La personne a terminé l'atelier",
            "La personne a terminé l'atelier.",
            OUTCOMES,
        ),
        event_type("referral.dropped_out"): _Template(
            "La personne a arrêté l'atelier",
            "La personne a arrêté l'atelier.",
            DROP_OUT_REASONS,
        ),
        REFERRAL_CANCELLED: _Template(
            "La demande est annulée",
            "La demande d'orientation de la personne vers un atelier est annulée.",
            facts_of_code=CANCELLATIONS,
            why_you_hear=_SENT_TO_OR_FOLLOWING,
        ),
        PATHWAY_STAGE_CHANGED: _Template(
            "Le parcours d'une personne change d'étape",
            "Le parcours d'une personne que vous suivez change d'étape.",
            STAGES,
        ),
        PATHWAY_ALERT_RAISED: _Template(
            "Une situation demande votre attention",
            "Une situation demande votre attention dans le parcours d'une personne.",
            ALERTS,
        ),
        PATHWAY_ALERT_WITHDRAWN: _Template(
            "Une alerte est retirée",
            "Une alerte sur le parcours d'une personne que vous suivez est retirée. "
            "L'information qui avait déclenché cette alerte a été annulée par son auteur.",
            WITHDRAWN_ALERTS,
        ),
    }
)

_SIGNATURE = "L'équipe de la plateforme Première marche"
_WHY_YOU_HEAR = "Vous recevez ce message car votre structure suit cette personne."


def message_to_organisation(notice: Notice) -> Message:
    template = TEMPLATES.get(notice.event_type, _GENERAL)
    fact = (template.facts_of_code or {}).get(notice.code or "", template.fact)
    said_of_code = (template.words_of_code or {}).get(notice.code or "")
    paragraphs = [
        "Bonjour,",
        fact,
        *([said_of_code] if said_of_code else []),
        *(
            [template.day_sentence.format(day=day_in_words(notice.day))]
            if template.day_sentence and notice.day
            else []
        ),
        f"C'était le {moment_in_words(notice.occurred_at)}.",
        f"Référence de la personne : {notice.person_id}.",
        *([f"Référence de la demande : {notice.referral_id}."] if notice.referral_id else []),
        template.why_you_hear or _WHY_YOU_HEAR,
        _SIGNATURE,
    ]
    return Message(subject=template.subject, paragraphs=tuple(paragraphs), sms=fact)
