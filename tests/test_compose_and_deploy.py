"""docker-compose.yml, the Dockerfiles and deploy/ agree with the code they run: settings, ports, topics."""

import glob
import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import SecretStr
from sqlalchemy import make_url

from event_contracts.topics import (
    DEFAULT_PARTITIONS,
    PRODUCTION_MIN_INSYNC_REPLICAS,
    PRODUCTION_REPLICATION_FACTOR,
    dead_letter_topic,
    topics_for_region,
)
from notification.config import NotificationSettings
from pathway.config import PathwaySettings
from referral.config import ReferralSettings
from service_kit.provisioning import region_topic_names
from service_kit.settings import ServiceSettings

ROOT = Path(__file__).resolve().parents[1]
REGION = "grand-est"
OVERLAY = ROOT / "deploy" / "overlays" / REGION
SETTINGS: dict[str, type[ServiceSettings]] = {
    "referral": ReferralSettings,
    "pathway": PathwaySettings,
    "notification": NotificationSettings,
}
ONE_SHOT = "service_completed_successfully"
Document = dict[str, Any]


def prefix_of(service: str) -> str:
    return str(SETTINGS[service].model_config["env_prefix"])


def default_port(service: str) -> int:
    port = SETTINGS[service].model_fields["http_port"].default
    assert isinstance(port, int)
    return port


def region_topics(region: str) -> set[str]:
    topics = topics_for_region(region).all()
    return {*topics, *(dead_letter_topic(topic) for topic in topics)}


def assert_pinned(image: str) -> None:
    name, _, tag = image.rpartition(":")
    assert name, f"{image} has no tag"
    assert "/" not in tag, f"{image} has no tag"
    assert tag != "latest", f"{image} is not pinned"


# --- docker-compose.yml ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def services() -> dict[str, Document]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return dict(compose["services"])


def built_from(definition: Document) -> str | None:
    """The workspace service whose Dockerfile builds this compose service's image, if any."""
    if "build" not in definition:
        return None
    match = re.fullmatch(r"services/([a-z]+)/Dockerfile", definition["build"]["dockerfile"])
    assert match is not None, definition["build"]
    return match.group(1)


def environment(definition: Document) -> dict[str, str]:
    variables = definition.get("environment") or {}
    if isinstance(variables, list):
        return dict(item.split("=", 1) for item in variables)
    return {key: str(value) for key, value in variables.items()}


def test_compose_runs_the_infrastructure_the_services_and_their_one_shots(
    services: dict[str, Document],
) -> None:
    migrations = {f"{service}-migrate" for service in SETTINGS}
    assert set(services) == {"kafka", "postgres", "provision-topics", *SETTINGS, *migrations}


def test_every_compose_service_is_healthchecked_or_a_one_shot_others_wait_for(
    services: dict[str, Document],
) -> None:
    awaited = {
        target
        for definition in services.values()
        for target, wait in definition.get("depends_on", {}).items()
        if wait["condition"] == ONE_SHOT
    }
    for name, definition in services.items():
        healthcheck = definition.get("healthcheck", {})
        if healthcheck.get("disable"):
            assert name in awaited, f"{name} has no healthcheck and nobody waits for it to finish"
            assert definition["restart"] == "no", name
        else:
            assert healthcheck.get("test"), f"{name} has no healthcheck"


def test_every_dependency_waits_on_a_condition_its_target_can_meet(services: dict[str, Document]) -> None:
    for name, definition in services.items():
        depends_on = definition.get("depends_on", {})
        assert isinstance(depends_on, dict), f"{name}: the list form of depends_on waits for nothing"
        for target, wait in depends_on.items():
            if wait.get("condition") == "service_healthy":
                assert services[target]["healthcheck"].get("test"), f"{name} waits on {target}"
            else:
                assert wait.get("condition") == ONE_SHOT, f"{name} → {target}: {wait}"
                assert services[target]["restart"] == "no", f"{name} waits for {target} to finish"


def test_every_compose_image_is_pinned(services: dict[str, Document]) -> None:
    for definition in services.values():
        assert_pinned(definition["image"])


def test_service_variables_are_fields_of_the_service_settings(services: dict[str, Document]) -> None:
    for name, definition in services.items():
        service = built_from(definition)
        if service is None:
            continue
        prefix, fields = prefix_of(service), SETTINGS[service].model_fields
        values = {}
        for key, value in environment(definition).items():
            assert key.startswith(prefix), f"{name}: {key} is not read by {service}"
            assert key.removeprefix(prefix).lower() in fields, f"{name}: {key} is no setting of {service}"
            values[key.removeprefix(prefix).lower()] = value
        SETTINGS[service].model_validate(values)  # the values themselves are valid settings


@pytest.mark.parametrize("service", SETTINGS)
def test_each_service_listens_on_its_default_port(services: dict[str, Document], service: str) -> None:
    definition, port, prefix = services[service], default_port(service), prefix_of(service)
    variables = environment(definition)

    assert variables[f"{prefix}HTTP_HOST"] == "0.0.0.0"
    assert variables[f"{prefix}HTTP_PORT"] == str(port)
    assert definition["ports"] == [f"{port}:{port}"]
    assert f"127.0.0.1:{port}/health/" in " ".join(definition["healthcheck"]["test"])


@pytest.mark.parametrize("service", SETTINGS)
def test_each_migration_runs_with_its_service_settings(services: dict[str, Document], service: str) -> None:
    migration = services[f"{service}-migrate"]

    assert migration["command"] == [service, "migrate"]
    assert environment(migration) == environment(services[service])
    assert services[service]["depends_on"][f"{service}-migrate"]["condition"] == ONE_SHOT


def test_each_service_has_a_database_of_its_own(services: dict[str, Document]) -> None:
    init_directory = "./deploy/compose/postgres-init"
    assert f"{init_directory}:/docker-entrypoint-initdb.d:ro" in services["postgres"]["volumes"]
    sql = "\n".join(script.read_text() for script in sorted((ROOT / init_directory).glob("*.sql")))
    passwords = dict(re.findall(r"CREATE ROLE (\w+) LOGIN PASSWORD '([^']*)'", sql))
    owners = dict(re.findall(r"CREATE DATABASE (\w+) OWNER (\w+)", sql))

    for service in SETTINGS:
        url = make_url(environment(services[service])[f"{prefix_of(service)}DATABASE_URL"])
        assert (url.drivername, url.host, url.port, url.database) == (
            "postgresql+asyncpg",
            "postgres",
            5432,
            service,
        )
        assert owners[service] == url.username
        assert passwords[url.username] == url.password


def test_topics_are_provisioned_for_the_region_the_services_run_in(services: dict[str, Document]) -> None:
    provisioning = services["provision-topics"]
    command = provisioning["command"]
    region = command[command.index("--region") + 1]
    bootstrap_servers = command[command.index("--bootstrap-servers") + 1]
    kafka = environment(services["kafka"])

    assert command[0] == "provision-region"
    assert built_from(provisioning) in SETTINGS  # an image of ours, which carries the kit's console script
    assert f"PLAINTEXT://{bootstrap_servers}" in kafka["KAFKA_ADVERTISED_LISTENERS"].split(",")
    assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert set(region_topic_names(region)) == region_topics(region)
    for service in SETTINGS:
        variables = environment(services[service])
        assert variables[f"{prefix_of(service)}REGION"] == region
        assert variables[f"{prefix_of(service)}KAFKA_BOOTSTRAP_SERVERS"] == bootstrap_servers
        assert services[service]["depends_on"]["provision-topics"]["condition"] == ONE_SHOT


# --- Dockerfiles ----------------------------------------------------------------------------------------


def dockerfile_instructions(service: str) -> list[tuple[str, str]]:
    path = ROOT / "services" / service / "Dockerfile"
    if not path.exists():
        pytest.skip(f"{path.relative_to(ROOT)} is not written yet")
    logical_lines = re.sub(r"\\\n", " ", path.read_text()).splitlines()
    return [
        (line.split(maxsplit=1)[0].upper(), line.split(maxsplit=1)[1].strip())
        for line in logical_lines
        if line.strip() and not line.lstrip().startswith("#")
    ]


def workspace_member_manifests() -> set[str]:
    root = tomllib.loads((ROOT / "pyproject.toml").read_text())
    members = root["tool"]["uv"]["workspace"]["members"]
    return {
        str(Path(directory).relative_to(ROOT) / "pyproject.toml")
        for member in members
        for directory in glob.glob(str(ROOT / member))
        if (Path(directory) / "pyproject.toml").exists()
    }


@pytest.mark.parametrize("service", SETTINGS)
def test_each_image_serves_unprivileged_and_checks_its_own_liveness(service: str) -> None:
    instructions = dockerfile_instructions(service)
    last = dict(instructions)  # the last of each instruction is the one in force
    user = last["USER"].split(":")[0]
    environment_lines = " ".join(arguments for keyword, arguments in instructions if keyword == "ENV")

    assert user.isdigit(), "a numeric user lets Kubernetes verify runAsNonRoot"
    assert user != "0"
    assert "/health/live" in last["HEALTHCHECK"]
    assert last["EXPOSE"] == str(default_port(service))
    assert last["CMD"] == f'["{service}", "serve"]'
    assert f"{prefix_of(service)}HTTP_HOST=0.0.0.0" in environment_lines


@pytest.mark.parametrize("service", SETTINGS)
def test_each_image_installs_its_package_from_the_lock_file(service: str) -> None:
    instructions = dockerfile_instructions(service)
    arguments = {
        name: default for name, _, default in (a.partition("=") for k, a in instructions if k == "ARG")
    }
    stages: set[str] = set()
    copied: set[str] = set()
    for keyword, argument in instructions:
        if keyword == "FROM":
            image, _, stage = argument.partition(" AS ")
            image = re.sub(r"\$\{(\w+)\}", lambda match: arguments[match.group(1)], image)
            if image not in stages:
                assert_pinned(image)
            stages.add(stage.strip())
        if keyword == "COPY" and "--from=" not in argument:
            copied.update(argument.split()[:-1])
    syncs = [argument for keyword, argument in instructions if keyword == "RUN" and "uv sync" in argument]

    assert syncs
    assert all("--frozen --no-dev" in sync and f"--package {service}" in sync for sync in syncs)
    assert workspace_member_manifests() <= copied, "uv reads every workspace member to sync one"
    assert all((ROOT / source).exists() for source in copied), copied


def test_the_build_context_leaves_out_environments_caches_and_history() -> None:
    ignored = set((ROOT / ".dockerignore").read_text().splitlines())
    assert {".git", "**/.venv", ".devstack", "**/__pycache__"} <= ignored


# --- deploy/ (kustomize) --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def base() -> list[Document]:
    directory = ROOT / "deploy" / "base"
    kustomization = yaml.safe_load((directory / "kustomization.yaml").read_text())
    return [
        document
        for resource in kustomization["resources"]
        for document in yaml.safe_load_all((directory / resource).read_text())
    ]


def of_kind(documents: list[Document], kind: str) -> dict[str, Document]:
    return {document["metadata"]["name"]: document for document in documents if document["kind"] == kind}


def workloads(documents: list[Document]) -> list[Document]:
    return [document for document in documents if document["kind"] in {"Deployment", "Job"}]


def test_every_workload_has_limits_and_runs_unprivileged(base: list[Document]) -> None:
    for workload in workloads(base):
        pod = workload["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True
        for container in pod["containers"]:
            security = container["securityContext"]
            assert security["allowPrivilegeEscalation"] is False
            assert security["readOnlyRootFilesystem"] is True
            assert security["capabilities"]["drop"] == ["ALL"]
            assert (
                set(container["resources"]["requests"])
                == set(container["resources"]["limits"])
                == {
                    "cpu",
                    "memory",
                }
            )
            assert_pinned(container["image"])


@pytest.mark.parametrize("service", SETTINGS)
def test_each_deployment_is_probed_on_its_settings_port(base: list[Document], service: str) -> None:
    (container,) = of_kind(base, "Deployment")[service]["spec"]["template"]["spec"]["containers"]
    service_ports = of_kind(base, "Service")[service]["spec"]["ports"]

    assert container["ports"] == [{"name": "http", "containerPort": default_port(service)}]
    assert container["readinessProbe"]["httpGet"] == {"path": "/health/ready", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/health/live", "port": "http"}
    assert service_ports == [{"name": "http", "port": default_port(service), "targetPort": "http"}]


def test_workload_variables_are_settings_fields_or_parts_of_them(base: list[Document]) -> None:
    for workload in workloads(base):
        service = workload["metadata"]["labels"]["app"]
        prefix, fields = prefix_of(service), SETTINGS[service].model_fields
        (container,) = workload["spec"]["template"]["spec"]["containers"]
        variables = {variable["name"]: variable for variable in container["env"]}
        values = " ".join(str(variable.get("value", "")) for variable in variables.values())
        for name in variables:
            if name.startswith(prefix):
                assert name.removeprefix(prefix).lower() in fields, f"{service}: {name}"
            else:
                assert f"$({name})" in values, f"{service}: {name} is neither a setting nor used by one"
        assert variables[f"{prefix}ENVIRONMENT"]["value"] == "production"
        assert variables[f"{prefix}HTTP_PORT"]["value"] == str(default_port(service))


def test_every_secret_setting_of_a_workload_comes_from_a_secret(base: list[Document]) -> None:
    """In production a development secret stops the settings from loading, so each must come from a Secret
    (in every workload: the migration jobs load the same settings)."""
    for workload in workloads(base):
        service = workload["metadata"]["labels"]["app"]
        prefix, fields = prefix_of(service), SETTINGS[service].model_fields
        (container,) = workload["spec"]["template"]["spec"]["containers"]
        variables = {variable["name"]: variable for variable in container["env"]}
        for name, field in fields.items():
            if field.annotation is not SecretStr:
                continue
            variable = variables.get(f"{prefix}{name.upper()}")
            assert variable is not None, f"{service}: {prefix}{name.upper()} is not set"
            assert "secretKeyRef" in variable["valueFrom"], f"{service}: {prefix}{name.upper()}"


def test_each_service_has_a_database_cluster_of_its_own(base: list[Document]) -> None:
    clusters = of_kind(base, "Cluster")
    for service in SETTINGS:
        cluster = clusters[f"{service}-db"]["spec"]
        assert cluster["bootstrap"]["initdb"] == {"database": service, "owner": service}
        assert_pinned(cluster["imageName"])


def test_the_api_scales_on_cpu_and_the_consumers_on_their_lag(base: list[Document]) -> None:
    assert (
        of_kind(base, "HorizontalPodAutoscaler")["referral"]["spec"]["scaleTargetRef"]["name"] == "referral"
    )
    scaled = of_kind(base, "ScaledObject")
    assert set(scaled) == {"pathway", "notification"}
    for service, scaled_object in scaled.items():
        assert scaled_object["spec"]["scaleTargetRef"]["name"] == service
        assert "kafka" in [trigger["type"] for trigger in scaled_object["spec"]["triggers"]]
        assert scaled_object["spec"]["maxReplicaCount"] <= DEFAULT_PARTITIONS  # more would sit idle


def test_the_consumers_scale_on_the_lag_of_the_group_they_consume_with(base: list[Document]) -> None:
    region = "placeholder"
    groups = {
        "pathway": PathwaySettings(region=region).assembler_group,
        "notification": NotificationSettings(region=region).timeline_router_group,
    }
    for service, scaled_object in of_kind(base, "ScaledObject").items():
        (trigger,) = [trigger for trigger in scaled_object["spec"]["triggers"] if trigger["type"] == "kafka"]
        assert trigger["metadata"]["consumerGroup"] == "REGION" + groups[service].removeprefix(region)


@pytest.fixture(scope="module")
def overlay() -> list[Document]:
    if shutil.which("kustomize"):
        command = ["kustomize", "build", str(OVERLAY)]
    elif shutil.which("kubectl"):
        command = ["kubectl", "kustomize", str(OVERLAY)]
    else:
        pytest.skip("neither kustomize nor kubectl is installed to build the overlay")
    built = subprocess.run(command, check=True, capture_output=True, text=True)
    return list(yaml.safe_load_all(built.stdout))


def test_the_overlay_declares_the_region_topics_and_nothing_else(overlay: list[Document]) -> None:
    topics = of_kind(overlay, "KafkaTopic")

    assert set(topics) == region_topics(REGION) == set(region_topic_names(REGION))
    for topic in topics.values():
        assert topic["spec"]["partitions"] == DEFAULT_PARTITIONS
        assert topic["spec"]["replicas"] == PRODUCTION_REPLICATION_FACTOR
        assert topic["spec"]["config"]["min.insync.replicas"] == PRODUCTION_MIN_INSYNC_REPLICAS
        assert topic["metadata"]["labels"]["strimzi.io/cluster"]


def test_the_overlay_puts_the_region_in_its_namespace_settings_and_consumer_groups(
    overlay: list[Document],
) -> None:
    (namespace,) = of_kind(overlay, "Namespace")
    (platform,) = of_kind(overlay, "ConfigMap").values()
    groups = {
        name: trigger["metadata"]["consumerGroup"]
        for name, scaled in of_kind(overlay, "ScaledObject").items()
        for trigger in scaled["spec"]["triggers"]
        if trigger["type"] == "kafka"
    }

    assert platform["data"]["region"] == REGION
    assert all(d["metadata"]["namespace"] == namespace for d in overlay if d["kind"] != "Namespace")
    assert groups["pathway"] == PathwaySettings(region=REGION).assembler_group
    assert groups["notification"].startswith(f"{REGION}.notification.")
    assert not re.search(r"\bREGION\b", yaml.safe_dump_all(overlay)), "a placeholder of the base is left"


def test_the_overlay_leaves_no_placeholder_of_the_base_unset(overlay: list[Document]) -> None:
    [platform] = [
        document
        for document in overlay
        if document["kind"] == "ConfigMap" and document["metadata"]["name"].startswith("platform")
    ]

    placeholders = {key: value for key, value in platform["data"].items() if value.isupper()}

    assert placeholders == {}
    assert platform["data"]["oidc-jwks-url"].startswith("https://")
