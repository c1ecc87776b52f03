"""Build the project's image with the build log streamed like any other run.

Builds go through the SDK's (legacy) build API, except when a RUN uses `--mount`: the SDK's
build call cannot drive BuildKit, so those go through the docker CLI with DOCKER_BUILDKIT=1
(the CLI honours DOCKER_HOST and the current context by itself).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from uvtui.core.containers.build_times import StepClock, describe
from uvtui.core.containers.engine import ContainerError, first_line
from uvtui.core.containers.local_runner import LocalExecution, LocalRunner
from uvtui.core.containers.output import OutputLine, Stream
from uvtui.core.containers.runner import explain_exit
from uvtui.core.dockerfile.build_check import needs_buildkit

if TYPE_CHECKING:
    import docker

# The engine package's own CLI builds with DOCKER_BUILDKIT=1; a newer CLI may only have buildx.
ENGINE_CLI = "/usr/bin/docker"


class BuildRunner:
    """A runner whose one command is `docker build` of `root` (argv is shown, not executed).

    `start` ignores its argv beyond display: the build is described by the constructor.
    """

    def __init__(
        self,
        client: docker.DockerClient,
        root: Path,
        *,
        dockerfile: str = "Dockerfile",
        tag: str | None = None,
        network_mode: str | None = None,
        labels: Mapping[str, str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        self.client = client
        self.root = root
        self.dockerfile = dockerfile
        self.tag = tag
        self.network_mode = network_mode
        self.labels = dict(labels or {})
        self.environ = dict(os.environ if environ is None else environ)
        self.builder = "buildkit" if self._needs_buildkit() else "legacy"
        self.clock = StepClock()
        self.target = f"docker build ({'BuildKit' if self.builder == 'buildkit' else 'legacy'})"

    def argv(self) -> list[str]:
        """The build as a docker CLI command line (what is run, or its SDK equivalent)."""
        argv = ["docker", "build", "--file", str(self.root / self.dockerfile)]
        argv += ["--tag", self.tag] if self.tag else []
        argv += [f"--network={self.network_mode}"] if self.network_mode else []
        argv += [f"--label={key}={value}" for key, value in self.labels.items()]
        return [*argv, str(self.root)]

    def start(
        self, argv: Sequence[str] = (), env: Mapping[str, str] | None = None
    ) -> LegacyBuild | BuildKitBuild:
        if self.builder == "buildkit":
            return self._start_buildkit(env)
        return self._start_legacy()

    def explain(self, code: int, tail: list[OutputLine]) -> str | None:
        """For `start_run`: the dependency step's time after a build (pip's beside uv's)."""
        return describe(self.root, self.clock.steps()) if code == 0 else explain_exit(code, tail)

    def _needs_buildkit(self) -> bool:
        try:
            text = (self.root / self.dockerfile).read_text(encoding="utf-8-sig")
        except OSError as error:
            raise ContainerError(f"Cannot read {self.root / self.dockerfile}: {error}") from None
        return needs_buildkit(text)

    def _start_legacy(self) -> LegacyBuild:
        import docker.errors
        import requests

        try:
            stream = self.client.api.build(
                path=str(self.root),
                dockerfile=self.dockerfile,
                tag=self.tag,
                network_mode=self.network_mode,
                labels=self.labels or None,
                rm=True,
                forcerm=True,
                decode=True,
            )
        except (docker.errors.DockerException, requests.RequestException, OSError) as error:
            raise ContainerError(f"docker build could not start: {first_line(error)}") from None
        return LegacyBuild(stream, self.clock)

    def _start_buildkit(self, env: Mapping[str, str] | None) -> BuildKitBuild:
        cli = ENGINE_CLI if os.access(ENGINE_CLI, os.X_OK) else shutil.which("docker")
        if cli is None:
            raise ContainerError(
                "This Dockerfile uses RUN --mount, which needs BuildKit through the docker CLI, "
                "but no docker CLI was found."
            )
        environ = {**self.environ, "DOCKER_BUILDKIT": "1", "BUILDKIT_PROGRESS": "plain"}
        runner = LocalRunner(self.root, environ)
        argv = [cli, "build", "--progress=plain", *self.argv()[2:]]
        return BuildKitBuild(runner.start(argv, env), self.clock)


class LegacyBuild:
    """The SDK's build stream of JSON messages, as output fragments.

    Cancel stops reading and closes the connection, which makes the engine abort the build;
    a step that prints nothing is only interrupted when it next prints.
    """

    def __init__(self, stream: Iterator[dict[str, Any]], clock: StepClock) -> None:
        self._stream = stream
        self._clock = clock
        self._cancelled = False
        self._failed = False
        self.image_id: str | None = None

    def chunks(self) -> Iterator[tuple[Stream, bytes]]:
        import docker.errors
        import requests

        try:
            for message in self._stream:
                if self._cancelled:
                    break
                yield from self._fragments(message)
        except (docker.errors.DockerException, requests.RequestException, OSError) as error:
            self._failed = True
            yield "stderr", f"\nthe build stream broke: {first_line(error)}\n".encode()
        finally:
            close = getattr(self._stream, "close", None)
            if close is not None:
                close()

    def _fragments(self, message: dict[str, Any]) -> Iterator[tuple[Stream, bytes]]:
        if "stream" in message:
            data = str(message["stream"]).encode()
            self._clock.feed(data)
            yield "stdout", data
        if "status" in message:
            progress = f" {message['progress']}" if message.get("progress") else ""
            yield "stdout", f"{message['status']}{progress}\n".encode()
        if "error" in message:
            self._failed = True
            yield "stderr", f"{message['error']}\n".encode()
        aux = message.get("aux")
        if isinstance(aux, dict) and "ID" in aux:
            self.image_id = str(aux["ID"])
        elif aux is not None and not isinstance(aux, dict):
            yield "stdout", (json.dumps(aux) + "\n").encode()

    def cancel(self) -> None:
        self._cancelled = True

    def exit_code(self) -> int:
        if self._cancelled:
            return 130
        return 1 if self._failed or self.image_id is None else 0


class BuildKitBuild:
    """`docker build` through the CLI; BuildKit's plain progress (on stderr) is the build log."""

    def __init__(self, execution: LocalExecution, clock: StepClock) -> None:
        self._execution = execution
        self._clock = clock

    def chunks(self) -> Iterator[tuple[Stream, bytes]]:
        for _, data in self._execution.chunks():
            self._clock.feed(data)
            yield "stdout", data

    def cancel(self) -> None:
        self._execution.cancel()

    def exit_code(self) -> int:
        return self._execution.exit_code()
