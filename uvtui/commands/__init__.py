"""Headless subcommands of `uvtui`.

Each module exposes `add_parser(subparsers)`, which registers its parser and sets
`run` as its default, and `run(args) -> int`, which returns the exit code. Modules import
the heavy parts of the core inside `run`, so that opening the TUI stays fast.
"""

from __future__ import annotations

from types import ModuleType

from uvtui.commands import migrate, outdated

COMMANDS: tuple[ModuleType, ...] = (outdated, migrate)
