"""A timeline event as routing sees it: what it tells, how it changes the routing projection, and the
thin message every channel carries."""

from dataclasses import dataclass
from uuid import UUID

from notification.domain.routing import CareTeamMember, Happening, ReferralParties
from notification.domain.session_reminders import ReminderChange
from notification.domain.webhooks import WebhookMessage


@dataclass(frozen=True)
class MemberJoined:
    member: CareTeamMember


@dataclass(frozen=True)
class MemberLeft:
    organisation_id: UUID


ProjectionChange = MemberJoined | MemberLeft | ReferralParties


@dataclass(frozen=True)
class TimelineEvent:
    source: str
    id: UUID
    person_id: UUID
    happening: Happening
    projection_change: ProjectionChange | None
    message: WebhookMessage
    reminder_change: ReminderChange | None = None
