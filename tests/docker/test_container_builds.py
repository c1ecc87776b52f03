"""Image builds streamed through the runner seam, and uv run inside a container."""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from tests.support.docker import PYTHON_IMAGE, TEST_LABEL, docker_client, require_image
from tests.support.local_index import LocalIndex
from uvtui.core.containers.build import BuildRunner
from uvtui.core.containers.exec_runner import ExecRunner
from uvtui.core.containers.output import OutputLine, plain
from uvtui.core.containers.runner import Update, run_to_end, start_run

pytestmark = pytest.mark.docker

UV_IMAGE = "ghcr.io/astral-sh/uv:0.13.9"
BUILD_LABEL = "org.uvtui.test.builds"
UV_DOCKERFILE = f"""\
FROM {PYTHON_IMAGE}
COPY --from={UV_IMAGE} /uv /uvx /usr/local/bin/
RUN echo step-output && echo step-error >&2
WORKDIR /app
"""


@pytest.fixture(scope="module")
def client() -> Iterator[docker.DockerClient]:
    client = docker_client()
    require_image(client, PYTHON_IMAGE)
    require_image(client, UV_IMAGE)
    yield client
    for container in client.containers.list(all=True, filters={"label": BUILD_LABEL}):
        container.remove(force=True)
    for image in client.images.list(filters={"label": BUILD_LABEL}):
        client.images.remove(image.id, force=True)


@pytest.fixture(scope="module")
def uv_image(client: docker.DockerClient, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An image with Python and uv, built through BuildRunner (the legacy builder)."""
    context = tmp_path_factory.mktemp("uv-image")
    # A fresh RUN line, so that its output is not skipped by the build cache.
    (context / "Dockerfile").write_text(UV_DOCKERFILE.replace(">&2", f">&2  # {uuid.uuid4()}"))
    tag = f"uvtui-test/containers-uv:{uuid.uuid4().hex[:8]}"
    runner = BuildRunner(
        client, context, tag=tag, network_mode="host", labels={BUILD_LABEL: "1", TEST_LABEL: "1"}
    )
    lines: list[OutputLine] = []
    result = run_to_end(runner, runner.argv(), on_update=lambda u: lines.extend(u.lines))
    texts = [plain(line.text) for line in lines]
    assert result.exit_code == 0, texts
    assert runner.builder == "legacy"
    assert any(text.startswith("Step 1/") and "FROM" in text for text in texts), texts
    assert "step-output" in texts and "step-error" in texts
    return tag


def test_a_failed_legacy_build_exits_non_zero(client: docker.DockerClient, tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text(f"FROM {PYTHON_IMAGE}\nRUN echo broken && exit 3\n")
    runner = BuildRunner(client, tmp_path, network_mode="host", labels={BUILD_LABEL: "1"})
    lines: list[OutputLine] = []
    result = run_to_end(runner, runner.argv(), on_update=lambda u: lines.extend(u.lines))
    assert result.exit_code == 1
    assert "broken" in [line.text for line in lines]
    assert any("returned a non-zero code: 3" in line.text for line in lines)


def test_a_cache_mount_builds_with_buildkit_streamed(
    client: docker.DockerClient, tmp_path: Path
) -> None:
    (tmp_path / "Dockerfile").write_text(
        f"FROM {PYTHON_IMAGE}\n"
        "RUN --mount=type=cache,target=/root/.cache/demo "
        f"echo cached-step > /root/.cache/demo/x && cat /root/.cache/demo/x # {uuid.uuid4()}\n"
    )
    tag = f"uvtui-test/containers-bk:{uuid.uuid4().hex[:8]}"
    runner = BuildRunner(
        client, tmp_path, tag=tag, network_mode="host", labels={BUILD_LABEL: "1", TEST_LABEL: "1"}
    )
    updates: list[Update] = []
    result = run_to_end(runner, runner.argv(), on_update=updates.append)
    texts = [line.text for update in updates for line in update.lines]
    assert runner.builder == "buildkit"
    assert result.exit_code == 0, texts
    assert any("cached-step" in text for text in texts)
    assert len(updates) > 2  # streamed, not one chunk at the end
    client.images.remove(tag, force=True)


def test_uv_lock_runs_in_the_container_against_the_local_index(
    client: docker.DockerClient, uv_image: str, tmp_path: Path, local_index: LocalIndex
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "1.0"\nrequires-python = ">=3.11"\n'
        'dependencies = ["demo-b"]\n'
    )
    os.chmod(project, 0o777)
    # A uid without a passwd entry: no usable HOME, as in many app images.
    container = client.containers.run(
        uv_image,
        ["sleep", "600"],
        detach=True,
        network_mode="host",
        user="4321:4321",
        volumes={str(project): {"bind": "/app", "mode": "rw"}},
        labels={BUILD_LABEL: "1", TEST_LABEL: "1"},
    )
    runner = ExecRunner(client, container.id, container.name)
    env = {"UV_DEFAULT_INDEX": local_index.url, "UV_NO_CONFIG": "1", "UV_PYTHON_DOWNLOADS": "never"}
    lines: list[OutputLine] = []
    result = run_to_end(runner, ["uv", "lock"], env=env, on_update=lambda u: lines.extend(u.lines))
    assert result.exit_code == 0, [line.text for line in lines]
    assert any(line.stream == "stderr" and "Resolved" in line.text for line in lines)
    lock = (project / "uv.lock").read_text()
    assert 'name = "demo-b"' in lock and 'name = "demo-a"' in lock

    synced = run_to_end(runner, ["uv", "sync", "--frozen", "--no-install-project"], env=env)
    assert synced.exit_code == 0
    assert run_to_end(runner, [".venv/bin/python", "-c", "import demo_a"]).exit_code == 0


def test_the_dependency_step_time_of_pip_and_then_uv_builds(
    client: docker.DockerClient, tmp_path: Path
) -> None:
    token = uuid.uuid4()
    labels = {BUILD_LABEL: "1", TEST_LABEL: "1"}
    (tmp_path / "Dockerfile").write_text(
        f"FROM {PYTHON_IMAGE}\nRUN pip install --help > /dev/null && echo {token}\n"
    )
    before = BuildRunner(client, tmp_path, network_mode="host", labels=labels)
    pip_build = start_run(before, before.argv(), explain=before.explain).wait()
    assert pip_build.ok and before.builder == "legacy"
    assert pip_build.explanation is not None
    assert pip_build.explanation.startswith("dependency install with pip: ")

    (tmp_path / "Dockerfile").write_text(
        f"FROM {PYTHON_IMAGE}\n"
        f"RUN --mount=type=cache,target=/root/.cache/uv echo uv sync --frozen {token}\n"
    )
    after = BuildRunner(client, tmp_path, network_mode="host", labels=labels)
    uv_build = start_run(after, after.argv(), explain=after.explain).wait()
    assert uv_build.ok and after.builder == "buildkit"
    assert uv_build.explanation is not None
    assert re.fullmatch(
        r"dependency install: pip \d+\.\d s -> uv \d+\.\d s", uv_build.explanation
    ), uv_build.explanation
