"""The project's own Dockerfile, built and run on the real engine."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import docker
import pytest

from tests.support.docker import (
    PYTHON_IMAGE,
    ContainerRun,
    build_image,
    docker_client,
    require_image,
    run_container,
)
from uvtui.examples import example_project_path

pytestmark = pytest.mark.docker

REPO_ROOT = Path(__file__).resolve().parents[2]
IMAGE_TAG = "uvtui-test/uvtui:latest"
UV_IMAGE = "ghcr.io/astral-sh/uv:0.13.9"


@pytest.fixture(scope="module")
def client() -> docker.DockerClient:
    client = docker_client()
    require_image(client, PYTHON_IMAGE)
    require_image(client, UV_IMAGE)
    return client


@pytest.fixture(scope="module")
def image(client: docker.DockerClient) -> str:
    """The uvtui image, built once per module (the dependency layer is cached by the engine)."""
    build_image(client, REPO_ROOT, IMAGE_TAG)
    return IMAGE_TAG


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A writable copy of the bundled example, mounted as the user's project."""
    return Path(shutil.copytree(example_project_path(), tmp_path / "flask-app"))


def run_uvtui(client: docker.DockerClient, image: str, project: Path, *args: str) -> ContainerRun:
    return run_container(
        client,
        image,
        list(args),
        user=f"{os.getuid()}:{os.getgid()}",
        volumes={str(project): {"bind": "/project", "mode": "rw"}},
    )


def test_image_runs_uvtui_as_its_entrypoint(
    client: docker.DockerClient, image: str, project: Path
) -> None:
    run = run_uvtui(client, image, project, "--version")

    assert (run.exit_code, run.stdout.strip()) == (0, "uvtui 0.1.0"), run.stderr


def test_image_runs_as_a_non_root_user_in_the_project_directory(
    client: docker.DockerClient, image: str
) -> None:
    config = client.images.get(image).attrs["Config"]

    assert config["User"] not in ("", "0", "root")
    assert config["WorkingDir"] == "/project"
    assert config["Entrypoint"] == ["uvtui"]


def test_outdated_offline_reads_the_mounted_project_without_the_index(
    client: docker.DockerClient, image: str, project: Path
) -> None:
    run = run_uvtui(client, image, project, "outdated", "--offline", "--json", "/project")

    assert run.exit_code == 0, run.stderr
    locked = {row["name"]: row["locked"] for row in json.loads(run.stdout)}
    assert locked == {
        "flask": "2.3.2",
        "gunicorn": "21.2.0",
        "pytest": "7.4.0",
        "python-dotenv": "1.0.0",
        "redis": "4.6.0",
        "ruff": "0.1.6",
    }
    assert "Traceback" not in run.stderr
