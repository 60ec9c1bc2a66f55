"""Load the example company into a running Kronos stack through its public API.

Signs in as the admin, imports examples/org.csv and the holiday calendar, and writes the sign-in
details of the users the import created to KRONOS_DEMO_CREDENTIALS (mode 0600). Run it through
`./kronos demo`, which sets the environment variables read below.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import requests

TIMEOUT_S = 30


def fail(message: str) -> None:
    print(f"kronos demo: error: {message}", file=sys.stderr)
    sys.exit(1)


def post(session: requests.Session, url: str, **kwargs) -> dict:
    try:
        resp = session.post(url, timeout=TIMEOUT_S, allow_redirects=False, **kwargs)
    except requests.RequestException as exc:
        fail(f"POST {url} failed: {exc}")
    if resp.status_code != 200:
        fail(f"POST {url} returned {resp.status_code}: {resp.text[:500]}")
    try:
        return resp.json()
    except ValueError:
        fail(f"POST {url} returned a body that is not JSON: {resp.text[:200]}")
    raise AssertionError("unreachable")


def write_credentials(path: Path, base_url: str, credentials: list[dict]) -> None:
    """Append the new users' sign-in details, so those of an earlier run are never lost."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.fchmod(fd, 0o600)
    with os.fdopen(fd, "a", encoding="utf-8") as out:
        if out.tell() == 0:
            out.write("# Sign-in details of the users created by ./kronos demo.\n"
                      "# Each temporary password works once: the first sign-in asks for a new one.\n"
                      f"# Gateway: {base_url}\n"
                      "email,temporary_password\n")
        for credential in credentials:
            out.write(f"{credential['email']},{credential['temporary_password']}\n")


def main() -> None:
    base_url = os.environ["KRONOS_BASE_URL"].rstrip("/")
    examples = Path(os.environ["KRONOS_REPO"]) / "examples"
    credentials_path = Path(os.environ["KRONOS_DEMO_CREDENTIALS"])
    email = os.environ["KRONOS_ADMIN_EMAIL"]
    password = Path(os.environ["KRONOS_ADMIN_PASSWORD_FILE"]).read_text(encoding="utf-8").strip()

    session = requests.Session()
    # Proxy settings of the caller's environment must not divert loopback traffic.
    session.trust_env = False

    login = post(session, f"{base_url}/api/v1/auth/login", json={"email": email, "password": password})
    session.headers["Authorization"] = f"Bearer {login['access_token']}"

    org = (examples / "org.csv").read_bytes()
    users = post(session, f"{base_url}/api/v1/auth/users/import", data=org,
                 headers={"Content-Type": "text/csv"})
    print(f"users: {users.get('created', 0)} created, {users.get('updated', 0)} updated, "
          f"{users.get('unchanged', 0)} unchanged")
    for error in users.get("errors") or []:
        print(f"  org.csv line {error.get('line')}: {error.get('message')}")

    # The import returns each temporary password once, so they are saved before anything else
    # can fail.
    credentials = users.get("credentials") or []
    if credentials:
        write_credentials(credentials_path, base_url, credentials)
        print(f"sign-in details of {len(credentials)} new users: {credentials_path}")
    else:
        # A second run creates nobody, so the file from the first run is kept.
        print(f"no users were created, so {credentials_path} is unchanged")

    calendar = (examples / "holidays-gb-eng-2026-2027.ics").read_bytes()
    holidays = post(session, f"{base_url}/api/v1/leave/holidays/import", data=calendar,
                    headers={"Content-Type": "text/calendar"})
    print(f"holidays: {holidays.get('created', 0)} created, {holidays.get('updated', 0)} updated")
    for error in holidays.get("errors") or []:
        print(f"  calendar: {error}")


if __name__ == "__main__":
    main()
