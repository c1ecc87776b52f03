"""`uvtui add / bump / remove` end to end: real subprocesses, the real uv, the local index."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.edit_project import edit_project, uv
from tests.support.local_index import LocalIndex
from tests.support.schemas import validate

FILES = ("pyproject.toml", "uv.lock")


@pytest.fixture(scope="module")
def template(local_index: LocalIndex, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return edit_project(tmp_path_factory.mktemp("edit-cli") / "shop", local_index)


@pytest.fixture
def shop(template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(template, tmp_path / "shop"))


@pytest.fixture
def env(local_index: LocalIndex, tmp_path: Path) -> dict[str, str]:
    return local_index.uv_env() | {"XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}


def uvtui(*args: str | Path, env: dict[str, str], cwd: Path | None = None):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "uvtui", *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
    )


def _bytes(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in FILES}


def test_bump_prints_the_plan_and_writes_nothing(shop: Path, env: dict[str, str]) -> None:
    before = _bytes(shop)
    result = uvtui("bump", "gunicorn", "--project", shop, env=env)
    assert result.returncode == 0, result.stderr
    assert "# bump gunicorn to latest compatible" in result.stdout
    assert "diff --git a/uv.lock b/uv.lock" in result.stdout
    assert "gunicorn  21.2.0  22.0.0  upgraded (major)" in result.stdout
    assert _bytes(shop) == before


def test_bump_latest_write_yes_then_lock_check(
    shop: Path, env: dict[str, str], local_index: LocalIndex
) -> None:
    result = uvtui("bump", "gunicorn", "--latest", "--write", "--yes", "--project", shop, env=env)
    assert result.returncode == 0, result.stderr
    assert '"gunicorn>=23,<24"' in (shop / "pyproject.toml").read_text()
    assert "backup in .uvtui/backup/" in result.stdout
    assert uv(shop, local_index, "lock", "--check").returncode == 0


def test_all_outdated_only_patch_and_minor(shop: Path, env: dict[str, str]) -> None:
    result = uvtui(
        "bump", "--all-outdated", "--only", "patch,minor", "--json",
        "--project", shop, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    validate("bump", plan)
    changed = {row["name"]: row for row in plan["lock_changes"]}
    assert changed["demo-a"]["new"] == "1.2.1"  # minor
    assert "gunicorn" not in changed  # 21 -> 22 is a major step
    assert plan["files"][0]["path"] == "uv.lock"
    assert plan["written"] is False


def test_add_to_a_group_from_the_project_directory(
    shop: Path, env: dict[str, str], local_index: LocalIndex
) -> None:
    result = uvtui("add", "python-dotenv", "--group", "dev", "--write", "--yes", env=env, cwd=shop)
    assert result.returncode == 0, result.stderr
    assert (
        'dev = ["pytest==7.4.4", "python-dotenv>=1.1.0"]' in (shop / "pyproject.toml").read_text()
    )
    assert uv(shop, local_index, "lock", "--check").returncode == 0


def test_add_unknown_package_is_a_clear_message(shop: Path, env: dict[str, str]) -> None:
    before = _bytes(shop)
    result = uvtui("add", "flaskk", "--write", "--yes", "--project", shop, env=env)
    assert result.returncode == 1
    assert result.stderr.startswith("uvtui: flaskk is not on the package index")
    assert result.stderr.rstrip().endswith("did you mean flask?")
    assert "Traceback" not in result.stderr
    assert _bytes(shop) == before


def test_remove_says_who_still_needs_it(shop: Path, env: dict[str, str]) -> None:
    result = uvtui("remove", "demo-a", "--project", shop, env=env)
    assert result.returncode == 0, result.stderr
    assert "demo-a stays in uv.lock as a transitive dependency: demo-b still need it." in (
        result.stdout
    )


def test_unsatisfiable_add_exits_1_and_writes_nothing(shop: Path, env: dict[str, str]) -> None:
    before = _bytes(shop)
    result = uvtui("add", "demo-a>=5", "--group", "dev", "--write", "--yes", "--project", shop,
                   env=env)  # fmt: skip
    assert result.returncode == 1
    assert "nothing was written" in result.stderr
    assert "demo-a>=5" in result.stderr
    assert _bytes(shop) == before


def test_write_without_yes_off_a_terminal_writes_nothing(shop: Path, env: dict[str, str]) -> None:
    before = _bytes(shop)
    result = uvtui("bump", "gunicorn", "--write", "--project", shop, env=env)
    assert result.returncode == 2
    assert "needs --yes" in result.stderr
    assert _bytes(shop) == before


def test_usage_errors(shop: Path, env: dict[str, str]) -> None:
    assert uvtui("bump", "--project", shop, env=env).returncode == 2
    assert uvtui("bump", "x", "--only", "huge", "--project", shop, env=env).returncode == 2
    result = uvtui("add", "x", "--group", "a", "--optional", "b", env=env)
    assert result.returncode == 2


def test_a_holding_constraint_is_named_unless_editing_is_allowed(
    shop: Path, env: dict[str, str], local_index: LocalIndex
) -> None:
    text = (shop / "pyproject.toml").read_text()
    extra = "package = false\nconstraint-dependencies = ['gunicorn <23']\n"
    (shop / "pyproject.toml").write_text(text.replace("package = false\n", extra))
    assert uv(shop, local_index, "lock").returncode == 0
    refused = uvtui("bump", "gunicorn", "--latest", "--project", shop, env=env)
    assert refused.returncode == 1
    assert "gunicorn 23.0.0: held by constraint <23 ([tool.uv] constraint-dependencies)" in (
        refused.stderr
    )
    allowed = uvtui("bump", "gunicorn", "--latest", "--edit-constraints", "--project", shop,
                    env=env)  # fmt: skip
    assert allowed.returncode == 0, allowed.stderr
    assert "+constraint-dependencies = ['gunicorn <24']" in allowed.stdout


def _constrain(shop: Path, local_index: LocalIndex, setting: str) -> None:
    text = (shop / "pyproject.toml").read_text()
    (shop / "pyproject.toml").write_text(text.replace("package = false\n", setting))
    assert uv(shop, local_index, "lock").returncode == 0


def test_a_compatible_bump_held_by_a_constraint_names_it(
    shop: Path, env: dict[str, str], local_index: LocalIndex
) -> None:
    _constrain(
        shop, local_index, "package = false\nconstraint-dependencies = ['gunicorn==21.2.0']\n"
    )
    before = _bytes(shop)
    result = uvtui("bump", "gunicorn", "--project", shop, env=env)
    assert result.returncode == 1
    assert (
        "gunicorn 21.2.0: already at the newest version uv can lock; 23.0.0 is out, "
        "held by constraint ==21.2.0" in result.stderr
    )
    assert "uvtui bump gunicorn --latest --edit-constraints" in result.stderr
    as_json = uvtui("bump", "gunicorn", "--json", "--project", shop, env=env)
    assert as_json.returncode == 1
    document = json.loads(as_json.stdout)
    validate("bump", document)
    (stuck,) = document["not_moved"]
    assert stuck["held_by"]["text"] == "held by constraint ==21.2.0"
    assert stuck["latest"] == "23.0.0"
    assert "--edit-constraints" in stuck["hint"]
    assert _bytes(shop) == before


def test_a_compatible_bump_held_by_its_declaration_says_bump_to_latest(
    shop: Path, env: dict[str, str], local_index: LocalIndex
) -> None:
    text = (shop / "pyproject.toml").read_text()
    (shop / "pyproject.toml").write_text(text.replace('"gunicorn>=21,<23"', '"gunicorn<21.3"'))
    assert uv(shop, local_index, "lock").returncode == 0
    result = uvtui("bump", "gunicorn", "--project", shop, env=env)
    assert result.returncode == 1
    assert "23.0.0 is out, held by declaration <21.3" in result.stderr
    assert "uvtui bump gunicorn --latest (rewrites the declaration)" in result.stderr
