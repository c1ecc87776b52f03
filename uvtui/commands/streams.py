"""What the commands' output may assume about the terminal: screens, colour, progress."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TextIO


def on_a_terminal() -> bool:
    """True when a screen may start: stdin and stdout are both a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def use_colour(color: str, stream: TextIO) -> bool:
    """Colour for `stream` under `--color` ("auto", "always", "never") and NO_COLOR.

    NO_COLOR (non-empty) turns `auto` off; an explicit `--color always` overrides it, as
    no-color.org asks of command-line options.
    """
    if color == "always":
        return True
    if color == "never":
        return False
    return stream.isatty() and not os.environ.get("NO_COLOR")


def progress_reporter() -> Callable[[str], None] | None:
    """A callback printing `uvtui: label...` on stderr, or None when stderr is not a terminal."""
    if not sys.stderr.isatty():
        return None

    def report(label: str) -> None:
        print(f"uvtui: {label}...", file=sys.stderr)

    return report


def confirm_write(question: str) -> bool:
    """Ask `question [y/N]` on the terminal; off a terminal, say `--yes` is needed and refuse."""
    if not sys.stdin.isatty():
        print(
            "uvtui: --write needs --yes when stdin is not a terminal; nothing was written.",
            file=sys.stderr,
        )
        return False
    try:
        answer = input(f"{question} [y/N] ")
    except EOFError:
        answer = ""
    if answer.strip().lower() in {"y", "yes"}:
        return True
    print("Nothing was written.", file=sys.stderr)
    return False
