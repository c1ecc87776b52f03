"""What the screen says about its own state: active filters, a project without uv.lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.tui_app import screen_lines, settle
from uvtui.tui.widgets.dependency_table import DependencyTable

SIZES = [(80, 24), (120, 40)]


def table_title(app) -> str:  # type: ignore[no-untyped-def]
    """The table's top border line as drawn."""
    table = app.screen.query_one(DependencyTable)
    return screen_lines(app)[table.region.y]


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
async def test_active_filters_stay_visible(shop: Path, make_app, size: tuple[int, int]) -> None:
    async with make_app(shop).run_test(size=size) as pilot:
        await settle(pilot)
        assert "direct 8/8" in table_title(pilot.app)
        await pilot.press("o")
        assert "only outdated" in table_title(pilot.app)
        await pilot.press("t")
        assert "direct + transitive" in table_title(pilot.app)
        await pilot.press("p")
        assert "pre-releases" in table_title(pilot.app)
        await pilot.press("slash", "r", "e", "enter")
        await pilot.pause()
        title = table_title(pilot.app)
        assert "only outdated" in title and "filter “re”" in title, title
        await pilot.press("o", "t", "p", "escape")
        await pilot.pause()
        title = table_title(pilot.app)
        assert "direct 8/8" in title
        assert not {"only outdated", "transitive", "pre-releases", "filter"} & set(
            title.split(" · ")
        )
