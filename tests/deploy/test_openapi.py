"""Checks of the OpenAPI 3.1 descriptions in docs/openapi against the services' code.

Debian packages no OpenAPI 3.1 validator, so these tests check the structure themselves: the
top-level objects, every $ref, path parameters, security and roles, and the documented status
codes. They also compare the documented routes with the routes that each service registers in
its routes.cpp and with the routes of the API contract. An undocumented route, a documented
route without code, or a contract route missing from the description fails here.

Run with Debian's Python and python3-yaml (python3-jsonschema adds the schema check):

    /usr/bin/python3 -m pytest -q tests/deploy/test_openapi.py
"""

from __future__ import annotations

import re
from typing import Any, Iterator

import pytest
import yaml

from deploy_helpers import REPO

OPENAPI = REPO / "docs" / "openapi"
SERVICES = ("auth", "leave", "expense")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
ROLES = {"employee", "manager", "hr", "admin"}
# Relations to a resource that grant access whatever the caller's role: the user themself, the
# owner of a request or claim, and the owner's manager (the user set as their manager_id).
RELATIONS = {"self", "owner", "manager"}
# Every status code the services or the core dispatcher raise.
KNOWN_STATUSES = {"200", "201", "204", "400", "401", "403", "404", "405", "409", "413", "415",
                  "422", "429", "500", "503"}

ANYONE: tuple[str, ...] = ()
SIGNED_IN = ("employee", "manager", "hr", "admin")
HR_ADMIN = ("hr", "admin")

# The routes of the HTTP API contract, which clients and black-box tests rely on, kept here so
# the test runs without the contract document. Each row: method, path under /api/v1/<service>,
# roles allowed whatever the relation, relations that also allow access, and the success status
# the contract fixes (None where it names none).
CONTRACT: dict[str, list[tuple[str, str, tuple[str, ...], tuple[str, ...], int | None]]] = {
    "auth": [
        ("POST", "/login", ANYONE, (), 200),
        ("POST", "/refresh", ANYONE, (), 200),
        ("POST", "/logout", SIGNED_IN, (), 204),
        ("GET", "/me", SIGNED_IN, (), 200),
        ("POST", "/me/password", SIGNED_IN, (), 204),
        ("GET", "/.well-known/jwks.json", ANYONE, (), None),
        ("GET", "/users", HR_ADMIN, (), None),
        ("POST", "/users", HR_ADMIN, (), 201),
        ("GET", "/users/{id}", HR_ADMIN, ("self",), None),
        ("PATCH", "/users/{id}", HR_ADMIN, (), None),
        ("POST", "/users/{id}/unlock", ("admin",), (), 204),
        ("POST", "/users/{id}/password-reset", HR_ADMIN, (), 200),
        ("POST", "/users/import", HR_ADMIN, (), 200),
        ("GET", "/health", ANYONE, (), 200),
        ("GET", "/ready", ANYONE, (), 200),
    ],
    "leave": [
        ("GET", "/types", SIGNED_IN, (), None),
        ("POST", "/types", HR_ADMIN, (), None),
        ("PATCH", "/types/{code}", HR_ADMIN, (), None),
        ("GET", "/holidays", SIGNED_IN, (), None),
        ("POST", "/holidays", HR_ADMIN, (), None),
        ("DELETE", "/holidays/{date}", HR_ADMIN, (), None),
        ("POST", "/holidays/import", HR_ADMIN, (), 200),
        ("GET", "/balances", HR_ADMIN, ("self", "manager"), None),
        ("POST", "/requests/preview", SIGNED_IN, (), None),
        ("POST", "/requests", SIGNED_IN, (), 201),
        ("GET", "/requests", SIGNED_IN, (), None),
        ("GET", "/requests/{id}", HR_ADMIN, ("owner", "manager"), None),
        ("POST", "/requests/{id}/approve", HR_ADMIN, ("manager",), 200),
        ("POST", "/requests/{id}/reject", HR_ADMIN, ("manager",), 200),
        ("POST", "/requests/{id}/cancel", HR_ADMIN, ("owner",), 200),
        ("GET", "/calendar", SIGNED_IN, (), None),
        ("POST", "/adjustments", HR_ADMIN, (), 201),
        ("GET", "/health", ANYONE, (), 200),
        ("GET", "/ready", ANYONE, (), 200),
    ],
    "expense": [
        ("GET", "/categories", SIGNED_IN, (), None),
        ("POST", "/categories", HR_ADMIN, (), None),
        ("PATCH", "/categories/{code}", HR_ADMIN, (), None),
        ("GET", "/rates", SIGNED_IN, (), None),
        ("PUT", "/rates/{date}", HR_ADMIN, (), None),
        ("POST", "/claims", SIGNED_IN, (), 201),
        ("GET", "/claims", SIGNED_IN, (), None),
        ("GET", "/claims/{id}", HR_ADMIN, ("owner", "manager"), None),
        ("PATCH", "/claims/{id}", ANYONE, ("owner",), None),
        ("POST", "/claims/{id}/items", ANYONE, ("owner",), 201),
        ("DELETE", "/claims/{id}/items/{item_id}", ANYONE, ("owner",), 204),
        ("PUT", "/claims/{id}/items/{item_id}/receipt", ANYONE, ("owner",), 204),
        ("GET", "/claims/{id}/items/{item_id}/receipt", HR_ADMIN, ("owner", "manager"), None),
        ("POST", "/claims/{id}/submit", ANYONE, ("owner",), None),
        ("POST", "/claims/{id}/approve", HR_ADMIN, ("manager",), None),
        ("POST", "/claims/{id}/reject", HR_ADMIN, ("manager",), None),
        ("POST", "/claims/{id}/return", HR_ADMIN, ("manager",), None),
        ("POST", "/claims/{id}/reimburse", HR_ADMIN, (), None),
        ("GET", "/reports/claims.csv", HR_ADMIN, (), None),
        ("GET", "/health", ANYONE, (), 200),
        ("GET", "/ready", ANYONE, (), 200),
    ],
}

# A route bound in a service's code: bind("GET", "/path", ...) or add("GET", "/path", ...).
SERVICE_ROUTE = re.compile(
    r'\b(?:bind|add)\(\s*"(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)"\s*,\s*"(/[^"]*)"')
# A route of the core under the service's prefix: router_.add("GET", prefix() + "/health", ...).
# Routes outside the prefix (/metrics) are for the internal network; the gateway never serves
# them, so they are not part of the public description.
CORE_ROUTE = re.compile(
    r'router_\.add\(\s*"(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)"\s*,'
    r'\s*prefix\(\)\s*\+\s*"(/[^"]*)"')
QUOTED_METHOD = re.compile(r'"(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS)"')


def load_spec(service: str) -> dict[str, Any]:
    with open(OPENAPI / f"{service}.yaml", encoding="utf-8") as file:
        return yaml.safe_load(file)


@pytest.fixture(scope="module", params=SERVICES)
def service(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def spec(service: str) -> dict[str, Any]:
    return load_spec(service)


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Yield (METHOD, path, operation) for every operation of the description."""
    for path, item in spec["paths"].items():
        for method in HTTP_METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def documented_routes(spec: dict[str, Any]) -> set[tuple[str, str]]:
    return {(method, path) for method, path, _ in operations(spec)}


def code_routes(service: str) -> set[tuple[str, str]]:
    """Routes that the service registers, read from its sources and the core's service.cpp."""
    routes: set[tuple[str, str]] = set()
    for source in sorted((REPO / "services" / service / "src").rglob("*.cpp")):
        routes.update(SERVICE_ROUTE.findall(source.read_text(encoding="utf-8")))
    core = (REPO / "libs" / "core" / "src" / "service.cpp").read_text(encoding="utf-8")
    routes.update(CORE_ROUTE.findall(core))
    return routes


def resolve(spec: dict[str, Any], ref: str) -> Any:
    """Resolve a local JSON pointer such as #/components/schemas/X, raising KeyError if absent."""
    if not ref.startswith("#/"):
        raise KeyError(f"{ref} is not a local reference")
    node: Any = spec
    for token in ref[2:].split("/"):
        node = node[token.replace("~1", "/").replace("~0", "~")]
    return node


def deref(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        node = resolve(spec, node["$ref"])
    return node


def walk(node: Any, where: str = "#") -> Iterator[tuple[str, Any]]:
    """Yield (location, node) for every node of the document."""
    yield where, node
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{where}/{index}")


# Structure

def test_openapi_version_is_3_1(spec: dict[str, Any]) -> None:
    assert str(spec.get("openapi", "")).startswith("3.1."), spec.get("openapi")


def test_info_has_title_and_version(spec: dict[str, Any]) -> None:
    assert isinstance(spec.get("info"), dict)
    assert spec["info"].get("title")
    assert spec["info"].get("version")


def test_server_is_service_prefix(service: str, spec: dict[str, Any]) -> None:
    urls = [server["url"] for server in spec.get("servers", [])]
    assert urls == [f"/api/v1/{service}"]


def test_paths_start_with_slash(spec: dict[str, Any]) -> None:
    assert isinstance(spec.get("paths"), dict) and spec["paths"]
    for path in spec["paths"]:
        assert path.startswith("/"), path
        assert not path.startswith("/api/"), f"{path} repeats the server prefix"


def test_every_ref_resolves(spec: dict[str, Any]) -> None:
    refs = [(where, node["$ref"]) for where, node in walk(spec)
            if isinstance(node, dict) and isinstance(node.get("$ref"), str)]
    assert refs
    unresolved = []
    for where, ref in refs:
        try:
            resolve(spec, ref)
        except (KeyError, TypeError):
            unresolved.append(f"{where}: {ref}")
    assert unresolved == []


def test_every_component_is_used(spec: dict[str, Any]) -> None:
    used = {node["$ref"] for _, node in walk(spec)
            if isinstance(node, dict) and isinstance(node.get("$ref"), str)}
    unused = []
    for kind in ("schemas", "responses", "parameters", "headers"):
        for name in spec.get("components", {}).get(kind, {}):
            if f"#/components/{kind}/{name}" not in used:
                unused.append(f"{kind}/{name}")
    assert unused == []


def test_operation_ids_are_unique(spec: dict[str, Any]) -> None:
    ids = [operation.get("operationId") for _, _, operation in operations(spec)]
    assert None not in ids
    assert len(ids) == len(set(ids)), sorted(ids)


def test_path_parameters_match_template(spec: dict[str, Any]) -> None:
    for path, item in spec["paths"].items():
        in_template = set(re.findall(r"\{([^}]+)\}", path))
        for method in HTTP_METHODS:
            if method not in item:
                continue
            parameters = [deref(spec, parameter)
                          for parameter in item.get("parameters", []) + item[method].get(
                              "parameters", [])]
            declared = {parameter["name"] for parameter in parameters
                        if parameter["in"] == "path"}
            assert declared == in_template, f"{method.upper()} {path}"
            for parameter in parameters:
                if parameter["in"] == "path":
                    assert parameter.get("required") is True, f"{path}: {parameter['name']}"


def test_statuses_are_known_codes(spec: dict[str, Any]) -> None:
    for method, path, operation in operations(spec):
        responses = operation.get("responses")
        assert responses, f"{method} {path} has no responses"
        unknown = set(map(str, responses)) - KNOWN_STATUSES
        assert unknown == set(), f"{method} {path}"


def test_every_response_has_request_id(spec: dict[str, Any]) -> None:
    missing = []
    for method, path, operation in operations(spec):
        for status, response in operation["responses"].items():
            headers = deref(spec, response).get("headers", {})
            if "X-Request-ID" not in headers:
                missing.append(f"{method} {path} {status}")
    assert missing == []


def test_problem_schema_has_rfc9457_members(spec: dict[str, Any]) -> None:
    problem = spec["components"]["schemas"]["Problem"]
    assert set(problem["required"]) == {"type", "title", "status", "detail", "request_id"}
    errors = deref(spec, problem["properties"]["errors"]["items"])
    assert set(errors["required"]) == {"field", "message"}


def test_error_responses_are_problem_json(spec: dict[str, Any]) -> None:
    for method, path, operation in operations(spec):
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            content = deref(spec, response).get("content", {})
            assert list(content) == ["application/problem+json"], f"{method} {path} {status}"


def test_schemas_are_valid_json_schema(spec: dict[str, Any]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator
    schemas = [(where, node["schema"]) for where, node in walk(spec)
               if isinstance(node, dict) and isinstance(node.get("schema"), dict)]
    schemas += [(f"#/components/schemas/{name}", schema)
                for name, schema in spec["components"]["schemas"].items()]
    assert schemas
    for where, schema in schemas:
        try:
            validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            pytest.fail(f"{where}: {error.message}")


# Security and roles

def test_bearer_scheme_is_jwt(spec: dict[str, Any]) -> None:
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert scheme["type"] == "http"
    assert scheme["scheme"] == "bearer"
    assert scheme["bearerFormat"] == "JWT"
    assert "EdDSA" in scheme["description"]


def test_operations_declare_security(spec: dict[str, Any]) -> None:
    schemes = set(spec["components"]["securitySchemes"])
    for method, path, operation in operations(spec):
        assert "security" in operation, f"{method} {path}"
        for requirement in operation["security"]:
            assert set(requirement) <= schemes, f"{method} {path}"


def test_operations_name_roles(spec: dict[str, Any]) -> None:
    for method, path, operation in operations(spec):
        roles = operation.get("x-roles")
        relations = operation.get("x-relations", [])
        assert isinstance(roles, list), f"{method} {path} has no x-roles list"
        assert set(roles) <= ROLES, f"{method} {path}"
        assert set(relations) <= RELATIONS, f"{method} {path}"
        assert "Allowed:" in operation.get("description", ""), f"{method} {path}"
        public = operation["security"] == []
        if public:
            assert roles == [], f"{method} {path}: a public route lists roles"
            assert relations == [], f"{method} {path}: a public route lists relations"
        else:
            assert roles or relations, f"{method} {path} names nobody"


def test_authenticated_operations_answer_401(spec: dict[str, Any]) -> None:
    for method, path, operation in operations(spec):
        if operation["security"]:
            assert "401" in operation["responses"], f"{method} {path}"
            # Checking a token's revocation needs Redis.
            assert "503" in operation["responses"], f"{method} {path}"


def test_role_restricted_operations_answer_403(spec: dict[str, Any]) -> None:
    for method, path, operation in operations(spec):
        roles = set(operation["x-roles"])
        relations = set(operation.get("x-relations", []))
        if operation["security"] and roles != ROLES and not relations:
            assert "403" in operation["responses"], f"{method} {path}"


def test_body_operations_answer_413_and_415(spec: dict[str, Any]) -> None:
    for method, path, operation in operations(spec):
        if "requestBody" in operation:
            assert "413" in operation["responses"], f"{method} {path}"
            assert "415" in operation["responses"], f"{method} {path}"


def test_path_parameter_operations_answer_404(spec: dict[str, Any]) -> None:
    for method, path, operation in operations(spec):
        if "{" in path and not path.startswith("/rates/"):
            assert "404" in operation["responses"], f"{method} {path}"


# Routes against the code and the contract

@pytest.mark.parametrize("service_name", SERVICES)
def test_route_table_is_parsed(service_name: str) -> None:
    """Every quoted HTTP method in routes.cpp belongs to a route the parser recognises."""
    text = (REPO / "services" / service_name / "src" / "http" / "routes.cpp").read_text(
        encoding="utf-8")
    assert len(SERVICE_ROUTE.findall(text)) == len(QUOTED_METHOD.findall(text))
    assert len(SERVICE_ROUTE.findall(text)) >= 10


def test_core_routes_are_parsed() -> None:
    core = (REPO / "libs" / "core" / "src" / "service.cpp").read_text(encoding="utf-8")
    assert set(CORE_ROUTE.findall(core)) == {("GET", "/health"), ("GET", "/ready")}


def test_documented_routes_exist_in_code(service: str, spec: dict[str, Any]) -> None:
    without_code = documented_routes(spec) - code_routes(service)
    assert without_code == set()


def test_code_routes_are_documented(service: str, spec: dict[str, Any]) -> None:
    undocumented = code_routes(service) - documented_routes(spec)
    assert undocumented == set()


def test_contract_routes_are_documented(service: str, spec: dict[str, Any]) -> None:
    contract = {(method, path) for method, path, *_ in CONTRACT[service]}
    missing = contract - documented_routes(spec)
    assert missing == set()


def test_documented_routes_are_in_contract(service: str, spec: dict[str, Any]) -> None:
    contract = {(method, path) for method, path, *_ in CONTRACT[service]}
    extra = documented_routes(spec) - contract
    assert extra == set()


def test_roles_match_contract(service: str, spec: dict[str, Any]) -> None:
    for method, path, roles, relations, _ in CONTRACT[service]:
        operation = spec["paths"].get(path, {}).get(method.lower())
        if operation is None:
            continue  # test_contract_routes_are_documented reports it
        assert set(operation["x-roles"]) == set(roles), f"{method} {path}"
        assert set(operation.get("x-relations", [])) == set(relations), f"{method} {path}"
        public = roles == () and relations == ()
        assert (operation["security"] == []) == public, f"{method} {path}"


def test_success_status_matches_contract(service: str, spec: dict[str, Any]) -> None:
    for method, path, _, _, status in CONTRACT[service]:
        operation = spec["paths"].get(path, {}).get(method.lower())
        if status is None or operation is None:
            continue
        responses = operation["responses"]
        successes = [code for code in map(str, responses) if code.startswith("2")]
        assert successes == [str(status)], f"{method} {path}"


def test_route_comparison_notices_missing_path() -> None:
    """The comparison reports a route that the code has and the description lacks."""
    spec = load_spec("leave")
    del spec["paths"]["/adjustments"]
    undocumented = code_routes("leave") - documented_routes(spec)
    assert ("POST", "/adjustments") in undocumented
