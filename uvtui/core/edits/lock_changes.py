"""The table of what a new uv.lock changes: package, old -> new, added, removed, update kind."""

from __future__ import annotations

from dataclasses import dataclass

from packaging.version import InvalidVersion, Version

from uvtui.core.project.lock import Lockfile, parse_lock
from uvtui.core.project.versions import UpdateKind, update_kind

# Packages of the project itself (root, workspace members, path sources) are not "changes".
_OWN_SOURCES = frozenset({"editable", "virtual", "directory", "path"})


@dataclass(frozen=True)
class LockChange:
    name: str
    old: str | None  # the locked version(s), comma-joined when forked; None when added
    new: str | None  # None when removed
    kind: str  # "added" | "removed" | "upgraded" | "downgraded" | "changed"
    update: UpdateKind | None = None  # the size of an upgrade


def lock_changes(old_lock: bytes | None, new_lock: bytes) -> tuple[LockChange, ...]:
    """Every package whose locked versions differ between two uv.lock texts, by name."""
    before = _versions(parse_lock(old_lock.decode("utf-8"))) if old_lock else {}
    after = _versions(parse_lock(new_lock.decode("utf-8")))
    changes = []
    for name in sorted(before.keys() | after.keys()):
        old, new = before.get(name), after.get(name)
        if old == new:
            continue
        changes.append(_change(name, old, new))
    return tuple(changes)


def _versions(lock: Lockfile) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for package in lock.packages:
        if package.source_kind in _OWN_SOURCES or package.version is None:
            continue
        found.setdefault(package.name, []).append(package.version)
    return {name: sorted(versions, key=_key) for name, versions in found.items()}


def _change(name: str, old: list[str] | None, new: list[str] | None) -> LockChange:
    old_text = ", ".join(old) if old else None
    new_text = ", ".join(new) if new else None
    if old is None:
        return LockChange(name, None, new_text, "added")
    if new is None:
        return LockChange(name, old_text, None, "removed")
    before, after = _parsed(old[-1]), _parsed(new[-1])
    if before is None or after is None or before == after:
        return LockChange(name, old_text, new_text, "changed")
    if after > before:
        return LockChange(name, old_text, new_text, "upgraded", update_kind(before, after))
    return LockChange(name, old_text, new_text, "downgraded")


def _parsed(text: str) -> Version | None:
    try:
        return Version(text)
    except InvalidVersion:
        return None


def _key(text: str) -> tuple[int, Version | str]:
    version = _parsed(text)
    return (0, version) if version is not None else (1, text)  # type: ignore[return-value]
