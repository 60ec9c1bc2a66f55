"""kronosctl status, logs and reload-gateway against one throw-away native stack."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
import uuid

import pytest

from conftest import run_kronosctl

SERVICES = ("nginx", "auth", "leave", "expense", "migrate", "postgres", "redis")


def status_rows(output: str) -> dict[str, str]:
    """Map each service name of the status table to its RESULT column."""
    rows = {}
    for line in output.splitlines():
        fields = line.split()
        if fields and fields[0] in SERVICES and fields[-1] in ("healthy", "UNHEALTHY"):
            rows[fields[0]] = fields[-1]
    return rows


def gateway_get(stack, path: str, request_id: str) -> int:
    request = urllib.request.Request(f"http://127.0.0.1:{stack.http_port}{path}",
                                     headers={"X-Request-ID": request_id})
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_status_healthy_stack(native_stack):
    result = run_kronosctl("status", env=native_stack.env)

    assert result.returncode == 0, result.stdout + result.stderr
    rows = status_rows(result.stdout)
    assert rows == {name: "healthy" for name in SERVICES}, result.stdout
    assert f":{native_stack.ports['AUTH']} health 200, ready 200" in result.stdout


def test_logs_auth_errors_only(native_stack):
    result = run_kronosctl("logs", "auth", "--errors", env=native_stack.env)

    assert result.returncode == 0, result.stderr
    for line in result.stdout.splitlines():
        assert re.search(r"error|exception|critical", line, flags=re.IGNORECASE), line


def test_logs_no_match_says_so(native_stack):
    result = run_kronosctl("logs", "--request-id", "no-such-request-0000", env=native_stack.env)

    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert "no log line matches --request-id no-such-request-0000" in result.stderr


def test_logs_readable_json(native_stack):
    result = run_kronosctl("logs", "auth", "--tail", "5", env=native_stack.env)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert 0 < len(lines) <= 5
    # time level service event request_id, then the other fields
    assert re.match(r"^\d{4}-\d\d-\d\dT\S+ \w+ auth \S+ \S+", lines[-1]), lines[-1]


def test_logs_request_id_traced(native_stack):
    request_id = f"test-{uuid.uuid4()}"
    # A request without a token: auth returns 401 and logs the request with its id.
    status = gateway_get(native_stack, "/api/v1/auth/me", request_id)
    assert status in (401, 404)

    result = run_kronosctl("logs", "--request-id", request_id, env=native_stack.env)

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines, "no line carries the request id"
    assert all(request_id in line for line in lines), result.stdout
    assert any(line.startswith("nginx-access | ") and " gateway request " in line for line in lines), result.stdout
    assert any(line.startswith("auth | ") for line in lines), result.stdout


def test_logs_since_invalid_rejected(native_stack):
    result = run_kronosctl("logs", "--since", "yesterday", env=native_stack.env)

    assert result.returncode == 2
    assert "invalid --since 'yesterday'" in result.stderr


def test_logs_unknown_service_rejected(native_stack):
    result = run_kronosctl("logs", "payroll", env=native_stack.env)

    assert result.returncode == 2
    assert "unknown service 'payroll'" in result.stderr
    # Every name logs accepts is offered, the native stack's own logs too.
    assert "supervisord, bootstrap" in result.stderr


def test_reload_gateway_valid_config(native_stack):
    result = run_kronosctl("reload-gateway", env=native_stack.env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "syntax is ok" in result.stdout
    assert "gateway reloaded" in result.stdout


def test_reload_gateway_broken_config_refused(native_stack):
    http_conf = native_stack.state / "nginx" / "runtime" / "http.conf"
    original = http_conf.read_text()
    http_conf.write_text(original + "\nkronos_not_a_directive on;\n")
    try:
        result = run_kronosctl("reload-gateway", env=native_stack.env)
    finally:
        http_conf.write_text(original)

    assert result.returncode == 1, result.stdout
    assert 'unknown directive "kronos_not_a_directive"' in result.stdout
    assert "nginx rejected the configuration" in result.stderr
    # The running gateway kept its configuration and still routes.
    assert gateway_get(native_stack, "/api/v1/auth/health", f"test-{uuid.uuid4()}") == 200


def test_reload_gateway_stopped_nginx_names_start(native_stack):
    stopped = native_stack.supervisorctl("stop", "nginx")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    try:
        result = run_kronosctl("reload-gateway", env=native_stack.env)
    finally:
        native_stack.supervisorctl("start", "nginx")

    assert result.returncode == 1, result.stdout
    assert "nginx is not running, so there is nothing to reload" in result.stderr
    assert "kronosctl restart nginx" in result.stderr


def test_status_stopped_service_unhealthy(native_stack):
    stopped = native_stack.supervisorctl("stop", "leave")
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    try:
        result = run_kronosctl("status", env=native_stack.env)
    finally:
        native_stack.supervisorctl("start", "leave")

    assert result.returncode == 1, result.stdout
    rows = status_rows(result.stdout)
    assert rows["leave"] == "UNHEALTHY"
    assert rows["auth"] == "healthy"
    assert re.search(r"^leave: process is STOPPED", result.stdout, flags=re.MULTILINE), result.stdout


def test_status_without_stack_exits_3(tmp_path):
    result = run_kronosctl("status", env={"KRONOS_STATE_DIR": str(tmp_path / "none")})

    assert result.returncode == 3
    assert "no native stack" in result.stderr
