"""Small things a user trips over: Esc in the wizard's warnings view, the findings count in its
status line, one "Help" in the command palette."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.support.local_index import LocalIndex
from tests.support.migration_trees import seed
from tests.support.tui_app import app_environ, screen_lines, settle
from uvtui.tui.screens.migrate import MigrateApp, MigrateScreen
from uvtui.tui.widgets.diff_view import DiffView

SIZES = [(80, 24), (120, 40)]


def ids(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


async def wizard_at(pilot: Pilot, step: str) -> MigrateScreen:
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
async def test_escape_closes_the_warnings_view_and_counts_match(
    tmp_path: Path, local_index: LocalIndex, size: tuple[int, int]
) -> None:
    root = seed(tmp_path / "app")
    app = MigrateApp(root, env=app_environ(local_index))
    async with app.run_test(size=size) as pilot:
        await wizard_at(pilot, "found")
        await pilot.press("enter")
        await wizard_at(pilot, "choices")
        await pilot.press("enter")
        screen = await wizard_at(pilot, "preview")
        view = screen.query_one(DiffView)
        await pilot.press("w")
        assert view.border_title == "warnings and hints"
        listed = re.findall(r"^(warning|suggestion|info) ", _text(view), flags=re.MULTILINE)
        assert len(listed) == len(screen.plan.findings) > 0  # type: ignore[union-attr]
        status = screen_lines(app)[-2]
        counts = [int(n) for n in re.findall(r"(\d+) (?:warning|suggestion|info)", status)]
        assert sum(counts) == len(listed), status
        await pilot.press("escape")
        assert screen.step == "preview" and view.border_title != "warnings and hints"
        await pilot.press("escape")
        assert screen.step == "choices"


def _text(view: DiffView) -> str:
    from textual.widgets import Static

    return str(view.query_one("#diff-body", Static).render())


@pytest.mark.parametrize("size", SIZES, ids=ids)
async def test_palette_offers_help_once(shop: Path, make_app, size: tuple[int, int]) -> None:
    async with make_app(shop).run_test(size=size) as pilot:
        screen = await settle(pilot)
        titles = [command.title for command in pilot.app.get_system_commands(screen)]
        assert titles.count("Help") + titles.count("Keys") == 1, titles
        await pilot.press("ctrl+p")
        await pilot.press(*"help")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "HelpScreen"
