"""kronosctl audit on copies of this checkout: the real files pass, each planted fault fails
with the file and line that hold it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import copy_tracked_files, git_add_all, run_kronosctl


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    return copy_tracked_files(tmp_path_factory.mktemp("audit-pristine"))


@pytest.fixture
def checkout(tmp_path) -> Path:
    return copy_tracked_files(tmp_path / "checkout")


def line_of(path: Path, pattern: str) -> int:
    """Return the 1-based number of the first line of PATH that matches PATTERN."""
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if re.search(pattern, line):
            return number
    raise AssertionError(f"{pattern!r} not found in {path}")


def audit(root: Path):
    return run_kronosctl("audit", "--root", str(root))


def failed_check_names(output: str) -> set[str]:
    return set(re.findall(r"^FAIL\s+([a-z-]+):", output, flags=re.MULTILINE))


def test_audit_real_checkout_passes(pristine):
    result = audit(pristine)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 failed" in result.stdout
    for name in ("secrets", "env-file", "modsecurity", "networks", "ports", "healthchecks", "routes"):
        assert re.search(rf"^PASS\s+{name}:", result.stdout, flags=re.MULTILINE), name


def test_audit_private_key_fails(checkout):
    target = checkout / "scripts" / "lib" / "common.sh"
    before = len(target.read_text().splitlines())
    with target.open("a") as handle:
        handle.write("# -----BEGIN RSA " "PRIVATE KEY-----\n# MIIEowIBAAKCAQEAx\n# -----END RSA " "PRIVATE KEY-----\n")
    git_add_all(checkout)

    result = audit(checkout)

    assert result.returncode == 1, result.stdout
    assert failed_check_names(result.stdout) == {"secrets"}
    assert f"scripts/lib/common.sh:{before + 1}: private key block" in result.stdout


def test_audit_high_entropy_password_fails(checkout):
    target = checkout / "deploy" / "db" / "extra.env"
    target.write_text("# connection settings\nDB_PASSWORD=" "Zx8qL2vR9tK4mW7p" "N3sJ6bY1cF5hG0dA\n")
    git_add_all(checkout)

    result = audit(checkout)

    assert result.returncode == 1, result.stdout
    assert "secrets" in failed_check_names(result.stdout)
    assert "deploy/db/extra.env:2: literal value for DB_PASSWORD" in result.stdout


def test_audit_untracked_secret_ignored(checkout):
    # git ls-files decides what is scanned: an untracked file stays out of the audit.
    (checkout / "scratch.env").write_text("DB_PASSWORD=" "Zx8qL2vR9tK4mW7p" "N3sJ6bY1cF5hG0dA\n")

    result = audit(checkout)

    assert result.returncode == 0, result.stdout


def test_audit_allow_marker_skips_line(checkout):
    target = checkout / "deploy" / "db" / "fixture.env"
    target.write_text("DB_PASSWORD=Zx8qL2vR9tK4mW7pN3sJ6bY1cF5hG0dA # kronos-audit: allow\n")
    git_add_all(checkout)

    result = audit(checkout)

    assert result.returncode == 0, result.stdout


def test_audit_env_reference_not_secret(checkout):
    target = checkout / "deploy" / "db" / "reference.yml"
    target.write_text('url: "postgresql://kronos:${KRONOS_DB_PASSWORD:?missing}@postgres:5432/kronos"\n'
                      'DB_PASSWORD: "${KRONOS_DB_PASSWORD}"\n')
    git_add_all(checkout)

    result = audit(checkout)

    assert result.returncode == 0, result.stdout


def test_audit_url_password_fails(checkout):
    target = checkout / "scripts" / "connect.sh"
    target.write_text("psql postgresql://kronos_auth:" "q7Rr2LxWv9pZ@127.0.0.1:5432/kronos\n")
    git_add_all(checkout)

    result = audit(checkout)

    assert result.returncode == 1
    assert "scripts/connect.sh:1: URL with a password" in result.stdout


def test_audit_tracked_env_file_fails(checkout):
    (checkout / ".env").write_text("LOG_LEVEL=info\n")
    # .gitignore lists .env, so only a forced add tracks it, as a careless commit would.
    subprocess.run(["git", "-C", str(checkout), "add", "-f", ".env"], check=True)

    result = audit(checkout)

    assert result.returncode == 1
    assert "env-file" in failed_check_names(result.stdout)
    assert re.search(r"^\s+\.env: tracked by git", result.stdout, flags=re.MULTILINE)


def test_audit_service_port_published_fails(checkout):
    compose = checkout / "docker-compose.yml"
    text = compose.read_text()
    text = text.replace("      dockerfile: deploy/docker/services.Dockerfile\n      target: auth\n",
                        "      dockerfile: deploy/docker/services.Dockerfile\n      target: auth\n"
                        "    ports:\n      - \"8001:8001\"\n", 1)
    compose.write_text(text)
    line = line_of(compose, r'- "8001:8001"')

    result = audit(checkout)

    assert result.returncode == 1, result.stdout
    assert failed_check_names(result.stdout) == {"ports"}
    assert f"docker-compose.yml:{line}: auth publishes 8001" in result.stdout


def test_audit_gateway_extra_port_fails(checkout):
    compose = checkout / "docker-compose.yml"
    compose.write_text(compose.read_text().replace('      - "443:443"\n', '      - "443:443"\n      - "8080:80"\n', 1))
    line = line_of(compose, r'- "8080:80"')

    result = audit(checkout)

    assert result.returncode == 1
    assert f"docker-compose.yml:{line}: the gateway publishes 8080" in result.stdout


def test_audit_removed_healthcheck_fails(checkout):
    compose = checkout / "docker-compose.yml"
    text = compose.read_text()
    start = text.index("    healthcheck:\n      # TCP rather than the socket")
    end = text.index("\n  redis:", start)
    compose.write_text(text[:start] + text[end:])
    postgres_line = line_of(compose, r"^  postgres:")

    result = audit(checkout)

    assert result.returncode == 1, result.stdout
    assert failed_check_names(result.stdout) == {"healthchecks"}
    assert f"docker-compose.yml:{postgres_line}: postgres has no healthcheck" in result.stdout
    # Everything that waits for postgres to be healthy is named too.
    assert re.search(r"docker-compose\.yml:\d+: migrate waits for postgres to be service_healthy", result.stdout)


def test_audit_internal_network_not_internal_fails(checkout):
    compose = checkout / "docker-compose.yml"
    compose.write_text(compose.read_text().replace("  kronos-internal:\n    internal: true\n", "  kronos-internal:\n", 1))
    line = line_of(compose, r"^  kronos-internal:")

    result = audit(checkout)

    assert result.returncode == 1
    assert failed_check_names(result.stdout) == {"networks"}
    assert f"docker-compose.yml:{line}: kronos-internal lacks `internal: true`" in result.stdout


def test_audit_service_on_edge_fails(checkout):
    compose = checkout / "docker-compose.yml"
    text = compose.read_text()
    marker = "\n  redis:\n"
    start = text.index(marker)
    networks = text.index("    networks:\n      - kronos-internal\n", start)
    text = text[:networks] + "    networks:\n      - kronos-internal\n      - edge\n" + \
        text[networks + len("    networks:\n      - kronos-internal\n"):]
    compose.write_text(text)

    result = audit(checkout)

    assert result.returncode == 1
    assert re.search(r"docker-compose\.yml:\d+: redis is also on network edge", result.stdout)


def test_audit_upstream_wrong_port_fails(checkout):
    http_conf = checkout / "nginx" / "runtime-compose" / "http.conf"
    http_conf.write_text(http_conf.read_text().replace("default leave:8002;", "default leave:8012;"))
    line = line_of(http_conf, r"default leave:8012;")

    result = audit(checkout)

    assert result.returncode == 1, result.stdout
    assert failed_check_names(result.stdout) == {"routes"}
    assert f"nginx/runtime-compose/http.conf:{line}: route to leave:8012" in result.stdout
    assert "leave listens on 8002" in result.stdout


def test_audit_proxy_pass_wrong_port_fails(checkout):
    api_conf = checkout / "nginx" / "conf.d" / "api.conf"
    text = api_conf.read_text()
    api_conf.write_text(text.replace("    proxy_pass http://$kronos_upstream_expense;\n",
                                     "    proxy_pass http://expense:8004;\n", 1))
    line = line_of(api_conf, r"proxy_pass http://expense:8004;")

    result = audit(checkout)

    assert result.returncode == 1
    assert f"nginx/conf.d/api.conf:{line}: route to expense:8004" in result.stdout


def test_audit_fixed_host_in_proxy_pass_fails(checkout):
    """A host name written into proxy_pass is resolved once, so a recreated container is lost."""
    api_conf = checkout / "nginx" / "conf.d" / "api.conf"
    text = api_conf.read_text()
    api_conf.write_text(text.replace("    proxy_pass http://$kronos_upstream_leave;\n",
                                     "    proxy_pass http://leave:8002;\n", 1))
    line = line_of(api_conf, r"proxy_pass http://leave:8002;")

    result = audit(checkout)

    assert result.returncode == 1
    assert failed_check_names(result.stdout) == {"routes"}
    assert (f"nginx/conf.d/api.conf:{line}: route to leave: nginx resolves it once at start"
            in result.stdout)


def test_audit_compose_upstream_group_fails(checkout):
    """An upstream{} group in the Compose gateway keeps the address it resolved at start."""
    http_conf = checkout / "nginx" / "runtime-compose" / "http.conf"
    text = http_conf.read_text()
    text = text.replace("map $host $kronos_upstream_auth {\n    default auth:8001;\n}",
                        "upstream kronos_auth {\n    server auth:8001;\n}\n\n"
                        "map $host $kronos_upstream_auth {\n    default kronos_auth;\n}")
    http_conf.write_text(text)
    line = line_of(http_conf, r"server auth:8001;")

    result = audit(checkout)

    assert result.returncode == 1
    assert failed_check_names(result.stdout) == {"routes"}
    assert (f"nginx/runtime-compose/http.conf:{line}: route to auth (upstream kronos_auth used at "
            "nginx/conf.d/api.conf:") in result.stdout
    assert "nginx resolves it once at start" in result.stdout


def test_audit_missing_resolver_fails(checkout):
    http_conf = checkout / "nginx" / "runtime-compose" / "http.conf"
    http_conf.write_text(re.sub(r"(?m)^resolver .*\n", "", http_conf.read_text()))
    line = line_of(http_conf, r"default expense:8003;")

    result = audit(checkout)

    assert result.returncode == 1
    assert failed_check_names(result.stdout) == {"routes"}
    assert (f"nginx/runtime-compose/http.conf:{line}: $kronos_upstream_expense names expense:8003, "
            "which nginx looks up for each request, but no resolver is set") in result.stdout


def test_audit_undefined_upstream_variable_fails(checkout):
    api_conf = checkout / "nginx" / "conf.d" / "api.conf"
    text = api_conf.read_text()
    api_conf.write_text(text.replace("    proxy_pass http://$kronos_upstream_leave;\n",
                                     "    proxy_pass http://$kronos_upstream_leaves;\n", 1))
    line = line_of(api_conf, r"proxy_pass http://\$kronos_upstream_leaves;")

    result = audit(checkout)

    assert result.returncode == 1
    assert (f"nginx/conf.d/api.conf:{line}: proxy_pass to $kronos_upstream_leaves, which no map in "
            "nginx/runtime-compose/http.conf defines") in result.stdout


def test_audit_route_to_unknown_service_fails(checkout):
    api_conf = checkout / "nginx" / "conf.d" / "api.conf"
    api_conf.write_text(api_conf.read_text() + "\nlocation /api/v1/payroll/ {\n    proxy_pass http://payroll:8014;\n}\n")
    line = line_of(api_conf, r"proxy_pass http://payroll:8014;")

    result = audit(checkout)

    assert result.returncode == 1
    assert f"nginx/conf.d/api.conf:{line}: route to payroll:8014: no Compose service named payroll" in result.stdout


def test_audit_modsecurity_off_fails(checkout):
    snippet = checkout / "nginx" / "snippets" / "modsecurity.conf"
    snippet.write_text(snippet.read_text().replace("modsecurity on;", "modsecurity off;"))
    line = line_of(snippet, r"^modsecurity off;")

    result = audit(checkout)

    assert result.returncode == 1
    assert failed_check_names(result.stdout) == {"modsecurity"}
    assert f"nginx/snippets/modsecurity.conf:{line}: modsecurity off;" in result.stdout


def test_audit_custom_rules_not_included_fails(checkout):
    main_conf = checkout / "nginx" / "modsecurity" / "main.conf"
    main_conf.write_text(main_conf.read_text().replace("Include ../modsecurity_custom.conf", "# removed"))

    result = audit(checkout)

    assert result.returncode == 1
    assert "nginx/modsecurity/main.conf: nginx/modsecurity_custom.conf is not included" in result.stdout


def test_audit_without_git_fails(tmp_path):
    (tmp_path / "nginx").mkdir()
    (tmp_path / "docker-compose.yml").write_text("services: {}\n")

    result = audit(tmp_path)

    assert result.returncode == 1
    assert "git ls-files failed" in result.stdout
