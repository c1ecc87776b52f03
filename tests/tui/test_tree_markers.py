"""The lock tree marks outdated packages as the table does (`uv tree --outdated` style)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.tui_app import screen_lines, settle
from uvtui.tui.formatting import is_outdated, update_cell
from uvtui.tui.widgets.dependency_table import DependencyTable
from uvtui.tui.widgets.lock_tree import LockTree, PackageNode

SIZES = [(80, 24), (120, 40)]


def package_nodes(tree: LockTree):  # type: ignore[no-untyped-def]
    return [n for n in tree._tree_nodes.values() if isinstance(n.data, PackageNode)]


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
async def test_tree_nodes_carry_the_tables_markers(
    shop: Path, make_app, size: tuple[int, int]
) -> None:
    async with make_app(shop).run_test(size=size) as pilot:
        screen = await settle(pilot)
        tree = screen.query_one(LockTree)
        table = screen.query_one(DependencyTable)
        rows = {(row.name, row.locked): row for row in table.all_rows}
        flask = next(n for n in package_nodes(tree) if n.data.package.name == "flask")
        tree.focus()
        tree.move_cursor(flask)
        await pilot.press("space")  # built on expand: markers from the answers already in
        await pilot.pause()
        nodes = package_nodes(tree)
        assert len(nodes) > len(table.visible_rows)
        for node in nodes:
            row = rows[node.data.package.key]
            label = node.label
            marker = update_cell(row)
            if is_outdated(row):
                assert marker.plain in label.plain, label.plain
                span = next(s for s in label.spans if label.plain[s.start : s.end] == marker.plain)
                assert str(span.style) == str(marker.style)  # the table's colour
            else:
                assert "⇈" not in label.plain and "⇑" not in label.plain
        assert any("flask 2.3.3 ⇈ major 3.1.0" in line for line in screen_lines(pilot.app))
