"""`uvtui bump`: move packages to their latest compatible release (lock only) or to the latest
release (the constraint rewritten in its own style), reviewed first."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING

from uvtui.commands.completion import project_package_names
from uvtui.commands.edit_common import (
    EXIT_REFUSED,
    add_common_options,
    finish,
    options,
    register,
    usage,
)

if TYPE_CHECKING:
    from uvtui.cli import CommandRegistry
    from uvtui.core.edits.plan import NotMoved
    from uvtui.core.edits.stuck import Stuck

_KINDS = ("patch", "minor", "major")


def add_parser(commands: CommandRegistry) -> None:
    """Register `bump` on the `uvtui` commands."""
    parser = register(
        commands,
        "bump",
        run,
        help="upgrade packages (printed as a diff first)",
        description="Upgrade packages: to the latest release the constraints allow (uv.lock "
        "only, like `uv lock --upgrade-package`), or with --latest to the latest release, "
        "rewriting each constraint in the style it was written in.",
    )
    names = parser.add_argument("names", nargs="*", metavar="NAME", help="packages to upgrade")
    names.completer = project_package_names  # type: ignore[attr-defined]
    parser.add_argument(
        "--latest", action="store_true", help="to the latest release, rewriting constraints"
    )
    parser.add_argument(
        "--all-outdated", action="store_true", help="every outdated direct dependency"
    )
    parser.add_argument(
        "--edit-constraints",
        action="store_true",
        help="with --latest: also rewrite [tool.uv] constraint-dependencies and "
        "override-dependencies that hold a package back (otherwise the bump is refused)",
    )
    parser.add_argument(
        "--only",
        type=_kinds,
        default=_KINDS,
        metavar="KINDS",
        help="only these update kinds, e.g. patch,minor (default: all)",
    )
    add_common_options(parser)


def _kinds(value: str) -> tuple[str, ...]:
    kinds = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [kind for kind in kinds if kind not in _KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(f"{value!r}: use patch, minor and/or major")
    return kinds


def run(args: argparse.Namespace) -> int:
    """Find the targets, plan the bump, print it, write it with --write."""
    from uvtui.core.edits.plan import NotMoved, plan_bump
    from uvtui.core.edits.targets import bump_targets
    from uvtui.core.errors import UvtuiError

    if args.yes and not args.write:
        return usage(args, "--yes only goes with --write")
    if bool(args.names) == args.all_outdated:
        return usage(args, "name the packages to bump, or give --all-outdated")
    filtered = args.only != _KINDS
    targets = None
    names = args.names
    if args.latest or args.all_outdated or filtered:
        found = bump_targets(
            args.project,
            os.environ,
            latest=args.latest,
            names=args.names,
            only=args.only,
            offline=args.offline,
        )
        if not found:
            raise UvtuiError("Nothing to bump: every package named is at its newest release.")
        names = [target.name for target in found]
        if args.latest:
            targets = {target.name: target.version for target in found}
    if args.edit_constraints and not args.latest:
        return usage(args, "--edit-constraints goes with --latest")
    try:
        plan = plan_bump(
            args.project,
            names,
            targets=targets,
            edit_constraints=args.edit_constraints,
            options=options(args),
        )
    except NotMoved as error:
        return _not_moved(args, error)
    return finish(args, plan)


def _not_moved(args: argparse.Namespace, error: NotMoved) -> int:
    """Say what holds each package and how to move it; exit 1, nothing written."""
    from uvtui.core.edits.targets import stuck

    found = stuck(args.project, os.environ, error.names, args.offline)
    hints = {package.name: _hint(package) for package in found}
    if args.json:
        document = {
            "action": "bump",
            "description": f"bump {', '.join(error.names)} to latest compatible",
            "files": [],
            "lock_changes": [],
            "notes": [package.reason() for package in found],
            "uv_messages": "",
            "written": False,
            "backup": None,
            "not_moved": [package.to_json(hints[package.name]) for package in found],
        }
        json.dump(document, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for package in found:
            hint = hints[package.name]
            print(f"uvtui: {package.reason()}" + (f"\n  {hint}" if hint else ""), file=sys.stderr)
    return EXIT_REFUSED


def _hint(package: Stuck) -> str | None:
    if package.held_by is None:
        return None
    if package.needs_setting_edit:
        return (
            f"to move it: uvtui bump {package.name} --latest --edit-constraints "
            "(rewrites the [tool.uv] setting)"
        )
    return f"to move it: uvtui bump {package.name} --latest (rewrites the declaration)"
