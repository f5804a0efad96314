"""Demo data for `make up`: two prescribers and an operator of Grand Est, a workshop with two sessions,
and referrals in several states, each step through the use cases so that its events are published too.

Loading twice changes nothing: the organisations have fixed ids, and their presence means it is done.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Final
from uuid import UUID

from referral.bootstrap import ReferralService
from referral.domain.codes import AttendanceStatus, OrganisationKind, RejectionReason
from referral.domain.organisation import Organisation
from referral.domain.person import ContactDetails, ContactPreference, Identity, Person
from referral.entrypoints.http.scopes import ALL_SCOPES
from referral.service import answer_referral as answer
from referral.service import follow_workshop as follow
from referral.service import place_on_session as placing
from referral.service.publish_sessions import (
    PublishSession,
    PublishWorkshop,
    publish_session,
    publish_workshop,
)
from referral.service.submit_referral import SubmitReferral, submit_referral
from referral.service.unit_of_work import UnitOfWork
from service_kit.http.api_keys import issue_api_key

FRANCE_TRAVAIL_METZ: Final = UUID("0a0d0e00-0000-4000-8000-000000000001")
MISSION_LOCALE_NANCY: Final = UUID("0a0d0e00-0000-4000-8000-000000000002")
LIRE_ENSEMBLE: Final = UUID("0a0d0e00-0000-4000-8000-000000000003")
WORKSHOP: Final = UUID("0a0d0e00-0000-4000-8000-000000000010")
AUTUMN_SESSION: Final = UUID("0a0d0e00-0000-4000-8000-000000000011")
WINTER_SESSION: Final = UUID("0a0d0e00-0000-4000-8000-000000000012")

_PERSONS: Final = [
    ("Nadia", "Benali", date(1984, 2, 11)),
    ("Jean-Luc", "Lefebvre", date(1969, 7, 30)),
    ("Awa", "Diallo", date(1991, 12, 3)),
    ("Kevin", "Dupont", date(1998, 5, 22)),
    ("Sylvie", "Martin", date(1975, 9, 14)),
    ("Mehdi", "Haddad", date(1988, 4, 1)),
]
# How far each referral goes: sent, under review, rejected, accepted and waiting, scheduled, started.
_STEPS: Final = ["sent", "under_review", "rejected", "waitlisted", "scheduled", "started"]


@dataclass
class DemoData:
    already_loaded: bool
    api_keys: dict[str, str] = field(default_factory=dict)
    referrals: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        if self.already_loaded:
            return "referral demo data already loaded; issue keys with `referral issue-key`"
        lines = ["referral demo data loaded:"]
        lines += [f"  referral {referral_id}: {status}" for referral_id, status in self.referrals.items()]
        lines += [f"  API key of {name}: {secret}" for name, secret in self.api_keys.items()]
        return "\n".join(lines)


async def load_demo_data(service: ReferralService, *, now: datetime | None = None) -> DemoData:
    region = service.settings.region
    organisations = [
        Organisation(FRANCE_TRAVAIL_METZ, "France Travail Metz Borny", OrganisationKind.PRESCRIBER, region),
        Organisation(MISSION_LOCALE_NANCY, "Mission Locale de Nancy", OrganisationKind.PRESCRIBER, region),
        Organisation(LIRE_ENSEMBLE, "Association Lire Ensemble", OrganisationKind.OPERATOR, region),
    ]
    demo = DemoData(already_loaded=False)
    async with service.unit_of_work() as uow:
        if await uow.organisations.get(LIRE_ENSEMBLE) is not None:
            return DemoData(already_loaded=True)
        for organisation in organisations:
            await uow.organisations.add(organisation)
            demo.api_keys[organisation.name] = (
                await issue_api_key(uow.session, organisation.id, ALL_SCOPES)
            ).secret
        await publish_workshop(
            PublishWorkshop(
                workshop_id=WORKSHOP, operator_organisation_id=LIRE_ENSEMBLE, title="Première marche Metz"
            ),
            uow,
        )
        for session_id, starts_on, capacity in [
            (AUTUMN_SESSION, date(2026, 10, 5), 2),
            (WINTER_SESSION, date(2027, 1, 11), 12),
        ]:
            await publish_session(
                PublishSession(
                    session_id=session_id,
                    workshop_id=WORKSHOP,
                    operator_organisation_id=LIRE_ENSEMBLE,
                    starts_on=starts_on,
                    ends_on=starts_on + timedelta(weeks=8),
                    venue="Médiathèque Jean-Macé, Metz",
                    capacity=capacity,
                ),
                uow,
            )
        await uow.commit()

    clock = (now or datetime.now(UTC)) - timedelta(days=7)
    for index, ((given, family, born), step) in enumerate(zip(_PERSONS, _STEPS, strict=True)):
        clock += timedelta(hours=1)
        referral_id = UUID(f"0a0d0e00-0000-4000-8000-0000000001{index:02d}")
        prescriber = FRANCE_TRAVAIL_METZ if index % 2 == 0 else MISSION_LOCALE_NANCY
        person = Person(
            id=UUID(f"0a0d0e00-0000-4000-8000-0000000002{index:02d}"),
            identity=Identity(given, family, born),
            contact=ContactDetails(phone=f"06 00 00 00 {index:02d}"),
            contact_preference=ContactPreference.SMS,
        )
        async with service.unit_of_work() as uow:
            await submit_referral(
                SubmitReferral(
                    referral_id=referral_id,
                    prescriber_organisation_id=prescriber,
                    operator_organisation_id=LIRE_ENSEMBLE,
                    workshop_id=WORKSHOP,
                    at=clock,
                    new_person=person,
                ),
                uow,
                service.settings.answer_clock,
            )
            await _take_steps(uow, referral_id, step, clock)
            await uow.commit()
        demo.referrals[str(referral_id)] = step
    return demo


async def _take_steps(uow: UnitOfWork, referral_id: UUID, step: str, at: datetime) -> None:
    operator, later = LIRE_ENSEMBLE, [at + timedelta(minutes=minutes) for minutes in range(1, 4)]
    if step == "sent":
        return
    if step == "under_review":
        await answer.mark_under_review(
            answer.MarkUnderReview(referral_id=referral_id, operator_organisation_id=operator, at=later[0]),
            uow,
        )
        return
    if step == "rejected":
        rejection = answer.RejectReferral(
            referral_id=referral_id,
            operator_organisation_id=operator,
            at=later[0],
            reason=RejectionReason.NOT_IN_TARGET_PUBLIC,
            message_for_prescriber="Un cours de français langue étrangère lui conviendrait mieux.",
        )
        await answer.reject_referral(rejection, uow)
        return
    await answer.accept_referral(
        answer.AcceptReferral(referral_id=referral_id, operator_organisation_id=operator, at=later[0]), uow
    )
    if step == "waitlisted":
        waiting = placing.MoveToWaitingList(
            referral_id=referral_id, operator_organisation_id=operator, at=later[1]
        )
        await placing.move_to_waiting_list(waiting, uow)
        return
    session = WINTER_SESSION if step == "scheduled" else AUTUMN_SESSION
    placement = placing.PlaceOnSession(
        referral_id=referral_id, session_id=session, operator_organisation_id=operator, at=later[1]
    )
    await placing.place_on_session(placement, uow)
    if step == "started":
        attendance = follow.RecordAttendance(
            referral_id=referral_id,
            operator_organisation_id=operator,
            at=later[2],
            sitting_on=date(2026, 10, 5),
            attendance=AttendanceStatus.PRESENT,
        )
        await follow.record_attendance(attendance, uow)
