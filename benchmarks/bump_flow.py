"""One bump from the dependency screen against plain `uv lock --upgrade-package` (same run).

Each round copies the fixture twice into a temporary directory:

- uvtui: the app runs in-process (Pilot, 120x40) on copy A; after the index check it selects
  PACKAGE and presses `l` (bump to the latest: the constraint is rewritten and uv locks in a
  scratch copy), waits for the review screen, presses Enter and waits until the panes show
  the new lock. Timed: key -> review ("plan"), Enter -> refreshed screen ("confirm"), and
  their sum ("total", the time uvtui adds to a bump apart from the user reading the review).
- uv: copy B gets the same rewritten pyproject.toml the plan wrote, then
  `uv lock --upgrade-package PACKAGE` runs in it ("uv lock").

Rounds alternate which side runs first; the first round warms uv's cache and is dropped.
Uses the live index (the fixture's own). Medians are printed with the ratio total / uv lock
(target <= 1.2).

Run: `uv run python benchmarks/bump_flow.py [--rounds N] [--package NAME] [FIXTURE]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.tui_app import settle  # noqa: E402
from uvtui.tui.app import UvtuiApp  # noqa: E402
from uvtui.tui.screens.confirm import ConfirmScreen  # noqa: E402
from uvtui.tui.screens.review import ReviewScreen  # noqa: E402
from uvtui.tui.widgets.dependency_table import DependencyTable, row_key  # noqa: E402

DEFAULT_FIXTURE = Path("/work/shared/fixtures/medium-django")
SIZE = (120, 40)


async def wait_for(condition, timeout: float = 300.0) -> None:  # type: ignore[no-untyped-def]
    """Poll without driving the app: it processes its own messages on the same loop, and a
    benchmark that forces frames would take CPU from uv on a small machine."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen did not get there")
        await asyncio.sleep(0.01)


async def uvtui_bump(project: Path, package: str, cache: Path) -> tuple[float, float, bytes]:
    """(plan seconds, confirm-to-refreshed seconds, the pyproject.toml written)."""
    app = UvtuiApp(project, cache_dir=cache)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot, timeout=120)
        table = screen.query_one(DependencyTable)
        row = next(r for r in table.visible_rows if r.name == package)
        table.move_cursor(row=table.get_row_index(row_key(row)))
        started = time.perf_counter()
        await pilot.press("l")
        await wait_for(lambda: isinstance(app.screen, ReviewScreen))
        planned = time.perf_counter()
        await pilot.press("enter")
        await wait_for(lambda: screen.refreshed_at is not None)
        assert screen.confirmed_at is not None
        confirm = screen.refreshed_at - screen.confirmed_at
        await wait_for(lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("n")
    return planned - started, confirm, (project / "pyproject.toml").read_bytes()


def uv_lock(project: Path, package: str) -> float:
    started = time.perf_counter()
    subprocess.run(
        ["uv", "lock", "--upgrade-package", package],
        cwd=project,
        check=True,
        capture_output=True,
        env={k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"},
    )
    return time.perf_counter() - started


def one_round(
    fixture: Path, package: str, work: Path, edited: bytes, uv_first: bool
) -> dict[str, float]:
    ours, theirs = work / "a" / fixture.name, work / "b" / fixture.name
    shutil.copytree(fixture, ours)
    shutil.copytree(fixture, theirs)
    (theirs / "pyproject.toml").write_bytes(edited)
    results: dict[str, float] = {}
    if uv_first:
        results["uv"] = uv_lock(theirs, package)
    plan, confirm, written = asyncio.run(uvtui_bump(ours, package, work.parent / "index-cache"))
    assert written == edited, "the app wrote another constraint than the core computes"
    results.update(plan=plan, confirm=confirm, total=plan + confirm)
    if not uv_first:
        results["uv"] = uv_lock(theirs, package)
    return results


def edited_pyproject(fixture: Path, package: str) -> bytes:
    """The pyproject.toml a bump to the latest writes, from the core (no uv run timed)."""
    from uvtui.core.edits.constraints import rewrite_requirement
    from uvtui.core.edits.pyproject_edit import replace_requirement
    from uvtui.core.edits.targets import bump_targets
    from uvtui.core.project.model import load_project

    project = load_project(fixture)
    (target,) = bump_targets(fixture, os.environ, latest=True, names=[package])
    text = project.text
    for dependency in project.declared:
        if dependency.name == package:
            new = rewrite_requirement(dependency.text, target.version)
            text = replace_requirement(text, dependency.group, dependency.text, new)
    return text.encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fixture", nargs="?", type=Path, default=DEFAULT_FIXTURE)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--package", default="whitenoise")
    args = parser.parse_args()
    rounds = []
    edited = edited_pyproject(args.fixture, args.package)
    with tempfile.TemporaryDirectory(prefix="uvtui-bench-bump-") as temp:
        for number in range(args.rounds + 1):
            work = Path(temp) / f"round-{number}"
            uv_first = number % 2 == 1
            result = one_round(args.fixture, args.package, work, edited, uv_first)
            label = "warm-up" if number == 0 else f"round {number}"
            print(label, "  ".join(f"{key} {value:.3f}s" for key, value in result.items()))
            if number:
                rounds.append(result)
    median = {key: statistics.median(r[key] for r in rounds) for key in rounds[0]}
    print(
        f"\nmedians over {len(rounds)} rounds ({args.fixture.name}, bump {args.package} to latest):"
        f"\n  uv lock --upgrade-package   {median['uv']:.3f} s"
        f"\n  uvtui key -> review (plan)  {median['plan']:.3f} s"
        f"\n  uvtui confirm -> refreshed  {median['confirm']:.3f} s"
        f"\n  uvtui total                 {median['total']:.3f} s"
        f"\n  ratio total / uv lock       {median['total'] / median['uv']:.2f} (target <= 1.2)"
    )


if __name__ == "__main__":
    main()
