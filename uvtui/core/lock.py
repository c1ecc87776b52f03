"""uv.lock reader (tomllib): packages, versions, sources and dependency edges."""

from __future__ import annotations

from dataclasses import dataclass, field

# Source kinds as uv.lock records them: "registry", "git", "path", "directory", "editable",
# "virtual", "url".


@dataclass(frozen=True)
class LockDependency:
    """One edge of the lock graph."""

    name: str  # normalized target package name
    version: str | None  # set when the target is locked at several versions (forks)
    marker: str | None
    extras: tuple[str, ...] = ()
    group: str = "main"  # "main", "extra:<name>" or a dependency group name (same labels as project)


@dataclass(frozen=True)
class LockedPackage:
    """One [[package]] entry of uv.lock."""

    name: str  # normalized
    version: str | None  # as written in uv.lock (normalized by uv, e.g. "4.2"); None for some virtual/dynamic
    source_kind: str
    source: str  # registry URL, git URL, path, ... as recorded
    resolution_markers: tuple[str, ...] = ()
    dependencies: tuple[LockDependency, ...] = ()  # all edges incl. optional and dev groups

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.name, self.version)


@dataclass
class Lockfile:
    packages: list[LockedPackage]
    requires_python: str | None
    resolution_markers: tuple[str, ...] = ()
    members: list[str] = field(default_factory=list)  # normalized workspace member names
