"""Black-box tests of `kronosctl doctor` on one throw-away native stack.

Each test creates one fault of the runbook's troubleshooting table, checks what doctor reports,
and restores the stack before the next test. The stack uses the binaries in build/ (or
KRONOS_BUILD_DIR); KRONOSCTL names the kronosctl binary (default build/tools/kronosctl/kronosctl).
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import KRONOSCTL, REPO, free_ports

SERVICES = ("auth", "leave", "expense")
RECOVERY_TIMEOUT_S = 90


class Stack:
    def __init__(self, state: Path, ports: dict[str, int]):
        self.state = state
        self.ports = ports
        self.env = dict(os.environ, KRONOS_STATE_DIR=str(state),
                        **{f"KRONOS_{name.upper()}_PORT": str(port) for name, port in ports.items()})
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def supervisorctl(self, *args: str) -> str:
        result = subprocess.run(["supervisorctl", "-c", str(self.state / "supervisord.conf"), *args],
                                capture_output=True, text=True, timeout=120, check=False)
        return result.stdout

    def status(self, path: str) -> tuple[int, dict]:
        request = urllib.request.Request(f"http://127.0.0.1:{self.ports['http']}{path}")
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, dict(response.headers)
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers)
        except OSError:
            return 0, {}

    def wait_ready(self) -> None:
        deadline = time.monotonic() + RECOVERY_TIMEOUT_S
        while time.monotonic() < deadline:
            if all(self.status(f"/api/v1/{svc}/ready")[0] == 200 for svc in SERVICES):
                return
            time.sleep(1)
        pytest.fail("the stack did not become ready again")

    def doctor(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([str(KRONOSCTL), "doctor", *args], cwd=REPO, env=self.env,
                              capture_output=True, text=True, timeout=180, check=False)


@pytest.fixture(scope="module")
def stack(tmp_path_factory) -> Stack:
    if not KRONOSCTL.is_file():
        pytest.fail(f"{KRONOSCTL} not found; build it (ninja -C build kronosctl) or set KRONOSCTL")
    state = tmp_path_factory.mktemp("kronos-doctor")
    names = ("http", "https", "auth", "leave", "expense", "pg", "redis")
    ports = dict(zip(names, free_ports(len(names))))
    running = Stack(state, ports)
    try:
        started = subprocess.run([str(REPO / "kronos"), "up", "--no-build"], cwd=REPO,
                                 env=running.env, capture_output=True, text=True, timeout=600,
                                 check=False)
        assert started.returncode == 0, started.stdout[-3000:] + started.stderr[-3000:]
        yield running
    finally:
        subprocess.run([str(REPO / "kronos"), "down"], cwd=REPO, env=running.env,
                       capture_output=True, timeout=300, check=False)
        subprocess.run([str(REPO / "kronos"), "reset", "--yes"], cwd=REPO, env=running.env,
                       capture_output=True, timeout=300, check=False)
        state_hash = hashlib.sha256(str(state.resolve()).encode()).hexdigest()[:16]
        shutil.rmtree(f"/var/lib/kronos/nginx-{state_hash}", ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)


def test_doctor_healthy_stack_clean(stack):
    result = stack.doctor()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "doctor: no problem found" in result.stdout
    for svc in SERVICES:
        assert f"ok      {svc}: health 200, ready 200" in result.stdout


def test_doctor_stopped_service_not_running(stack):
    stack.supervisorctl("stop", "leave")
    try:
        assert stack.status("/api/v1/leave/health")[0] == 502
        result = stack.doctor()
        assert result.returncode == 1
        assert "PROBLEM leave: service not running" in result.stdout
        assert "/api/v1/leave/health returned 502 via the gateway" in result.stdout
        assert "process state STOPPED" in result.stdout
        assert "fix:      kronosctl restart leave" in result.stdout
    finally:
        stack.supervisorctl("start", "leave")
        stack.wait_ready()


def test_doctor_stopped_process_unresponsive(stack):
    pid = int(re.search(r"pid (\d+),", stack.supervisorctl("status", "expense")).group(1))
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        result = stack.doctor("--read-timeout", "3")
        assert time.monotonic() - started < 60
        assert result.returncode == 1
        assert "PROBLEM expense: service unresponsive" in result.stdout
        assert f"127.0.0.1:{stack.ports['expense']} accepts connections" in result.stdout
        assert "kronosctl logs expense --errors" in result.stdout
    finally:
        os.kill(pid, signal.SIGCONT)
        stack.wait_ready()


def test_doctor_wrong_upstream_port_named(stack):
    http_conf = stack.state / "nginx/runtime/http.conf"
    original = http_conf.read_text()
    wrong = free_ports(1)[0]
    right = f"server 127.0.0.1:{stack.ports['auth']};"
    assert right in original
    http_conf.write_text(original.replace(right, f"server 127.0.0.1:{wrong};"))
    line = next(number for number, text in enumerate(original.splitlines(), 1) if right in text)
    stack.supervisorctl("signal", "HUP", "nginx")
    try:
        time.sleep(2)
        result = stack.doctor()
        assert result.returncode == 1
        assert "PROBLEM auth: wrong internal URL" in result.stdout
        assert f"{http_conf}:{line}: upstream kronos_auth points at 127.0.0.1:{wrong}" in result.stdout
        assert f"listens on 127.0.0.1:{stack.ports['auth']}" in result.stdout
    finally:
        http_conf.write_text(original)
        stack.supervisorctl("signal", "HUP", "nginx")
        stack.wait_ready()


def test_doctor_redis_down_named(stack):
    stack.supervisorctl("stop", "redis")
    try:
        result = stack.doctor()
        assert result.returncode == 1
        assert "PROBLEM redis: Redis not running" in result.stdout
        assert "Redis not ready" in result.stdout
        assert "check redis: unreachable" in result.stdout
    finally:
        stack.supervisorctl("start", "redis")
        stack.wait_ready()


def test_doctor_postgres_down_named(stack):
    stack.supervisorctl("stop", "postgres")
    try:
        result = stack.doctor()
        assert result.returncode == 1
        assert "PROBLEM postgres: PostgreSQL not running" in result.stdout
        assert "PostgreSQL not ready" in result.stdout
        assert "check database: unreachable" in result.stdout
        assert "fix:      start PostgreSQL: kronosctl restart postgres" in result.stdout
    finally:
        stack.supervisorctl("start", "postgres")
        stack.wait_ready()


def test_doctor_schema_behind_named(stack):
    env = dict(stack.env, DATABASE_SCHEMA="leave")
    downgrade = subprocess.run(["/usr/bin/alembic", "downgrade", "base"], cwd=REPO, env=env,
                               capture_output=True, text=True, timeout=300, check=False)
    assert downgrade.returncode == 0, downgrade.stderr
    try:
        result = stack.doctor()
        assert result.returncode == 1
        assert "PROBLEM leave: schema behind its migrations" in result.stdout
        assert "fix:      kronosctl migrate --schema leave" in result.stdout
    finally:
        upgrade = subprocess.run(["/usr/bin/alembic", "upgrade", "head"], cwd=REPO, env=env,
                                 capture_output=True, text=True, timeout=300, check=False)
        assert upgrade.returncode == 0, upgrade.stderr
        stack.wait_ready()


def test_doctor_gateway_down_named_not_services(stack):
    """With the gateway stopped, every route fails; the gateway is the one problem named."""
    stack.supervisorctl("stop", "nginx")
    try:
        result = stack.doctor()
        assert result.returncode == 1
        assert "PROBLEM gateway: gateway not running" in result.stdout
        assert f"nothing accepts connections on 127.0.0.1:{stack.ports['http']}" in result.stdout
        assert "fix:      kronosctl restart nginx" in result.stdout
        for svc in SERVICES:
            assert f"PROBLEM {svc}:" not in result.stdout
            assert f"ok      {svc}: port {stack.ports[svc]} answers" in result.stdout
    finally:
        stack.supervisorctl("start", "nginx")
        stack.wait_ready()


def test_doctor_through_kronos_fixes_name_kronos(stack):
    """./kronos doctor suggests ./kronos commands: kronosctl itself is not on PATH."""
    stack.supervisorctl("stop", "leave")
    try:
        env = dict(stack.env, KRONOS_BUILD_DIR=str(KRONOSCTL.resolve().parents[2]))
        result = subprocess.run([str(REPO / "kronos"), "doctor"], cwd=REPO, env=env,
                                capture_output=True, text=True, timeout=180, check=False)
        assert result.returncode == 1
        assert "fix:      ./kronos restart leave" in result.stdout
        assert "kronosctl restart" not in result.stdout
    finally:
        stack.supervisorctl("start", "leave")
        stack.wait_ready()


def test_doctor_waf_block_rule_named(stack):
    status, headers = stack.status("/api/v1/auth/health?q=%27%20OR%201%3D1%20--")
    assert status == 403
    request_id = headers.get("X-Request-ID", "")
    time.sleep(1)
    result = stack.doctor()
    assert result.returncode == 1
    assert "PROBLEM gateway: WAF blocked a request (403)" in result.stdout
    assert re.search(r"rule 942\d{3}", result.stdout), result.stdout
    assert "blocked /api/v1/auth/health" in result.stdout
    if request_id:
        assert f"request id {request_id}" in result.stdout
    assert "nginx/modsecurity_custom.conf" in result.stdout
    assert "ctl:ruleRemoveById=942" in result.stdout


def test_doctor_waf_fix_unblocks_request(stack):
    """The exclusion doctor suggests, added as it is printed, lets the blocked request through."""
    path = "/api/v1/leave/health?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E"
    assert stack.status(path)[0] == 403
    time.sleep(1)
    result = stack.doctor()
    rules = re.findall(r'^\s+(SecRule REQUEST_URI "@beginsWith /api/v1/leave/health" "id:109[0-9]{2},[^"]+")$',
                       result.stdout, flags=re.MULTILINE)
    assert rules, result.stdout

    # modsecurity/main.conf includes ../modsecurity_custom.conf relative to its own real folder,
    # which is the checkout's while STATE/nginx/modsecurity links there. A copy of that folder
    # makes the include read STATE/nginx/modsecurity_custom.conf, so the checkout stays as it is.
    nginx_dir = stack.state / "nginx"
    rules_dir, custom = nginx_dir / "modsecurity", nginx_dir / "modsecurity_custom.conf"
    rules_target, custom_target = rules_dir.resolve(), custom.resolve()
    assert rules_dir.is_symlink()
    assert custom.is_symlink()
    rules_dir.unlink()
    shutil.copytree(rules_target, rules_dir)
    custom.unlink()
    custom.write_text(custom_target.read_text() + "\n" + rules[-1] + "\n")
    try:
        stack.supervisorctl("signal", "HUP", "nginx")
        time.sleep(2)
        assert stack.status(path)[0] == 200, rules[-1]
    finally:
        shutil.rmtree(rules_dir)
        rules_dir.symlink_to(rules_target)
        custom.unlink()
        custom.symlink_to(custom_target)
        stack.supervisorctl("signal", "HUP", "nginx")
        time.sleep(2)
        stack.wait_ready()
    assert stack.status(path)[0] == 403

    # The same path blocked by the same rules again is one problem that lists each request.
    time.sleep(1)
    again = stack.doctor()
    assert again.stdout.count("blocked /api/v1/leave/health") == 1, again.stdout
    assert "the same rules blocked it again at" in again.stdout


def test_doctor_stopped_stack_names_up(stack):
    """Runs last: it stops the whole stack, which the fixture then deletes."""
    down = subprocess.run([str(REPO / "kronos"), "down"], cwd=REPO, env=stack.env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert down.returncode == 0, down.stderr

    result = stack.doctor()

    assert result.returncode == 1
    assert "PROBLEM stack: the native stack is not running" in result.stdout
    assert "fix:      start it: ./kronos up" in result.stdout
    assert "PROBLEM auth" not in result.stdout
