"""Running the real local uv: version, environment policy, failures and redaction."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.support.local_index import LocalIndex
from uvtui.core.errors import UvtuiError
from uvtui.core.uvrun import (
    UvFailed,
    find_uv,
    run_uv,
    stderr_tail,
    uv_environment,
    uv_version,
)


def write_project(root: Path) -> None:
    (root / "pyproject.toml").write_text(
        '[project]\nname = "x"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["flask"]\n'
    )


def test_find_uv_returns_an_executable() -> None:
    uv = find_uv()
    assert uv.name == "uv"
    assert os.access(uv, os.X_OK)


def test_find_uv_explains_how_to_install_when_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(UvtuiError, match="uv is not installed: pip install uv"):
        find_uv()


def test_uv_version_is_x_y_z() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", uv_version())


def test_run_uv_captures_output(tmp_path: Path) -> None:
    result = run_uv(["--version"], cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith("uv ")


def test_failure_carries_the_stderr_tail(tmp_path: Path, local_index: LocalIndex) -> None:
    write_project(tmp_path)
    env = local_index.uv_env(tmp_path / "cache")
    with pytest.raises(UvFailed) as caught:
        run_uv(["lock", "--check"], cwd=tmp_path, env=env, check=True)
    assert caught.value.returncode != 0
    assert "--check" in caught.value.stderr_tail
    assert "`uv lock --check` failed" in caught.value.message


def test_caller_env_overrides_and_virtual_env_is_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("VIRTUAL_ENV", "/somewhere/.venv")
    monkeypatch.setenv("UV_NO_CONFIG", "1")
    monkeypatch.setenv("UVTUI_TEST_VALUE", "host")
    env = uv_environment({"UVTUI_TEST_VALUE": "caller"}, unset=["UV_NO_CONFIG"])
    assert env["UVTUI_TEST_VALUE"] == "caller"
    assert "VIRTUAL_ENV" not in env
    assert "UV_NO_CONFIG" not in env
    assert env["NO_COLOR"] == "1"
    assert env["PATH"] == os.environ["PATH"]


def test_the_callers_index_reaches_uv(tmp_path: Path, local_index: LocalIndex) -> None:
    write_project(tmp_path)
    run_uv(["lock"], cwd=tmp_path, env=local_index.uv_env(tmp_path / "cache"), check=True)
    assert f'registry = "{local_index.url}"' in (tmp_path / "uv.lock").read_text()


def test_timeout_becomes_a_clear_failure(tmp_path: Path, local_index: LocalIndex) -> None:
    write_project(tmp_path)
    with local_index.fault("hang", "flask", seconds=3), pytest.raises(UvFailed) as caught:
        run_uv(["lock"], cwd=tmp_path, env=local_index.uv_env(tmp_path / "cache"), timeout=0.5)
    assert "timed out after 0.5 s" in caught.value.message


def test_failures_redact_credentials() -> None:
    assert "s3cret" not in stderr_tail("error\n  cause: https://bob:s3cret@h/simple\n")
    failed = UvFailed(
        ["lock", "--index", "https://bob:s3cret@h/simple"],
        2,
        "no access: https://bob:s3cret@h/simple\n",
    )
    assert "s3cret" not in failed.message
    assert "https://***@h/simple" in failed.message
