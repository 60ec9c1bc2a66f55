"""Expense categories, exchange rates and the payroll CSV report."""

import csv
import datetime as dt
import io
import uuid
from decimal import Decimal

import pytest

from conftest import EXPENSE, Api, User, assert_field_error, assert_forbidden, body, describe, expect, problem
from expense_helpers import (add_item, assert_claim_status, create_claim, get_claim, submitted_claim, transition,
                             upload_receipt)

DEFAULT_CATEGORIES = {"travel", "meals", "lodging", "supplies", "other"}

# Rates are stored for this date only, a month back so items may be dated on it.
RATE_DATE = dt.date.today() - dt.timedelta(days=30)


def categories_by_code(api: Api, token: str) -> dict:
    doc = body(api.get(f"{EXPENSE}/categories", token=token), 200)
    assert isinstance(doc, list), f"GET /categories should return a list: {doc!r}"
    return {c["code"]: c for c in doc}


def foreign_currency(base: str) -> str:
    return "USD" if base != "USD" else "GBP"


def rate_of(doc, currency: str) -> Decimal:
    """Read one rate from GET /rates, which nests them under "rates" or returns them at the top level."""
    rates = doc.get("rates", doc) if isinstance(doc, dict) else {}
    assert currency in rates, f"no {currency} rate in {doc}"
    return Decimal(str(rates[currency]))


# --------------------------------------------------------------------------- categories


def test_list_categories_defaults(api: Api, reader: User) -> None:
    categories = categories_by_code(api, reader.token)
    assert DEFAULT_CATEGORIES <= set(categories), f"default categories missing: {sorted(categories)}"
    for code, category in categories.items():
        for key in ("code", "name", "max_per_item", "receipt_required_over"):
            assert key in category, f"category {code} lacks {key!r}: {category}"


@pytest.mark.parametrize("creator_role", ["hr", "admin"])
def test_create_category_by_hr_or_admin(api: Api, make_user, admin_token: str, base_currency: str,
                                        creator_role: str) -> None:
    token = admin_token if creator_role == "admin" else make_user("hr").token
    code = f"e2e_{uuid.uuid4().hex[:8]}"
    limit = {"amount": "150.00", "currency": base_currency}
    expect(api.post(f"{EXPENSE}/categories", token=token,
                    json={"code": code, "name": "Conference fees", "max_per_item": limit,
                          "receipt_required_over": None}), 201)
    created = categories_by_code(api, token)[code]
    assert created["name"] == "Conference fees", created
    assert created["max_per_item"] == limit, created
    assert created["receipt_required_over"] is None, created


def test_create_category_duplicate_conflict(api: Api, hr: User) -> None:
    problem(api.post(f"{EXPENSE}/categories", token=hr.token,
                     json={"code": "travel", "name": "Travel again", "max_per_item": None,
                           "receipt_required_over": None}), 409)


def test_create_category_missing_name_invalid(api: Api, hr: User) -> None:
    resp = api.post(f"{EXPENSE}/categories", token=hr.token, json={"code": f"e2e_{uuid.uuid4().hex[:8]}"})
    assert_field_error(resp, "name")


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_create_category_by_non_hr_forbidden(api: Api, make_user, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    assert_forbidden(api.post(f"{EXPENSE}/categories", token=caller.token,
                              json={"code": f"e2e_{uuid.uuid4().hex[:8]}", "name": "Mine",
                                    "max_per_item": None, "receipt_required_over": None}))


def test_update_category_by_hr(api: Api, hr: User, base_currency: str) -> None:
    code = f"e2e_{uuid.uuid4().hex[:8]}"
    expect(api.post(f"{EXPENSE}/categories", token=hr.token,
                    json={"code": code, "name": "Before", "max_per_item": None, "receipt_required_over": None}), 201)
    threshold = {"amount": "40.00", "currency": base_currency}
    expect(api.patch(f"{EXPENSE}/categories/{code}", token=hr.token,
                     json={"name": "After", "receipt_required_over": threshold}), 200)
    updated = categories_by_code(api, hr.token)[code]
    assert updated["name"] == "After", updated
    assert updated["receipt_required_over"] == threshold, updated


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_update_category_by_non_hr_forbidden(api: Api, make_user, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    assert_forbidden(api.patch(f"{EXPENSE}/categories/travel", token=caller.token, json={"max_per_item": None}))


def test_update_category_unknown_not_found(api: Api, hr: User) -> None:
    problem(api.patch(f"{EXPENSE}/categories/no_such_{uuid.uuid4().hex[:6]}", token=hr.token,
                      json={"name": "Ghost"}), 404)


# --------------------------------------------------------------------------- rates


@pytest.mark.parametrize("setter_role", ["hr", "admin"])
def test_put_rates_then_get(api: Api, make_user, admin_token: str, reader: User, base_currency: str,
                            setter_role: str) -> None:
    token = admin_token if setter_role == "admin" else make_user("hr").token
    currency = foreign_currency(base_currency)
    expect(api.put(f"{EXPENSE}/rates/{RATE_DATE.isoformat()}", token=token,
                   json={"rates": {currency: "0.5000"}}), 200, 204)
    doc = body(api.get(f"{EXPENSE}/rates", token=reader.token, params={"date": RATE_DATE.isoformat()}), 200)
    assert rate_of(doc, currency) == Decimal("0.5"), doc


def test_get_rates_later_date_uses_rate_in_force(api: Api, hr: User, reader: User, base_currency: str) -> None:
    currency = foreign_currency(base_currency)
    expect(api.put(f"{EXPENSE}/rates/{RATE_DATE.isoformat()}", token=hr.token,
                   json={"rates": {currency: "0.5000"}}), 200, 204)
    later = RATE_DATE + dt.timedelta(days=1)
    doc = body(api.get(f"{EXPENSE}/rates", token=reader.token, params={"date": later.isoformat()}), 200)
    assert rate_of(doc, currency) == Decimal("0.5"), doc


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_put_rates_by_non_hr_forbidden(api: Api, make_user, base_currency: str, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    assert_forbidden(api.put(f"{EXPENSE}/rates/{RATE_DATE.isoformat()}", token=caller.token,
                             json={"rates": {foreign_currency(base_currency): "99.0"}}))


def test_put_rates_malformed_rate_invalid(api: Api, hr: User, base_currency: str) -> None:
    resp = api.put(f"{EXPENSE}/rates/{RATE_DATE.isoformat()}", token=hr.token,
                   json={"rates": {foreign_currency(base_currency): "not-a-number"}})
    problem(resp, 422)


def test_add_item_foreign_currency_converted_half_even(api: Api, hr: User, make_user, base_currency: str,
                                                       free_category: str) -> None:
    currency = foreign_currency(base_currency)
    expect(api.put(f"{EXPENSE}/rates/{RATE_DATE.isoformat()}", token=hr.token,
                   json={"rates": {currency: "0.5000"}}), 200, 204)
    user: User = make_user("employee")
    claim = create_claim(api, user)

    # 0.05 * 0.5 = 0.025 and 0.15 * 0.5 = 0.075: half-even gives 0.02 and 0.08 (half-up: 0.03).
    cases = [("0.05", "0.02"), ("0.15", "0.08"), ("10.00", "5.00")]
    for amount, expected in cases:
        item = add_item(api, user, claim["id"], amount, currency, category=free_category, date=RATE_DATE)
        assert item["amount"] == {"amount": amount, "currency": currency}, item
        assert item["amount_base"] == {"amount": expected, "currency": base_currency}, item
        assert Decimal(str(item["rate"])) == Decimal("0.5"), item

    total = get_claim(api, user.token, claim["id"])["total"]
    assert total == {"amount": "5.10", "currency": base_currency}, total


# --------------------------------------------------------------------------- payroll report


def read_report(api: Api, token: str, **params) -> tuple[list[str], list[list[str]], bytes]:
    resp = expect(api.get(f"{EXPENSE}/reports/claims.csv", token=token, params=params), 200)
    assert resp.headers.get("Content-Type", "").startswith("text/csv"), describe(resp)
    text = resp.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows, "the report has no header row"
    return rows[0], rows[1:], resp.content


@pytest.mark.parametrize("reader_role", ["hr", "admin"])
def test_get_claims_report_one_row_per_item(api: Api, make_user, admin_token: str, base_currency: str,
                                            free_category: str, receipt_png: bytes, reader_role: str) -> None:
    owner: User = make_user("employee")
    approver: User = make_user("hr")
    claim = create_claim(api, owner, title=f"Report check {uuid.uuid4().hex[:6]}")
    merchant = 'Café "Zur Post", Berlin'
    items = [
        add_item(api, owner, claim["id"], "12.34", base_currency, category=free_category, merchant=merchant,
                 description="Lunch with a customer,\nsecond line"),
        add_item(api, owner, claim["id"], "7.66", base_currency, category=free_category, merchant="Kiosk"),
    ]
    expect(upload_receipt(api, owner.token, claim["id"], items[0]["id"], receipt_png, "image/png"), 204)
    assert_claim_status(transition(api, owner.token, claim["id"], "submit"), "submitted")
    assert_claim_status(transition(api, approver.token, claim["id"], "approve"), "approved")

    token = admin_token if reader_role == "admin" else make_user("hr").token
    header, rows, raw = read_report(api, token, status="approved")
    assert len(header) >= 3, f"report header too short: {header}"
    assert b"\r\n" in raw, "RFC 4180 CSV uses CRLF line breaks"
    assert all(len(row) == len(header) for row in rows), "every row must have as many fields as the header"

    item_ids = {i["id"] for i in items}
    ours = [row for row in rows if claim["id"] in row or item_ids & set(row)]
    assert len(ours) == len(items), f"expected {len(items)} rows for claim {claim['id']}, got {ours}"
    cells = {cell for row in ours for cell in row}
    assert merchant in cells, f"merchant with quote and comma not round-tripped: {ours}"
    assert "12.34" in cells, ours
    assert "7.66" in cells, ours


def test_get_claims_report_status_filter(api: Api, make_user, hr: User, base_currency: str,
                                         free_category: str) -> None:
    owner: User = make_user("employee")
    submitted, item = submitted_claim(api, owner, base_currency, free_category)
    _, approved_rows, _ = read_report(api, hr.token, status="approved")
    assert not [row for row in approved_rows if submitted["id"] in row or item["id"] in row], \
        "a submitted claim appears in the approved report"
    _, submitted_rows, _ = read_report(api, hr.token, status="submitted")
    assert [row for row in submitted_rows if submitted["id"] in row or item["id"] in row], \
        "a submitted claim is missing from the submitted report"


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_get_claims_report_by_non_hr_forbidden(api: Api, make_user, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    assert_forbidden(api.get(f"{EXPENSE}/reports/claims.csv", token=caller.token))
