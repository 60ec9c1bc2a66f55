"""Invariants of the Kubernetes manifests in deploy/k8s.

With kubectl (kustomize built in) the production overlay is rendered, in a temporary copy with
throwaway secret files, and the rendered objects are checked. Without kubectl the tests read
the base resource files directly, and the tests that need rendering are skipped.
"""

from __future__ import annotations

import base64
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from deploy_helpers import (REPO, SERVICES, build_gateway_etc, can_run_nginx_in_namespace,
                            nginx_test, self_signed_certificate)

K8S = REPO / "deploy" / "k8s"
BASE = K8S / "base"
OVERLAY = K8S / "overlays" / "production"
WORKLOADS = {**SERVICES, "gateway": 8080}
GATEWAY_UID = 33


def write_throwaway_secrets(folder: Path) -> None:
    def token() -> str:
        return secrets.token_hex(16)

    role = {name: token() for name in SERVICES}
    redis_url = f"redis://:{token()}@redis:6379/0"
    for name in SERVICES:
        lines = [f"DATABASE_URL=postgresql://kronos_{name}:{role[name]}@postgres:5432/kronos",
                 f"REDIS_URL={redis_url}"]
        if name == "auth":
            lines += [f"AUTH_SIGNING_KEY=ktest:{token()}",
                      f"AUTH_BOOTSTRAP_ADMIN_PASSWORD={token()}"]
        (folder / f"{name}.env").write_text("\n".join(lines) + "\n")
    (folder / "migrate.env").write_text(
        f"PGUSER=postgres\nPGPASSWORD={token()}\n"
        + "".join(f"KRONOS_DB_PASSWORD_{name.upper()}={role[name]}\n" for name in SERVICES))
    (folder / "public-keys.env").write_text(f"AUTH_PUBLIC_KEYS=ktest:{token()}\n")
    self_signed_certificate(folder / "tls.crt", folder / "tls.key")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> list[dict] | None:
    """The production overlay rendered by kubectl kustomize, or None without kubectl."""
    if shutil.which("kubectl") is None:
        return None
    copy = tmp_path_factory.mktemp("k8s")
    shutil.copytree(REPO / "nginx", copy / "nginx", symlinks=True)
    shutil.copytree(K8S, copy / "deploy" / "k8s")
    write_throwaway_secrets(copy / "deploy/k8s/overlays/production/secrets")
    result = subprocess.run(
        ["kubectl", "kustomize", "--load-restrictor=LoadRestrictionsNone",
         str(copy / "deploy/k8s/overlays/production")],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module")
def objects(rendered) -> list[dict]:
    if rendered is not None:
        return rendered
    kustomization = yaml.safe_load((BASE / "kustomization.yaml").read_text())
    documents = []
    for resource in kustomization["resources"]:
        documents += [doc for doc in yaml.safe_load_all((BASE / resource).read_text()) if doc]
    return documents


def need_rendering(rendered) -> None:
    if rendered is None:
        pytest.skip("kubectl is not installed, so the overlay cannot be rendered")


def find(objects, kind: str, name: str | None = None) -> list[dict]:
    return [o for o in objects
            if o["kind"] == kind and (name is None or o["metadata"]["name"] == name)]


def one(objects, kind: str, name: str) -> dict:
    matches = find(objects, kind, name)
    assert len(matches) == 1, f"expected one {kind} {name}, found {len(matches)}"
    return matches[0]


def pod_specs(objects) -> list[tuple[str, dict]]:
    specs = []
    for kind in ("Deployment", "Job"):
        for obj in find(objects, kind):
            specs.append((f"{kind}/{obj['metadata']['name']}", obj["spec"]["template"]["spec"]))
    return specs


def container_of(objects, name: str) -> dict:
    containers = one(objects, "Deployment", name)["spec"]["template"]["spec"]["containers"]
    assert len(containers) == 1
    return containers[0]


# -- one of each per workload --------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(WORKLOADS))
def test_workload_has_deployment_service_hpa_pdb(objects, name):
    one(objects, "Deployment", name)
    one(objects, "Service", name)
    one(objects, "HorizontalPodAutoscaler", name)
    one(objects, "PodDisruptionBudget", name)


@pytest.mark.parametrize("name", sorted(WORKLOADS))
def test_hpa_scales_own_deployment(objects, name):
    hpa = one(objects, "HorizontalPodAutoscaler", name)
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": name}
    assert hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["maxReplicas"] >= hpa["spec"]["minReplicas"]


@pytest.mark.parametrize("name", sorted(WORKLOADS))
def test_selectors_match_pod_labels(objects, name):
    labels = one(objects, "Deployment", name)["spec"]["template"]["metadata"]["labels"]
    for kind, selector in (
            ("Deployment", one(objects, "Deployment", name)["spec"]["selector"]["matchLabels"]),
            ("PodDisruptionBudget",
             one(objects, "PodDisruptionBudget", name)["spec"]["selector"]["matchLabels"]),
            ("Service", one(objects, "Service", name)["spec"]["selector"])):
        assert selector.items() <= labels.items(), f"{kind} {name} selects no pod"


# -- probes ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(SERVICES))
def test_service_probes_paths(objects, name):
    container = container_of(objects, name)
    assert container["readinessProbe"]["httpGet"]["path"] == f"/api/v1/{name}/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == f"/api/v1/{name}/health"


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_service_probes_port(objects, name):
    container = container_of(objects, name)
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports == {"http": SERVICES[name]}
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["port"] == "http", probe
    environment = {item["name"]: item.get("value") for item in container["env"]}
    assert environment["PORT"] == str(SERVICES[name])


def test_gateway_has_both_probes(objects):
    container = container_of(objects, "gateway")
    assert container["readinessProbe"]
    assert container["livenessProbe"]


# -- resources and security context ------------------------------------------------------------------

def test_containers_have_requests_and_limits(objects):
    for where, spec in pod_specs(objects):
        for container in spec["containers"]:
            for section in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][section]), f"{where} {section}"


def test_containers_security_context(objects):
    for where, spec in pod_specs(objects):
        pod_context = spec.get("securityContext", {})
        for container in spec["containers"]:
            context = container["securityContext"]
            assert context.get("runAsNonRoot", pod_context.get("runAsNonRoot")) is True, where
            assert context["readOnlyRootFilesystem"] is True, where
            assert context["allowPrivilegeEscalation"] is False, where
            assert context["capabilities"]["drop"] == ["ALL"], where
            assert "add" not in context["capabilities"], where
            user = context.get("runAsUser", pod_context.get("runAsUser"))
            assert isinstance(user, int) and user > 0, f"{where} needs a numeric non-root user"


def test_pods_mount_no_service_account_token(objects):
    for where, spec in pod_specs(objects):
        assert spec.get("automountServiceAccountToken") is False, where


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_service_environment_names_itself(objects, name):
    environment = {item["name"]: item.get("value") for item in container_of(objects, name)["env"]}
    assert environment["SERVICE_NAME"] == name
    assert environment["DATABASE_SCHEMA"] == name
    assert environment["BIND_ADDRESS"] == "0.0.0.0"


# -- network policies ----------------------------------------------------------------------------

def policies(objects) -> dict[str, dict]:
    return {p["metadata"]["name"]: p["spec"] for p in find(objects, "NetworkPolicy")}


def selects(policy_spec: dict, component: str) -> bool:
    selector = policy_spec["podSelector"]
    if not selector:
        return True
    if selector.get("matchLabels", {}).get("app.kubernetes.io/component") == component:
        return True
    for expression in selector.get("matchExpressions", []):
        if (expression["key"] == "app.kubernetes.io/component" and expression["operator"] == "In"
                and component in expression["values"]):
            return True
    return False


def test_network_default_deny(objects):
    default = [spec for spec in policies(objects).values()
               if spec["podSelector"] == {} and "ingress" not in spec and "egress" not in spec]
    assert default, "no default-deny NetworkPolicy"
    assert set(default[0]["policyTypes"]) == {"Ingress", "Egress"}


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_network_services_accept_only_gateway(objects, name):
    rules = [rule for spec in policies(objects).values() if selects(spec, name)
             for rule in spec.get("ingress", [])]
    assert rules, f"nothing may reach {name}"
    for rule in rules:
        assert rule.get("from") == [
            {"podSelector": {"matchLabels": {"app.kubernetes.io/component": "gateway"}}}], name
        assert [port["port"] for port in rule["ports"]] == [SERVICES[name]]


def test_network_gateway_accepts_outside_on_its_ports(objects):
    rules = [rule for spec in policies(objects).values() if selects(spec, "gateway")
             for rule in spec.get("ingress", [])]
    assert len(rules) == 1
    assert "from" not in rules[0]
    assert sorted(port["port"] for port in rules[0]["ports"]) == [8080, 8443]


def test_network_gateway_egress_only_services_and_dns(objects):
    allowed = set(SERVICES.values()) | {53}
    for spec in policies(objects).values():
        if selects(spec, "gateway"):
            for rule in spec.get("egress", []):
                assert {port["port"] for port in rule["ports"]} <= allowed


@pytest.mark.parametrize("name", sorted(SERVICES))
def test_network_services_egress_only_data_stores_and_dns(objects, name):
    ports = set()
    for spec in policies(objects).values():
        if selects(spec, name):
            for rule in spec.get("egress", []):
                assert rule.get("ports"), f"{name} has an egress rule without ports"
                ports |= {port["port"] for port in rule["ports"]}
    assert ports == {53, 5432, 6379}


def test_network_migrate_egress_only_postgres_and_dns(objects):
    ports = {port["port"] for spec in policies(objects).values() if selects(spec, "migrate")
             for rule in spec.get("egress", []) for port in rule["ports"]}
    assert ports == {53, 5432}


# -- gateway ---------------------------------------------------------------------------------

def test_gateway_service_load_balancer_80_443(objects):
    service = one(objects, "Service", "gateway")
    assert service["spec"]["type"] == "LoadBalancer"
    assert sorted(port["port"] for port in service["spec"]["ports"]) == [80, 443]
    assert service["spec"]["externalTrafficPolicy"] == "Local"


def test_only_gateway_service_is_exposed(objects):
    for service in find(objects, "Service"):
        if service["metadata"]["name"] != "gateway":
            assert service["spec"]["type"] in {"ClusterIP", "ExternalName"}


def test_gateway_configmaps_list_every_nginx_file():
    generators = {g["name"]: g for g in
                  yaml.safe_load((BASE / "kustomization.yaml").read_text())["configMapGenerator"]}
    listed = {str((BASE / f).resolve()) for name in ("nginx-root", "nginx-conf-d",
                                                     "nginx-snippets", "nginx-modsecurity")
              for f in generators[name]["files"]}
    expected = {str(p) for folder in ("conf.d", "snippets", "modsecurity")
                for p in (REPO / "nginx" / folder).iterdir() if p.is_file()}
    expected |= {str(REPO / "nginx" / name)
                 for name in ("nginx.conf", "proxy_params", "modsecurity_custom.conf")}
    assert listed == expected


@pytest.mark.skipif(not can_run_nginx_in_namespace(),
                    reason="needs root, unshare, nginx and the ModSecurity module and CRS")
def test_gateway_rendered_config_passes_nginx_t(rendered, tmp_path):
    """Lay out /etc/nginx as the gateway pod mounts it and run nginx -t as the pod's user."""
    need_rendering(rendered)
    etc = build_gateway_etc(tmp_path)
    pod = one(rendered, "Deployment", "gateway")["spec"]["template"]["spec"]
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    sources = {o["metadata"]["name"]: o for o in rendered if o["kind"] in {"ConfigMap", "Secret"}}

    for mount in pod["containers"][0]["volumeMounts"]:
        if not mount["mountPath"].startswith("/etc/nginx/"):
            continue
        target = etc / mount["mountPath"][len("/etc/nginx/"):]
        volume = volumes[mount["name"]]
        source = sources[volume["configMap"]["name"] if "configMap" in volume
                         else volume["secret"]["secretName"]]
        files = dict(source.get("data", {}))
        if source["kind"] == "Secret":
            files = {key: base64.b64decode(value).decode() for key, value in files.items()}
        if "subPath" in mount:
            target.write_text(files[mount["subPath"]])
            continue
        if target.is_symlink() or target.is_file():
            target.unlink()
        elif target.exists():
            shutil.rmtree(target)
        target.mkdir()
        for key, value in files.items():
            (target / key).write_text(value)
            (target / key).chmod(0o644)

    for path in [tmp_path, *tmp_path.rglob("*")]:
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    result = nginx_test(etc, run_as_uid=GATEWAY_UID)
    assert result.returncode == 0, result.stderr


# -- secrets and data stores --------------------------------------------------------------------

def test_secrets_none_committed():
    for path in K8S.rglob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") == "Secret":
                pytest.fail(f"{path.relative_to(REPO)} commits a Secret")


def test_secrets_generated_from_ignored_folder():
    kustomization = yaml.safe_load((OVERLAY / "kustomization.yaml").read_text())
    for generator in kustomization["secretGenerator"]:
        for entry in generator.get("envs", []) + generator.get("files", []):
            assert entry.split("=")[-1].startswith("secrets/"), entry
        assert not generator.get("literals"), generator["name"]
    ignore = (OVERLAY / "secrets" / ".gitignore").read_text().splitlines()
    assert "*" in ignore


def test_secrets_reach_containers_as_files(objects):
    for where, spec in pod_specs(objects):
        for container in spec["containers"]:
            for item in container.get("env", []):
                name, value = item["name"], str(item.get("value", ""))
                if name.endswith("_FILE"):
                    assert value.startswith("/run/secrets/kronos/"), f"{where} {name}"
                elif "PASSWORD" in name or name.endswith("_URL") or name.endswith("_KEY"):
                    pytest.fail(f"{where} passes {name} as a plain value; use {name}_FILE")
                assert "://" not in value, f"{where} {name} holds a connection URL"
                if "valueFrom" in item:
                    assert name == "PGUSER", f"{where} {name}"


def test_secret_references_resolve(rendered):
    need_rendering(rendered)
    names = {o["metadata"]["name"] for o in rendered if o["kind"] == "Secret"}
    for where, spec in pod_specs(rendered):
        for volume in spec["volumes"]:
            if "secret" in volume:
                assert volume["secret"]["secretName"] in names, where


def test_data_stores_are_external_names(objects):
    for name, port in (("postgres", 5432), ("redis", 6379)):
        service = one(objects, "Service", name)
        assert service["spec"]["type"] == "ExternalName"
        assert service["spec"]["ports"][0]["port"] == port


def test_migrate_job_runs_once(objects):
    job = one(objects, "Job", "migrate")
    spec = job["spec"]["template"]["spec"]
    assert spec["restartPolicy"] == "Never"
    environment = {item["name"]: item.get("value") for item in spec["containers"][0]["env"]}
    assert environment["KRONOS_SCHEMAS"] == "auth leave expense"
    assert environment["PGHOST"] == "postgres"


def test_everything_in_kronos_namespace(rendered):
    need_rendering(rendered)
    for obj in rendered:
        if obj["kind"] != "Namespace":
            assert obj["metadata"].get("namespace") == "kronos", obj["metadata"]["name"]
