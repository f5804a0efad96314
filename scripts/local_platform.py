"""`make up` / `make down`: the whole platform on this machine, with demo data, without Docker.

up: the local Kafka broker and PostgreSQL server (devstack), one database per service, the region's
topics, migrations, a stand-in identity provider, the three services as background processes, then the
demo pathways (demo_pathways.py). caseworker-token: a token to read them with through the caseworker API;
coordinator-token: one to read the region's indicators with.
"""

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.error import URLError

import asyncpg
from demo_pathways import DemoTarget, load_demo
from demo_subscriptions import subscribe_demo_organisations
from dev_identity import DevIdentityProvider
from sqlalchemy import make_url

from devstack.detached_launch import launch_detached
from devstack.locations import find_repository_root, stack_home
from devstack.process_identity import ProcessIdentity, identify, is_running, terminate
from event_contracts.topics import topics_for_region
from pathway.entrypoints.demo_pathways import REGIONAL_COORDINATOR, STARTED
from referral.entrypoints.demo_data import LIRE_ENSEMBLE
from service_kit.provisioning import provision_region_topics

REGION = "grand-est"
KAFKA_VARIABLE = "PM_KAFKA_BOOTSTRAP_SERVERS"
DATABASE_VARIABLE = "PM_DATABASE_URL"
READY_TIMEOUT_SECONDS = 90
IDENTITY_PROVIDER = "identity-provider"
WEBHOOK_RECEIVER = "webhook-receiver"
SMTP_SINK = "smtp-sink"
WEBHOOK_RECEIVER_PORT = 8190
SMTP_SINK_PORT = 1025  # the notification service's default SMTP port
CASEWORKER_ROLES = ("operator_staff",)
COORDINATOR_ROLES = ("regional_coordinator",)


@dataclass(frozen=True)
class Service:
    name: str
    port: int

    @property
    def prefix(self) -> str:
        return f"{self.name.upper()}_"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


SERVICES = (Service("referral", 8001), Service("pathway", 8002), Service("notification", 8003))


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def state_file() -> Path:
    return stack_home() / "platform.json"


def stack_started_marker() -> Path:
    """Present when `up` started the local Kafka and PostgreSQL, which `down` then stops; a stack that
    was already running (a test session's, say) is left running."""
    return stack_home() / "platform-started-the-stack"


def deliveries() -> Path:
    """Where the local receiver and sink put what the notification service delivers."""
    return stack_home() / "deliveries"


def identity_provider() -> DevIdentityProvider:
    return DevIdentityProvider(stack_home() / "identity")


def infrastructure_urls() -> tuple[str, str]:
    """The broker and database given in the environment, else the local stack (started if needed)."""
    if os.environ.get(KAFKA_VARIABLE) and os.environ.get(DATABASE_VARIABLE):
        return os.environ[KAFKA_VARIABLE], os.environ[DATABASE_VARIABLE]
    started = subprocess.run(["devstack", "up"], check=True, capture_output=True, text=True).stdout
    say(started.strip())
    if "nothing to start" not in started:
        stack_started_marker().touch()
    exports = subprocess.run(["devstack", "env"], check=True, capture_output=True, text=True).stdout
    values = dict(line.removeprefix("export ").split("=", 1) for line in exports.splitlines() if "=" in line)
    return values[KAFKA_VARIABLE], values[DATABASE_VARIABLE]


async def create_databases(admin_url: str) -> dict[str, str]:
    connection = await asyncpg.connect(admin_url)
    try:
        existing = {row["datname"] for row in await connection.fetch("SELECT datname FROM pg_database")}
        for service in SERVICES:
            if service.name not in existing:
                await connection.execute(f'CREATE DATABASE "{service.name}"')
    finally:
        await connection.close()
    base = make_url(admin_url).set(drivername="postgresql+asyncpg")
    return {s.name: base.set(database=s.name).render_as_string(hide_password=False) for s in SERVICES}


def service_env(service: Service, kafka: str, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        f"{service.prefix}REGION": REGION,
        f"{service.prefix}KAFKA_BOOTSTRAP_SERVERS": kafka,
        f"{service.prefix}DATABASE_URL": database_url,
        f"{service.prefix}HTTP_PORT": str(service.port),
        **(identity_provider().pathway_env() if service.name == "pathway" else {}),
        # The demo's webhook receiver listens on loopback, which production refuses.
        **(
            {f"{service.prefix}WEBHOOK_ALLOWED_NETWORKS": '["127.0.0.0/8"]'}
            if service.name == "notification"
            else {}
        ),
    }


def ready(service: Service) -> bool:
    try:
        with urllib.request.urlopen(f"{service.url}/health/ready", timeout=2) as answer:
            return bool(answer.status == 200)
    except (URLError, OSError):
        return False


def recorded() -> dict[str, ProcessIdentity]:
    if not state_file().exists():
        return {}
    data = json.loads(state_file().read_text())
    return {name: ProcessIdentity.from_json(identity) for name, identity in data.items()}


def start_identity_provider(running: dict[str, ProcessIdentity], logs: Path) -> None:
    provider = identity_provider()
    provider.ensure_keys()
    if IDENTITY_PROVIDER in running:
        say(f"  {IDENTITY_PROVIDER}: already running (pid {running[IDENTITY_PROVIDER].pid})")
        return
    pid = launch_detached(provider.serve_command(), logs / f"{IDENTITY_PROVIDER}.log", provider.published)
    identity = identify(pid, "-m http.server")
    if identity is None:
        raise SystemExit(f"the identity provider exited at once; see {logs / IDENTITY_PROVIDER}.log")
    running[IDENTITY_PROVIDER] = identity
    say(f"  {IDENTITY_PROVIDER}: started (pid {pid}), keys at {provider.jwks_url}")


def start_receivers(running: dict[str, ProcessIdentity], logs: Path) -> None:
    """A partner's webhook receiver and a mail server, both local, so that deliveries can be seen."""
    folder = deliveries()
    folder.mkdir(parents=True, exist_ok=True)
    script = str(find_repository_root() / "scripts" / "local_receivers.py")
    commands = {
        WEBHOOK_RECEIVER: [
            "webhooks",
            "--port",
            str(WEBHOOK_RECEIVER_PORT),
            "--secrets-file",
            str(folder / "webhook-secrets.json"),
            "--log",
            str(folder / "webhooks.log"),
        ],
        SMTP_SINK: [
            "smtp",
            "--port",
            str(SMTP_SINK_PORT),
            "--folder",
            str(folder / "mail"),
            "--log",
            str(folder / "mail.log"),
        ],
    }
    for name, arguments in commands.items():
        if name in running:
            say(f"  {name}: already running (pid {running[name].pid})")
            continue
        pid = launch_detached(
            [sys.executable, script, *arguments], logs / f"{name}.log", find_repository_root()
        )
        identity = identify(pid, f"local_receivers.py {arguments[0]}")
        if identity is None:
            raise SystemExit(f"{name} exited at once; see {logs / name}.log")
        running[name] = identity
        say(f"  {name}: started (pid {pid})")


def start_services(kafka: str, databases: dict[str, str]) -> None:
    running = {name: identity for name, identity in recorded().items() if is_running(identity)}
    logs = stack_home() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    start_identity_provider(running, logs)
    start_receivers(running, logs)
    for service in SERVICES:
        if service.name in running:
            say(f"  {service.name}: already running (pid {running[service.name].pid})")
            continue
        env = service_env(service, kafka, databases[service.name])
        subprocess.run([sys.executable, "-m", service.name, "migrate"], env=env, check=True)
        marker = f"-m {service.name} serve"
        pid = launch_detached(
            [sys.executable, "-m", service.name, "serve"],
            logs / f"{service.name}.log",
            find_repository_root(),
            env,
        )
        identity = identify(pid, marker)
        if identity is None:
            raise SystemExit(f"{service.name} exited at once; see {logs / service.name}.log")
        running[service.name] = identity
        say(f"  {service.name}: started (pid {pid}), log {logs / service.name}.log")
    state_file().write_text(json.dumps({name: identity.to_json() for name, identity in running.items()}))
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    for service in SERVICES:
        while not ready(service):
            if time.monotonic() > deadline:
                raise SystemExit(f"{service.name} is not ready after {READY_TIMEOUT_SECONDS} s; see its log")
            time.sleep(0.3)


def load_demo_data(kafka: str, databases: dict[str, str]) -> None:
    """Each service loads its own demo data through its own doors, so the events flow as in real use;
    the subscriptions come first, so that the demo's events are delivered."""
    notification = next(service for service in SERVICES if service.name == "notification")
    subscribed = subscribe_demo_organisations(
        notification.url,
        service_env(notification, kafka, databases["notification"]),
        f"http://127.0.0.1:{WEBHOOK_RECEIVER_PORT}",
        deliveries() / "webhook-secrets.json",
    )
    for line in subscribed:
        say(f"  {line}")
    pathway = next(service for service in SERVICES if service.name == "pathway")
    load_demo(DemoTarget(REGION, kafka, databases["referral"], databases["pathway"], pathway.url))


def caseworker_token() -> None:
    """A staff member of the demo workshop operator, which is in the care team of the demo persons."""
    say(identity_provider().caseworker_token(LIRE_ENSEMBLE, CASEWORKER_ROLES))


def coordinator_token() -> None:
    """A regional coordinator of the organisation the demo registers as the region's coordinator."""
    say(identity_provider().caseworker_token(REGIONAL_COORDINATOR.organisation_id, COORDINATOR_ROLES))


def up() -> None:
    started = time.monotonic()
    kafka, admin_url = infrastructure_urls()
    databases = asyncio.run(create_databases(admin_url))
    created = asyncio.run(provision_region_topics(kafka, REGION))
    say(f"topics of {REGION}: {len(created)} created")
    start_services(kafka, databases)
    load_demo_data(kafka, databases)
    say(f"\nthe platform is up in {time.monotonic() - started:.1f} s. Where to look:")
    for service in SERVICES:
        say(f"  {service.name:<13} {service.url}/health/ready   {service.url}/metrics   {service.url}/docs")
    pathway_db = make_url(databases["pathway"]).set(drivername="postgresql").render_as_string(False)
    say(f"  timelines     psql '{pathway_db}' -c 'SELECT person_id, seq, event_type FROM timeline_entries'")
    pathway = next(service for service in SERVICES if service.name == "pathway")
    say("  a pathway     as a caseworker of the demo workshop operator (a token valid 12 h):")
    say("                TOKEN=$(uv run python scripts/local_platform.py caseworker-token)")
    for route in ("pathway", "timeline"):
        say(
            f'                curl -s -H "Authorization: Bearer $TOKEN" '
            f"'{pathway.url}/persons/{STARTED}/{route}?purpose=follow_up'"
        )
    say("  indicators    as the regional coordinator (counts of fewer than 11 persons are withheld: null):")
    say("                TOKEN=$(uv run python scripts/local_platform.py coordinator-token)")
    say(f'                curl -s -H "Authorization: Bearer $TOKEN" {pathway.url}/indicators')
    say(
        f"  webhooks      tail -f {deliveries() / 'webhooks.log'}   (each checked with its endpoint's secret)"
    )
    say(f"  e-mails       ls {deliveries() / 'mail'}   (the local SMTP sink on 127.0.0.1:{SMTP_SINK_PORT})")
    say(f"  Kafka         {kafka} (topics {', '.join(topics_for_region(REGION).all())})")
    say("  stop with     make down")


def down() -> None:
    services = recorded()
    terminate(list(services.values()))
    state_file().unlink(missing_ok=True)
    say(f"services stopped: {', '.join(services) or 'none were running'}")
    if stack_started_marker().exists():
        subprocess.run(["devstack", "stop"], check=True)
        stack_started_marker().unlink()
    elif not os.environ.get(KAFKA_VARIABLE):
        say("the local Kafka and PostgreSQL were running before `make up`: left running (`make stack-down`)")


def status() -> None:
    for service in SERVICES:
        identity = recorded().get(service.name)
        state = "running" if identity and is_running(identity) else "stopped"
        say(f"  {service.name:<13} {state:<8} {'ready' if ready(service) else 'not ready'}  {service.url}")
    for helper in (IDENTITY_PROVIDER, WEBHOOK_RECEIVER, SMTP_SINK):
        identity = recorded().get(helper)
        say(f"  {helper:<17} {'running' if identity and is_running(identity) else 'stopped'}")
    subprocess.run(["devstack", "status"], check=False)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("command", choices=["up", "down", "status", "caseworker-token", "coordinator-token"])
    args = parser.parse_args(argv)
    commands = {
        "up": up,
        "down": down,
        "status": status,
        "caseworker-token": caseworker_token,
        "coordinator-token": coordinator_token,
    }
    commands[args.command]()


if __name__ == "__main__":
    main()
