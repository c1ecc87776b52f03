"""Helpers for the Textual app tests: the demo web-app project and waiting for workers."""

from __future__ import annotations

import asyncio
import time

from textual.app import App
from textual.pilot import Pilot

from tests.support.local_index import LocalIndex
from uvtui.tui.app import UvtuiApp
from uvtui.tui.screens.main import MainScreen

PYPROJECT = """\
[project]
name = "shop"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    "flask==2.3.3",
    "gunicorn>=21,<23",
    "redis==4.6.0",
    "psycopg[binary]==3.1.12",
    "demo-c==1.2",
    "demo-a==1.1",
]

[dependency-groups]
dev = ["pytest==7.4.4", "ruff==0.1.15"]

[tool.uv]
package = false
"""


# A true-colour terminal, whatever the host's TERM: snapshots must not depend on it.
TRUE_COLOUR = {"TERM": "xterm-256color", "COLORTERM": "truecolor"}


def app_environ(index: LocalIndex, **changes: str | None) -> dict[str, str]:
    """The environment of an app under test: the local index, a true-colour terminal, colour
    on; ``changes`` set variables (None removes one), e.g. ``NO_COLOR="1"`` or ``TERM="xterm"``."""
    environ = {**index.uv_env(), **TRUE_COLOUR}
    environ.pop("NO_COLOR", None)
    for key, value in changes.items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    return environ


async def settle(pilot: Pilot[int], timeout: float = 30.0) -> MainScreen:
    """Wait until the index check and details lookups are done and their messages handled."""
    app = pilot.app
    assert isinstance(app, UvtuiApp)
    screen = app.screen_stack[0]
    assert isinstance(screen, MainScreen)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await pilot.pause()
        busy = any(not worker.is_finished for worker in app.workers)
        if not busy and not screen.checking and screen.details_pending is None:
            await pilot.pause()
            return screen
        await asyncio.sleep(0.01)
    raise AssertionError("the index check did not finish")


def screen_lines(app: App) -> list[str]:
    """The text of every line on the app's screen, as a terminal shows it."""
    return [
        "".join(segment.text for segment in strip)
        for strip in app.screen._compositor.render_strips()
    ]
