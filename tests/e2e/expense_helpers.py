"""Helpers shared by the expense tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests

from conftest import EXPENSE, Api, User, body, describe

# Expense items are dated a week back: receipts describe money already spent.
ITEM_DATE = dt.date.today() - dt.timedelta(days=7)


def create_claim(api: Api, user: User, title: str = "E2E claim") -> dict:
    doc = body(api.post(f"{EXPENSE}/claims", token=user.token, json={"title": title}), 201)
    assert doc["status"] == "draft", doc
    assert doc["user_id"] == user.id, doc
    return doc


def item_body(amount: str, currency: str, category: str = "travel", date: dt.date | None = None,
              merchant: str = "Deutsche Bahn", description: str = "Train to the customer") -> dict:
    return {
        "date": (date or ITEM_DATE).isoformat(),
        "category": category,
        "amount": {"amount": amount, "currency": currency},
        "merchant": merchant,
        "description": description,
    }


def post_item(api: Api, user: User, claim_id: str, amount: str, currency: str, **kwargs: Any) -> requests.Response:
    return api.post(f"{EXPENSE}/claims/{claim_id}/items", token=user.token,
                    json=item_body(amount, currency, **kwargs))


def add_item(api: Api, user: User, claim_id: str, amount: str, currency: str, **kwargs: Any) -> dict:
    return body(post_item(api, user, claim_id, amount, currency, **kwargs), 201)


def get_claim(api: Api, token: str, claim_id: str) -> dict:
    return body(api.get(f"{EXPENSE}/claims/{claim_id}", token=token), 200)


def upload_receipt(api: Api, token: str, claim_id: str, item_id: str, data: bytes,
                   content_type: str) -> requests.Response:
    return api.put(f"{EXPENSE}/claims/{claim_id}/items/{item_id}/receipt", token=token, data=data,
                   headers={"Content-Type": content_type})


def transition(api: Api, token: str, claim_id: str, action: str, json: dict | None = None,
               headers: dict | None = None) -> requests.Response:
    return api.post(f"{EXPENSE}/claims/{claim_id}/{action}", token=token, json=json or {}, headers=headers)


def assert_claim_status(resp: requests.Response, status: str) -> dict:
    doc = body(resp, 200)
    assert doc.get("status") == status, f"expected claim status {status!r}: {describe(resp)}"
    return doc


def submitted_claim(api: Api, user: User, base: str, category: str, amount: str = "42.50") -> tuple[dict, dict]:
    """Create a claim with one item, submit it and return the submitted claim and the item."""
    claim = create_claim(api, user)
    item = add_item(api, user, claim["id"], amount, base, category=category, merchant="Hardware shop",
                    description="Cable ties")
    submitted = assert_claim_status(transition(api, user.token, claim["id"], "submit"), "submitted")
    return submitted, item
