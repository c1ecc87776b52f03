"""What the screen says about its own state: active filters, a project without uv.lock."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Label, Static

from tests.support.tui_app import screen_lines, settle
from uvtui.tui.widgets.dependency_table import DependencyTable, row_key

SIZES = [(80, 24), (120, 40)]


def plain_text(renderable: object) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


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


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
async def test_without_lock_rows_are_not_current(
    shop: Path, make_app, size: tuple[int, int]
) -> None:
    (shop / "uv.lock").unlink()
    async with make_app(shop).run_test(size=size) as pilot:
        screen = await settle(pilot)
        table = screen.query_one(DependencyTable)
        updates = {str(table.get_cell(row_key(row), "update")) for row in table.visible_rows}
        assert updates == {"○ not locked"}
        flask = next(row for row in table.visible_rows if row.name == "flask")  # ==2.3.3
        assert (flask.latest_compatible, flask.latest) == ("2.3.3", "3.1.0")
        table.move_cursor(row=table.visible_rows.index(flask), animate=False)
        await settle(pilot)
        details = plain_text(screen.query_one("#details-body", Static).content)
        assert "○ not locked · uv lock would pick 2.3.3" in details
        status = str(screen.query_one("#status-text", Label).content)
        assert "press L to lock" in status
        assert "✓ current" not in "\n".join(screen_lines(pilot.app))
        await pilot.press("o")  # constraints that keep the latest out count as outdated
        assert "flask" in [row.name for row in table.visible_rows]
