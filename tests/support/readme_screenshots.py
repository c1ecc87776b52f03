"""The README's screenshots (screenshots/*.svg), rendered from the real app.

The bundled example project, with every marker, summary and home page served by the local test
index (tests/support/local_index.py): reproducible, no network, no clock, no port on screen.
`scripts/screenshots.py` writes them; tests/test_readme_screenshots.py fails when one differs.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

from textual.app import App
from textual.pilot import Pilot

from tests.support.local_index import Dist, LocalIndex, default_catalogue, serve_local_index
from tests.support.migration_trees import seed
from tests.support.review_plan import ReviewApp
from tests.support.tui_app import TRUE_COLOUR, settle
from uvtui.core.containers.runner import Run
from uvtui.core.project.lock import load_lock
from uvtui.examples import example_project_path
from uvtui.tui.app import UvtuiApp
from uvtui.tui.screens.migrate import Choices, MigrateApp, MigrateScreen

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "screenshots"
# Shown in the README but not compared by the test: uv's own timings are in the log.
UNREPRODUCIBLE = frozenset({"log-sync"})
DISPLAY_NAME = "examples/flask-app"

# (file name, terminal size, keys pressed after the index check)
SHOTS: tuple[tuple[str, tuple[int, int], Sequence[str]], ...] = (
    ("main-120x40", (120, 40), ()),
    ("main-80x24", (80, 24), ()),
    ("transitive-outdated", (120, 40), ("t", "o")),
    ("why-werkzeug", (120, 40), ("t", "slash", *"werkzeug", "enter", "w")),
    ("help", (120, 40), ("question_mark",)),
)

# The migrate wizard on the article's pip layout: (file name, terminal size, keys).
WIZARD_SHOTS: tuple[tuple[str, tuple[int, int], Sequence[str]], ...] = (
    ("migrate-found", (120, 40), ()),
    ("migrate-choices", (120, 40), ("enter",)),
    ("migrate-diff", (120, 40), ("enter", "enter", "down", "down")),
    ("migrate-diff-80x24", (80, 24), ("enter", "enter", "down", "down")),
    ("migrate-lock", (120, 40), ("enter", "enter", "down")),
    ("migrate-confirm", (120, 40), ("enter", "enter", "a")),
)


async def shoot(
    project: Path,
    index: LocalIndex,
    cache: Path,
    name: str,
    size: tuple[int, int],
    keys: Sequence[str],
) -> str:
    app = UvtuiApp(project, environ=environ(index), cache_dir=cache, display_name=DISPLAY_NAME)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        app.clear_notifications()
        await settle(pilot)
        return screenshot(app, DISPLAY_NAME)


async def shoot_wizard(
    project: Path, index: LocalIndex, size: tuple[int, int], keys: Sequence[str]
) -> str:
    app = MigrateApp(project, env=environ(index), choices=Choices(uv_version="0.13.9"))
    async with app.run_test(size=size) as pilot:
        await wizard_settled(pilot)
        for key in keys:
            await pilot.press(key)
            await wizard_settled(pilot)
        return screenshot(app, "migrate")


async def shoot_log(project: Path, index: LocalIndex, size: tuple[int, int]) -> str:
    """A finished `uv sync --frozen` in the log screen, run locally against the local index."""
    from uvtui.core.containers.local_runner import LocalRunner
    from uvtui.core.containers.runner import start_run
    from uvtui.tui.screens.log import LogScreen

    argv = ["uv", "sync", "--frozen", "--color", "always", "--python", "3.11"]

    def start() -> tuple[Run, Callable[[], None]]:
        return start_run(LocalRunner(project, index.uv_env()), argv), lambda: None

    screen = LogScreen(" ".join(argv[:3]), start)

    class LogApp(App[None]):
        CSS_PATH = ROOT / "uvtui" / "tui" / "app.tcss"

        def on_mount(self) -> None:
            self.push_screen(screen)

    app = LogApp()
    async with app.run_test(size=size) as pilot:
        while screen.running:
            await asyncio.sleep(0.05)
        await pilot.pause()
        return screenshot(app, "log")


async def shoot_review(root: Path, size: tuple[int, int]) -> str:
    """The review screen of a bump (a fixed plan: a real one's lock diff names a random port)."""
    app = ReviewApp(root)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        return screenshot(app, "review")


def environ(index: LocalIndex) -> dict[str, str]:
    """A true-colour terminal with colour on, whatever the host's TERM and NO_COLOR."""
    env = {**index.uv_env(), **TRUE_COLOUR}
    env.pop("NO_COLOR", None)
    return env


async def wizard_settled(pilot: Pilot) -> None:
    """Wait until the wizard is not planning (uv locks in a worker)."""
    while True:
        await pilot.pause()
        screen = next(s for s in pilot.app.screen_stack if isinstance(s, MigrateScreen))
        busy = any(not worker.is_finished for worker in pilot.app.workers)
        if not busy and not screen.planning and screen.plan is not None:
            await pilot.pause()
            return
        await asyncio.sleep(0.05)


def screenshot(app: App, title: str) -> str:
    return app.export_screenshot(title=f"uvtui {title}")


def catalogue(project: Path) -> list[Dist]:
    """The test catalogue, which serves every package of the example's lock."""
    dists = default_catalogue()
    known = {dist.normalized_name for dist in dists}
    lock = load_lock(project)
    assert lock is not None, "the example project has a uv.lock"
    missing = [
        package.name
        for package in lock.packages
        if package.source_kind == "registry" and package.name not in known
    ]
    assert not missing, f"add {missing} to tests/support/local_index.py for the screenshots"
    return dists


async def render_all(work: Path) -> dict[str, str]:
    """Every README screenshot as SVG text, by file name (without .svg)."""
    project = work / "flask-app"
    shutil.copytree(example_project_path(), project)  # the app must not touch the original
    shots: dict[str, str] = {}
    with serve_local_index(catalogue(project), work / "index") as index:
        for name, size, keys in SHOTS:
            shots[name] = await shoot(project, index, work / "cache", name, size, keys)
        shots["log-sync"] = await shoot_log(project, index, (100, 24))
    shots["review"] = await shoot_review(work, (120, 40))
    with serve_local_index(None, work / "wizard-index") as index:
        for number, (name, size, keys) in enumerate(WIZARD_SHOTS):
            pip_project = seed(work / f"wizard-{number}" / "pip-app")
            (pip_project / "expected.Dockerfile").unlink(missing_ok=True)
            shots[name] = await shoot_wizard(pip_project, index, size, keys)
    return shots
