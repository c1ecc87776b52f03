"""Time to first paint of the dependency screen vs a minimal Textual app, measured two ways.

In-process ("first paint" = from constructing the app to the first frame Textual produces after
the panes were populated from local files: pyproject.toml and uv.lock parsed, table rows added,
lock tree built; for the minimal app, one Static, the first frame after its mount). Imports are
done before timing. The index check runs offline against an empty cache.

Terminal (what a user sees): a tmux pane of 120x40 runs `python -m uvtui FIXTURE` or a minimal
Textual script; the pane is polled until the first table row AND the lock tree's root are on
screen (for the minimal app: its text), timed from the launch of the process, imports included.
The package index is a closed port on 127.0.0.1 and the cache an empty temporary directory, so no
network is involved. The peak RSS of the uvtui process (VmHWM) is read after the index check.

Medians of several runs; ratios to the minimal app measured in the same run.
Run: `uv run python benchmarks/first_paint.py [--runs N] [--terminal-runs N] [--skip-terminal]`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
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

from uvtui.core.project.lock import load_lock  # noqa: E402
from uvtui.core.project.model import load_project  # noqa: E402
from uvtui.core.project.outdated import local_rows  # noqa: E402
from uvtui.tui.app import UvtuiApp  # noqa: E402
from uvtui.tui.screens.main import MainScreen  # noqa: E402
from uvtui.tui.widgets.dependency_table import DependencyTable  # noqa: E402
from uvtui.tui.widgets.lock_tree import LockTree  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
FIXTURE_NAMES = ("medium-django", "large-data")
SIZE = (120, 40)
POLL_SECONDS = 0.005
TERMINAL_TIMEOUT = 30.0
MINIMAL_SCRIPT = """\
from textual.app import App
from textual.widgets import Static


class Minimal(App):
    def compose(self):
        yield Static("minimal app painted")


Minimal().run()
"""
LAYOUT_SCRIPT = """\
from textual.app import App
from textual.widgets import DataTable, Footer, Static, Tree


class Layout(App):
    def compose(self):
        yield Static("header")
        yield DataTable()
        yield Tree("layout root")
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns(*"abcdefg")
        for row in range(32):
            table.add_row(*(f"cell {row}.{column}" for column in range(7)))
        tree = self.query_one(Tree)
        for node in range(30):
            tree.root.add(f"node {node}")
        tree.root.expand()


Layout().run()
"""


class MinimalApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("hello")

    def on_mount(self) -> None:
        _arm()


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
        _arm()


# The first frame Textual hands to its driver once the content is in place ("armed"): a
# headless app builds every frame like a real one and only skips writing it out.
_frame_state: dict[str, Any] = {"armed": False, "painted": None}
_display = App._display


def _arm() -> None:
    _frame_state.update(armed=True, painted=None)


def _display_and_time(self: App[Any], screen: Any, renderable: Any) -> None:
    _display(self, screen, renderable)
    if _frame_state["armed"] and renderable is not None and not self._batch_count:
        _frame_state.update(armed=False, painted=time.perf_counter())


def _populate_then_arm(self: MainScreen) -> None:
    _populate(self)
    _arm()


App._display = _display_and_time  # type: ignore[method-assign]
_populate = MainScreen._populate
MainScreen._populate = _populate_then_arm  # type: ignore[method-assign]


async def _wait_painted(pilot: Pilot[Any]) -> float:
    while _frame_state["painted"] is None:
        await pilot.pause(0.001)
    painted: float = _frame_state["painted"]
    _frame_state["painted"] = None
    return painted


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


def print_ratios(samples: dict[str, list[float]], notes: dict[str, str]) -> None:
    """Medians of the minimal app, the DataTable+Tree reference and each fixture, as ratios."""
    minimal = median_ms(samples["minimal"])
    layout = median_ms(samples["layout"])
    print(f"minimal Textual app: {minimal:7.1f} ms")
    print(f"DataTable+Tree app:  {layout:7.1f} ms  ratio {layout / minimal:4.2f}x (context)")
    for name in FIXTURE_NAMES:
        ms = median_ms(samples[name])
        print(f"{name:<14} uvtui: {ms:7.1f} ms  ratio {ms / minimal:4.2f}x{notes[name]}")


async def in_process(runs: int) -> None:
    """Rounds of minimal, reference, then each fixture, so load on the machine hits all alike."""
    print(f"== in-process (App construction -> both panes painted), median of {runs}")
    samples: dict[str, list[float]] = {"minimal": [], "layout": []}
    shown: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as cache:
        for round_number in range(runs + 1):  # round 0 warms imports and first-run costs
            minimal = await paint_reference(MinimalApp)
            layout = await paint_reference(LayoutApp)
            if round_number:
                samples["minimal"].append(minimal)
                samples["layout"].append(layout)
            for fixture in FIXTURE_NAMES:
                elapsed, rows, packages = await paint_uvtui(FIXTURES / fixture, Path(cache))
                shown[fixture] = f"{rows} table rows shown, {packages} locked rows"
                if round_number:
                    samples.setdefault(fixture, []).append(elapsed)
    print_ratios(samples, {fixture: f"  ({shown[fixture]})" for fixture in FIXTURE_NAMES})
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process (all runs): {peak:.0f} MiB")


# -- terminal level ---------------------------------------------------------------------------


def _closed_port() -> int:
    """A local port nothing listens on: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _markers(fixture: Path) -> list[re.Pattern[str]]:
    """The first table row (name then group: the tree shows name then version) and the tree root."""
    project = load_project(fixture)
    rows = [row for row in local_rows(project, load_lock(fixture)) if row.direct]
    first = min(rows, key=lambda row: row.name)
    group = ", ".join(first.groups)
    table_row = re.compile(rf"\b{re.escape(first.name)}\s+{re.escape(group)}")
    tree_root = re.compile(rf"▼ {re.escape(project.name or fixture.name)}")
    return [table_row, tree_root]


class Tmux:
    """A private tmux server (its own socket) whose panes run one process each."""

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"uvtui-bench-{os.getpid()}"
        self.env = env
        self._run("new-session", "-d", "-s", "idle", "-x", "120", "-y", "40", "sleep 3600")

    def _run(self, *args: str) -> str:
        command = ["tmux", "-L", self.socket, *args]
        return subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def launch(self, name: str, command: str) -> None:
        width, height = SIZE
        env_args = [item for key, value in self.env.items() for item in ("-e", f"{key}={value}")]
        self._run(
            "new-session", "-d", "-s", name, "-x", str(width), "-y", str(height),
            *env_args, f"exec {command}",
        )  # fmt: skip

    def screen(self, name: str) -> str:
        return self._run("capture-pane", "-p", "-t", name)

    def pid(self, name: str) -> int:
        return int(self._run("list-panes", "-t", name, "-F", "#{pane_pid}").split()[0])

    def kill(self, name: str) -> None:
        self._run("kill-session", "-t", name)

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def terminal_paint(
    tmux: Tmux, command: str, markers: list[re.Pattern[str]], settle: float = 0.0
) -> tuple[float, float]:
    """Seconds from launch until every marker is on screen, and the peak RSS after `settle`."""
    name = f"run{time.monotonic_ns()}"
    start = time.perf_counter()
    tmux.launch(name, command)
    try:
        while True:
            screen = tmux.screen(name)
            if all(marker.search(screen) for marker in markers):
                elapsed = time.perf_counter() - start
                break
            if time.perf_counter() - start > TERMINAL_TIMEOUT:
                raise RuntimeError(f"no first paint after {TERMINAL_TIMEOUT} s:\n{screen}")
            time.sleep(POLL_SECONDS)
        time.sleep(settle)
        return elapsed, _peak_rss_mib(tmux.pid(name))
    finally:
        tmux.kill(name)


def terminal(runs: int) -> None:
    print(f"== terminal (tmux 120x40, process launch -> both panes on screen), median of {runs}")
    python = sys.executable
    with tempfile.TemporaryDirectory() as scratch:
        scratch_path = Path(scratch)
        script = scratch_path / "minimal_app.py"
        script.write_text(MINIMAL_SCRIPT)
        layout_script = scratch_path / "layout_app.py"
        layout_script.write_text(LAYOUT_SCRIPT)
        env = {
            "UV_DEFAULT_INDEX": f"http://127.0.0.1:{_closed_port()}/simple",
            "XDG_CACHE_HOME": str(scratch_path / "cache"),
            "PYTHONPATH": str(ROOT),
            "TERM": "xterm-256color",
        }
        tmux = Tmux(env)
        try:
            commands = {
                "minimal": (f"{python} {script}", [re.compile("minimal app painted")]),
                "layout": (
                    f"{python} {layout_script}",
                    [re.compile(r"cell 0\.0"), re.compile("▼ layout root")],
                ),
            }
            for name in FIXTURE_NAMES:
                commands[name] = (f"{python} -m uvtui {FIXTURES / name}", _markers(FIXTURES / name))
            samples: dict[str, list[float]] = {name: [] for name in commands}
            peaks: dict[str, list[float]] = {name: [] for name in commands}
            for round_number in range(runs + 1):  # round 0 warms the disk cache
                for name, (command, markers) in commands.items():
                    settle = 1.5 if name in FIXTURE_NAMES else 0.0
                    elapsed, peak = terminal_paint(tmux, command, markers, settle)
                    if round_number:
                        samples[name].append(elapsed)
                        peaks[name].append(peak)
            print_ratios(
                samples, {name: f"  peak RSS {max(peaks[name]):.0f} MiB" for name in FIXTURE_NAMES}
            )
        finally:
            tmux.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="in-process runs per app")
    parser.add_argument("--terminal-runs", type=int, default=5, help="tmux runs per app")
    parser.add_argument("--skip-terminal", action="store_true", help="in-process only")
    args = parser.parse_args()
    asyncio.run(in_process(args.runs))
    if args.skip_terminal:
        return
    if shutil.which("tmux") is None:
        sys.exit("tmux is not installed: the terminal measure needs it (or --skip-terminal)")
    terminal(args.terminal_runs)


if __name__ == "__main__":
    main()
