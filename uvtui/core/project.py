"""pyproject.toml model: tomlkit document (byte-exact round trip) plus the declared dependencies."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

# Group labels used everywhere (core, CLI JSON, UI):
#   "main"            [project].dependencies
#   "<group>"         a [dependency-groups] group, e.g. "dev", "docs"
#   "extra:<name>"    a [project.optional-dependencies] extra
#   "dev-dependencies" [tool.uv] dev-dependencies (legacy)
MAIN_GROUP = "main"


@dataclass(frozen=True)
class DeclaredDependency:
    """One requirement as written in pyproject.toml."""

    name: str  # normalized (packaging.utils.canonicalize_name)
    text: str  # the requirement string exactly as written
    requirement: Requirement
    group: str  # see the group labels above
    member: str  # normalized name of the workspace member (or root project) declaring it


@dataclass(frozen=True)
class IndexConfig:
    """One package index uv would use, from [[tool.uv.index]] or uv's environment."""

    url: str  # without credentials
    name: str | None = None
    default: bool = False
    explicit: bool = False
    format: str = "simple"  # "simple" or "flat"


@dataclass
class Project:
    """A uv project (or workspace root) loaded from disk."""

    root: Path  # directory holding pyproject.toml
    text: str  # original bytes of pyproject.toml, decoded
    name: str | None  # normalized [project].name; None for a virtual workspace root
    requires_python: SpecifierSet | None
    declared: list[DeclaredDependency] = field(default_factory=list)
    indexes: list[IndexConfig] = field(default_factory=list)
    # [tool.uv.sources] of every member: normalized package name -> source table (plain dicts)
    sources: dict[str, dict] = field(default_factory=dict)
    members: list[str] = field(default_factory=list)  # normalized member names, root first
