"""The whole path of a working day, over HTTP and over HTTPS.

An admin loads the example organisation and holidays. An employee signs in with a temporary
password and books leave, which their manager approves. The employee then files an expense
claim, which the manager approves and HR reimburses. The people come from examples/org.csv, so a second run
resets their passwords instead of relying on the import's credentials.
"""

import csv
import datetime as dt
import uuid

import pytest

from conftest import (AUTH, EXPENSE, LEAVE, Api, User, balance_for, body, change_temporary_password,
                      collect_items, days_value, eventually, examples_dir, expect, free_week, holidays_between,
                      items_of, new_password, next_year, working_days)
from expense_helpers import add_item, assert_claim_status, create_claim, get_claim, transition, upload_receipt

# The directory of a freshly imported organisation of 51 people may take longer to settle than
# the lag allowed for a single new user.
ORG_DIRECTORY_LAG_S = 30.0


def org_rows() -> list[dict]:
    with open(examples_dir() / "org.csv", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def pick_people(rows: list[dict], index: int) -> tuple[dict, dict, dict]:
    """Return the employee, manager and HR person for flow number `index`.

    Each flow gets an employee with a different manager and a different HR person, so the two
    flows never reset each other's passwords.
    """
    by_email = {r["email"]: r for r in rows}
    pairs = []
    managers_used = set()
    for row in rows:
        manager = by_email.get(row["manager_email"])
        if row["role"] == "employee" and manager and manager["role"] == "manager" \
                and manager["email"] not in managers_used:
            pairs.append((row, manager))
            managers_used.add(manager["email"])
    hr_people = [r for r in rows if r["role"] == "hr"]
    assert len(pairs) > index, "examples/org.csv has too few teams"
    assert len(hr_people) > index, "examples/org.csv has too few HR people"
    employee, manager = pairs[index]
    return employee, manager, hr_people[index]


def find_user_id(api: Api, admin_token: str, email: str) -> str:
    users = items_of(api.get(f"{AUTH}/users", token=admin_token, params={"q": email}))
    matches = [u for u in users if u["email"].lower() == email.lower()]
    assert len(matches) == 1, f"expected one user {email}: {users}"
    return matches[0]["id"]


def sign_in_org_user(api: Api, admin_token: str, row: dict, credentials: dict) -> User:
    """Sign in an imported person: temporary password from the import or a reset, then a new password."""
    user_id = find_user_id(api, admin_token, row["email"])
    temporary = credentials.get(row["email"].lower())
    if temporary is None:
        reset = body(api.post(f"{AUTH}/users/{user_id}/password-reset", token=admin_token), 200)
        temporary = reset["temporary_password"]

    password = new_password()
    change_temporary_password(api, row["email"], temporary, password)
    user = User(api=api, id=user_id, email=row["email"], password=password, name=row["name"], role=row["role"],
                manager_id=None)
    doc = user.login()
    assert doc["user"]["name"] == row["name"], doc
    return user


def cancel_active_leave(api: Api, admin_token: str, employee: User, start: dt.date, end: dt.date) -> None:
    """Cancel what an earlier run left booked in [start, end], so the new request does not overlap."""
    mine = collect_items(api, f"{LEAVE}/requests", employee.token, {"scope": "mine"})
    for request in mine:
        overlaps = request["start_date"] <= end.isoformat() and request["end_date"] >= start.isoformat()
        if overlaps and request["status"] in ("pending", "approved"):
            expect(api.post(f"{LEAVE}/requests/{request['id']}/cancel", token=admin_token, json={}), 200)


@pytest.mark.parametrize("transport, index", [("http", 0), ("https", 1)])
def test_org_import_leave_and_expense_flow(request, admin_token: str, receipt_png: bytes, transport: str,
                                           index: int) -> None:
    api: Api = request.getfixturevalue("api" if transport == "http" else "https_api")
    rows = org_rows()

    # An admin loads the organisation and the bank holidays.
    csv_bytes = (examples_dir() / "org.csv").read_bytes()
    imported = body(api.post(f"{AUTH}/users/import", token=admin_token, data=csv_bytes,
                             headers={"Content-Type": "text/csv; charset=utf-8"}), 200)
    assert imported["errors"] == [], imported
    assert imported["created"] + imported["updated"] + imported["unchanged"] == len(rows), imported
    credentials = {c["email"].lower(): c["temporary_password"] for c in imported["credentials"]}

    ics_bytes = (examples_dir() / "holidays-gb-eng-2026-2027.ics").read_bytes()
    holidays = body(api.post(f"{LEAVE}/holidays/import", token=admin_token, data=ics_bytes,
                             headers={"Content-Type": "text/calendar"}), 200)
    assert holidays["errors"] in ([], None, 0), holidays

    # The three people sign in for the first time (or again, after a reset).
    employee_row, manager_row, hr_row = pick_people(rows, index)
    employee = sign_in_org_user(api, admin_token, employee_row, credentials)
    manager = sign_in_org_user(api, admin_token, manager_row, credentials)
    hr = sign_in_org_user(api, admin_token, hr_row, credentials)
    me = body(api.get(f"{AUTH}/me", token=employee.token), 200)
    assert me["manager_id"] == manager.id, me

    # The employee books two days of next year's leave.
    year = next_year()
    monday = free_week(api, employee.token, year, 24)
    start, end = monday + dt.timedelta(days=1), monday + dt.timedelta(days=2)
    cancel_active_leave(api, admin_token, employee, start, end)
    expected_days = len(working_days(start, end, holidays_between(api, employee.token, start, end)))
    before = balance_for(api, employee.token, "annual", year)

    leave = body(api.post(f"{LEAVE}/requests", token=employee.token,
                          json={"type": "annual", "start_date": start.isoformat(), "end_date": end.isoformat(),
                                "reason": "Flow test"}), 201)
    assert leave["status"] == "pending", leave
    assert days_value(leave["days"]) == expected_days, leave

    # The manager can approve once the leave directory has received the reporting line.
    def manager_approves():
        resp = api.post(f"{LEAVE}/requests/{leave['id']}/approve", token=manager.token, json={"note": "Approved"})
        doc = body(resp, 200)
        assert doc["status"] == "approved", doc
        return doc

    approved = eventually(manager_approves, timeout=ORG_DIRECTORY_LAG_S)
    assert approved["decided_by"] == manager.id, approved

    after = balance_for(api, employee.token, "annual", year)
    assert days_value(after["taken"]) - days_value(before["taken"]) == expected_days, (before, after)
    assert days_value(before["available"]) - days_value(after["available"]) == expected_days, (before, after)

    # The employee claims a train ticket with its receipt.
    claim = create_claim(api, employee, title=f"Customer visit {uuid.uuid4().hex[:6]}")
    item = add_item(api, employee, claim["id"], "23.40", claim["total"]["currency"], category="travel",
                    merchant="Great Western Railway", description="Return ticket to Bristol")
    expect(upload_receipt(api, employee.token, claim["id"], item["id"], receipt_png, "image/png"), 204)
    submitted = assert_claim_status(transition(api, employee.token, claim["id"], "submit"), "submitted")
    assert submitted["total"]["amount"] == "23.40", submitted

    eventually(lambda: assert_claim_status(transition(api, manager.token, claim["id"], "approve"), "approved"),
               timeout=ORG_DIRECTORY_LAG_S)

    reference = f"PAYROLL-{uuid.uuid4().hex[:8]}"
    paid = assert_claim_status(transition(api, hr.token, claim["id"], "reimburse", {"reference": reference}),
                               "reimbursed")
    assert paid["reference"] == reference, paid

    final = get_claim(api, employee.token, claim["id"])
    assert final["status"] == "reimbursed", final
    assert final["items"][0]["has_receipt"] is True, final
    receipt = expect(api.get(f"{EXPENSE}/claims/{claim['id']}/items/{item['id']}/receipt", token=hr.token), 200)
    assert receipt.content == receipt_png, "the reimbursed claim's receipt changed"
