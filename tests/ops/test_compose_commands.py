"""The Compose commands that kronosctl --compose issues, and how it reads their output.

No container engine runs where these tests run. Each test puts stand-in `docker` and
`docker-compose` executables first on PATH. They record their arguments, print canned
`ps` and `logs` output and exit 0 (or the status a test sets). The tests therefore check the
commands kronosctl builds and its parsing of Compose's output, not Docker or Compose themselves.
The docker-compose stand-in rejects the options that docker-compose 1.29 lacks (`ps --format`,
`logs --since`) the way 1.29 does.

Health probes of the services go to the gateway's Compose port, 127.0.0.1:80. Tests that need a
healthy response start a stand-in gateway there and are skipped when that port cannot be bound.
"""

from __future__ import annotations

import datetime
import http.server
import json
import os
import re
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import KRONOSCTL, REPO, run_kronosctl

COMPOSE_FILE = str(REPO / "docker-compose.yml")
SERVICES = ("nginx", "auth", "leave", "expense", "migrate", "postgres", "redis")

STAND_IN = r'''#!/usr/bin/python3
"""Stand-in for docker / docker-compose: records its arguments, prints canned output."""
import json
import os
import re
import sys

program = os.path.basename(sys.argv[0])
arguments = sys.argv[1:]
with open(os.environ["STAND_IN_CALLS"], "a") as calls:
    calls.write(json.dumps([program, *arguments]) + "\n")

def canned(name):
    path = os.path.join(os.environ["STAND_IN_DIR"], name)
    return open(path).read() if os.path.exists(path) else ""

if program == "docker":
    if arguments[:2] == ["compose", "version"]:
        print("Docker Compose version v2.27.0")
        sys.exit(0)
    if arguments[:1] == ["info"]:
        sys.exit(int(os.environ.get("STAND_IN_INFO_EXIT", "1")))
    if arguments[:1] != ["compose"]:
        sys.exit(1)
    arguments = arguments[1:]
if arguments[:1] == ["-f"]:
    arguments = arguments[2:]
command = arguments[:1]

if command == ["ps"]:
    if os.environ.get("STAND_IN_PS_FAIL"):
        for number in range(40):
            print(f'  File "/usr/lib/python3/dist-packages/docker/api/client.py", line {number}',
                  file=sys.stderr)
        print("docker.errors.DockerException: Error while fetching server API version", file=sys.stderr)
        sys.exit(1)
    if program == "docker-compose" and "--format" in arguments:
        print("No such option: --format", file=sys.stderr)
        sys.exit(1)
    sys.stdout.write(canned("ps-v1" if program == "docker-compose" else "ps"))
elif command == ["logs"]:
    if program == "docker-compose" and any(a.startswith("--since") for a in arguments):
        print("No such option: --since", file=sys.stderr)
        sys.exit(1)
    sys.stdout.write(canned("logs"))
elif arguments[:5] == ["exec", "-T", "nginx", "nginx", "-t"]:
    status = int(os.environ.get("STAND_IN_NGINX_T_EXIT", "0"))
    if status == 0:
        print("nginx: the configuration file /etc/nginx/nginx.conf syntax is ok", file=sys.stderr)
        print("nginx: configuration file /etc/nginx/nginx.conf test is successful", file=sys.stderr)
    else:
        print('nginx: [emerg] unknown directive "proxy_pas" in /etc/nginx/kronos/conf.d/api.conf:23',
              file=sys.stderr)
        print("nginx: configuration file /etc/nginx/nginx.conf test failed", file=sys.stderr)
    sys.exit(status)
sys.exit(0)
'''


def ps_entry(service: str, state: str = "running", health: str = "healthy", exit_code: int = 0) -> dict:
    return {"Name": f"kronos-{service}-1", "Service": service, "State": state, "Health": health,
            "ExitCode": exit_code, "Status": f"Up 2 minutes ({health})" if state == "running" else f"Exited ({exit_code})"}


def healthy_ps() -> list[dict]:
    entries = [ps_entry(name) for name in SERVICES if name != "migrate"]
    entries.append(ps_entry("migrate", state="exited", health="", exit_code=0))
    return entries


class StandIns:
    def __init__(self, directory: Path, state: Path):
        self.directory = directory
        self.calls_file = directory / "calls.jsonl"
        self.env = {
            "PATH": f"{directory}:{os.environ['PATH']}",
            "STAND_IN_DIR": str(directory),
            "STAND_IN_CALLS": str(self.calls_file),
            "KRONOS_STATE_DIR": str(state),
            "KRONOS_START_TIMEOUT": "3",
        }

    def install(self, *programs: str) -> None:
        for program in programs:
            path = self.directory / program
            path.write_text(STAND_IN)
            path.chmod(0o755)

    def set_ps(self, entries: list[dict], lines: bool = True) -> None:
        text = "\n".join(json.dumps(entry) for entry in entries) if lines else json.dumps(entries)
        (self.directory / "ps").write_text(text + "\n")

    def set_ps_v1(self, text: str) -> None:
        (self.directory / "ps-v1").write_text(text)

    def set_logs(self, text: str) -> None:
        (self.directory / "logs").write_text(text)

    def calls(self) -> list[list[str]]:
        if not self.calls_file.exists():
            return []
        return [json.loads(line) for line in self.calls_file.read_text().splitlines()]

    def compose_calls(self) -> list[list[str]]:
        """The calls after `docker compose version`, without the program and -f FILE."""
        result = []
        for call in self.calls():
            program, arguments = call[0], call[1:]
            if program == "docker":
                if arguments[:1] != ["compose"] or arguments[1:2] == ["version"]:
                    continue
                arguments = arguments[1:]
            assert arguments[:2] == ["-f", COMPOSE_FILE], call
            result.append(arguments[2:])
        return result


@pytest.fixture
def stand_ins(tmp_path) -> StandIns:
    directory = tmp_path / "bin"
    directory.mkdir()
    return StandIns(directory, tmp_path / "no-native-stack")


@pytest.fixture
def docker_v2(stand_ins) -> StandIns:
    stand_ins.install("docker")
    stand_ins.set_ps(healthy_ps())
    return stand_ins


@pytest.fixture
def compose_v1(stand_ins) -> StandIns:
    # Only docker-compose: a `docker` without the compose plugin would be tried first.
    stand_ins.install("docker-compose")
    return stand_ins


class GatewayHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server calls)
        parts = self.path.split("/")
        ok = len(parts) == 5 and parts[1:3] == ["api", "v1"] and parts[4] in ("health", "ready")
        body = b'{"status":"ok"}' if ok else b"not found"
        self.send_response(200 if ok else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway():
    """A stand-in gateway on 127.0.0.1:80 that returns 200 on /api/v1/<service>/health and /ready."""
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 80), GatewayHandler)
    except OSError as error:
        pytest.skip(f"cannot listen on 127.0.0.1:80 for the stand-in gateway: {error}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def status_rows(output: str) -> dict[str, str]:
    rows = {}
    for line in output.splitlines():
        fields = line.split()
        if fields and fields[0] in SERVICES and fields[-1] in ("healthy", "UNHEALTHY"):
            rows[fields[0]] = fields[-1]
    return rows


# --- status --------------------------------------------------------------------------------


def test_status_issues_ps_json(docker_v2, gateway):
    result = run_kronosctl("status", "--compose", env=docker_v2.env)

    assert docker_v2.compose_calls() == [["ps", "-a", "--format", "json"]]
    assert result.returncode == 0, result.stdout + result.stderr
    assert status_rows(result.stdout) == {name: "healthy" for name in SERVICES}, result.stdout
    assert "completed (exit 0)" in result.stdout


def test_status_parses_ps_json_array(docker_v2, gateway):
    # Compose before 2.21 prints one JSON array instead of one object per line.
    docker_v2.set_ps(healthy_ps(), lines=False)

    result = run_kronosctl("status", "--compose", env=docker_v2.env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert status_rows(result.stdout) == {name: "healthy" for name in SERVICES}, result.stdout


def test_status_exited_service_unhealthy(docker_v2):
    entries = [entry for entry in healthy_ps() if entry["Service"] != "leave"]
    entries.append(ps_entry("leave", state="exited", health="", exit_code=139))
    docker_v2.set_ps(entries)

    result = run_kronosctl("status", "--compose", env=docker_v2.env)

    assert result.returncode == 1
    rows = status_rows(result.stdout)
    assert rows["leave"] == "UNHEALTHY"
    assert rows["postgres"] == "healthy"
    assert rows["migrate"] == "healthy"
    assert "leave: container is exited" in result.stdout
    assert "leave: Docker healthcheck is unknown" in result.stdout
    assert "exited (139)" in result.stdout


def test_status_failed_migrate_unhealthy(docker_v2):
    entries = [entry for entry in healthy_ps() if entry["Service"] != "migrate"]
    entries.append(ps_entry("migrate", state="exited", health="", exit_code=1))
    docker_v2.set_ps(entries)

    result = run_kronosctl("status", "--compose", env=docker_v2.env)

    assert result.returncode == 1
    assert status_rows(result.stdout)["migrate"] == "UNHEALTHY"
    assert "migrate: exited with status 1; see docker compose logs migrate" in result.stdout


def test_status_missing_container_unhealthy(docker_v2):
    docker_v2.set_ps([entry for entry in healthy_ps() if entry["Service"] != "redis"])

    result = run_kronosctl("status", "--compose", env=docker_v2.env)

    assert result.returncode == 1
    assert "redis: no container; start it with docker compose up -d redis" in result.stdout


def test_status_invalid_ps_json_exits_3(docker_v2):
    (docker_v2.directory / "ps").write_text("{not json\n")

    result = run_kronosctl("status", "--compose", env=docker_v2.env)

    assert result.returncode == 3
    assert "invalid JSON line from docker compose ps" in result.stderr


def test_compose_v1_status_parses_ps_table(compose_v1, gateway):
    # docker-compose 1.29 has no ps --format, so kronosctl reads its table.
    compose_v1.set_ps_v1(
        "      Name                    Command               State                  Ports\n"
        "-----------------------------------------------------------------------------------------\n"
        "kronos_auth_1       /usr/local/bin/kronos-auth       Up (healthy)   8001/tcp\n"
        "kronos_expense_1    /usr/local/bin/kronos-expense    Up (healthy)   8003/tcp\n"
        "kronos_leave_1      /usr/local/bin/kronos-leave      Up (health: starting)   8002/tcp\n"
        "kronos_migrate_1    /usr/local/bin/migrate.sh        Exit 0\n"
        "kronos_nginx_1      /docker-entrypoint.sh ngin ...   Up (healthy)   0.0.0.0:443->443/tcp, 0.0.0.0:80->80/tcp\n"
        "kronos_postgres_1   docker-entrypoint.sh postgres    Up (healthy)   5432/tcp\n"
        "kronos_redis_1      docker-entrypoint.sh redis ...   Up (unhealthy)   6379/tcp\n")

    result = run_kronosctl("status", "--compose", env=compose_v1.env)

    assert [call for call in compose_v1.calls() if "ps" in call] == [
        ["docker-compose", "-f", COMPOSE_FILE, "ps", "-a"]]
    rows = status_rows(result.stdout)
    assert rows == {"nginx": "healthy", "auth": "healthy", "leave": "UNHEALTHY", "expense": "healthy",
                    "migrate": "healthy", "postgres": "healthy", "redis": "UNHEALTHY"}, result.stdout
    assert "leave: Docker healthcheck is starting" in result.stdout
    assert "redis: Docker healthcheck is unhealthy" in result.stdout
    assert result.returncode == 1


# --- logs ----------------------------------------------------------------------------------

AUTH_LINES = (
    'auth-1  | {"time":"2030-05-01T12:00:00.000Z","level":"info","service":"auth","event":"login",'
    '"request_id":"r-1","user":"u-7"}\n'
    'auth-1  | {"time":"2030-05-01T12:00:01.000Z","level":"error","service":"auth","event":"db_failed",'
    '"request_id":"r-2","error":"timeout"}\n'
)


def test_logs_issues_runbook_logs(docker_v2):
    docker_v2.set_logs(AUTH_LINES)

    result = run_kronosctl("logs", "auth", "--compose", env=docker_v2.env)

    assert docker_v2.compose_calls() == [["logs", "--no-color", "--tail=100", "auth"]]
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "auth-1 | 2030-05-01T12:00:00.000Z info auth login r-1 user=u-7",
        "auth-1 | 2030-05-01T12:00:01.000Z error auth db_failed r-2 error=timeout",
    ]


def test_logs_follow_errors_filtered(docker_v2):
    docker_v2.set_logs(AUTH_LINES)

    result = run_kronosctl("logs", "-f", "--errors", "--compose", env=docker_v2.env)

    assert docker_v2.compose_calls() == [["logs", "--no-color", "--follow"]]
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["auth-1 | 2030-05-01T12:00:01.000Z error auth db_failed r-2 error=timeout"]


def test_logs_since_passed_to_compose(docker_v2):
    result = run_kronosctl("logs", "--since", "10m", "--tail", "5", "--compose", env=docker_v2.env)

    assert docker_v2.compose_calls() == [["logs", "--no-color", "--tail=5", "--since=10m"]]
    assert result.returncode == 0, result.stderr


def test_compose_v1_logs_since_without_flag(compose_v1):
    # docker-compose 1.29 has no --since; kronosctl filters the lines by time itself.
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    compose_v1.set_logs(
        'auth_1  | {"time":"2001-01-01T00:00:00Z","level":"error","service":"auth","event":"old"}\n'
        f'auth_1  | {{"time":"{now}","level":"error","service":"auth","event":"new"}}\n')

    result = run_kronosctl("logs", "--since", "10m", "--compose", env=compose_v1.env)

    assert compose_v1.calls() == [["docker-compose", "-f", COMPOSE_FILE, "logs", "--no-color"]]
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"auth_1 | {now} error auth new -"]


def test_logs_compose_failure_reported(docker_v2):
    failing = docker_v2.directory / "docker"
    failing.write_text("#!/bin/sh\n[ \"$1 $2\" = 'compose version' ] && exit 0\necho 'Cannot connect to the Docker daemon' >&2\nexit 1\n")

    result = run_kronosctl("logs", "auth", "--compose", env=docker_v2.env)

    assert result.returncode == 1
    assert "Cannot connect to the Docker daemon" in result.stdout
    assert "logs --no-color --tail=100 auth exited with status 1" in result.stderr


# --- restart and rebuild --------------------------------------------------------------------


def test_restart_issues_restart_then_waits(docker_v2, gateway):
    result = run_kronosctl("restart", "auth", "--compose", env=docker_v2.env)

    calls = docker_v2.compose_calls()
    assert calls[0] == ["restart", "auth"]
    assert calls[1:] == [["ps", "-a", "--format", "json"]]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "auth is healthy (health 200, ready 200)" in result.stdout


def test_restart_unhealthy_times_out(docker_v2):
    entries = [entry for entry in healthy_ps() if entry["Service"] != "auth"]
    entries.append(ps_entry("auth", health="unhealthy"))
    docker_v2.set_ps(entries)

    result = run_kronosctl("restart", "auth", "--compose", env={**docker_v2.env, "KRONOS_START_TIMEOUT": "1"})

    assert docker_v2.compose_calls()[0] == ["restart", "auth"]
    assert result.returncode == 1
    assert "auth is not healthy after 1 s (KRONOS_START_TIMEOUT)" in result.stderr
    assert "Docker healthcheck is unhealthy" in result.stderr


def test_restart_compose_unknown_service_rejected(docker_v2):
    result = run_kronosctl("restart", "payroll", "--compose", env=docker_v2.env)

    assert result.returncode == 2
    assert "unknown service 'payroll'" in result.stderr
    assert docker_v2.compose_calls() == []


def test_rebuild_issues_up_build(docker_v2):
    result = run_kronosctl("rebuild", "auth", "--compose", env=docker_v2.env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert docker_v2.compose_calls() == [["up", "-d", "--build", "auth"]]
    assert f"+ docker compose -f {COMPOSE_FILE} up -d --build auth" in result.stdout


def test_rebuild_all_issues_up_build(docker_v2):
    result = run_kronosctl("rebuild", "--compose", env=docker_v2.env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert docker_v2.compose_calls() == [["up", "-d", "--build"]]


def test_compose_v1_rebuild_runbook_command(compose_v1):
    result = run_kronosctl("rebuild", "auth", "--compose", env=compose_v1.env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert compose_v1.calls() == [["docker-compose", "-f", COMPOSE_FILE, "up", "-d", "--build", "auth"]]


def test_rebuild_failure_reported(docker_v2):
    failing = docker_v2.directory / "docker"
    failing.write_text("#!/bin/sh\n[ \"$1 $2\" = 'compose version' ] && exit 0\nexit 17\n")

    result = run_kronosctl("rebuild", "auth", "--compose", env=docker_v2.env)

    assert result.returncode == 1
    assert "up -d --build auth failed with exit status 17" in result.stderr


# --- migrate --------------------------------------------------------------------------------


def test_migrate_runs_migrate_job(docker_v2):
    result = run_kronosctl("migrate", "--compose", env=docker_v2.env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert docker_v2.compose_calls() == [["run", "--rm", "-e", "KRONOS_SCHEMAS=auth expense leave", "migrate"]]


def test_migrate_one_schema_job(docker_v2):
    result = run_kronosctl("migrate", "--schema", "leave", "--compose", env=docker_v2.env)

    assert result.returncode == 0, result.stdout + result.stderr
    assert docker_v2.compose_calls() == [["run", "--rm", "-e", "KRONOS_SCHEMAS=leave", "migrate"]]


def test_migrate_compose_unknown_schema_rejected(docker_v2):
    result = run_kronosctl("migrate", "--schema", "payroll", "--compose", env=docker_v2.env)

    assert result.returncode == 2
    assert "schemas with migrations: auth, expense, leave" in result.stderr
    assert docker_v2.compose_calls() == []


# --- reload-gateway -------------------------------------------------------------------------


def test_reload_gateway_tests_then_reloads(docker_v2):
    result = run_kronosctl("reload-gateway", "--compose", env=docker_v2.env)

    assert docker_v2.compose_calls() == [
        ["exec", "-T", "nginx", "nginx", "-t"],
        ["exec", "-T", "nginx", "nginx", "-s", "reload"],
    ]
    assert result.returncode == 0, result.stdout + result.stderr
    assert "syntax is ok" in result.stdout
    assert "gateway reloaded" in result.stdout


def test_reload_gateway_broken_config_not_reloaded(docker_v2):
    result = run_kronosctl("reload-gateway", "--compose", env={**docker_v2.env, "STAND_IN_NGINX_T_EXIT": "1"})

    assert docker_v2.compose_calls() == [["exec", "-T", "nginx", "nginx", "-t"]]
    assert result.returncode == 1
    assert 'unknown directive "proxy_pas"' in result.stdout
    assert "nginx rejected the configuration" in result.stderr


# --- native or Compose ----------------------------------------------------------------------


def test_native_flag_ignores_compose_engine(docker_v2):
    # With no stack.env and a reachable engine, kronosctl picks Compose on its own...
    engine = {**docker_v2.env, "STAND_IN_INFO_EXIT": "0"}
    automatic = run_kronosctl("status", env=engine)
    assert "Kronos compose stack" in automatic.stdout, automatic.stdout + automatic.stderr

    # ...but --native, which ./kronos passes, keeps to the native stack.
    calls_before = len(docker_v2.calls())
    forced = run_kronosctl("status", "--native", env=engine)

    assert forced.returncode == 3
    assert "no native stack in" in forced.stderr
    assert docker_v2.calls()[calls_before:] == []


def test_kronos_status_ignores_compose_engine(docker_v2):
    engine = {**docker_v2.env, "STAND_IN_INFO_EXIT": "0"}
    # ./kronos runs the kronosctl of its build folder, which must be the one under test.
    build = KRONOSCTL.resolve().parents[2]

    result = subprocess.run([str(REPO / "kronos"), "status"], cwd=REPO, capture_output=True, text=True,
                            env={**os.environ, **engine, "KRONOS_BUILD_DIR": str(build)}, timeout=120,
                            check=False)

    assert result.returncode == 3, result.stdout + result.stderr
    assert docker_v2.calls() == []


# --- doctor ------------------------------------------------------------------------------------


def test_doctor_compose_ports_read_from_compose_file(docker_v2):
    """Services without an environment block (nginx, postgres, redis) once broke the comparison."""
    result = run_kronosctl("doctor", "--compose", env=docker_v2.env)

    assert result.returncode in (0, 1), result.stderr
    assert "cannot compare upstreams" not in result.stdout
    assert "wrong internal URL" not in result.stdout


def test_doctor_compose_never_claims_unprobed_ports(docker_v2):
    """In Compose the services have no host port, so doctor must not report one as responding."""
    result = run_kronosctl("doctor", "--compose", env=docker_v2.env)

    for name in ("auth", "leave", "expense"):
        assert not re.search(rf"^ok\s+{name}: port \d+ answers", result.stdout, re.MULTILINE), result.stdout


def test_doctor_compose_engine_unreachable_named(docker_v2):
    result = run_kronosctl("doctor", "--compose", env={**docker_v2.env, "STAND_IN_PS_FAIL": "1"})

    assert result.returncode == 1
    assert "PROBLEM compose: docker-compose cannot list the containers" in result.stdout
    assert "Error while fetching server API version" in result.stdout
    assert "check that the container engine runs (docker info)" in result.stdout
    assert "PROBLEM auth" not in result.stdout


def test_status_compose_engine_unreachable_short(docker_v2):
    """docker-compose 1.x prints a long traceback without an engine; status keeps its last lines."""
    result = run_kronosctl("status", "--compose", env={**docker_v2.env, "STAND_IN_PS_FAIL": "1"})

    assert result.returncode == 3
    assert "Error while fetching server API version" in result.stderr
    assert "Is the container engine running (docker info)" in result.stderr
    assert result.stderr.count("client.py") <= 1, result.stderr
