"""API keys of partner organisations: issued once in clear, stored as a hash, verified in constant time.

A key reads `pm_<key id>_<secret>`: the key id finds the row, the secret is checked against its hash.
"""

import hashlib
import hmac
import re
import secrets
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Final
from uuid import UUID

from sqlalchemy import (
    Column,
    DateTime,
    Index,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    Uuid,
    bindparam,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from service_kit.http.scopes import scopes_grant, validate_scope

API_KEYS_TABLE: Final = "api_keys"
API_KEY_PREFIX: Final = "pm"
KEY_ID_BYTES: Final = 8
SECRET_LENGTH: Final = 43  # 43 characters from 62 carry 256 bits
# last_used_at tells an operator whether a key is still in use; a write on every request would not add to it.
LAST_USE_RESOLUTION: Final = timedelta(minutes=1)

_SECRET_ALPHABET: Final = string.ascii_letters + string.digits
_PRESENTED_KEY: Final = re.compile(
    rf"{API_KEY_PREFIX}_(?P<key_id>[0-9a-f]{{{2 * KEY_ID_BYTES}}})_(?P<secret>[0-9A-Za-z]{{{SECRET_LENGTH}}})"
)


def define_api_keys_table(metadata: MetaData) -> Table:
    return Table(
        API_KEYS_TABLE,
        metadata,
        Column("key_id", String(2 * KEY_ID_BYTES), primary_key=True),
        Column("organisation_id", Uuid, nullable=False),
        Column("secret_sha256", LargeBinary(32), nullable=False),
        Column("scopes", ARRAY(Text), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("revoked_at", DateTime(timezone=True)),
        Column("last_used_at", DateTime(timezone=True)),
        Index(f"{API_KEYS_TABLE}_organisation", "organisation_id"),
    )


_api_keys = define_api_keys_table(MetaData())


# Read with the key, so that most requests skip the UPDATE; kept in the UPDATE for concurrent requests.
_USE_NOT_NOTED_LATELY: Final[ColumnElement[bool]] = or_(
    _api_keys.c.last_used_at.is_(None), _api_keys.c.last_used_at < func.now() - LAST_USE_RESOLUTION
)
# Built once: every request verifies a key, and a statement built per call costs more than its round trip.
_ACTIVE_KEY: Final = select(
    _api_keys.c.organisation_id,
    _api_keys.c.secret_sha256,
    _api_keys.c.scopes,
    _USE_NOT_NOTED_LATELY.label("note_use"),
).where(_api_keys.c.key_id == bindparam("presented_key_id"), _api_keys.c.revoked_at.is_(None))
_NOTE_USE: Final = (
    update(_api_keys)
    .where(_api_keys.c.key_id == bindparam("presented_key_id"), _USE_NOT_NOTED_LATELY)
    .values(last_used_at=func.now())
)


@dataclass(frozen=True)
class IssuedApiKey:
    """A new key. `secret` is the whole `pm_…` string, shown to the partner once and never stored."""

    key_id: str
    organisation_id: UUID
    scopes: frozenset[str]
    secret: str = field(repr=False)


@dataclass(frozen=True)
class AuthenticatedOrganisation:
    organisation_id: UUID
    scopes: frozenset[str]
    key_id: str

    def allows(self, scope: str) -> bool:
        return scopes_grant(self.scopes, scope)


def _secret_digest(secret: str) -> bytes:
    # A plain SHA-256 is enough: the secret is 256 random bits, so a stolen digest cannot be reversed by
    # guessing, however fast each guess is. Password hashes (argon2, bcrypt) are slow on purpose to protect
    # low-entropy human choices; here that slowness would buy nothing and cost every request.
    return hashlib.sha256(secret.encode("ascii")).digest()


async def issue_api_key(session: AsyncSession, organisation_id: UUID, scopes: Iterable[str]) -> IssuedApiKey:
    granted = frozenset(validate_scope(scope) for scope in scopes)
    key_id = secrets.token_hex(KEY_ID_BYTES)
    secret = "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(SECRET_LENGTH))
    await session.execute(
        _api_keys.insert().values(
            key_id=key_id,
            organisation_id=organisation_id,
            secret_sha256=_secret_digest(secret),
            scopes=sorted(granted),
        )
    )
    presented = f"{API_KEY_PREFIX}_{key_id}_{secret}"
    return IssuedApiKey(key_id=key_id, organisation_id=organisation_id, scopes=granted, secret=presented)


async def revoke_api_key(session: AsyncSession, key_id: str) -> bool:
    """True when the key was active and is now revoked; False when unknown or already revoked."""
    result = await session.execute(
        update(_api_keys)
        .where(_api_keys.c.key_id == key_id, _api_keys.c.revoked_at.is_(None))
        .values(revoked_at=func.now())
        .returning(_api_keys.c.key_id)
    )
    return result.scalar_one_or_none() is not None


async def verify_api_key(session: AsyncSession, presented: str) -> AuthenticatedOrganisation | None:
    """The organisation an active key belongs to, or None for a malformed, unknown or revoked key."""
    parts = _PRESENTED_KEY.fullmatch(presented)
    if parts is None:
        return None
    key_id = parts["key_id"]
    row = (await session.execute(_ACTIVE_KEY, {"presented_key_id": key_id})).one_or_none()
    if row is None or not hmac.compare_digest(row.secret_sha256, _secret_digest(parts["secret"])):
        return None
    if row.note_use:
        await _note_use(session, key_id)
    return AuthenticatedOrganisation(
        organisation_id=row.organisation_id, scopes=frozenset(row.scopes), key_id=key_id
    )


async def _note_use(session: AsyncSession, key_id: str) -> None:
    await session.execute(_NOTE_USE, {"presented_key_id": key_id})
