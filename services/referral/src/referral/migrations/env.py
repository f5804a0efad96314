from referral.adapters.tables import metadata
from service_kit.migrations import run_migrations

run_migrations(metadata)
