"""The Compose gateway reaches a recreated service container without a reload.

gateway_dns_scenario.py runs nginx with the Compose gateway's files in network and mount
namespaces of their own, with a stand-in for Docker's DNS server and two instances of auth. It
then replaces the first instance by the second on a new address, as a container recreation does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from deploy_helpers import build_gateway_etc, can_run_nginx_in_namespace, self_signed_certificate

SCENARIO = Path(__file__).with_name("gateway_dns_scenario.py")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    if not can_run_nginx_in_namespace() or shutil.which("ip") is None:
        pytest.skip("needs root, unshare, ip, nginx with ModSecurity and the CRS")
    pytest.importorskip("dnslib")
    root = tmp_path_factory.mktemp("gateway-dns")
    etc = build_gateway_etc(root)
    self_signed_certificate(etc / "tls" / "cert.pem", etc / "tls" / "key.pem")
    result = subprocess.run(
        ["unshare", "--net", "--mount", "/usr/bin/python3", str(SCENARIO), str(etc),
         str(root / "scratch")],
        capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_gateway_dns_first_request_reaches_first_instance(report):
    assert "error" not in report, report
    assert report["before"] == [200, "old"], report["nginx_log_tail"]


def test_gateway_dns_recreated_service_reached_without_reload(report):
    answers = report["after"]
    assert answers, report
    assert answers[-1] == [200, "new"], report
    assert report["gateway_running"] is True


def test_gateway_dns_name_looked_up_again(report):
    assert report["dns_queries_for_auth"] >= 2, report
