"""SVG snapshots of the dependency screen with every marker filled from the local index.

Update them with `uv run pytest tests/tui/test_snapshots.py --snapshot-update` and look at the
report before committing.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot

from tests.support.tui_app import settle


async def _checked(pilot: Pilot[int]) -> None:
    await settle(pilot)


def test_main_screen_120x40(snap_compare, shop: Path, make_app) -> None:
    assert snap_compare(make_app(shop), terminal_size=(120, 40), run_before=_checked)


def test_main_screen_80x24(snap_compare, shop: Path, make_app) -> None:
    assert snap_compare(make_app(shop), terminal_size=(80, 24), run_before=_checked)


def test_transitive_only_outdated_120x40(snap_compare, shop: Path, make_app) -> None:
    async def run_before(pilot: Pilot[int]) -> None:
        await settle(pilot)
        await pilot.press("t", "o")
        pilot.app.clear_notifications()
        await settle(pilot)

    assert snap_compare(make_app(shop), terminal_size=(120, 40), run_before=run_before)
