"""E-mails go out through a real SMTP server (aiosmtpd on 127.0.0.1), in French and in plain language."""

import shutil
import ssl
from datetime import datetime
from email.message import EmailMessage
from pathlib import Path

import pytest
from notification_local_smtp import local_smtp_server, self_signed_certificate

from notification.adapters.smtp_mailer import EmailNotSentError, SmtpMailer, SmtpServer
from notification.domain.messages import referral_refused, session_reminder
from notification.domain.plain_language import plain_language_issues

SENDER = "Première marche <ne-pas-repondre@premiere-marche.example>"
RECIPIENT = "camille.exemple@example.org"
REMINDER = session_reminder(datetime(2026, 3, 3, 9, 30), place="4 rue Haute, Lunéville")


def parts_of(message: EmailMessage) -> tuple[str, str]:
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert isinstance(text, EmailMessage)
    assert isinstance(html, EmailMessage)
    return text.get_content(), html.get_content()


async def test_a_reminder_arrives_with_its_subject_a_text_part_and_an_html_part() -> None:
    with local_smtp_server() as smtp:
        mailer = SmtpMailer(SmtpServer(host="127.0.0.1", port=smtp.port, sender=SENDER, starttls=False))

        await mailer.send(RECIPIENT, REMINDER)

    [mail] = smtp.catcher.mails
    text, html = parts_of(mail.message)
    assert mail.envelope_to == [RECIPIENT]
    assert mail.envelope_from == "ne-pas-repondre@premiere-marche.example"
    assert mail.message["Subject"] == "Votre atelier, c'est demain"
    assert mail.message["Auto-Submitted"] == "auto-generated"
    assert mail.message.get_content_type() == "multipart/alternative"
    assert "Votre atelier a lieu demain, mardi 3 mars à 9 h 30." in text
    assert "<p>Votre atelier a lieu demain, mardi 3 mars à 9 h 30.</p>" in html
    assert plain_language_issues(text) == []
    assert plain_language_issues(mail.message["Subject"]) == []


async def test_a_refusal_e_mail_never_uses_a_word_that_labels_the_person() -> None:
    with local_smtp_server() as smtp:
        mailer = SmtpMailer(SmtpServer(host="127.0.0.1", port=smtp.port, sender=SENDER, starttls=False))

        await mailer.send(RECIPIENT, referral_refused("not_in_target_public"))

    [mail] = smtp.catcher.mails
    text, html = parts_of(mail.message)
    for part in (text, html):
        assert "illettr" not in part.lower()
        assert "analphab" not in part.lower()
    assert {issue.rule for issue in plain_language_issues(text)} == set()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
async def test_with_starttls_and_authentication_the_mail_goes_through_an_encrypted_authenticated_session(
    tmp_path: Path,
) -> None:
    certificate, key = self_signed_certificate(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(certificate, key)

    with local_smtp_server(tls_context=server_tls, credentials=("notification", "s3cret")) as smtp:
        mailer = SmtpMailer(
            SmtpServer(
                host="127.0.0.1",
                port=smtp.port,
                sender=SENDER,
                starttls=True,
                username="notification",
                password="s3cret",
                ca_file=str(certificate),
            )
        )

        await mailer.send(RECIPIENT, REMINDER)

    assert smtp.catcher.authenticated_as == ["notification"]
    assert len(smtp.catcher.mails) == 1


@pytest.mark.skipif(shutil.which("openssl") is None, reason="needs the openssl command to make a certificate")
async def test_a_wrong_password_is_a_permanent_failure_that_does_not_quote_the_recipient(
    tmp_path: Path,
) -> None:
    certificate, key = self_signed_certificate(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(certificate, key)

    with local_smtp_server(tls_context=server_tls, credentials=("notification", "s3cret")) as smtp:
        mailer = SmtpMailer(
            SmtpServer(
                host="127.0.0.1",
                port=smtp.port,
                sender=SENDER,
                username="notification",
                password="wrong",
                ca_file=str(certificate),
            )
        )

        with pytest.raises(EmailNotSentError) as failure:
            await mailer.send(RECIPIENT, REMINDER)

    assert failure.value.permanent
    assert RECIPIENT not in str(failure.value)
    assert smtp.catcher.mails == []


async def test_an_smtp_server_that_is_not_there_is_a_failure_worth_retrying() -> None:
    with local_smtp_server() as smtp:
        port = smtp.port
    mailer = SmtpMailer(
        SmtpServer(host="127.0.0.1", port=port, sender=SENDER, starttls=False, timeout_seconds=2)
    )

    with pytest.raises(EmailNotSentError) as failure:
        await mailer.send(RECIPIENT, REMINDER)

    assert not failure.value.permanent
