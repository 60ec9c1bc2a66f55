"""Helpers shared by the leave tests."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import requests

from conftest import LEAVE, Api, User, body, days_value, describe, expect, free_week

# Tests that add a holiday put it in this ISO week of next year. Every other leave test takes
# weeks from free_week(), which skips weeks with a holiday, so the two never collide.
HOLIDAY_TEST_WEEK = 47


def iso(day: dt.date) -> str:
    return day.isoformat()


def leave_body(start: dt.date, end: dt.date, leave_type: str = "annual", start_half: str | None = None,
               end_half: str | None = None, reason: str | None = None) -> dict:
    payload: dict[str, Any] = {"type": leave_type, "start_date": iso(start), "end_date": iso(end)}
    if start_half is not None:
        payload["start_half"] = start_half
    if end_half is not None:
        payload["end_half"] = end_half
    if reason is not None:
        payload["reason"] = reason
    return payload


def post_request(api: Api, user: User, start: dt.date, end: dt.date, **kwargs: Any) -> requests.Response:
    return api.post(f"{LEAVE}/requests", token=user.token, json=leave_body(start, end, **kwargs))


def create_request(api: Api, user: User, start: dt.date, end: dt.date, **kwargs: Any) -> dict:
    doc = body(post_request(api, user, start, end, **kwargs), 201)
    assert doc["user_id"] == user.id, doc
    return doc


def preview(api: Api, user: User, start: dt.date, end: dt.date, **kwargs: Any) -> dict:
    return body(api.post(f"{LEAVE}/requests/preview", token=user.token,
                         json=leave_body(start, end, **kwargs)), 200)


def user_week(api: Api, user: User, year: int, first_week: int = 20) -> dt.date:
    """Return the Monday of a holiday-free week in `year`, at or after ISO week `first_week`."""
    return free_week(api, user.token, year, first_week)


def act(api: Api, actor_token: str, request_id: str, action: str, json: dict | None = None) -> requests.Response:
    return api.post(f"{LEAVE}/requests/{request_id}/{action}", token=actor_token, json=json or {})


def assert_days(doc: dict, expected: Decimal | int | float | str) -> None:
    assert days_value(doc["days"]) == Decimal(str(expected)), f"expected {expected} days: {doc}"


def assert_status(resp: requests.Response, status: str) -> dict:
    doc = body(resp, 200)
    assert doc.get("status") == status, f"expected status {status!r}: {describe(resp)}"
    return doc


def ensure_holiday(api: Api, token: str, day: dt.date, name: str) -> None:
    """Create a holiday, accepting that an earlier run of the suite already created it."""
    resp = api.post(f"{LEAVE}/holidays", token=token, json={"date": iso(day), "name": name})
    expect(resp, 200, 201, 409)


def types_by_code(api: Api, token: str) -> dict:
    doc = body(api.get(f"{LEAVE}/types", token=token), 200)
    assert isinstance(doc, list), f"GET /types should return a list: {doc!r}"
    return {t["code"]: t for t in doc}


def same_kind(sample, value: str):
    """Send a duration as the service sends it: a decimal string, or a number if it uses numbers."""
    return value if isinstance(sample, str) else float(value)


def new_type_body(api: Api, token: str, **overrides) -> dict:
    annual = types_by_code(api, token)["annual"]
    payload = {
        "code": f"e2e_{uuid.uuid4().hex[:8]}",
        "name": "E2E leave type",
        "paid": True,
        "requires_approval": True,
        "allowance_days": same_kind(annual["allowance_days"], "5.0"),
        "accrual": annual["accrual"],
        "carry_over_max_days": same_kind(annual["allowance_days"], "0.0"),
        "allow_negative": False,
        "allow_half_day": True,
    }
    payload.update(overrides)
    return payload
