"""`uvtui exec` and `uvtui build` from the command line."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest

from tests.support.docker import PYTHON_IMAGE, TEST_LABEL, docker_client, require_image
from uvtui.cli import main
from uvtui.core.containers.discovery import ONEOFF, PROJECT, SERVICE, WORKING_DIR


def test_local_exec_streams_and_exits_with_the_command_code(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "exec",
            "--project",
            str(tmp_path),
            "--local",
            "--",
            "sh",
            "-c",
            "echo out; echo err >&2; exit 5",
        ]
    )
    captured = capsys.readouterr()
    assert code == 5
    assert captured.out == "out\n"
    assert captured.err.startswith("err\n")
    assert "failed with exit code 5" in captured.err
    assert len(list((tmp_path / ".uvtui" / "logs").iterdir())) == 1


def test_exec_without_a_command_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["exec", "--project", str(tmp_path), "--local"]) == 2
    assert capsys.readouterr().err.startswith("uvtui: error: give the command to run after --")


def test_one_off_with_local_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["exec", "--project", str(tmp_path), "--local", "--one-off", "--", "true"]) == 2
    assert capsys.readouterr().err.strip() == "uvtui: error: --one-off does not go with --local"


def test_exec_with_a_dead_engine_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    dead = f"unix://{tmp_path / 'none.sock'}"
    monkeypatch.setenv("DOCKER_HOST", dead)
    assert main(["exec", "--project", str(tmp_path), "--", "true"]) == 125
    message = f"uvtui: The Docker engine is not running or not reachable at {dead}."
    assert capsys.readouterr().err.strip() == message


@pytest.mark.docker
def test_exec_in_the_compose_container(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client = docker_client()
    require_image(client, PYTHON_IMAGE)
    labels = {
        PROJECT: tmp_path.name,
        SERVICE: "web",
        WORKING_DIR: str(tmp_path),
        ONEOFF: "False",
        TEST_LABEL: "1",
    }
    container = client.containers.run(PYTHON_IMAGE, ["sleep", "600"], detach=True, labels=labels)
    try:
        code = main(["exec", "--project", str(tmp_path), "--", "sh", "-c", "hostname; exit 3"])
    finally:
        container.remove(force=True)
    assert code == 3
    assert capsys.readouterr().out.strip() == container.id[:12]


@pytest.mark.docker
def test_build_streams_the_log(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    client = docker_client()
    require_image(client, PYTHON_IMAGE)
    (tmp_path / "Dockerfile").write_text(f"FROM {PYTHON_IMAGE}\nRUN echo built-{uuid.uuid4()}\n")
    tag = f"uvtui-test/build-cli:{uuid.uuid4().hex[:8]}"
    try:
        code = main(["build", str(tmp_path), "--tag", tag, "--network", "host"])
    finally:
        client.images.remove(tag, force=True)
    assert code == 0
    assert "built-" in capsys.readouterr().out


@pytest.mark.docker
def test_exec_asks_for_one_off_with_a_flag_off_a_terminal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client = docker_client()
    require_image(client, PYTHON_IMAGE)
    labels = {
        PROJECT: tmp_path.name,
        SERVICE: "web",
        WORKING_DIR: str(tmp_path),
        ONEOFF: "False",
        TEST_LABEL: "1",
    }
    stopped = client.containers.create(PYTHON_IMAGE, ["true"], labels=labels)
    (tmp_path / "marker").write_text("mounted\n")
    try:
        refused = main(["exec", "--project", str(tmp_path), "--", "cat", "marker"])
        refused_err = capsys.readouterr().err
        allowed = main(["exec", "--project", str(tmp_path), "--one-off", "--", "cat", "marker"])
        allowed_out = capsys.readouterr().out
    finally:
        stopped.remove(force=True)
    assert refused == 125
    assert refused_err.count("\n") == 1
    assert "docker compose up -d web" in refused_err and "--one-off" in refused_err
    assert allowed == 0 and allowed_out == "mounted\n"
    mine = {"label": ["org.uvtui.one-off", f"{WORKING_DIR}={tmp_path}"]}
    assert not client.containers.list(all=True, filters=mine)
