"""Invariants of the Kubernetes manifests in deploy/k8s of a checkout, for any set of services.

tests/deploy/test_manifests.py runs them on this repository and tests/ops/test_add_service.py
on a copy after `kronosctl add-service`. `load` renders the production overlay with
`kubectl kustomize` (kustomize built in), in a scratch copy with throwaway secret files. Without
kubectl the checks read the base resource files directly, and the checks that need rendering
skip. `cases` lists every check once per workload or service it applies to, for
`pytest.mark.parametrize("check, name", ...)`.
"""

from __future__ import annotations

import base64
import secrets
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import yaml

from deploy_helpers import (build_gateway_etc, can_run_nginx_in_namespace, nginx_test,
                            self_signed_certificate)

GATEWAY_UID = 33
GATEWAY_PORT = 8080


@dataclass
class Manifests:
    """The Kubernetes objects of one checkout and the services they must contain."""

    root: Path
    services: dict[str, int]
    objects: list[dict]
    rendered: list[dict] | None

    @property
    def k8s(self) -> Path:
        return self.root / "deploy" / "k8s"

    @property
    def base(self) -> Path:
        return self.k8s / "base"

    @property
    def overlay(self) -> Path:
        return self.k8s / "overlays" / "production"

    @property
    def workloads(self) -> dict[str, int]:
        return {**self.services, "gateway": GATEWAY_PORT}


# -- loading -----------------------------------------------------------------------------------

def write_throwaway_secrets(folder: Path, services: dict[str, int]) -> None:
    """Write the secret files the production overlay reads, with random values."""
    def token() -> str:
        return secrets.token_hex(16)

    role = {name: token() for name in services}
    redis_url = f"redis://:{token()}@redis:6379/0"
    for name in services:
        lines = [f"DATABASE_URL=postgresql://kronos_{name}:{role[name]}@postgres:5432/kronos",
                 f"REDIS_URL={redis_url}"]
        if name == "auth":
            lines += [f"AUTH_SIGNING_KEY=ktest:{token()}",
                      f"AUTH_BOOTSTRAP_ADMIN_PASSWORD={token()}"]
        (folder / f"{name}.env").write_text("\n".join(lines) + "\n")
    (folder / "migrate.env").write_text(
        f"PGUSER=postgres\nPGPASSWORD={token()}\n"
        + "".join(f"KRONOS_DB_PASSWORD_{name.upper()}={role[name]}\n" for name in services))
    (folder / "public-keys.env").write_text(f"AUTH_PUBLIC_KEYS=ktest:{token()}\n")
    self_signed_certificate(folder / "tls.crt", folder / "tls.key")


def render_overlay(root: Path, services: dict[str, int], scratch: Path) -> list[dict]:
    """Render ROOT's production overlay in a copy under SCRATCH and return its objects."""
    shutil.copytree(root / "nginx", scratch / "nginx", symlinks=True)
    shutil.copytree(root / "deploy" / "k8s", scratch / "deploy" / "k8s")
    write_throwaway_secrets(scratch / "deploy/k8s/overlays/production/secrets", services)
    result = subprocess.run(
        ["kubectl", "kustomize", "--load-restrictor=LoadRestrictionsNone",
         str(scratch / "deploy/k8s/overlays/production")],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


def base_objects(root: Path) -> list[dict]:
    """The objects of the base's resource files, unrendered."""
    base = root / "deploy" / "k8s" / "base"
    kustomization = yaml.safe_load((base / "kustomization.yaml").read_text())
    documents = []
    for resource in kustomization["resources"]:
        documents += [doc for doc in yaml.safe_load_all((base / resource).read_text()) if doc]
    return documents


def load(root: Path, services: dict[str, int], scratch: Path) -> Manifests:
    rendered = render_overlay(root, services, scratch) if shutil.which("kubectl") else None
    objects = rendered if rendered is not None else base_objects(root)
    return Manifests(root=root, services=services, objects=objects, rendered=rendered)


# -- helpers -----------------------------------------------------------------------------------

def need_rendering(m: Manifests) -> list[dict]:
    if m.rendered is None:
        pytest.skip("kubectl is not installed, so the overlay cannot be rendered")
    return m.rendered


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


# -- one of each per workload (gateway and services) ---------------------------------------------

def workload_has_deployment_service_hpa_pdb(m: Manifests, name: str) -> None:
    one(m.objects, "Deployment", name)
    one(m.objects, "Service", name)
    one(m.objects, "HorizontalPodAutoscaler", name)
    one(m.objects, "PodDisruptionBudget", name)


def hpa_scales_own_deployment(m: Manifests, name: str) -> None:
    hpa = one(m.objects, "HorizontalPodAutoscaler", name)
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                             "name": name}
    assert hpa["spec"]["minReplicas"] >= 2
    assert hpa["spec"]["maxReplicas"] >= hpa["spec"]["minReplicas"]


def selectors_match_pod_labels(m: Manifests, name: str) -> None:
    deployment = one(m.objects, "Deployment", name)
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    for kind, selector in (
            ("Deployment", deployment["spec"]["selector"]["matchLabels"]),
            ("PodDisruptionBudget",
             one(m.objects, "PodDisruptionBudget", name)["spec"]["selector"]["matchLabels"]),
            ("Service", one(m.objects, "Service", name)["spec"]["selector"])):
        assert selector.items() <= labels.items(), f"{kind} {name} selects no pod"


# -- per service -------------------------------------------------------------------------------

def service_probes_paths(m: Manifests, name: str) -> None:
    container = container_of(m.objects, name)
    assert container["readinessProbe"]["httpGet"]["path"] == f"/api/v1/{name}/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == f"/api/v1/{name}/health"


def service_probes_port(m: Manifests, name: str) -> None:
    container = container_of(m.objects, name)
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    assert ports == {"http": m.services[name]}
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"]["port"] == "http", probe
    environment = {item["name"]: item.get("value") for item in container["env"]}
    assert environment["PORT"] == str(m.services[name])


def service_environment_names_itself(m: Manifests, name: str) -> None:
    environment = {item["name"]: item.get("value")
                   for item in container_of(m.objects, name)["env"]}
    assert environment["SERVICE_NAME"] == name
    assert environment["DATABASE_SCHEMA"] == name
    assert environment["BIND_ADDRESS"] == "0.0.0.0"


def service_secret_is_its_own(m: Manifests, name: str) -> None:
    pod = one(m.objects, "Deployment", name)["spec"]["template"]["spec"]
    secret_names = [volume["secret"]["secretName"] for volume in pod["volumes"]
                    if "secret" in volume]
    assert len(secret_names) == 1, secret_names
    # kustomize appends a hash of the content to the name of a generated Secret.
    assert secret_names[0] == f"kronos-{name}" or secret_names[0].startswith(f"kronos-{name}-")


def network_services_accept_only_gateway(m: Manifests, name: str) -> None:
    rules = [rule for spec in policies(m.objects).values() if selects(spec, name)
             for rule in spec.get("ingress", [])]
    assert rules, f"nothing may reach {name}"
    for rule in rules:
        assert rule.get("from") == [
            {"podSelector": {"matchLabels": {"app.kubernetes.io/component": "gateway"}}}], name
        assert [port["port"] for port in rule["ports"]] == [m.services[name]]


def network_gateway_reaches_service(m: Manifests, name: str) -> None:
    targets = [rule for spec in policies(m.objects).values() if selects(spec, "gateway")
               for rule in spec.get("egress", [])
               if {"podSelector": {"matchLabels": {"app.kubernetes.io/component": name}}}
               in rule.get("to", [])]
    assert len(targets) == 1, f"the gateway has {len(targets)} egress rules to {name}"
    assert [port["port"] for port in targets[0]["ports"]] == [m.services[name]]


def network_services_egress_only_data_stores_and_dns(m: Manifests, name: str) -> None:
    ports = set()
    for spec in policies(m.objects).values():
        if selects(spec, name):
            for rule in spec.get("egress", []):
                assert rule.get("ports"), f"{name} has an egress rule without ports"
                ports |= {port["port"] for port in rule["ports"]}
    assert ports == {53, 5432, 6379}


# -- whole deployment ----------------------------------------------------------------------------

def gateway_has_both_probes(m: Manifests) -> None:
    container = container_of(m.objects, "gateway")
    assert container["readinessProbe"]
    assert container["livenessProbe"]


def containers_have_requests_and_limits(m: Manifests) -> None:
    for where, spec in pod_specs(m.objects):
        for container in spec["containers"]:
            for section in ("requests", "limits"):
                assert {"cpu", "memory"} <= set(container["resources"][section]), f"{where} {section}"


def containers_security_context(m: Manifests) -> None:
    for where, spec in pod_specs(m.objects):
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


def pods_mount_no_service_account_token(m: Manifests) -> None:
    for where, spec in pod_specs(m.objects):
        assert spec.get("automountServiceAccountToken") is False, where


def network_default_deny(m: Manifests) -> None:
    default = [spec for spec in policies(m.objects).values()
               if spec["podSelector"] == {} and "ingress" not in spec and "egress" not in spec]
    assert default, "no default-deny NetworkPolicy"
    assert set(default[0]["policyTypes"]) == {"Ingress", "Egress"}


def network_gateway_accepts_outside_on_its_ports(m: Manifests) -> None:
    rules = [rule for spec in policies(m.objects).values() if selects(spec, "gateway")
             for rule in spec.get("ingress", [])]
    assert len(rules) == 1
    assert "from" not in rules[0]
    assert sorted(port["port"] for port in rules[0]["ports"]) == [8080, 8443]


def network_gateway_egress_only_services_and_dns(m: Manifests) -> None:
    allowed = set(m.services.values()) | {53}
    for spec in policies(m.objects).values():
        if selects(spec, "gateway"):
            for rule in spec.get("egress", []):
                assert {port["port"] for port in rule["ports"]} <= allowed


def network_migrate_egress_only_postgres_and_dns(m: Manifests) -> None:
    ports = {port["port"] for spec in policies(m.objects).values() if selects(spec, "migrate")
             for rule in spec.get("egress", []) for port in rule["ports"]}
    assert ports == {53, 5432}


def gateway_service_load_balancer_80_443(m: Manifests) -> None:
    service = one(m.objects, "Service", "gateway")
    assert service["spec"]["type"] == "LoadBalancer"
    assert sorted(port["port"] for port in service["spec"]["ports"]) == [80, 443]
    assert service["spec"]["externalTrafficPolicy"] == "Local"


def only_gateway_service_is_exposed(m: Manifests) -> None:
    for service in find(m.objects, "Service"):
        if service["metadata"]["name"] != "gateway":
            assert service["spec"]["type"] in {"ClusterIP", "ExternalName"}


def gateway_configmaps_list_every_nginx_file(m: Manifests) -> None:
    generators = {g["name"]: g for g in
                  yaml.safe_load((m.base / "kustomization.yaml").read_text())["configMapGenerator"]}
    listed = {str((m.base / f).resolve()) for name in ("nginx-root", "nginx-conf-d",
                                                       "nginx-snippets", "nginx-modsecurity")
              for f in generators[name]["files"]}
    nginx = m.root.resolve() / "nginx"
    expected = {str(p) for folder in ("conf.d", "snippets", "modsecurity")
                for p in (nginx / folder).iterdir() if p.is_file()}
    expected |= {str(nginx / name)
                 for name in ("nginx.conf", "proxy_params", "modsecurity_custom.conf")}
    assert listed == expected


def gateway_rendered_config_passes_nginx_t(m: Manifests) -> None:
    """Lay out /etc/nginx as the gateway pod mounts it and run nginx -t as the pod's user."""
    if not can_run_nginx_in_namespace():
        pytest.skip("needs root, unshare, nginx and the ModSecurity module and CRS")
    rendered = need_rendering(m)
    with tempfile.TemporaryDirectory(prefix="kronos-gateway-etc.") as scratch:
        scratch_path = Path(scratch)
        etc = build_gateway_etc(scratch_path, repo=m.root)
        pod = one(rendered, "Deployment", "gateway")["spec"]["template"]["spec"]
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        sources = {o["metadata"]["name"]: o for o in rendered
                   if o["kind"] in {"ConfigMap", "Secret"}}

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

        for path in [scratch_path, *scratch_path.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        result = nginx_test(etc, run_as_uid=GATEWAY_UID)
        assert result.returncode == 0, result.stderr


def secrets_none_committed(m: Manifests) -> None:
    for path in m.k8s.rglob("*.yaml"):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc and doc.get("kind") == "Secret":
                pytest.fail(f"{path.relative_to(m.root)} commits a Secret")


def secrets_generated_from_ignored_folder(m: Manifests) -> None:
    kustomization = yaml.safe_load((m.overlay / "kustomization.yaml").read_text())
    for generator in kustomization["secretGenerator"]:
        for entry in generator.get("envs", []) + generator.get("files", []):
            assert entry.split("=")[-1].startswith("secrets/"), entry
        assert not generator.get("literals"), generator["name"]
    ignore = (m.overlay / "secrets" / ".gitignore").read_text().splitlines()
    assert "*" in ignore


def secrets_reach_containers_as_files(m: Manifests) -> None:
    for where, spec in pod_specs(m.objects):
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


def secret_references_resolve(m: Manifests) -> None:
    rendered = need_rendering(m)
    names = {o["metadata"]["name"] for o in rendered if o["kind"] == "Secret"}
    for where, spec in pod_specs(rendered):
        for volume in spec["volumes"]:
            if "secret" in volume:
                assert volume["secret"]["secretName"] in names, where


def data_stores_are_external_names(m: Manifests) -> None:
    for name, port in (("postgres", 5432), ("redis", 6379)):
        service = one(m.objects, "Service", name)
        assert service["spec"]["type"] == "ExternalName"
        assert service["spec"]["ports"][0]["port"] == port


def migrate_job_runs_once(m: Manifests) -> None:
    job = one(m.objects, "Job", "migrate")
    spec = job["spec"]["template"]["spec"]
    assert spec["restartPolicy"] == "Never"
    environment = {item["name"]: item.get("value") for item in spec["containers"][0]["env"]}
    assert environment["KRONOS_SCHEMAS"] == " ".join(m.services)
    assert environment["PGHOST"] == "postgres"


def migrate_job_reads_every_role_password(m: Manifests) -> None:
    environment = {item["name"]: item.get("value") for item in
                   one(m.objects, "Job", "migrate")["spec"]["template"]["spec"]["containers"][0]["env"]}
    for name in m.services:
        variable = f"KRONOS_DB_PASSWORD_{name.upper()}"
        assert environment.get(f"{variable}_FILE") == f"/run/secrets/kronos/{variable}", name


def everything_in_kronos_namespace(m: Manifests) -> None:
    for obj in need_rendering(m):
        if obj["kind"] != "Namespace":
            assert obj["metadata"].get("namespace") == "kronos", obj["metadata"]["name"]


WORKLOAD_CHECKS = [workload_has_deployment_service_hpa_pdb, hpa_scales_own_deployment,
                   selectors_match_pod_labels]
SERVICE_CHECKS = [service_probes_paths, service_probes_port, service_environment_names_itself,
                  service_secret_is_its_own, network_services_accept_only_gateway,
                  network_gateway_reaches_service, network_services_egress_only_data_stores_and_dns]
DEPLOYMENT_CHECKS = [
    gateway_has_both_probes, containers_have_requests_and_limits, containers_security_context,
    pods_mount_no_service_account_token, network_default_deny,
    network_gateway_accepts_outside_on_its_ports, network_gateway_egress_only_services_and_dns,
    network_migrate_egress_only_postgres_and_dns, gateway_service_load_balancer_80_443,
    only_gateway_service_is_exposed, gateway_configmaps_list_every_nginx_file,
    gateway_rendered_config_passes_nginx_t, secrets_none_committed,
    secrets_generated_from_ignored_folder, secrets_reach_containers_as_files,
    secret_references_resolve, data_stores_are_external_names, migrate_job_runs_once,
    migrate_job_reads_every_role_password, everything_in_kronos_namespace,
]


def cases(services: dict[str, int]) -> list:
    """Every check with the workload or service it checks (None for whole-deployment checks)."""
    def case(check: Callable, name: str | None):
        test_id = check.__name__ if name is None else f"{check.__name__}-{name}"
        return pytest.param(check, name, id=test_id)

    workloads = sorted({*services, "gateway"})
    return ([case(check, name) for check in WORKLOAD_CHECKS for name in workloads]
            + [case(check, name) for check in SERVICE_CHECKS for name in sorted(services)]
            + [case(check, None) for check in DEPLOYMENT_CHECKS])


def run(check: Callable, m: Manifests, name: str | None) -> None:
    if name is None:
        check(m)
    else:
        check(m, name)
