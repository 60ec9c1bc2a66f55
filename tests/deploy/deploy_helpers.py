"""Helpers of the deployment tests: repository paths, an `nginx -t` runner, certificates.

The tests read the Compose file, the Dockerfiles and the Kubernetes manifests; none of them
needs a container engine or a cluster. Run them with Debian's Python and python3-yaml:

    /usr/bin/python3 -m pytest tests/deploy
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SERVICES = {"auth": 8001, "leave": 8002, "expense": 8003}

# Upstream host names (the service names) exist only inside Docker or Kubernetes, and nginx -t
# resolves the names of upstream{} servers, so the check points them at loopback.
UPSTREAM_SERVER = re.compile(r"server\s+([a-z][a-z0-9]*):(\d+)")


def can_run_nginx_in_namespace() -> bool:
    return (os.geteuid() == 0 and shutil.which("nginx") is not None
            and shutil.which("unshare") is not None
            and Path("/usr/lib/nginx/modules/ngx_http_modsecurity_module.so").exists()
            and Path("/usr/share/modsecurity-crs/rules").is_dir())


def nginx_test(etc_nginx: Path, run_as_uid: int | None = None) -> subprocess.CompletedProcess:
    """Run `nginx -t` with ETC_NGINX mounted over /etc/nginx in a private mount namespace.

    The host's own /etc/nginx is never touched: the bind mounts vanish with the namespace.
    """
    runtime_http = etc_nginx / "runtime" / "http.conf"
    runtime_http.write_text(UPSTREAM_SERVER.sub(r"server 127.0.0.1:\2", runtime_http.read_text()))

    scratch = etc_nginx.parent / "scratch"
    for name in ("var-lib-nginx", "tmp"):
        (scratch / name).mkdir(parents=True, exist_ok=True)
        if run_as_uid is not None:
            os.chown(scratch / name, run_as_uid, run_as_uid)

    command = "nginx -t"
    if run_as_uid is not None:
        # nginx opens /dev/stdout for the access log. As another user it can only reopen a pipe
        # that user owns, so a shell of that user creates the pipe instead of this test.
        command = (f"setpriv --reuid={run_as_uid} --regid={run_as_uid} --clear-groups"
                   " bash -c 'set -o pipefail; nginx -t 2>&1 | cat >&2'")
    script = (
        f"mount --bind '{etc_nginx}' /etc/nginx"
        f" && mount --bind '{scratch / 'var-lib-nginx'}' /var/lib/nginx"
        f" && mount --bind '{scratch / 'tmp'}' /tmp"
        f" && cd / && {command}"
    )
    return subprocess.run(["unshare", "-m", "bash", "-c", script], capture_output=True,
                          text=True, timeout=60)


def build_gateway_etc(root: Path, repo: Path = REPO) -> Path:
    """Lay out /etc/nginx of REPO as deploy/docker/gateway.Dockerfile does, under ROOT/etc-nginx."""
    etc = root / "etc-nginx"
    etc.mkdir(parents=True)
    shutil.copytree(repo / "nginx", etc / "kronos", symlinks=True)
    shutil.copytree(repo / "nginx" / "runtime-compose", etc / "runtime")
    for name in ("nginx.conf", "proxy_params", "modsecurity_custom.conf", "conf.d", "snippets",
                 "modsecurity"):
        (etc / name).symlink_to(f"kronos/{name}")
    (etc / "tls").mkdir()
    return etc


def self_signed_certificate(cert: Path, key: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-days", "2", "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True)
