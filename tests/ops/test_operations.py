"""kronosctl checklist, restart, rebuild and migrate, and ./kronos's forwarding to kronosctl,
against one throw-away native stack.

The tests run in file order on one stack. The healthy checklist comes first because stopping or
restarting a service can leave error lines in the logs, which the checklist then counts for 15
minutes. Every test that breaks something restores it before it ends.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import KRONOSCTL, REPO, run_kronosctl

SERVICES = ("nginx", "auth", "leave", "expense", "migrate", "postgres", "redis")
APPLICATION_SERVICES = ("auth", "leave", "expense")
SCHEMAS = ("auth", "expense", "leave")
CHECKLIST_ITEMS = (
    "All services healthy",
    "Logs clean of critical errors in the last 15 minutes",
    "Nginx routing correct for every service",
    "Secrets not exposed in code",
    "Networks properly isolated",
)
RECOVERY_TIMEOUT_S = 90
# ./kronos runs the kronosctl of its build folder, which must be the one under test.
BUILD_DIR = KRONOSCTL.resolve().parents[2]


def gateway_status(stack, path: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(f"http://127.0.0.1:{stack.http_port}{path}", timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def wait_healthy(stack) -> None:
    """Wait until /ready of every service returns 200 through the gateway again."""
    deadline = time.monotonic() + RECOVERY_TIMEOUT_S
    while time.monotonic() < deadline:
        if all(gateway_status(stack, f"/api/v1/{name}/ready") == 200 for name in APPLICATION_SERVICES):
            return
        time.sleep(1)
    pytest.fail("the stack did not become ready again")


def program_pid(stack, program: str) -> int:
    output = stack.supervisorctl("status", program).stdout
    match = re.search(r"\bRUNNING\s+pid (\d+),", output)
    assert match, output
    return int(match.group(1))


def checklist_items(output: str) -> dict[str, tuple[str, list[str]]]:
    """Map each checklist title to its mark (✔ or ✘) and the reason lines under it."""
    items: dict[str, tuple[str, list[str]]] = {}
    current = None
    for line in output.splitlines():
        if line[:1] in ("\u2714", "\u2718"):
            current = line[2:]
            items[current] = (line[0], [])
        elif current is not None and line.startswith("    "):
            items[current][1].append(line.strip())
    return items


def run_kronos(*args: str, env: dict[str, str], cwd: Path = REPO,
               timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ./kronos with ARGS against the kronosctl under test."""
    full_env = {**os.environ, "KRONOS_BUILD_DIR": str(BUILD_DIR), **env}
    return subprocess.run([str(REPO / "kronos"), *args], cwd=cwd, env=full_env, capture_output=True,
                          stdin=subprocess.DEVNULL, text=True, timeout=timeout, check=False)


# --- checklist ---------------------------------------------------------------------------------


def test_checklist_healthy_stack_all_ticked(native_stack):
    result = run_kronosctl("checklist", env=native_stack.env)

    items = checklist_items(result.stdout)
    assert list(items) == list(CHECKLIST_ITEMS), result.stdout
    for title, (mark, reasons) in items.items():
        assert mark == "\u2714", f"{title}: {reasons}"
    assert "7 of 7 services healthy" in items["All services healthy"][1]
    assert result.returncode == 0, result.stdout + result.stderr


def test_checklist_error_line_crossed(native_stack):
    # bootstrap.log is written once by ./kronos up, so no running process appends to it.
    log = native_stack.state / "logs" / "bootstrap.log"
    original = log.read_text()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S.000 UTC")
    log.write_text(original + f"{now} [4242] FATAL:  checklist test critical failure\n")
    try:
        result = run_kronosctl("checklist", env=native_stack.env)
    finally:
        log.write_text(original)

    items = checklist_items(result.stdout)
    mark, reasons = items["Logs clean of critical errors in the last 15 minutes"]
    assert mark == "\u2718", result.stdout
    assert any("checklist test critical failure" in reason for reason in reasons), reasons
    assert items["All services healthy"][0] == "\u2714", result.stdout
    assert result.returncode == 1


def test_checklist_stopped_service_crossed(native_stack):
    stopped = native_stack.supervisorctl("stop", "expense")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    try:
        result = run_kronosctl("checklist", env=native_stack.env)
    finally:
        native_stack.supervisorctl("start", "expense")
        wait_healthy(native_stack)

    items = checklist_items(result.stdout)
    mark, reasons = items["All services healthy"]
    assert mark == "\u2718", result.stdout
    assert "expense: process is STOPPED" in reasons
    routing_mark, routing_reasons = items["Nginx routing correct for every service"]
    assert routing_mark == "\u2718", result.stdout
    assert any(reason.endswith("/api/v1/expense/health: status 502") for reason in routing_reasons), routing_reasons
    assert items["Secrets not exposed in code"][0] == "\u2714", result.stdout
    assert result.returncode == 1


# --- restart -----------------------------------------------------------------------------------


def test_restart_service_new_pid(native_stack):
    before = program_pid(native_stack, "leave")

    result = run_kronosctl("restart", "leave", env=native_stack.env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "leave is healthy (health 200, ready 200)" in result.stdout
    assert program_pid(native_stack, "leave") != before
    assert gateway_status(native_stack, "/api/v1/leave/health") == 200


def test_restart_stopped_service_starts_it(native_stack):
    stopped = native_stack.supervisorctl("stop", "expense")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr

    result = run_kronosctl("restart", "expense", env=native_stack.env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"^\+ supervisorctl -c \S+supervisord\.conf start expense$", result.stdout,
                     re.MULTILINE), result.stdout
    assert "ERROR (not running)" not in result.stdout
    assert "expense is healthy" in result.stdout


def test_restart_unknown_service_rejected(native_stack):
    result = run_kronosctl("restart", "payroll", env=native_stack.env)

    assert result.returncode == 2
    assert "unknown service 'payroll'; use one of: nginx, auth, leave, expense" in result.stderr


def test_restart_one_shot_job_rejected(native_stack):
    result = run_kronosctl("restart", "migrate", env=native_stack.env)

    assert result.returncode == 2
    assert "migrate is a one-shot job; run kronosctl migrate instead" in result.stderr


def test_missing_argument_exits_2():
    # CLI11 exits with 106 for a missing positional, but scripts are promised 2.
    result = run_kronosctl("restart")

    assert result.returncode == 2
    assert "service is required" in result.stderr


# --- rebuild -----------------------------------------------------------------------------------


def test_rebuild_service_builds_and_restarts(native_stack):
    binary = BUILD_DIR / "services" / "leave" / "kronos-leave"
    # A newer source file makes ninja compile and link again, so the binary must change.
    source = REPO / "services" / "leave" / "src" / "main.cpp"
    os.utime(source)
    built_before = binary.stat().st_mtime_ns
    pid_before = program_pid(native_stack, "leave")

    result = run_kronosctl("rebuild", "leave", env={**native_stack.env, "KRONOS_BUILD_DIR": str(BUILD_DIR)},
                           timeout=900)

    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert f"+ cmake --build {BUILD_DIR} --parallel 2 --target kronos-leave" in result.stdout
    assert re.search(r"^\+ supervisorctl -c \S+supervisord\.conf restart leave$", result.stdout, re.MULTILINE), result.stdout
    assert "leave is healthy" in result.stdout
    assert binary.stat().st_mtime_ns > built_before
    assert program_pid(native_stack, "leave") != pid_before


def test_rebuild_nginx_restarts_without_building(native_stack):
    pid_before = program_pid(native_stack, "nginx")

    result = run_kronosctl("rebuild", "nginx", env={**native_stack.env, "KRONOS_BUILD_DIR": str(BUILD_DIR)})

    assert result.returncode == 0, result.stdout + result.stderr
    assert "nginx is not built from this checkout; restarting it" in result.stdout
    assert "cmake --build" not in result.stdout
    assert program_pid(native_stack, "nginx") != pid_before
    wait_healthy(native_stack)


def test_rebuild_unconfigured_build_dir_rejected(native_stack, tmp_path):
    result = run_kronosctl("rebuild", "leave", env={**native_stack.env, "KRONOS_BUILD_DIR": str(tmp_path)})

    assert result.returncode == 1
    assert f"{tmp_path} is not a configured CMake build folder" in result.stderr


def test_rebuild_unknown_service_rejected(native_stack):
    result = run_kronosctl("rebuild", "payroll", env=native_stack.env)

    assert result.returncode == 2
    assert "unknown service 'payroll'" in result.stderr


# --- migrate -----------------------------------------------------------------------------------


def test_migrate_all_schemas_idempotent(native_stack):
    first = run_kronosctl("migrate", env=native_stack.env)
    second = run_kronosctl("migrate", env=native_stack.env)

    for result in (first, second):
        assert result.returncode == 0, result.stdout + result.stderr
        for schema in SCHEMAS:
            assert f"migrating schema {schema}: DATABASE_SCHEMA={schema} alembic upgrade head" in result.stdout
        # alembic prints its context line once per schema it connected to.
        assert result.stderr.count("Context impl PostgresqlImpl") == len(SCHEMAS), result.stderr
        # ./kronos up migrated to head already, so neither run has anything to apply.
        assert "Running upgrade" not in result.stderr
    status = run_kronosctl("status", env=native_stack.env)
    assert status.returncode == 0, status.stdout


def test_migrate_one_schema_only(native_stack):
    result = run_kronosctl("migrate", "--schema", "leave", env=native_stack.env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "migrating schema leave" in result.stdout
    assert "migrating schema auth" not in result.stdout
    assert "migrating schema expense" not in result.stdout
    assert result.stderr.count("Context impl PostgresqlImpl") == 1, result.stderr
    assert "Running upgrade" not in result.stderr


def test_migrate_unknown_schema_names_valid(native_stack):
    result = run_kronosctl("migrate", "--schema", "payroll", env=native_stack.env)

    assert result.returncode == 2
    assert "no migrations/payroll/ folder; schemas with migrations: auth, expense, leave" in result.stderr


# --- ./kronos forwards to kronosctl ------------------------------------------------------------


def test_kronos_status_runs_kronosctl(native_stack):
    result = run_kronos("status", env=native_stack.env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Kronos native stack in {native_stack.state}" in result.stdout
    for name in SERVICES:
        assert re.search(rf"^{name}\s.*\shealthy$", result.stdout, re.MULTILINE), result.stdout


def test_kronos_status_relative_state_dir(native_stack):
    # kronosctl runs from the checkout, so ./kronos must resolve the caller's relative path.
    relative = os.path.relpath(native_stack.state, native_stack.state.parent)
    result = run_kronos("status", env={"KRONOS_STATE_DIR": relative}, cwd=native_stack.state.parent)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Kronos native stack in {native_stack.state}" in result.stdout


def test_kronos_logs_errors_filtered(native_stack):
    result = run_kronos("logs", "--errors", env=native_stack.env)

    assert result.returncode == 0, result.stderr
    for line in result.stdout.splitlines():
        assert re.search(r"error|exception|critical", line, flags=re.IGNORECASE), line


def test_kronos_logs_service_readable(native_stack):
    result = run_kronos("logs", "auth", "--tail", "3", env=native_stack.env)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert 0 < len(lines) <= 3, result.stdout
    assert re.match(r"^\d{4}-\d\d-\d\dT\S+ \w+ auth \S+ \S+", lines[-1]), lines[-1]


def test_kronos_restart_leave(native_stack):
    before = program_pid(native_stack, "leave")

    result = run_kronos("restart", "leave", env=native_stack.env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "leave is healthy" in result.stdout
    assert program_pid(native_stack, "leave") != before


def test_kronos_restart_unknown_rejected(native_stack):
    result = run_kronos("restart", "payroll", env=native_stack.env)

    assert result.returncode == 2
    assert "unknown service 'payroll'" in result.stderr


def test_kronos_status_without_stack_exits_3(tmp_path):
    missing = tmp_path / "none"

    result = run_kronos("status", env={"KRONOS_STATE_DIR": str(missing)})

    assert result.returncode == 3
    assert f"no native stack in {missing}" in result.stderr
    assert not missing.exists()


def test_kronos_status_without_stack_no_compose_hint(tmp_path):
    """./kronos forces the native mode, so suggesting --compose would lead nowhere."""
    result = run_kronos("status", env={"KRONOS_STATE_DIR": str(tmp_path / "none")})

    assert result.returncode == 3
    assert "start it with ./kronos up" in result.stderr
    assert "--compose" not in result.stderr


def test_kronos_without_kronosctl_explains(tmp_path):
    result = run_kronos("doctor", env={"KRONOS_BUILD_DIR": str(tmp_path), "KRONOS_STATE_DIR": str(tmp_path / "s")})

    assert result.returncode == 1
    assert "kronosctl is not built yet" in result.stderr
    assert "run ./kronos up first" in result.stderr


def test_kronos_help_lists_kronosctl_commands():
    result = run_kronos("help", env={})

    assert result.returncode == 0
    for command in ("status", "logs", "restart", "rebuild", "reload-gateway", "migrate", "checklist",
                    "doctor", "audit", "add-service"):
        assert re.search(rf"^  {command}\b", result.stdout, re.MULTILINE), command


@pytest.mark.parametrize("args, message", [
    (["--duration", "0"], "invalid --duration '0': expected a whole number from 1 to 120"),
    (["--duration", "600"], "invalid --duration '600'"),
    (["--connections", "many"], "invalid --connections 'many'"),
    (["--duration"], "--duration needs a number of seconds"),
    (["--fast"], "unknown argument '--fast' for bench"),
])
def test_kronos_bench_invalid_arguments_rejected(tmp_path, args, message):
    result = run_kronos("bench", *args, env={"KRONOS_STATE_DIR": str(tmp_path / "s")})

    assert result.returncode == 1
    assert message in result.stderr
    assert not (tmp_path / "s").exists()


def test_kronos_reset_missing_state_creates_nothing(tmp_path):
    missing = tmp_path / "none"

    result = run_kronos("reset", "--yes", env={"KRONOS_STATE_DIR": str(missing)})

    assert result.returncode == 0, result.stderr
    assert "nothing to delete" in result.stdout
    assert not missing.exists()


def test_kronos_down_missing_state_creates_nothing(tmp_path):
    missing = tmp_path / "none"

    result = run_kronos("down", env={"KRONOS_STATE_DIR": str(missing)})

    assert result.returncode == 0, result.stderr
    assert not missing.exists()


def test_kronos_reset_without_terminal_needs_yes(tmp_path):
    state = tmp_path / "state"
    state.mkdir()
    (state / "stack.env").write_text("KRONOS_HTTP_PORT=1\n")

    result = run_kronos("reset", env={"KRONOS_STATE_DIR": str(state)})

    assert result.returncode == 1
    assert "pass --yes to confirm" in result.stderr
    assert (state / "stack.env").exists()
