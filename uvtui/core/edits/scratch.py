"""A scratch copy of a project where the real uv may write: the files uv edits are copies,
everything else is a symlink into the project, so copying costs nothing and a failing uv
changes nothing in the project.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from uvtui.core.project.model import PYPROJECT, Project

LOCK_FILE = "uv.lock"
# Files uv reads next to pyproject.toml: copied so the scratch locks the way the project does.
_SIDE_FILES = ("uv.toml", ".python-version")
_NEVER_LINKED = frozenset({".git", ".venv", ".uvtui", "node_modules", "__pycache__"})


def edited_files(project: Project) -> list[str]:
    """Paths (relative to the root, POSIX) of every file an edit may change: each pyproject.toml
    of the workspace and uv.lock."""
    members = [
        (member.root.resolve().relative_to(project.root.resolve()) / PYPROJECT).as_posix()
        for member in project.workspace_members
    ]
    return [PYPROJECT, *members, LOCK_FILE]


@contextmanager
def scratch_copy(project: Project) -> Iterator[Path]:
    """A temporary directory that looks like the project to uv; removed when the block ends."""
    root = project.root.resolve()
    copied = {*edited_files(project), *_SIDE_FILES}
    with tempfile.TemporaryDirectory(prefix="uvtui-edit-") as temp:
        depth = _climb(project)
        scratch = Path(temp).joinpath(*(["s"] * depth), root.name)
        scratch.mkdir(parents=True)
        _mirror(root, scratch, PurePosixPath(), copied)
        _link_outside_sources(project, root, scratch)
        yield scratch


def _mirror(source: Path, target: Path, rel: PurePosixPath, copied: set[str]) -> None:
    """Copy the files in `copied`, recreate the directories leading to them, link the rest."""
    leading = {PurePosixPath(path).parts[len(rel.parts)] for path in copied if _under(path, rel)}
    for entry in source.iterdir():
        child = (rel / entry.name).as_posix()
        if child in copied:
            if entry.is_file():
                shutil.copyfile(entry, target / entry.name)
        elif entry.name in leading and entry.is_dir() and not entry.is_symlink():
            (target / entry.name).mkdir()
            _mirror(entry, target / entry.name, rel / entry.name, copied)
        elif entry.name not in _NEVER_LINKED:
            (target / entry.name).symlink_to(entry)


def _under(path: str, rel: PurePosixPath) -> bool:
    parts = PurePosixPath(path).parts
    return len(parts) > len(rel.parts) + 1 and parts[: len(rel.parts)] == rel.parts


def _relative_sources(project: Project) -> list[PurePosixPath]:
    paths = []
    for source in project.sources.values():
        for entry in source if isinstance(source, list) else [source]:
            path = entry.get("path") if isinstance(entry, dict) else None
            if isinstance(path, str) and not Path(path).is_absolute():
                paths.append(PurePosixPath(path))
    return paths


def _climb(project: Project) -> int:
    """How far relative path sources climb above the root (`../lib` climbs one)."""
    return max((_dots(path) for path in _relative_sources(project)), default=0)


def _dots(path: PurePosixPath) -> int:
    depth = lowest = 0
    for part in path.parts:
        depth += -1 if part == ".." else 1
        lowest = min(lowest, depth)
    return -lowest


def _link_outside_sources(project: Project, root: Path, scratch: Path) -> None:
    """Path sources outside the root (`../lib`) appear at the same place beside the scratch."""
    outside: Sequence[PurePosixPath] = [p for p in _relative_sources(project) if _dots(p) > 0]
    for source in outside:
        link = Path(os.path.normpath(scratch / source))
        if link.exists() or link.is_symlink():
            continue
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(Path(os.path.normpath(root / source)))
