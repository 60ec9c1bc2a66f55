"""Invariants of the Kubernetes manifests in deploy/k8s.

The checks live in k8s_checks.py, so that the add-service tests can run them on a copy with a
new service. With kubectl (kustomize built in) the production overlay is rendered, in a
temporary copy with throwaway secret files, and the rendered objects are checked. Without
kubectl the checks read the base resource files directly, and the checks that need rendering
skip.
"""

from __future__ import annotations

import pytest

import k8s_checks
from deploy_helpers import REPO, SERVICES


@pytest.fixture(scope="module")
def manifests(tmp_path_factory) -> k8s_checks.Manifests:
    return k8s_checks.load(REPO, SERVICES, tmp_path_factory.mktemp("k8s"))


@pytest.mark.parametrize("check, name", k8s_checks.cases(SERVICES))
def test_manifests(manifests, check, name):
    k8s_checks.run(check, manifests, name)
