"""Run the local uv binary: find it, build its environment, capture its output, explain failures."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sysconfig
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from uvtui.core.errors import UvtuiError
from uvtui.core.redact import redact

STDERR_TAIL_LINES = 20

# Defaults a caller's environment may override: plain output without progress bars.
_DEFAULT_ENV = {"NO_COLOR": "1", "UV_NO_PROGRESS": "1"}
# A virtualenv uvtui itself runs in says nothing about the project uv works on.
_DROPPED_ENV = ("VIRTUAL_ENV",)


@dataclass(frozen=True)
class UvResult:
    returncode: int
    stdout: str
    stderr: str


class UvFailed(UvtuiError):
    """uv ran and failed; the message carries the tail of its stderr (credentials redacted)."""

    def __init__(self, args: Sequence[str], returncode: int, stderr: str) -> None:
        self.args_run = tuple(args)
        self.returncode = returncode
        self.stderr = redact(stderr)
        self.stderr_tail = stderr_tail(stderr)
        command = redact(" ".join(["uv", *args]))
        detail = f":\n{self.stderr_tail}" if self.stderr_tail else "."
        super().__init__(f"`{command}` failed (exit {returncode}){detail}")


def stderr_tail(stderr: str, lines: int = STDERR_TAIL_LINES) -> str:
    """The last non-empty lines of uv's stderr, credentials redacted."""
    kept = [line.rstrip() for line in stderr.splitlines() if line.strip()]
    return redact("\n".join(kept[-lines:]))


def find_uv() -> Path:
    """The uv executable: on PATH, else next to this Python (the `uv` package's script)."""
    found = shutil.which("uv")
    if found:
        return Path(found)
    beside = Path(sysconfig.get_path("scripts")) / "uv"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    raise UvtuiError("uv is not installed: pip install uv")


def uv_environment(
    env: Mapping[str, str] | None = None, unset: Sequence[str] = ()
) -> dict[str, str]:
    """The environment uv runs with: ours minus VIRTUAL_ENV, plain output, caller overrides last.

    `unset` removes variables whatever their origin (e.g. UV_NO_CONFIG when the project's own
    [tool.uv] settings must count).
    """
    merged = {**_DEFAULT_ENV, **os.environ, **(env or {})}
    for key in _DROPPED_ENV:
        if env is None or key not in env:
            merged.pop(key, None)
    for key in unset:
        merged.pop(key, None)
    return merged


def run_uv(
    args: Sequence[str],
    *,
    cwd: Path,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
    check: bool = False,
    unset: Sequence[str] = (),
) -> UvResult:
    """Run `uv ARGS` in cwd and capture its output; raise UvFailed on failure when check is set.

    The environment is inherited (so the user's UV_INDEX_* credentials reach uv) and `env`
    overrides it; nothing here prints, and errors redact credentials.
    """
    argv = [str(find_uv()), *args]
    try:
        completed = subprocess.run(
            argv,
            cwd=cwd,
            env=uv_environment(env, unset),
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="replace",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        partial = error.stderr.decode("utf-8", "replace") if isinstance(error.stderr, bytes) else ""
        raise UvFailed(args, -1, partial + f"\ntimed out after {timeout:g} s") from None
    except OSError as error:
        raise UvtuiError(f"Could not run uv ({error.strerror}): pip install uv") from None
    result = UvResult(completed.returncode, completed.stdout, completed.stderr)
    if check and result.returncode != 0:
        raise UvFailed(args, result.returncode, result.stderr)
    return result


def uv_version(env: Mapping[str, str] | None = None) -> str:
    """The local uv's version as X.Y.Z (e.g. "0.13.9")."""
    result = run_uv(["--version"], cwd=Path(tempfile.gettempdir()), env=env, check=True)
    match = re.search(r"\b(\d+\.\d+\.\d+)\b", result.stdout)
    if match is None:
        raise UvtuiError(f"Could not read uv's version from {result.stdout.strip()!r}.")
    return match.group(1)
