"""Every manifest in ``deploy/`` starts roadlog with settings that load, listening where it
is reached: each process's environment is assembled as its runtime would (image ``ENV``,
then compose's or Kubernetes' own), and ``Settings`` is built from exactly that.
"""

from __future__ import annotations

import base64
import os
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from backend.cli import cli
from backend.cli.options import load_settings
from backend.database import DatabaseTarget
from backend.settings import Settings

DEPLOY = Path(__file__).parents[2] / "deploy"
IMAGE = "roadlog:latest"
"""What the Kubernetes manifests run: the image ``deploy/Dockerfile`` builds."""
SERVICE_IP = "10.96.0.10"


@dataclass
class Process:
    """One roadlog process a manifest starts: its command line and environment."""

    where: str
    args: list[str]
    environment: dict[str, str]
    ports: set[int] = field(default_factory=set)
    """Container ports that clients and probes reach it on."""


@dataclass
class Image:
    """What the Dockerfile gives every container started from it."""

    environment: dict[str, str]
    command: list[str]
    exposed: set[int]
    healthcheck: str


def dockerfile_instructions(text: str) -> Iterator[tuple[str, str]]:
    """(instruction, arguments) of a Dockerfile, continuation lines joined."""
    logical = ""
    for line in text.splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        logical += line.rstrip()
        if logical.endswith("\\"):
            logical = logical[:-1] + " "
            continue
        instruction, _, arguments = logical.strip().partition(" ")
        yield instruction.upper(), arguments.strip()
        logical = ""


def read_image() -> Image:
    """The final stage of deploy/Dockerfile: its ENV, CMD, EXPOSE and HEALTHCHECK."""
    image = Image({}, [], set(), "")
    for instruction, arguments in dockerfile_instructions((DEPLOY / "Dockerfile").read_text()):
        if instruction == "FROM":
            image = Image({}, [], set(), "")  # a new stage starts from its base image
        elif instruction == "ENV":
            for pair in shlex.split(arguments):
                key, _, value = pair.partition("=")
                image.environment[key] = value
        elif instruction == "CMD":
            image.command = yaml.safe_load(arguments)  # the exec form is a JSON list
        elif instruction == "EXPOSE":
            image.exposed = {int(port.split("/")[0]) for port in arguments.split()}
        elif instruction == "HEALTHCHECK":
            image.healthcheck = arguments
    return image


def compose_processes(image: Image) -> list[Process]:
    """The roadlog services of deploy/compose.yaml that run the image."""
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    processes = []
    for name, service in compose["services"].items():
        if service.get("build", {}).get("dockerfile") != "deploy/Dockerfile":
            continue
        given = service.get("environment", {})
        if isinstance(given, list):
            given = dict(item.partition("=")[::2] for item in given)
        command = service.get("command", image.command)
        ports = {int(str(port).rsplit(":", 1)[-1]) for port in service.get("ports", [])}
        processes.append(
            Process(
                f"compose.yaml {name}",
                shlex.split(command) if isinstance(command, str) else command,
                {**image.environment, **{key: str(value) for key, value in given.items()}},
                ports,
            )
        )
    return processes


def kubernetes_documents() -> list[dict[str, Any]]:
    return [
        document
        for path in sorted((DEPLOY / "k8s").glob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
        if document
    ]


def service_links(documents: list[dict[str, Any]]) -> dict[str, str]:
    """The variables the kubelet sets in every container for each Service of the namespace
    (``enableServiceLinks`` is on by default): a Service named roadlog sets ROADLOG_PORT."""
    links = {}
    for service in (doc for doc in documents if doc["kind"] == "Service"):
        prefix = service["metadata"]["name"].upper().replace("-", "_")
        ports = service["spec"]["ports"]
        links[f"{prefix}_SERVICE_HOST"] = SERVICE_IP
        links[f"{prefix}_SERVICE_PORT"] = str(ports[0]["port"])
        links[f"{prefix}_PORT"] = f"tcp://{SERVICE_IP}:{ports[0]['port']}"
        for port in ports:
            number, protocol = port["port"], port.get("protocol", "TCP")
            if "name" in port:
                links[f"{prefix}_SERVICE_PORT_{port['name'].upper()}"] = str(number)
            base = f"{prefix}_PORT_{number}_{protocol}"
            links[base] = f"{protocol.lower()}://{SERVICE_IP}:{number}"
            links[f"{base}_PROTO"] = protocol.lower()
            links[f"{base}_PORT"] = str(number)
            links[f"{base}_ADDR"] = SERVICE_IP
    return links


def source_data(documents: list[dict[str, Any]], kind: str, name: str) -> dict[str, str]:
    """The key-value data of the ConfigMap or Secret called ``name``."""
    for doc in documents:
        if doc["kind"] == kind and doc["metadata"]["name"] == name:
            data = {key: str(value) for key, value in doc.get("stringData", {}).items()}
            for key, value in doc.get("data", {}).items():
                data[key] = base64.b64decode(value).decode() if kind == "Secret" else str(value)
            return data
    raise AssertionError(f"no {kind} named {name!r} among the manifests in deploy/k8s")


def kubernetes_processes(image: Image) -> list[Process]:
    """Every container of a Deployment in deploy/k8s, with the kubelet's precedence:
    service links, then envFrom in order, then env; all over the image's ENV."""
    documents = kubernetes_documents()
    processes = []
    for deployment in (doc for doc in documents if doc["kind"] == "Deployment"):
        pod = deployment["spec"]["template"]["spec"]
        for container in pod["containers"]:
            assert container["image"] == IMAGE, container["image"]
            environment = dict(image.environment)
            if pod.get("enableServiceLinks", True):
                environment.update(service_links(documents))
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    ref = source["configMapRef"]["name"]
                    environment.update(source_data(documents, "ConfigMap", ref))
                else:
                    ref = source["secretRef"]["name"]
                    environment.update(source_data(documents, "Secret", ref))
            for variable in container.get("env", []):
                assert "value" in variable, f"read {variable['name']} here too"
                environment[variable["name"]] = variable["value"]
            # With no `command`, `args` replace the image's CMD (it has no ENTRYPOINT).
            args = container.get("command", []) + container.get("args", image.command)
            ports = {port["containerPort"] for port in container.get("ports", [])}
            name = f"k8s {deployment['metadata']['name']}/{container['name']}"
            processes.append(Process(name, args, environment, ports))
    return processes


IMAGE_OF_THE_DOCKERFILE = read_image()
PROCESSES = [
    Process("Dockerfile", IMAGE_OF_THE_DOCKERFILE.command, IMAGE_OF_THE_DOCKERFILE.environment),
    *compose_processes(IMAGE_OF_THE_DOCKERFILE),
    *kubernetes_processes(IMAGE_OF_THE_DOCKERFILE),
]


def settings_of(process: Process, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Settings]:
    """The command and the settings ``process`` would run with, as the CLI builds them."""
    for key in [key for key in os.environ if key.startswith("ROADLOG_")] + ["DATABASE_URL"]:
        monkeypatch.delenv(key, raising=False)
    for key, value in process.environment.items():
        monkeypatch.setenv(key, value)
    assert process.args[0] == "roadlog", process.args
    with click.Context(cli, info_name="roadlog") as group:
        name, command, rest = cli.resolve_command(group, process.args[1:])
        assert command is not None and name is not None
        params = command.make_context(name, rest, parent=group).params
    overrides = {key: value for key, value in params.items() if key in Settings.model_fields}
    return name, load_settings(**overrides)


@pytest.mark.parametrize("process", PROCESSES, ids=[process.where for process in PROCESSES])
def test_each_manifest_loads_its_settings(
    process: Process, monkeypatch: pytest.MonkeyPatch
) -> None:
    command, settings = settings_of(process, monkeypatch)
    if command == "serve":
        # Reached from outside the container, on the port the manifest publishes.
        assert settings.host == "0.0.0.0"
        assert process.ports <= {settings.port}, (process.ports, settings.port)
    if process.where != "Dockerfile":
        # Without DATABASE_URL each container would start a PostgreSQL of its own.
        assert settings.database_url
        # It serves as a role that cannot rewrite history; another role owns the log.
        assert settings.owner_database_url
        runtime = DatabaseTarget.from_url(settings.database_url)
        owner = DatabaseTarget.from_url(settings.owner_database_url)
        assert runtime.user != owner.user
        assert (runtime.host, runtime.dbname) == (owner.host, owner.dbname)


def test_the_compose_database_creates_the_roles_its_urls_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    postgres = compose["services"]["postgres"]
    roadlog = next(process for process in PROCESSES if process.where.startswith("compose.yaml"))
    _, settings = settings_of(roadlog, monkeypatch)
    assert settings.database_url and settings.owner_database_url
    runtime = DatabaseTarget.from_url(settings.database_url).user
    owner = DatabaseTarget.from_url(settings.owner_database_url).user
    assert postgres["environment"]["POSTGRES_USER"] == owner
    init = next(v for v in postgres["volumes"] if v.endswith(":/docker-entrypoint-initdb.d:ro"))
    scripts = (DEPLOY / init.split(":")[0]).glob("*.sql")
    text = "\n".join(script.read_text() for script in scripts)
    assert f"CREATE ROLE {runtime} LOGIN" in text
    assert f"GRANT {runtime} TO {owner}" in text


def test_the_image_listens_and_checks_itself_on_its_port(monkeypatch: pytest.MonkeyPatch) -> None:
    _, settings = settings_of(PROCESSES[0], monkeypatch)
    assert IMAGE_OF_THE_DOCKERFILE.exposed == {settings.port}
    assert f"127.0.0.1:{settings.port}/healthz" in IMAGE_OF_THE_DOCKERFILE.healthcheck


def test_the_kubernetes_api_and_projector_split_the_work(monkeypatch: pytest.MonkeyPatch) -> None:
    split = {
        process.where: settings_of(process, monkeypatch)
        for process in PROCESSES
        if process.where.startswith("k8s ")
    }
    assert {command for command, _ in split.values()} == {"serve", "project"}
    for command, settings in split.values():
        if command == "serve":
            assert not settings.projector  # the projector deployment runs it
        assert settings.cors_origins == []
