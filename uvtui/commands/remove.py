"""`uvtui remove`: remove packages from every group that declares them, reviewed first."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from uvtui.commands.completion import project_package_names
from uvtui.commands.edit_common import add_common_options, finish, options, register, usage

if TYPE_CHECKING:
    from uvtui.cli import CommandRegistry


def add_parser(commands: CommandRegistry) -> None:
    """Register `remove` on the `uvtui` commands."""
    parser = register(
        commands,
        "remove",
        run,
        help="remove packages (printed as a diff first)",
        description="Remove packages from pyproject.toml and lock with uv. A package other "
        "locked packages still need stays in uv.lock; the plan says who needs it.",
    )
    names = parser.add_argument("names", nargs="+", metavar="NAME", help="packages to remove")
    names.completer = project_package_names  # type: ignore[attr-defined]
    parser.add_argument("--group", metavar="G", help="only from group or extra G")
    parser.add_argument("--package", metavar="MEMBER", help="only from this workspace member")
    add_common_options(parser)


def run(args: argparse.Namespace) -> int:
    """Plan the removal, print it, write it with --write."""
    from uvtui.core.edits.plan import plan_remove

    if args.yes and not args.write:
        return usage(args, "--yes only goes with --write")
    plan = plan_remove(
        args.project, args.names, group=args.group, member=args.package, options=options(args)
    )
    return finish(args, plan)
