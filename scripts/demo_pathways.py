"""The demo data of `make up`, service by service, so that the events flow as in real use:

1. `referral demo-data`: organisations, a workshop, six referrals in six states (their events reach the
   pathway assembler through the referral outbox);
2. a referent adds the pathway demo's partners to three persons' care teams, in the referral service
   (which has no route for it yet, hence its domain and unit of work here), published through its outbox;
3. `pathway demo-data`: the partners register, then speak about those persons over HTTP and Kafka.
"""

import asyncio
import os
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from pathway.entrypoints.demo_pathways import CARE_TEAMS, JOINED_DAYS_AGO, PARTNERS
from referral.bootstrap import bootstrap
from referral.config import ReferralSettings
from referral.domain.codes import CareTeamJoinReason, OrganisationKind
from referral.domain.organisation import Organisation


@dataclass(frozen=True)
class DemoTarget:
    region: str
    kafka_bootstrap_servers: str
    referral_database_url: str
    pathway_database_url: str
    pathway_url: str

    def env(self, service: str, database_url: str) -> dict[str, str]:
        prefix = service.upper()
        return {
            **os.environ,
            f"{prefix}_REGION": self.region,
            f"{prefix}_KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap_servers,
            f"{prefix}_DATABASE_URL": database_url,
        }


async def add_demo_partners_to_care_teams(settings: ReferralSettings, at: datetime) -> int:
    """What a referent would do for each person; how many memberships were added (0 the second time)."""
    service = bootstrap(settings)
    added = 0
    try:
        async with service.unit_of_work() as uow:
            for partner in PARTNERS:
                if await uow.organisations.get(partner.organisation_id) is None:
                    kind = OrganisationKind(partner.kind.value)
                    await uow.organisations.add(
                        Organisation(partner.organisation_id, partner.name, kind, settings.region)
                    )
            for person, partners in CARE_TEAMS.items():
                care_team = await uow.care_teams.get(person, lock=True)
                for partner in partners:
                    if not care_team.is_followed_by(partner.organisation_id):
                        care_team.add(
                            organisation_id=partner.organisation_id,
                            organisation_kind=OrganisationKind(partner.kind.value),
                            reason=CareTeamJoinReason.ADDED_BY_REFERENT,
                            at=at,
                        )
                        added += 1
                await uow.care_teams.save(care_team)
            await uow.commit()
    finally:
        await service.engine.dispose()
    return added


def load_demo(target: DemoTarget) -> None:
    referral_env = target.env("referral", target.referral_database_url)
    subprocess.run([sys.executable, "-m", "referral", "demo-data"], env=referral_env, check=True)
    referral_settings = ReferralSettings(
        region=target.region,
        kafka_bootstrap_servers=target.kafka_bootstrap_servers,
        database_url=target.referral_database_url,
    )
    joined_at = datetime.now(UTC) - timedelta(days=JOINED_DAYS_AGO)
    asyncio.run(add_demo_partners_to_care_teams(referral_settings, joined_at))
    pathway_env = target.env("pathway", target.pathway_database_url)
    command = [sys.executable, "-m", "pathway", "demo-data", "--api-url", target.pathway_url]
    subprocess.run(command, env=pathway_env, check=True)
