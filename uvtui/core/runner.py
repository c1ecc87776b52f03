"""The seam where commands such as `uv sync` run after a change: here on this machine; a
container runner (docker exec in the app container) implements the same protocol."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from uvtui.core.errors import UvtuiError
from uvtui.core.redact import redact
from uvtui.core.uvrun import find_uv, uv_environment

BATCH_SECONDS = 0.1  # output reaches the caller in batches at most this often
# CSI and OSC escape sequences, and control characters other than tab.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|[\x00-\x08\x0b-\x1f\x7f]"
)

LinesCallback = Callable[[list[str]], None]


class CommandRunner(Protocol):
    """Runs `uv ARGS` somewhere and streams its output; returns the exit code."""

    label: str  # where it runs, for the log's title ("local", "container web")

    def run_uv(self, args: Sequence[str], on_lines: LinesCallback) -> int: ...


@dataclass
class LocalRunner:
    """uv on this machine, in the project directory (never the user's own cwd)."""

    cwd: Path
    env: Mapping[str, str] | None = field(default=None, repr=False)
    label: str = "local"

    def run_uv(self, args: Sequence[str], on_lines: LinesCallback) -> int:
        argv = [str(find_uv()), *args]
        try:
            process = subprocess.Popen(
                argv,
                cwd=self.cwd,
                env=uv_environment(self.env),
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                text=True,
                encoding="utf-8",
                errors="replace",
            )
        except OSError as error:
            raise UvtuiError(f"Could not run uv ({error.strerror}).") from None
        assert process.stdout is not None
        batch: list[str] = []
        flushed = time.monotonic()
        for line in process.stdout:
            batch.append(clean_line(line.rstrip("\n")))
            if time.monotonic() - flushed >= BATCH_SECONDS:
                on_lines(batch)
                batch, flushed = [], time.monotonic()
        if batch:
            on_lines(batch)
        return process.wait()


def clean_line(line: str) -> str:
    """A subprocess's output line fit for a terminal UI: escape sequences dropped, URL
    credentials hidden."""
    return redact(_ESCAPES.sub("", line))
