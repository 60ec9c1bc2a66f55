"""Black-box tests of `kronosctl add-service` on a copy of the repository.

The copy contains the files git knows (tracked and untracked, not ignored), never the shared build
folder. The Kubernetes manifests of the copy must pass the checks tests/deploy/k8s_checks.py runs
on the repository, with the new service among the services. The last test builds the copy with
ccache, starts its native stack on free ports and checks that the gateway serves the new
service's health and ready routes. Environment: KRONOSCTL names the binary (default
build/tools/kronosctl/kronosctl).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import yaml  # Debian's python3-yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "deploy"))
import k8s_checks  # noqa: E402
from deploy_helpers import SERVICES  # noqa: E402

KRONOSCTL = Path(os.environ.get("KRONOSCTL", REPO / "build/tools/kronosctl/kronosctl"))
NAME = "payroll"
PORT = 8014
SERVICES_AFTER_ADD = {**SERVICES, NAME: PORT}
BUILD_TIMEOUT_S = 3600
STACK_TIMEOUT_S = 600


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int) -> list[int]:
    """Ports the kernel hands out for port 0; they stay free unless something else takes them."""
    sockets, ports = [], []
    for _ in range(count):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sockets.append(sock)
        ports.append(sock.getsockname()[1])
    for sock in sockets:
        sock.close()
    return ports


def kronosctl(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(KRONOSCTL), *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120, check=False)


def tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] == "build" or not path.is_file():
            continue
        digest.update(str(relative).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def copy(tmp_path_factory) -> Path:
    if not KRONOSCTL.is_file():
        pytest.fail(f"{KRONOSCTL} not found; build it (ninja -C build kronosctl) or set KRONOSCTL")
    root = tmp_path_factory.mktemp("kronos-copy")
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file() and not name.startswith("build/"):
            target = root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def port() -> int:
    if not port_free(PORT):
        pytest.skip(f"port {PORT} is in use on 127.0.0.1; the test adds {NAME} on {PORT}")
    return PORT


@pytest.mark.parametrize("args, message", [
    (["Payroll", "--port", "8014"], "invalid service name 'Payroll'"),
    (["pay-roll", "--port", "8014"], "invalid service name 'pay-roll'"),
    (["9lives", "--port", "8014"], "must start with a lower-case letter"),
    (["a" * 31, "--port", "8014"], "longer than 30 characters"),
    (["redis", "--port", "8014"], "reserved"),
    (["auth", "--port", "8001"], "service auth already exists"),
    (["payroll", "--port", "80"], "invalid port 80"),
    (["payroll", "--port", "70000"], "invalid port 70000"),
    (["payroll", "--port", "8002"], "port 8002 is already used by leave"),
])
def test_add_service_invalid_input_rejected(copy, args, message):
    before = tree_digest(copy)
    result = kronosctl("add-service", *args, cwd=copy)
    assert result.returncode != 0, result.stdout
    assert message in result.stderr
    assert tree_digest(copy) == before


def test_add_service_port_in_use_rejected(copy):
    before = tree_digest(copy)
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        busy = listener.getsockname()[1]
        result = kronosctl("add-service", "bonus", "--port", str(busy), cwd=copy)
    assert result.returncode != 0
    assert f"port {busy} is in use on 127.0.0.1" in result.stderr
    assert tree_digest(copy) == before


def test_add_service_dry_run_writes_nothing(copy, port):
    before = tree_digest(copy)
    result = kronosctl("add-service", NAME, "--port", str(port), "--dry-run", cwd=copy)
    assert result.returncode == 0, result.stderr
    assert "would create services/payroll/src/main.cpp" in result.stdout
    assert "would update docker-compose.yml" in result.stdout
    assert "dry run: nothing was written" in result.stdout
    assert tree_digest(copy) == before


def test_add_service_writes_every_file(copy, port):
    result = kronosctl("add-service", NAME, "--port", str(port), cwd=copy)
    assert result.returncode == 0, result.stderr

    for path in ["services/payroll/CMakeLists.txt", "services/payroll/src/main.cpp",
                 "services/payroll/src/domain/version.hpp", "services/payroll/src/store/README.md",
                 "services/payroll/src/http/routes.cpp", "services/payroll/test/domain_version_test.cpp",
                 "migrations/payroll/0001_initial.py", "nginx/conf.d/payroll.conf"]:
        assert (copy / path).is_file(), path

    assert f"payroll {port}" in (copy / "deploy/services.list").read_text().splitlines()
    assert "add_subdirectory(services/payroll)" in (copy / "CMakeLists.txt").read_text()
    assert "~^/api/v1/payroll/" in (copy / "nginx/snippets/access_log_format.conf").read_text()
    compose_http = (copy / "nginx/runtime-compose/http.conf").read_text()
    assert f"map $host $kronos_upstream_payroll {{\n    default payroll:{port};\n}}" in compose_http
    assert "upstream kronos_payroll" not in compose_http
    k8s_http = (copy / "deploy/k8s/base/gateway/runtime/http.conf").read_text()
    assert f"upstream kronos_payroll {{\n    server payroll:{port};" in k8s_http
    assert "map $host $kronos_upstream_payroll {\n    default kronos_payroll;\n}" in k8s_http
    assert "KRONOS_DB_PASSWORD_PAYROLL=" in (copy / ".env.example").read_text()

    assert "created deploy/k8s/base/services/payroll.yaml" in result.stdout
    for path in ["deploy/k8s/base/kustomization.yaml", "deploy/k8s/base/network-policies.yaml",
                 "deploy/k8s/base/migrate-job.yaml",
                 "deploy/k8s/overlays/production/kustomization.yaml"]:
        assert f"updated {path}" in result.stdout, path
    assert "not generated" not in result.stdout

    compose = yaml.safe_load((copy / "docker-compose.yml").read_text())
    service = compose["services"]["payroll"]
    assert service["build"]["target"] == "payroll"
    assert service["environment"]["SERVICE_NAME"] == "payroll"
    assert service["environment"]["DATABASE_SCHEMA"] == "payroll"
    assert service["environment"]["PORT"] == str(port)
    assert service["networks"] == ["kronos-internal"]
    assert service["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert "ports" not in service
    assert compose["services"]["nginx"]["depends_on"]["payroll"]["condition"] == "service_healthy"
    assert compose["services"]["migrate"]["environment"]["KRONOS_SCHEMAS"].split()[-1] == "payroll"
    # The comments of the file survive the edit.
    assert "# Only the gateway sits on the `edge` network" in (copy / "docker-compose.yml").read_text()


@pytest.fixture(scope="module")
def added_manifests(copy, port, tmp_path_factory) -> k8s_checks.Manifests:
    """The copy's Kubernetes manifests after add-service, rendered as test_manifests.py does."""
    # Another run changes nothing once the service is there, and lets these tests run alone.
    result = kronosctl("add-service", NAME, "--port", str(port), cwd=copy)
    assert result.returncode == 0, result.stderr
    return k8s_checks.load(copy, SERVICES_AFTER_ADD, tmp_path_factory.mktemp("k8s-added"))


@pytest.mark.parametrize("check, name", k8s_checks.cases(SERVICES_AFTER_ADD))
def test_add_service_k8s_invariants(added_manifests, check, name):
    k8s_checks.run(check, added_manifests, name)


def test_add_service_k8s_manifest_follows_leave(added_manifests):
    leave = (REPO / "deploy/k8s/base/services/leave.yaml").read_text()
    expected = [doc for doc in yaml.safe_load_all(
        leave.replace("leave", NAME).replace("8002", str(PORT))) if doc]
    written = (added_manifests.base / "services" / f"{NAME}.yaml").read_text()
    assert [doc for doc in yaml.safe_load_all(written) if doc] == expected


def test_add_service_k8s_overlay_image_and_secret(added_manifests):
    overlay = yaml.safe_load((added_manifests.overlay / "kustomization.yaml").read_text())
    images = {image["name"]: image for image in overlay["images"]}
    assert images[f"kronos-{NAME}"]["newName"] == images["kronos-gateway"]["newName"].replace(
        "/gateway", f"/{NAME}")
    assert images[f"kronos-{NAME}"]["newTag"] == images["kronos-gateway"]["newTag"]
    generators = {generator["name"]: generator for generator in overlay["secretGenerator"]}
    assert generators[f"kronos-{NAME}"]["envs"] == [f"secrets/{NAME}.env"]


def test_add_service_second_run_changes_nothing(copy, port):
    before = tree_digest(copy)
    result = kronosctl("add-service", NAME, "--port", str(port), cwd=copy)
    assert result.returncode == 0, result.stderr
    assert "already added; nothing to change" in result.stdout
    assert tree_digest(copy) == before


def test_add_service_other_port_for_existing_rejected(copy, port):
    result = kronosctl("add-service", NAME, "--port", str(port + 1), cwd=copy)
    assert result.returncode != 0
    assert f"service payroll already exists on port {port}" in result.stderr


def run_logged(args: list[str], cwd: Path, env: dict | None = None, timeout: int = 600) -> None:
    result = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout, check=False)
    assert result.returncode == 0, f"{args} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"


def test_added_service_served_by_gateway(copy, port, tmp_path_factory):
    build = copy / "build"
    env = dict(os.environ, CCACHE_BASEDIR=str(copy), CCACHE_NOHASHDIR="1")
    run_logged(["cmake", "-S", str(copy), "-B", str(build), "-G", "Ninja"], copy, env)
    run_logged(["ninja", "-C", str(build), "-j2", "kronos-auth", "kronos-leave", "kronos-expense",
                "kronos-payroll", "payroll_service_test"], copy, env, timeout=BUILD_TIMEOUT_S)
    run_logged([str(build / "services/payroll/payroll_service_test")], copy)

    state = tmp_path_factory.mktemp("kronos-state")
    http, https, auth, leave, expense, pg, redis = free_ports(7)
    stack_env = dict(os.environ, KRONOS_STATE_DIR=str(state), KRONOS_BUILD_DIR=str(build),
                     KRONOS_HTTP_PORT=str(http), KRONOS_HTTPS_PORT=str(https),
                     KRONOS_AUTH_PORT=str(auth), KRONOS_LEAVE_PORT=str(leave),
                     KRONOS_EXPENSE_PORT=str(expense), KRONOS_PG_PORT=str(pg),
                     KRONOS_REDIS_PORT=str(redis))
    try:
        run_logged(["./kronos", "up", "--no-build"], copy, stack_env, timeout=STACK_TIMEOUT_S)
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        for route in ("health", "ready"):
            with opener.open(f"http://127.0.0.1:{http}/api/v1/payroll/{route}", timeout=10) as response:
                assert response.status == 200
                assert json.load(response)["service"] == "payroll"
        assert f"KRONOS_PAYROLL_PORT={port}" in (state / "stack.env").read_text()
    finally:
        subprocess.run(["./kronos", "down"], cwd=copy, env=stack_env, capture_output=True,
                       timeout=300, check=False)
        subprocess.run(["./kronos", "reset", "--yes"], cwd=copy, env=stack_env,
                       capture_output=True, timeout=300, check=False)
        state_hash = hashlib.sha256(str(state.resolve()).encode()).hexdigest()[:16]
        shutil.rmtree(f"/var/lib/kronos/nginx-{state_hash}", ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)
