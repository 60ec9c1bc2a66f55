"""User management: create, read, list with filters, update, disable and password reset."""

import uuid

import pytest

from conftest import (AUTH, EXPENSE, LEAVE, Api, User, assert_field_error, assert_forbidden, assert_hidden,
                      body, describe, expect, items_of, login, new_password, problem, unique_email)


def create(api: Api, token: str, **fields) -> dict:
    payload = {"email": unique_email(fields.pop("label", "user")), "name": "E2E Created", "role": "employee"}
    payload.update(fields)
    return body(api.post(f"{AUTH}/users", token=token, json=payload), 201)


# --------------------------------------------------------------------------- create


@pytest.mark.parametrize("creator_role", ["hr", "admin"])
def test_create_user_by_hr_or_admin(api: Api, make_user, admin_token: str, creator_role: str) -> None:
    token = admin_token if creator_role == "admin" else make_user("hr").token
    manager = create(api, token, role="manager", label="mgr")
    doc = create(api, token, name="Zoë Ångström-Núñez", role="employee", manager_id=manager["id"])
    assert doc["name"] == "Zoë Ångström-Núñez", doc
    assert doc["role"] == "employee", doc
    assert doc["manager_id"] == manager["id"], doc
    assert doc["status"] == "active", doc
    assert doc.get("temporary_password"), doc
    assert len(doc["temporary_password"]) >= 12, doc


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_create_user_by_non_hr_forbidden(api: Api, make_user, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    resp = api.post(f"{AUTH}/users", token=caller.token,
                    json={"email": unique_email("x"), "name": "Not Allowed", "role": "employee"})
    assert_forbidden(resp)


def test_create_user_with_password_no_temporary(api: Api, admin_token: str) -> None:
    password = new_password()
    doc = create(api, admin_token, password=password)
    assert "temporary_password" not in doc or doc["temporary_password"] in (None, ""), doc
    assert login(api, doc["email"], password)["user"]["id"] == doc["id"]


def test_create_user_duplicate_email_conflict(api: Api, admin_token: str) -> None:
    doc = create(api, admin_token)
    resp = api.post(f"{AUTH}/users", token=admin_token,
                    json={"email": doc["email"].upper(), "name": "Duplicate", "role": "employee"})
    problem(resp, 409)


def test_create_user_invalid_email_invalid(api: Api, admin_token: str) -> None:
    resp = api.post(f"{AUTH}/users", token=admin_token,
                    json={"email": "not-an-email", "name": "Bad Email", "role": "employee"})
    assert_field_error(resp, "email")


def test_create_user_unknown_role_invalid(api: Api, admin_token: str) -> None:
    resp = api.post(f"{AUTH}/users", token=admin_token,
                    json={"email": unique_email("role"), "name": "Bad Role", "role": "overlord"})
    assert_field_error(resp, "role")


def test_create_user_short_password_invalid(api: Api, admin_token: str) -> None:
    resp = api.post(f"{AUTH}/users", token=admin_token,
                    json={"email": unique_email("pw"), "name": "Short", "role": "employee", "password": "short"})
    assert_field_error(resp, "password")


def test_create_user_unknown_manager_invalid(api: Api, admin_token: str) -> None:
    resp = api.post(f"{AUTH}/users", token=admin_token,
                    json={"email": unique_email("mgr"), "name": "No Manager", "role": "employee",
                          "manager_id": str(uuid.uuid4())})
    assert_field_error(resp, "manager_id")


def test_create_admin_by_hr_forbidden(api: Api, make_user) -> None:
    hr: User = make_user("hr")
    resp = api.post(f"{AUTH}/users", token=hr.token,
                    json={"email": unique_email("admin"), "name": "Would Be Admin", "role": "admin"})
    assert_forbidden(resp)


def test_create_admin_by_admin(api: Api, admin_token: str) -> None:
    doc = create(api, admin_token, role="admin", label="admin")
    assert doc["role"] == "admin", doc


# --------------------------------------------------------------------------- read


def test_get_user_self(api: Api, make_user) -> None:
    user: User = make_user("employee")
    doc = body(api.get(f"{AUTH}/users/{user.id}", token=user.token), 200)
    assert doc["id"] == user.id, doc


@pytest.mark.parametrize("reader_role", ["hr", "admin"])
def test_get_user_by_hr_or_admin(api: Api, make_user, admin_token: str, reader_role: str) -> None:
    user: User = make_user("employee")
    token = admin_token if reader_role == "admin" else make_user("hr").token
    doc = body(api.get(f"{AUTH}/users/{user.id}", token=token), 200)
    assert doc["email"].lower() == user.email.lower(), doc


def test_get_user_other_employee_hidden(api: Api, make_user) -> None:
    user: User = make_user("employee")
    other: User = make_user("employee")
    assert_hidden(api.get(f"{AUTH}/users/{user.id}", token=other.token))


def test_get_user_unknown_not_found(api: Api, admin_token: str) -> None:
    problem(api.get(f"{AUTH}/users/{uuid.uuid4()}", token=admin_token), 404)


def test_get_user_malformed_id_rejected(api: Api, admin_token: str) -> None:
    resp = api.get(f"{AUTH}/users/not-a-uuid", token=admin_token)
    assert resp.status_code in (400, 404), f"malformed id should be 400 or 404: {describe(resp)}"


# --------------------------------------------------------------------------- list and filters


def test_list_users_by_employee_forbidden(api: Api, make_user) -> None:
    employee: User = make_user("employee")
    assert_forbidden(api.get(f"{AUTH}/users", token=employee.token))


def test_list_users_by_manager_forbidden(api: Api, make_user) -> None:
    manager: User = make_user("manager")
    assert_forbidden(api.get(f"{AUTH}/users", token=manager.token))


def test_list_users_filters(api: Api, make_user) -> None:
    hr: User = make_user("hr")
    marker = uuid.uuid4().hex[:10]
    manager = create(api, hr.token, role="manager", name=f"Filter Manager {marker}")
    report = create(api, hr.token, role="employee", name=f"Filter Report {marker}", manager_id=manager["id"])
    disabled = create(api, hr.token, role="employee", name=f"Filter Disabled {marker}")
    body(api.patch(f"{AUTH}/users/{disabled['id']}", token=hr.token, json={"status": "disabled"}), 200)

    by_q = items_of(api.get(f"{AUTH}/users", token=hr.token, params={"q": marker}))
    assert {u["id"] for u in by_q} == {manager["id"], report["id"], disabled["id"]}, by_q

    by_role = items_of(api.get(f"{AUTH}/users", token=hr.token, params={"q": marker, "role": "manager"}))
    assert [u["id"] for u in by_role] == [manager["id"]], by_role

    by_manager = items_of(api.get(f"{AUTH}/users", token=hr.token, params={"manager_id": manager["id"]}))
    assert [u["id"] for u in by_manager] == [report["id"]], by_manager

    by_status = items_of(api.get(f"{AUTH}/users", token=hr.token, params={"q": marker, "status": "disabled"}))
    assert [u["id"] for u in by_status] == [disabled["id"]], by_status

    active = items_of(api.get(f"{AUTH}/users", token=hr.token, params={"q": marker, "status": "active"}))
    assert {u["id"] for u in active} == {manager["id"], report["id"]}, active


def test_list_users_cursor_pages(api: Api, make_user) -> None:
    hr: User = make_user("hr")
    marker = uuid.uuid4().hex[:10]
    created = {create(api, hr.token, name=f"Page {marker} {i}")["id"] for i in range(3)}

    seen: list[str] = []
    cursor = None
    for _ in range(5):
        params = {"q": marker, "limit": 2}
        if cursor:
            params["cursor"] = cursor
        doc = body(api.get(f"{AUTH}/users", token=hr.token, params=params), 200)
        assert len(doc["items"]) <= 2, doc
        seen += [u["id"] for u in doc["items"]]
        cursor = doc["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(created), f"pages returned {seen}, expected {created}"


def test_list_users_limit_above_max_bounded(api: Api, admin_token: str) -> None:
    resp = api.get(f"{AUTH}/users", token=admin_token, params={"limit": 1000})
    if resp.status_code == 200:
        assert len(resp.json()["items"]) <= 200, "limit above 200 returned more than 200 items"
    else:
        problem(resp, resp.status_code)
        assert resp.status_code in (400, 422), describe(resp)


# --------------------------------------------------------------------------- update


@pytest.mark.parametrize("editor_role", ["hr", "admin"])
def test_update_user_fields(api: Api, make_user, admin_token: str, editor_role: str) -> None:
    token = admin_token if editor_role == "admin" else make_user("hr").token
    manager: User = make_user("manager")
    user: User = make_user("employee")
    doc = body(api.patch(f"{AUTH}/users/{user.id}", token=token,
                         json={"name": "José Renamed", "role": "manager", "manager_id": manager.id}), 200)
    assert doc["name"] == "José Renamed", doc
    assert doc["role"] == "manager", doc
    assert doc["manager_id"] == manager.id, doc

    cleared = body(api.patch(f"{AUTH}/users/{user.id}", token=token, json={"manager_id": None}), 200)
    assert cleared["manager_id"] is None, cleared


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_update_user_by_non_hr_forbidden(api: Api, make_user, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    target: User = make_user("employee", manager_id=caller.id)
    assert_forbidden(api.patch(f"{AUTH}/users/{target.id}", token=caller.token, json={"name": "Nope"}))


def test_update_self_role_by_employee_forbidden(api: Api, make_user) -> None:
    user: User = make_user("employee")
    assert_forbidden(api.patch(f"{AUTH}/users/{user.id}", token=user.token, json={"role": "admin"}))


def test_update_role_to_admin_by_hr_forbidden(api: Api, make_user) -> None:
    hr: User = make_user("hr")
    user: User = make_user("employee")
    assert_forbidden(api.patch(f"{AUTH}/users/{user.id}", token=hr.token, json={"role": "admin"}))
    assert_forbidden(api.patch(f"{AUTH}/users/{hr.id}", token=hr.token, json={"role": "admin"}))


def test_update_role_to_admin_by_admin(api: Api, make_user, admin_token: str) -> None:
    user: User = make_user("employee")
    doc = body(api.patch(f"{AUTH}/users/{user.id}", token=admin_token, json={"role": "admin"}), 200)
    assert doc["role"] == "admin", doc


def test_update_manager_cycle_invalid(api: Api, make_user, admin_token: str) -> None:
    top: User = make_user("manager")
    middle: User = make_user("manager", manager_id=top.id)
    bottom: User = make_user("employee", manager_id=middle.id)
    resp = api.patch(f"{AUTH}/users/{top.id}", token=admin_token, json={"manager_id": bottom.id})
    assert_field_error(resp, "manager_id")
    doc = body(api.get(f"{AUTH}/users/{top.id}", token=admin_token), 200)
    assert doc["manager_id"] is None, f"rejected change was written: {doc}"


def test_update_manager_self_invalid(api: Api, make_user, admin_token: str) -> None:
    user: User = make_user("manager")
    resp = api.patch(f"{AUTH}/users/{user.id}", token=admin_token, json={"manager_id": user.id})
    assert_field_error(resp, "manager_id")


def test_update_status_unknown_invalid(api: Api, make_user, admin_token: str) -> None:
    user: User = make_user("employee")
    resp = api.patch(f"{AUTH}/users/{user.id}", token=admin_token, json={"status": "sleeping"})
    assert_field_error(resp, "status")


def test_update_user_unknown_not_found(api: Api, admin_token: str) -> None:
    problem(api.patch(f"{AUTH}/users/{uuid.uuid4()}", token=admin_token, json={"name": "Ghost"}), 404)


def test_disable_user_revokes_tokens(api: Api, make_user, admin_token: str) -> None:
    user: User = make_user("employee")
    token = user.token
    session = login(api, user.email, user.password)
    doc = body(api.patch(f"{AUTH}/users/{user.id}", token=admin_token, json={"status": "disabled"}), 200)
    assert doc["status"] == "disabled", doc

    for path in (f"{AUTH}/me", f"{LEAVE}/types", f"{EXPENSE}/categories"):
        problem(api.get(path, token=token), 401)
    problem(api.post(f"{AUTH}/refresh", json={"refresh_token": session["refresh_token"]}), 401)
    resp = api.post(f"{AUTH}/login", json={"email": user.email, "password": user.password})
    assert resp.status_code in (401, 403), f"disabled user signed in: {describe(resp)}"

    body(api.patch(f"{AUTH}/users/{user.id}", token=admin_token, json={"status": "active"}), 200)
    login(api, user.email, user.password)


# --------------------------------------------------------------------------- password reset


@pytest.mark.parametrize("resetter_role", ["hr", "admin"])
def test_reset_password_by_hr_or_admin(api: Api, make_user, admin_token: str, resetter_role: str) -> None:
    token = admin_token if resetter_role == "admin" else make_user("hr").token
    user: User = make_user("employee")
    old_token = user.token
    doc = body(api.post(f"{AUTH}/users/{user.id}/password-reset", token=token), 200)
    temporary = doc.get("temporary_password")
    assert temporary and len(temporary) >= 12, doc

    problem(api.get(f"{AUTH}/me", token=old_token), 401)
    problem(api.post(f"{AUTH}/login", json={"email": user.email, "password": user.password}), 401)
    changed = problem(api.post(f"{AUTH}/login", json={"email": user.email, "password": temporary}), 403)
    assert changed["type"].endswith("/password-change-required"), changed

    password = new_password()
    expect(api.post(f"{AUTH}/me/password", token=changed["change_token"],
                    json={"current_password": temporary, "new_password": password}), 204)
    login(api, user.email, password)


@pytest.mark.parametrize("caller_role", ["employee", "manager"])
def test_reset_password_by_non_hr_forbidden(api: Api, make_user, caller_role: str) -> None:
    caller: User = make_user(caller_role)
    target: User = make_user("employee", manager_id=caller.id)
    assert_forbidden(api.post(f"{AUTH}/users/{target.id}/password-reset", token=caller.token))
    login(api, target.email, target.password)
