"""What the main screen shows before any network: the project, its lock and their problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from uvtui.core.errors import UvtuiError
from uvtui.core.project.lock import Lockfile, load_lock
from uvtui.core.project.model import (
    Project,
    ProjectError,
    ProjectKind,
    detect_pip_project,
    load_project,
)
from uvtui.core.project.staleness import lock_mismatch

NOT_UV_PROJECT = "pyproject.toml has no [project] table, workspace or dependency groups."


@dataclass
class LoadedProject:
    root: Path
    project: Project | None = None  # None when there is nothing to show as panes
    lock: Lockfile | None = None
    stale_reason: str | None = None  # uv.lock does not match pyproject.toml
    error: str | None = None  # pyproject.toml or uv.lock could not be read: nothing else is shown
    requirement_files: list[Path] = field(default_factory=list)  # a pip project to migrate

    @property
    def lock_status(self) -> str:
        if self.lock is None:
            return "missing"
        return "stale" if self.stale_reason else "ok"


def load(path: Path) -> LoadedProject:
    """Read pyproject.toml and uv.lock (local files only); errors become messages, never raise."""
    root = path.parent if path.name == "pyproject.toml" else path
    loaded = LoadedProject(root=root)
    try:
        project = load_project(root)
    except ProjectError as error:
        if (root / "pyproject.toml").exists():
            loaded.error = error.message
        else:
            _pip_or_error(loaded, error.message)
        return loaded
    if project.kind is ProjectKind.NOT_UV_PROJECT:
        _pip_or_error(loaded, f"{project.pyproject}: {NOT_UV_PROJECT}")
        return loaded
    loaded.project = project
    try:
        loaded.lock = load_lock(root)
        if loaded.lock is not None:
            loaded.stale_reason = lock_mismatch(project, loaded.lock)
    except UvtuiError as error:
        loaded.error = error.message
    return loaded


def _pip_or_error(loaded: LoadedProject, message: str) -> None:
    loaded.requirement_files = detect_pip_project(loaded.root)
    if not loaded.requirement_files:
        loaded.error = message
