"""What `uvtui add`, `bump` and `remove` share: options, printing a plan, confirming, writing.

Not a subcommand itself (it is not in COMMANDS).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from uvtui.commands.streams import confirm_write

if TYPE_CHECKING:
    from uvtui.cli import CommandRegistry
    from uvtui.core.edits.lock_changes import LockChange
    from uvtui.core.edits.plan import EditPlan, Options

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2

EPILOG = """\
Without --write the plan is printed (the diff of every pyproject.toml it touches and of
uv.lock, the table of lock changes, uv's messages) and nothing is written. uv locks in a
scratch copy of the project, so a failing resolution changes nothing.

exit codes:
  0    ok (the plan was printed, or written with --write)
  1    refused or failed, nothing written (uv could not lock, unknown package, a file changed
       on disk since the plan, uv missing)
  2    usage error, or --write not confirmed (nothing written)
  3    bad project: pyproject.toml missing, unreadable or malformed
  4    uv.lock missing, unreadable or malformed
  5    the package index could not be reached

Backups go to PROJECT/.uvtui/backup/<UTC time>/; `u` in uvtui undoes the last change.
"""


def add_common_options(parser: argparse.ArgumentParser) -> None:
    """--diff / --write, --yes and --offline (the registry adds --project, --json, --color)."""
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--diff", action="store_true", help="print the plan and write nothing (the default)"
    )
    mode.add_argument("--write", action="store_true", help="print the plan, then write it")
    parser.add_argument("--yes", "-y", action="store_true", help="write without asking")
    parser.add_argument(
        "--offline", action="store_true", help="lock with cached packages only (uv --offline)"
    )


def register(
    commands: CommandRegistry,
    name: str,
    run: Callable[[argparse.Namespace], int],
    *,
    help: str,
    description: str,
) -> argparse.ArgumentParser:
    """The parser of add / bump / remove: `--project PATH` (their positionals are packages)."""
    return commands.add_parser(
        name,
        run=run,
        project="option",
        json=True,
        help=help,
        description=description,
        epilog=EPILOG,
    )


def options(args: argparse.Namespace) -> Options:
    from uvtui.core.edits.plan import Options

    return Options(env=dict(os.environ), offline=args.offline)


def usage(args: argparse.Namespace, message: str) -> int:
    args._parser.print_usage(sys.stderr)
    print(f"uvtui {args.command}: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def finish(args: argparse.Namespace, plan: EditPlan) -> int:
    """Print the plan; with --write confirm and apply it. Returns the exit code."""
    from uvtui.core.edits.plan import apply_edit

    if args.json:
        written = None
        if args.write:
            if not args.yes:
                return usage(args, "--write --json needs --yes")
            written = apply_edit(plan).backup_dir
        json.dump(plan_to_json(plan, written), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    sys.stdout.write(render_plan(plan))
    if not args.write:
        return EXIT_OK
    question = f"Write these {len(plan.change_plan.changes)} file change(s)?"
    if not args.yes and not confirm_write(question):
        return EXIT_USAGE
    applied = apply_edit(plan)
    backup = applied.backup_dir.relative_to(applied.root)
    print(f"Wrote {len(plan.change_plan.changes)} file(s); backup in {backup}.")
    return EXIT_OK


def render_plan(plan: EditPlan) -> str:
    """The --diff report: every file's diff, the lock-change table, notes, uv's messages."""
    parts = [f"# {plan.description}\n", plan.diff() or "No file changes.\n"]
    parts.append(lock_table(plan.lock_changes))
    if plan.notes:
        parts.append("Notes:\n" + "".join(f"  {note}\n" for note in plan.notes))
    if plan.uv_messages:
        parts.append("uv:\n" + "".join(f"  {line}\n" for line in plan.uv_messages.splitlines()))
    return "\n".join(parts)


def lock_table(changes: tuple[LockChange, ...]) -> str:
    if not changes:
        return "Lock changes: none\n"
    rows = [("package", "old", "new", "change")]
    rows += [(c.name, c.old or "-", c.new or "-", change_label(c)) for c in changes]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in rows]  # fmt: skip
    return "\n".join([f"Lock changes: {len(changes)}", *lines]) + "\n"


def change_label(change: LockChange) -> str:
    return f"{change.kind} ({change.update.value})" if change.update else change.kind


def plan_to_json(plan: EditPlan, backup: Path | None) -> dict:
    return {
        "action": plan.action,
        "description": plan.description,
        "files": [
            {"path": change.path, "diff": change.diff()} for change in plan.change_plan.changes
        ],
        "lock_changes": [
            {
                "name": c.name,
                "old": c.old,
                "new": c.new,
                "kind": c.kind,
                "update": c.update.value if c.update else None,
            }
            for c in plan.lock_changes
        ],
        "notes": list(plan.notes),
        "uv_messages": plan.uv_messages,
        "written": backup is not None,
        "backup": str(backup) if backup else None,
    }
