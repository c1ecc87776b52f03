"""uv.lock changed in a container without the project mounted: the diff, then the copy back."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from tests.support.docker import PYTHON_IMAGE, TEST_LABEL, docker_client, require_image
from uvtui.core.changes import apply_plan
from uvtui.core.containers.exec_runner import ExecRunner
from uvtui.core.containers.lock_copy import (
    container_lock,
    mounts_project,
    plan_lock_copy,
    review_lock_copy,
)
from uvtui.core.containers.runner import run_to_end

pytestmark = pytest.mark.docker

LABEL = "org.uvtui.test.lock-copy"


@pytest.fixture(scope="module")
def client() -> Iterator[docker.DockerClient]:
    client = docker_client()
    require_image(client, PYTHON_IMAGE)
    yield client
    for container in client.containers.list(all=True, filters={"label": LABEL}):
        container.remove(force=True)


def start(client: docker.DockerClient, **options: object) -> docker.models.containers.Container:
    labels = {TEST_LABEL: "1", LABEL: "1"}
    return client.containers.run(
        PYTHON_IMAGE, ["sleep", "600"], detach=True, labels=labels, working_dir="/app", **options
    )


def test_a_lock_written_in_an_unmounted_container_is_copied_back(
    client: docker.DockerClient, tmp_path: Path
) -> None:
    (tmp_path / "uv.lock").write_text("version = 1\n# old\n")
    container = start(client)
    assert not mounts_project(client, container.id, tmp_path)
    assert container_lock(client, container.id) is None

    runner = ExecRunner(client, container.id, container.name)
    locked = run_to_end(runner, ["sh", "-c", "printf 'version = 1\\n# new\\n' > uv.lock"])
    assert locked.exit_code == 0
    lock = container_lock(client, container.id)
    assert lock == b"version = 1\n# new\n"

    plan = plan_lock_copy(tmp_path, lock)
    assert plan is not None
    assert "-# old\n+# new" in plan.diff()
    apply_plan(plan)
    assert (tmp_path / "uv.lock").read_bytes() == lock
    assert plan_lock_copy(tmp_path, lock) is None


def test_the_review_of_a_lock_that_is_not_a_lock_says_so(tmp_path: Path) -> None:
    (tmp_path / "uv.lock").write_bytes(b"version = 1\n# old\n")
    review = review_lock_copy(tmp_path, b"not = [toml", "app-web-1")
    assert review is not None and review.lock_changes == ()
    assert review.description == "copy uv.lock back from app-web-1"
    assert review.notes and review.notes[0].startswith("No package table: ")
    assert review_lock_copy(tmp_path, b"version = 1\n# old\n", "app-web-1") is None


def test_a_bind_mounted_project_needs_no_copy(client: docker.DockerClient, tmp_path: Path) -> None:
    project = tmp_path / "app"
    project.mkdir()
    container = start(client, volumes={str(tmp_path): {"bind": "/src", "mode": "rw"}})
    assert mounts_project(client, container.id, project)
