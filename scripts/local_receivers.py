"""Stand-ins for partners' and persons' ends, so that `make up` shows deliveries arriving (development only).

webhooks: an HTTP receiver that checks each delivery's Standard Webhooks signature with the official
`standardwebhooks` library, against the secrets in a JSON file (endpoint path → secrets, written when
`make up` registers the endpoints), and writes one JSON line per delivery.
smtp: an SMTP server that keeps each e-mail as a `.eml` file and writes one line per e-mail.
"""

import argparse
import asyncio
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiohttp import web
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError


def log_line(log: Path, fields: dict[str, Any]) -> None:
    with log.open("a") as file:
        file.write(json.dumps({"at": datetime.now(UTC).isoformat(), **fields}) + "\n")


def record_delivery(path: str, headers: dict[str, str], body: bytes, secrets_file: Path, log: Path) -> bool:
    """Whether one of the path's secrets signed the delivery; either way, one line in the log."""
    secrets = json.loads(secrets_file.read_text()) if secrets_file.exists() else {}
    verified = False
    for secret in secrets.get(path, []):
        try:
            Webhook(secret).verify(body, headers)
        except WebhookVerificationError:
            continue
        verified = True
        break
    event = json.loads(body) if verified else {}
    log_line(
        log,
        {
            "path": path,
            "webhook_id": headers.get("webhook-id"),
            "verified": verified,
            "type": event.get("type"),
            "subject": event.get("subject"),
        },
    )
    return verified


def webhook_receiver(secrets_file: Path, log: Path) -> web.Application:
    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        headers = {name.lower(): value for name, value in request.headers.items()}
        verified = await asyncio.to_thread(record_delivery, request.path, headers, body, secrets_file, log)
        return web.Response(status=204 if verified else 401)

    app = web.Application()
    app.router.add_post("/{tail:.*}", receive)
    return app


class MailSink:
    def __init__(self, folder: Path, log: Path) -> None:
        self._folder = folder
        self._log = log

    async def handle_DATA(self, _server: SMTP, _session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        await asyncio.to_thread(self._keep, envelope.original_content or b"")
        return "250 kept"

    def _keep(self, content: bytes) -> None:
        message = message_from_bytes(content, policy=policy.default)
        self._folder.mkdir(parents=True, exist_ok=True)
        kept = self._folder / f"{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%f')}.eml"
        kept.write_bytes(content)
        log_line(self._log, {"file": str(kept), "subject": str(message["subject"])})


async def serve_webhooks(port: int, secrets_file: Path, log: Path) -> None:
    runner = web.AppRunner(webhook_receiver(secrets_file, log))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    await asyncio.Event().wait()


async def serve_smtp(port: int, folder: Path, log: Path) -> None:
    controller = Controller(MailSink(folder, log), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        await asyncio.Event().wait()
    finally:
        controller.stop()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    webhooks = commands.add_parser("webhooks")
    webhooks.add_argument("--port", type=int, required=True)
    webhooks.add_argument("--secrets-file", type=Path, required=True)
    webhooks.add_argument("--log", type=Path, required=True)
    smtp = commands.add_parser("smtp")
    smtp.add_argument("--port", type=int, required=True)
    smtp.add_argument("--folder", type=Path, required=True)
    smtp.add_argument("--log", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "webhooks":
        asyncio.run(serve_webhooks(args.port, args.secrets_file, args.log))
    else:
        asyncio.run(serve_smtp(args.port, args.folder, args.log))


if __name__ == "__main__":
    main()
