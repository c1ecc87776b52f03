"""Access to the real Docker engine for tests marked `docker`.

The engine and the local stand-in base images come from `.ci/setup-docker.sh`. Without them the
Docker tests skip, except in CI (`UVTUI_REQUIRE_DOCKER=1`), where a missing engine is a failure.

Use in a test module:

    pytestmark = pytest.mark.docker

    @pytest.fixture(scope="module")
    def client() -> docker.DockerClient:
        return docker_client()
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import select
import socket
import socketserver
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import docker
import docker.errors
import pytest
import requests

REQUIRE_DOCKER_VARIABLE = "UVTUI_REQUIRE_DOCKER"
SETUP_HINT = "run .ci/setup-docker.sh (as root) to install and start the engine"
# Every container and image the tests make carries this label, so leftovers are easy to find.
TEST_LABEL = "org.uvtui.test"
# Local stand-ins for registry images (docker pull does not work on the CI machines).
PYTHON_IMAGE = "python:3.11-slim-bookworm"
# The engine package's own CLI, the one that can build with DOCKER_BUILDKIT=1 (cache mounts).
BUILDKIT_DOCKER_CLI = "/usr/bin/docker"

_ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def docker_required() -> bool:
    """True in CI, where Docker tests must run rather than skip."""
    return os.environ.get(REQUIRE_DOCKER_VARIABLE) == "1"


def unavailable(reason: str) -> NoReturn:
    """Skip the test, or fail it when Docker is required."""
    if docker_required():
        pytest.fail(f"{reason} ({REQUIRE_DOCKER_VARIABLE}=1; {SETUP_HINT})", pytrace=False)
    pytest.skip(f"{reason}; {SETUP_HINT}")


@functools.cache
def _connect() -> docker.DockerClient | str:
    """The client, or why there is none (pinged once per session)."""
    try:
        client = docker.from_env(timeout=120)
        client.ping()
    except (docker.errors.DockerException, requests.RequestException, OSError) as error:
        return f"no Docker engine answers: {error}"
    return client


def docker_client() -> docker.DockerClient:
    """A client for the local engine; skips (or fails in CI) when there is none."""
    client = _connect()
    if isinstance(client, str):
        unavailable(client)
    return client


def require_image(client: docker.DockerClient, tag: str) -> None:
    """Skip (or fail in CI) unless `tag` exists locally; nothing can be pulled here."""
    try:
        client.images.get(tag)
    except docker.errors.ImageNotFound:
        unavailable(f"the local image {tag} is missing")


def strip_ansi(text: str) -> str:
    """Build output without terminal colour codes."""
    return _ANSI_ESCAPE.sub("", text)


def build_image(
    client: docker.DockerClient, context: Path, tag: str, **options: Any
) -> tuple[Any, str]:
    """Build `context` with the legacy builder on the host network; return (image, build log).

    A failed build fails the test with the build log in the message.
    """
    try:
        image, chunks = client.images.build(
            path=str(context),
            tag=tag,
            network_mode="host",
            rm=True,
            forcerm=True,
            labels={TEST_LABEL: "1"},
            **options,
        )
    except docker.errors.BuildError as error:
        output = "".join(_chunk_text(chunk) for chunk in error.build_log)
        pytest.fail(f"docker build of {context} failed: {error.msg}\n{strip_ansi(output)}")
    return image, strip_ansi("".join(_chunk_text(chunk) for chunk in chunks))


def _chunk_text(chunk: dict[str, Any]) -> str:
    return str(chunk.get("stream") or chunk.get("error") or "")


@dataclass(frozen=True)
class ContainerRun:
    """What a finished container left behind."""

    exit_code: int
    stdout: str
    stderr: str


def run_container(
    client: docker.DockerClient, image: str, command: list[str], **options: Any
) -> ContainerRun:
    """Run `command` to completion on the host network (the container is removed afterwards)."""
    container = client.containers.run(
        image,
        command,
        detach=True,
        network_mode="host",
        labels={TEST_LABEL: "1"},
        **options,
    )
    try:
        status = container.wait(timeout=300)
        stdout = container.logs(stdout=True, stderr=False).decode(errors="replace")
        stderr = container.logs(stdout=False, stderr=True).decode(errors="replace")
    finally:
        container.remove(force=True)
    return ContainerRun(int(status["StatusCode"]), strip_ansi(stdout), strip_ansi(stderr))


LOCAL_ENGINE_SOCKET = "/var/run/docker.sock"


class _ForwardToSocket(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as engine:
            engine.connect(LOCAL_ENGINE_SOCKET)
            ends = [self.request, engine]
            while True:
                readable, _, _ = select.select(ends, [], [], 30)
                if not readable:
                    return
                for end in readable:
                    data = end.recv(65536)
                    if not data:
                        return
                    (engine if end is self.request else self.request).sendall(data)


class _ThreadingServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@contextlib.contextmanager
def tcp_to_local_engine() -> Iterator[str]:
    """A tcp:// DOCKER_HOST on 127.0.0.1 that forwards to the local engine's unix socket."""
    with _ThreadingServer(("127.0.0.1", 0), _ForwardToSocket) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"tcp://127.0.0.1:{server.server_address[1]}"
        finally:
            server.shutdown()
