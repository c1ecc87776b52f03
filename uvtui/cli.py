"""The `uvtui` command: argument parsing only; the work is done by the core or the TUI.

    uvtui [--color WHEN] [PATH | --project PATH | --demo]   the screen (needs a terminal)
    uvtui [--color WHEN] COMMAND [options]                  a headless command

This module is the one place for the parsing rules every command follows:
- the first word is a command, else an existing folder (or pyproject.toml) for the screen, else
  a usage error naming the commands with a did-you-mean;
- a command's project is `[PATH]` or `--project PATH` after the command, never both, and never
  `--project` before the command;
- `--json` and `--color` mean the same everywhere;
- the screen never starts without a terminal on stdin and stdout.

Command modules register through `CommandRegistry.add_parser` (see uvtui/commands/__init__.py).
Exit codes: EXIT_CODES_HELP below, which `--help` prints. Errors are one line on stderr, never a
traceback.
"""

from __future__ import annotations

import argparse
import difflib
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal

from uvtui.commands import COMMANDS
from uvtui.commands.streams import on_a_terminal
from uvtui.core.errors import UvtuiError

EXIT_USAGE = 2

EXIT_CODES_HELP = """\
exit codes:
  0    ok
  1    any other error reported as a message
  2    usage error, or the screen asked for without a terminal
  3    bad project: pyproject.toml missing, unreadable or malformed
  4    uv.lock missing, unreadable or malformed
  5    the package index could not be reached for any package (not with --offline)
  130  interrupted (Ctrl-C)
"""

USAGE = """\
uvtui [-h] [--version] [--color WHEN] [PATH | --project PATH | --demo]
       uvtui [--color WHEN] COMMAND [options]   (see `uvtui COMMAND --help`)"""

COLOR_CHOICES = ("auto", "always", "never")
COLOR_HELP = "colour human output: auto (a terminal and no NO_COLOR), always or never"


ProjectArgument = Literal["path", "option"] | None
"""How a command names its project: "path" is `[PATH]` or `--project PATH` (a command without
positionals of its own), "option" is `--project PATH` only (its positionals are something else,
e.g. package names), None is no project at all (e.g. `completion`)."""


class CommandRegistry:
    """What a command module's `add_parser` receives: it builds parsers with the shared options.

    After parsing, `args.project` is the project Path (default `.`), `args.json` is set when
    asked for `json=True`, and `args.color` is "auto", "always" or "never".
    """

    def __init__(self, subparsers: argparse._SubParsersAction) -> None:
        self._subparsers = subparsers

    def add_parser(
        self,
        name: str,
        *,
        run: Callable[[argparse.Namespace], int],
        project: ProjectArgument,
        json: bool,
        help: str,
        **parser_options: object,
    ) -> argparse.ArgumentParser:
        """A subcommand parser with `--project`/PATH, `--json` and `--color` as `project` and
        `json` say; the module adds its own options to it. `run(args)` returns the exit code."""
        parser_options.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        parser = self._subparsers.add_parser(name, help=help, **parser_options)
        if project == "path":
            parser.add_argument(
                "project_path",
                nargs="?",
                type=Path,
                metavar="PATH",
                help="project directory or its pyproject.toml (default: .)",
            )
        if project is not None:
            parser.add_argument(
                "--project",
                dest="project_option",
                type=Path,
                metavar="PATH",
                help="project directory or its pyproject.toml (default: .)"
                + (", the same as PATH" if project == "path" else ""),
            )
        if json:
            parser.add_argument(
                "--json",
                action="store_true",
                help=f"print JSON for scripts (schema: uvtui/schemas/{name}.schema.json)",
            )
        # SUPPRESS keeps a `--color` given before the command when none is given after it.
        parser.add_argument(
            "--color", choices=COLOR_CHOICES, default=argparse.SUPPRESS, help=COLOR_HELP
        )
        parser.set_defaults(run=run, _parser=parser, _project_argument=project)
        return parser


def build_parser() -> tuple[argparse.ArgumentParser, tuple[str, ...]]:
    """The whole `uvtui` parser, subcommands included, and the subcommand names."""
    parser = argparse.ArgumentParser(
        prog="uvtui",
        usage=USAGE,
        description="A terminal UI for Python web apps whose dependencies are managed with uv.",
        epilog=EXIT_CODES_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        allow_abbrev=False,  # _first_word must know every option that takes a value
    )
    parser.add_argument("--version", action=_VersionAction)
    parser.add_argument("--color", choices=COLOR_CHOICES, default="auto", help=COLOR_HELP)
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
    registry = CommandRegistry(subparsers)
    for command in COMMANDS:
        command.add_parser(registry)
    return parser, tuple(subparsers.choices)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `uvtui` with `argv` (default: the process arguments) and return the exit code."""
    parser, command_names = build_parser()
    if "_ARGCOMPLETE" in os.environ:  # a shell asking for completions (see `uvtui completion`)
        import argcomplete

        argcomplete.autocomplete(parser, always_complete_options=False)
    arguments = list(sys.argv[1:] if argv is None else argv)
    try:
        screen_path, arguments = _screen_path(parser, arguments, command_names)
        args = parser.parse_args(arguments)
        if args.command is None:
            return _open_app(args, screen_path, command_names)
        _resolve_project(args)
        return args.run(args)
    except _UsageError as error:
        print(f"uvtui: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except UvtuiError as error:
        print(f"uvtui: {error.message}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130


class _UsageError(Exception):
    """A usage error reported as one line (argparse's own errors print the usage too)."""


def _screen_path(
    parser: argparse.ArgumentParser, arguments: list[str], command_names: tuple[str, ...]
) -> tuple[Path | None, list[str]]:
    """The folder given as first word (and the arguments without it), when it is not a command.

    argparse cannot tell an optional positional PATH from a subcommand name on its own.
    """
    index = _first_word(parser, arguments)
    if index is None or arguments[index] in command_names:
        return None, arguments
    word = arguments[index]
    if not Path(word).exists() and _looks_like_a_path(word):
        from uvtui.core.errors import ProjectError

        raise ProjectError(f"No such directory: {word}")  # exit 3, as `uvtui outdated` says it
    if not Path(word).exists():
        raise _UsageError(_no_such_command(word, command_names))
    rest = arguments[:index] + arguments[index + 1 :]
    extra = _first_word(parser, rest)
    if extra is not None:
        raise _UsageError(
            f"unexpected {rest[extra]!r} after the folder {word}; "
            f"a command comes first: uvtui {rest[extra]} {word}"
        )
    return Path(word), rest


def _looks_like_a_path(word: str) -> bool:
    """A word with a slash (or starting with . or ~) names a folder, not a mistyped command."""
    return "/" in word or os.sep in word or word.startswith((".", "~"))


def _first_word(parser: argparse.ArgumentParser, arguments: list[str]) -> int | None:
    """The index of the first argument that is not a top-level option or an option's value."""
    takes_value = {
        option for option, action in parser._option_string_actions.items() if action.nargs != 0
    }
    skip_next = False
    for index, argument in enumerate(arguments):
        if skip_next:
            skip_next = False
        elif argument == "--":
            return index + 1 if index + 1 < len(arguments) else None
        elif argument.startswith("-") and argument != "-":
            skip_next = argument in takes_value
        else:
            return index
    return None


def _no_such_command(word: str, command_names: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, command_names, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return (
        f"no such command or folder: {word!r}{hint}; "
        f"commands: {', '.join(command_names)} (uvtui --help)"
    )


def _resolve_project(args: argparse.Namespace) -> None:
    """One project per command: `[PATH]` or `--project PATH` after the command, never both."""
    if (args.project is not None or args.demo) and args._project_argument is None:
        raise _UsageError(f"uvtui {args.command} takes no project")
    if args.project is not None or args.demo:
        form = "[PATH | --project PATH]" if args._project_argument == "path" else "--project PATH"
        raise _UsageError(f"give the project after the command: uvtui {args.command} {form}")
    path = getattr(args, "project_path", None)
    option = getattr(args, "project_option", None)
    if path is not None and option is not None:
        raise _UsageError(
            f"the project is given twice ({path} and --project {option}); give PATH or "
            "--project PATH, not both"
        )
    if args._project_argument is not None:
        args.project = path or option or Path()


def _open_app(
    args: argparse.Namespace, screen_path: Path | None, command_names: tuple[str, ...]
) -> int:
    if screen_path is not None and (args.project is not None or args.demo):
        given = "--demo" if args.demo else f"--project {args.project}"
        raise _UsageError(
            f"the project is given twice ({screen_path} and {given}); give one of them"
        )
    if args.project is not None and not args.project.exists():
        from uvtui.core.errors import ProjectError

        # Nothing to fix and reload on a screen: one line, as `uvtui outdated` says it.
        raise ProjectError(f"No such directory: {args.project}")
    if not on_a_terminal():
        raise _UsageError(no_terminal_message(command_names))
    if args.demo:
        from uvtui.examples import example_project_path

        project_path = example_project_path()
    else:
        project_path = screen_path or args.project or Path()
    if args.color == "never":
        os.environ["NO_COLOR"] = "1"  # Textual reads it
    from uvtui.tui.app import run_app

    return run_app(project_path)


def no_terminal_message(command_names: tuple[str, ...]) -> str:
    """The one line printed when the screen is asked for without a terminal."""
    listed = ", ".join(f"uvtui {name}" for name in command_names)
    return (
        "the screen needs a terminal on stdin and stdout; "
        f"without one use a headless command: {listed} (uvtui COMMAND --help)"
    )


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
