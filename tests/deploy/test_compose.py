"""Invariants of the Compose deployment (docker-compose.yml, .env.example, the Dockerfiles)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from deploy_helpers import (REPO, SERVICES, build_gateway_etc, can_run_nginx_in_namespace, nginx_test,
                      self_signed_certificate)

COMPOSE_FILE = REPO / "docker-compose.yml"
ENV_EXAMPLE = REPO / ".env.example"
ONE_SHOT = {"migrate"}
DATA_STORES = {"postgres", "redis"}

# Environment names whose values are credentials. AUTH_PUBLIC_KEYS is public by design.
SECRET_NAME = re.compile(r"PASSWORD|SECRET|SIGNING_KEY|_TOKEN$")
REQUIRED_INTERPOLATION = re.compile(r"\$\{[A-Z0-9_]+:\?[^}]+\}")
VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)(?::?[-?][^}]*)?\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


def environment_of(service: dict) -> dict:
    environment = service.get("environment", {})
    assert isinstance(environment, dict), "environment must be a mapping, so merges stay readable"
    return environment


def depends_on_of(service: dict) -> dict:
    depends_on = service.get("depends_on", {})
    assert isinstance(depends_on, dict), "depends_on must be the long form with conditions"
    return depends_on


def compose_project(tmp_path: Path, env_source: Path) -> Path:
    """Copy the Compose file and an .env into a temporary project folder."""
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(COMPOSE_FILE, project / "docker-compose.yml")
    shutil.copy(env_source, project / ".env")
    return project


def run_compose_config(project: Path) -> subprocess.CompletedProcess:
    if shutil.which("docker-compose") is None:
        pytest.skip("docker-compose is not installed (apt-get install docker-compose)")
    return subprocess.run(["docker-compose", "config", "-q"], cwd=project, capture_output=True,
                          text=True, timeout=60)


# -- docker-compose config ----------------------------------------------------------------------

def test_config_generated_env_passes(tmp_path, generated_env):
    result = run_compose_config(compose_project(tmp_path, generated_env))
    assert result.returncode == 0, result.stderr


def test_config_missing_secret_fails(tmp_path, generated_env):
    lines = [line for line in generated_env.read_text().splitlines()
             if not line.startswith("REDIS_PASSWORD=")]
    generated_env.write_text("\n".join(lines) + "\n")
    result = run_compose_config(compose_project(tmp_path, generated_env))
    assert result.returncode != 0
    assert "REDIS_PASSWORD is not set" in result.stderr


def test_config_env_example_fails(tmp_path):
    result = run_compose_config(compose_project(tmp_path, ENV_EXAMPLE))
    assert result.returncode != 0, "the example's empty secrets must stop docker-compose"
    assert "is not set" in result.stderr


# -- ports and networks ---------------------------------------------------------------------------

def test_ports_only_gateway_publishes(services):
    publishing = {name for name, service in services.items() if service.get("ports")}
    assert publishing == {"nginx"}


def test_ports_gateway_only_80_443(services):
    assert sorted(services["nginx"]["ports"]) == ["443:443", "80:80"]


def test_networks_internal_is_internal(compose):
    assert compose["networks"]["kronos-internal"]["internal"] is True


def test_networks_edge_only_gateway(services):
    on_edge = {name for name, service in services.items() if "edge" in service.get("networks", [])}
    assert on_edge == {"nginx"}


def test_networks_everyone_on_internal(services):
    for name, service in services.items():
        assert "kronos-internal" in service.get("networks", []), name


def test_networks_backends_internal_only(services):
    for name, service in services.items():
        if name != "nginx":
            assert service["networks"] == ["kronos-internal"], name


# -- health and start-up order ----------------------------------------------------------------------

def test_healthcheck_every_long_running_service(services):
    for name, service in services.items():
        if name in ONE_SHOT:
            continue
        healthcheck = service.get("healthcheck")
        assert healthcheck and healthcheck.get("test"), f"{name} has no healthcheck"
        assert not healthcheck.get("disable"), name


def test_healthcheck_services_probe_ready(services):
    for name in SERVICES:
        # kronos-healthcheck without arguments probes /api/v1/$SERVICE_NAME/ready on $PORT.
        assert services[name]["healthcheck"]["test"] == ["CMD", "kronos-healthcheck"], name


def test_depends_on_healthy_targets_have_healthcheck(services):
    for name, service in services.items():
        for target, spec in depends_on_of(service).items():
            assert target in services, f"{name} depends on unknown service {target}"
            if spec["condition"] == "service_healthy":
                assert services[target].get("healthcheck"), f"{name} waits for {target}'s health"


def test_depends_on_conditions_known(services):
    allowed = {"service_healthy", "service_completed_successfully"}
    for name, service in services.items():
        for target, spec in depends_on_of(service).items():
            assert spec.get("condition") in allowed, f"{name} -> {target}"


def test_depends_on_services_wait_for_migrate(services):
    for name in SERVICES:
        depends_on = depends_on_of(services[name])
        assert depends_on["migrate"]["condition"] == "service_completed_successfully", name
        assert depends_on["postgres"]["condition"] == "service_healthy", name
        assert depends_on["redis"]["condition"] == "service_healthy", name


def test_depends_on_gateway_waits_for_services(services):
    depends_on = depends_on_of(services["nginx"])
    for name in SERVICES:
        assert depends_on[name]["condition"] == "service_healthy", name


def test_depends_on_migrate_waits_for_postgres(services):
    assert depends_on_of(services["migrate"])["postgres"]["condition"] == "service_healthy"


# -- service settings ------------------------------------------------------------------------------

def test_environment_service_name_and_schema(services):
    for name, port in SERVICES.items():
        environment = environment_of(services[name])
        assert environment["SERVICE_NAME"] == name
        assert environment["DATABASE_SCHEMA"] == name
        assert environment["PORT"] == str(port)
        assert environment["BIND_ADDRESS"] == "0.0.0.0"


def test_environment_database_url_uses_own_role(services):
    for name in SERVICES:
        url = environment_of(services[name])["DATABASE_URL"]
        assert url.startswith(f"postgresql://kronos_{name}:"), name
        assert url.endswith("@postgres:5432/kronos"), name


def test_environment_every_service_has_public_keys(services):
    for name in SERVICES:
        assert "AUTH_PUBLIC_KEYS" in environment_of(services[name]), name


def test_secrets_never_literal(services):
    for name, service in services.items():
        for key, value in environment_of(service).items():
            value = str(value)
            if SECRET_NAME.search(key) and not key.startswith("AUTH_BOOTSTRAP_ADMIN"):
                assert REQUIRED_INTERPOLATION.fullmatch(value), f"{name}.{key} must be ${{VAR:?...}}"
            if "://" in value and "@" in value:
                credentials = value.split("://", 1)[1].rsplit("@", 1)[0]
                password = credentials.split(":", 1)[1]
                assert REQUIRED_INTERPOLATION.fullmatch(password), f"{name}.{key} has a literal password"


def test_secrets_bootstrap_admin_optional_but_never_literal(services):
    environment = environment_of(services["auth"])
    assert environment["AUTH_BOOTSTRAP_ADMIN_PASSWORD"] == "${AUTH_BOOTSTRAP_ADMIN_PASSWORD:-}"


# -- hardening ---------------------------------------------------------------------------------

def test_hardening_read_only_root(services):
    for name, service in services.items():
        assert service.get("read_only") is True, name
        assert "/tmp" in service.get("tmpfs", []), name


def test_hardening_services_non_root_without_capabilities(services):
    dockerfile = (REPO / "deploy/docker/services.Dockerfile").read_text()
    assert "USER 10001:10001" in dockerfile
    for name in (*SERVICES, "migrate", "redis"):
        assert services[name].get("cap_drop") == ["ALL"], name


def test_hardening_no_new_privileges(services):
    for name, service in services.items():
        assert "no-new-privileges:true" in service.get("security_opt", []), name


def test_restart_policies(services):
    for name, service in services.items():
        expected = "no" if name in ONE_SHOT else "unless-stopped"
        assert service.get("restart") == expected, name


def test_redis_appendonly_with_password(services):
    command = " ".join(services["redis"]["command"])
    assert "--appendonly yes" in command
    assert "requirepass" in command
    assert services["redis"]["image"].startswith("redis:7")


def test_postgres_is_15(services):
    assert services["postgres"]["image"].startswith("postgres:15")


# -- images --------------------------------------------------------------------------------------

def test_build_targets_exist(services):
    for name, service in services.items():
        build = service.get("build")
        if not build:
            continue
        dockerfile = (REPO / build["dockerfile"]).read_text()
        if "target" in build:
            assert re.search(rf"^FROM .+ AS {build['target']}$", dockerfile, re.MULTILINE), name


def test_build_copied_paths_exist():
    for dockerfile in (REPO / "deploy/docker").glob("*.Dockerfile"):
        for source in re.findall(r"^COPY (?!--from)(\S+)", dockerfile.read_text(), re.MULTILINE):
            assert (REPO / source).exists(), f"{dockerfile.name} copies missing {source}"


def test_dockerignore_keeps_secrets_out():
    ignored = (REPO / ".dockerignore").read_text().splitlines()
    for entry in (".env", ".git", "deploy/docker/tls/", "build/"):
        assert entry in ignored, entry


def test_gateway_mounts_compose_runtime(services):
    volumes = services["nginx"]["volumes"]
    assert "./nginx:/etc/nginx/kronos:ro" in volumes
    assert "./nginx/runtime-compose:/etc/nginx/runtime:ro" in volumes


# -- .env.example ----------------------------------------------------------------------------------

def env_example_entries() -> dict[str, tuple[str, str]]:
    """Map each variable of .env.example to (value, the comment line above it)."""
    entries = {}
    previous = ""
    for line in ENV_EXAMPLE.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            entries[key] = (value, previous)
        previous = line if line.startswith("#") or "=" in line else ""
    return entries


def test_env_example_lists_every_variable():
    used = set(VARIABLE.findall(COMPOSE_FILE.read_text()))
    missing = used - set(env_example_entries())
    assert not missing, f".env.example lacks {sorted(missing)}"


def test_env_example_every_variable_commented():
    lines = ENV_EXAMPLE.read_text().splitlines()
    for index, line in enumerate(lines):
        if "=" in line and not line.startswith("#"):
            block = lines[:index]
            while block and "=" in block[-1] and not block[-1].startswith("#"):
                block.pop()
            assert block and block[-1].startswith("#"), f"{line.split('=')[0]} has no comment"


def test_env_example_has_no_secret_values():
    for key, (value, _) in env_example_entries().items():
        if SECRET_NAME.search(key) or key in {"AUTH_PUBLIC_KEYS"}:
            assert value == "", f"{key} must be empty in .env.example"


def test_gitignore_ignores_env():
    assert ".env" in (REPO / ".gitignore").read_text().splitlines()


# -- gateway configuration -----------------------------------------------------------------------

@pytest.mark.skipif(not can_run_nginx_in_namespace(),
                    reason="needs root, unshare, nginx and the ModSecurity module and CRS")
def test_gateway_compose_layout_passes_nginx_t(tmp_path):
    etc = build_gateway_etc(tmp_path)
    self_signed_certificate(etc / "tls" / "cert.pem", etc / "tls" / "key.pem")
    result = nginx_test(etc)
    assert result.returncode == 0, result.stderr
