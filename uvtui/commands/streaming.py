"""Shared by `uvtui exec` and `uvtui build`: print a run's lines as they arrive."""

from __future__ import annotations

import sys
from typing import TextIO

from uvtui.commands.streams import use_colour
from uvtui.core.containers.output import plain
from uvtui.core.containers.runner import Run, RunResult, Update


def stream_to_terminal(
    run: Run, color: str = "auto", stdout: TextIO | None = None, stderr: TextIO | None = None
) -> RunResult:
    """Print stdout lines to stdout and stderr lines to stderr; Ctrl-C cancels the command.

    The command's colours (already sanitised) are kept where `--color` allows them.
    """
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    colours = {id(out): use_colour(color, out), id(err): use_colour(color, err)}

    def show(update: Update) -> None:
        for line in update.lines:
            target = out if line.stream == "stdout" else err
            target.write((line.text if colours[id(target)] else plain(line.text)) + "\n")
        out.flush()
        err.flush()

    updates = run.updates()
    while True:
        try:
            for update in updates:
                show(update)
            break
        except KeyboardInterrupt:
            print("uvtui: cancelling…", file=err)
            run.cancel()
    assert run.result is not None
    return run.result


def report(result: RunResult, stderr: TextIO | None = None) -> None:
    """One closing line on stderr when the run did not simply succeed."""
    if not result.ok:
        print(
            f"uvtui: {result.command} on {result.target}: {result.summary()}",
            file=stderr or sys.stderr,
        )
