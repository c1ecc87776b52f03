"""What must hold before requirement files are planned: no other manager, a known Python."""

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
