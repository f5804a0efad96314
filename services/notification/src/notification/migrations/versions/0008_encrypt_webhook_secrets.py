"""Webhook secrets encrypted at rest.

PostgreSQL has no Fernet, so this cannot be done in SQL; it is done here in Python, row by row, with the
keys of the settings the `migrate` command runs with (the migration Job gets the same Secrets as the
service). It encrypts only the entries still in the clear `whsec_` form, so running it over rows the new
code already wrote changes nothing. The code reads both forms as well (see
`adapters/secret_encryption.py`), for rows an instance of the previous version writes during a rollout.
An offline (`--sql`) script cannot encrypt: run this revision online.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import context, op
from cryptography.fernet import Fernet, MultiFernet
from sqlalchemy.dialects import postgresql

from notification.config import NotificationSettings

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLEAR_PREFIX = "whsec_"
endpoints = sa.table(
    "webhook_endpoints",
    sa.column("id", sa.Uuid()),
    sa.column("secrets", postgresql.ARRAY(sa.Text())),
)


def upgrade() -> None:
    if context.is_offline_mode():
        return
    fernet = _configured_fernet()
    _rewrite_secrets(
        lambda stored: fernet.encrypt(stored.encode()).decode() if stored.startswith(CLEAR_PREFIX) else stored
    )


def downgrade() -> None:
    if context.is_offline_mode():
        return
    fernet = _configured_fernet()
    _rewrite_secrets(
        lambda stored: stored if stored.startswith(CLEAR_PREFIX) else fernet.decrypt(stored.encode()).decode()
    )


def _configured_fernet() -> MultiFernet:
    keys = NotificationSettings().secrets_encryption_key_list
    return MultiFernet([Fernet(key) for key in keys])


def _rewrite_secrets(rewrite: Callable[[str], str]) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(endpoints.c.id, endpoints.c.secrets).with_for_update()).all()
    for endpoint_id, secrets in rows:
        rewritten = [rewrite(stored) for stored in secrets]
        if rewritten != list(secrets):
            connection.execute(
                sa.update(endpoints).where(endpoints.c.id == endpoint_id).values(secrets=rewritten)
            )
