"""`uvtui migrate` end to end: a real process, the real uv, the local index."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.docker import PYTHON_IMAGE, docker_client, require_image
from tests.support.local_index import LocalIndex
from tests.support.migration_trees import (
    PYTHON,
    enclosing_uv_settings,
    enclosing_workspace,
    seed,
    tree_state,
    write_tree,
)
from tests.support.schemas import validate


@pytest.fixture
def env(local_index: LocalIndex) -> dict[str, str]:
    return local_index.uv_env()


def migrate(
    env: dict[str, str], *args: str | Path, stdin: int | None = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "uvtui", "migrate", *map(str, args)],
        env=env,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_diff_prints_everything_and_writes_nothing(tmp_path: Path, env: dict) -> None:
    """Spec test 2."""
    root = seed(tmp_path / "app")
    before = tree_state(root)
    result = migrate(env, root, "--diff")
    assert result.returncode == 0, result.stderr
    assert tree_state(root) == before
    for path in ("pyproject.toml", "uv.lock", "bin/uv-install", ".dockerignore"):
        assert f"--- /dev/null\n+++ b/{path}\n" in result.stdout
    assert "--- a/Dockerfile\n+++ b/Dockerfile\n" in result.stdout
    assert "Coverage: 3 line(s) carried, 0 not carried" in result.stdout
    assert "S-PIP-CALLER  bin/pip3-install:7" in result.stdout
    assert "Next steps:" in result.stdout


def test_diff_json_matches_its_schema(tmp_path: Path, env: dict) -> None:
    root = seed(tmp_path / "app")
    before = tree_state(root)
    result = migrate(env, root, "--diff", "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no progress lines when stderr is not a terminal
    assert tree_state(root) == before
    plan = json.loads(result.stdout)
    validate("migrate", plan)
    files = {entry["path"]: entry for entry in plan["files"]}
    assert files["Dockerfile"]["action"] == "modify"
    assert files["Dockerfile"]["diff"].startswith("diff --git a/Dockerfile b/Dockerfile\n")
    assert files["uv.lock"]["action"] == "create"
    assert plan["coverage"]["carried"] == 3
    assert plan["coverage"]["not_carried"] == 0
    assert any(f["code"] == "S-PIP-CALLER" for f in plan["findings"])
    assert plan["next_steps"]


def test_json_without_a_mode_flag_is_the_diff_even_on_a_terminal(tmp_path: Path, env: dict) -> None:
    root = seed(tmp_path / "app")
    before = tree_state(root)
    primary, secondary = pty.openpty()
    try:
        result = migrate(env, root, "--json", stdin=secondary)
    finally:
        os.close(primary)
        os.close(secondary)
    assert result.returncode == 0, result.stderr
    validate("migrate", json.loads(result.stdout))
    assert tree_state(root) == before


def test_write_without_yes_off_a_terminal_is_refused(tmp_path: Path, env: dict) -> None:
    """Spec test 3."""
    root = seed(tmp_path / "app")
    before = tree_state(root)
    result = migrate(env, root, "--write")
    assert result.returncode == 2
    assert "--yes" in result.stderr
    assert tree_state(root) == before


def test_write_yes_then_undo(tmp_path: Path, env: dict) -> None:
    """Spec test 4."""
    root = seed(tmp_path / "app")
    before = tree_state(root)
    written = migrate(env, root, "--write", "--yes")
    assert written.returncode == 0, written.stderr
    assert "Wrote 5 file change(s)" in written.stdout
    (backup,) = (root / ".uvtui" / "backup").iterdir()
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["replaced"] == ["Dockerfile"]
    assert (backup / "Dockerfile").read_bytes() == before["Dockerfile"][0]
    assert (root / "uv.lock").is_file()
    undone = migrate(env, root, "--undo")
    assert undone.returncode == 0, undone.stderr
    assert "restored Dockerfile" in undone.stdout
    assert tree_state(root, skip_backups=True) == before
    assert migrate(env, root, "--undo").returncode == 1


def confirm_on_a_terminal(env: dict, root: Path, answer: bytes) -> tuple[int, str]:
    primary, secondary = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvtui", "migrate", str(root), "--write"],
            env=env,
            stdin=secondary,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        os.write(primary, answer)
        stdout, _ = process.communicate(timeout=300)
    finally:
        os.close(primary)
        os.close(secondary)
    return process.returncode, stdout.decode()


@pytest.mark.parametrize(("answer", "code"), [(b"y\n", 0), (b"n\n", 2)])
def test_write_asks_on_a_terminal(tmp_path: Path, env: dict, answer: bytes, code: int) -> None:
    root = seed(tmp_path / "app")
    before = tree_state(root)
    returncode, stdout = confirm_on_a_terminal(env, root, answer)
    assert returncode == code
    assert "Write these 5 file change(s)" in stdout
    assert (tree_state(root) == before) is (code == 2)


def test_drift_is_refused_with_exit_1(tmp_path: Path, env: dict) -> None:
    """Spec test 18 through the CLI."""
    root = write_tree(
        tmp_path / "app",
        {
            "requirements.txt": "Flask==3.0.3\n",
            "requirements-lock.txt": "Flask==3.0.0\n",
            ".python-version": f"{PYTHON}\n",
        },
    )
    before = tree_state(root)
    result = migrate(env, root, "--write", "--yes")
    assert result.returncode == 1
    assert "R3" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_state(root) == before


@pytest.mark.parametrize(
    ("files", "code"),
    [
        ({"app.py": "print('hi')\n"}, "R1"),
        ({"Pipfile": "[packages]\nflask = '*'\n"}, "R2"),
        ({"requirements.txt": "-r missing.txt\n", ".python-version": PYTHON}, "R4"),
    ],
)
def test_refusals_exit_1_and_write_nothing(
    tmp_path: Path, env: dict, files: dict, code: str
) -> None:
    root = write_tree(tmp_path / "app", files)
    before = tree_state(root)
    result = migrate(env, root, "--write", "--yes")
    assert result.returncode == 1
    assert f"uvtui: {code}: " in result.stderr
    assert tree_state(root) == before


def test_validation_failing_in_place_restores_and_exits_3(tmp_path: Path, env: dict) -> None:
    root = enclosing_uv_settings(tmp_path / "monorepo")
    before = tree_state(root)
    result = migrate(env, root, "--write", "--yes")
    assert result.returncode == 3, result.stderr
    assert "every file was" in result.stderr
    assert "restored" in result.stderr
    assert tree_state(root, skip_backups=True) == before


def test_enclosing_workspace_is_refused_before_writing(tmp_path: Path, env: dict) -> None:
    root = enclosing_workspace(tmp_path / "monorepo")
    before = tree_state(tmp_path)
    result = migrate(env, root, "--write", "--yes")
    assert result.returncode == 1, result.stderr
    assert "uvtui: R8: " in result.stderr
    assert tree_state(tmp_path) == before


def test_credentials_stay_out_of_files_and_output(tmp_path: Path, env: dict) -> None:
    """Spec test 19 end to end (the Dockerfile's pip step carries the credential too)."""
    root = write_tree(
        tmp_path / "app",
        {
            "requirements.txt": (
                "--index-url https://bob:${TOKEN}@pypi.corp.example/simple\nflask>=3\n"
            ),
            "Dockerfile": (
                f"FROM python:{PYTHON}-slim\nWORKDIR /app\nCOPY requirements.txt ./\n"
                "RUN pip install --no-cache-dir -r requirements.txt \\\n"
                "  --index-url https://bob:${TOKEN}@pypi.corp.example/simple\nCOPY . .\n"
            ),
        },
    )
    as_json = migrate(env, root, "--diff", "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert "bob" not in as_json.stdout and "TOKEN" not in as_json.stdout
    validate("migrate", json.loads(as_json.stdout))
    result = migrate(env, root, "--write", "--yes")
    assert result.returncode == 0, result.stderr
    for name in ("UV_INDEX_CORP_EXAMPLE_USERNAME", "UV_INDEX_CORP_EXAMPLE_PASSWORD"):
        assert name in result.stdout
    assert "bob" not in result.stdout + result.stderr
    assert "TOKEN" not in result.stdout + result.stderr
    for path in root.rglob("*"):
        if path.is_file() and path.name != "requirements.txt" and ".uvtui" not in path.parts:
            assert b"bob" not in path.read_bytes() and b"TOKEN" not in path.read_bytes(), path


@pytest.mark.parametrize(
    "args",
    [
        ["--diff", "--yes"],
        ["--write", "--uv-version", "0.5"],
        ["--diff", "--python", "three"],
        ["--json", "--write", "--yes"],
        ["--json", "--undo"],
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, env: dict, args: list[str]) -> None:
    root = seed(tmp_path / "app")
    before = tree_state(root)
    result = migrate(env, root, *args)
    assert result.returncode == 2
    assert tree_state(root) == before


def test_build_check_needs_a_rewritten_dockerfile(tmp_path: Path, env: dict) -> None:
    root = write_tree(
        tmp_path / "app", {"requirements.txt": "flask>=3\n", ".python-version": PYTHON}
    )
    before = tree_state(root)
    result = migrate(env, root, "--write", "--yes", "--build-check")
    assert result.returncode == 1
    assert "needs a Dockerfile" in result.stderr
    assert tree_state(root) == before


@pytest.mark.docker
@pytest.mark.timeout(600)
def test_build_check_passes_before_writing(
    tmp_path: Path, env: dict, local_index: LocalIndex
) -> None:
    """V6 through the CLI: both images built from the tree and its migrated copy, then written."""
    client = docker_client()
    require_image(client, PYTHON_IMAGE)
    require_image(client, "ghcr.io/astral-sh/uv:0.13.9")
    root = write_tree(
        tmp_path / "app",
        {
            "requirements.txt": f"--index-url {local_index.url}\nFlask==3.0.3\n",
            "Dockerfile": (
                f"FROM {PYTHON_IMAGE}\nWORKDIR /app\nCOPY requirements.txt ./\n"
                "RUN pip install --no-cache-dir -r requirements.txt\nCOPY . .\n"
            ),
        },
    )
    result = migrate(env, root, "--write", "--yes", "--uv-version", "0.13.9", "--build-check")
    assert result.returncode == 0, result.stderr
    assert "Build check passed" in result.stdout
    assert (root / "uv.lock").is_file()


def test_dev_requirements_option_picks_an_extra_or_a_group(tmp_path: Path, env: dict) -> None:
    files = {
        "requirements.txt": "demo-a==1.1\n",
        "requirements-dev.txt": "-r requirements.txt\ndemo-c==1.1\n",
        ".python-version": f"{PYTHON}\n",
    }
    root = write_tree(tmp_path / "app", files)
    result = migrate(env, root, "--diff", "--dev-extra", "Tests")
    assert result.returncode == 0, result.stderr
    assert "+[project.optional-dependencies]\n+tests = [\n" in result.stdout
    assert "[dependency-groups]" not in result.stdout
    result = migrate(env, root, "--diff", "--dev-group", "lint")
    assert result.returncode == 0, result.stderr
    assert "+[dependency-groups]\n+lint = [\n" in result.stdout
    bad = migrate(env, root, "--diff", "--dev-group=no!")
    assert bad.returncode == 2 and "not a valid group or extra name" in bad.stderr
    both = migrate(env, root, "--diff", "--dev-group", "a", "--dev-extra", "b")
    assert both.returncode == 2


def test_python_option_takes_an_interpreter_path(tmp_path: Path, env: dict) -> None:
    files = {
        "requirements.txt": "demo-a==1.1\n",
        "Dockerfile": "FROM python:3.99-slim\nRUN pip install -r requirements.txt\n",
    }
    root = write_tree(tmp_path / "app", files)
    missing = migrate(env, root, "--diff")
    assert missing.returncode == 1
    assert "uv python install 3.99" in missing.stderr and "Traceback" not in missing.stderr
    outside = migrate(env, root, "--diff", "--python", sys.executable)
    assert outside.returncode == 1 and "outside requires-python >=3.99" in outside.stderr
    (root / ".python-version").write_text(f"{PYTHON}\n")
    (root / "Dockerfile").unlink()
    given = migrate(env, root, "--diff", "--python", sys.executable)
    assert given.returncode == 0, given.stderr
    assert "I-LOCK-PYTHON" in given.stdout and f"--python: {sys.executable}" in given.stdout
