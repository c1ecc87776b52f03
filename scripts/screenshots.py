"""Regenerate screenshots/*.svg from the real app on the bundled example project.

Markers are filled from the local test index (tests/support/local_index.py), so the pictures are
reproducible and no network is used. Run: `uv run python scripts/screenshots.py`.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.local_index import (  # noqa: E402
    Dist,
    LocalIndex,
    default_catalogue,
    serve_local_index,
)
from tests.support.tui_app import settle  # noqa: E402
from uvtui.core.lock import load_lock  # noqa: E402
from uvtui.examples import example_project_path  # noqa: E402
from uvtui.tui.app import UvtuiApp  # noqa: E402

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
        target = SCREENSHOTS / f"{name}.svg"
        target.write_text(app.export_screenshot(title=f"uvtui {DISPLAY_NAME}"))
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


if __name__ == "__main__":
    asyncio.run(main())
