"""The `uvtui` command: argument parsing only; the work is done by the core or the TUI.

    uvtui [PATH]              open the TUI on the project at PATH (default: .)
    uvtui --project PATH      the same
    uvtui --demo              open the TUI on the bundled example project
    uvtui --version
    uvtui outdated [PATH] [--json] [--all] [--offline] [--pre]

Exit codes: EXIT_CODES_HELP below, which `--help` prints.

Errors are printed as one message on stderr, never as a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from uvtui.commands import COMMANDS
from uvtui.core.errors import UvtuiError

EXIT_CODES_HELP = """\
exit codes:
  0    ok
  1    any other error reported as a message
  2    usage error
  3    bad project: pyproject.toml missing, unreadable or malformed
  4    uv.lock missing, unreadable or malformed
  5    the package index could not be reached for any package (not with --offline)
  130  interrupted (Ctrl-C)
"""

USAGE = """\
uvtui [-h] [--version] [PATH | --project PATH | --demo]
       uvtui COMMAND [options]   (see `uvtui COMMAND --help`)"""


def build_parser() -> tuple[argparse.ArgumentParser, set[str]]:
    """The whole `uvtui` parser, subcommands included, and the subcommand names."""
    parser = argparse.ArgumentParser(
        prog="uvtui",
        usage=USAGE,
        description="A terminal UI for Python web apps whose dependencies are managed with uv.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_VersionAction)
    opened = parser.add_mutually_exclusive_group()
    opened.add_argument(
        "--project",
        metavar="PATH",
        type=Path,
        help="project directory (or its pyproject.toml) to open; the first argument "
        "may also be given as PATH",
    )
    opened.add_argument("--demo", action="store_true", help="open the bundled example project")
    subparsers = parser.add_subparsers(
        dest="command", title="commands", metavar="COMMAND", prog="uvtui"
    )
    for command in COMMANDS:
        command.add_parser(subparsers)
    return parser, set(subparsers.choices)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `uvtui` with `argv` (default: the process arguments) and return the exit code."""
    parser, command_names = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        args = parser.parse_args(_path_as_option(arguments, command_names))
        if args.command is None:
            return _open_app(args)
        if args.project is not None or args.demo:
            parser.error("give the project path after the command: uvtui COMMAND [PATH]")
        return args.run(args)
    except UvtuiError as error:
        print(f"uvtui: {error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130


def _open_app(args: argparse.Namespace) -> int:
    if args.demo:
        from uvtui.examples import example_project_path

        project_path = example_project_path()
    else:
        project_path = args.project if args.project is not None else Path()
    from uvtui.tui.app import run_app

    return run_app(project_path)


def _path_as_option(arguments: list[str], command_names: set[str]) -> list[str]:
    """`uvtui PATH ...` means `uvtui --project PATH ...` unless PATH names a command.

    argparse cannot tell an optional positional PATH from a subcommand name on its own.
    """
    if arguments and not arguments[0].startswith("-") and arguments[0] not in command_names:
        return ["--project", *arguments]
    return arguments


class _VersionAction(argparse.Action):
    """`--version`, reading the installed version only when asked (importlib.metadata is slow)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show uvtui's version and exit")

    def __call__(self, parser: argparse.ArgumentParser, *args: object) -> None:
        from importlib.metadata import PackageNotFoundError, version

        try:
            installed = version("uvtui")
        except PackageNotFoundError:
            installed = "unknown"
        print(f"uvtui {installed}")
        parser.exit()
