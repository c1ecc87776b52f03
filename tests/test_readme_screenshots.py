"""The README's screenshots are what the app shows today: each is rendered again and compared
through syrupy, the snapshot machinery of the SVG snapshot tests, stored as screenshots/NAME.svg.

When one differs on purpose, regenerate them with `uv run python scripts/screenshots.py` (or
`pytest tests/test_readme_screenshots.py --snapshot-update`) and look at them before committing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion
from syrupy.extensions.single_file import SingleFileSnapshotExtension, WriteMode
from syrupy.location import PyTestLocation
from syrupy.types import SnapshotIndex

from tests.support.readme_screenshots import SCREENSHOTS, UNREPRODUCIBLE, render_all

README = Path(__file__).resolve().parents[1] / "README.md"


class ReadmeScreenshot(SingleFileSnapshotExtension):
    """One SVG per screenshot, in screenshots/ under its own name."""

    _write_mode = WriteMode.TEXT
    _file_extension = "svg"

    @classmethod
    def dirname(cls, *, test_location: PyTestLocation) -> str:
        return str(SCREENSHOTS)

    @classmethod
    def get_snapshot_name(cls, *, test_location: PyTestLocation, index: SnapshotIndex = 0) -> str:
        return str(index)


@pytest.fixture
def screenshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(ReadmeScreenshot)


async def test_readme_screenshots_are_current(
    tmp_path: Path, screenshot: SnapshotAssertion
) -> None:
    shots = await render_all(tmp_path)
    in_readme = set(re.findall(r"\(screenshots/([\w.-]+)\.svg\)", README.read_text()))
    assert in_readme <= set(shots), "the README shows a screenshot the script does not make"
    stale = [
        name
        for name, svg in shots.items()
        if name not in UNREPRODUCIBLE and svg != screenshot(name=name)
    ]
    assert not stale, f"stale screenshots {stale}: run `uv run python scripts/screenshots.py`"


def test_main_screenshot_shows_a_real_project() -> None:
    text = (SCREENSHOTS / "main-120x40.svg").read_text().replace("&#160;", " ")
    assert "A simple framework for building" in text  # flask's summary, from the local index
    assert "https://flask.palletsprojects.com/" in text
    for made_up in ("test package", "example.invalid", "127.0.0.1", "locked version only"):
        assert made_up not in text
