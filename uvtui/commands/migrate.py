"""`uvtui migrate`: move a pip + requirements project (and its Dockerfile) to uv.

On a terminal without a mode flag it opens the TUI wizard; otherwise --diff (the default)
prints the plan; --write prints the same plan, asks (unless --yes), writes it with
backups and validates it in place; --undo restores the latest backup.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from uvtui.commands.streams import confirm_write, on_a_terminal, progress_reporter
from uvtui.core.redact import redact

if TYPE_CHECKING:
    from uvtui.cli import CommandRegistry
    from uvtui.core.migrate.dev_target import DevTarget
    from uvtui.core.migrate.plan import MigrationPlan

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2

EPILOG = """\
exit codes:
  0    ok (warnings allowed)
  1    refused or failed, nothing written
  2    usage error, or --write not confirmed (nothing written)
  3    written, but validation in place failed: every file was restored from the backup

Backups go to PATH/.uvtui/backup/<UTC time>/ with a manifest.json.
"""


def add_parser(commands: CommandRegistry) -> None:
    """Register `migrate` on the `uvtui` commands."""
    parser = commands.add_parser(
        "migrate",
        run=run,
        project="path",
        json=True,
        help="migrate requirements files and a pip Dockerfile to uv",
        description="Turn requirements files and a pip-based Dockerfile into pyproject.toml, "
        "uv.lock, a uv-based Dockerfile and bin/uv-install, without version drift.",
        epilog=EPILOG,
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--diff",
        action="store_true",
        help="print the plan only (the default off a terminal; on one, no flag opens the wizard)",
    )
    mode.add_argument("--write", action="store_true", help="print the plan, then write it")
    mode.add_argument("--undo", action="store_true", help="restore the latest backup")
    parser.add_argument("--yes", "-y", action="store_true", help="write without asking")
    parser.add_argument(
        "--uv-version", type=_full_version, metavar="X.Y.Z", help="uv version for the image"
    )
    parser.add_argument(
        "--python",
        type=_python_version,
        metavar="X.Y|PATH",
        help="Python version when none is detected, or the interpreter to lock with",
    )
    parser.add_argument(
        "--project-env",
        metavar="DIR",
        help="environment directory in the image (UV_PROJECT_ENVIRONMENT)",
    )
    dev = parser.add_mutually_exclusive_group()
    dev.add_argument(
        "--dev-group",
        type=_dev_name,
        metavar="NAME",
        help="dependency group for the dev requirements (default: dev)",
    )
    dev.add_argument(
        "--dev-extra",
        type=_dev_name,
        metavar="NAME",
        help="put the dev requirements in [project.optional-dependencies].NAME instead",
    )
    parser.add_argument(
        "--remove-requirements",
        action="store_true",
        help="delete the requirements/freeze files and the old install script (backed up)",
    )
    parser.add_argument(
        "--build-check", action="store_true", help="build old and new images and compare them"
    )


def _full_version(value: str) -> str:
    if not re.fullmatch(r"\d+\.\d+\.\d+", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a full X.Y.Z version")
    return value


def _dev_name(value: str) -> str:
    from uvtui.core.errors import UvtuiError
    from uvtui.core.migrate.dev_target import DevTarget

    try:
        return DevTarget(value).name
    except UvtuiError as error:
        raise argparse.ArgumentTypeError(error.message) from None


def _python_version(value: str) -> str:
    if not re.fullmatch(r"\d+\.\d+", value) and not Path(value).is_file():
        raise argparse.ArgumentTypeError(
            f"{value!r} is neither a Python version like 3.12 nor an interpreter's path"
        )
    return value


def _python_options(value: str | None) -> tuple[str | None, str | None]:
    """--python as (X.Y version, interpreter path)."""
    if value is None or re.fullmatch(r"\d+\.\d+", value):
        return value, None
    return None, value


def run(args: argparse.Namespace) -> int:
    """Run `uvtui migrate` and return the exit code."""
    from uvtui.core.errors import UvtuiError
    from uvtui.core.migrate.plan import apply_migration, plan_migration

    if args.yes and not args.write:
        return _usage(args, "--yes only goes with --write")
    if args.json and (args.write or args.undo or args.build_check):
        return _usage(args, "--json only goes with --diff")
    root: Path = args.project
    if not root.is_dir():
        return _usage(args, f"{root} is not a directory")
    headless = args.diff or args.write or args.undo or args.build_check or args.json
    if not headless and on_a_terminal():
        return _wizard(args)
    try:
        if args.undo:
            return _undo(root)
        plan = plan_migration(
            root,
            uv_version=args.uv_version,
            python=_python_options(args.python)[0],
            python_path=_python_options(args.python)[1],
            project_env=args.project_env,
            remove_requirements=args.remove_requirements,
            dev_target=_dev_target(args),
            progress=progress_reporter(),
        )
        if args.json:
            print(_redact_json(plan_to_json(plan)))
            return EXIT_OK
        print(redact(render_plan(plan)), end="")
        if args.build_check and not _build_check(plan):
            return EXIT_REFUSED
        if not args.write:
            return EXIT_OK
        if not plan.change_plan.changes:
            print("Nothing to write.")
            return EXIT_OK
        question = f"Write these {len(plan.change_plan.changes)} file change(s) to {root}?"
        if not args.yes and not confirm_write(question):
            return EXIT_USAGE
        applied = apply_migration(plan)
    except UvtuiError as error:
        print(f"uvtui: {error.message}", file=sys.stderr)
        return error.exit_code
    backup = applied.backup_dir.relative_to(applied.root)
    print(
        f"Wrote {len(plan.change_plan.changes)} file change(s); backup in {backup}. "
        f"Undo: uvtui migrate {root} --undo"
    )
    return EXIT_OK


def _dev_target(args: argparse.Namespace) -> DevTarget | None:
    """--dev-group / --dev-extra; None keeps the default group `dev`."""
    from uvtui.core.migrate.dev_target import DevTarget

    if args.dev_extra:
        return DevTarget(args.dev_extra, extra=True)
    return DevTarget(args.dev_group) if args.dev_group else None


def _build_check(plan: MigrationPlan) -> bool:
    """Run V6 and print its outcome; False when the images differ (nothing is written then)."""
    from uvtui.core.migrate.plan import build_check_migration

    report = progress_reporter()
    if report:
        report("Build check: building the original and the migrated image")
    result = build_check_migration(plan)
    for difference in result.differences:
        print(
            f"  {difference.name}: original {difference.original or '-'}, "
            f"migrated {difference.migrated or '-'}"
        )
    for failure in result.import_failures:
        print(f"  {failure.role}: import {failure.module} ({failure.distribution}) failed: "
              f"{failure.error}")  # fmt: skip
    if not result.ok:
        print("Build check failed: the migrated image differs; nothing was written.")
        return False
    speedup = result.dependency_speedup
    faster = f", dependency step {speedup:.1f}x as fast" if speedup else ""
    print(
        f"Build check passed: {len(result.migrated_versions)} distributions at the same "
        f"versions, {len(result.dependencies)} main dependencies import{faster}."
    )
    return True


def _wizard(args: argparse.Namespace) -> int:
    """No mode flag on a terminal: the TUI wizard, started with the command line's options."""
    from uvtui.tui.screens.migrate import Choices, run_wizard

    choices = Choices(
        project_env=args.project_env,
        uv_version=args.uv_version,
        remove_requirements=args.remove_requirements,
        python=_python_options(args.python)[0],
        python_path=_python_options(args.python)[1],
        dev_target=_dev_target(args),
    )
    return run_wizard(args.project, choices)


def _usage(args: argparse.Namespace, message: str) -> int:
    args._parser.print_usage(sys.stderr)
    print(f"uvtui migrate: error: {message}", file=sys.stderr)
    return EXIT_USAGE


def _undo(root: Path) -> int:
    from uvtui.core.migrate.plan import undo_migration

    undone = undo_migration(root)
    if undone is None:
        print(f"uvtui: nothing to undo in {root}", file=sys.stderr)
        return EXIT_REFUSED
    for rel in (*undone.replaced, *undone.deleted):
        print(f"restored {rel}")
    for rel in undone.created:
        print(f"removed {rel}")
    return EXIT_OK


def _redact_json(value: object) -> str:
    """The JSON text of value with every string redacted (not the text: that could break it)."""

    def redacted(item: object) -> object:
        if isinstance(item, str):
            return redact(item)
        if isinstance(item, list):
            return [redacted(element) for element in item]
        if isinstance(item, dict):
            return {key: redacted(element) for key, element in item.items()}
        return item

    return json.dumps(redacted(value), indent=2)


def plan_to_json(plan: MigrationPlan) -> dict[str, Any]:
    """The `--diff --json` document (uvtui/schemas/migrate.schema.json)."""
    return {
        "project": str(plan.root),
        "files": [
            {"path": change.path, "action": change.kind, "diff": change.diff()}
            for change in plan.change_plan.changes
        ],
        "coverage": {
            "carried": len(plan.carried),
            "not_carried": len(plan.not_carried),
            "lines": [
                {
                    "path": entry.path,
                    "line": entry.line,
                    "text": entry.text,
                    "carried": entry.carried,
                    "target": entry.target,
                    "code": entry.code,
                    "origin": entry.origin,
                }
                for entry in plan.coverage
            ],
        },
        "drift": {
            "freeze_file": plan.freeze_file,
            "drifted": sum(row.status == "drift" for row in plan.drift),
            "rows": [
                {"name": r.name, "freeze": r.freeze, "locked": r.locked, "status": r.status}
                for r in plan.drift
            ],
        },
        "findings": [
            {
                "code": finding.code,
                "level": finding.level.value,
                "message": finding.message,
                "path": finding.path,
                "line": finding.line,
            }
            for finding in plan.findings
        ],
        "environment_variables": list(plan.credential_env_vars),
        "next_steps": list(plan.next_steps),
        "uv_version": plan.uv_version,
        "python_version": plan.python_version,
        "requires_python": plan.requires_python,
    }


def render_plan(plan: MigrationPlan) -> str:
    """The --diff report: diffs, coverage, drift table, findings, variables, next steps."""
    parts = [plan.diff() or "No file changes.\n"]
    parts.append(_coverage_section(plan))
    parts.append(_drift_section(plan))
    parts.append(_findings_section(plan))
    if plan.credential_env_vars:
        names = "\n".join(f"  {name}" for name in plan.credential_env_vars)
        parts.append(f"Environment variables to set (credentials are never written):\n{names}\n")
    parts.append("Next steps:\n" + "".join(f"  - {step}\n" for step in plan.next_steps))
    return "\n".join(parts)


def _coverage_section(plan: MigrationPlan) -> str:
    carried, not_carried = plan.carried, plan.not_carried
    lines = [f"Coverage: {len(carried)} line(s) carried, {len(not_carried)} not carried"]
    for entry in not_carried:
        code = f"  [{entry.code}]" if entry.code else ""
        lines.append(f"  not carried  {entry.path}:{entry.line}  {entry.text}{code}")
    return "\n".join(lines) + "\n"


def _drift_section(plan: MigrationPlan) -> str:
    if not plan.drift:
        return "Drift: no freeze/lock file, nothing to compare.\n"
    drifted = sum(row.status == "drift" for row in plan.drift)
    header = f"Drift ({plan.freeze_file} vs uv.lock): {drifted} drifted"
    table = [("package", "freeze", "locked", "status")]
    table += [(r.name, r.freeze or "-", r.locked or "-", r.status) for r in plan.drift]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    lines = ["  " + "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip()
             for row in table]  # fmt: skip
    return "\n".join([header, *lines]) + "\n"


def _findings_section(plan: MigrationPlan) -> str:
    if not plan.findings:
        return "Findings: none\n"
    lines = ["Findings:"]
    for finding in plan.findings:
        where = f"  {finding.location}" if finding.location else ""
        lines.append(f"  {finding.level.value:<10} {finding.code}{where}  {finding.message}")
    return "\n".join(lines) + "\n"
