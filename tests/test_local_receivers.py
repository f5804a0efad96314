"""`make up`'s stand-in webhook receiver and SMTP sink: a delivery signed with an endpoint's secret is
verified by the official `standardwebhooks` library and logged, a tampered one refused; e-mails are kept."""

import asyncio
import importlib.util
import json
import smtplib
from collections.abc import Callable
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from types import ModuleType

import aiohttp
from aiohttp import web
from service_process import free_port
from standardwebhooks import Webhook

from devstack.eventually import eventually

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


def load_receivers() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "scripts" / "local_receivers.py"
    spec = importlib.util.spec_from_file_location("local_receivers", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def log_lines(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


async def test_a_signed_delivery_is_verified_and_a_tampered_one_refused(tmp_path: Path) -> None:
    receivers = load_receivers()
    secrets_file, log = tmp_path / "secrets.json", tmp_path / "webhooks.log"
    secrets_file.write_text(json.dumps({"/hooks/prescriber": [SECRET]}))
    runner = web.AppRunner(receivers.webhook_receiver(secrets_file, log))
    await runner.setup()
    port = free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    body = json.dumps({"type": "fr.premiere-marche.pathway.stage_changed", "subject": "p-1"})
    signed_at = datetime.now(UTC)
    signature = Webhook(SECRET).sign("msg_1", signed_at, body)
    headers = {
        "webhook-id": "msg_1",
        "webhook-timestamp": str(int(signed_at.timestamp())),
        "webhook-signature": signature,
    }
    try:
        async with aiohttp.ClientSession() as client:
            url = f"http://127.0.0.1:{port}/hooks/prescriber"
            async with client.post(url, data=body, headers=headers) as good:
                good_status = good.status
            async with client.post(url, data=body.replace("p-1", "p-2"), headers=headers) as tampered:
                tampered_status = tampered.status
    finally:
        await runner.cleanup()

    assert (good_status, tampered_status) == (204, 401)
    assert [(line["verified"], line["type"], line["subject"]) for line in log_lines(log)] == [
        (True, "fr.premiere-marche.pathway.stage_changed", "p-1"),
        (False, None, None),
    ]


async def test_an_email_is_kept_whole_and_logged(tmp_path: Path) -> None:
    receivers = load_receivers()
    folder, log, port = tmp_path / "mail", tmp_path / "mail.log", free_port()
    sink = asyncio.create_task(receivers.serve_smtp(port, folder, log))
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "a@example.org", "b@example.org", "Votre atelier"
    message.set_content("Votre atelier commence mardi 3 mars à 9 h 30.")

    def send() -> None:
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as server:
            server.send_message(message)

    try:
        await eventually(lambda: asyncio.to_thread(_sends, send), lambda sent: sent)
        lines = await eventually(lambda: asyncio.to_thread(log_lines, log), lambda found: len(found) == 1)
    finally:
        sink.cancel()

    kept = await asyncio.to_thread(Path(str(lines[0]["file"])).read_text)
    assert lines[0]["subject"] == "Votre atelier"
    assert "mardi 3 mars" in kept


def _sends(send: Callable[[], None]) -> bool:
    """Whether the sink took the e-mail; it may still be starting."""
    try:
        send()
    except OSError:
        return False
    return True
