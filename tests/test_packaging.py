"""The wheel that `uv tool install .` and `uvx --from . uvtui` build: entry point and example."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_IN_WHEEL = "uvtui/_examples/flask-app/"
EXAMPLE_FILES = (
    "pyproject.toml",
    "uv.lock",
    "Dockerfile",
    "docker-compose.yml",
    "bin/uv-install",
    "app/__init__.py",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built offline with hatchling from the dev environment."""
    out_dir = tmp_path_factory.mktemp("dist")
    subprocess.run(
        ["uv", "build", "--wheel", "--no-build-isolation", "--offline", "--out-dir", str(out_dir)],
        cwd=REPO_ROOT,
        check=True,
        capture_output=True,
        timeout=60,
    )
    (built,) = out_dir.glob("uvtui-*.whl")
    return built


def test_wheel_declares_the_uvtui_command(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        (entry_points,) = [name for name in archive.namelist() if name.endswith("entry_points.txt")]
        text = archive.read(entry_points).decode()

    assert "[console_scripts]\nuvtui = uvtui.cli:main" in text


def test_wheel_carries_the_example_project(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        uv_install_mode = archive.getinfo(EXAMPLE_IN_WHEEL + "bin/uv-install").external_attr >> 16

    assert {EXAMPLE_IN_WHEEL + name for name in EXAMPLE_FILES} <= names
    assert uv_install_mode & 0o111


def test_wheel_carries_the_json_schemas(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())

    assert {f"uvtui/schemas/{name}.schema.json" for name in ("outdated", "migrate")} <= names


def test_installed_package_finds_its_example(wheel: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(tmp_path / "site")

    found = subprocess.run(
        [sys.executable, "-c", "from uvtui.examples import example_project_path as p; print(p())"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(tmp_path / "site")},
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()

    assert Path(found) == tmp_path / "site" / EXAMPLE_IN_WHEEL.rstrip("/")
