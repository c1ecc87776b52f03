"""Regenerate screenshots/*.svg from the real app on the bundled example project.

Markers are filled from the local test index (tests/support/local_index.py), so the pictures are
reproducible and no network is used. Run: `uv run python scripts/screenshots.py`.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual.app import App  # noqa: E402
from textual.pilot import Pilot  # noqa: E402

from tests.support.local_index import (  # noqa: E402
    Dist,
    LocalIndex,
    default_catalogue,
    serve_local_index,
)
from tests.support.migration_trees import seed  # noqa: E402
from tests.support.review_plan import ReviewApp  # noqa: E402
from tests.support.tui_app import settle  # noqa: E402
from uvtui.core.containers.runner import Run  # noqa: E402
from uvtui.core.project.lock import load_lock  # noqa: E402
from uvtui.examples import example_project_path  # noqa: E402
from uvtui.tui.app import UvtuiApp  # noqa: E402
from uvtui.tui.screens.migrate import Choices, MigrateApp, MigrateScreen  # noqa: E402

SCREENSHOTS = ROOT / "screenshots"
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
) -> Path:
    app = UvtuiApp(project, environ=index.uv_env(), cache_dir=cache, display_name=DISPLAY_NAME)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press(*keys)
        app.clear_notifications()
        await settle(pilot)
        return save(app, name, DISPLAY_NAME)


async def shoot_wizard(
    project: Path, index: LocalIndex, name: str, size: tuple[int, int], keys: Sequence[str]
) -> Path:
    app = MigrateApp(project, env=index.uv_env(), choices=Choices(uv_version="0.13.9"))
    async with app.run_test(size=size) as pilot:
        await wizard_settled(pilot)
        for key in keys:
            await pilot.press(key)
            await wizard_settled(pilot)
        return save(app, name, "migrate")


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


async def shoot_log(project: Path, index: LocalIndex, name: str, size: tuple[int, int]) -> Path:
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
        return save(app, name, "log")


async def shoot_review(root: Path, name: str, size: tuple[int, int]) -> Path:
    """The review screen of a bump (a fixed plan: a real one's lock diff names a random port)."""
    app = ReviewApp(root)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        return save(app, name, "review")


def save(app: App, name: str, title: str) -> Path:
    target = SCREENSHOTS / f"{name}.svg"
    target.write_text(app.export_screenshot(title=f"uvtui {title}"))
    return target


def catalogue(project: Path) -> list[Dist]:
    """The test catalogue plus the locked version of every package it lacks, so every marker
    of the example is filled (those extra packages show as current)."""
    dists = default_catalogue()
    known = {dist.normalized_name for dist in dists}
    lock = load_lock(project)
    assert lock is not None, "the example project has a uv.lock"
    extra = [
        Dist(package.name, package.version, summary=f"{package.name} (locked version only)")
        for package in lock.packages
        if package.source_kind == "registry" and package.version and package.name not in known
    ]
    return [*dists, *extra]


async def main() -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        project = work / "flask-app"
        shutil.copytree(example_project_path(), project)  # the app must not touch the original
        with serve_local_index(catalogue(project), work / "index") as index:
            for name, size, keys in SHOTS:
                print(await shoot(project, index, work / "cache", name, size, keys))
            print(await shoot_log(project, index, "log-sync", (100, 24)))
        print(await shoot_review(work, "review", (120, 40)))
        with serve_local_index(None, work / "wizard-index") as index:
            for number, (name, size, keys) in enumerate(WIZARD_SHOTS):
                pip_project = seed(work / f"wizard-{number}" / "pip-app")
                (pip_project / "expected.Dockerfile").unlink(missing_ok=True)
                print(await shoot_wizard(pip_project, index, name, size, keys))


if __name__ == "__main__":
    asyncio.run(main())
