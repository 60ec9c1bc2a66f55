"""Benchmarks of a running Kronos stack through its gateway, run by `./kronos bench`.

Signs in as the admin, creates one employee, then loads each scenario with wrk for a fixed time
and prints the requests per second, the latency percentiles and the errors. The services'
resident memory is read from /proc before and after. The figures go to KRONOS_BENCH_OUT as JSON.

Environment variables, which ./kronos bench sets:

- KRONOS_BASE_URL, KRONOS_ADMIN_EMAIL, KRONOS_ADMIN_PASSWORD_FILE: the stack and its admin.
- KRONOS_BENCH_AUTH_URL: auth's own address, for the scenario that bypasses the gateway.
- KRONOS_BENCH_DURATION_S, KRONOS_BENCH_CONNECTIONS: the load of each scenario.
- KRONOS_BENCH_PIDS: "name:pid" pairs of the processes whose memory is reported.
- KRONOS_BENCH_OUT: the JSON file to write.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests

TIMEOUT_S = 30
REPORT_SCRIPT = Path(__file__).with_name("report.lua")
# A request that takes longer than this counts as a timeout in wrk's figures.
WRK_TIMEOUT = "10s"
SETTLE_S = 1.0
MAX_SETTLE_S = 15.0


@dataclass
class Scenario:
    name: str
    method: str
    path: str
    body: dict | None = None
    as_employee: bool = True
    # The service's own address instead of the gateway's, to split the gateway's share out.
    base_url: str = ""
    # Description of what the scenario measures, written to the JSON results.
    measures: str = ""


def fail(message: str) -> None:
    print(f"kronos bench: error: {message}", file=sys.stderr)
    sys.exit(1)


def call(session: requests.Session, method: str, url: str, expect: int, **kwargs) -> dict:
    try:
        response = session.request(method, url, timeout=TIMEOUT_S, allow_redirects=False, **kwargs)
    except requests.RequestException as error:
        fail(f"{method} {url} failed: {error}")
    if response.status_code != expect:
        fail(f"{method} {url} returned {response.status_code}, expected {expect}: "
             f"{response.text[:300]}")
    return response.json() if response.content else {}


def next_working_week(today: datetime.date) -> tuple[str, str]:
    """Return the Monday and Friday of a week at least four weeks ahead."""
    start = today + datetime.timedelta(days=28)
    monday = start + datetime.timedelta(days=(7 - start.weekday()) % 7)
    return monday.isoformat(), (monday + datetime.timedelta(days=4)).isoformat()


def memory_kib(pid: int) -> dict[str, int]:
    """Return VmRSS and VmHWM (peak) of PID in KiB, or nothing when it is gone."""
    figures = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                figures[key] = int(value.split()[0])
    except OSError:
        pass
    return figures


def parse_pids(text: str) -> dict[str, int]:
    pids = {}
    for pair in text.split():
        name, _, pid = pair.partition(":")
        if pid.isdigit():
            pids[name] = int(pid)
    return pids


def run_wrk(base_url: str, scenario: Scenario, token: str, duration_s: int,
            connections: int) -> dict:
    environment = dict(os.environ)
    environment["BENCH_METHOD"] = scenario.method
    environment["BENCH_BODY"] = json.dumps(scenario.body) if scenario.body is not None else ""
    environment["BENCH_TOKEN"] = token
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration_s}s", "--timeout", WRK_TIMEOUT,
               "-s", str(REPORT_SCRIPT), base_url + scenario.path]
    result = subprocess.run(command, env=environment, capture_output=True, text=True,
                            timeout=duration_s + 60, check=False)
    for line in result.stdout.splitlines():
        if line.startswith("BENCH_JSON "):
            figures = json.loads(line[len("BENCH_JSON "):])
            seconds = figures["duration_us"] / 1e6
            figures["requests_per_s"] = round(figures["requests"] / seconds, 1) if seconds else 0.0
            return figures
    fail(f"wrk printed no figures for {scenario.name} (exit {result.returncode}): "
         f"{(result.stderr or result.stdout)[-300:]}")
    raise AssertionError("unreachable")


def milliseconds(microseconds: float) -> str:
    return f"{microseconds / 1000:.1f}"


def main() -> None:
    base_url = os.environ["KRONOS_BASE_URL"].rstrip("/")
    admin_email = os.environ["KRONOS_ADMIN_EMAIL"]
    admin_password = Path(os.environ["KRONOS_ADMIN_PASSWORD_FILE"]).read_text().strip()
    duration_s = int(os.environ.get("KRONOS_BENCH_DURATION_S", "10"))
    connections = int(os.environ.get("KRONOS_BENCH_CONNECTIONS", "16"))
    pids = parse_pids(os.environ.get("KRONOS_BENCH_PIDS", ""))
    output = Path(os.environ["KRONOS_BENCH_OUT"])
    auth_url = os.environ.get("KRONOS_BENCH_AUTH_URL", "").rstrip("/")

    session = requests.Session()
    session.trust_env = False
    session.headers["User-Agent"] = "kronos-bench"
    api = base_url + "/api/v1"
    admin = call(session, "POST", f"{api}/auth/login", 200,
                 json={"email": admin_email, "password": admin_password})
    admin_headers = {"Authorization": f"Bearer {admin['access_token']}"}

    email = f"bench-{secrets.token_hex(4)}@kronos.local"
    password = secrets.token_urlsafe(18)
    call(session, "POST", f"{api}/auth/users", 201, headers=admin_headers,
         json={"email": email, "name": "Bench Employee", "role": "employee", "password": password})
    employee = call(session, "POST", f"{api}/auth/login", 200,
                    json={"email": email, "password": password})
    token = employee["access_token"]

    monday, friday = next_working_week(datetime.date.today())
    scenarios = [
        Scenario("auth health", "GET", "/api/v1/auth/health", as_employee=False,
                 measures="gateway, WAF and a service, no database"),
        Scenario("auth me", "GET", "/api/v1/auth/me",
                 measures="token check with its Redis revocation lookup, one user row"),
        Scenario("leave balances", "GET", "/api/v1/leave/balances",
                 measures="ledger sums per leave type"),
        Scenario("leave preview", "POST", "/api/v1/leave/requests/preview",
                 body={"type": "annual", "start_date": monday, "end_date": friday},
                 measures="working days, holidays and balance of a week's request; writes nothing"),
        Scenario("expense claims", "GET", "/api/v1/expense/claims?scope=mine",
                 measures="the caller's claims"),
        Scenario("auth login", "POST", "/api/v1/auth/login",
                 body={"email": email, "password": password}, as_employee=False,
                 measures="argon2id password check and token issue"),
    ]

    if auth_url:
        scenarios.insert(1, Scenario("auth health, direct", "GET", "/api/v1/auth/health",
                                     as_employee=False, base_url=auth_url,
                                     measures="the same on auth's own port, without the gateway"))
    # Each scenario must succeed once before it is loaded, because figures of error responses
    # would mislead.
    for scenario in scenarios:
        headers = {"Authorization": f"Bearer {token}"} if scenario.as_employee else {}
        call(session, scenario.method, (scenario.base_url or base_url) + scenario.path, 200,
             headers=headers, json=scenario.body)

    memory_before = {name: memory_kib(pid) for name, pid in pids.items()}
    results = []
    print(f"{'scenario':<20} {'req/s':>9} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8} {'errors':>7}")
    for scenario in scenarios:
        figures = run_wrk(scenario.base_url or base_url, scenario,
                          token if scenario.as_employee else "", duration_s, connections)
        errors = sum(figures["errors"].values())
        latency = figures["latency_us"]
        print(f"{scenario.name:<20} {figures['requests_per_s']:>9.1f} "
              f"{milliseconds(latency['p50']):>8} {milliseconds(latency['p90']):>8} "
              f"{milliseconds(latency['p99']):>8} {milliseconds(latency['max']):>8} {errors:>7}",
              flush=True)
        results.append({"scenario": scenario.name, "method": scenario.method,
                        "path": scenario.path, "measures": scenario.measures, **figures})
    # wrk stops sending at its deadline while the services are still processing its last
    # requests, so the memory is read after the slowest of those has had time to finish.
    slowest_s = max(item["latency_us"]["max"] for item in results) / 1e6
    time.sleep(min(slowest_s + SETTLE_S, MAX_SETTLE_S))
    memory_after = {name: memory_kib(pid) for name, pid in pids.items()}

    if pids:
        print(f"\n{'process':<10} {'RSS before':>12} {'RSS after':>12} {'peak RSS':>12}")
        for name in pids:
            before, after = memory_before[name], memory_after[name]
            print(f"{name:<10} {before.get('VmRSS', 0) / 1024:>9.1f} MiB "
                  f"{after.get('VmRSS', 0) / 1024:>9.1f} MiB {after.get('VmHWM', 0) / 1024:>9.1f} MiB")

    report = {
        "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "kernel": platform.release()},
        "load": {"duration_s": duration_s, "connections": connections, "wrk_threads": 1},
        "results": results,
        "memory_kib": {name: {"before": memory_before[name], "after": memory_after[name]}
                       for name in pids},
    }
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(report, indent=2) + "\n")
    failed = [item["scenario"] for item in results if sum(item["errors"].values())]
    print(f"\nfigures written to {output}")
    if failed:
        fail("requests failed under load in: " + ", ".join(failed))


if __name__ == "__main__":
    main()
