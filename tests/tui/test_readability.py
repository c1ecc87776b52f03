"""Every text on screen reads at good contrast: in colour, under NO_COLOR, on 16 colours.

Update markers (the point of the screen) need 4.5:1 (WCAG AA); de-emphasised text (dim hints,
"(transitive)") needs 3:1. NO_COLOR and TERM come through the app's environment.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot

from tests.support.contrast import Cell, screen_cells
from tests.support.local_index import LocalIndex
from tests.support.migration_trees import seed
from tests.support.tui_app import app_environ, settle
from uvtui.tui.formatting import (
    CURRENT_MARKER,
    PENDING_MARKER,
    UNKNOWN_MARKER,
    UPDATE_MARKERS,
    YANKED_MARKER,
)
from uvtui.tui.screens.migrate import MigrateApp, MigrateScreen
from uvtui.tui.widgets.dependency_table import DependencyTable

MARKERS = {
    text for text, _ in (*UPDATE_MARKERS.values(), YANKED_MARKER, UNKNOWN_MARKER, CURRENT_MARKER)
} | {PENDING_MARKER[0]}
MODES = {
    "colour": {},
    "no-color": {"NO_COLOR": "1"},
    "xterm-16": {"TERM": "xterm", "COLORTERM": None},
    "screen-16-no-color": {"TERM": "screen", "COLORTERM": None, "NO_COLOR": "1"},
}
SIZES = [(80, 24), (120, 40)]


def unreadable(app: App, mode: str, within: Region | None = None) -> list[str]:
    colours = 16 if "16" in mode else None
    cells: list[Cell] = screen_cells(app, colours=colours, within=within)
    return [str(cell) for cell in cells if cell.ratio < (4.5 if cell.text in MARKERS else 3.0)]


@pytest.mark.parametrize("mode", list(MODES))
@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
async def test_main_screen_readable(shop: Path, make_app, mode: str, size: tuple[int, int]) -> None:
    app = make_app(shop, **MODES[mode])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        shown = {cell.text for cell in screen_cells(app)}
        assert {"⇈ major", "⇑ minor", "⚠ yanked"} <= shown
        assert unreadable(app, mode) == []
        if "no-color" in mode:  # no background colour shows the cursor: reverse video does
            table = app.screen.query_one(DependencyTable)
            cursor_line = app.screen._compositor.render_strips()[table.region.y + 2]
            assert any(s.style and s.style.reverse and s.text.strip() for s in cursor_line)
        await pilot.press("t")  # transitive rows: "✓ current" and dim "(transitive)"
        await settle(pilot)
        assert "✓ current" in {cell.text for cell in screen_cells(app)}
        assert unreadable(app, mode) == []
        await pilot.press("question_mark")
        await pilot.pause()
        dialog = app.screen.query_one("#help-dialog").region  # the screen behind is dimmed
        assert unreadable(app, mode, within=dialog) == []
        for key, dialog_id in (("w", "#why-dialog"), ("L", "#confirm-dialog")):
            await pilot.press("escape", key)
            await pilot.pause()
            dialog = app.screen.query_one(dialog_id).region
            assert unreadable(app, mode, within=dialog) == [], dialog_id
        await pilot.press("escape", "slash", "r")  # the filter input
        await pilot.pause()
        assert unreadable(app, mode) == []


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


@pytest.mark.parametrize("mode", list(MODES))
async def test_wizard_readable(tmp_path: Path, local_index: LocalIndex, mode: str) -> None:
    root = seed(tmp_path / "app")
    app = MigrateApp(root, env=app_environ(local_index, **MODES[mode]))
    async with app.run_test(size=(80, 24)) as pilot:
        await _wizard_at(pilot, "found")
        assert unreadable(app, mode) == []
        await pilot.press("enter")
        await _wizard_at(pilot, "choices")
        assert unreadable(app, mode) == []
        await pilot.press("enter")
        await _wizard_at(pilot, "preview")
        await pilot.press("down", "down")  # the Dockerfile's diff
        assert unreadable(app, mode) == []
        await pilot.press("w")
        assert unreadable(app, mode) == []
