"""Commands in a running container through the engine's exec API.

`exec_create` -> `exec_start(stream=True, demux=True)` -> `exec_inspect()["ExitCode"]`:
`container.exec_run(stream=True)` gives no exit code. The command runs under a small `sh`
wrapper that records its pid (the exec'd process leads its own process group), so cancel can
kill the process group with another exec instead of only dropping the stream.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING

from uvtui.core.containers.engine import ContainerError, first_line
from uvtui.core.containers.output import Stream
from uvtui.core.containers.runner import KILLED_EXIT_CODE

if TYPE_CHECKING:
    import docker

KILL_GRACE_SECONDS = 3
# $1 = pid file; the rest is the command. A uid without a passwd entry gets HOME=/ (not
# writable): uv then needs a HOME and a cache it can write.
_WRAPPER = (
    'f="$1"; shift; echo $$ >"$f" 2>/dev/null; '
    '[ -w "${HOME:-/nonexistent}" ] || export HOME=/tmp; '
    'export UV_CACHE_DIR="${UV_CACHE_DIR:-$HOME/.cache/uv}"; '
    'exec "$@"'
)
# $1 = pid file, $2 = grace seconds: TERM the process group, then KILL what is left.
_KILLER = (
    'p="$(cat "$1" 2>/dev/null)"; [ -n "$p" ] || exit 0; '
    'kill -TERM "-$p" 2>/dev/null || kill -TERM "$p" 2>/dev/null; '
    'i=0; while [ "$i" -lt "$2" ] && kill -0 "$p" 2>/dev/null; do sleep 1; i=$((i+1)); done; '
    'kill -KILL "-$p" 2>/dev/null || kill -KILL "$p" 2>/dev/null; rm -f "$1"'
)


class ExecRunner:
    """Runs commands in one running container (as its default user, in its working dir)."""

    def __init__(
        self,
        client: docker.DockerClient,
        container_id: str,
        name: str,
        *,
        user: str | None = None,
        workdir: str | None = None,
    ) -> None:
        self.client = client
        self.container_id = container_id
        self.name = name
        self.user = user
        self.workdir = workdir
        self.target = f"container {name}"

    def start(self, argv: Sequence[str], env: Mapping[str, str] | None = None) -> ExecExecution:
        import docker.errors
        import requests

        pid_file = f"/tmp/uvtui-{uuid.uuid4().hex}.pid"
        api = self.client.api
        try:
            created = api.exec_create(
                self.container_id,
                ["sh", "-c", _WRAPPER, "uvtui-run", pid_file, *argv],
                stdout=True,
                stderr=True,
                environment=dict(env) if env else None,
                user=self.user or "",
                workdir=self.workdir,
            )
            stream = api.exec_start(created["Id"], stream=True, demux=True)
        except docker.errors.NotFound:
            raise ContainerError(f"The container {self.name} no longer exists.") from None
        except docker.errors.APIError as error:
            raise ContainerError(f"Cannot run in {self.name}: {first_line(error)}") from None
        except (requests.RequestException, OSError) as error:
            raise ContainerError(
                f"Lost the Docker engine while starting in {self.name}: {first_line(error)}"
            ) from None
        return ExecExecution(self, created["Id"], stream, pid_file)


class ExecExecution:
    def __init__(
        self, runner: ExecRunner, exec_id: str, stream: Iterator[tuple[bytes | None, ...]], pid: str
    ) -> None:
        self.runner = runner
        self.exec_id = exec_id
        self._stream = stream
        self._pid_file = pid
        self._cancel_lock = threading.Lock()
        self._cancelled = False
        self._stream_error: str | None = None

    def chunks(self) -> Iterator[tuple[Stream, bytes]]:
        import requests

        try:
            for stdout, stderr in self._stream:
                if stdout:
                    yield "stdout", stdout
                if stderr:
                    yield "stderr", stderr
        except (requests.RequestException, OSError) as error:
            # The engine closed the connection (container removed, daemon restarted).
            self._stream_error = first_line(error)

    def cancel(self) -> None:
        import docker.errors
        import requests

        with self._cancel_lock:
            if self._cancelled:
                return
            self._cancelled = True
        api = self.runner.client.api
        with contextlib.suppress(docker.errors.DockerException, requests.RequestException):
            killer = api.exec_create(
                self.runner.container_id,
                ["sh", "-c", _KILLER, "uvtui-cancel", self._pid_file, str(KILL_GRACE_SECONDS)],
                user="root",
            )
            api.exec_start(killer["Id"], detach=True)

    def exit_code(self) -> int:
        import docker.errors
        import requests

        try:
            code = self.runner.client.api.exec_inspect(self.exec_id).get("ExitCode")
        except (docker.errors.DockerException, requests.RequestException) as error:
            raise ContainerError(
                f"The container {self.runner.name} went away while the command ran "
                f"({first_line(error)})."
            ) from None
        if code is None:
            if self._stream_error is not None or not self._container_running():
                return KILLED_EXIT_CODE
            raise ContainerError(f"The command in {self.runner.name} did not report an exit code.")
        return int(code)

    def _container_running(self) -> bool:
        import docker.errors
        import requests

        try:
            state = self.runner.client.api.inspect_container(self.runner.container_id)["State"]
        except (docker.errors.DockerException, requests.RequestException):
            return False
        return bool(state.get("Running"))
