"""Fixtures and helpers for the black-box API tests.

Every request goes through the gateway at KRONOS_BASE_URL (or KRONOS_HTTPS_URL, which uses a
self-signed certificate). The runner also sets KRONOS_ADMIN_EMAIL, KRONOS_ADMIN_PASSWORD_FILE,
KRONOS_STATE_DIR and KRONOS_REPO. Without KRONOS_BASE_URL every test is skipped.

Users are created per test with unique emails, so the suite can run twice against one stack.
Tokens are cached on the user objects because the gateway rate-limits the login route.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
import threading
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterable

import pytest
import requests
import urllib3

AUTH = "/api/v1/auth"
LEAVE = "/api/v1/leave"
EXPENSE = "/api/v1/expense"
SERVICES = {"auth": AUTH, "leave": LEAVE, "expense": EXPENSE}

REQUEST_TIMEOUT_S = 10.0
EMAIL_DOMAIN = "e2e.larkspur-robotics.example"
RUN_ID = uuid.uuid4().hex[:8]

# Re-login this long before the access token expires, so a long run never sends a stale token.
TOKEN_RENEW_MARGIN_S = 60

# The directory in leave and expense follows auth's event stream with some lag.
DIRECTORY_LAG_S = 10.0

urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)


def repo_root() -> Path:
    return Path(os.environ.get("KRONOS_REPO") or Path(__file__).resolve().parents[2])


def examples_dir() -> Path:
    return repo_root() / "examples"


# --------------------------------------------------------------------------- HTTP client


def describe(resp: requests.Response) -> str:
    """Format a response for assertion messages: method, URL, status and up to 2000 body chars."""
    body = resp.text if resp.content is not None else ""
    if len(body) > 2000:
        body = body[:2000] + "..."
    req = resp.request
    return f"{req.method} {req.path_url} -> {resp.status_code} {resp.headers.get('Content-Type', '')}: {body}"


class Api:
    """HTTP client bound to one gateway URL, with a 10 s timeout on every request.

    `token=` adds `Authorization: Bearer <token>`. Each thread gets its own session, so one
    instance may be shared between threads.
    """

    def __init__(self, base_url: str, verify: bool = True):
        self.base_url = base_url.rstrip("/")
        self.verify = verify
        self._local = threading.local()

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            # Proxy variables of the caller's environment must not divert traffic meant for the gateway.
            session.trust_env = False
            self._local.session = session
        return session

    def url(self, path: str) -> str:
        return self.base_url + path

    def request(self, method: str, path: str, token: str | None = None, headers: dict | None = None,
                **kwargs: Any) -> requests.Response:
        all_headers = dict(headers or {})
        if token is not None:
            all_headers["Authorization"] = f"Bearer {token}"
        kwargs.setdefault("timeout", REQUEST_TIMEOUT_S)
        kwargs.setdefault("allow_redirects", False)
        return self._session().request(method, self.url(path), headers=all_headers, verify=self.verify, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PATCH", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("DELETE", path, **kwargs)


# --------------------------------------------------------------------------- assertions


def expect(resp: requests.Response, *statuses: int) -> requests.Response:
    """Assert that the response status is one of `statuses` and return the response."""
    assert resp.status_code in statuses, f"expected {statuses}, got {describe(resp)}"
    return resp


def body(resp: requests.Response, *statuses: int) -> Any:
    """Assert the status and return the parsed JSON body."""
    expect(resp, *statuses)
    try:
        return resp.json()
    except ValueError as exc:
        raise AssertionError(f"response body is not JSON: {describe(resp)}") from exc


def problem(resp: requests.Response, status: int) -> dict:
    """Assert an RFC 9457 problem response with `status` and return its body."""
    expect(resp, status)
    content_type = resp.headers.get("Content-Type", "")
    assert content_type.startswith("application/problem+json"), \
        f"expected application/problem+json, got {describe(resp)}"
    doc = resp.json()
    for key in ("type", "title", "status", "request_id"):
        assert key in doc, f"problem body lacks {key!r}: {describe(resp)}"
    assert doc["status"] == status, f"problem status field differs from HTTP status: {describe(resp)}"
    return doc


def problem_fields(resp: requests.Response, status: int = 422) -> set[str]:
    """Assert a validation problem and return the set of `errors[].field` values."""
    doc = problem(resp, status)
    errors = doc.get("errors")
    assert isinstance(errors, list) and errors, f"validation problem without errors[]: {describe(resp)}"
    return {e.get("field") for e in errors}


def assert_field_error(resp: requests.Response, field_name: str, status: int = 422) -> None:
    fields = problem_fields(resp, status)
    assert field_name in fields, f"errors[] should name {field_name!r}, named {fields}: {describe(resp)}"


def assert_hidden(resp: requests.Response) -> None:
    """Assert the 404 that the contract gives for a resource the caller may not see."""
    problem(resp, 404)


def assert_forbidden(resp: requests.Response) -> None:
    problem(resp, 403)


def items_of(resp: requests.Response) -> list:
    """Assert a 200 list page `{items, next_cursor}` and return its items."""
    doc = body(resp, 200)
    assert isinstance(doc, dict) and isinstance(doc.get("items"), list), f"not a list page: {describe(resp)}"
    assert "next_cursor" in doc, f"list page lacks next_cursor: {describe(resp)}"
    return doc["items"]


def collect_items(api: "Api", path: str, token: str, params: dict | None = None, max_pages: int = 50) -> list:
    """Follow next_cursor through every page of a list route and return all items."""
    params = dict(params or {})
    params.setdefault("limit", 200)
    collected: list = []
    for _ in range(max_pages):
        resp = api.get(path, token=token, params=params)
        collected += items_of(resp)
        cursor = resp.json().get("next_cursor")
        if not cursor:
            return collected
        params["cursor"] = cursor
    raise AssertionError(f"{path} returned more than {max_pages} pages")


def eventually(fn: Callable[[], Any], timeout: float = DIRECTORY_LAG_S, interval: float = 0.25) -> Any:
    """Call `fn` until it stops raising AssertionError and return its result.

    Only for checks where the contract allows lag, such as the leave and expense directories
    catching up with auth's events. The last AssertionError is raised after `timeout` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            return fn()
        except AssertionError:
            if time.monotonic() >= deadline:
                raise
        time.sleep(interval)


# --------------------------------------------------------------------------- tokens


def b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def jwt_parts(token: str) -> tuple[dict, dict]:
    """Decode a JWT's header and claims without verifying it."""
    pieces = token.split(".")
    assert len(pieces) == 3, f"access token is not a compact JWS: {token[:40]}..."
    return json.loads(b64url_decode(pieces[0])), json.loads(b64url_decode(pieces[1]))


def unique_email(label: str) -> str:
    return f"{label}-{RUN_ID}-{uuid.uuid4().hex[:8]}@{EMAIL_DOMAIN}"


def new_password() -> str:
    return "Kr0nos-" + secrets.token_urlsafe(15)


# --------------------------------------------------------------------------- users


@dataclass
class User:
    """A user created for a test, with its password and a cached access token."""

    api: Api
    id: str
    email: str
    password: str
    name: str
    role: str
    manager_id: str | None
    login_body: dict = field(default_factory=dict, repr=False)
    obtained_at: float = 0.0

    @property
    def refresh_token(self) -> str:
        return self.login_body["refresh_token"]

    @property
    def token(self) -> str:
        expires_in = float(self.login_body.get("expires_in") or 900)
        if time.monotonic() - self.obtained_at > expires_in - TOKEN_RENEW_MARGIN_S:
            self.login()
        return self.login_body["access_token"]

    @property
    def headers(self) -> dict:
        return {"Authorization": f"Bearer {self.token}"}

    def login(self) -> dict:
        """Sign in with the current password, replacing the cached token pair."""
        self.login_body = login(self.api, self.email, self.password)
        self.obtained_at = time.monotonic()
        return self.login_body


def login(api: Api, email: str, password: str) -> dict:
    resp = api.post(f"{AUTH}/login", json={"email": email, "password": password})
    doc = body(resp, 200)
    assert doc.get("token_type") == "Bearer", f"token_type should be Bearer: {describe(resp)}"
    assert doc.get("access_token"), f"login lacks access_token: {describe(resp)}"
    assert doc.get("refresh_token"), f"login lacks refresh_token: {describe(resp)}"
    return doc


def change_temporary_password(api: Api, email: str, temporary_password: str, password: str) -> None:
    """Sign in with a temporary password and set `password` through the change token."""
    resp = api.post(f"{AUTH}/login", json={"email": email, "password": temporary_password})
    doc = problem(resp, 403)
    assert doc["type"].endswith("/password-change-required"), f"unexpected problem type: {describe(resp)}"
    change_token = doc.get("change_token")
    assert change_token, f"password-change-required lacks change_token: {describe(resp)}"

    resp = api.post(f"{AUTH}/me/password", token=change_token,
                    json={"current_password": temporary_password, "new_password": password})
    expect(resp, 204)


def create_user(api: Api, creator_token: str, role: str = "employee", manager_id: str | None = None,
                name: str | None = None, label: str | None = None) -> User:
    """Create a user through POST /users, replace its temporary password and sign it in."""
    email = unique_email(label or role)
    name = name or f"E2E {role.capitalize()} {uuid.uuid4().hex[:6]}"
    payload: dict[str, Any] = {"email": email, "name": name, "role": role}
    if manager_id is not None:
        payload["manager_id"] = manager_id
    created = body(api.post(f"{AUTH}/users", token=creator_token, json=payload), 201)
    temporary = created.get("temporary_password")
    assert temporary, f"POST /users without password should return temporary_password: {created}"

    password = new_password()
    change_temporary_password(api, email, temporary, password)
    user = User(api=api, id=created["id"], email=email, password=password, name=name, role=role,
                manager_id=manager_id)
    user.login()
    return user


class AdminSession:
    """The runner's admin account, signed in once and again only when the token nears expiry."""

    def __init__(self, api: Api, email: str, password: str):
        self.api = api
        self.email = email
        self.password = password
        self.login_body: dict = {}
        self.obtained_at = 0.0

    @property
    def token(self) -> str:
        expires_in = float(self.login_body.get("expires_in") or 900)
        if not self.login_body or time.monotonic() - self.obtained_at > expires_in - TOKEN_RENEW_MARGIN_S:
            self.login_body = login(self.api, self.email, self.password)
            self.obtained_at = time.monotonic()
        return self.login_body["access_token"]

    @property
    def id(self) -> str:
        self.token
        return self.login_body["user"]["id"]


# --------------------------------------------------------------------------- dates


def next_year() -> int:
    return dt.date.today().year + 1


def monday_of_week(year: int, week: int) -> dt.date:
    """Return the Monday of ISO week `week` in `year`."""
    return dt.date.fromisocalendar(year, week, 1)


def holiday_dates(api: Api, token: str, year: int) -> set[dt.date]:
    doc = body(api.get(f"{LEAVE}/holidays", token=token, params={"year": year}), 200)
    assert isinstance(doc, list), f"GET /holidays should return a list, got {doc!r}"
    return {dt.date.fromisoformat(h["date"]) for h in doc}


def holidays_between(api: Api, token: str, start: dt.date, end: dt.date) -> set[dt.date]:
    found: set[dt.date] = set()
    for year in range(start.year, end.year + 1):
        found |= holiday_dates(api, token, year)
    return {d for d in found if start <= d <= end}


def working_days(start: dt.date, end: dt.date, holidays: Iterable[dt.date]) -> list[dt.date]:
    holiday_set = set(holidays)
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5 and day not in holiday_set:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def free_week(api: Api, token: str, year: int, first_week: int) -> dt.date:
    """Return the Monday of the first ISO week from `first_week` on with no holiday on Mon-Fri."""
    holidays = holiday_dates(api, token, year)
    for week in range(first_week, 53):
        monday = monday_of_week(year, week)
        if not any(monday + dt.timedelta(days=i) in holidays for i in range(5)):
            return monday
    raise AssertionError(f"no week without holidays in {year} from week {first_week}")


def days_value(value: Any) -> Decimal:
    """Parse a leave duration, which the contract sends as a decimal string such as "2.5"."""
    return Decimal(str(value))


def balance_for(api: Api, token: str, leave_type: str, year: int, user_id: str | None = None) -> dict:
    params: dict[str, Any] = {"year": year}
    if user_id is not None:
        params["user_id"] = user_id
    resp = api.get(f"{LEAVE}/balances", token=token, params=params)
    doc = body(resp, 200)
    assert isinstance(doc, list), f"GET /balances should return a list: {describe(resp)}"
    for row in doc:
        if row.get("type") == leave_type and int(row.get("year")) == year:
            return row
    raise AssertionError(f"no {leave_type} balance for {year}: {describe(resp)}")


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def base_url() -> str:
    url = os.environ.get("KRONOS_BASE_URL")
    if not url:
        pytest.skip("KRONOS_BASE_URL is not set; these tests need a running Kronos stack")
    return url


@pytest.fixture(scope="session")
def api(base_url: str) -> Api:
    return Api(base_url)


@pytest.fixture(scope="session")
def https_api() -> Api:
    url = os.environ.get("KRONOS_HTTPS_URL")
    if not url:
        pytest.skip("KRONOS_HTTPS_URL is not set")
    # The test stack uses a self-signed certificate.
    return Api(url, verify=False)


@pytest.fixture(scope="session")
def admin_session(api: Api) -> AdminSession:
    email = os.environ.get("KRONOS_ADMIN_EMAIL")
    password_file = os.environ.get("KRONOS_ADMIN_PASSWORD_FILE")
    if not email or not password_file:
        pytest.skip("KRONOS_ADMIN_EMAIL and KRONOS_ADMIN_PASSWORD_FILE must be set")
    password = Path(password_file).read_text(encoding="utf-8").strip()
    return AdminSession(api, email, password)


@pytest.fixture
def admin_token(admin_session: AdminSession) -> str:
    """Access token of the runner's admin account, signed in once per session."""
    return admin_session.token


@pytest.fixture
def make_user(api: Api, admin_session: AdminSession) -> Callable[..., User]:
    """Factory: make_user(role, manager_id=None, name=None) -> signed-in User."""

    def factory(role: str = "employee", manager_id: str | None = None, name: str | None = None) -> User:
        return create_user(api, admin_session.token, role=role, manager_id=manager_id, name=name)

    return factory


@pytest.fixture(scope="session")
def hr(api: Api, admin_session: AdminSession) -> User:
    """An HR user shared by tests that only read or act on users they create themselves."""
    return create_user(api, admin_session.token, role="hr", label="shared-hr")


@pytest.fixture(scope="session")
def reader(api: Api, admin_session: AdminSession) -> User:
    """An employee shared by tests that only read reference data."""
    return create_user(api, admin_session.token, role="employee", label="shared-reader")


@dataclass
class Team:
    manager: User
    employee: User
    colleague: User
    stranger: User


@pytest.fixture
def team(make_user: Callable[..., User]) -> Team:
    """A manager with two reports, plus an employee from another team."""
    manager = make_user("manager")
    employee = make_user("employee", manager_id=manager.id)
    colleague = make_user("employee", manager_id=manager.id)
    stranger = make_user("employee")
    return Team(manager=manager, employee=employee, colleague=colleague, stranger=stranger)


@pytest.fixture(scope="session")
def receipt_png() -> bytes:
    return (examples_dir() / "expense-receipt.png").read_bytes()


@pytest.fixture(scope="session")
def receipt_pdf() -> bytes:
    return (examples_dir() / "expense-receipt.pdf").read_bytes()


@pytest.fixture(scope="session")
def base_currency(api: Api, reader: User) -> str:
    """The deployment's base currency, read from the total of a new claim."""
    claim = body(api.post(f"{EXPENSE}/claims", token=reader.token, json={"title": "Base currency probe"}), 201)
    currency = claim["total"]["currency"]
    if currency not in ("EUR", "USD", "GBP", "CHF"):
        pytest.skip(f"the expense tests assume a base currency with two decimals, got {currency}")
    return currency


@pytest.fixture(scope="session")
def free_category(api: Api, hr: User) -> str:
    """An expense category without limits, so no default policy changes what a test expects."""
    code = f"e2e_free_{RUN_ID}"
    resp = api.post(f"{EXPENSE}/categories", token=hr.token,
                    json={"code": code, "name": "E2E unlimited", "max_per_item": None,
                          "receipt_required_over": None})
    expect(resp, 201)
    return code
