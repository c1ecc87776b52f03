"""bin/uv-install run for real (uv, bash, the local index): one uv run when the lock is fresh."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.support.local_index import LocalIndex
from uvtui.core.migrate.companions import UV_INSTALL_SCRIPT

STALE = "uv-install: uv.lock missing or stale, locking"


def _project(root: Path, pin: str) -> None:
    (root / "pyproject.toml").write_text(
        f'[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        f'dependencies = ["demo-a=={pin}"]\n',
        encoding="utf-8",
    )


def _run(root: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = root / "uv-install"
    script.write_text(UV_INSTALL_SCRIPT, encoding="utf-8")
    return subprocess.run(
        ["bash", str(script)], cwd=root, env=env, capture_output=True, text=True, check=False
    )


def _installed(environment: Path) -> list[str]:
    return sorted(p.name for p in environment.glob("lib/python*/site-packages/demo_a-*.dist-info"))


@pytest.fixture
def env(local_index: LocalIndex, tmp_path: Path) -> dict[str, str]:
    return {
        **local_index.uv_env(tmp_path / "cache"),
        "UV_PROJECT_ENVIRONMENT": str(tmp_path / "env"),
        "UV_COMPILE_BYTECODE": "1",
    }


def test_fresh_lock_installs_it_without_locking(tmp_path: Path, env: dict[str, str]) -> None:
    _project(tmp_path, "1.0")
    subprocess.run(["uv", "lock"], cwd=tmp_path, env=env, check=True, capture_output=True)
    lock = (tmp_path / "uv.lock").read_bytes()
    done = _run(tmp_path, env)
    assert done.returncode == 0, done.stderr
    assert STALE not in done.stderr
    assert _installed(tmp_path / "env") == ["demo_a-1.0.dist-info"]
    assert (tmp_path / "uv.lock").read_bytes() == lock


def test_stale_or_missing_lock_is_locked_again(tmp_path: Path, env: dict[str, str]) -> None:
    _project(tmp_path, "1.0")
    done = _run(tmp_path, env)
    assert done.returncode == 0, done.stderr
    assert STALE in done.stderr
    _project(tmp_path, "1.1")
    done = _run(tmp_path, env)
    assert done.returncode == 0, done.stderr
    assert STALE in done.stderr
    assert 'version = "1.1"' in (tmp_path / "uv.lock").read_text(encoding="utf-8")
    assert _installed(tmp_path / "env") == ["demo_a-1.1.dist-info"]


def test_failed_install_with_a_fresh_lock_is_not_relocked(
    tmp_path: Path, env: dict[str, str], local_index: LocalIndex
) -> None:
    _project(tmp_path, "1.0")
    subprocess.run(["uv", "lock"], cwd=tmp_path, env=env, check=True, capture_output=True)
    lock = (tmp_path / "uv.lock").read_bytes()
    with local_index.fault("500"):
        done = _run(tmp_path, env)
    assert done.returncode != 0
    assert STALE not in done.stderr
    assert (tmp_path / "uv.lock").read_bytes() == lock
    assert _installed(tmp_path / "env") == []
