"""`uvtui completion SHELL`: print the shell's completion script for uvtui.

The scripts are argcomplete's: on Tab the shell runs `uvtui` itself with argcomplete's
environment, and uvtui answers from its own parser (uvtui/cli.py), so every command, option and
choice completes as soon as it exists. A positional whose action has
`.completer = project_package_names` completes the project's declared package names, read
from pyproject.toml with tomllib (no index, no uv.lock).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from uvtui.cli import CommandRegistry

SHELLS = ("bash", "zsh", "fish")

EPILOG = """\
install (one line each; new shells pick it up):
  bash  echo 'eval "$(uvtui completion bash)"' >> ~/.bashrc
  zsh   echo 'eval "$(uvtui completion zsh)"' >> ~/.zshrc   (after compinit)
  fish  uvtui completion fish > ~/.config/fish/completions/uvtui.fish
"""


def add_parser(commands: CommandRegistry) -> None:
    """Register `completion` on the `uvtui` commands."""
    parser = commands.add_parser(
        "completion",
        run=run,
        project=None,
        json=False,
        help="print the shell completion script (bash, zsh or fish)",
        description="Print the completion script of uvtui for SHELL on stdout.",
        epilog=EPILOG,
    )
    parser.add_argument("shell", choices=SHELLS, metavar="SHELL", help=", ".join(SHELLS))


def run(args: argparse.Namespace) -> int:
    """Print the script; returns the exit code."""
    import argcomplete

    sys.stdout.write(argcomplete.shellcode(["uvtui"], shell=args.shell))
    return 0


def project_package_names(
    prefix: str, parsed_args: argparse.Namespace, **_kwargs: object
) -> list[str]:
    """argcomplete completer: the packages declared by the project on the command line."""
    from uvtui.core.errors import UvtuiError
    from uvtui.core.project.model import load_project

    project = getattr(parsed_args, "project_option", None) or Path()
    try:
        declared = load_project(project).declared
    except UvtuiError:
        return []
    return sorted({d.name for d in declared if d.name.startswith(prefix.lower())})
