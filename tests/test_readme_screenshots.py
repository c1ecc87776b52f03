"""The README's screenshots are what the app shows today: each is rendered again and compared.

When one differs on purpose, regenerate them all with `uv run python scripts/screenshots.py`
and look at them before committing.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.readme_screenshots import SCREENSHOTS, UNREPRODUCIBLE, render_all

README = Path(__file__).resolve().parents[1] / "README.md"


async def test_readme_screenshots_are_current(tmp_path: Path) -> None:
    shots = await render_all(tmp_path)
    in_readme = set(re.findall(r"\(screenshots/([\w.-]+)\.svg\)", README.read_text()))
    assert in_readme <= set(shots), "the README shows a screenshot the script does not make"
    stale = [
        name
        for name, svg in shots.items()
        if name not in UNREPRODUCIBLE
        and (
            not (SCREENSHOTS / f"{name}.svg").exists()
            or (SCREENSHOTS / f"{name}.svg").read_text() != svg
        )
    ]
    assert not stale, f"stale screenshots {stale}: run `uv run python scripts/screenshots.py`"


def test_main_screenshot_shows_a_real_project() -> None:
    text = (SCREENSHOTS / "main-120x40.svg").read_text().replace("&#160;", " ")
    assert "A simple framework for building" in text  # flask's summary, from the local index
    assert "https://flask.palletsprojects.com/" in text
    for made_up in ("test package", "example.invalid", "127.0.0.1", "locked version only"):
        assert made_up not in text
