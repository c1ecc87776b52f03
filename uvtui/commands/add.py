"""`uvtui add`: add packages to the project, a dependency group or an extra, reviewed first."""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING

from uvtui.commands.edit_common import add_common_options, finish, options, register, usage

if TYPE_CHECKING:
    from uvtui.cli import CommandRegistry


def add_parser(commands: CommandRegistry) -> None:
    """Register `add` on the `uvtui` commands."""
    parser = register(
        commands,
        "add",
        run,
        help="add packages (printed as a diff first)",
        description="Add packages (PEP 508: name, name[extra], name>=x) and lock with uv.",
    )
    parser.add_argument("requirements", nargs="+", metavar="NAME", help="requirements to add")
    target = parser.add_mutually_exclusive_group()
    target.add_argument("--group", metavar="G", help="add to dependency group G (made if new)")
    target.add_argument("--optional", metavar="EXTRA", help="add to optional extra EXTRA")
    parser.add_argument("--package", metavar="MEMBER", help="the workspace member to change")
    add_common_options(parser)


def run(args: argparse.Namespace) -> int:
    """Plan the addition, print it, write it with --write."""
    from uvtui.core.edits.plan import plan_add
    from uvtui.core.edits.targets import index_name_check

    if args.yes and not args.write:
        return usage(args, "--yes only goes with --write")
    check = index_name_check(args.project, os.environ, args.offline)
    plan = plan_add(
        args.project,
        args.requirements,
        group=args.group,
        extra=args.optional,
        member=args.package,
        options=options(args),
        check_name=check,
    )
    return finish(args, plan)
