"""`uvtui outdated` end to end: a real subprocess, a project locked by a real `uv lock`."""

from __future__ import annotations

import hashlib
import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.local_index import LocalIndex
from tests.support.locked_project import locked_project
from tests.support.schemas import validate

PYPROJECT = """\
[project]
name = "shop"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["demo-a==1.0", "demo-b>=1", "jinja2==3.1.2", "redis>=4,<6"]

[dependency-groups]
dev = ["pytest==7.4.4"]

[tool.uv]
package = false
"""

ROW_KEYS = {
    "name",
    "groups",
    "direct",
    "constraint",
    "locked",
    "latest_compatible",
    "latest",
    "update",
    "yanked",
    "marker",
    "status",
    "reason",
    "newer_needs_python",
    "held_by",
    "newer_excluded",
}


@pytest.fixture(scope="module")
def locked_template(local_index: LocalIndex, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project locked once against the local index; tests work on copies of it."""
    return locked_project(tmp_path_factory.mktemp("template") / "shop", PYPROJECT, local_index)


@pytest.fixture
def project(locked_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(locked_template, tmp_path / "shop"))


@pytest.fixture
def env(local_index: LocalIndex, tmp_path: Path) -> dict[str, str]:
    """The local index only, and a uvtui cache private to the test (cold every time)."""
    return local_index.uv_env() | {"XDG_CACHE_HOME": str(tmp_path / "xdg-cache")}


def uvtui(*args: str | Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "uvtui", *map(str, args)],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_json_lists_direct_dependencies(project: Path, env: dict[str, str]) -> None:
    result = uvtui("outdated", project, "--json", env=env)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    validate("outdated", rows)
    assert [row["name"] for row in rows] == ["demo-a", "demo-b", "jinja2", "pytest", "redis"]
    assert all(set(row) >= ROW_KEYS for row in rows)
    by_name = {row["name"]: row for row in rows}
    assert by_name["demo-a"]["groups"] == ["main"]
    assert (by_name["demo-a"]["locked"], by_name["demo-a"]["latest"]) == ("1.0", "2.0")
    assert by_name["demo-a"]["update"] == "major"
    assert by_name["jinja2"]["update"] == "patch"
    assert by_name["redis"]["latest_compatible"] == "5.2.1"
    assert by_name["redis"]["constraint"] == ">=4,<6"
    assert by_name["pytest"]["groups"] == ["dev"]
    assert all(row["direct"] and row["status"] == "checked" for row in rows)


def test_exclude_newer_in_the_lock_keeps_newer_releases_out(
    project: Path, env: dict[str, str]
) -> None:
    lock_file = project / "uv.lock"
    head, _, rest = lock_file.read_text().partition("\n\n")
    lock_file.write_text(f'{head}\n\n[options]\nexclude-newer = "2024-01-25T00:00:00Z"\n\n{rest}')
    result = uvtui("outdated", project, "--json", env=env)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    validate("outdated", rows)
    demo_a = next(row for row in rows if row["name"] == "demo-a")
    assert (demo_a["latest"], demo_a["update"]) == ("1.2.1", "minor")
    assert demo_a["newer_excluded"] == {
        "version": "2.0",
        "upload_time": "2024-01-31T00:00:00+00:00",
    }
    table = uvtui("outdated", project, env=env).stdout
    assert "2.0 uploaded 2024-01-31, after exclude-newer" in table


NARROWED = """\
[project]
name = "narrowed"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["click>=8.1", "redis>=4,<5", "jinja2<3.1.6"]

[tool.uv]
package = false
constraint-dependencies = ["click==8.1.7"]
override-dependencies = ["redis>=4"]
"""


def test_json_and_table_say_what_holds_a_package_back(
    local_index: LocalIndex, tmp_path: Path, env: dict[str, str]
) -> None:
    root = locked_project(tmp_path / "narrowed", NARROWED, local_index)
    rows = json.loads(uvtui("outdated", root, "--json", env=env).stdout)
    by_name = {row["name"]: row for row in rows}
    assert (by_name["click"]["latest_compatible"], by_name["click"]["latest"]) == ("8.1.7", "8.2.1")
    assert by_name["click"]["held_by"] == {
        "text": "held by constraint ==8.1.7",
        "blocked": "8.1.8",
        "specifiers": [
            {
                "kind": "constraint",
                "specifier": "==8.1.7",
                "requirement": "click==8.1.7",
                "setting": "[tool.uv] constraint-dependencies",
                "member": None,
            }
        ],
    }
    assert (by_name["redis"]["latest_compatible"], by_name["redis"]["held_by"]) == ("6.2.0", None)
    jinja2 = by_name["jinja2"]["held_by"]
    assert jinja2["text"] == "held by declaration <3.1.6"
    assert jinja2["specifiers"][0]["setting"] == "main"
    assert jinja2["specifiers"][0]["member"] == "narrowed"
    table = uvtui("outdated", root, env=env | {"NO_COLOR": ""}).stdout.splitlines()
    line = {text.split()[0]: text for text in table}
    assert line["click"].endswith("held by constraint ==8.1.7")
    assert line["redis"].endswith("override >=4 replaces the declarations")
    assert "held by" not in line["jinja2"]  # a declaration's bound is in the Constraint column


def test_all_includes_transitive_and_pre_allows_prereleases(
    project: Path, env: dict[str, str]
) -> None:
    rows = json.loads(uvtui("outdated", project, "--json", "--all", "--pre", env=env).stdout)
    validate("outdated", rows)
    by_name = {row["name"]: row for row in rows}
    assert by_name["markupsafe"]["direct"] is False
    assert by_name["markupsafe"]["groups"] == []
    assert by_name["demo-a"]["latest"] == "3.0a1"


def test_table_reads_without_colour(project: Path, env: dict[str, str]) -> None:
    result = uvtui("outdated", project, env=env | {"NO_COLOR": ""})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "Package",
        "Group",
        "Constraint",
        "Locked",
        "Compatible",
        "Latest",
        "Update",
        "Notes",
    ]
    assert "\x1b[" not in result.stdout
    demo_a = next(line for line in lines if line.startswith("demo-a"))
    assert demo_a.split() == ["demo-a", "main", "==1.0", "1.0", "1.0", "2.0", "⇈", "major"]
    assert "↑ patch" in next(line for line in lines if line.startswith("jinja2"))
    redis = next(line for line in lines if line.startswith("redis"))
    columns = lines[0].index("Latest"), lines[0].index("Update")
    assert redis[columns[0] : columns[1]].strip() == "6.2.0"  # aligned under its header


@pytest.mark.parametrize(
    ("args", "no_color", "coloured"),
    [
        (["outdated", "{root}"], "", False),  # auto, and stdout is a pipe
        (["outdated", "{root}", "--color", "always"], "1", True),  # the option beats NO_COLOR
        (["--color", "always", "outdated", "{root}"], "", True),  # before the command too
        (["--color", "always", "outdated", "{root}", "--color", "never"], "", False),
    ],
)
def test_color_option_and_no_color(
    project: Path, env: dict[str, str], args: list[str], no_color: str, coloured: bool
) -> None:
    before = snapshot(project)
    argv = [arg.format(root=project) for arg in args]
    result = uvtui(*argv, env=env | {"NO_COLOR": no_color})
    assert result.returncode == 0, result.stderr
    assert ("\x1b[31m⇈ major" in result.stdout) is coloured
    assert ("\x1b[" in result.stdout) is coloured
    assert snapshot(project) == before


def test_never_writes_in_the_project(project: Path, env: dict[str, str]) -> None:
    before = snapshot(project)
    for args in (["--json"], [], ["--all", "--offline"]):
        assert uvtui("outdated", project, *args, env=env).returncode == 0
    (project / "pyproject.toml").write_text(PYPROJECT.replace('"redis>=4,<6"', '"redis>=5"'))
    before = snapshot(project)
    assert uvtui("outdated", project, env=env).returncode == 0
    assert snapshot(project) == before


def test_stale_lock_warns_and_still_reports(project: Path, env: dict[str, str]) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(PYPROJECT.replace('"redis>=4,<6"', '"redis>=4,<6", "click"'))
    result = uvtui("outdated", project, "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert "warning" in result.stderr and "uv lock" in result.stderr
    assert "demo-a" in {row["name"] for row in json.loads(result.stdout)}


def test_missing_lock(project: Path, env: dict[str, str]) -> None:
    (project / "uv.lock").unlink()
    result = uvtui("outdated", project, env=env)
    assert result.returncode == 4
    assert "uv.lock is missing" in result.stderr and "uv lock" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (project / "uv.lock").exists()


@pytest.mark.parametrize(
    ("setup", "exit_code"),
    [
        (lambda root: (root / "pyproject.toml").unlink(), 3),
        (lambda root: (root / "pyproject.toml").write_text("[project\nname = 1\n"), 3),
        (lambda root: (root / "uv.lock").write_text("version = 1\n[[package]\n"), 4),
        (lambda root: (root / "uv.lock").write_bytes(b"\xff\xfe\x00garbage"), 4),
    ],
    ids=["no-pyproject", "malformed-pyproject", "malformed-lock", "binary-lock"],
)
def test_bad_inputs_exit_codes(project: Path, env: dict[str, str], setup, exit_code: int) -> None:
    setup(project)
    result = uvtui("outdated", project, env=env)
    assert result.returncode == exit_code, result.stderr
    assert result.stderr.startswith("uvtui: ")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_usage_errors(project: Path, env: dict[str, str]) -> None:
    assert uvtui("outdated", project, "--bogus", env=env).returncode == 2
    assert uvtui(project, "outdated", env=env).returncode == 2


def test_help_documents_exit_codes(env: dict[str, str]) -> None:
    for args in (["--help"], ["outdated", "--help"]):
        result = uvtui(*args, env=env)
        assert result.returncode == 0
        assert "exit codes" in result.stdout and "uv.lock missing" in result.stdout
    assert uvtui("--version", env=env).stdout.startswith("uvtui ")


def test_index_error_for_one_package_gives_unknown_row(
    project: Path, env: dict[str, str], local_index: LocalIndex
) -> None:
    with local_index.fault("500", "jinja2"):
        result = uvtui("outdated", project, "--json", env=env)
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["jinja2"]["status"] == "unknown"
    assert "500" in rows["jinja2"]["reason"]
    assert rows["demo-a"]["status"] == "checked"
    assert "1 of 5 packages could not be checked" in result.stderr


def test_index_timeout_gives_unknown_row(
    project: Path, env: dict[str, str], local_index: LocalIndex
) -> None:
    with local_index.fault("hang", "redis", seconds=4):
        result = uvtui("outdated", project, "--json", env=env | {"UV_HTTP_TIMEOUT": "1"})
    assert result.returncode == 0, result.stderr
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    assert rows["redis"]["status"] == "unknown"
    assert rows["pytest"]["status"] == "checked"


def test_index_unreachable_for_every_package(
    project: Path, env: dict[str, str], local_index: LocalIndex
) -> None:
    with local_index.fault("500"):
        result = uvtui("outdated", project, env=env)
    assert result.returncode == 5
    assert "5 of 5 packages could not be checked" in result.stderr


def test_offline_with_an_empty_cache(project: Path, env: dict[str, str]) -> None:
    result = uvtui("outdated", project, "--offline", "--json", env=env)
    assert result.returncode == 0, result.stderr
    assert {row["status"] for row in json.loads(result.stdout)} == {"unknown"}


def test_interrupt_exits_130_quietly(
    project: Path, env: dict[str, str], local_index: LocalIndex
) -> None:
    with local_index.fault("hang", seconds=2):
        before = local_index.request_count
        process = subprocess.Popen(
            [sys.executable, "-m", "uvtui", "outdated", str(project)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 30
        while local_index.request_count == before and time.monotonic() < deadline:
            time.sleep(0.05)  # wait until it is really waiting on the index
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert stderr == ""
