"""The log screen on local runs: streaming, follow, scroll, search, cancel, banner, snapshot."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot

from uvtui.core.containers.local_runner import LocalRunner
from uvtui.core.containers.runner import Run, start_run
from uvtui.tui.screens.log import LogScreen
from uvtui.tui.widgets.log_view import LogView

APP_CSS = Path(__file__).parents[2] / "uvtui" / "tui" / "app.tcss"


class LogApp(App[None]):
    CSS_PATH = APP_CSS

    def __init__(self, screen: LogScreen) -> None:
        super().__init__()
        self.log_screen = screen

    def on_mount(self) -> None:
        self.push_screen(self.log_screen)


def local_screen(
    tmp_path: Path,
    argv: Sequence[str],
    *,
    log_dir: Path | None = None,
    clock: Callable[[], float] = time.monotonic,
    max_lines: int = 10_000,
) -> LogScreen:
    def start() -> tuple[Run, Callable[[], None]]:
        return start_run(LocalRunner(tmp_path), argv, log_dir=log_dir), lambda: None

    return LogScreen(" ".join(argv), start, clock=clock, max_lines=max_lines)


def python(code: str) -> list[str]:
    return [sys.executable, "-u", "-c", code]


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause()
        await asyncio.sleep(0.02)
    await pilot.pause()


# Writes to the two pipes keep their order only when apart in time (each pipe is read on its own).
LINES_SCRIPT = (
    "import sys, time\nfor i in range(300): print(f'line {i}')\n"
    "time.sleep(0.2)\nprint('oops', file=sys.stderr)"
)


async def test_output_follows_then_scroll_pauses_and_end_resumes(tmp_path: Path) -> None:
    screen = local_screen(tmp_path, python(LINES_SCRIPT), log_dir=tmp_path / "logs")
    async with LogApp(screen).run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: not screen.running)
        view = screen.query_one(LogView)
        assert view.written == 301 and view.line_count == 301
        assert view.plain_line(0) == "line 0"
        assert view.is_stderr(300) and view.plain_line(300) == "oops"
        assert view.following and view.is_vertical_scroll_end
        await pilot.press("home")
        assert view.scroll_y == 0 and not view.following
        await pilot.press("end")
        assert view.is_vertical_scroll_end and view.following
        assert screen.result is not None and screen.result.ok
        status = str(screen.query_one("#log-status").render())
        assert "✓ succeeded" in status and "301 lines" in status
        assert screen.result.log_path is not None and screen.result.log_path.is_file()
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is not screen)


async def test_search_finds_and_cycles(tmp_path: Path) -> None:
    screen = local_screen(tmp_path, python(LINES_SCRIPT))
    async with LogApp(screen).run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: not screen.running)
        view = screen.query_one(LogView)
        await pilot.press("slash")
        await pilot.press(*"line 12", "enter")
        assert view.search_line == 12
        assert view.scroll_y <= 12 < view.scroll_y + view.size.height
        view.focus()
        await pilot.press("n")
        assert view.search_line == 120
        await pilot.press("N")
        assert view.search_line == 12


async def test_bounded_scrollback_counts_dropped_lines(tmp_path: Path) -> None:
    script = "for i in range(5000): print(i)"
    screen = local_screen(tmp_path, python(script), max_lines=1000)
    async with LogApp(screen).run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: not screen.running)
        view = screen.query_one(LogView)
        assert view.written == 5000 and view.line_count == 1000 and view.dropped == 4000
        assert view.plain_line(999) == "4999"
        assert "4,000 lines dropped" in str(screen.query_one("#log-status").render())


async def test_cancel_stops_the_command_and_says_so(tmp_path: Path) -> None:
    marker = tmp_path / "survived"
    script = f"import time\nprint('started')\ntime.sleep(20)\nopen({str(marker)!r}, 'w')"
    screen = local_screen(tmp_path, python(script))
    async with LogApp(screen).run_test(size=(100, 30)) as pilot:
        view = screen.query_one(LogView)
        await until(pilot, lambda: view.written == 1)
        await pilot.press("escape")  # refused while running
        assert pilot.app.screen is screen
        await pilot.press("c")
        await until(pilot, lambda: not screen.running)
        assert screen.result is not None and screen.result.cancelled
        assert "■ cancelled" in str(screen.query_one("#log-status").render())
    assert not marker.exists()


async def test_a_command_that_cannot_start_is_one_line(tmp_path: Path) -> None:
    screen = local_screen(tmp_path, ["no-such-tool-here"])
    async with LogApp(screen).run_test(size=(100, 30)) as pilot:
        await until(pilot, lambda: not screen.running)
        status = str(screen.query_one("#log-status").render())
        assert "✗ could not run: command not found: no-such-tool-here" in status


async def test_progress_lines_update_in_place(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "for p in (10, 50, 90):\n"
        "    sys.stderr.write(f'\\rdownloading {p}%'); sys.stderr.flush(); time.sleep(0.3)\n"
        "sys.stderr.write('\\rdownloaded    \\n')"
    )
    screen = local_screen(tmp_path, python(script))
    async with LogApp(screen).run_test(size=(100, 30)) as pilot:
        progress = screen.query_one("#log-progress")
        await until(pilot, lambda: "downloading" in str(progress.render()))
        await until(pilot, lambda: not screen.running)
        view = screen.query_one(LogView)
        assert [view.plain_line(i) for i in range(view.line_count)] == ["downloaded    "]


FINISHED_RUN = (
    "import sys, time\n"
    "print('Resolved 3 packages in 12ms', file=sys.stderr)\n"
    "time.sleep(0.2)\n"
    "print('\\x1b[32m+ demo-a==1.1\\x1b[0m')\n"
    "print('\\x1b]0;title\\x07\\x1b[2Jno escapes reach the terminal')\n"
    "time.sleep(0.2)\n"
    "print('warning: something', file=sys.stderr)\n"
    "sys.exit(2)"
)


def test_finished_run_snapshot(snap_compare, tmp_path: Path) -> None:
    screen = local_screen(tmp_path, python(FINISHED_RUN), clock=lambda: 100.0)
    screen.title_text = "python -c <script>"

    async def run_before(pilot: Pilot) -> None:
        await until(pilot, lambda: not screen.running)

    assert snap_compare(LogApp(screen), terminal_size=(80, 20), run_before=run_before)
