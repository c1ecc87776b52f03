"""Joins declared constraints, locked versions and index answers into outdated rows."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from uvtui.core.versions import UpdateKind


class CheckStatus(Enum):
    PENDING = "pending"  # index not asked yet (first paint)
    CHECKED = "checked"
    UNKNOWN = "unknown"  # index error / offline: `reason` says why
    NOT_REGISTRY = "not-registry"  # git/path/url/editable source: `reason` says why


@dataclass(frozen=True)
class OutdatedRow:
    """One locked (name, version), or one declared-but-unlocked name when there is no uv.lock."""

    name: str
    locked: str | None
    groups: tuple[str, ...]  # group labels of project.py that declare it directly; () if transitive
    members: tuple[str, ...]  # workspace members declaring it
    direct: bool
    constraint: str | None  # specifier(s) as written, e.g. ">=2,<3"; None if unconstrained
    marker: str | None  # the fork marker when a name is locked at several versions
    source_kind: str  # as in lock.py
    status: CheckStatus = CheckStatus.PENDING
    reason: str | None = None
    latest_compatible: str | None = None
    latest: str | None = None
    update: UpdateKind | None = None
    yanked: bool = False  # the locked version is yanked
    newer_needs_python: tuple[str, str] | None = None  # ("6.0", ">=3.12") hint
