"""The runner seam: start a command somewhere, stream its output, cancel it, get its exit code.

Two implementations: `ExecRunner` (a command in a running container, exec_runner.py) and
`LocalRunner` (a subprocess on this machine, local_runner.py); image builds are an Execution
too (build.py). Callers use `start_run` (or `run_to_end`) and get sanitised lines, a saved log
and a `RunResult`:

    run = start_run(runner, ["uv", "lock"], log_dir=project / ".uvtui" / "logs")
    for update in run.updates():      # blocks; run.cancel() from another thread stops it
        show(update.lines, update.progress)
    result = run.result                 # exit code, cancelled, killed, log path
"""

from __future__ import annotations

import re
import shlex
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Protocol

from uvtui.core.containers.output import LineSplitter, OutputLine, Stream, plain

LOG_DIR = Path(".uvtui") / "logs"  # under the project root
KILLED_EXIT_CODE = 137  # 128 + SIGKILL: the container (or the process) was killed
NOT_FOUND_EXIT_CODE = 127
NOT_EXECUTABLE_EXIT_CODE = 126


class Execution(Protocol):
    """One started command."""

    def chunks(self) -> Iterator[tuple[Stream, bytes]]:
        """Output fragments in arrival order; ends when the command has ended."""
        ...

    def cancel(self) -> None:
        """Stop the command itself (not only the stream); safe from any thread, idempotent."""
        ...

    def exit_code(self) -> int:
        """The command's exit code, once `chunks` is exhausted."""
        ...


class Runner(Protocol):
    """Where commands run. `target` names it for the user ("container app-web-1", "local")."""

    target: str

    def start(self, argv: Sequence[str], env: Mapping[str, str] | None = None) -> Execution:
        """Start `argv` (with extra environment variables); raise UvtuiError if it cannot."""
        ...


@dataclass(frozen=True)
class RunResult:
    """How a run ended."""

    command: str
    target: str
    exit_code: int
    cancelled: bool
    seconds: float
    log_path: Path | None
    lines: int
    explanation: str | None = None  # why it failed, when the exit code alone says too little

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.cancelled

    @property
    def killed(self) -> bool:
        return self.exit_code == KILLED_EXIT_CODE

    def summary(self, seconds: float | None = None) -> str:
        """One line for the banner and the CLI; `seconds` overrides the run's own duration."""
        elapsed = f"{self.seconds if seconds is None else seconds:.1f} s"
        if self.cancelled:
            head = f"cancelled after {elapsed}: the command was stopped"
        elif self.ok:
            head = f"succeeded in {elapsed}"
        elif self.killed:
            head = f"killed (exit {self.exit_code}) after {elapsed}"
        else:
            head = f"failed with exit code {self.exit_code} after {elapsed}"
        return f"{head}: {self.explanation}" if self.explanation else head


@dataclass
class Update:
    """New finished lines and the current unfinished (progress) line, if any."""

    lines: list[OutputLine]
    progress: str


@dataclass
class Run:
    """A started command: iterate `updates()` to stream it, then read `result`."""

    execution: Execution
    command: str
    target: str
    log_path: Path | None = None
    explain: Callable[[int, list[OutputLine]], str | None] | None = None
    started: float = field(default_factory=time.monotonic)
    result: RunResult | None = None
    _cancelled: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self._cancelled.set()
        self.execution.cancel()

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def updates(self) -> Iterator[Update]:
        splitter = LineSplitter()
        count = 0
        tail: list[OutputLine] = []  # the last lines, for explanations
        log = _open_log(self.log_path, self.command, self.target)
        try:
            for stream, data in self.execution.chunks():
                lines = splitter.feed(stream, data)
                count += len(lines)
                _remember(tail, lines)
                _write_log(log, lines)
                yield Update(lines, splitter.progress)
            lines = splitter.finish()
            count += len(lines)
            _remember(tail, lines)
            _write_log(log, lines)
            yield Update(lines, "")
            code = self.execution.exit_code()
            explanation = None if self.explain is None else self.explain(code, tail)
            self.result = RunResult(
                command=self.command,
                target=self.target,
                exit_code=code,
                cancelled=self.cancelled,
                seconds=time.monotonic() - self.started,
                log_path=self.log_path,
                lines=count,
                explanation=None if self.cancelled else explanation,
            )
            if log is not None:
                log.write(f"# {self.result.summary()}\n")
        finally:
            if log is not None:
                log.close()

    def wait(self, on_update: Callable[[Update], None] | None = None) -> RunResult:
        """Stream to the end (calling `on_update` for each update) and return the result."""
        for update in self.updates():
            if on_update is not None:
                on_update(update)
        assert self.result is not None
        return self.result


def start_run(
    runner: Runner,
    argv: Sequence[str],
    *,
    log_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
    explain: Callable[[int, list[OutputLine]], str | None] | None = None,
) -> Run:
    """Start `argv` on `runner`; its log is saved under `log_dir` (None: not saved)."""
    command = shlex.join(argv)
    execution = runner.start(argv, env)
    log_path = _log_path(log_dir, command) if log_dir is not None else None
    return Run(execution, command, runner.target, log_path, explain or explain_exit)


def run_to_end(
    runner: Runner,
    argv: Sequence[str],
    *,
    log_dir: Path | None = None,
    env: Mapping[str, str] | None = None,
    on_update: Callable[[Update], None] | None = None,
) -> RunResult:
    """Start `argv` on `runner` and stream it to the end (the simple form of the seam)."""
    return start_run(runner, argv, log_dir=log_dir, env=env).wait(on_update)


def explain_exit(code: int, tail: list[OutputLine]) -> str | None:
    """A hint for exit codes that mean the command never ran or was killed."""
    text = "\n".join(plain(line.text) for line in tail[-5:])
    if code in (NOT_FOUND_EXIT_CODE, NOT_EXECUTABLE_EXIT_CODE) and _missing(text):
        program = _missing_program(text)
        if program == "uv":
            return (
                "uv is not installed in the image; migrate the Dockerfile to uv "
                "(`uvtui migrate`) and rebuild it"
            )
        return f"command not found: {program}" if program else "command not found"
    if code == KILLED_EXIT_CODE:
        return "the process or its container was killed (SIGKILL, e.g. stopped or out of memory)"
    return None


_NOT_FOUND = re.compile(
    r'exec: "?(?P<exec>[^":\s]+)"?: executable file not found'
    r"|(?P<sh>[^\s:]+): not found"
    r"|(?P<bash>[^\s:]+): command not found"
    r"|can't execute '?(?P<busybox>[^':\s]+)'?"
)


def _missing(text: str) -> bool:
    return _NOT_FOUND.search(text) is not None or "No such file or directory" in text


def _missing_program(text: str) -> str | None:
    match = _NOT_FOUND.search(text)
    if match is None:
        return None
    name = next(group for group in match.groups() if group)
    return name.rsplit("/", 1)[-1]


def _remember(tail: list[OutputLine], lines: list[OutputLine], keep: int = 20) -> None:
    tail.extend(lines[-keep:])
    del tail[:-keep]


def _log_path(log_dir: Path, command: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    slug = re.sub(r"[^A-Za-z0-9]+", "-", command).strip("-")[:40] or "run"
    return log_dir / f"{stamp}-{slug}.log"


def _open_log(path: Path | None, command: str, target: str) -> IO[str] | None:
    if path is None:
        return None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        log = path.open("w", encoding="utf-8")
    except OSError:
        return None  # a read-only project still gets its run; only the saved copy is missing
    log.write(f"# {command}\n# on {target}\n")
    return log


def _write_log(log: IO[str] | None, lines: list[OutputLine]) -> None:
    if log is None or not lines:
        return
    log.writelines(f"{plain(line.text)}\n" for line in lines)
