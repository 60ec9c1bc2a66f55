"""Expense claims: items, money, receipts, the state machine, roles and optimistic locking."""

import uuid

import pytest

from conftest import (EXPENSE, Api, User, assert_field_error, assert_forbidden, assert_hidden, body, collect_items,
                      describe, eventually, expect, items_of, problem, problem_fields)
from expense_helpers import (ITEM_DATE, add_item, assert_claim_status, create_claim, get_claim, item_body,
                             post_item, submitted_claim, transition, upload_receipt)

TEN_MIB = 10 * 1024 * 1024


def claim_path(claim_id: str) -> str:
    return f"{EXPENSE}/claims/{claim_id}"


# --------------------------------------------------------------------------- claims


def test_create_claim_draft(api: Api, make_user, base_currency: str) -> None:
    user: User = make_user("employee")
    doc = create_claim(api, user, title="Trip to Łódź")
    for key in ("id", "user_id", "user_name", "title", "status", "total", "approver_id", "submitted_at",
                "decided_by", "decided_at", "note", "reimbursed_at", "reference", "version"):
        assert key in doc, f"claim lacks {key!r}: {doc}"
    assert doc["title"] == "Trip to Łódź", doc
    assert doc["user_name"] == user.name, doc
    assert doc["total"] == {"amount": "0.00", "currency": base_currency}, doc


def test_create_claim_missing_title_invalid(api: Api, reader: User) -> None:
    assert_field_error(api.post(f"{EXPENSE}/claims", token=reader.token, json={}), "title")


def test_create_claim_without_token_unauthorized(api: Api) -> None:
    problem(api.post(f"{EXPENSE}/claims", json={"title": "Anonymous"}), 401)


def test_update_claim_title_by_owner(api: Api, make_user) -> None:
    user: User = make_user("employee")
    claim = create_claim(api, user)
    doc = body(api.patch(claim_path(claim["id"]), token=user.token, json={"title": "Renamed claim"}), 200)
    assert doc["title"] == "Renamed claim", doc
    assert doc["version"] != claim["version"], f"version did not change: {claim['version']} -> {doc['version']}"


@pytest.mark.parametrize("editor_role", ["hr", "admin"])
def test_update_claim_by_hr_or_admin_forbidden(api: Api, make_user, admin_token: str, editor_role: str) -> None:
    user: User = make_user("employee")
    claim = create_claim(api, user)
    token = admin_token if editor_role == "admin" else make_user("hr").token
    assert_forbidden(api.patch(claim_path(claim["id"]), token=token, json={"title": "Not yours"}))


def test_update_claim_by_manager_forbidden(api: Api, team) -> None:
    claim = create_claim(api, team.employee)
    eventually(lambda: assert_forbidden(api.patch(claim_path(claim["id"]), token=team.manager.token,
                                                  json={"title": "Not yours"})))


@pytest.mark.parametrize("viewer", ["colleague", "stranger"])
def test_update_claim_by_other_employee_hidden(api: Api, team, viewer: str) -> None:
    claim = create_claim(api, team.employee)
    assert_hidden(api.patch(claim_path(claim["id"]), token=getattr(team, viewer).token, json={"title": "x"}))


def test_update_claim_stale_if_match_conflict(api: Api, make_user) -> None:
    user: User = make_user("employee")
    claim = create_claim(api, user)
    first_version = str(claim["version"])
    current = body(api.patch(claim_path(claim["id"]), token=user.token, json={"title": "First edit"},
                             headers={"If-Match": first_version}), 200)

    problem(api.patch(claim_path(claim["id"]), token=user.token, json={"title": "Lost update"},
                      headers={"If-Match": first_version}), 409)
    assert get_claim(api, user.token, claim["id"])["title"] == "First edit"

    latest = body(api.patch(claim_path(claim["id"]), token=user.token, json={"title": "Second edit"},
                            headers={"If-Match": str(current["version"])}), 200)
    assert latest["title"] == "Second edit", latest


@pytest.mark.parametrize("viewer", ["owner", "hr", "admin"])
def test_get_claim_by_allowed_roles(api: Api, make_user, admin_token: str, free_category: str,
                                    base_currency: str, viewer: str) -> None:
    owner: User = make_user("employee")
    claim = create_claim(api, owner)
    add_item(api, owner, claim["id"], "10.00", base_currency, category=free_category)
    token = {"owner": owner.token, "hr": make_user("hr").token, "admin": admin_token}[viewer]
    doc = get_claim(api, token, claim["id"])
    assert len(doc["items"]) == 1, doc


def test_get_claim_by_manager(api: Api, team) -> None:
    claim = create_claim(api, team.employee)
    eventually(lambda: get_claim(api, team.manager.token, claim["id"]))


@pytest.mark.parametrize("viewer", ["colleague", "stranger"])
def test_get_claim_by_other_employee_hidden(api: Api, team, viewer: str) -> None:
    claim = create_claim(api, team.employee)
    assert_hidden(api.get(claim_path(claim["id"]), token=getattr(team, viewer).token))


def test_get_claim_unknown_not_found(api: Api, hr: User) -> None:
    problem(api.get(claim_path(str(uuid.uuid4())), token=hr.token), 404)


# --------------------------------------------------------------------------- items and money


def test_add_item_total_in_minor_units(api: Api, make_user, base_currency: str, free_category: str) -> None:
    user: User = make_user("employee")
    claim = create_claim(api, user)
    first = add_item(api, user, claim["id"], "12.34", base_currency, category=free_category)
    for key in ("id", "date", "category", "amount", "rate", "amount_base", "merchant", "description",
                "has_receipt", "policy_violations"):
        assert key in first, f"item lacks {key!r}: {first}"
    assert first["amount"] == {"amount": "12.34", "currency": base_currency}, first
    assert first["amount_base"] == {"amount": "12.34", "currency": base_currency}, first
    assert first["date"] == ITEM_DATE.isoformat(), first
    assert first["has_receipt"] is False, first
    assert first["policy_violations"] == [], first

    second = add_item(api, user, claim["id"], "0.66", base_currency, category=free_category)
    add_item(api, user, claim["id"], "100.05", base_currency, category=free_category)
    doc = get_claim(api, user.token, claim["id"])
    assert doc["total"] == {"amount": "113.05", "currency": base_currency}, doc

    expect(api.delete(f"{claim_path(claim['id'])}/items/{second['id']}", token=user.token), 204)
    doc = get_claim(api, user.token, claim["id"])
    assert doc["total"] == {"amount": "112.39", "currency": base_currency}, doc
    assert second["id"] not in {i["id"] for i in doc["items"]}, doc


def test_add_item_whole_amount_formatted(api: Api, make_user, base_currency: str, free_category: str) -> None:
    user: User = make_user("employee")
    claim = create_claim(api, user)
    item = add_item(api, user, claim["id"], "7", base_currency, category=free_category)
    assert item["amount"]["amount"] == "7.00", item
    add_item(api, user, claim["id"], "0.1", base_currency, category=free_category)
    assert get_claim(api, user.token, claim["id"])["total"]["amount"] == "7.10"


@pytest.mark.parametrize("amount", ["12.345", "-5.00", "abc", ""])
def test_add_item_bad_amount_invalid(api: Api, reader: User, base_currency: str, amount: str) -> None:
    claim = create_claim(api, reader)
    fields = problem_fields(post_item(api, reader, claim["id"], amount, base_currency))
    assert any(f and f.startswith("amount") for f in fields), f"errors[] should name the amount: {fields}"


def test_add_item_float_amount_invalid(api: Api, reader: User, base_currency: str) -> None:
    claim = create_claim(api, reader)
    payload = item_body("12.34", base_currency)
    payload["amount"]["amount"] = 12.34
    fields = problem_fields(api.post(f"{claim_path(claim['id'])}/items", token=reader.token, json=payload))
    assert any(f and f.startswith("amount") for f in fields), f"errors[] should name the amount: {fields}"


def test_add_item_unknown_category_invalid(api: Api, reader: User, base_currency: str) -> None:
    claim = create_claim(api, reader)
    assert_field_error(post_item(api, reader, claim["id"], "5.00", base_currency, category="no_such_category"),
                       "category")


def test_add_item_missing_date_invalid(api: Api, reader: User, base_currency: str) -> None:
    claim = create_claim(api, reader)
    payload = item_body("5.00", base_currency)
    del payload["date"]
    assert_field_error(api.post(f"{claim_path(claim['id'])}/items", token=reader.token, json=payload), "date")


def test_add_item_foreign_currency_without_rate_invalid(api: Api, reader: User, base_currency: str) -> None:
    # No test ever stores an ISK rate, so no rate is in force for it on any date.
    claim = create_claim(api, reader)
    resp = post_item(api, reader, claim["id"], "1500", "ISK")
    problem(resp, 422)
    assert get_claim(api, reader.token, claim["id"])["items"] == []


def test_add_item_unknown_currency_invalid(api: Api, reader: User) -> None:
    claim = create_claim(api, reader)
    fields = problem_fields(post_item(api, reader, claim["id"], "5.00", "XXQ"))
    assert any(f and f.startswith("amount") for f in fields), fields


def test_add_item_over_max_per_item_flagged(api: Api, hr: User, make_user, base_currency: str) -> None:
    code = f"e2e_capped_{uuid.uuid4().hex[:6]}"
    expect(api.post(f"{EXPENSE}/categories", token=hr.token,
                    json={"code": code, "name": "Capped", "max_per_item": {"amount": "50.00", "currency": base_currency},
                          "receipt_required_over": None}), 201)
    user: User = make_user("employee")
    claim = create_claim(api, user)
    within = add_item(api, user, claim["id"], "50.00", base_currency, category=code)
    over = add_item(api, user, claim["id"], "60.00", base_currency, category=code)
    assert within["policy_violations"] == [], within
    assert over["policy_violations"], f"item over max_per_item carries no violation: {over}"

    seen_by_hr = get_claim(api, hr.token, claim["id"])
    flagged = {i["id"]: i["policy_violations"] for i in seen_by_hr["items"]}
    assert flagged[over["id"]], seen_by_hr


@pytest.mark.parametrize("caller_role", ["hr", "admin"])
def test_add_item_by_hr_or_admin_forbidden(api: Api, make_user, admin_token: str, base_currency: str,
                                           caller_role: str) -> None:
    owner: User = make_user("employee")
    claim = create_claim(api, owner)
    token = admin_token if caller_role == "admin" else make_user("hr").token
    resp = api.post(f"{claim_path(claim['id'])}/items", token=token, json=item_body("5.00", base_currency))
    assert_forbidden(resp)


def test_add_item_by_stranger_hidden(api: Api, make_user, base_currency: str) -> None:
    owner: User = make_user("employee")
    stranger: User = make_user("employee")
    claim = create_claim(api, owner)
    assert_hidden(api.post(f"{claim_path(claim['id'])}/items", token=stranger.token,
                           json=item_body("5.00", base_currency)))


def test_delete_item_by_non_owner_refused(api: Api, make_user, base_currency: str, free_category: str) -> None:
    owner: User = make_user("employee")
    stranger: User = make_user("employee")
    hr: User = make_user("hr")
    claim = create_claim(api, owner)
    item = add_item(api, owner, claim["id"], "5.00", base_currency, category=free_category)
    assert_hidden(api.delete(f"{claim_path(claim['id'])}/items/{item['id']}", token=stranger.token))
    assert_forbidden(api.delete(f"{claim_path(claim['id'])}/items/{item['id']}", token=hr.token))
    assert len(get_claim(api, owner.token, claim["id"])["items"]) == 1


def test_delete_item_unknown_not_found(api: Api, reader: User) -> None:
    claim = create_claim(api, reader)
    problem(api.delete(f"{claim_path(claim['id'])}/items/{uuid.uuid4()}", token=reader.token), 404)


# --------------------------------------------------------------------------- receipts


@pytest.mark.parametrize("fixture_name, content_type", [
    ("receipt_png", "image/png"),
    ("receipt_pdf", "application/pdf"),
])
def test_upload_receipt_round_trip(api: Api, request, make_user, base_currency: str, free_category: str,
                                   fixture_name: str, content_type: str) -> None:
    data: bytes = request.getfixturevalue(fixture_name)
    user: User = make_user("employee")
    claim = create_claim(api, user)
    item = add_item(api, user, claim["id"], "18.90", base_currency, category=free_category)

    expect(upload_receipt(api, user.token, claim["id"], item["id"], data, content_type), 204)
    stored = {i["id"]: i for i in get_claim(api, user.token, claim["id"])["items"]}
    assert stored[item["id"]]["has_receipt"] is True, stored

    resp = expect(api.get(f"{claim_path(claim['id'])}/items/{item['id']}/receipt", token=user.token), 200)
    assert resp.content == data, f"downloaded receipt differs ({len(resp.content)} vs {len(data)} bytes)"
    assert resp.headers.get("Content-Type", "").startswith(content_type), describe(resp)


def test_upload_receipt_text_as_png_rejected(api: Api, make_user, base_currency: str, free_category: str) -> None:
    user: User = make_user("employee")
    claim = create_claim(api, user)
    item = add_item(api, user, claim["id"], "18.90", base_currency, category=free_category)
    resp = upload_receipt(api, user.token, claim["id"], item["id"], b"just some text, not an image\n", "image/png")
    assert resp.status_code in (415, 422), f"text accepted as PNG: {describe(resp)}"
    problem(resp, resp.status_code)
    assert get_claim(api, user.token, claim["id"])["items"][0]["has_receipt"] is False


def test_upload_receipt_png_declared_pdf_rejected(api: Api, make_user, base_currency: str, free_category: str,
                                                   receipt_png: bytes) -> None:
    user: User = make_user("employee")
    claim = create_claim(api, user)
    item = add_item(api, user, claim["id"], "18.90", base_currency, category=free_category)
    resp = upload_receipt(api, user.token, claim["id"], item["id"], receipt_png, "application/pdf")
    assert resp.status_code in (415, 422), f"PNG accepted as PDF: {describe(resp)}"


def test_upload_receipt_unsupported_type(api: Api, make_user, base_currency: str, free_category: str) -> None:
    user: User = make_user("employee")
    claim = create_claim(api, user)
    item = add_item(api, user, claim["id"], "18.90", base_currency, category=free_category)
    problem(upload_receipt(api, user.token, claim["id"], item["id"], b"plain text", "text/plain"), 415)


def test_upload_receipt_too_large(api: Api, make_user, base_currency: str, free_category: str,
                                  receipt_png: bytes) -> None:
    user: User = make_user("employee")
    claim = create_claim(api, user)
    item = add_item(api, user, claim["id"], "18.90", base_currency, category=free_category)
    data = receipt_png + b"\0" * (TEN_MIB + 1 - len(receipt_png))
    resp = upload_receipt(api, user.token, claim["id"], item["id"], data, "image/png")
    expect(resp, 413)


def test_upload_receipt_by_non_owner_refused(api: Api, make_user, base_currency: str, free_category: str,
                                             receipt_png: bytes) -> None:
    owner: User = make_user("employee")
    stranger: User = make_user("employee")
    hr: User = make_user("hr")
    claim = create_claim(api, owner)
    item = add_item(api, owner, claim["id"], "18.90", base_currency, category=free_category)
    assert_hidden(upload_receipt(api, stranger.token, claim["id"], item["id"], receipt_png, "image/png"))
    assert_forbidden(upload_receipt(api, hr.token, claim["id"], item["id"], receipt_png, "image/png"))


def test_download_receipt_by_viewers(api: Api, team, make_user, base_currency: str, free_category: str,
                                     receipt_pdf: bytes) -> None:
    claim = create_claim(api, team.employee)
    item = add_item(api, team.employee, claim["id"], "18.90", base_currency, category=free_category)
    expect(upload_receipt(api, team.employee.token, claim["id"], item["id"], receipt_pdf, "application/pdf"), 204)
    path = f"{claim_path(claim['id'])}/items/{item['id']}/receipt"

    def manager_downloads():
        resp = expect(api.get(path, token=team.manager.token), 200)
        assert resp.content == receipt_pdf, "manager received different bytes"

    eventually(manager_downloads)
    assert expect(api.get(path, token=make_user("hr").token), 200).content == receipt_pdf
    assert_hidden(api.get(path, token=team.stranger.token))
    assert_hidden(api.get(path, token=team.colleague.token))


def test_download_receipt_missing_not_found(api: Api, make_user, base_currency: str, free_category: str) -> None:
    user: User = make_user("employee")
    claim = create_claim(api, user)
    item = add_item(api, user, claim["id"], "18.90", base_currency, category=free_category)
    problem(api.get(f"{claim_path(claim['id'])}/items/{item['id']}/receipt", token=user.token), 404)


# --------------------------------------------------------------------------- submit and state machine


def test_submit_claim_without_items_invalid(api: Api, make_user) -> None:
    user: User = make_user("employee")
    claim = create_claim(api, user)
    problem(transition(api, user.token, claim["id"], "submit"), 422)
    assert get_claim(api, user.token, claim["id"])["status"] == "draft"


def test_submit_claim_missing_required_receipt_invalid(api: Api, hr: User, make_user, base_currency: str,
                                                       receipt_png: bytes) -> None:
    code = f"e2e_receipt_{uuid.uuid4().hex[:6]}"
    expect(api.post(f"{EXPENSE}/categories", token=hr.token,
                    json={"code": code, "name": "Receipts over 25", "max_per_item": None,
                          "receipt_required_over": {"amount": "25.00", "currency": base_currency}}), 201)
    user: User = make_user("employee")
    claim = create_claim(api, user)
    add_item(api, user, claim["id"], "20.00", base_currency, category=code)
    item = add_item(api, user, claim["id"], "30.00", base_currency, category=code)

    problem(transition(api, user.token, claim["id"], "submit"), 422)
    expect(upload_receipt(api, user.token, claim["id"], item["id"], receipt_png, "image/png"), 204)
    assert_claim_status(transition(api, user.token, claim["id"], "submit"), "submitted")


def test_submit_claim_by_owner(api: Api, make_user, base_currency: str, free_category: str) -> None:
    user: User = make_user("employee")
    submitted, _ = submitted_claim(api, user, base_currency, free_category)
    assert submitted["submitted_at"], submitted
    problem(transition(api, user.token, submitted["id"], "submit"), 409)


@pytest.mark.parametrize("caller_role", ["hr", "admin"])
def test_submit_claim_by_non_owner_forbidden(api: Api, make_user, admin_token: str, base_currency: str,
                                             free_category: str, caller_role: str) -> None:
    owner: User = make_user("employee")
    claim = create_claim(api, owner)
    add_item(api, owner, claim["id"], "5.00", base_currency, category=free_category)
    token = admin_token if caller_role == "admin" else make_user("hr").token
    assert_forbidden(transition(api, token, claim["id"], "submit"))


def test_submitted_claim_locked_for_owner(api: Api, make_user, base_currency: str, free_category: str,
                                          receipt_png: bytes) -> None:
    user: User = make_user("employee")
    submitted, item = submitted_claim(api, user, base_currency, free_category)
    claim_id = submitted["id"]
    problem(api.patch(claim_path(claim_id), token=user.token, json={"title": "Too late"}), 409)
    problem(post_item(api, user, claim_id, "1.00", base_currency, category=free_category), 409)
    problem(api.delete(f"{claim_path(claim_id)}/items/{item['id']}", token=user.token), 409)
    problem(upload_receipt(api, user.token, claim_id, item["id"], receipt_png, "image/png"), 409)


def test_draft_claim_wrong_transitions_conflict(api: Api, make_user, hr: User, base_currency: str,
                                                free_category: str) -> None:
    user: User = make_user("employee")
    claim = create_claim(api, user)
    add_item(api, user, claim["id"], "5.00", base_currency, category=free_category)
    problem(transition(api, hr.token, claim["id"], "approve"), 409)
    problem(transition(api, hr.token, claim["id"], "reject", {"note": "No"}), 409)
    problem(transition(api, hr.token, claim["id"], "return", {"note": "Fix"}), 409)
    problem(transition(api, hr.token, claim["id"], "reimburse", {"reference": "PAY-1"}), 409)


def test_approve_claim_by_manager_then_reimburse_by_hr(api: Api, team, make_user, base_currency: str,
                                                       free_category: str) -> None:
    submitted, _ = submitted_claim(api, team.employee, base_currency, free_category, amount="42.50")
    claim_id = submitted["id"]

    approved = eventually(lambda: assert_claim_status(transition(api, team.manager.token, claim_id, "approve"),
                                                      "approved"))
    assert approved["decided_by"] == team.manager.id, approved
    assert approved["decided_at"], approved

    problem(transition(api, team.manager.token, claim_id, "approve"), 409)
    problem(transition(api, team.manager.token, claim_id, "return", {"note": "Late"}), 409)
    assert_forbidden(transition(api, team.manager.token, claim_id, "reimburse", {"reference": "PAY-0"}))
    assert_forbidden(transition(api, team.employee.token, claim_id, "reimburse", {"reference": "PAY-0"}))

    hr: User = make_user("hr")
    reference = f"PAY-{uuid.uuid4().hex[:8]}"
    paid = assert_claim_status(transition(api, hr.token, claim_id, "reimburse", {"reference": reference}),
                               "reimbursed")
    assert paid["reference"] == reference, paid
    assert paid["reimbursed_at"], paid
    assert paid["total"] == {"amount": "42.50", "currency": base_currency}, paid
    problem(transition(api, hr.token, claim_id, "reimburse", {"reference": reference}), 409)


@pytest.mark.parametrize("approver_role", ["hr", "admin"])
def test_approve_claim_by_hr_or_admin(api: Api, make_user, admin_token: str, base_currency: str,
                                      free_category: str, approver_role: str) -> None:
    owner: User = make_user("employee")
    submitted, _ = submitted_claim(api, owner, base_currency, free_category)
    token = admin_token if approver_role == "admin" else make_user("hr").token
    assert_claim_status(transition(api, token, submitted["id"], "approve"), "approved")
    assert_claim_status(transition(api, token, submitted["id"], "reimburse", {"reference": "PAY-42"}), "reimbursed")


@pytest.mark.parametrize("actor_role", ["hr", "admin"])
def test_reject_return_claim_by_hr_or_admin(api: Api, make_user, admin_token: str, base_currency: str,
                                            free_category: str, actor_role: str) -> None:
    owner: User = make_user("employee")
    token = admin_token if actor_role == "admin" else make_user("hr").token
    returned, _ = submitted_claim(api, owner, base_currency, free_category)
    assert_claim_status(transition(api, token, returned["id"], "return", {"note": "Add the hotel bill"}), "draft")
    rejected, _ = submitted_claim(api, owner, base_currency, free_category)
    assert_claim_status(transition(api, token, rejected["id"], "reject", {"note": "Duplicate"}), "rejected")


@pytest.mark.parametrize("role", ["employee", "manager", "hr", "admin"])
def test_approve_own_claim_forbidden(api: Api, make_user, base_currency: str, free_category: str,
                                     role: str) -> None:
    owner: User = make_user(role)
    submitted, _ = submitted_claim(api, owner, base_currency, free_category)
    assert_forbidden(transition(api, owner.token, submitted["id"], "approve"))
    assert_forbidden(transition(api, owner.token, submitted["id"], "reject", {"note": "Self"}))
    assert_forbidden(transition(api, owner.token, submitted["id"], "return", {"note": "Self"}))
    assert get_claim(api, owner.token, submitted["id"])["status"] == "submitted"


@pytest.mark.parametrize("role", ["hr", "admin"])
def test_reimburse_own_claim_forbidden(api: Api, make_user, admin_token: str, base_currency: str,
                                       free_category: str, role: str) -> None:
    owner: User = make_user(role)
    submitted, _ = submitted_claim(api, owner, base_currency, free_category)
    approver_token = admin_token if role == "hr" else make_user("hr").token
    assert_claim_status(transition(api, approver_token, submitted["id"], "approve"), "approved")
    assert_forbidden(transition(api, owner.token, submitted["id"], "reimburse", {"reference": "SELF"}))


@pytest.mark.parametrize("viewer", ["colleague", "stranger"])
def test_approve_claim_by_other_employee_hidden(api: Api, team, base_currency: str, free_category: str,
                                                viewer: str) -> None:
    submitted, _ = submitted_claim(api, team.employee, base_currency, free_category)
    caller: User = getattr(team, viewer)
    assert_hidden(transition(api, caller.token, submitted["id"], "approve"))
    assert_hidden(transition(api, caller.token, submitted["id"], "reject", {"note": "No"}))
    assert_hidden(transition(api, caller.token, submitted["id"], "return", {"note": "No"}))


def test_reject_claim_requires_note(api: Api, team, base_currency: str, free_category: str) -> None:
    submitted, _ = submitted_claim(api, team.employee, base_currency, free_category)
    claim_id = submitted["id"]
    eventually(lambda: assert_field_error(transition(api, team.manager.token, claim_id, "reject"), "note"))
    rejected = assert_claim_status(transition(api, team.manager.token, claim_id, "reject",
                                              {"note": "Not a business expense"}), "rejected")
    assert rejected["note"] == "Not a business expense", rejected
    problem(transition(api, team.manager.token, claim_id, "approve"), 409)
    problem(transition(api, team.employee.token, claim_id, "submit"), 409)


def test_return_claim_for_changes(api: Api, team, base_currency: str, free_category: str) -> None:
    employee = team.employee
    submitted, item = submitted_claim(api, employee, base_currency, free_category)
    claim_id = submitted["id"]
    eventually(lambda: assert_field_error(transition(api, team.manager.token, claim_id, "return"), "note"))
    returned = assert_claim_status(transition(api, team.manager.token, claim_id, "return",
                                              {"note": "Split the hotel and the dinner"}), "draft")
    assert returned["note"] == "Split the hotel and the dinner", returned

    expect(api.delete(f"{claim_path(claim_id)}/items/{item['id']}", token=employee.token), 204)
    add_item(api, employee, claim_id, "80.00", base_currency, category=free_category)
    add_item(api, employee, claim_id, "25.00", base_currency, category=free_category)
    resubmitted = assert_claim_status(transition(api, employee.token, claim_id, "submit"), "submitted")
    assert resubmitted["total"] == {"amount": "105.00", "currency": base_currency}, resubmitted
    assert_claim_status(transition(api, team.manager.token, claim_id, "approve"), "approved")


def test_approve_claim_stale_if_match_conflict(api: Api, make_user, hr: User, base_currency: str,
                                               free_category: str) -> None:
    user: User = make_user("employee")
    claim = create_claim(api, user)
    stale = str(claim["version"])
    add_item(api, user, claim["id"], "5.00", base_currency, category=free_category)
    body(api.patch(claim_path(claim["id"]), token=user.token, json={"title": "Edited"}), 200)
    current = assert_claim_status(transition(api, user.token, claim["id"], "submit"), "submitted")

    problem(transition(api, hr.token, claim["id"], "approve", headers={"If-Match": stale}), 409)
    assert get_claim(api, hr.token, claim["id"])["status"] == "submitted"
    assert_claim_status(transition(api, hr.token, claim["id"], "approve",
                                   headers={"If-Match": str(current["version"])}), "approved")


# --------------------------------------------------------------------------- lists


def test_list_claims_mine_and_status(api: Api, make_user, base_currency: str, free_category: str) -> None:
    user: User = make_user("employee")
    draft = create_claim(api, user)
    submitted, _ = submitted_claim(api, user, base_currency, free_category)
    mine = items_of(api.get(f"{EXPENSE}/claims", token=user.token, params={"scope": "mine"}))
    assert {c["id"] for c in mine} == {draft["id"], submitted["id"]}, mine
    only_submitted = items_of(api.get(f"{EXPENSE}/claims", token=user.token,
                                      params={"scope": "mine", "status": "submitted"}))
    assert [c["id"] for c in only_submitted] == [submitted["id"]], only_submitted


def test_list_claims_team_scope_by_manager(api: Api, team, base_currency: str, free_category: str) -> None:
    first, _ = submitted_claim(api, team.employee, base_currency, free_category)
    second, _ = submitted_claim(api, team.colleague, base_currency, free_category)
    submitted_claim(api, team.stranger, base_currency, free_category)

    def check():
        listed = items_of(api.get(f"{EXPENSE}/claims", token=team.manager.token, params={"scope": "team"}))
        assert {c["id"] for c in listed} == {first["id"], second["id"]}, listed

    eventually(check)


def test_list_claims_team_scope_employee_sees_no_peers(api: Api, team) -> None:
    create_claim(api, team.colleague)
    resp = api.get(f"{EXPENSE}/claims", token=team.employee.token, params={"scope": "team"})
    if resp.status_code == 200:
        assert items_of(resp) == [], describe(resp)
    else:
        assert_forbidden(resp)


@pytest.mark.parametrize("lister_role", ["hr", "admin"])
def test_list_claims_all_scope_by_hr_or_admin(api: Api, make_user, admin_token: str, base_currency: str,
                                              free_category: str, lister_role: str) -> None:
    owner: User = make_user("employee")
    submitted, _ = submitted_claim(api, owner, base_currency, free_category)
    token = admin_token if lister_role == "admin" else make_user("hr").token
    listed = collect_items(api, f"{EXPENSE}/claims", token, {"scope": "all", "status": "submitted"})
    assert submitted["id"] in {c["id"] for c in listed}, f"claim missing from {len(listed)} listed"


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_list_claims_all_scope_by_non_hr_forbidden(api: Api, make_user, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    assert_forbidden(api.get(f"{EXPENSE}/claims", token=caller.token, params={"scope": "all"}))
