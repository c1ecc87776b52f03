"""Mark, bump, review, confirm, cancel, undo on the dependency screen (real uv, local index)."""

from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot

from tests.support.edit_project import edit_project
from tests.support.local_index import LocalIndex
from tests.support.review_plan import ReviewApp
from tests.support.tui_app import settle
from uvtui.tui.screens.changes import MarkedCount
from uvtui.tui.screens.confirm import ConfirmScreen
from uvtui.tui.screens.main import MainScreen
from uvtui.tui.screens.review import ReviewScreen
from uvtui.tui.widgets.dependency_table import DependencyTable, row_key

SIZE = (120, 40)
FILES = ("pyproject.toml", "uv.lock")


@pytest.fixture(scope="module")
def edit_template(local_index: LocalIndex, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return edit_project(tmp_path_factory.mktemp("tui-edits") / "shop", local_index)


@pytest.fixture
def project(edit_template: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(edit_template, tmp_path / "shop"))


def _bytes(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in FILES}


async def until(pilot: Pilot, condition, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause()
        if condition():
            await pilot.pause()
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the screen did not get there in time")


def _select(screen: MainScreen, name: str) -> None:
    table = screen.query_one(DependencyTable)
    row = next(row for row in table.visible_rows if row.name == name)
    table.move_cursor(row=table.get_row_index(row_key(row)))


async def _review(pilot: Pilot, *keys: str) -> ReviewScreen:
    await pilot.press(*keys)
    await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


async def test_marks_and_the_marked_count(project: Path, make_app) -> None:
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        table = screen.query_one(DependencyTable)
        await pilot.press("space")
        assert len(table.marked) == 1
        assert "1 marked" in str(screen.query_one(MarkedCount).render())
        await pilot.press("a")  # every outdated
        outdated = {"demo-a", "flask", "gunicorn", "pytest", "redis"}
        assert {key.split("@")[0] for key in table.marked} == outdated
        await pilot.press("m")  # patch and minor only: demo-a 1.0 -> 1.2.1 compatible
        assert {key.split("@")[0] for key in table.marked} == {"demo-a"}
        assert str(table.get_cell_at((0, 0))).startswith("● demo-a")


async def test_bump_review_cancel_leaves_everything(project: Path, make_app) -> None:
    before = _bytes(project)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        _select(screen, "gunicorn")
        review = await _review(pilot, "b")
        assert review.plan.change_plan.paths == ("uv.lock",)
        assert [c.name for c in review.plan.lock_changes] == ["gunicorn"]
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is screen)
    assert _bytes(project) == before


async def test_bump_latest_confirm_then_undo_and_redo(
    project: Path, make_app, local_index: LocalIndex
) -> None:
    before = _bytes(project)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        _select(screen, "gunicorn")
        review = await _review(pilot, "space", "l")  # marked, then bumped to the latest
        assert '+    "gunicorn>=23,<24",' in review.plan.diff()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))  # uv sync?
        assert screen.refreshed_at is not None
        after = _bytes(project)
        assert '"gunicorn>=23,<24"' in after["pyproject.toml"].decode()
        await pilot.press("n")
        await settle(pilot)
        row = next(r for r in screen.query_one(DependencyTable).all_rows if r.name == "gunicorn")
        assert row.locked == "23.0.0"  # the panes show the new lock
        titles = [command.title for command in app.get_system_commands(screen)]
        assert "Undo bump gunicorn to latest" in titles
        await pilot.press("u")
        await until(pilot, lambda: _bytes(project) == before)
        await pilot.press("R")
        await until(pilot, lambda: _bytes(project) == after)
    # a restart reads the same history from disk
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await until(pilot, lambda: _bytes(project) == before)


async def test_failed_plan_is_a_message_and_nothing_changes(
    project: Path, make_app, local_index: LocalIndex, tmp_path: Path
) -> None:
    before = _bytes(project)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        _select(screen, "gunicorn")
        screen.config.environ["UV_CACHE_DIR"] = str(tmp_path / "cold")  # type: ignore[index]
        with local_index.fault("500"):
            await pilot.press("b")
            await until(pilot, lambda: any("nothing" in n.message for n in app._notifications))
        assert pilot.app.screen is screen
    assert _bytes(project) == before


def test_review_snapshot(snap_compare, tmp_path: Path) -> None:
    assert snap_compare(ReviewApp(tmp_path), terminal_size=(120, 40))


async def test_review_enter_confirms_and_escape_cancels(tmp_path: Path) -> None:
    for key, answer in (("enter", True), ("escape", False)):
        app = ReviewApp(tmp_path)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press(key)
        assert app.return_value is answer


async def test_add_from_the_dialog_to_a_new_group(project: Path, make_app) -> None:
    from textual.widgets import Input, Select

    from uvtui.tui.screens.add_dialog import NEW_GROUP, AddScreen

    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await until(pilot, lambda: isinstance(pilot.app.screen, AddScreen))
        dialog = pilot.app.screen
        dialog.query_one("#add-requirement", Input).value = "python-dotenv"
        dialog.query_one("#add-target", Select).value = NEW_GROUP
        await pilot.pause()
        dialog.query_one("#add-new-group", Input).value = "docs"
        review = await _review(pilot, "enter")
        assert '+docs = [\n+    "python-dotenv>=1.1.0",\n+]' in review.plan.diff()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        await pilot.press("n")
    assert '"python-dotenv>=1.1.0"' in (project / "pyproject.toml").read_text()


async def test_add_dialog_in_a_workspace_chooses_the_member(
    make_app, local_index: LocalIndex, tmp_path: Path
) -> None:
    from textual.widgets import Input, Select

    from tests.support.edit_project import workspace_project
    from uvtui.tui.screens.add_dialog import AddScreen

    root = workspace_project(tmp_path / "site", local_index)
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await until(pilot, lambda: isinstance(pilot.app.screen, AddScreen))
        dialog = pilot.app.screen
        member = dialog.query_one("#add-member", Select)
        assert member.value == "site"  # the root by default
        dialog.query_one("#add-requirement", Input).value = "demo-b"
        member.value = "api"
        await pilot.pause()
        review = await _review(pilot, "enter")
        assert review.plan.change_plan.paths == ("packages/api/pyproject.toml", "uv.lock")
        assert '+dependencies = ["demo-a==1.0", "demo-b>=' in review.plan.diff()
        await pilot.press("escape")


async def test_remove_says_who_still_needs_it(project: Path, make_app) -> None:
    before = _bytes(project)
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        _select(screen, "demo-a")
        review = await _review(pilot, "D")
        assert review.plan.notes == (
            "demo-a stays in uv.lock as a transitive dependency: demo-b still need it.",
        )
        await pilot.press("escape")
    assert _bytes(project) == before


async def test_remove_from_several_groups_asks_which(
    project: Path, make_app, local_index: LocalIndex
) -> None:
    from textual.widgets import SelectionList

    from tests.support.edit_project import uv
    from uvtui.tui.screens.remove_dialog import RemoveScreen

    text = (project / "pyproject.toml").read_text()
    dev = 'dev = ["pytest==7.4.4"]'
    (project / "pyproject.toml").write_text(text.replace(dev, 'dev = ["pytest==7.4.4", "demo-a"]'))
    assert uv(project, local_index, "lock").returncode == 0
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        _select(screen, "demo-a")
        await pilot.press("D")
        await until(pilot, lambda: isinstance(pilot.app.screen, RemoveScreen))
        places = pilot.app.screen.query_one(SelectionList)
        assert places.option_count == 2 and len(places.selected) == 2  # all by default
        assert str(places.get_option_at_index(0).prompt) == "dependencies"
        await pilot.press("space")  # keep it in the dependencies
        review = await _review(pilot, "enter")
        diff = review.plan.diff()
        assert '-dev = ["pytest==7.4.4", "demo-a"]\n+dev = ["pytest==7.4.4"]' in diff
        assert "'demo-a>=1.0,<2'" not in diff
        await pilot.press("escape")


async def test_a_holding_constraint_is_offered_for_rewriting(
    project: Path, make_app, local_index: LocalIndex
) -> None:
    from tests.support.edit_project import uv

    text = (project / "pyproject.toml").read_text()
    extra = "package = false\nconstraint-dependencies = ['gunicorn <23']\n"
    (project / "pyproject.toml").write_text(text.replace("package = false\n", extra))
    assert uv(project, local_index, "lock").returncode == 0
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        _select(screen, "gunicorn")
        await pilot.press("l")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        review = await _review(pilot, "y")
        assert "+constraint-dependencies = ['gunicorn <24']" in review.plan.diff()


async def test_a_compatible_bump_that_cannot_move_names_the_holder(
    project: Path, make_app, local_index: LocalIndex
) -> None:
    from tests.support.edit_project import uv

    text = (project / "pyproject.toml").read_text()
    extra = "package = false\nconstraint-dependencies = ['gunicorn==21.2.0']\n"
    (project / "pyproject.toml").write_text(text.replace("package = false\n", extra))
    assert uv(project, local_index, "lock").returncode == 0
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        _select(screen, "gunicorn")
        await pilot.press("b")
        await until(pilot, lambda: any("held by" in n.message for n in app._notifications))
        (notice,) = [n.message for n in app._notifications if "held by" in n.message]
        assert "23.0.0 is out, held by constraint ==21.2.0." in notice
        assert "l bumps to latest and offers to rewrite the [tool.uv] setting." in notice


async def test_add_dialog_lists_versions_newest_first(project: Path, make_app) -> None:
    from textual.widgets import Input, OptionList

    from uvtui.tui.screens.add_dialog import AddScreen

    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await until(pilot, lambda: isinstance(pilot.app.screen, AddScreen))
        dialog = pilot.app.screen
        await pilot.press(*"demo-c")
        versions = dialog.query_one(OptionList)
        await until(pilot, lambda: versions.display and versions.option_count == 3)
        labels = [str(versions.get_option_at_index(i).prompt) for i in range(3)]
        assert labels == ["1.2  yanked", "1.1", "1.0"]
        versions.highlighted = 1
        versions.action_select()
        await pilot.pause()
        assert dialog.query_one("#add-requirement", Input).value == "demo-c==1.1"
        await pilot.press("escape")


async def test_files_changed_under_the_review_are_planned_again(project: Path, make_app) -> None:
    lock = (project / "uv.lock").read_bytes()
    app = make_app(project)
    async with app.run_test(size=SIZE) as pilot:
        screen = await settle(pilot)
        _select(screen, "gunicorn")
        await _review(pilot, "b")
        edited = (project / "pyproject.toml").read_bytes() + b"# edited meanwhile\n"
        (project / "pyproject.toml").write_bytes(edited)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen))
        assert (project / "uv.lock").read_bytes() == lock  # nothing written
        review = await _review(pilot, "y")  # planned again on the files as they are now
        assert review.plan.change_plan.change_for("uv.lock") is not None
        await pilot.press("escape")
    assert (project / "pyproject.toml").read_bytes() == edited
    assert (project / "uv.lock").read_bytes() == lock
