"""Time to first paint of the dependency screen vs a minimal Textual app, in one process.

"First paint" = from constructing the app to the first screen refresh after the panes were
populated from local files (pyproject.toml and uv.lock parsed, table rows added, lock tree built);
for the minimal app, to the first refresh after its mount. The index check runs offline against an
empty cache, so no network is touched. Run: `uv run python benchmarks/first_paint.py`.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widgets import DataTable, Footer, Static, Tree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from uvtui.tui.app import UvtuiApp  # noqa: E402
from uvtui.tui.screens.main import MainScreen  # noqa: E402
from uvtui.tui.widgets.dependency_table import DependencyTable  # noqa: E402
from uvtui.tui.widgets.lock_tree import LockTree  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
RUNS = 7
SIZE = (120, 40)


class MinimalApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("hello")

    def on_mount(self) -> None:
        self.call_after_refresh(_painted)


class LayoutApp(App[None]):
    """Context for the ratio: Textual's own DataTable, Tree and Footer with similar content."""

    def compose(self) -> ComposeResult:
        yield Static("header")
        yield DataTable()
        yield Tree("root")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*"abcdefg")
        for row in range(32):
            table.add_row(*(f"cell {row}.{column}" for column in range(7)))
        tree = self.query_one(Tree)
        for node in range(30):
            tree.root.add(f"node {node}")
        tree.root.expand()
        self.call_after_refresh(_painted)


_paint_times: list[float] = []


def _painted() -> None:
    _paint_times.append(time.perf_counter())


def _populate_then_mark(self: MainScreen) -> None:
    _populate(self)
    self.call_after_refresh(_painted)


_populate = MainScreen._populate
MainScreen._populate = _populate_then_mark  # type: ignore[method-assign]


async def _wait_painted(pilot: Pilot[Any]) -> float:
    while not _paint_times:
        await pilot.pause(0.001)
    return _paint_times.pop()


async def paint_reference(app_class: type[App[None]]) -> float:
    start = time.perf_counter()
    app = app_class()
    async with app.run_test(size=SIZE) as pilot:
        painted = await _wait_painted(pilot)
    return painted - start


async def paint_uvtui(project: Path, cache_dir: Path) -> tuple[float, int, int]:
    start = time.perf_counter()
    app = UvtuiApp(project, offline=True, environ={}, cache_dir=cache_dir, display_name="bench")
    async with app.run_test(size=SIZE) as pilot:
        painted = await _wait_painted(pilot)
        screen = app.screen_stack[0]
        assert isinstance(screen, MainScreen)
        table = screen.query_one(DependencyTable)
        tree = screen.query_one(LockTree)
        assert table.row_count and tree.root.children, "panes not populated"
        rows, packages = table.row_count, len(table.all_rows)
        while any(not worker.is_finished for worker in app.workers):
            await pilot.pause(0.01)
    return painted - start, rows, packages


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def main() -> None:
    await paint_reference(MinimalApp)  # warm up imports and Textual's first-run costs
    minimal = median_ms([await paint_reference(MinimalApp) for _ in range(RUNS)])
    print(f"minimal Textual app: {minimal:7.1f} ms (median of {RUNS})")
    await paint_reference(LayoutApp)
    layout = median_ms([await paint_reference(LayoutApp) for _ in range(RUNS)])
    print(f"DataTable+Tree app:  {layout:7.1f} ms  ratio {layout / minimal:4.2f}x (for context)")
    with tempfile.TemporaryDirectory() as cache:
        for fixture in ("medium-django", "large-data"):
            project = FIXTURES / fixture
            await paint_uvtui(project, Path(cache))
            samples = []
            for _ in range(RUNS):
                elapsed, rows, packages = await paint_uvtui(project, Path(cache))
                samples.append(elapsed)
            ms = median_ms(samples)
            print(
                f"{fixture:<14} uvtui: {ms:7.1f} ms  ratio {ms / minimal:4.2f}x"
                f"  ({rows} table rows shown, {packages} locked rows)"
            )
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"{'':<14} peak RSS so far: {peak:.0f} MiB")


if __name__ == "__main__":
    asyncio.run(main())
