"""Fixtures of the kronosctl black-box tests.

The tests run the built kronosctl binary (KRONOSCTL, default build/tools/kronosctl/kronosctl)
against copies of this checkout and against a throw-away native stack. The stack starts the way
`./kronos test` starts its own: a fresh KRONOS_STATE_DIR, free ports for all seven listeners and
`./kronos up --no-build`. `./kronos reset --yes` deletes it afterwards, whatever happened.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
KRONOSCTL = Path(os.environ.get("KRONOSCTL", REPO / "build" / "tools" / "kronosctl" / "kronosctl"))

# Starting the stack builds nothing, but PostgreSQL's first initdb and the migrations take
# about 30 s on a 2-core machine.
STACK_START_TIMEOUT_S = 600


def run_kronosctl(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None,
                  timeout: float = 180) -> subprocess.CompletedProcess[str]:
    """Run kronosctl with ARGS and return its exit status and output."""
    if not KRONOSCTL.exists():
        pytest.fail(f"{KRONOSCTL} not found; build it with ninja -C build kronosctl or set KRONOSCTL")
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([str(KRONOSCTL), *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=timeout, check=False)


def free_ports(count: int) -> list[int]:
    """Return COUNT distinct TCP ports that nothing listens on right now."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def copy_tracked_files(destination: Path) -> Path:
    """Copy the files git tracks in this checkout into DESTINATION and make it a git checkout."""
    listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z"], capture_output=True,
                            check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if not source.is_file():
            continue
        target = destination / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    # Files the current work has not committed yet but the checks read.
    for name in ("docker-compose.yml", "deploy/services.list"):
        if (REPO / name).is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, destination / name)
    git_add_all(destination, initialise=True)
    return destination


def git_add_all(checkout: Path, initialise: bool = False) -> None:
    """Stage every file of CHECKOUT so that git ls-files lists it."""
    if initialise:
        subprocess.run(["git", "init", "-q", str(checkout)], check=True)
    subprocess.run(["git", "-C", str(checkout), "add", "-A", "."], check=True)


@dataclass
class NativeStack:
    state: Path
    http_port: int
    ports: dict[str, int]

    @property
    def env(self) -> dict[str, str]:
        return {"KRONOS_STATE_DIR": str(self.state)}

    def supervisorctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["supervisorctl", "-c", str(self.state / "supervisord.conf"), *args],
                              capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def native_stack():
    """A throw-away native stack on free ports, deleted after the module's tests."""
    if shutil.which("supervisorctl") is None or shutil.which("nginx") is None:
        pytest.skip("the native stack needs supervisor and nginx (./kronos up installs them)")
    state = Path(tempfile.mkdtemp(prefix="kronosctl-ops."))
    names = ["HTTP", "HTTPS", "AUTH", "LEAVE", "EXPENSE", "PG", "REDIS"]
    ports = dict(zip(names, free_ports(len(names))))
    env = dict(os.environ)
    env.update({f"KRONOS_{name}_PORT": str(port) for name, port in ports.items()})
    env.update({"KRONOS_STATE_DIR": str(state), "KRONOS_BIND": "127.0.0.1"})
    try:
        started = subprocess.run([str(REPO / "kronos"), "up", "--no-build"], cwd=REPO, env=env,
                                 capture_output=True, text=True, timeout=STACK_START_TIMEOUT_S,
                                 check=False)
        if started.returncode != 0:
            pytest.fail(f"./kronos up failed ({started.returncode}):\n{started.stdout}\n{started.stderr}")
        yield NativeStack(state=state, http_port=ports["HTTP"], ports=ports)
    finally:
        subprocess.run([str(REPO / "kronos"), "reset", "--yes"], cwd=REPO,
                       env={**os.environ, "KRONOS_STATE_DIR": str(state)},
                       capture_output=True, timeout=300, check=False)
        shutil.rmtree(state, ignore_errors=True)
