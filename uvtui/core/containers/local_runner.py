"""Commands on this machine: the "run locally instead" side of the runner seam."""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from uvtui.core.containers.engine import CommandNotFound, ContainerError
from uvtui.core.containers.output import Stream

READ_SIZE = 65_536
KILL_GRACE_SECONDS = 3.0


class LocalRunner:
    """Runs commands as subprocesses in `cwd` (the project folder)."""

    def __init__(self, cwd: Path, environ: Mapping[str, str] | None = None) -> None:
        self.cwd = cwd
        self.environ = dict(os.environ if environ is None else environ)
        self.target = "local"

    def start(self, argv: Sequence[str], env: Mapping[str, str] | None = None) -> LocalExecution:
        environment = {**self.environ, **(env or {})}
        environment.pop("VIRTUAL_ENV", None)  # uvtui's own virtualenv says nothing of the project
        try:
            process = subprocess.Popen(
                list(argv),
                cwd=self.cwd,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,  # its own process group: cancel stops its children too
            )
        except FileNotFoundError as error:
            if not self.cwd.is_dir():
                raise ContainerError(f"No such folder to run in: {self.cwd}") from None
            raise CommandNotFound(f"command not found: {error.filename or argv[0]}") from None
        except OSError as error:
            raise ContainerError(f"Could not run {argv[0]}: {error.strerror}") from None
        return LocalExecution(process)


class LocalExecution:
    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        self.process = process
        self._killer: threading.Timer | None = None

    def chunks(self) -> Iterator[tuple[Stream, bytes]]:
        process = self.process
        assert process.stdout is not None and process.stderr is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ, "stdout")
            selector.register(process.stderr, selectors.EVENT_READ, "stderr")
            while selector.get_map():
                for key, _ in selector.select():
                    data = os.read(key.fd, READ_SIZE)
                    if not data:
                        selector.unregister(key.fileobj)
                        continue
                    yield key.data, data
        process.wait()
        if self._killer is not None:
            self._killer.cancel()

    def cancel(self) -> None:
        if self.process.poll() is not None or self._killer is not None:
            return
        self._signal(signal.SIGTERM)
        self._killer = threading.Timer(KILL_GRACE_SECONDS, self._signal, (signal.SIGKILL,))
        self._killer.daemon = True
        self._killer.start()

    def exit_code(self) -> int:
        code = self.process.wait()
        # A signal shows as 128 + its number, as a shell (and docker) reports it.
        return 128 - code if code < 0 else code

    def _signal(self, number: int) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, number)
