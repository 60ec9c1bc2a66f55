"""Sign-in, token rotation, sign-out, lockout, password changes and token format."""

import base64
import json
import time

import pytest

from conftest import (AUTH, EXPENSE, LEAVE, Api, AdminSession, User, assert_field_error, b64url_decode,
                      body, describe, expect, jwt_parts, login, new_password, problem, unique_email)


def assert_token_rejected_everywhere(api: Api, token: str) -> None:
    """Assert that auth, leave and expense all reject `token` with 401."""
    for path in (f"{AUTH}/me", f"{LEAVE}/types", f"{EXPENSE}/categories"):
        problem(api.get(path, token=token), 401)


# --------------------------------------------------------------------------- login


def test_login_user_success(api: Api, make_user) -> None:
    user: User = make_user("employee")
    doc = login(api, user.email, user.password)
    assert isinstance(doc.get("expires_in"), int) and doc["expires_in"] > 0, doc
    assert doc["user"]["id"] == user.id, doc
    assert doc["user"]["email"].lower() == user.email.lower(), doc
    for key in ("id", "email", "name", "role", "manager_id", "status", "created_at"):
        assert key in doc["user"], f"user lacks {key!r}: {doc['user']}"
    leaked = [key for key in doc["user"] if "password" in key or "hash" in key]
    assert not leaked, f"user exposes secret fields {leaked}: {doc['user']}"


def test_login_user_email_case_insensitive(api: Api, make_user) -> None:
    user: User = make_user("employee")
    doc = login(api, user.email.upper(), user.password)
    assert doc["user"]["id"] == user.id, doc


def test_login_wrong_password_same_as_unknown_email(api: Api, make_user) -> None:
    user: User = make_user("employee")
    wrong = problem(api.post(f"{AUTH}/login", json={"email": user.email, "password": "not-the-password-1"}), 401)
    unknown = problem(api.post(f"{AUTH}/login",
                               json={"email": unique_email("nobody"), "password": "not-the-password-1"}), 401)
    for key in ("type", "title", "detail"):
        assert wrong.get(key) == unknown.get(key), \
            f"{key} differs between wrong password and unknown email: {wrong} vs {unknown}"


def test_login_missing_password_invalid(api: Api) -> None:
    resp = api.post(f"{AUTH}/login", json={"email": unique_email("nobody")})
    assert_field_error(resp, "password")


def test_login_repeated_failures_locked(api: Api, make_user, admin_token: str) -> None:
    user: User = make_user("employee")
    locked = None
    for _ in range(30):
        resp = api.post(f"{AUTH}/login", json={"email": user.email, "password": "wrong-password-123"})
        if resp.status_code == 429:
            locked = resp
            break
        problem(resp, 401)
    assert locked is not None, "30 failed logins did not lock the account"
    problem(locked, 429)
    retry_after = locked.headers.get("Retry-After")
    assert retry_after, f"lockout lacks Retry-After: {describe(locked)}"
    assert retry_after.isdigit(), f"Retry-After should be a number of seconds: {describe(locked)}"
    assert int(retry_after) > 0, f"Retry-After should be positive: {describe(locked)}"

    still_locked = api.post(f"{AUTH}/login", json={"email": user.email, "password": user.password})
    problem(still_locked, 429)
    assert still_locked.headers.get("Retry-After"), describe(still_locked)

    expect(api.post(f"{AUTH}/users/{user.id}/unlock", token=admin_token), 204)
    doc = login(api, user.email, user.password)
    assert doc["user"]["id"] == user.id


def test_unlock_user_by_hr_forbidden(api: Api, make_user) -> None:
    hr: User = make_user("hr")
    user: User = make_user("employee")
    problem(api.post(f"{AUTH}/users/{user.id}/unlock", token=hr.token), 403)


def test_unlock_user_by_employee_forbidden(api: Api, make_user) -> None:
    employee: User = make_user("employee")
    user: User = make_user("employee")
    problem(api.post(f"{AUTH}/users/{user.id}/unlock", token=employee.token), 403)


# --------------------------------------------------------------------------- refresh and logout


def test_refresh_token_rotates(api: Api, make_user) -> None:
    user: User = make_user("employee")
    first = login(api, user.email, user.password)
    second = body(api.post(f"{AUTH}/refresh", json={"refresh_token": first["refresh_token"]}), 200)
    assert second["access_token"] != first["access_token"], second
    assert second["refresh_token"] != first["refresh_token"], second
    me = body(api.get(f"{AUTH}/me", token=second["access_token"]), 200)
    assert me["id"] == user.id, me


def test_refresh_token_reuse_revokes_family(api: Api, make_user) -> None:
    user: User = make_user("employee")
    first = login(api, user.email, user.password)
    separate = login(api, user.email, user.password)
    second = body(api.post(f"{AUTH}/refresh", json={"refresh_token": first["refresh_token"]}), 200)

    problem(api.post(f"{AUTH}/refresh", json={"refresh_token": first["refresh_token"]}), 401)
    problem(api.post(f"{AUTH}/refresh", json={"refresh_token": second["refresh_token"]}), 401)

    third = body(api.post(f"{AUTH}/refresh", json={"refresh_token": separate["refresh_token"]}), 200)
    me = body(api.get(f"{AUTH}/me", token=third["access_token"]), 200)
    assert me["id"] == user.id, me


def test_refresh_token_unknown_unauthorized(api: Api) -> None:
    problem(api.post(f"{AUTH}/refresh", json={"refresh_token": "no-such-refresh-token"}), 401)


def test_logout_revokes_access_token_everywhere(api: Api, make_user) -> None:
    user: User = make_user("employee")
    session = login(api, user.email, user.password)
    token = session["access_token"]
    for path in (f"{AUTH}/me", f"{LEAVE}/types", f"{EXPENSE}/categories"):
        expect(api.get(path, token=token), 200)

    expect(api.post(f"{AUTH}/logout", token=token, json={"refresh_token": session["refresh_token"]}), 204)

    assert_token_rejected_everywhere(api, token)
    problem(api.post(f"{AUTH}/refresh", json={"refresh_token": session["refresh_token"]}), 401)


def test_logout_keeps_other_logins(api: Api, make_user) -> None:
    user: User = make_user("employee")
    leaving = login(api, user.email, user.password)
    staying = login(api, user.email, user.password)
    expect(api.post(f"{AUTH}/logout", token=leaving["access_token"], json={}), 204)
    expect(api.get(f"{AUTH}/me", token=staying["access_token"]), 200)
    body(api.post(f"{AUTH}/refresh", json={"refresh_token": staying["refresh_token"]}), 200)


def test_logout_without_token_unauthorized(api: Api) -> None:
    problem(api.post(f"{AUTH}/logout", json={}), 401)


# --------------------------------------------------------------------------- /me


def test_get_me_returns_user(api: Api, make_user) -> None:
    manager: User = make_user("manager")
    user: User = make_user("employee", manager_id=manager.id)
    doc = body(api.get(f"{AUTH}/me", token=user.token), 200)
    assert doc["id"] == user.id, doc
    assert doc["email"].lower() == user.email.lower(), doc
    assert doc["name"] == user.name, doc
    assert doc["role"] == "employee", doc
    assert doc["manager_id"] == manager.id, doc
    assert doc["status"] == "active", doc


def test_get_me_without_token_unauthorized(api: Api) -> None:
    problem(api.get(f"{AUTH}/me"), 401)


def test_get_me_garbage_token_unauthorized(api: Api) -> None:
    problem(api.get(f"{AUTH}/me", token="not.a.jwt"), 401)


# --------------------------------------------------------------------------- password change


def test_change_password_too_short_invalid(api: Api, make_user) -> None:
    user: User = make_user("employee")
    resp = api.post(f"{AUTH}/me/password", token=user.token,
                    json={"current_password": user.password, "new_password": "Short-pw-11"})
    assert_field_error(resp, "new_password")


def test_change_password_equal_to_email_invalid(api: Api, make_user) -> None:
    user: User = make_user("employee")
    assert len(user.email) >= 12
    resp = api.post(f"{AUTH}/me/password", token=user.token,
                    json={"current_password": user.password, "new_password": user.email})
    assert_field_error(resp, "new_password")


def test_change_password_wrong_current_rejected(api: Api, make_user) -> None:
    user: User = make_user("employee")
    resp = api.post(f"{AUTH}/me/password", token=user.token,
                    json={"current_password": "not-the-current-password", "new_password": new_password()})
    assert resp.status_code in (401, 403, 422), f"wrong current password accepted: {describe(resp)}"
    login(api, user.email, user.password)


def test_change_password_revokes_other_logins(api: Api, make_user) -> None:
    user: User = make_user("employee")
    other = login(api, user.email, user.password)
    current = login(api, user.email, user.password)
    password = new_password()
    expect(api.post(f"{AUTH}/me/password", token=current["access_token"],
                    json={"current_password": user.password, "new_password": password}), 204)

    assert_token_rejected_everywhere(api, other["access_token"])
    problem(api.post(f"{AUTH}/refresh", json={"refresh_token": other["refresh_token"]}), 401)
    problem(api.post(f"{AUTH}/login", json={"email": user.email, "password": user.password}), 401)
    login(api, user.email, password)


def test_change_token_rejected_elsewhere(api: Api, admin_token: str) -> None:
    email = unique_email("change-token")
    created = body(api.post(f"{AUTH}/users", token=admin_token,
                            json={"email": email, "name": "Change Token", "role": "employee"}), 201)
    doc = problem(api.post(f"{AUTH}/login", json={"email": email, "password": created["temporary_password"]}), 403)
    change_token = doc["change_token"]
    for path in (f"{AUTH}/me", f"{LEAVE}/types", f"{EXPENSE}/categories"):
        resp = api.get(path, token=change_token)
        assert resp.status_code in (401, 403), f"change token accepted outside /me/password: {describe(resp)}"


def test_login_temporary_password_works_once(api: Api, admin_token: str) -> None:
    email = unique_email("temporary")
    created = body(api.post(f"{AUTH}/users", token=admin_token,
                            json={"email": email, "name": "Temporary Password", "role": "employee"}), 201)
    temporary = created["temporary_password"]
    doc = problem(api.post(f"{AUTH}/login", json={"email": email, "password": temporary}), 403)
    password = new_password()
    expect(api.post(f"{AUTH}/me/password", token=doc["change_token"],
                    json={"current_password": temporary, "new_password": password}), 204)

    problem(api.post(f"{AUTH}/login", json={"email": email, "password": temporary}), 401)
    assert login(api, email, password)["user"]["id"] == created["id"]


# --------------------------------------------------------------------------- JWKS and token format


def test_get_jwks_ed25519_keys(api: Api) -> None:
    resp = api.get(f"{AUTH}/.well-known/jwks.json")
    doc = body(resp, 200)
    keys = doc.get("keys")
    assert isinstance(keys, list) and keys, f"JWKS without keys: {describe(resp)}"
    for key in keys:
        assert key.get("kty") == "OKP", key
        assert key.get("crv") == "Ed25519", key
        assert key.get("kid"), key
        assert len(b64url_decode(key["x"])) == 32, f"Ed25519 public key must be 32 bytes: {key}"
        assert "d" not in key, f"JWKS publishes a private key: {key}"


def test_access_token_header_and_claims(api: Api, make_user) -> None:
    manager: User = make_user("manager")
    user: User = make_user("employee", manager_id=manager.id)
    header, claims = jwt_parts(user.token)
    assert header.get("alg") == "EdDSA", header
    kids = {k["kid"] for k in body(api.get(f"{AUTH}/.well-known/jwks.json"), 200)["keys"]}
    assert header.get("kid") in kids, f"token kid {header.get('kid')!r} not in JWKS {kids}"

    assert claims.get("iss") == "kronos-auth", claims
    audience = claims.get("aud")
    assert audience == "kronos" or (isinstance(audience, list) and "kronos" in audience), claims
    assert claims.get("sub") == user.id, claims
    assert claims.get("name") == user.name, claims
    assert claims.get("role") == "employee", claims
    assert claims.get("mgr") == manager.id, claims
    assert claims.get("jti"), claims
    assert claims["nbf"] <= claims["iat"] + 60, claims
    assert claims["exp"] > claims["iat"], claims
    assert abs(claims["iat"] - time.time()) < 300, f"iat far from now: {claims}"


def test_access_token_without_manager_has_no_mgr(make_user) -> None:
    user: User = make_user("employee")
    _, claims = jwt_parts(user.token)
    assert claims.get("mgr") in (None, ""), claims


def test_access_token_signature_verifies(api: Api, make_user) -> None:
    ed25519 = pytest.importorskip("cryptography.hazmat.primitives.asymmetric.ed25519")
    user: User = make_user("employee")
    header, _ = jwt_parts(user.token)
    keys = {k["kid"]: k for k in body(api.get(f"{AUTH}/.well-known/jwks.json"), 200)["keys"]}
    public_key = ed25519.Ed25519PublicKey.from_public_bytes(b64url_decode(keys[header["kid"]]["x"]))
    signing_input, _, signature = user.token.rpartition(".")
    public_key.verify(b64url_decode(signature), signing_input.encode("ascii"))


def _encode(part: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(part, separators=(",", ":")).encode()).rstrip(b"=").decode()


def test_access_token_tampered_role_rejected(api: Api, make_user) -> None:
    user: User = make_user("employee")
    header, claims = jwt_parts(user.token)
    claims["role"] = "admin"
    signature = user.token.rsplit(".", 1)[1]
    forged = f"{_encode(header)}.{_encode(claims)}.{signature}"
    assert_token_rejected_everywhere(api, forged)
    problem(api.get(f"{AUTH}/users", token=forged), 401)


def test_access_token_alg_none_rejected(api: Api, make_user) -> None:
    user: User = make_user("employee")
    header, claims = jwt_parts(user.token)
    header["alg"] = "none"
    forged = f"{_encode(header)}.{_encode(claims)}."
    assert_token_rejected_everywhere(api, forged)


def test_access_token_unknown_kid_rejected(api: Api, make_user) -> None:
    user: User = make_user("employee")
    header, claims = jwt_parts(user.token)
    header["kid"] = "no-such-key"
    signature = user.token.rsplit(".", 1)[1]
    forged = f"{_encode(header)}.{_encode(claims)}.{signature}"
    assert_token_rejected_everywhere(api, forged)


def test_admin_session_is_admin(api: Api, admin_session: AdminSession) -> None:
    doc = body(api.get(f"{AUTH}/me", token=admin_session.token), 200)
    assert doc["role"] == "admin", doc
