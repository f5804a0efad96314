"""`referral serve` runs the service; `referral migrate` brings its database to the latest schema."""

from collections.abc import Sequence

from referral.app import create_app
from referral.config import SERVICE_NAME, ReferralSettings
from service_kit.service_cli import run_service_cli

MIGRATIONS = "referral:migrations"


def main(argv: Sequence[str] | None = None) -> None:
    run_service_cli(SERVICE_NAME, ReferralSettings, create_app, migrations=MIGRATIONS, argv=argv)
