"""Fixtures of the deployment tests."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from deploy_helpers import REPO


@pytest.fixture
def generated_env(tmp_path: Path) -> Path:
    """A throwaway .env with random secrets from deploy/docker/generate-env.sh."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed")
    env_file = tmp_path / ".env"
    subprocess.run([str(REPO / "deploy/docker/generate-env.sh"), "--admin-email",
                    "admin@example.com", str(env_file)], check=True, capture_output=True)
    return env_file
