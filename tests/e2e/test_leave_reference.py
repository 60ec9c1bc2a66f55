"""Leave reference data: types, holidays, balances and adjustments."""

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from conftest import (LEAVE, Api, User, assert_field_error, assert_forbidden, assert_hidden, balance_for, body,
                      days_value, describe, eventually, examples_dir, expect, holiday_dates, monday_of_week,
                      next_year, problem)
from leave_helpers import HOLIDAY_TEST_WEEK, ensure_holiday, iso, new_type_body, preview, same_kind, types_by_code

ICS_FILE = "holidays-gb-eng-2026-2027.ics"
BANK_HOLIDAYS_2026 = {
    "2026-01-01", "2026-04-03", "2026-04-06", "2026-05-04",
    "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28",
}
BANK_HOLIDAYS_2027 = {
    "2027-01-01", "2027-03-26", "2027-03-29", "2027-05-03",
    "2027-05-31", "2027-08-30", "2027-12-27", "2027-12-28",
}


def import_ics(api: Api, token: str):
    data = (examples_dir() / ICS_FILE).read_bytes()
    return api.post(f"{LEAVE}/holidays/import", token=token, data=data,
                    headers={"Content-Type": "text/calendar; charset=utf-8"})


# --------------------------------------------------------------------------- types


def test_list_types_defaults(api: Api, reader: User) -> None:
    types = types_by_code(api, reader.token)
    for code in ("annual", "sick", "unpaid"):
        assert code in types, f"default type {code!r} missing: {sorted(types)}"
    assert days_value(types["annual"]["allowance_days"]) == 25, types["annual"]
    assert days_value(types["sick"]["allowance_days"]) == 10, types["sick"]
    assert types["unpaid"]["paid"] is False, types["unpaid"]
    assert types["annual"]["paid"] is True, types["annual"]
    fields = {"code", "name", "paid", "requires_approval", "allowance_days", "accrual", "carry_over_max_days",
              "allow_negative", "allow_half_day"}
    for code, leave_type in types.items():
        assert fields <= set(leave_type), f"type {code} lacks {fields - set(leave_type)}"


def test_list_types_without_token_unauthorized(api: Api) -> None:
    problem(api.get(f"{LEAVE}/types"), 401)


@pytest.mark.parametrize("creator_role", ["hr", "admin"])
def test_create_type_by_hr_or_admin(api: Api, make_user, admin_token: str, creator_role: str) -> None:
    token = admin_token if creator_role == "admin" else make_user("hr").token
    payload = new_type_body(api, token)
    expect(api.post(f"{LEAVE}/types", token=token, json=payload), 201)
    created = types_by_code(api, token)[payload["code"]]
    assert created["name"] == payload["name"], created
    assert days_value(created["allowance_days"]) == 5, created


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_create_type_by_non_hr_forbidden(api: Api, make_user, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    assert_forbidden(api.post(f"{LEAVE}/types", token=caller.token, json=new_type_body(api, caller.token)))


def test_create_type_duplicate_code_conflict(api: Api, hr: User) -> None:
    payload = new_type_body(api, hr.token)
    expect(api.post(f"{LEAVE}/types", token=hr.token, json=payload), 201)
    problem(api.post(f"{LEAVE}/types", token=hr.token, json=payload), 409)


def test_create_type_missing_name_invalid(api: Api, hr: User) -> None:
    payload = new_type_body(api, hr.token)
    del payload["name"]
    assert_field_error(api.post(f"{LEAVE}/types", token=hr.token, json=payload), "name")


def test_update_type_by_hr(api: Api, hr: User) -> None:
    payload = new_type_body(api, hr.token)
    expect(api.post(f"{LEAVE}/types", token=hr.token, json=payload), 201)
    resp = api.patch(f"{LEAVE}/types/{payload['code']}", token=hr.token,
                     json={"name": "Renamed type", "allowance_days": same_kind(payload["allowance_days"], "7.5")})
    expect(resp, 200)
    updated = types_by_code(api, hr.token)[payload["code"]]
    assert updated["name"] == "Renamed type", updated
    assert days_value(updated["allowance_days"]) == Decimal("7.5"), updated


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_update_type_by_non_hr_forbidden(api: Api, make_user, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    assert_forbidden(api.patch(f"{LEAVE}/types/annual", token=caller.token, json={"name": "Mine now"}))


def test_update_type_unknown_not_found(api: Api, hr: User) -> None:
    problem(api.patch(f"{LEAVE}/types/no_such_type_{uuid.uuid4().hex[:6]}", token=hr.token, json={"name": "x"}), 404)


# --------------------------------------------------------------------------- holidays


def test_import_holidays_ics_then_list(api: Api, make_user) -> None:
    hr: User = make_user("hr")
    doc = body(import_ics(api, hr.token), 200)
    for key in ("created", "updated", "errors"):
        assert key in doc, f"import result lacks {key!r}: {doc}"
    assert doc["errors"] in ([], None, 0), doc
    assert doc["created"] + doc["updated"] <= 16, doc

    listed = body(api.get(f"{LEAVE}/holidays", token=hr.token, params={"year": 2026}), 200)
    # Other tests add holidays named "E2E ..." in later years; none of them belong to the file.
    from_file = {h["date"] for h in listed if not h["name"].startswith("E2E")}
    assert from_file == BANK_HOLIDAYS_2026, listed
    names = {h["date"]: h["name"] for h in listed}
    assert "Good Friday" in names["2026-04-03"], names
    assert "Boxing Day" in names["2026-12-28"], names
    assert "Christmas" in names["2026-12-25"], names

    listed_2027 = body(api.get(f"{LEAVE}/holidays", token=hr.token, params={"year": 2027}), 200)
    assert BANK_HOLIDAYS_2027 <= {h["date"] for h in listed_2027}, listed_2027


def test_import_holidays_second_run_creates_none(api: Api, hr: User) -> None:
    body(import_ics(api, hr.token), 200)
    again = body(import_ics(api, hr.token), 200)
    assert again["created"] == 0, again


def test_list_holidays_by_employee(api: Api, reader: User, hr: User) -> None:
    body(import_ics(api, hr.token), 200)
    listed = body(api.get(f"{LEAVE}/holidays", token=reader.token, params={"year": 2026}), 200)
    assert BANK_HOLIDAYS_2026 <= {h["date"] for h in listed}, listed


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_import_holidays_by_non_hr_forbidden(api: Api, make_user, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    assert_forbidden(import_ics(api, caller.token))


def test_import_holidays_wrong_content_type_unsupported(api: Api, hr: User) -> None:
    resp = api.post(f"{LEAVE}/holidays/import", token=hr.token, json={"date": "2026-01-01"})
    problem(resp, 415)


def test_import_holidays_malformed_calendar_rejected(api: Api, hr: User) -> None:
    resp = api.post(f"{LEAVE}/holidays/import", token=hr.token, data=b"this is not a calendar\r\n",
                    headers={"Content-Type": "text/calendar"})
    assert resp.status_code in (400, 422), f"malformed calendar accepted: {describe(resp)}"
    problem(resp, resp.status_code)


def test_create_delete_holiday_by_hr(api: Api, hr: User, reader: User) -> None:
    # Two years ahead, so no leave test of this run counts days across it.
    day = dt.date(next_year() + 1, 7, 14)
    name = f"E2E holiday {uuid.uuid4().hex[:6]}"
    expect(api.delete(f"{LEAVE}/holidays/{iso(day)}", token=hr.token), 204, 404)

    expect(api.post(f"{LEAVE}/holidays", token=hr.token, json={"date": iso(day), "name": name}), 201)
    listed = body(api.get(f"{LEAVE}/holidays", token=reader.token, params={"year": day.year}), 200)
    assert {"date": iso(day), "name": name} in [{"date": h["date"], "name": h["name"]} for h in listed], listed

    expect(api.delete(f"{LEAVE}/holidays/{iso(day)}", token=hr.token), 204)
    assert day not in holiday_dates(api, reader.token, day.year)
    problem(api.delete(f"{LEAVE}/holidays/{iso(day)}", token=hr.token), 404)


def test_create_holiday_invalid_date_invalid(api: Api, hr: User) -> None:
    resp = api.post(f"{LEAVE}/holidays", token=hr.token, json={"date": "2027-02-30", "name": "No such day"})
    assert_field_error(resp, "date")


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_create_delete_holiday_by_non_hr_forbidden(api: Api, make_user, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    day = dt.date(next_year() + 1, 7, 15)
    assert_forbidden(api.post(f"{LEAVE}/holidays", token=caller.token, json={"date": iso(day), "name": "Mine"}))
    assert_forbidden(api.delete(f"{LEAVE}/holidays/{iso(day)}", token=caller.token))


def test_preview_request_holiday_week_counts_four(api: Api, hr: User, make_user) -> None:
    monday = monday_of_week(next_year(), HOLIDAY_TEST_WEEK)
    wednesday = monday + dt.timedelta(days=2)
    ensure_holiday(api, hr.token, wednesday, "E2E company day")
    in_week = {d for d in holiday_dates(api, hr.token, monday.year) if monday <= d <= monday + dt.timedelta(days=4)}
    assert in_week == {wednesday}, f"week {HOLIDAY_TEST_WEEK} should hold only the test holiday: {in_week}"

    user: User = make_user("employee")
    doc = preview(api, user, monday, monday + dt.timedelta(days=4))
    assert days_value(doc["days"]) == 4, doc
    assert iso(wednesday) not in {d["date"] for d in doc["dates"]}, doc


def test_preview_request_bank_holiday_week_counts_four(api: Api, hr: User, make_user) -> None:
    # Monday 30 August 2027 is the summer bank holiday in examples/holidays-gb-eng-2026-2027.ics.
    monday = dt.date(2027, 8, 30)
    if monday <= dt.date.today():
        pytest.skip("the example calendar has no bank holiday in the future any more")
    body(import_ics(api, hr.token), 200)
    user: User = make_user("employee")
    doc = preview(api, user, monday, monday + dt.timedelta(days=4))
    assert days_value(doc["days"]) == 4, doc
    assert [d["date"] for d in doc["dates"]] == ["2027-08-31", "2027-09-01", "2027-09-02", "2027-09-03"], doc


def test_create_request_half_day_on_holiday_invalid(api: Api, hr: User, make_user) -> None:
    wednesday = monday_of_week(next_year(), HOLIDAY_TEST_WEEK) + dt.timedelta(days=2)
    ensure_holiday(api, hr.token, wednesday, "E2E company day")
    user: User = make_user("employee")
    resp = api.post(f"{LEAVE}/requests", token=user.token,
                    json={"type": "annual", "start_date": iso(wednesday),
                          "end_date": iso(wednesday + dt.timedelta(days=2)), "start_half": "pm"})
    problem(resp, 422)


def test_create_request_only_holiday_invalid(api: Api, hr: User, make_user) -> None:
    wednesday = monday_of_week(next_year(), HOLIDAY_TEST_WEEK) + dt.timedelta(days=2)
    ensure_holiday(api, hr.token, wednesday, "E2E company day")
    user: User = make_user("employee")
    resp = api.post(f"{LEAVE}/requests", token=user.token,
                    json={"type": "annual", "start_date": iso(wednesday), "end_date": iso(wednesday)})
    problem(resp, 422)


# --------------------------------------------------------------------------- balances


def test_get_balances_next_year_allocated(api: Api, make_user) -> None:
    user: User = make_user("employee")
    year = next_year()
    annual = balance_for(api, user.token, "annual", year)
    for key in ("type", "year", "entitled", "carried_over", "adjusted", "taken", "pending", "available"):
        assert key in annual, f"balance lacks {key!r}: {annual}"
    assert days_value(annual["entitled"]) == 25, annual
    assert days_value(annual["taken"]) == 0, annual
    assert days_value(annual["pending"]) == 0, annual
    assert days_value(annual["available"]) == 25, annual
    assert days_value(balance_for(api, user.token, "sick", year)["entitled"]) == 10


def test_get_balances_available_formula(api: Api, make_user) -> None:
    user: User = make_user("employee")
    for row in body(api.get(f"{LEAVE}/balances", token=user.token, params={"year": next_year()}), 200):
        expected = (days_value(row["entitled"]) + days_value(row["carried_over"]) + days_value(row["adjusted"])
                    - days_value(row["taken"]) - days_value(row["pending"]))
        assert days_value(row["available"]) == expected, row


@pytest.mark.parametrize("reader_role", ["hr", "admin"])
def test_get_balances_other_user_by_hr_or_admin(api: Api, make_user, admin_token: str, reader_role: str) -> None:
    user: User = make_user("employee")
    token = admin_token if reader_role == "admin" else make_user("hr").token
    row = balance_for(api, token, "annual", next_year(), user_id=user.id)
    assert days_value(row["entitled"]) == 25, row


def test_get_balances_report_by_manager(api: Api, team) -> None:
    def check():
        return balance_for(api, team.manager.token, "annual", next_year(), user_id=team.employee.id)

    row = eventually(check)
    assert days_value(row["entitled"]) == 25, row


@pytest.mark.parametrize("viewer", ["colleague", "stranger"])
def test_get_balances_other_user_hidden(api: Api, team, viewer: str) -> None:
    caller: User = getattr(team, viewer)
    resp = api.get(f"{LEAVE}/balances", token=caller.token,
                   params={"year": next_year(), "user_id": team.employee.id})
    assert_hidden(resp)


# --------------------------------------------------------------------------- adjustments


@pytest.mark.parametrize("adjuster_role", ["hr", "admin"])
def test_create_adjustment_changes_balance(api: Api, make_user, admin_token: str, adjuster_role: str) -> None:
    token = admin_token if adjuster_role == "admin" else make_user("hr").token
    user: User = make_user("employee")
    year = next_year()
    before = balance_for(api, user.token, "annual", year)

    for days, reason in (("2.0", "Long service"), ("-0.5", "Correction")):
        resp = api.post(f"{LEAVE}/adjustments", token=token,
                        json={"user_id": user.id, "type": "annual", "year": year, "days": days, "reason": reason})
        expect(resp, 201)

    after = balance_for(api, user.token, "annual", year)
    assert days_value(after["adjusted"]) - days_value(before["adjusted"]) == Decimal("1.5"), (before, after)
    assert days_value(after["available"]) - days_value(before["available"]) == Decimal("1.5"), (before, after)


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_create_adjustment_by_non_hr_forbidden(api: Api, make_user, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    target: User = make_user("employee", manager_id=caller.id)
    for user_id in (caller.id, target.id):
        resp = api.post(f"{LEAVE}/adjustments", token=caller.token,
                        json={"user_id": user_id, "type": "annual", "year": next_year(), "days": "5.0",
                              "reason": "I deserve it"})
        assert_forbidden(resp)
    assert days_value(balance_for(api, caller.token, "annual", next_year())["adjusted"]) == 0


def test_create_adjustment_missing_reason_invalid(api: Api, hr: User, make_user) -> None:
    user: User = make_user("employee")
    resp = api.post(f"{LEAVE}/adjustments", token=hr.token,
                    json={"user_id": user.id, "type": "annual", "year": next_year(), "days": "1.0"})
    assert_field_error(resp, "reason")


def test_create_adjustment_unknown_type_invalid(api: Api, hr: User, make_user) -> None:
    user: User = make_user("employee")
    resp = api.post(f"{LEAVE}/adjustments", token=hr.token,
                    json={"user_id": user.id, "type": "no_such_type", "year": next_year(), "days": "1.0",
                          "reason": "x"})
    assert_field_error(resp, "type")
