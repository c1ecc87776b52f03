"""`uvtui outdated`: which locked packages have newer releases, without a TUI.

Reads pyproject.toml and uv.lock, asks the package index uv would use, and prints a table
(or `--json`). It never writes a file in the project and never runs `uv lock`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, TextIO

from uvtui.commands.streams import use_colour

if TYPE_CHECKING:
    from uvtui.cli import CommandRegistry
    from uvtui.core.project.outdated import OutdatedRow

EXIT_INDEX_UNREACHABLE = 5

EPILOG = """\
Only direct dependencies (every group) are listed unless --all is given.
Updates: ↑ patch, ⇑ minor, ⇈ major; "compatible" is the newest release that satisfies
every specifier uv applies (declarations, or the overrides that replace them, and
[tool.uv] constraint-dependencies); "latest" the newest release for the project's
requires-python. "held by ..." names what keeps compatible below latest.
"Latest" counts only releases uploaded before uv.lock's exclude-newer cut-off, if any
(`uv tree --outdated` gives the same per name). A package locked at several versions (a
fork, "when <marker>") is judged per row for the Pythons its fork applies to: the row for
python >= 3.12 may name a release that needs 3.12, which uv's one answer per name (for the
lowest Python) leaves out.

exit codes:
  0    ok (also when some packages could not be checked: see their status)
  2    usage error
  3    bad project: pyproject.toml missing, unreadable or malformed
  4    uv.lock missing, unreadable or malformed (run `uv lock`; uvtui never locks)
  5    the index could not be reached for any package (not with --offline)
"""

_UPDATE_SYMBOLS = {"patch": "↑ patch", "minor": "⇑ minor", "major": "⇈ major"}
_UPDATE_COLOURS = {"patch": "32", "minor": "33", "major": "31"}  # green, yellow, red
_HEADERS = ("Package", "Group", "Constraint", "Locked", "Compatible", "Latest", "Update", "Notes")


def add_parser(commands: CommandRegistry) -> None:
    """Register `outdated` on the `uvtui` commands."""
    parser = commands.add_parser(
        "outdated",
        run=run,
        project="path",
        json=True,
        help="list locked dependencies that have newer releases",
        description="List locked dependencies that have newer releases on the package index.",
        epilog=EPILOG,
    )
    parser.add_argument(
        "--all", action="store_true", help="include transitive dependencies, not only direct ones"
    )
    parser.add_argument(
        "--offline", action="store_true", help="use cached index answers only; no network"
    )
    parser.add_argument("--pre", action="store_true", help="consider pre-releases too")


def run(args: argparse.Namespace) -> int:
    """Check the project at `args.project` and print the rows; returns the exit code."""
    from uvtui.core.errors import LockError
    from uvtui.core.index.client import IndexClient
    from uvtui.core.index.config import resolve_indexes
    from uvtui.core.project.lock import load_lock
    from uvtui.core.project.model import load_project
    from uvtui.core.project.outdated import CheckStatus, check_outdated
    from uvtui.core.project.staleness import lock_mismatch

    project = load_project(args.project)
    lock = load_lock(project.root)
    if lock is None:
        raise LockError(
            f"uv.lock is missing in {project.root}. uvtui never locks: run `uv lock` there first."
        )
    mismatch = lock_mismatch(project, lock)
    if mismatch:
        _warn(f"uv.lock is out of date: {mismatch}. Run `uv lock`; showing the locked versions.")
    settings = resolve_indexes(project, os.environ)
    with IndexClient(settings, offline=args.offline, **_timeout(os.environ)) as client:
        rows = check_outdated(
            project,
            lock,
            client,
            include_transitive=args.all,
            allow_prereleases=args.pre,
            environ=os.environ,
        )
    if args.json:
        _print_json(rows, sys.stdout)
    else:
        _print_table(rows, sys.stdout, colour=use_colour(args.color, sys.stdout))
    unknown = [row for row in rows if row.status is CheckStatus.UNKNOWN]
    if unknown:
        _warn(f"{len(unknown)} of {len(rows)} packages could not be checked: {unknown[0].reason}")
    checked = any(row.status is CheckStatus.CHECKED for row in rows)
    if unknown and not checked and not args.offline:
        return EXIT_INDEX_UNREACHABLE
    return 0


def _timeout(environ: Mapping[str, str]) -> dict[str, float]:
    """uv's own UV_HTTP_TIMEOUT (seconds) applies to our index requests too, when set."""
    text = environ.get("UV_HTTP_TIMEOUT", "").strip()
    if not text:
        return {}
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        from uvtui.core.errors import UvtuiError

        raise UvtuiError(f"UV_HTTP_TIMEOUT must be a positive number of seconds, not {text!r}.")
    return {"timeout": seconds}


def _print_json(rows: list[OutdatedRow], out: TextIO) -> None:
    from uvtui.core.project.outdated import row_to_json

    json.dump([row_to_json(row) for row in rows], out, indent=2)
    out.write("\n")


def _print_table(rows: list[OutdatedRow], out: TextIO, *, colour: bool) -> None:
    if not rows:
        out.write("No dependencies to check.\n")
        return
    cells = [_HEADERS, *(_cells(row) for row in rows)]
    widths = [max(len(line[column]) for line in cells) for column in range(len(_HEADERS))]
    updates = [None, *(row.update.value if row.update else None for row in rows)]
    for line, update in zip(cells, updates, strict=True):
        padded = [text.ljust(width) for text, width in zip(line, widths, strict=True)]
        if colour and update:
            padded[6] = f"\x1b[{_UPDATE_COLOURS[update]}m{padded[6]}\x1b[0m"
        out.write("  ".join(padded).rstrip() + "\n")


def _cells(row: OutdatedRow) -> tuple[str, ...]:
    from uvtui.core.project.outdated import CheckStatus

    if row.status is CheckStatus.CHECKED:
        update = _UPDATE_SYMBOLS[row.update.value] if row.update else "✓"
    else:
        update = "?" if row.status is CheckStatus.UNKNOWN else "-"
    return (
        row.name,
        ",".join(row.groups) if row.groups else "(transitive)",
        row.constraint or "*",
        row.locked or "-",
        row.latest_compatible or "-",
        row.latest or "-",
        update,
        "; ".join(_notes(row)),
    )


def _notes(row: OutdatedRow) -> list[str]:
    from uvtui.core.project.binding import Origin

    notes = []
    # A declaration's hold shows in the Constraint column already; a [tool.uv] setting does not.
    if row.held_by and any(
        spec.origin is not Origin.DECLARATION for spec in row.held_by.specifiers
    ):
        notes.append(str(row.held_by))
    notes += [
        f"{spec} replaces the declarations"
        for spec in row.applied
        if spec.origin is Origin.OVERRIDE
    ]
    if row.yanked:
        notes.append("locked version is yanked")
    if row.newer_needs_python:
        version, python = row.newer_needs_python
        notes.append(f"{version} needs Python {python}")
    if row.newer_excluded:
        version, uploaded = row.newer_excluded
        notes.append(f"{version} uploaded {uploaded[:10]}, after exclude-newer")
    if row.reason:
        notes.append(row.reason)
    if row.marker:
        notes.append(f"when {row.marker}")
    return notes


def _warn(message: str) -> None:
    print(f"uvtui: warning: {message}", file=sys.stderr)
