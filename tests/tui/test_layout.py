"""What fits at 80x24 (and 120x40): columns by priority, whole status words, the table's
height, the wizard's diff without soft wraps, status lines without cuts."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.support.local_index import LocalIndex
from tests.support.migration_trees import seed
from tests.support.tui_app import app_environ, screen_lines, settle
from uvtui.tui.app import UvtuiApp
from uvtui.tui.formatting import MARKER_TEXTS
from uvtui.tui.screens.migrate import MigrateApp, MigrateScreen
from uvtui.tui.widgets.dependency_table import DependencyTable
from uvtui.tui.widgets.diff_view import DiffView

SIZES = [(80, 24), (120, 40)]
LARGE_DATA = Path(__file__).parents[1] / "fixtures" / "large-data"


def ids(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def table_lines(pilot: Pilot) -> list[str]:
    """The table's lines on screen, inside its border: header first, then the rows."""
    table = pilot.app.screen.query_one(DependencyTable)
    region = table.content_region
    lines = screen_lines(pilot.app)[region.y : region.bottom]
    return [line[region.x : region.right] for line in lines]


def assert_whole_markers(pilot: Pilot) -> None:
    table = pilot.app.screen.query_one(DependencyTable)
    rows = table_lines(pilot)[1 : 1 + table.row_count]
    assert rows
    for line in rows:
        assert any(marker in line for marker in MARKER_TEXTS), f"cut status word: {line!r}"


@pytest.mark.parametrize("size", SIZES, ids=ids)
async def test_columns_shown_by_what_fits(shop: Path, make_app, size: tuple[int, int]) -> None:
    async with make_app(shop).run_test(size=size) as pilot:
        await settle(pilot)
        header = table_lines(pilot)[0]
        for label in ("Name", "Constraint", "Locked", "Compatible", "Latest", "Update"):
            assert label in header, header
        if size[0] >= 100:
            assert "Group" in header
        assert_whole_markers(pilot)
        await pilot.press("t")  # longer names: columns are dropped, never the update word
        await settle(pilot)
        assert_whole_markers(pilot)


@pytest.mark.parametrize("size", SIZES, ids=ids)
async def test_large_project_keeps_status_words_and_table_height(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    environ = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}
    app = UvtuiApp(LARGE_DATA, offline=True, environ=environ, cache_dir=tmp_path / "cache")
    async with app.run_test(size=size) as pilot:
        screen = await settle(pilot)
        assert_whole_markers(pilot)
        table = screen.query_one(DependencyTable)
        shown_rows = table.content_region.height - 1  # minus the header
        if size[1] < 30:  # tree and details collapsed: every line but header, status, footer,
            assert shown_rows == size[1] - 6  # the table's border and its column header
        else:
            assert shown_rows >= size[1] // 2
        side = screen.query_one("#side-pane")
        assert side.display == (size[1] >= 30)
        await pilot.press("d")
        await pilot.pause()
        assert side.display != (size[1] >= 30)
        assert not screen.query_one("#side-pane").display or side.region.height >= 10
        await pilot.press("d")
        await pilot.pause()
        assert side.display == (size[1] >= 30)


async def test_small_project_leaves_room_for_tree_and_details(shop: Path, make_app) -> None:
    async with make_app(shop).run_test(size=(80, 24)) as pilot:
        screen = await settle(pilot)
        table = screen.query_one(DependencyTable)
        assert table.content_region.height == table.row_count + 1  # every row, no blank space
        assert screen.query_one("#side-pane").display


async def _wizard_at(pilot: Pilot, step: str) -> MigrateScreen:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        await pilot.pause()
        screen = pilot.app.screen
        if isinstance(screen, MigrateScreen) and screen.step == step and not screen.planning:
            await pilot.pause()
            return screen
        await asyncio.sleep(0.02)
    raise AssertionError(f"the wizard did not reach {step}")


@pytest.mark.parametrize("size", SIZES, ids=ids)
async def test_wizard_diff_scrolls_instead_of_wrapping(
    tmp_path: Path, local_index: LocalIndex, size: tuple[int, int]
) -> None:
    root = seed(tmp_path / "app")
    app = MigrateApp(root, env=app_environ(local_index))
    async with app.run_test(size=size) as pilot:
        await _wizard_at(pilot, "found")
        await pilot.press("enter")
        await _wizard_at(pilot, "choices")
        await pilot.press("enter")
        screen = await _wizard_at(pilot, "preview")
        status = screen_lines(app)[-2]
        assert "nothing written yet" in status, status
        await pilot.press("down", "down")  # the Dockerfile
        await pilot.pause()
        view = screen.query_one(DiffView)
        assert view.border_title == "Dockerfile"
        diff = screen.plan.change_plan.change_for("Dockerfile").diff()  # type: ignore[union-attr]
        region = view.scrollable_content_region
        shown = [line[region.x : region.right].rstrip() for line in screen_lines(app)]
        shown = [line for line in shown[region.y : region.bottom] if line]
        assert shown
        for line in shown:  # each screen line starts a diff line: nothing wrapped onto its own
            assert any(diff_line.startswith(line) for diff_line in diff.splitlines()), line
        if size[0] == 80:  # the long RUN lines scroll sideways
            assert any(len(line) > region.width for line in diff.splitlines())
            assert view.max_scroll_x > 0
