"""Leave requests: day counting, overlap, balances, approval flows, scopes and the calendar."""

import datetime as dt
import threading
from decimal import Decimal

import pytest

from conftest import (LEAVE, AUTH, Api, User, assert_field_error, assert_forbidden, assert_hidden, balance_for,
                      body, collect_items, days_value, describe, eventually, expect, free_week, holidays_between, items_of,
                      next_year, problem, working_days)
from leave_helpers import (act, assert_days, assert_status, create_request, iso, leave_body, new_type_body, post_request,
                           preview, user_week)

DAY = dt.timedelta(days=1)


def annual(api: Api, user: User, year: int | None = None) -> dict:
    return balance_for(api, user.token, "annual", year or next_year())


# --------------------------------------------------------------------------- preview and day counting


def test_preview_request_full_week_counts_five(api: Api, make_user) -> None:
    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    before = annual(api, user)

    doc = preview(api, user, monday, monday + 6 * DAY)
    assert_days(doc, 5)
    assert [d["date"] for d in doc["dates"]] == [iso(monday + i * DAY) for i in range(5)], doc
    assert all(days_value(d["fraction"]) == 1 for d in doc["dates"]), doc
    assert days_value(doc["available_after"]) == days_value(before["available"]) - 5, (doc, before)


def test_preview_request_writes_nothing(api: Api, make_user) -> None:
    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    before = annual(api, user)
    preview(api, user, monday, monday + 4 * DAY)
    preview(api, user, monday, monday + 4 * DAY)
    after = annual(api, user)
    assert after["pending"] == before["pending"], (before, after)
    assert items_of(api.get(f"{LEAVE}/requests", token=user.token, params={"scope": "mine"})) == []
    create_request(api, user, monday, monday + 4 * DAY)


def test_preview_request_two_weeks_skips_weekend(api: Api, make_user) -> None:
    user: User = make_user("employee")
    monday = user_week(api, user, next_year(), first_week=30)
    end = monday + 11 * DAY
    holidays = holidays_between(api, user.token, monday, end)
    doc = preview(api, user, monday, end)
    expected = working_days(monday, end, holidays)
    assert_days(doc, len(expected))
    assert [d["date"] for d in doc["dates"]] == [iso(d) for d in expected], doc


@pytest.mark.parametrize("start_offset, end_offset, start_half, end_half, expected", [
    (2, 2, "pm", None, "0.5"),
    (2, 2, None, "am", "0.5"),
    (1, 2, "pm", "am", "1.0"),
    (0, 4, "pm", None, "4.5"),
    (0, 4, "pm", "am", "4.0"),
    (0, 4, "full", "full", "5.0"),
])
def test_preview_request_half_days(api: Api, make_user, start_offset: int, end_offset: int, start_half, end_half,
                                   expected: str) -> None:
    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    doc = preview(api, user, monday + start_offset * DAY, monday + end_offset * DAY,
                  start_half=start_half, end_half=end_half)
    assert_days(doc, expected)


def test_create_request_one_day_both_halves_invalid(api: Api, make_user) -> None:
    user: User = make_user("employee")
    tuesday = user_week(api, user, next_year()) + DAY
    problem(post_request(api, user, tuesday, tuesday, start_half="pm", end_half="am"), 422)


def test_create_request_half_day_on_weekend_invalid(api: Api, make_user) -> None:
    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    saturday = monday + 5 * DAY
    problem(post_request(api, user, saturday, saturday + 3 * DAY, start_half="pm"), 422)
    problem(post_request(api, user, monday + 3 * DAY, monday + 6 * DAY, end_half="am"), 422)
    problem(post_request(api, user, saturday, saturday, start_half="pm"), 422)


def test_create_request_weekend_only_invalid(api: Api, make_user) -> None:
    user: User = make_user("employee")
    saturday = user_week(api, user, next_year()) + 5 * DAY
    problem(post_request(api, user, saturday, saturday + DAY), 422)
    assert days_value(annual(api, user)["pending"]) == 0


def test_create_request_end_before_start_invalid(api: Api, make_user) -> None:
    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    resp = post_request(api, user, monday + 3 * DAY, monday)
    assert_field_error(resp, "end_date")


def test_create_request_unknown_type_invalid(api: Api, make_user) -> None:
    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    assert_field_error(post_request(api, user, monday, monday, leave_type="no_such_type"), "type")


def test_create_request_bad_half_value_invalid(api: Api, make_user) -> None:
    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    assert_field_error(post_request(api, user, monday, monday + DAY, start_half="am"), "start_half")


def test_create_request_invalid_date_invalid(api: Api, make_user) -> None:
    user: User = make_user("employee")
    resp = api.post(f"{LEAVE}/requests", token=user.token,
                    json={"type": "annual", "start_date": f"{next_year()}-02-30", "end_date": f"{next_year()}-03-02"})
    assert_field_error(resp, "start_date")


# --------------------------------------------------------------------------- create and balances


def test_create_request_pending_reserves_balance(api: Api, make_user) -> None:
    manager: User = make_user("manager")
    user: User = make_user("employee", manager_id=manager.id)
    monday = user_week(api, user, next_year())
    before = annual(api, user)

    doc = create_request(api, user, monday, monday + 2 * DAY, reason="Family visit in Kraków")
    for key in ("id", "user_id", "user_name", "type", "start_date", "end_date", "start_half", "end_half", "days",
                "status", "reason", "approver_id", "decided_by", "decided_at", "note", "created_at"):
        assert key in doc, f"request lacks {key!r}: {doc}"
    assert doc["status"] == "pending", doc
    assert doc["type"] == "annual", doc
    assert doc["start_date"] == iso(monday), doc
    assert doc["end_date"] == iso(monday + 2 * DAY), doc
    assert doc["reason"] == "Family visit in Kraków", doc
    assert doc["user_name"] == user.name, doc
    assert_days(doc, 3)

    after = annual(api, user)
    assert days_value(after["pending"]) - days_value(before["pending"]) == 3, (before, after)
    assert days_value(before["available"]) - days_value(after["available"]) == 3, (before, after)

    fetched = body(api.get(f"{LEAVE}/requests/{doc['id']}", token=user.token), 200)
    assert fetched["id"] == doc["id"], fetched


def test_create_request_overlap_conflict(api: Api, make_user) -> None:
    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    create_request(api, user, monday + DAY, monday + 3 * DAY)

    problem(post_request(api, user, monday, monday + DAY), 409)
    problem(post_request(api, user, monday + 3 * DAY, monday + 4 * DAY), 409)
    problem(post_request(api, user, monday + 2 * DAY, monday + 2 * DAY), 409)
    problem(post_request(api, user, monday, monday + 4 * DAY), 409)
    create_request(api, user, monday + 4 * DAY, monday + 4 * DAY)


def test_create_request_half_day_overlap_resolution(api: Api, make_user) -> None:
    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    wednesday = monday + 2 * DAY

    afternoon = create_request(api, user, wednesday, wednesday + DAY, start_half="pm")
    assert_days(afternoon, "1.5")

    morning = create_request(api, user, monday, wednesday, end_half="am")
    assert_days(morning, "2.5")

    problem(post_request(api, user, wednesday, wednesday, start_half="pm"), 409)
    problem(post_request(api, user, wednesday, wednesday, end_half="am"), 409)
    problem(post_request(api, user, wednesday, wednesday), 409)


def test_create_request_after_cancel_no_overlap(api: Api, make_user) -> None:
    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    first = create_request(api, user, monday, monday + DAY)
    assert_status(act(api, user.token, first["id"], "cancel"), "cancelled")
    create_request(api, user, monday, monday + DAY)


def test_create_request_overdraw_invalid(api: Api, make_user) -> None:
    user: User = make_user("employee")
    year = next_year()
    before = annual(api, user)
    available = days_value(before["available"])

    start = user_week(api, user, year, first_week=2)
    end = start
    while len(working_days(start, end, holidays_between(api, user.token, start, end))) <= available:
        end += 7 * DAY
    problem(post_request(api, user, start, end), 422)
    assert annual(api, user)["pending"] == before["pending"]


def test_create_request_negative_allowed_type(api: Api, hr: User, make_user) -> None:
    payload = new_type_body(api, hr.token, allow_negative=True, requires_approval=True)
    payload["allowance_days"] = "0.0" if isinstance(payload["allowance_days"], str) else 0.0
    expect(api.post(f"{LEAVE}/types", token=hr.token, json=payload), 201)

    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    create_request(api, user, monday, monday + DAY, leave_type=payload["code"])
    row = balance_for(api, user.token, payload["code"], next_year())
    assert days_value(row["available"]) == -2, row


def test_create_request_type_without_approval_approved(api: Api, hr: User, make_user) -> None:
    payload = new_type_body(api, hr.token, requires_approval=False)
    expect(api.post(f"{LEAVE}/types", token=hr.token, json=payload), 201)

    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    doc = create_request(api, user, monday, monday, leave_type=payload["code"])
    assert doc["status"] == "approved", doc
    row = balance_for(api, user.token, payload["code"], next_year())
    assert days_value(row["taken"]) == 1, row
    assert days_value(row["pending"]) == 0, row


def test_create_request_concurrent_never_overdraws(api: Api, make_user) -> None:
    user: User = make_user("employee")
    year = next_year()
    available = days_value(annual(api, user)["available"])
    token = user.token

    weeks = []
    week = 2
    while len(weeks) < 8:
        monday = free_week(api, token, year, week)
        weeks.append(monday)
        week = monday.isocalendar()[1] + 1

    barrier = threading.Barrier(len(weeks))
    results: list = [None] * len(weeks)

    def worker(index: int) -> None:
        monday = weeks[index]
        barrier.wait()
        results[index] = api.post(f"{LEAVE}/requests", token=token, json=leave_body(monday, monday + 4 * DAY))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(weeks))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    statuses = [r.status_code if r is not None else None for r in results]
    accepted = [r for r in results if r is not None and r.status_code == 201]
    refused = [r for r in results if r is not None and r.status_code != 201]
    assert None not in statuses, f"a request did not finish: {statuses}"
    for resp in refused:
        assert resp.status_code in (409, 422), f"unexpected refusal: {describe(resp)}"
    assert len(accepted) * 5 <= available, f"{len(accepted)} requests of 5 days accepted against {available}"
    assert accepted, f"no request was accepted: {statuses}"

    after = annual(api, user)
    assert days_value(after["pending"]) == 5 * len(accepted), after
    assert days_value(after["available"]) >= 0, after


def test_create_request_spanning_years_charged_per_year(api: Api, make_user) -> None:
    user: User = make_user("employee")
    today = dt.date.today()
    # The request must lie in the future, so near the end of December it moves a year on.
    first_year = today.year if today < dt.date(today.year, 12, 15) else today.year + 1
    start = dt.date(first_year, 12, 22)
    end = dt.date(first_year + 1, 1, 8)
    holidays = holidays_between(api, user.token, start, end)
    days_first = len(working_days(start, dt.date(first_year, 12, 31), holidays))
    days_second = len(working_days(dt.date(first_year + 1, 1, 1), end, holidays))

    before_first = annual(api, user, first_year)
    before_second = annual(api, user, first_year + 1)
    doc = create_request(api, user, start, end)
    assert_days(doc, days_first + days_second)

    after_first = annual(api, user, first_year)
    after_second = annual(api, user, first_year + 1)
    assert days_value(after_first["pending"]) - days_value(before_first["pending"]) == days_first, \
        (before_first, after_first)
    assert days_value(after_second["pending"]) - days_value(before_second["pending"]) == days_second, \
        (before_second, after_second)

    assert_status(act(api, user.token, doc["id"], "cancel"), "cancelled")
    assert annual(api, user, first_year)["pending"] == before_first["pending"]
    assert annual(api, user, first_year + 1)["pending"] == before_second["pending"]


# --------------------------------------------------------------------------- read and authorization


@pytest.mark.parametrize("viewer", ["employee", "hr", "admin"])
def test_get_request_by_allowed_roles(api: Api, team, make_user, admin_token: str, viewer: str) -> None:
    monday = user_week(api, team.employee, next_year())
    doc = create_request(api, team.employee, monday, monday)
    token = {"employee": team.employee.token, "hr": make_user("hr").token, "admin": admin_token}[viewer]
    assert body(api.get(f"{LEAVE}/requests/{doc['id']}", token=token), 200)["id"] == doc["id"]


def test_get_request_by_manager(api: Api, team) -> None:
    monday = user_week(api, team.employee, next_year())
    doc = create_request(api, team.employee, monday, monday)
    eventually(lambda: body(api.get(f"{LEAVE}/requests/{doc['id']}", token=team.manager.token), 200))


@pytest.mark.parametrize("viewer", ["colleague", "stranger"])
def test_get_request_by_other_employee_hidden(api: Api, team, viewer: str) -> None:
    monday = user_week(api, team.employee, next_year())
    doc = create_request(api, team.employee, monday, monday)
    assert_hidden(api.get(f"{LEAVE}/requests/{doc['id']}", token=getattr(team, viewer).token))


def test_get_request_by_other_manager_hidden(api: Api, team, make_user) -> None:
    other_manager: User = make_user("manager")
    make_user("employee", manager_id=other_manager.id)
    monday = user_week(api, team.employee, next_year())
    doc = create_request(api, team.employee, monday, monday)
    assert_hidden(api.get(f"{LEAVE}/requests/{doc['id']}", token=other_manager.token))


def test_get_request_unknown_not_found(api: Api, hr: User) -> None:
    problem(api.get(f"{LEAVE}/requests/00000000-0000-4000-8000-000000000000", token=hr.token), 404)


# --------------------------------------------------------------------------- approve and reject


def approve_eventually(api: Api, actor: User, request_id: str, note: str | None = None) -> dict:
    """Approve as the requester's manager, waiting for the directory to learn the relation."""
    payload = {"note": note} if note else {}
    return eventually(lambda: assert_status(act(api, actor.token, request_id, "approve", payload), "approved"))


def test_approve_request_by_manager_moves_to_taken(api: Api, team) -> None:
    employee = team.employee
    monday = user_week(api, employee, next_year())
    before = annual(api, employee)
    doc = create_request(api, employee, monday, monday + 1 * DAY)

    approved = approve_eventually(api, team.manager, doc["id"], note="Enjoy")
    assert approved["decided_by"] == team.manager.id, approved
    assert approved["decided_at"], approved
    assert approved["note"] == "Enjoy", approved

    after = annual(api, employee)
    assert days_value(after["taken"]) - days_value(before["taken"]) == 2, (before, after)
    assert days_value(after["pending"]) == days_value(before["pending"]), (before, after)
    assert days_value(before["available"]) - days_value(after["available"]) == 2, (before, after)


@pytest.mark.parametrize("approver_role", ["hr", "admin"])
def test_approve_request_by_hr_or_admin(api: Api, make_user, admin_token: str, approver_role: str) -> None:
    employee: User = make_user("employee")
    monday = user_week(api, employee, next_year())
    doc = create_request(api, employee, monday, monday)
    token = admin_token if approver_role == "admin" else make_user("hr").token
    assert_status(act(api, token, doc["id"], "approve"), "approved")


@pytest.mark.parametrize("role", ["employee", "manager", "hr", "admin"])
def test_approve_own_request_forbidden(api: Api, make_user, role: str) -> None:
    user: User = make_user(role)
    monday = user_week(api, user, next_year())
    doc = create_request(api, user, monday, monday)
    assert_forbidden(act(api, user.token, doc["id"], "approve"))
    assert_forbidden(act(api, user.token, doc["id"], "reject", {"note": "no"}))
    assert body(api.get(f"{LEAVE}/requests/{doc['id']}", token=user.token), 200)["status"] == "pending"


@pytest.mark.parametrize("viewer", ["colleague", "stranger"])
def test_approve_request_by_other_employee_hidden(api: Api, team, viewer: str) -> None:
    monday = user_week(api, team.employee, next_year())
    doc = create_request(api, team.employee, monday, monday)
    assert_hidden(act(api, getattr(team, viewer).token, doc["id"], "approve"))
    assert_hidden(act(api, getattr(team, viewer).token, doc["id"], "reject", {"note": "no"}))


def test_approve_request_twice_conflict(api: Api, team) -> None:
    monday = user_week(api, team.employee, next_year())
    doc = create_request(api, team.employee, monday, monday)
    approve_eventually(api, team.manager, doc["id"])
    problem(act(api, team.manager.token, doc["id"], "approve"), 409)
    problem(act(api, team.manager.token, doc["id"], "reject", {"note": "too late"}), 409)


def test_reject_request_requires_note(api: Api, team) -> None:
    employee = team.employee
    monday = user_week(api, employee, next_year())
    before = annual(api, employee)
    doc = create_request(api, employee, monday, monday + 2 * DAY)

    eventually(lambda: assert_field_error(act(api, team.manager.token, doc["id"], "reject"), "note"))
    rejected = assert_status(act(api, team.manager.token, doc["id"], "reject", {"note": "Release week"}),
                             "rejected")
    assert rejected["note"] == "Release week", rejected
    assert rejected["decided_by"] == team.manager.id, rejected

    after = annual(api, employee)
    assert after["pending"] == before["pending"], (before, after)
    assert after["available"] == before["available"], (before, after)
    problem(act(api, team.manager.token, doc["id"], "approve"), 409)


def test_approve_request_after_reorg_by_new_manager(api: Api, team, make_user, admin_token: str) -> None:
    new_manager: User = make_user("manager")
    monday = user_week(api, team.employee, next_year())
    doc = create_request(api, team.employee, monday, monday)
    eventually(lambda: body(api.get(f"{LEAVE}/requests/{doc['id']}", token=team.manager.token), 200))

    body(api.patch(f"{AUTH}/users/{team.employee.id}", token=admin_token, json={"manager_id": new_manager.id}), 200)

    # Probed with GET: an approve attempt would succeed while the directory still lags, and
    # decide the request the new manager is meant to approve.
    def old_manager_lost_access():
        resp = api.get(f"{LEAVE}/requests/{doc['id']}", token=team.manager.token)
        assert resp.status_code == 404, f"former manager may still see it: {describe(resp)}"

    eventually(old_manager_lost_access)
    problem(act(api, team.manager.token, doc["id"], "approve"), 404)
    approved = approve_eventually(api, new_manager, doc["id"])
    assert approved["decided_by"] == new_manager.id, approved


# --------------------------------------------------------------------------- cancel


def test_cancel_pending_request_restores_balance(api: Api, make_user) -> None:
    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    before = annual(api, user)
    doc = create_request(api, user, monday, monday + 4 * DAY)
    assert_status(act(api, user.token, doc["id"], "cancel"), "cancelled")
    after = annual(api, user)
    assert after["pending"] == before["pending"], (before, after)
    assert after["available"] == before["available"], (before, after)
    problem(act(api, user.token, doc["id"], "cancel"), 409)


def test_cancel_approved_future_request_by_requester(api: Api, team) -> None:
    employee = team.employee
    monday = user_week(api, employee, next_year())
    before = annual(api, employee)
    doc = create_request(api, employee, monday, monday + DAY)
    approve_eventually(api, team.manager, doc["id"])

    assert_status(act(api, employee.token, doc["id"], "cancel"), "cancelled")
    after = annual(api, employee)
    assert after["taken"] == before["taken"], (before, after)
    assert after["available"] == before["available"], (before, after)


@pytest.mark.parametrize("canceller_role", ["hr", "admin"])
def test_cancel_approved_request_by_hr_or_admin(api: Api, make_user, admin_token: str, canceller_role: str) -> None:
    employee: User = make_user("employee")
    token = admin_token if canceller_role == "admin" else make_user("hr").token
    monday = user_week(api, employee, next_year())
    before = annual(api, employee)
    doc = create_request(api, employee, monday, monday)
    assert_status(act(api, token, doc["id"], "approve"), "approved")
    assert_status(act(api, token, doc["id"], "cancel"), "cancelled")
    assert annual(api, employee)["available"] == before["available"]


def test_cancel_request_by_manager_forbidden(api: Api, team) -> None:
    monday = user_week(api, team.employee, next_year())
    doc = create_request(api, team.employee, monday, monday)
    eventually(lambda: body(api.get(f"{LEAVE}/requests/{doc['id']}", token=team.manager.token), 200))
    assert_forbidden(act(api, team.manager.token, doc["id"], "cancel"))


@pytest.mark.parametrize("viewer", ["colleague", "stranger"])
def test_cancel_request_by_other_employee_hidden(api: Api, team, viewer: str) -> None:
    monday = user_week(api, team.employee, next_year())
    doc = create_request(api, team.employee, monday, monday)
    assert_hidden(act(api, getattr(team, viewer).token, doc["id"], "cancel"))
    assert body(api.get(f"{LEAVE}/requests/{doc['id']}", token=team.employee.token), 200)["status"] == "pending"


def test_cancel_rejected_request_conflict(api: Api, make_user, hr: User) -> None:
    employee: User = make_user("employee")
    monday = user_week(api, employee, next_year())
    doc = create_request(api, employee, monday, monday)
    assert_status(act(api, hr.token, doc["id"], "reject", {"note": "No"}), "rejected")
    problem(act(api, employee.token, doc["id"], "cancel"), 409)


def test_cancel_started_request_by_requester_refused(api: Api, make_user) -> None:
    employee: User = make_user("employee")
    hr: User = make_user("hr")
    today = dt.date.today()
    holidays = holidays_between(api, employee.token, dt.date(today.year, 1, 1), today)
    past = [d for d in working_days(dt.date(today.year, 1, 1), today - DAY, holidays)]
    if not past:
        pytest.skip("no past working day in the current year to book")
    resp = post_request(api, employee, past[-1], past[-1])
    if resp.status_code == 422:
        pytest.skip(f"the service does not accept leave in the past: {describe(resp)}")
    doc = body(resp, 201)
    assert_status(act(api, hr.token, doc["id"], "approve"), "approved")

    refused = act(api, employee.token, doc["id"], "cancel")
    assert refused.status_code in (403, 409, 422), f"requester cancelled leave already taken: {describe(refused)}"
    assert_status(act(api, hr.token, doc["id"], "cancel"), "cancelled")


# --------------------------------------------------------------------------- lists and calendar


def test_list_requests_mine_scope(api: Api, team) -> None:
    monday = user_week(api, team.employee, next_year())
    own = create_request(api, team.employee, monday, monday)
    create_request(api, team.colleague, monday, monday)
    mine = items_of(api.get(f"{LEAVE}/requests", token=team.employee.token, params={"scope": "mine"}))
    assert [r["id"] for r in mine] == [own["id"]], mine


def test_list_requests_team_scope_by_manager(api: Api, team) -> None:
    monday = user_week(api, team.employee, next_year())
    first = create_request(api, team.employee, monday, monday)
    second = create_request(api, team.colleague, monday, monday)
    create_request(api, team.stranger, monday, monday)

    def check():
        listed = items_of(api.get(f"{LEAVE}/requests", token=team.manager.token, params={"scope": "team"}))
        assert {r["id"] for r in listed} == {first["id"], second["id"]}, listed

    eventually(check)


def test_list_requests_team_scope_employee_sees_no_peers(api: Api, team) -> None:
    monday = user_week(api, team.employee, next_year())
    create_request(api, team.colleague, monday, monday)
    resp = api.get(f"{LEAVE}/requests", token=team.employee.token, params={"scope": "team"})
    if resp.status_code == 200:
        assert items_of(resp) == [], describe(resp)
    else:
        assert_forbidden(resp)


def test_list_requests_status_and_dates_filters(api: Api, make_user, hr: User) -> None:
    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    later = user_week(api, user, next_year(), first_week=monday.isocalendar()[1] + 2)
    pending = create_request(api, user, monday, monday)
    approved = create_request(api, user, later, later)
    assert_status(act(api, hr.token, approved["id"], "approve"), "approved")

    only_pending = items_of(api.get(f"{LEAVE}/requests", token=user.token,
                                    params={"scope": "mine", "status": "pending"}))
    assert [r["id"] for r in only_pending] == [pending["id"]], only_pending

    ranged = items_of(api.get(f"{LEAVE}/requests", token=user.token,
                              params={"scope": "mine", "from": iso(later), "to": iso(later + 4 * DAY)}))
    assert [r["id"] for r in ranged] == [approved["id"]], ranged


@pytest.mark.parametrize("lister_role", ["hr", "admin"])
def test_list_requests_all_scope_by_hr_or_admin(api: Api, make_user, admin_token: str, lister_role: str) -> None:
    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    doc = create_request(api, user, monday, monday)
    token = admin_token if lister_role == "admin" else make_user("hr").token
    listed = collect_items(api, f"{LEAVE}/requests", token,
                           {"scope": "all", "from": iso(monday), "to": iso(monday)})
    assert doc["id"] in {r["id"] for r in listed}, f"request {doc['id']} missing from {len(listed)} listed"


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_list_requests_all_scope_by_non_hr_forbidden(api: Api, make_user, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    assert_forbidden(api.get(f"{LEAVE}/requests", token=caller.token, params={"scope": "all"}))


def test_list_requests_unknown_scope_invalid(api: Api, reader: User) -> None:
    resp = api.get(f"{LEAVE}/requests", token=reader.token, params={"scope": "everyone"})
    # A query parameter that is not one of its values makes the request malformed: 400.
    assert_field_error(resp, "scope", status=400)


def test_get_calendar_team_scope_by_manager(api: Api, team) -> None:
    monday = user_week(api, team.employee, next_year())
    create_request(api, team.employee, monday, monday + DAY, end_half="am")
    cancelled = create_request(api, team.colleague, monday, monday)
    assert_status(act(api, team.colleague.token, cancelled["id"], "cancel"), "cancelled")

    def check():
        resp = api.get(f"{LEAVE}/calendar", token=team.manager.token,
                       params={"from": iso(monday), "to": iso(monday + 4 * DAY), "scope": "team"})
        entries = body(resp, 200)
        assert isinstance(entries, list), describe(resp)
        mine = sorted((e["date"], days_value(e["fraction"])) for e in entries if e["user_id"] == team.employee.id)
        assert mine == [(iso(monday), Decimal(1)), (iso(monday + DAY), Decimal("0.5"))], entries
        assert all(e["status"] in ("pending", "approved") for e in entries), entries
        assert not [e for e in entries if e["user_id"] == team.colleague.id], f"cancelled leave shown: {entries}"
        assert not [e for e in entries if e["user_id"] == team.stranger.id], entries
        return entries

    entries = eventually(check)
    entry = next(e for e in entries if e["user_id"] == team.employee.id)
    assert entry["user_name"] == team.employee.name, entry
    assert entry["type"] == "annual", entry
    assert entry["status"] == "pending", entry


def test_get_calendar_all_scope_by_hr(api: Api, make_user, hr: User) -> None:
    user: User = make_user("employee")
    monday = user_week(api, user, next_year())
    create_request(api, user, monday, monday)
    entries = body(api.get(f"{LEAVE}/calendar", token=hr.token,
                           params={"from": iso(monday), "to": iso(monday), "scope": "all"}), 200)
    assert any(e["user_id"] == user.id and e["date"] == iso(monday) for e in entries), entries


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_get_calendar_all_scope_by_non_hr_forbidden(api: Api, make_user, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    monday = free_week(api, caller.token, next_year(), 20)
    assert_forbidden(api.get(f"{LEAVE}/calendar", token=caller.token,
                             params={"from": iso(monday), "to": iso(monday), "scope": "all"}))
