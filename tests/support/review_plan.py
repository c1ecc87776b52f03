"""A fixed bump plan and a one-screen app showing it: reproducible pictures of the review screen
(a real plan's uv.lock diff carries the local index's random port)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App

from uvtui.core.changes import ChangePlan, FileChange
from uvtui.core.edits.lock_changes import LockChange
from uvtui.core.edits.plan import EditPlan
from uvtui.core.project.versions import UpdateKind
from uvtui.tui.screens.review import ReviewScreen

_PYPROJECT = """\
[project]
name = "flask-app"
version = "0.1.0"
requires-python = ">=3.11"
dependencies = [
    "flask>=2.3,<3",  # the web framework
    "gunicorn==21.2.0",
    "redis~=4.6",
]
"""

_LOCK = """\
[[package]]
name = "gunicorn"
version = "{gunicorn}"
source = {{ registry = "https://pypi.example/simple" }}
dependencies = [
    {{ name = "packaging" }},
]

[[package]]
name = "redis"
version = "{redis}"
source = {{ registry = "https://pypi.example/simple" }}
"""


def sample_plan(root: Path) -> EditPlan:
    """`bump gunicorn, redis to latest` as the review screen would get it."""
    new_pyproject = _PYPROJECT.replace("gunicorn==21.2.0", "gunicorn==23.0.0").replace(
        "redis~=4.6", "redis~=6.2"
    )
    changes = (
        FileChange("pyproject.toml", _PYPROJECT.encode(), new_pyproject.encode()),
        FileChange(
            "uv.lock",
            _LOCK.format(gunicorn="21.2.0", redis="4.6.0").encode(),
            _LOCK.format(gunicorn="23.0.0", redis="6.2.0").encode(),
        ),
    )
    return EditPlan(
        action="bump",
        change_plan=ChangePlan(root, changes, description="bump gunicorn, redis to latest"),
        lock_changes=(
            LockChange("async-timeout", "4.0.3", None, "removed"),
            LockChange("gunicorn", "21.2.0", "23.0.0", "upgraded", UpdateKind.MAJOR),
            LockChange("redis", "4.6.0", "6.2.0", "upgraded", UpdateKind.MAJOR),
        ),
        uv_messages="Resolved 14 packages\nRemoved async-timeout v4.0.3\n"
        "Updated gunicorn v21.2.0 -> v23.0.0\nUpdated redis v4.6.0 -> v6.2.0",
    )


class ReviewApp(App[bool]):
    """Just the review screen on the sample plan; exits with the user's answer."""

    CSS_PATH = str(Path(__file__).resolve().parents[2] / "uvtui" / "tui" / "app.tcss")

    def __init__(self, root: Path) -> None:
        super().__init__()
        self.plan = sample_plan(root)

    def on_mount(self) -> None:
        self.push_screen(ReviewScreen(self.plan), self.exit)
