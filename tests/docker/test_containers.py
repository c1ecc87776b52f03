"""Finding the app container and running commands in it, on the real engine."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from tests.support.docker import (
    PYTHON_IMAGE,
    TEST_LABEL,
    docker_client,
    require_image,
    tcp_to_local_engine,
)
from uvtui.core.containers.discovery import (
    ONEOFF,
    PROJECT,
    SERVICE,
    WORKING_DIR,
    find_app_container,
)
from uvtui.core.containers.engine import ContainerError, connect
from uvtui.core.containers.exec_runner import ExecRunner
from uvtui.core.containers.output import OutputLine
from uvtui.core.containers.runner import Update, run_to_end, start_run
from uvtui.core.containers.targets import container_target, target_for

pytestmark = pytest.mark.docker

RUN_LABEL = "org.uvtui.test.containers"


@pytest.fixture(scope="module")
def client() -> Iterator[docker.DockerClient]:
    client = docker_client()
    require_image(client, PYTHON_IMAGE)
    yield client
    for container in client.containers.list(all=True, filters={"label": RUN_LABEL}):
        container.remove(force=True)


def compose_container(
    client: docker.DockerClient,
    working_dir: Path,
    service: str,
    *,
    project: str | None = None,
    image: str = PYTHON_IMAGE,
    oneoff: bool = False,
    running: bool = True,
    **options: object,
) -> docker.models.containers.Container:
    """A container labelled as Docker Compose labels its service containers."""
    labels = {
        PROJECT: project or working_dir.name,
        SERVICE: service,
        WORKING_DIR: str(working_dir),
        ONEOFF: "True" if oneoff else "False",
        TEST_LABEL: "1",
        RUN_LABEL: "1",
    }
    container = client.containers.run(
        image, ["sleep", "600"], detach=True, labels=labels, **options
    )
    if not running:
        container.stop(timeout=0)
    return container


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / f"app{uuid.uuid4().hex[:8]}"
    root.mkdir()
    (root / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1"\n')
    return root


def test_the_web_service_is_chosen_among_decoys(
    client: docker.DockerClient, project: Path, tmp_path: Path
) -> None:
    web = compose_container(client, project, "web")
    compose_container(client, project, "worker")
    compose_container(client, project, "web", oneoff=True)
    compose_container(client, project, "web", running=False)
    other = tmp_path / "other"
    other.mkdir()
    compose_container(client, other, "web", project="other")

    found = find_app_container(client, project)

    assert found.chosen is not None and found.chosen.id == web.id
    assert {c.service for c in found.candidates} == {"web", "worker"}  # no one-off, no stopped


def test_the_service_built_from_the_dockerfile_wins_over_web(
    client: docker.DockerClient, project: Path
) -> None:
    built = f"{project.name}-app"
    client.images.get(PYTHON_IMAGE).tag(built)
    try:
        compose_container(client, project, "web")
        app = compose_container(client, project, "app", image=built)
        found = find_app_container(client, project)
    finally:
        client.images.remove(built)
    assert found.chosen is not None and found.chosen.id == app.id


def test_a_compose_project_in_a_parent_folder_counts(
    client: docker.DockerClient, project: Path
) -> None:
    nested = project / "services" / "api"
    nested.mkdir(parents=True)
    web = compose_container(client, project, "web")
    found = find_app_container(client, nested)
    assert found.chosen is not None and found.chosen.id == web.id


def test_several_equal_candidates_are_left_to_the_user(
    client: docker.DockerClient, project: Path
) -> None:
    compose_container(client, project, "api")
    compose_container(client, project, "worker")
    found = find_app_container(client, project)
    assert found.chosen is None and found.needs_choice
    with pytest.raises(ContainerError, match="Several containers"):
        target_for(connect(), found, project)
    only = find_app_container(client, project, service="worker")
    assert only.chosen is not None and only.chosen.service == "worker"


def test_without_a_running_container_a_one_off_mounts_the_project(
    client: docker.DockerClient, project: Path
) -> None:
    compose_container(client, project, "web", running=False)
    found = find_app_container(client, project)
    assert found.chosen is None and found.one_off is not None
    assert found.one_off.image == PYTHON_IMAGE and found.one_off.mount_target == "/app"
    target = target_for(connect(), found, project)
    try:
        result = run_to_end(target.runner, ["cat", "/app/pyproject.toml"])
    finally:
        target.close()
    assert result.exit_code == 0
    assert not client.containers.list(all=True, filters={"label": "org.uvtui.one-off"})


def test_exec_streams_in_order_with_the_exit_code(
    client: docker.DockerClient, project: Path, tmp_path: Path
) -> None:
    compose_container(client, project, "web")
    target = container_target(project)
    updates: list[Update] = []
    # The engine reads the two pipes on their own: only writes apart in time keep their order.
    script = (
        "for i in 1 2 3; do echo out$i; sleep 0.15; echo err$i >&2; sleep 0.15; done; "
        "printf 'partial'; sleep 0.2; printf ' line\\n'; printf 'a\\rb\\rdone\\n'; exit 7"
    )
    result = run_to_end(
        target.runner, ["sh", "-c", script], log_dir=tmp_path / "logs", on_update=updates.append
    )
    lines = [line for update in updates for line in update.lines]
    assert lines == [
        OutputLine("stdout", "out1"),
        OutputLine("stderr", "err1"),
        OutputLine("stdout", "out2"),
        OutputLine("stderr", "err2"),
        OutputLine("stdout", "out3"),
        OutputLine("stderr", "err3"),
        OutputLine("stdout", "partial line"),
        OutputLine("stdout", "done"),
    ]
    assert "partial" in [update.progress for update in updates]
    assert result.exit_code == 7 and not result.ok
    assert result.log_path is not None
    assert "out1\nerr1\n" in result.log_path.read_text()
    assert "failed with exit code 7" in result.log_path.read_text()


def test_hostile_escape_sequences_are_defused(client: docker.DockerClient, project: Path) -> None:
    compose_container(client, project, "web")
    target = container_target(project)
    hostile = (
        r"\033]0;pwned\007\033[2J\033[H\033[31mred\033[0m\033[5A\033]8;;http://x\033\\link"
        r"\033]8;;\033\\\033P1;2q\033\\\033[6n\033c\007\bend\n"
    )
    seen: list[str] = []
    result = run_to_end(
        target.runner,
        ["printf", hostile],
        on_update=lambda update: seen.extend(line.text for line in update.lines),
    )
    assert result.exit_code == 0
    assert seen == ["\x1b[31mred\x1b[0mlinkend"]


def test_a_missing_command_and_missing_uv_are_explained(
    client: docker.DockerClient, project: Path
) -> None:
    compose_container(client, project, "web")
    target = container_target(project)
    missing = run_to_end(target.runner, ["no-such-tool", "--version"])
    assert missing.exit_code == 127
    assert missing.explanation == "command not found: no-such-tool"
    no_uv = run_to_end(target.runner, ["uv", "lock"])
    assert no_uv.exit_code == 127
    assert no_uv.explanation is not None and "uvtui migrate" in no_uv.explanation


def _processes(container: docker.models.containers.Container) -> str:
    script = "for p in /proc/[0-9]*; do tr '\\0' ' ' <$p/cmdline 2>/dev/null; echo; done"
    return container.exec_run(["sh", "-c", script]).output.decode()


def test_cancel_kills_the_process_in_the_container(
    client: docker.DockerClient, project: Path
) -> None:
    container = compose_container(client, project, "web")
    runner = ExecRunner(client, container.id, container.name)
    # The child ignores nothing but must die with its group: `sleep 431` runs under sh.
    run = start_run(runner, ["sh", "-c", "echo started; sleep 431 & sleep 432; echo never"])
    first = threading.Event()

    def on_update(update: Update) -> None:
        if update.lines:
            first.set()
            run.cancel()

    started = time.monotonic()
    result = run.wait(on_update)
    assert first.is_set()
    assert result.cancelled and not result.ok
    assert "cancelled" in result.summary()
    assert time.monotonic() - started < 15
    deadline = time.monotonic() + 10
    while "sleep 43" in _processes(container) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert "sleep 43" not in _processes(container)


def test_a_container_killed_mid_stream_reports_137(
    client: docker.DockerClient, project: Path
) -> None:
    container = compose_container(client, project, "web")
    runner = ExecRunner(client, container.id, container.name)
    run = start_run(runner, ["sh", "-c", "echo started; sleep 300"])

    def on_update(update: Update) -> None:
        if update.lines:
            container.kill()

    result = run.wait(on_update)
    assert result.exit_code == 137 and result.killed
    assert "killed" in result.summary()
    with pytest.raises(ContainerError, match="not running"):
        start_run(runner, ["true"])


def test_a_tcp_docker_host_is_honoured(client: docker.DockerClient, project: Path) -> None:
    web = compose_container(client, project, "web")
    with tcp_to_local_engine() as address:
        target = container_target(project, environ={"DOCKER_HOST": address})
        result = run_to_end(target.runner, ["echo", "over tcp"])
    assert result.exit_code == 0
    assert target.label.startswith(web.name)


def test_a_dead_docker_host_is_one_clear_message(tmp_path: Path) -> None:
    dead = f"unix://{tmp_path / 'docker.sock'}"
    with pytest.raises(ContainerError) as caught:
        connect({"DOCKER_HOST": dead})
    assert caught.value.message == f"The Docker engine is not running or not reachable at {dead}."
    with pytest.raises(ContainerError, match=r"not reachable at tcp://127\.0\.0\.1:9"):
        connect({"DOCKER_HOST": "tcp://127.0.0.1:9"})
