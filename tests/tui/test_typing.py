"""Keys typed faster than the screen redraws (a paste, a fast typist) all reach their widget."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from tests.support.tui_app import settle
from uvtui.tui.widgets.dependency_table import DependencyTable

SIZES = [(80, 24), (120, 40)]


async def burst(pilot: Pilot, keys: list[tuple[str, str]]) -> None:
    """Queue every (key, character) at once, as a terminal delivers a paste: no pause between."""
    for key, character in keys:
        pilot.app.post_message(events.Key(key, character))
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
async def test_filter_typed_in_one_burst(shop: Path, make_app, size: tuple[int, int]) -> None:
    async with make_app(shop).run_test(size=size) as pilot:
        screen = await settle(pilot)
        await burst(pilot, [("slash", "/"), ("r", "r"), ("e", "e"), ("d", "d")])
        await settle(pilot)
        assert screen.query_one("#filter", Input).value == "red"
        assert [row.name for row in screen.query_one(DependencyTable).visible_rows] == ["redis"]
        await burst(
            pilot, [("escape", "\x1b"), ("slash", "/"), ("f", "f"), ("l", "l"), ("enter", "\r")]
        )
        table = screen.query_one(DependencyTable)
        assert [row.name for row in table.visible_rows] == ["flask"]
        assert screen.focused is table
