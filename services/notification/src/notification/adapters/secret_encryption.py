"""Webhook secrets at rest. We sign with them, so they must come back: each is encrypted with Fernet
(AES-128-CBC with an HMAC-SHA256 over it, so a changed row fails to decrypt rather than signing with a wrong
key) under the first configured key; every configured key decrypts, so a new key can be put first while rows
encrypted under the previous one keep working; `reencrypt` moves a stored secret under the first key, so
the previous one can then be retired."""

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from notification.domain.webhooks import SECRET_PREFIX, WebhookSecret


class UnreadableSecretError(Exception):
    """A stored secret was encrypted under none of the configured keys, or was altered."""


class WebhookSecretCipher:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._first = Fernet(keys[0])
        self._fernet = MultiFernet([Fernet(key) for key in keys])

    def encrypt(self, secret: WebhookSecret) -> str:
        return self._fernet.encrypt(secret.shared_form.encode()).decode()

    def decrypt(self, stored: str) -> WebhookSecret:
        """Also reads the clear `whsec_` form, which no Fernet token starts with: migration 0008 encrypts
        the rows it finds, but an instance of the previous version may still write one during a rollout."""
        if stored.startswith(SECRET_PREFIX):
            return WebhookSecret.parse(stored)
        try:
            return WebhookSecret.parse(self._fernet.decrypt(stored.encode()).decode())
        except InvalidToken:
            raise UnreadableSecretError(
                "a webhook secret is encrypted under none of the configured keys"
            ) from None

    def is_under_first_key(self, stored: str) -> bool:
        if stored.startswith(SECRET_PREFIX):
            return False
        try:
            self._first.decrypt(stored.encode())
        except InvalidToken:
            return False
        return True

    def reencrypt(self, stored: str) -> str:
        """The same secret under the first key, whichever key (or the clear form) it was read from."""
        return self.encrypt(self.decrypt(stored))
