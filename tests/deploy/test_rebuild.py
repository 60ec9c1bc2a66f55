"""Behaviour of ./rebuild.sh against stand-in docker and docker-compose commands.

The stand-ins record their arguments and report every container healthy, so the tests check
which Docker commands the script runs, and above all which it must not run, without an engine.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from deploy_helpers import REPO

FAKE_DOCKER = """#!/bin/bash
echo "docker $*" >> "$CALLS"
case "$1" in
    info) [[ -z "${FAKE_NO_ENGINE:-}" ]] || { echo "Cannot connect to the Docker daemon" >&2; exit 1; }
          echo 28.0.0 ;;
    compose) exit 1 ;;
    inspect) echo healthy ;;
esac
"""

FAKE_COMPOSE = """#!/bin/bash
echo "docker-compose $*" >> "$CALLS"
if [[ "$1" == ps && "$2" == -q ]]; then
    echo "container-$3"
fi
"""


@pytest.fixture
def project(tmp_path, generated_env) -> Path:
    folder = tmp_path / "kronos"
    folder.mkdir()
    shutil.copy(REPO / "rebuild.sh", folder / "rebuild.sh")
    shutil.copy(generated_env, folder / ".env")
    tls = folder / "deploy" / "docker" / "tls"
    tls.mkdir(parents=True)
    (tls / "cert.pem").write_text("certificate\n")
    (tls / "key.pem").write_text("key\n")

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("docker", FAKE_DOCKER), ("docker-compose", FAKE_COMPOSE)):
        (bin_dir / name).write_text(text)
        (bin_dir / name).chmod(stat.S_IRWXU)
    return folder


def run_rebuild(project: Path, *args: str, **extra_env: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    calls = project.parent / "calls"
    calls.write_text("")
    env = {**os.environ, "PATH": f"{project.parent / 'bin'}:{os.environ['PATH']}",
           "CALLS": str(calls), **extra_env}
    result = subprocess.run([str(project / "rebuild.sh"), *args], cwd=project, env=env,
                            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=60)
    return result, calls.read_text().splitlines()


def test_rebuild_without_engine_reports_it(project):
    result, calls = run_rebuild(project, FAKE_NO_ENGINE="1")
    assert result.returncode == 1
    assert "no Docker engine is reachable" in result.stderr
    assert not [call for call in calls if call.startswith("docker-compose")]


def test_rebuild_default_keeps_volumes(project):
    result, calls = run_rebuild(project)
    assert result.returncode == 0, result.stderr
    assert "docker-compose build" in calls
    assert "docker-compose up -d --force-recreate --remove-orphans" in calls
    assert not [call for call in calls if "--volumes" in call or " down" in call]
    assert "the stack is healthy" in result.stdout


def test_rebuild_delete_volumes_without_yes_refused(project):
    result, calls = run_rebuild(project, "--delete-volumes")
    assert result.returncode == 1
    assert "--yes" in result.stderr
    assert not [call for call in calls if call.startswith("docker-compose") and "config" not in call]


def test_rebuild_delete_volumes_with_yes_deletes(project):
    result, calls = run_rebuild(project, "--delete-volumes", "--yes")
    assert result.returncode == 0, result.stderr
    assert "docker-compose down --volumes --remove-orphans" in calls


def test_rebuild_missing_env_refused(project):
    (project / ".env").unlink()
    result, _ = run_rebuild(project)
    assert result.returncode == 1
    assert "generate-env.sh" in result.stderr


def test_rebuild_missing_certificate_refused(project):
    (project / "deploy" / "docker" / "tls" / "key.pem").unlink()
    result, calls = run_rebuild(project)
    assert result.returncode == 1
    assert "key.pem" in result.stderr
    assert "docker-compose build" not in calls


def test_rebuild_unknown_option_refused(project):
    result, _ = run_rebuild(project, "--volumes")
    assert result.returncode == 1
    assert "unknown argument '--volumes'" in result.stderr
