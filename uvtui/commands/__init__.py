"""Headless subcommands of `uvtui`: one module per command, listed in COMMANDS.

Each module exposes `add_parser(commands: CommandRegistry)` (uvtui/cli.py), which calls

    parser = commands.add_parser(
        "NAME", run=run, project="path" | "option" | None, json=True | False,
        help="one line for `uvtui --help`", description=..., epilog=...,
    )

and adds only the command's own options to `parser`. The registry adds the shared ones, so every
command follows the same rules: `[PATH]` and/or `--project PATH` (never both; read the result
as `args.project`, a Path), `--json` (`args.json`), `--color` (`args.color`, see streams.py).
`run(args) -> int` returns the exit code. Modules import the heavy parts of the core inside
`run`, so that opening the TUI stays fast, and never import uvtui.cli at module level.

`json=True` needs the output's schema in uvtui/schemas/NAME.schema.json (a test checks every
such command). A positional naming packages the project declares (bump, remove) completes
them in the shells when marked: `parser.add_argument("packages", nargs="+").completer =
project_package_names` (from uvtui.commands.completion).
"""

from __future__ import annotations

from types import ModuleType

from uvtui.commands import add, build, bump, completion, exec, migrate, outdated, remove

COMMANDS: tuple[ModuleType, ...] = (outdated, migrate, add, bump, remove, exec, build, completion)
