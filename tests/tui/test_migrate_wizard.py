"""The migrate wizard with the real uv against the local index, driven by Textual's Pilot."""

from __future__ import annotations

import asyncio
import io
import time
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Checkbox, Input, SelectionList, Static

from tests.support.local_index import LocalIndex
from tests.support.migration_trees import (
    FLASK_FREEZE,
    PYTHON,
    flask_with_freeze,
    seed,
    tree_state,
    write_tree,
)
from tests.support.tui_app import app_environ
from uvtui.core.changes import BACKUP_DIR
from uvtui.core.migrate.plan import MigrationPlan
from uvtui.tui.screens.main import MainScreen
from uvtui.tui.screens.migrate import Choices, MigrateApp, MigrateScreen
from uvtui.tui.widgets.diff_view import DiffView

SIZE = (120, 40)


@pytest.fixture
def env(local_index: LocalIndex) -> dict[str, str]:
    return app_environ(local_index)


async def until(pilot: Pilot, condition, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause()
        if condition():
            await pilot.pause()
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the wizard did not get there in time")


def wizard(pilot: Pilot) -> MigrateScreen:
    screen = pilot.app.screen_stack[-1]
    if not isinstance(screen, MigrateScreen):
        screen = next(s for s in pilot.app.screen_stack if isinstance(s, MigrateScreen))
    return screen


async def at_step(pilot: Pilot, step: str) -> MigrateScreen:
    await until(pilot, lambda: wizard(pilot).step == step and not wizard(pilot).planning)
    return wizard(pilot)


def body(screen: MigrateScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def drifted(plan: MigrationPlan) -> bool:
    return any(row.status == "drift" for row in plan.drift)


def diff_shown(screen: MigrateScreen) -> str:
    return str(screen.query_one(DiffView).query_one("#diff-body", Static).render())


async def test_found_step_shows_files_stages_python_user_target(tmp_path: Path, env: dict) -> None:
    root = seed(tmp_path / "app")
    async with MigrateApp(root, env=env).run_test(size=SIZE) as pilot:
        screen = await at_step(pilot, "found")
        found = body(screen, "#found-body")
        assert "requirements.txt  main → [project].dependencies" in found
        assert "Dockerfile" in found and "stages: 0" in found
        assert "runs as: python (home /home/python)" in found
        assert "pip installs into: /home/python/.local (--user)" in found
        assert "UV_PROJECT_ENVIRONMENT=/home/python/.local" in found
        assert "via bin/pip3-install" in found
        assert f"Python {screen.plan.python_version}" in found  # type: ignore[union-attr]


async def test_diff_step_shows_each_file(tmp_path: Path, env: dict) -> None:
    root = seed(tmp_path / "app")
    async with MigrateApp(root, env=env).run_test(size=SIZE) as pilot:
        await at_step(pilot, "found")
        await pilot.press("enter", "enter")
        screen = await at_step(pilot, "preview")
        plan = screen.plan
        assert plan is not None
        files = screen.query_one(SelectionList)
        assert [files.get_option_at_index(i).value for i in range(files.option_count)] == list(
            plan.change_plan.paths
        )
        for index, path in enumerate(plan.change_plan.paths):
            files.highlighted = index
            await pilot.pause()
            shown = diff_shown(screen)
            if path == "uv.lock":
                assert "packages locked" in shown
            else:
                assert f"diff --git a/{path} b/{path}" in shown
        assert "bin/uv-install" in plan.change_plan.paths
        await pilot.press("w")
        assert "Warnings and hints" in diff_shown(screen)


async def test_allowing_upgrades_plans_again(tmp_path: Path, env: dict) -> None:
    root = flask_with_freeze(tmp_path / "app")
    before = tree_state(root)
    async with MigrateApp(root, env=env).run_test(size=SIZE) as pilot:
        await at_step(pilot, "found")
        await pilot.press("enter")
        screen = await at_step(pilot, "choices")
        first = screen.plan
        assert first is not None and not drifted(first)
        await pilot.press("space")  # the focused "keep the resolved versions" box
        await until(pilot, lambda: screen.plan is not first and not screen.planning)
        assert screen.choices.keep_pins is False
        assert screen.plan is not None and drifted(screen.plan)
        await pilot.press("enter")
        screen = await at_step(pilot, "preview")
        files = screen.query_one(SelectionList)
        files.highlighted = list(screen.plan.change_plan.paths).index("uv.lock")  # type: ignore[union-attr]
        await pilot.pause()
        assert "flask" in diff_shown(screen) and "→" in diff_shown(screen)
    assert tree_state(root) == before


async def test_apply_writes_the_selected_files_and_undo_restores(tmp_path: Path, env: dict) -> None:
    root = seed(tmp_path / "app")
    before = tree_state(root)
    async with MigrateApp(root, env=env).run_test(size=SIZE) as pilot:
        await at_step(pilot, "found")
        await pilot.press("enter", "enter")
        screen = await at_step(pilot, "preview")
        plan = screen.plan
        assert plan is not None
        paths = list(plan.change_plan.paths)
        files = screen.query_one(SelectionList)
        files.highlighted = paths.index(".dockerignore")
        await pilot.press("space")
        files.highlighted = paths.index("uv.lock")
        await pilot.press("space")  # refused: written together with pyproject.toml
        assert "uv.lock" in files.selected and ".dockerignore" not in files.selected
        await pilot.press("a")
        await pilot.press("y")
        screen = await at_step(pilot, "done")
        assert "Migrated to uv" in body(screen, "#done-body")
        for change in plan.change_plan.changes:
            written = root / change.path
            if change.path == ".dockerignore":
                assert tree_state(root).get(".dockerignore") == before.get(".dockerignore")
            else:
                assert written.read_bytes() == change.new
        backups = [p for p in (root / BACKUP_DIR).iterdir()]
        assert len(backups) == 1
        assert (backups[0] / "Dockerfile").read_bytes() == before["Dockerfile"][0]
        await pilot.press("u")
        await pilot.pause()
        assert "Migration undone" in body(screen, "#done-body")
    assert tree_state(root, skip_backups=True) == before


async def test_refusal_shows_a_message_and_writes_nothing(tmp_path: Path, env: dict) -> None:
    root = write_tree(tmp_path / "app", {"Pipfile": "[packages]\nflask = '*'\n"})
    (root / "requirements.txt").write_text("flask\n")
    before = tree_state(root)
    async with MigrateApp(root, env=env).run_test(size=SIZE) as pilot:
        screen = await at_step(pilot, "message")
        message = body(screen, "#message-body")
        assert "R2" in message and "Nothing was written" in message
        await pilot.press("escape")
        await pilot.pause()
    assert pilot.app.return_value == 0
    assert tree_state(root) == before


@pytest.mark.parametrize("presses", [0, 1, 2])
async def test_cancel_at_any_step_writes_nothing(tmp_path: Path, env: dict, presses: int) -> None:
    root = seed(tmp_path / "app")
    before = tree_state(root)
    async with MigrateApp(root, env=env).run_test(size=SIZE) as pilot:
        await at_step(pilot, "found")
        for _ in range(presses):
            await pilot.press("enter")
        await at_step(pilot, ["found", "choices", "preview"][presses])
        if presses == 2:
            await pilot.press("a", "n")  # the confirm says no
        for _ in range(presses + 1):
            await pilot.press("escape")
        await pilot.pause()
        assert not pilot.app.is_running or pilot.app.return_value == 0
    assert tree_state(root) == before


async def test_main_screen_opens_the_wizard_and_reloads_after_apply(
    tmp_path: Path, make_app
) -> None:
    root = seed(tmp_path / "app")
    before = tree_state(root)
    app = make_app(root)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Migrate to uv" in titles and "Undo last migration" not in titles
        await pilot.press("M")
        screen = await at_step(pilot, "found")
        assert pilot.app.screen is screen
        await pilot.press("question_mark")  # help lists the wizard's keys, not the main screen's
        keys_table = pilot.app.screen.query_one("#help-dialog").query(Static)[1].content
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(keys_table)
        help_text = console.export_text()
        assert "Write the selected files" in help_text and "only outdated" not in help_text
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is screen)
        await pilot.press("enter", "enter")
        await at_step(pilot, "preview")
        await pilot.press("a", "enter")  # enter presses the focused Write button
        await at_step(pilot, "done")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(pilot.app.screen, MigrateScreen))
        main = pilot.app.screen
        assert isinstance(main, MainScreen) and main.has_panes  # now a uv project
        undo = next(
            command
            for command in app.get_system_commands(main)
            if command.title == "Undo last migration"
        )
        undo.callback()
        await until(pilot, lambda: not main.has_panes)  # the pip project panel again
    assert tree_state(root, skip_backups=True) == before


def test_diff_step_snapshot_120x40(snap_compare, tmp_path: Path, env: dict) -> None:
    """The preview step on the seed layout; regenerate with --snapshot-update and look first."""
    root = seed(tmp_path / "app")

    async def run_before(pilot: Pilot) -> None:
        await at_step(pilot, "found")
        await pilot.press("enter", "enter")
        await at_step(pilot, "preview")
        await pilot.press("down", "down")  # the Dockerfile's minimal splice

    app = MigrateApp(root, env=env, choices=Choices(uv_version="0.13.9"))
    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


async def test_several_freeze_files_ask_which_to_keep(tmp_path: Path, env: dict) -> None:
    root = write_tree(
        tmp_path / "app",
        {
            "requirements.txt": "Flask>=3\n",
            "requirements-lock.txt": FLASK_FREEZE,
            "requirements-frozen.txt": FLASK_FREEZE.replace("Flask==3.0.0", "Flask==3.0.3"),
            ".python-version": f"{PYTHON}\n",
        },
    )
    before = tree_state(root)
    async with MigrateApp(root, env=env).run_test(size=SIZE) as pilot:
        screen = await at_step(pilot, "message")
        assert "requirements-lock.txt" in body(screen, "#message-body")
        await pilot.press("down", "enter")  # the second file: requirements-lock.txt
        screen = await at_step(pilot, "found")
        assert screen.choices.freeze_choice == ("requirements-lock.txt",)
        assert "requirements-lock.txt  freeze/lock file" in body(screen, "#found-body")
        await pilot.press("escape")
    assert tree_state(root) == before


async def test_environment_target_and_delete_requirements_plan_again(
    tmp_path: Path, env: dict
) -> None:
    root = seed(tmp_path / "app")
    before = tree_state(root)
    async with MigrateApp(root, env=env).run_test(size=SIZE) as pilot:
        await at_step(pilot, "found")
        await pilot.press("enter")
        screen = await at_step(pilot, "choices")
        first = screen.plan
        screen.query_one("#project-env", Input).value = "/opt/venv"
        screen.query_one("#remove-reqs", Checkbox).value = True  # plans again at once
        await pilot.pause()
        await pilot.press("enter")  # plans again for the changed target, then shows the preview
        screen = await at_step(pilot, "preview")
        assert screen.choices.project_env == "/opt/venv" and screen.choices.remove_requirements
        plan = screen.plan
        assert plan is not None and plan is not first
        assert (
            'UV_PROJECT_ENVIRONMENT="/opt/venv"' in plan.change_plan.change_for("Dockerfile").diff()
        )
        deleted = plan.change_plan.change_for("requirements.txt")
        assert deleted is not None and deleted.kind == "delete"
        files = screen.query_one(SelectionList)
        labels = [str(files.get_option_at_index(i).prompt) for i in range(files.option_count)]
        assert "requirements.txt (delete)" in labels
        await pilot.press("escape", "escape", "escape")
    assert tree_state(root) == before


async def test_a_failed_replan_keeps_the_plan_shown(tmp_path: Path, env: dict) -> None:
    root = seed(tmp_path / "app")
    async with MigrateApp(root, env=env).run_test(size=SIZE) as pilot:
        await at_step(pilot, "found")
        await pilot.press("enter")
        screen = await at_step(pilot, "choices")
        first = screen.plan
        screen.query_one("#uv-version", Input).value = "0.13"
        await pilot.press("enter")
        screen = await at_step(pilot, "message")
        assert "full X.Y.Z" in body(screen, "#message-body")
        assert screen.plan is first and screen.choices.uv_version is None
        await pilot.press("escape")  # back to the choices, the plan shown is still valid
        screen = await at_step(pilot, "choices")
        screen.query_one("#uv-version", Input).value = "0.13.8"
        await pilot.press("enter")
        screen = await at_step(pilot, "preview")
        assert screen.plan is not None and screen.plan.uv_version == "0.13.8"


async def test_dev_requirements_can_go_to_another_group_or_an_extra(
    tmp_path: Path, env: dict
) -> None:
    files = {
        "requirements.txt": "demo-a==1.1\n",
        "requirements-dev.txt": "-r requirements.txt\ndemo-c==1.1\n",
        ".python-version": f"{PYTHON}\n",
    }
    root = write_tree(tmp_path / "app", files)
    async with MigrateApp(root, env=env).run_test(size=SIZE) as pilot:
        await at_step(pilot, "found")
        await pilot.press("enter")
        screen = await at_step(pilot, "choices")
        assert screen.query_one("#dev-name", Input).value == "dev"
        assert screen.choices.dev_target is None
        screen.query_one("#dev-name", Input).value = "tests"
        screen.query_one("#dev-extra", Checkbox).value = True  # plans again at once
        await pilot.pause()
        await pilot.press("enter")
        screen = await at_step(pilot, "preview")
        assert screen.plan is not None
        assert (screen.plan.dev_target.name, screen.plan.dev_target.extra) == ("tests", True)
        pyproject = screen.plan.change_plan.change_for("pyproject.toml")
        assert pyproject is not None
        assert "[project.optional-dependencies]\ntests = [" in pyproject.new.decode()
