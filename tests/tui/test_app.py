"""Pilot tests of the dependency screen against a project locked on the local index."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from textual.widgets import Input, Label

from tests.support.local_index import LocalIndex
from tests.support.locked_project import locked_project
from tests.support.tui_app import settle
from uvtui.core.index.client import IndexClient
from uvtui.core.index.config import resolve_indexes
from uvtui.core.project.lock import load_lock
from uvtui.core.project.model import load_project
from uvtui.core.project.outdated import CheckStatus, check_outdated
from uvtui.tui.app import UvtuiApp
from uvtui.tui.screens.confirm import ConfirmScreen
from uvtui.tui.screens.help import HelpScreen
from uvtui.tui.screens.main import MainScreen
from uvtui.tui.screens.why import WhyScreen
from uvtui.tui.widgets.dependency_table import DependencyTable, row_key
from uvtui.tui.widgets.details import DetailsPanel
from uvtui.tui.widgets.header import ProjectHeader
from uvtui.tui.widgets.lock_tree import LockTree, PackageNode
from uvtui.tui.widgets.problem import ProblemPanel
from uvtui.tui.widgets.status import StatusLine

SIZE = (120, 40)
DIRECT = 8  # direct dependencies of the test project


def plain(widget: object) -> str:
    """The text a Static-like widget shows, without styles."""
    console = Console(width=200, record=True, color_system=None)
    console.print(widget.content)  # type: ignore[attr-defined]
    return console.export_text()


def status_text(screen: MainScreen) -> str:
    return str(screen.query_one("#status-text", Label).content)


def names(table: DependencyTable) -> list[str]:
    return [row.name for row in table.visible_rows]


def select(table: DependencyTable, name: str) -> None:
    table.move_cursor(row=names(table).index(name), animate=False)


async def test_markers_filled_from_local_index(shop: Path, make_app) -> None:
    app = make_app(shop)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        table = screen.query_one(DependencyTable)
        assert sorted(names(table)) == [
            "demo-a", "demo-c", "flask", "gunicorn", "psycopg", "pytest", "redis", "ruff",
        ]  # fmt: skip
        rows = {row.name: row for row in table.visible_rows}
        assert all(row.status is CheckStatus.CHECKED for row in rows.values())
        assert rows["flask"].latest == "3.1.0"
        assert rows["flask"].groups == ("main",)
        assert rows["pytest"].groups == ("dev",)
        assert rows["demo-c"].yanked
        assert "checked" in status_text(screen)
        assert "shop" in plain(screen.query_one(ProjectHeader))
        assert "✓ uv.lock" in plain(screen.query_one(ProjectHeader))


async def test_tab_moves_between_panes(shop: Path, make_app) -> None:
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        assert isinstance(screen.focused, DependencyTable)
        await pilot.press("tab")
        assert isinstance(screen.focused, LockTree)
        await pilot.press("tab")
        assert isinstance(screen.focused, DetailsPanel)
        await pilot.press("shift+tab", "shift+tab")
        assert isinstance(screen.focused, DependencyTable)


async def test_filter_by_name_and_escape_clears(shop: Path, make_app) -> None:
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        table = screen.query_one(DependencyTable)
        await pilot.press("slash")
        assert isinstance(screen.focused, Input)
        await pilot.press("r", "e", "d")
        assert names(table) == ["redis"]
        await pilot.press("escape")
        assert len(names(table)) == DIRECT
        assert not screen.query_one("#filter").display
        assert screen.focused is table


async def test_only_outdated_and_transitive_toggles(shop: Path, make_app) -> None:
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        table = screen.query_one(DependencyTable)
        await pilot.press("t")
        everything = names(table)
        assert "werkzeug" in everything and "markupsafe" in everything
        await pilot.press("o")
        outdated = table.visible_rows
        assert outdated and len(outdated) < len(everything)
        assert all(row.update is not None or row.yanked for row in outdated)
        assert "werkzeug" not in names(table)  # locked at the newest release
        await pilot.press("o", "t")
        assert len(names(table)) == DIRECT


async def test_sort_by_key_and_header_click(shop: Path, make_app) -> None:
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        table = screen.query_one(DependencyTable)
        assert names(table) == sorted(names(table))
        await pilot.press("s")
        assert table.sort_column == "group"
        groups = [row.groups for row in table.visible_rows]
        assert groups == sorted(groups)
        await pilot.click(DependencyTable, offset=(2, 1))  # the "Name" header: back to names
        assert table.sort_column == "name"
        await pilot.click(DependencyTable, offset=(2, 1))  # again: reversed
        assert names(table) == sorted(names(table), reverse=True)


async def test_details_panel_for_selected_package(shop: Path, make_app) -> None:
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        table = screen.query_one(DependencyTable)
        select(table, "flask")
        await settle(pilot)
        text = plain(screen.query_one("#details-body"))
        assert "flask 2.3.3" in text
        assert "A simple framework for building complex web applications." in text  # the index's
        assert "https://flask.palletsprojects.com/" in text  # JSON metadata
        versions = [
            line.split()[0] for line in text.split("Versions")[1].splitlines() if line.strip()
        ]
        assert versions[:4] == ["3.1.0", "3.0.3", "3.0.0", "2.3.3"]  # newest first
        assert "● locked" in text
        assert "Required by" in text and "shop" in text.split("Required by")[1]


NARROWED = """\
[project]
name = "narrowed"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = ["click>=8.1", "redis>=4,<5"]

[tool.uv]
package = false
constraint-dependencies = ["click==8.1.7"]
override-dependencies = ["redis>=4"]
"""


async def test_details_say_what_holds_a_package_back(
    local_index: LocalIndex, tmp_path: Path, make_app
) -> None:
    root = locked_project(tmp_path / "narrowed", NARROWED, local_index)
    async with make_app(root).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        table = screen.query_one(DependencyTable)
        select(table, "click")
        await settle(pilot)
        text = plain(screen.query_one("#details-body"))
        assert "uv applies  constraint ==8.1.7" in text
        assert "held by     constraint ==8.1.7 (keeps 8.1.8 out)" in text
        select(table, "redis")
        await settle(pilot)
        text = plain(screen.query_one("#details-body"))
        assert "uv applies  override >=4 (replaces the declarations)" in text
        assert "held by" not in text
        assert str(table_cell(screen, "redis", "compatible")) == "6.2.0"


async def test_yanked_version_marked_in_details(shop: Path, make_app) -> None:
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        select(screen.query_one(DependencyTable), "demo-c")
        await settle(pilot)
        text = plain(screen.query_one("#details-body"))
        assert "⚠ yanked" in text
        assert "⚠ yanked" in str(table_cell(screen, "demo-c", "update"))


def table_cell(screen: MainScreen, name: str, column: str) -> object:
    table = screen.query_one(DependencyTable)
    row = next(row for row in table.visible_rows if row.name == name)
    return table.get_cell(row_key(row), column)


async def test_tree_expands_lazily(shop: Path, make_app) -> None:
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        tree = screen.query_one(LockTree)
        main_group = next(node for node in tree.root.children if str(node.label) == "main")
        flask = next(
            node
            for node in main_group.children
            if isinstance(node.data, PackageNode) and node.data.package.name == "flask"
        )
        assert not flask.children  # not built until expanded
        tree.focus()
        tree.move_cursor(flask)
        await pilot.press("space")
        children = {str(child.label).split()[0] for child in flask.children}
        assert {"werkzeug", "jinja2", "click"} <= children


async def test_why_shows_chains_to_the_project(shop: Path, make_app) -> None:
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        table = screen.query_one(DependencyTable)
        await pilot.press("t")
        select(table, "markupsafe")
        await pilot.press("w")
        assert isinstance(pilot.app.screen, WhyScreen)
        text = plain(pilot.app.screen.query_one("#why-body"))
        assert "Why is markupsafe" in text
        assert "shop 0.1.0 → flask 2.3.3 → werkzeug" in text
        await pilot.press("escape")
        assert pilot.app.screen is screen


async def test_malformed_pyproject_shows_message_and_writes_nothing(
    tmp_path: Path, make_app
) -> None:
    root = tmp_path / "broken"
    root.mkdir()
    original = b'[project]\nname = "broken"\ndependencies = ["flask>=2",\n'
    (root / "pyproject.toml").write_bytes(original)
    async with make_app(root).run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        text = plain(screen.query_one(ProblemPanel))
        assert "Cannot open this project" in text
        assert "Traceback" not in text
        assert not screen.query(DependencyTable)
        await pilot.press("o", "t", "w")  # pane keys do nothing here
    assert (root / "pyproject.toml").read_bytes() == original
    assert sorted(p.name for p in root.iterdir()) == ["pyproject.toml"]


async def test_pip_project_panel(tmp_path: Path, make_app) -> None:
    root = tmp_path / "legacy"
    root.mkdir()
    (root / "requirements.txt").write_text("flask==2.3.3\n")
    (root / "requirements-dev.txt").write_text("-r requirements.txt\npytest\n")
    async with make_app(root).run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = plain(pilot.app.screen.query_one(ProblemPanel))
        assert "requirements.txt" in text and "requirements-dev.txt" in text
        assert "press M to migrate" in text.replace("Press", "press")
        await pilot.press("M")
        await pilot.pause()
        assert type(pilot.app.screen).__name__ == "MigrateScreen"


async def test_index_failure_marks_rows_unknown(
    shop: Path, make_app, local_index: LocalIndex
) -> None:
    with local_index.fault("500"):
        async with make_app(shop).run_test(size=SIZE) as pilot:
            screen = await settle(pilot)
            rows = screen.query_one(DependencyTable).visible_rows
            assert rows and all(row.status is CheckStatus.UNKNOWN for row in rows)
            assert all("? unknown" in str(table_cell(screen, r.name, "update")) for r in rows)
            assert "unknown" in status_text(screen)
            await pilot.press("slash", "f", "l")  # still usable
            assert names(screen.query_one(DependencyTable)) == ["flask"]


async def test_missing_lock_shows_declared_and_hint(shop: Path, make_app) -> None:
    (shop / "uv.lock").unlink()
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        assert "no uv.lock — press L to lock" in plain(screen.query_one(ProjectHeader))
        assert len(names(screen.query_one(DependencyTable))) == DIRECT
        await pilot.press("L")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")
        assert pilot.app.screen is screen
    assert not (shop / "uv.lock").exists()


async def test_lock_key_runs_uv_lock_after_confirmation(shop: Path, make_app) -> None:
    (shop / "uv.lock").unlink()
    pyproject = (shop / "pyproject.toml").read_bytes()
    async with make_app(shop).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("L", "y")
        for _ in range(200):  # uv runs in a worker; the screen reloads when it is done
            await pilot.pause(0.05)
            if pilot.app.screen_stack[0].loaded.lock is not None:
                break
        screen = await settle(pilot)
        assert "✓ uv.lock" in plain(screen.query_one(ProjectHeader))
        assert screen.query_one(LockTree).root.children
    assert (shop / "uv.lock").exists()
    assert (shop / "pyproject.toml").read_bytes() == pyproject


async def test_stale_lock_says_why(shop: Path, make_app) -> None:
    pyproject = shop / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace("redis==4.6.0", "redis==5.0.1"))
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        header = plain(screen.query_one(ProjectHeader))
        assert "⚠ uv.lock is stale" in header and "redis" in header


async def test_prerelease_toggle_rejudges_without_network(
    shop: Path, make_app, local_index: LocalIndex
) -> None:
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        table = screen.query_one(DependencyTable)
        assert next(r for r in table.visible_rows if r.name == "demo-a").latest == "2.0"
        requests = local_index.request_count
        await pilot.press("p")
        assert next(r for r in table.visible_rows if r.name == "demo-a").latest == "3.0a1"
        await pilot.press("p")
        assert next(r for r in table.visible_rows if r.name == "demo-a").latest == "2.0"
        assert local_index.request_count == requests


async def test_offline_answers_from_cache_only(
    shop: Path, make_app, local_index: LocalIndex
) -> None:
    async with make_app(shop, offline=True).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)  # empty cache: nothing known
        rows = screen.query_one(DependencyTable).visible_rows
        assert all(row.status is CheckStatus.UNKNOWN for row in rows)
        assert status_text(screen).startswith("offline")
    async with make_app(shop).run_test(size=SIZE) as pilot:
        await settle(pilot)  # fills the cache
    requests = local_index.request_count
    async with make_app(shop, offline=True).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        rows = screen.query_one(DependencyTable).visible_rows
        assert all(row.status is CheckStatus.CHECKED for row in rows)
    assert local_index.request_count == requests


async def test_command_palette_runs_main_actions(shop: Path, make_app) -> None:
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"only outdated")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.query_one(DependencyTable).only_outdated


async def test_help_screen_lists_keys(shop: Path, make_app) -> None:
    async with make_app(shop).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        text = "\n".join(plain(static) for static in pilot.app.screen.query("Static"))
        for description in ("Filter packages by name", "Show only outdated", "Quit uvtui"):
            assert description in text
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, MainScreen)


async def test_recheck_key_runs_again(shop: Path, make_app, local_index: LocalIndex) -> None:
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        before = len(local_index.requests_for("flask"))
        await pilot.press("r")
        await settle(pilot)
        assert len(local_index.requests_for("flask")) >= before
        assert "checked" in status_text(screen)
        assert screen.query_one(StatusLine)


async def test_r_reloads_after_the_error_is_fixed(shop: Path, make_app) -> None:
    pyproject = shop / "pyproject.toml"
    good = pyproject.read_text()
    pyproject.write_text(good.replace("[project]", "[project", 1))
    async with make_app(shop).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert pilot.app.screen.query(ProblemPanel)
        pyproject.write_text(good)
        await pilot.press("r")
        screen = await settle(pilot)
        assert not screen.query(ProblemPanel)
        assert len(names(screen.query_one(DependencyTable))) == DIRECT


async def test_large_lock_paints_lazily_and_shows_forks(tmp_path: Path) -> None:
    root = Path(__file__).parents[1] / "fixtures" / "large-data"
    app = UvtuiApp(root, offline=True, environ={}, cache_dir=tmp_path / "cache")
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        tree = screen.query_one(LockTree)
        locked = len(screen.loaded.lock.packages)
        assert locked > 300
        assert len(tree._tree_nodes) < 100  # only the project's own edges are built
        table = screen.query_one(DependencyTable)
        bokeh = [row for row in table.visible_rows if row.name == "bokeh"]
        assert len(bokeh) == 2 and all(row.marker for row in bokeh)
        names_cell = {str(table.get_cell(row_key(row), "name")) for row in bokeh}
        assert names_cell == {"bokeh ; python < '3.12'", "bokeh ; python >= '3.12'"}
        await pilot.press("t")
        assert len(table.visible_rows) == len(table.all_rows) > 300
        select(table, "numpy")
        await pilot.press("w")
        assert isinstance(pilot.app.screen, WhyScreen)


async def test_details_marks_prereleases(shop: Path, make_app) -> None:
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        select(screen.query_one(DependencyTable), "demo-a")
        await settle(pilot)
        text = plain(screen.query_one("#details-body"))
        assert "3.0a1" in text.split("Versions")[1].splitlines()[1]
        assert "pre-release" in text


async def test_first_frame_layout_and_focus(shop: Path, make_app) -> None:
    """Wide terminals put tree and details beside the table from the first frame on; resizing
    switches the layout; the table has the focus from the start."""
    app = make_app(shop)
    async with app.run_test(size=(160, 40)) as pilot:
        screen = app.screen_stack[0]
        assert isinstance(screen, MainScreen)
        assert screen.has_class("-wide") and not screen.has_class("-narrow")
        assert isinstance(screen.focused, DependencyTable)
        table, tree = screen.query_one(DependencyTable), screen.query_one(LockTree)
        await pilot.pause()
        assert table.region.y == tree.region.y  # side by side
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert screen.has_class("-narrow") and not screen.has_class("-wide")
        assert tree.region.y > table.region.y  # below the table
        await settle(pilot)


async def test_column_widths_fit_cells_after_answers(shop: Path, make_app) -> None:
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        table = screen.query_one(DependencyTable)
        await pilot.press("t")
        for key, column in table.columns.items():
            widest = max(cell.cell_len for cell in table.get_column(key))
            if key.value == "update":
                assert column.width >= widest
            else:  # the label has room for the sort arrow
                assert column.width == max(widest, len(str(column.label).rstrip(" ▲▼")) + 2)
        assert table.get_cell(row_key(table.visible_rows[0]), "latest").cell_len > 0


async def test_screen_rows_are_the_cores_rows(
    shop: Path, make_app, local_index: LocalIndex, tmp_path: Path
) -> None:
    """The screen shows what `check_outdated` (the CLI's check) gives, exclude-newer included."""
    lock_file = shop / "uv.lock"
    text = lock_file.read_text()
    head, _, rest = text.partition("\n\n")
    lock_file.write_text(f'{head}\n\n[options]\nexclude-newer = "2024-03-15T00:00:00Z"\n\n{rest}')
    async with make_app(shop).run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        shown = sorted(screen.query_one(DependencyTable).all_rows, key=row_key)
        header = plain(screen.query_one(ProjectHeader))
    project = load_project(shop)
    settings = resolve_indexes(project, local_index.uv_env())
    with IndexClient(settings, cache_dir=tmp_path / "core-cache") as client:
        expected = check_outdated(project, load_lock(shop), client, environ=local_index.uv_env())
    assert shown == sorted(expected, key=row_key)
    flask = next(row for row in shown if row.name == "flask")
    assert (flask.latest, flask.newer_excluded) == ("3.0.0", ("3.1.0", "2024-04-30T00:00:00+00:00"))
    assert "exclude-newer 2024-03-15 00:00 UTC" in header
