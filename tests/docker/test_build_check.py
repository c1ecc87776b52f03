"""V6 `--build-check` (spec §8 case 34) and its error paths, on the real engine."""

from __future__ import annotations

import shutil
import socket
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import docker
import pytest

from tests.support.corpus_index import OFFLINE_BUILD_ARGS
from tests.support.docker import PYTHON_IMAGE, TEST_LABEL, docker_client, require_image
from tests.support.local_index import LocalIndex
from uvtui.core.dockerfile.build_check import (
    LABEL,
    BuildCheckError,
    BuildCheckResult,
    ImportFailure,
    VersionDifference,
    buildkit_step_seconds,
    check_builds,
    compare_versions,
    connect,
    dependency_seconds,
    main_dependencies,
    needs_buildkit,
    probe_image,
)
from uvtui.core.migrate.plan import apply_migration, plan_migration

UV_IMAGE = "ghcr.io/astral-sh/uv:0.13.9"

# Pattern (a): --user install as a non-root user, the layout the build check must prove.
SEED_DOCKERFILE = """\
FROM python:3.11-slim-bookworm
RUN useradd --create-home python
USER python
WORKDIR /home/python/app
ENV PATH="${PATH}:/home/python/.local/bin"
COPY --chown=python:python requirements.txt ./
RUN pip install --user --no-cache-dir -r requirements.txt
COPY --chown=python:python . .
CMD ["gunicorn", "app:app"]
"""


@pytest.fixture(scope="module")
def client() -> Iterator[docker.DockerClient]:
    client = docker_client()
    require_image(client, PYTHON_IMAGE)
    require_image(client, UV_IMAGE)
    yield client
    for image in client.images.list(filters={"label": [LABEL, TEST_LABEL]}):
        client.images.remove(image.id, force=True)


def seed_project(root: Path, index_url: str) -> Path:
    root.mkdir(parents=True)
    (root / "Dockerfile").write_text(SEED_DOCKERFILE, encoding="utf-8")
    requirements = f"--index-url {index_url}\nFlask==3.0.3\ngunicorn==22.0.0\n"
    (root / "requirements.txt").write_text(requirements, encoding="utf-8")
    (root / "app.py").write_text("from flask import Flask\n\napp = Flask(__name__)\n")
    return root


def migrated_copy(original: Path, index: LocalIndex) -> Path:
    migrated = Path(shutil.copytree(original, original.parent / "migrated"))
    apply_migration(plan_migration(migrated, env=index.uv_env()))
    return migrated


def run_check(client: docker.DockerClient, original: Path, migrated: Path) -> BuildCheckResult:
    return check_builds(
        original,
        migrated,
        build_args=OFFLINE_BUILD_ARGS,
        labels={TEST_LABEL: "1"},
        keep_images=True,
        client=client,
    )


@pytest.fixture(scope="module")
def seed_check(
    client: docker.DockerClient, local_index: LocalIndex, tmp_path_factory: pytest.TempPathFactory
) -> BuildCheckResult:
    original = seed_project(tmp_path_factory.mktemp("seed") / "original", local_index.url)
    return run_check(client, original, migrated_copy(original, local_index))


@pytest.mark.docker
@pytest.mark.timeout(300)
def test_case_34_imports_succeed_as_the_image_user_and_versions_are_equal(
    seed_check: BuildCheckResult,
) -> None:
    result = seed_check

    assert result.ok, (result.differences, result.import_failures)
    assert (result.original.user, result.migrated.user) == ("python", "python")
    assert result.import_failures == ()
    assert result.dependencies == ("flask", "gunicorn")
    assert dict(result.migrated_versions) == dict(result.original_versions)
    assert {"flask": "3.0.3", "gunicorn": "22.0.0", "werkzeug": "3.1.3"}.items() <= dict(
        result.migrated_versions
    ).items()
    assert (result.original.builder, result.migrated.builder) == ("legacy", "legacy")
    assert result.original.dependency_seconds and result.migrated.dependency_seconds
    assert result.dependency_speedup is not None


@pytest.mark.docker
@pytest.mark.timeout(300)
def test_a_version_difference_fails_the_check(
    client: docker.DockerClient, local_index: LocalIndex, tmp_path: Path
) -> None:
    original = seed_project(tmp_path / "original", local_index.url)
    migrated = migrated_copy(original, local_index)
    requirements = original / "requirements.txt"
    pins = requirements.read_text().replace("gunicorn==22.0.0", "gunicorn==23.0.0")
    requirements.write_text(pins)

    result = run_check(client, original, migrated)

    assert not result.ok
    assert result.differences == (VersionDifference("gunicorn", "23.0.0", "22.0.0"),)
    assert result.import_failures == ()


@pytest.mark.docker
@pytest.mark.timeout(300)
def test_the_probe_reports_a_missing_distribution_but_not_an_optional_one(
    client: docker.DockerClient, seed_check: BuildCheckResult
) -> None:
    probe = probe_image(client, seed_check.migrated, ["no-such-dist", "?not-here", "flask"])

    assert probe.failures == (
        ImportFailure("migrated", "no-such-dist", "", "distribution not installed"),
    )


def failing_project(tmp_path: Path, run_line: str) -> Path:
    root = tmp_path / "original"
    root.mkdir()
    (root / "Dockerfile").write_text(f"FROM python:3.11-slim-bookworm\n{run_line}")
    (root / "pyproject.toml").write_text('[project]\nname = "app"\ndependencies = []\n')
    return root


@pytest.mark.docker
@pytest.mark.timeout(300)
def test_a_failed_build_names_the_image_and_shows_the_log_tail_without_colours(
    client: docker.DockerClient, tmp_path: Path
) -> None:
    original = failing_project(
        tmp_path, "RUN printf '\\033[31mno-such-package\\033[0m\\n'; exit 3\n"
    )

    with pytest.raises(BuildCheckError) as raised:
        check_builds(original, original, labels={TEST_LABEL: "1"}, client=client)

    message = raised.value.message
    assert message.startswith(f"Building the original image from {original} failed:")
    assert "returned a non-zero code: 3" in message
    assert "no-such-package" in message and "\x1b" not in message


@pytest.mark.docker
@pytest.mark.timeout(300)
def test_a_failed_buildkit_build_shows_the_log_tail(
    client: docker.DockerClient, tmp_path: Path
) -> None:
    original = failing_project(
        tmp_path, "RUN --mount=type=cache,target=/root/.cache/pip echo no-such-package && exit 4\n"
    )

    with pytest.raises(BuildCheckError) as raised:
        check_builds(original, original, labels={TEST_LABEL: "1"}, client=client)

    message = raised.value.message
    assert message.startswith(f"Building the original image from {original} failed: exit 1")
    assert "no-such-package" in message and "\x1b" not in message


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_engine_gives_a_clear_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    host = f"tcp://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("DOCKER_HOST", host)

    with pytest.raises(BuildCheckError) as raised:
        check_builds(tmp_path, tmp_path)

    assert raised.value.message.startswith(
        f"The build check needs a running Docker engine, but none answers at {host} ("
    )
    assert raised.value.message.endswith("Start Docker or point DOCKER_HOST at it.")
    with pytest.raises(BuildCheckError):
        connect()


def test_only_run_mounts_need_buildkit() -> None:
    assert needs_buildkit("FROM x\nRUN --mount=type=cache,target=/c \\\n  pip install a\n")
    assert not needs_buildkit("# syntax=docker/dockerfile:1\nFROM x\nRUN pip install a\n")


def test_dependency_steps_are_timed_from_buildkit_plain_output() -> None:
    lines = [
        "#5 [2/4] COPY requirements.txt .",
        "#5 DONE 0.1s",
        "#6 [3/4] RUN --mount=type=cache,target=/root/.cache/pip pip install -r r.txt",
        "#6 0.512 Collecting flask",
        "#6 DONE 7.5s",
        "#7 [builder 4/4] RUN bin/uv-install --no-dev",
        "#7 DONE 1.25s",
    ]

    steps = buildkit_step_seconds(lines)

    assert steps[0] == ("COPY requirements.txt .", 0.1)
    assert dependency_seconds(steps) == 8.75
    assert dependency_seconds([("RUN apt-get update", 3.0)]) is None


def test_versions_are_compared_without_pip_setuptools_and_wheel() -> None:
    before = {"flask": "3.0.3", "pip": "23.0.1", "setuptools": "66.1.1", "redis": "5.0.8"}
    after = {"flask": "3.0.3", "wheel": "0.38", "redis": "5.2.1", "click": "8.1.7"}

    assert compare_versions(before, after) == (
        VersionDifference("click", None, "8.1.7"),
        VersionDifference("redis", "5.0.8", "5.2.1"),
    )


def test_main_dependencies_come_from_the_migrated_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\ndependencies = ["Flask==3.0.3", '
        '"python_dotenv>=1", "uvloop; sys_platform != \'win32\'"]\n'
        '[dependency-groups]\ndev = ["pytest"]\n'
    )

    assert main_dependencies(tmp_path / "pyproject.toml") == ["flask", "python-dotenv", "?uvloop"]


@pytest.mark.docker
@pytest.mark.timeout(300)
def test_an_image_without_a_shell_cannot_be_probed_and_leaves_no_container(
    client: docker.DockerClient, seed_check: BuildCheckResult
) -> None:
    shell_less = replace(seed_check.migrated, image_id=client.images.get(UV_IMAGE).id)

    with pytest.raises(BuildCheckError) as raised:
        probe_image(client, shell_less, ["flask"])

    assert raised.value.message.startswith("Could not run the check in the migrated image: ")
    assert client.containers.list(all=True, filters={"label": LABEL}) == []
