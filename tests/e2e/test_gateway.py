"""Gateway behaviour: health and readiness routes, request ids, unknown routes, TLS."""

import uuid

import pytest

from conftest import AUTH, SERVICES, Api, body, describe, expect, problem


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_get_health_each_service_ok(api: Api, service: str) -> None:
    resp = api.get(f"{SERVICES[service]}/health")
    doc = body(resp, 200)
    assert doc.get("status") == "ok", describe(resp)
    assert doc.get("service") == service, describe(resp)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_get_ready_each_service_ok(api: Api, service: str) -> None:
    resp = api.get(f"{SERVICES[service]}/ready")
    expect(resp, 200)


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_get_health_over_https_ok(https_api: Api, service: str) -> None:
    resp = https_api.get(f"{SERVICES[service]}/health")
    doc = body(resp, 200)
    assert doc.get("service") == service, describe(resp)


@pytest.mark.parametrize("path", [
    f"{AUTH}/health",
    f"{AUTH}/me",
    "/api/v1/leave/types",
    "/api/v1/expense/categories",
    "/api/v1/no-such-service/health",
    "/no/such/route",
])
def test_get_any_route_has_request_id(api: Api, path: str) -> None:
    resp = api.get(path)
    assert resp.headers.get("X-Request-ID"), f"X-Request-ID missing: {describe(resp)}"


def test_get_health_echoes_client_request_id(api: Api) -> None:
    request_id = f"e2e-{uuid.uuid4()}"
    resp = api.get(f"{AUTH}/health", headers={"X-Request-ID": request_id})
    expect(resp, 200)
    assert resp.headers.get("X-Request-ID") == request_id, describe(resp)


def test_get_me_problem_carries_client_request_id(api: Api) -> None:
    request_id = f"e2e-{uuid.uuid4()}"
    resp = api.get(f"{AUTH}/me", headers={"X-Request-ID": request_id})
    doc = problem(resp, 401)
    assert resp.headers.get("X-Request-ID") == request_id, describe(resp)
    assert doc["request_id"] == request_id, describe(resp)


def test_get_health_request_ids_differ(api: Api) -> None:
    first = api.get(f"{AUTH}/health").headers.get("X-Request-ID")
    second = api.get(f"{AUTH}/health").headers.get("X-Request-ID")
    assert first, "first response lacks X-Request-ID"
    assert second, "second response lacks X-Request-ID"
    assert first != second, f"request ids should be unique, both were {first!r}"


@pytest.mark.parametrize("path", [
    "/api/v1/no-such-service/health",
    "/no/such/route",
    f"{AUTH}/no-such-route",
    "/api/v2/auth/health",
])
def test_get_unknown_route_not_found(api: Api, path: str) -> None:
    problem(api.get(path), 404)


@pytest.mark.parametrize("path", [
    "/metrics",
    f"{AUTH}/metrics",
    "/api/v1/leave/metrics",
    "/api/v1/expense/metrics",
])
def test_get_metrics_not_routed(api: Api, path: str) -> None:
    resp = api.get(path)
    expect(resp, 404)
    assert "# TYPE" not in resp.text, f"metrics leaked through the gateway: {describe(resp)}"
