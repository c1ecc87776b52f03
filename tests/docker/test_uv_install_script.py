"""bin/uv-install re-locking in a running container as the image's non-root user (issue point 4).

The image's own layout: WORKDIR /app made by root, pyproject.toml and uv.lock copied with
`--chown` to the user. A stale lock is refreshed in place; where even uv.lock is not the user's,
the script says why and what to run instead.
"""

from __future__ import annotations

import io
import tarfile
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from tests.support.docker import PYTHON_IMAGE, TEST_LABEL, docker_client, require_image
from uvtui.core.migrate.companions import UV_INSTALL_SCRIPT
from uvtui.core.uvrun import run_uv

pytestmark = [pytest.mark.docker, pytest.mark.timeout(300)]

UV_IMAGE = "ghcr.io/astral-sh/uv:0.13.9"
PYPROJECT = '[project]\nname = "app"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'
DOCKERFILE = f"""\
FROM {PYTHON_IMAGE}
RUN useradd --create-home python
WORKDIR /app
ENV UV_COMPILE_BYTECODE=1 \\
  UV_LINK_MODE=copy \\
  UV_PROJECT_ENVIRONMENT="/home/python/.local" \\
  UV_PYTHON_DOWNLOADS=never \\
  UV_NO_CACHE=1
COPY --chown=python:python pyproject.toml uv.lock* ./
COPY --chown=python:python bin/uv-install ./bin/uv-install
COPY --from={UV_IMAGE} /uv /uvx /usr/local/bin/
USER python
RUN bin/uv-install
CMD ["sleep", "600"]
"""


def _lock(workdir: Path) -> str:
    (workdir / "pyproject.toml").write_text(PYPROJECT)
    run_uv(["lock", "--offline"], cwd=workdir, check=True)
    return (workdir / "uv.lock").read_text()


def _context(lock: str) -> io.BytesIO:
    files = {
        "Dockerfile": (DOCKERFILE, 0o644),
        "pyproject.toml": (PYPROJECT, 0o644),
        "uv.lock": (lock, 0o644),
        "bin/uv-install": (UV_INSTALL_SCRIPT, 0o755),
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, (text, mode) in files.items():
            data = text.encode()
            info = tarfile.TarInfo(name)
            info.size, info.mode = len(data), mode
            tar.addfile(info, io.BytesIO(data))
    buffer.seek(0)
    return buffer


@pytest.fixture(scope="module")
def container(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[docker.models.containers.Container]:
    client = docker_client()
    require_image(client, PYTHON_IMAGE)
    require_image(client, UV_IMAGE)
    image, _ = client.images.build(
        fileobj=_context(_lock(tmp_path_factory.mktemp("uv-install"))),
        custom_context=True,
        rm=True,
        network_mode="host",
        labels={TEST_LABEL: "1"},
    )
    running = client.containers.run(
        image.id, detach=True, network_mode="host", labels={TEST_LABEL: "1"}
    )
    try:
        yield running
    finally:
        running.remove(force=True)
        client.images.remove(image.id, force=True)


def run(
    container: docker.models.containers.Container, command: str, user: str = "python"
) -> tuple[int, str]:
    api = container.client.api
    exec_id = api.exec_create(container.id, ["bash", "-c", command], user=user)["Id"]
    output = api.exec_start(exec_id).decode("utf-8", "replace")
    return api.exec_inspect(exec_id)["ExitCode"], output


def edit_pyproject(old: str, new: str) -> str:
    """Edit in place without a temp file (`sed -i` needs a writable directory)."""
    return f"sed 's/{old}/{new}/' pyproject.toml > /tmp/p && cat /tmp/p > pyproject.toml"


def test_stale_lock_is_refreshed_as_the_user_in_a_root_owned_workdir(container) -> None:
    assert run(container, "stat -c %U /app")[1].strip() == "root"
    code, output = run(container, "test -w /app")
    assert code == 1, "the workdir must not be writable by the user for this test"
    assert run(container, edit_pyproject(">=3.11", ">=3.10"))[0] == 0
    code, output = run(container, "bin/uv-install")
    assert code == 0, output
    assert "locking" in output
    assert 'requires-python = ">=3.10"' in run(container, "cat uv.lock")[1]
    assert run(container, "uv lock --check")[0] == 0


def test_a_lock_the_user_cannot_write_gets_a_clear_message(container) -> None:
    assert run(container, "chown root:root uv.lock && chmod 644 uv.lock", user="root")[0] == 0
    assert run(container, edit_pyproject(">=3.10", ">=3.9"))[0] == 0
    code, output = run(container, "bin/uv-install")
    assert code == 1
    assert "not writable by python" in output and "exec -u root" in output
    assert "Traceback" not in output
