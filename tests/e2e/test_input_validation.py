"""Input handling shared by every service: malformed bodies, missing fields, content types, injection."""

import datetime as dt
import uuid

import pytest

from conftest import (AUTH, EXPENSE, LEAVE, Api, User, assert_field_error, body, describe, free_week, items_of,
                      next_year, problem, unique_email)

SQL_INJECTION = "Robert'); DROP TABLE users;--"


def authed_routes(user: User, admin_token: str) -> dict:
    """Return one JSON-accepting POST route per service with the token it needs."""
    return {
        "auth": (f"{AUTH}/users", admin_token),
        "leave": (f"{LEAVE}/requests", user.token),
        "expense": (f"{EXPENSE}/claims", user.token),
    }


@pytest.mark.parametrize("method, path", [
    ("GET", f"{AUTH}/users"),
    ("GET", f"{AUTH}/users/00000000-0000-4000-8000-000000000000"),
    ("POST", f"{AUTH}/me/password"),
    ("GET", f"{LEAVE}/holidays?year=2026"),
    ("GET", f"{LEAVE}/balances"),
    ("GET", f"{LEAVE}/requests?scope=mine"),
    ("POST", f"{LEAVE}/requests/preview"),
    ("GET", f"{LEAVE}/calendar?scope=team"),
    ("POST", f"{LEAVE}/adjustments"),
    ("GET", f"{EXPENSE}/claims?scope=mine"),
    ("GET", f"{EXPENSE}/rates?date=2026-01-01"),
    ("GET", f"{EXPENSE}/reports/claims.csv"),
])
def test_protected_route_without_token_unauthorized(api: Api, method: str, path: str) -> None:
    # Only POST carries a body: CRS rule 920170 blocks a GET with one.
    problem(api.request(method, path, json={} if method == "POST" else None), 401)


@pytest.mark.parametrize("service", ["auth", "leave", "expense"])
def test_post_malformed_json_bad_request(api: Api, reader: User, admin_token: str, service: str) -> None:
    path, token = authed_routes(reader, admin_token)[service]
    resp = api.post(path, token=token, data=b'{"title": "unterminated',
                    headers={"Content-Type": "application/json"})
    doc = problem(resp, 400)
    text = f"{doc.get('title', '')} {doc.get('detail', '')}".lower()
    assert "json" in text, f"400 should say the JSON is malformed: {describe(resp)}"


def test_login_malformed_json_bad_request(api: Api) -> None:
    resp = api.post(f"{AUTH}/login", data=b'{"email": "a@b.example", "password": ',
                    headers={"Content-Type": "application/json"})
    doc = problem(resp, 400)
    assert "json" in f"{doc.get('title', '')} {doc.get('detail', '')}".lower(), describe(resp)


@pytest.mark.parametrize("service", ["auth", "leave", "expense"])
def test_post_json_array_body_rejected(api: Api, reader: User, admin_token: str, service: str) -> None:
    path, token = authed_routes(reader, admin_token)[service]
    resp = api.post(path, token=token, json=[1, 2, 3])
    assert resp.status_code in (400, 422), f"a JSON array was accepted as an object: {describe(resp)}"
    problem(resp, resp.status_code)


def test_create_user_missing_email_invalid(api: Api, admin_token: str) -> None:
    resp = api.post(f"{AUTH}/users", token=admin_token, json={"name": "No Email", "role": "employee"})
    assert_field_error(resp, "email")


def test_create_request_missing_start_date_invalid(api: Api, reader: User) -> None:
    resp = api.post(f"{LEAVE}/requests", token=reader.token,
                    json={"type": "annual", "end_date": f"{next_year()}-06-01"})
    assert_field_error(resp, "start_date")


def test_create_claim_title_wrong_type_invalid(api: Api, reader: User) -> None:
    resp = api.post(f"{EXPENSE}/claims", token=reader.token, json={"title": 42})
    assert_field_error(resp, "title")


@pytest.mark.parametrize("service, content_type", [
    ("auth", "text/plain"),
    ("leave", "application/x-www-form-urlencoded"),
    ("expense", "text/plain"),
])
def test_post_wrong_content_type_unsupported(api: Api, reader: User, admin_token: str, service: str,
                                             content_type: str) -> None:
    path, token = authed_routes(reader, admin_token)[service]
    resp = api.post(path, token=token, data=b"title=hello", headers={"Content-Type": content_type})
    problem(resp, 415)


def test_login_wrong_content_type_unsupported(api: Api) -> None:
    resp = api.post(f"{AUTH}/login", data=b"email=a@b.example&password=x",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    problem(resp, 415)


def assert_stored_or_blocked(resp, stored_value_of) -> None:
    """Accept the injection string stored verbatim, or a 403 from the gateway's WAF."""
    if resp.status_code == 403:
        return
    doc = body(resp, 200, 201)
    assert stored_value_of(doc) == SQL_INJECTION, f"value changed on the way in: {describe(resp)}"


def test_create_user_sql_injection_name_inert(api: Api, admin_token: str) -> None:
    email = unique_email("sqli")
    resp = api.post(f"{AUTH}/users", token=admin_token, json={"email": email, "name": SQL_INJECTION, "role": "employee"})
    assert_stored_or_blocked(resp, lambda doc: doc["name"])
    if resp.status_code != 403:
        stored = body(api.get(f"{AUTH}/users/{resp.json()['id']}", token=admin_token), 200)
        assert stored["name"] == SQL_INJECTION, stored

    listed = items_of(api.get(f"{AUTH}/users", token=admin_token, params={"limit": 5}))
    assert listed, "no users listed after the injection attempt"


def test_list_users_sql_injection_query_inert(api: Api, admin_token: str) -> None:
    resp = api.get(f"{AUTH}/users", token=admin_token, params={"q": "x' OR '1'='1"})
    if resp.status_code == 403:
        return
    listed = items_of(resp)
    assert all("x' or '1'='1" in (u["name"] + u["email"]).lower() for u in listed), \
        f"the search matched users it should not have: {listed[:3]}"


def test_create_claim_sql_injection_title_inert(api: Api, make_user) -> None:
    user: User = make_user("employee")
    resp = api.post(f"{EXPENSE}/claims", token=user.token, json={"title": SQL_INJECTION})
    assert_stored_or_blocked(resp, lambda doc: doc["title"])
    items_of(api.get(f"{EXPENSE}/claims", token=user.token, params={"scope": "mine"}))


def test_create_request_sql_injection_reason_inert(api: Api, make_user) -> None:
    user: User = make_user("employee")
    monday = free_week(api, user.token, next_year(), 20)
    resp = api.post(f"{LEAVE}/requests", token=user.token,
                    json={"type": "annual", "start_date": monday.isoformat(),
                          "end_date": (monday + dt.timedelta(days=1)).isoformat(), "reason": SQL_INJECTION})
    assert_stored_or_blocked(resp, lambda doc: doc["reason"])
    items_of(api.get(f"{LEAVE}/requests", token=user.token, params={"scope": "mine"}))


def test_get_users_path_traversal_not_found(api: Api, admin_token: str) -> None:
    resp = api.get(f"{AUTH}/users/..%2F..%2Fetc%2Fpasswd", token=admin_token)
    assert resp.status_code in (400, 403, 404), describe(resp)
    assert "root:" not in resp.text


def test_list_users_unknown_manager_empty(api: Api, admin_token: str) -> None:
    resp = api.get(f"{AUTH}/users", token=admin_token, params={"manager_id": str(uuid.uuid4())})
    assert items_of(resp) == [], describe(resp)
