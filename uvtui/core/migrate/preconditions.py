"""What must hold before planning: no other manager, no enclosing uv workspace, a known Python."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from uvtui.core.findings import MigrationRefused


def detect_other_manager(root: Path) -> None:
    """Refuse (R2) projects managed by Poetry, Pipenv or PDM, or already migrated to uv."""
    hint = (
        "use migrate-to-uv for it (it handles Poetry, Pipenv, pip-tools and pip, but skips "
        "requirement lines that are options, so run uvtui's coverage check after it)"
    )
    for name, manager in (("poetry.lock", "Poetry"), ("Pipfile", "Pipenv"), ("pdm.lock", "PDM")):
        if (root / name).exists():
            raise MigrationRefused(
                "R2", f"{name} shows the project is managed by {manager}; {hint}."
            )
    document = _read_existing_pyproject(root)
    if document is None:
        return
    if "poetry" in document.get("tool", {}):
        raise MigrationRefused(
            "R2", f"pyproject.toml has [tool.poetry]: the project is managed by Poetry; {hint}."
        )
    project = document.get("project", {})
    if (root / "uv.lock").exists() and (project.get("dependencies") or project.get("name")):
        raise MigrationRefused(
            "R2", "uv.lock and a populated [project] exist: the project is already migrated to uv."
        )


def refuse_enclosing_workspace(root: Path) -> None:
    """Refuse (R8) a project that is a member of an enclosing uv workspace.

    uv would lock such a project with the whole workspace (in the workspace root's uv.lock),
    not on its own, so the scratch lock would not be what uv checks in place. Found the way
    uv finds it: the nearest ancestor whose pyproject.toml has [tool.uv.workspace] and whose
    `members` globs include the project (and `exclude` does not).
    """
    root = root.resolve()
    for parent in root.parents:
        path = parent / "pyproject.toml"
        if not path.is_file():
            continue
        try:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError, OSError):
            continue
        workspace = document.get("tool", {}).get("uv", {}).get("workspace")
        if not isinstance(workspace, dict):
            continue
        if _matches(parent, root, workspace.get("members", [])) and not _matches(
            parent, root, workspace.get("exclude", [])
        ):
            raise MigrationRefused(
                "R8",
                f"{root.name} is a member of the uv workspace at {path} (members "
                f"{workspace.get('members')}): uv locks it with the whole workspace. Migrate "
                "it from the workspace root, or remove it from `members` (or add it to "
                "`exclude`) to migrate it on its own.",
            )
        return


def _matches(workspace_root: Path, project: Path, patterns: object) -> bool:
    if not isinstance(patterns, list):
        return False
    for pattern in patterns:
        try:
            if project in {p.resolve() for p in workspace_root.glob(str(pattern))}:
                return True
        except (ValueError, NotImplementedError):  # absolute or empty patterns
            continue
    return False


def _read_existing_pyproject(root: Path) -> dict | None:
    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise MigrationRefused("R4", f"pyproject.toml: {error}") from None


def _version_tuple(text: str) -> str | None:
    match = re.search(r"(\d+)\.(\d+)", text)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def resolve_python_version(
    root: Path, python_version: str | None, fallback: str | None = None
) -> str:
    """X.Y from the image (given), .python-version, runtime.txt, --python, in that order; or R6."""
    candidates: list[tuple[str, str | None]] = [("the base image", python_version)]
    for name in (".python-version", "runtime.txt"):
        path = root / name
        text = path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
        candidates.append((name, text.strip().splitlines()[0] if text and text.strip() else None))
    candidates.append(("--python", fallback))
    for where, value in candidates:
        if value:
            version = _version_tuple(value)
            if version is None:
                raise MigrationRefused("R6", f"cannot read a Python version from {where}: {value}")
            return version
    raise MigrationRefused(
        "R6",
        "no Python version found (no python base image, .python-version or runtime.txt); "
        "pass --python X.Y",
    )
