import pytest
from cryptography.fernet import Fernet

from notification.adapters.secret_encryption import UnreadableSecretError, WebhookSecretCipher
from notification.domain.webhooks import WebhookSecret


def test_an_encrypted_secret_shows_neither_its_shared_form_nor_its_key_and_decrypts_back() -> None:
    cipher = WebhookSecretCipher([Fernet.generate_key().decode()])
    secret = WebhookSecret.generate()

    stored = cipher.encrypt(secret)

    assert secret.shared_form not in stored
    assert secret.shared_form.removeprefix("whsec_") not in stored
    assert cipher.decrypt(stored) == secret


def test_the_same_secret_encrypts_differently_each_time() -> None:
    cipher = WebhookSecretCipher([Fernet.generate_key().decode()])
    secret = WebhookSecret.generate()

    assert cipher.encrypt(secret) != cipher.encrypt(secret)


def test_after_a_new_key_is_put_first_secrets_under_the_old_key_still_decrypt() -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    secret = WebhookSecret.generate()
    under_old_key = WebhookSecretCipher([old_key]).encrypt(secret)
    rotated = WebhookSecretCipher([new_key, old_key])

    under_new_key = rotated.encrypt(secret)

    assert rotated.decrypt(under_old_key) == secret
    assert WebhookSecretCipher([new_key]).decrypt(under_new_key) == secret, "the first key encrypts"


def test_a_secret_under_a_key_no_longer_configured_is_refused_without_showing_it() -> None:
    secret = WebhookSecret.generate()
    stored = WebhookSecretCipher([Fernet.generate_key().decode()]).encrypt(secret)

    with pytest.raises(UnreadableSecretError) as refused:
        WebhookSecretCipher([Fernet.generate_key().decode()]).decrypt(stored)

    assert stored not in str(refused.value)
    assert secret.shared_form not in str(refused.value)


def test_an_altered_stored_secret_is_refused() -> None:
    cipher = WebhookSecretCipher([Fernet.generate_key().decode()])
    stored = cipher.encrypt(WebhookSecret.generate())
    altered = stored[:-6] + ("A" if stored[-6] != "A" else "B") + stored[-5:]

    with pytest.raises(UnreadableSecretError):
        cipher.decrypt(altered)


def test_a_secret_still_in_the_clear_form_reads_as_it_is() -> None:
    """Written by an instance of the previous version while the new one rolls out."""
    secret = WebhookSecret.generate()

    assert WebhookSecretCipher([Fernet.generate_key().decode()]).decrypt(secret.shared_form) == secret


def test_re_encryption_moves_a_secret_under_an_older_key_under_the_first_one() -> None:
    old_key, new_key = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    secret = WebhookSecret.generate()
    under_old_key = WebhookSecretCipher([old_key]).encrypt(secret)
    rotating = WebhookSecretCipher([new_key, old_key])

    moved = rotating.reencrypt(under_old_key)

    assert not rotating.is_under_first_key(under_old_key)
    assert rotating.is_under_first_key(moved)
    assert WebhookSecretCipher([new_key]).decrypt(moved) == secret


def test_re_encryption_encrypts_a_secret_still_in_the_clear() -> None:
    key = Fernet.generate_key().decode()
    cipher = WebhookSecretCipher([key])
    secret = WebhookSecret.generate()

    encrypted = cipher.reencrypt(secret.shared_form)

    assert not cipher.is_under_first_key(secret.shared_form)
    assert secret.shared_form.removeprefix("whsec_") not in encrypted
    assert WebhookSecretCipher([key]).decrypt(encrypted) == secret


def test_re_encryption_refuses_a_secret_under_none_of_the_keys_without_showing_it() -> None:
    stored = WebhookSecretCipher([Fernet.generate_key().decode()]).encrypt(WebhookSecret.generate())
    cipher = WebhookSecretCipher([Fernet.generate_key().decode()])

    with pytest.raises(UnreadableSecretError) as refused:
        cipher.reencrypt(stored)

    assert not cipher.is_under_first_key(stored)
    assert stored not in str(refused.value)
