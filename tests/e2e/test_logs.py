"""Log output of the test stack: request ids followed end to end, secrets never written.

The runner keeps the stack's logs under $KRONOS_STATE_DIR/logs/. These tests read every file
there, so they see the gateway's and the services' logs whatever the files are called.
"""

import json
import os
import time
import uuid
from pathlib import Path

import pytest

from conftest import AUTH, LEAVE, Api, User, eventually, expect, login

# Time for the services and nginx to write out buffered log lines.
LOG_FLUSH_WAIT_S = 2.0


@pytest.fixture(scope="module")
def logs_dir() -> Path:
    state_dir = os.environ.get("KRONOS_STATE_DIR")
    if not state_dir:
        pytest.skip("KRONOS_STATE_DIR is not set")
    path = Path(state_dir) / "logs"
    if not path.is_dir():
        pytest.skip(f"no log folder at {path}")
    return path


def lines_containing(logs_dir: Path, needle: str) -> list[str]:
    found = []
    encoded = needle.encode()
    for path in sorted(logs_dir.rglob("*")):
        if not path.is_file():
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if encoded in data:
            found += [line.decode("utf-8", "replace") for line in data.splitlines() if encoded in line]
    return found


def test_request_id_in_gateway_and_service_logs(api: Api, make_user, logs_dir: Path) -> None:
    user: User = make_user("employee")
    request_id = f"e2e-log-{uuid.uuid4()}"
    expect(api.get(f"{LEAVE}/types", token=user.token, headers={"X-Request-ID": request_id}), 200)

    def check():
        lines = lines_containing(logs_dir, request_id)
        assert len(lines) >= 2, f"request id should appear in the gateway and the leave log, found {lines}"
        services = set()
        for line in lines:
            try:
                services.add(json.loads(line).get("service"))
            except (ValueError, AttributeError):
                continue
        assert "leave" in services, f"no JSON log line from the leave service carries the id: {lines}"

    eventually(check, timeout=10)


def test_login_secrets_not_logged(api: Api, make_user, logs_dir: Path) -> None:
    user: User = make_user("employee")
    session = login(api, user.email, user.password)
    wrong_password = f"Wrong-{uuid.uuid4().hex}"
    api.post(f"{AUTH}/login", json={"email": user.email, "password": wrong_password})
    expect(api.get(f"{AUTH}/me", token=session["access_token"]), 200)
    time.sleep(LOG_FLUSH_WAIT_S)

    secrets = {
        "password": user.password,
        "wrong password": wrong_password,
        "access token": session["access_token"],
        "refresh token": session["refresh_token"],
    }
    for label, value in secrets.items():
        leaked = lines_containing(logs_dir, value)
        assert not leaked, f"the {label} was written to the logs: {leaked[:2]}"
