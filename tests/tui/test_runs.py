"""Runs from the main screen: typed commands and uv actions through the log screen (local)."""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from tests.support.docker import PYTHON_IMAGE, TEST_LABEL, docker_client, require_image
from tests.support.tui_app import settle
from tests.tui.test_log_screen import until
from uvtui.core.containers.discovery import ONEOFF, PROJECT, SERVICE, WORKING_DIR
from uvtui.tui.screens.confirm import ConfirmScreen
from uvtui.tui.screens.log import LogScreen
from uvtui.tui.screens.main import MainScreen
from uvtui.tui.screens.review import ReviewScreen
from uvtui.tui.widgets.header import ProjectHeader
from uvtui.tui.widgets.log_view import LogView


async def test_a_typed_command_runs_locally_in_the_log(shop: Path, make_app) -> None:
    app = make_app(shop)
    async with app.run_test(size=(120, 40)) as pilot:
        main = await settle(pilot)
        await pilot.press("T")
        assert main.run_locally
        assert "runs on local" in str(main.query_one(ProjectHeader).render())
        await pilot.press("x")
        await pilot.press(*"sh -c 'echo hello; pwd'", "enter")
        await until(pilot, lambda: isinstance(app.screen, LogScreen) and not app.screen.running)
        log = app.screen
        assert isinstance(log, LogScreen)
        view = log.query_one(LogView)
        assert [view.plain_line(i) for i in range(view.line_count)] == ["hello", str(shop)]
        assert log.result is not None and log.result.ok
        assert log.result.log_path is not None
        assert log.result.log_path.parent == shop / ".uvtui" / "logs"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, MainScreen))


async def test_uv_lock_locally_reloads_the_screen_when_the_lock_changes(
    shop: Path, make_app
) -> None:
    (shop / "uv.lock").unlink()
    app = make_app(shop)
    async with app.run_test(size=(120, 40)) as pilot:
        main = await settle(pilot)
        assert main.loaded.lock is None
        await pilot.press("T", "K")
        await until(pilot, lambda: isinstance(app.screen, LogScreen) and not app.screen.running)
        assert app.screen.result is not None and app.screen.result.ok
        await pilot.press("escape")
        await until(
            pilot, lambda: isinstance(app.screen, MainScreen) and main.loaded.lock is not None
        )


async def test_the_palette_offers_the_run_commands(shop: Path, make_app) -> None:
    app = make_app(shop)
    async with app.run_test(size=(120, 40)) as pilot:
        main = await settle(pilot)
        titles = {command.title for command in app.get_system_commands(main)}
        assert {"uv lock in the container", "Run a command…", "Build the image"} <= titles
        assert "Run locally instead (toggle)" in titles
        assert "bin/uv-install in the container" not in titles  # the project has no such script


@pytest.mark.docker
async def test_a_lock_changed_in_an_unmounted_container_is_reviewed_copied_back_and_undone(
    shop: Path, make_app
) -> None:
    client = docker_client()
    require_image(client, PYTHON_IMAGE)
    labels = {
        PROJECT: "shop",
        SERVICE: "web",
        WORKING_DIR: str(shop),
        ONEOFF: "False",
        TEST_LABEL: "1",
    }
    container = client.containers.run(
        PYTHON_IMAGE, ["sleep", "600"], detach=True, labels=labels, working_dir="/app"
    )
    original = (shop / "uv.lock").read_text()
    locked = re.search(r'name = "([^"]+)"\nversion = "([^"]+)"\nsource = \{ registry', original)
    assert locked is not None
    name, version = locked.groups()
    changed = original.replace(locked.group(0), locked.group(0).replace(version, "99.0.0"), 1)
    try:
        script = 'cat > uv.lock <<"EOF"\n' + changed + "EOF\n"
        assert container.exec_run(["sh", "-c", script]).exit_code == 0
        app = make_app(shop)
        async with app.run_test(size=(120, 40)) as pilot:
            main = await settle(pilot)
            await main.run_action("copy_lock_back")
            await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
            review = app.screen
            assert isinstance(review, ReviewScreen)
            assert '+version = "99.0.0"' in review.plan.diff()
            table = review.query_one("#review-lock", DataTable)
            assert [str(cell) for cell in table.get_row_at(0)] == [
                name,
                version,
                "99.0.0",
                "upgraded (major)",
            ]
            await pilot.press("enter")
            await until(pilot, lambda: (shop / "uv.lock").read_text() == changed)
            await until(pilot, lambda: isinstance(app.screen, MainScreen))
            await pilot.press("u")
            await until(pilot, lambda: (shop / "uv.lock").read_text() == original)
    finally:
        container.remove(force=True)


@pytest.mark.docker
async def test_build_streams_then_offers_to_recreate_the_app_container(
    shop: Path, make_app
) -> None:
    client = docker_client()
    require_image(client, PYTHON_IMAGE)
    project = f"shop{uuid.uuid4().hex[:8]}"
    image = f"{project}-web"  # the name compose gives the image it builds for `web`
    client.images.get(PYTHON_IMAGE).tag(image)
    (shop / "Dockerfile").write_text(f"FROM {PYTHON_IMAGE}\nRUN echo built-{uuid.uuid4()}\n")
    labels = {
        PROJECT: project,
        SERVICE: "web",
        WORKING_DIR: str(shop),
        ONEOFF: "False",
        TEST_LABEL: "1",
    }
    container = client.containers.run(image, ["sleep", "600"], detach=True, labels=labels)
    try:
        app = make_app(shop)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("B")
            await until(pilot, lambda: isinstance(app.screen, LogScreen) and not app.screen.running)
            log = app.screen
            assert isinstance(log, LogScreen) and log.result is not None and log.result.ok
            view = log.query_one(LogView)
            shown = [view.plain_line(i) for i in range(view.line_count)]
            assert any(line.startswith("built-") for line in shown)
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("n")
    finally:
        container.remove(force=True)
        client.images.remove(image, force=True)


@pytest.mark.docker
async def test_without_a_running_app_container_a_one_off_is_offered_first(
    shop: Path, make_app
) -> None:
    client = docker_client()
    require_image(client, PYTHON_IMAGE)
    labels = {
        PROJECT: "shop",
        SERVICE: "web",
        WORKING_DIR: str(shop),
        ONEOFF: "False",
        TEST_LABEL: "1",
    }
    stopped = client.containers.create(PYTHON_IMAGE, ["true"], labels=labels)
    try:
        app = make_app(shop)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("x", *"cat pyproject.toml", "enter")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            detail = str(app.screen.query_one("#confirm-detail", Static).render())
            assert PYTHON_IMAGE in detail and "docker compose run --rm web" in detail
            await pilot.press("n")
            await until(pilot, lambda: isinstance(app.screen, MainScreen))
            assert any("docker compose up -d web" in n.message for n in app._notifications)

            await pilot.press("x", *"cat pyproject.toml", "enter")
            await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
            await pilot.press("y")
            await until(pilot, lambda: isinstance(app.screen, LogScreen) and not app.screen.running)
            assert app.screen.result is not None and app.screen.result.ok
            view = app.screen.query_one(LogView)
            assert view.plain_line(0) == "[project]"
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, MainScreen))

            await pilot.press("x", *"true", "enter")  # the yes holds: no second question
            await until(pilot, lambda: isinstance(app.screen, LogScreen) and not app.screen.running)
            assert app.screen.result is not None and app.screen.result.ok
            mine = {"label": ["org.uvtui.one-off", f"{WORKING_DIR}={shop}"]}
            # The log's worker removes the one-off container just after the run's banner.
            await until(pilot, lambda: not client.containers.list(all=True, filters=mine))
    finally:
        stopped.remove(force=True)
