"""A Compose container recreation, played out against the real Compose gateway configuration.

Run by test_gateway_dns.py inside fresh network and mount namespaces (`unshare --net --mount`),
as root:

    gateway_dns_scenario.py ETC_NGINX SCRATCH

The network namespace has only its own loopback interface, so every address below exists only
inside it. The scenario plays Docker's part: a DNS server on 127.0.0.11:53, the address Docker's
embedded DNS server has in every container, answers "auth" with the address of the current auth
"container", a small HTTP server on port 8001. nginx runs with ETC_NGINX mounted over
/etc/nginx, as in the gateway image. After the first request the auth server is stopped and a
second one starts on a new address, as `docker compose up -d --build auth` does, and the DNS
answer changes with it. The gateway receives no signal. The scenario prints one JSON object
with what each request reached.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from dnslib import QTYPE, RCODE, RR, A
from dnslib.server import BaseResolver, DNSLogger, DNSServer

DNS_ADDRESS = "127.0.0.11"
OLD_AUTH = "127.0.0.21"
NEW_AUTH = "127.0.0.22"
AUTH_PORT = 8001
# The Compose http.conf caches a DNS answer for 10 s (valid=10s), and 40 s leaves room for a slow
# run.
SWITCH_DEADLINE_S = 40
START_DEADLINE_S = 30


class ServiceNames(BaseResolver):
    """DNS resolver that returns A records for the names in `addresses` and NXDOMAIN for others."""

    def __init__(self) -> None:
        self.addresses: dict[str, str] = {}
        self.queries: list[str] = []

    def resolve(self, request, handler):
        reply = request.reply()
        name = str(request.q.qname).rstrip(".")
        self.queries.append(name)
        address = self.addresses.get(name)
        if address is None:
            reply.header.rcode = RCODE.NXDOMAIN
        elif request.q.qtype == QTYPE.A:
            reply.add_answer(RR(request.q.qname, QTYPE.A, rdata=A(address), ttl=1))
        return reply


def start_service(address: str, label: str) -> ThreadingHTTPServer:
    """Start an HTTP server on ADDRESS:8001 that puts LABEL in every response."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            body = json.dumps({"status": "ok", "instance": label}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer((address, AUTH_PORT), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def stop_service(server: ThreadingHTTPServer) -> None:
    server.shutdown()
    server.server_close()


def gateway_get(path: str) -> tuple[int, str]:
    """Send GET PATH through the gateway and return the status and the instance that answered."""
    request = urllib.request.Request(
        f"http://127.0.0.1:80{path}",
        headers={"Host": "localhost", "Accept": "application/json",
                 "User-Agent": "kronos-gateway-dns-test"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read()).get("instance", "")
    except urllib.error.HTTPError as error:
        return error.code, ""


def wait_for_port(host: str, port: int, deadline_s: float) -> bool:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((host, port), timeout=1):
                return True
        except OSError:
            time.sleep(0.2)
    return False


def mount_over(source: Path, target: str) -> None:
    subprocess.run(["mount", "--bind", str(source), target], check=True)


def main() -> int:
    etc_nginx, scratch = Path(sys.argv[1]), Path(sys.argv[2])
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    # The private mount namespace keeps these bind mounts, and nginx's pid file in /run, away
    # from the host. GET requests write no temporary files, so /tmp stays as it is.
    for name, target in (("var-lib-nginx", "/var/lib/nginx"), ("run", "/run")):
        folder = scratch / name
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o1777)
        mount_over(folder, target)
    mount_over(etc_nginx, "/etc/nginx")

    names = ServiceNames()
    names.addresses = {"auth": OLD_AUTH, "leave": "127.0.0.31", "expense": "127.0.0.41"}
    quiet = DNSLogger(log="-request,-reply,-truncated,-error,-recv,-send,-data",
                      logf=lambda text: print(text, file=sys.stderr))
    dns = DNSServer(names, address=DNS_ADDRESS, port=53, logger=quiet)
    dns.start_thread()

    old_service = start_service(OLD_AUTH, "old")
    log = open(scratch / "nginx.log", "wb")
    nginx = subprocess.Popen(["nginx", "-g", "daemon off;"], stdout=log, stderr=log, cwd="/")
    report: dict[str, object] = {"nginx_pid": nginx.pid}
    try:
        if not wait_for_port("127.0.0.1", 80, START_DEADLINE_S):
            report["error"] = "nginx did not listen on port 80"
            return finish(report, scratch)
        report["before"] = gateway_get("/api/v1/auth/health")

        # The recreation: the old container goes away, the new one has a new address.
        stop_service(old_service)
        new_service = start_service(NEW_AUTH, "new")
        names.addresses["auth"] = NEW_AUTH
        switched_at = time.monotonic()
        answers = []
        while time.monotonic() - switched_at < SWITCH_DEADLINE_S:
            status, instance = gateway_get("/api/v1/auth/health")
            answers.append([status, instance])
            if instance == "new":
                break
            time.sleep(0.5)
        report["after"] = answers
        report["seconds_to_new"] = round(time.monotonic() - switched_at, 1)
        report["gateway_running"] = nginx.poll() is None
        stop_service(new_service)
    finally:
        if nginx.poll() is None:
            nginx.send_signal(signal.SIGQUIT)
            try:
                nginx.wait(timeout=15)
            except subprocess.TimeoutExpired:
                nginx.kill()
                nginx.wait()
        dns.stop()
        log.close()
    report["dns_queries_for_auth"] = names.queries.count("auth")
    return finish(report, scratch)


def finish(report: dict[str, object], scratch: Path) -> int:
    report["nginx_log_tail"] = (scratch / "nginx.log").read_text(errors="replace")[-3000:]
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    os.umask(0o022)
    sys.exit(main())
