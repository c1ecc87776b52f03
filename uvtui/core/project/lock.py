"""uv.lock reader (tomllib): packages, versions, sources and dependency edges."""

from __future__ import annotations

import json
import re
import tomllib
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name

from uvtui.core.errors import LockError

# Source kinds as uv.lock records them: "registry", "git", "path", "directory", "editable",
# "virtual", "url".
SOURCE_KINDS = frozenset({"registry", "git", "path", "directory", "editable", "virtual", "url"})
LOCK_FILE = "uv.lock"
SUPPORTED_LOCK_VERSION = 1
_MAIN = "main"
_EXTRA_PREFIX = "extra:"


@dataclass(frozen=True)
class LockDependency:
    """One edge of the lock graph."""

    name: str  # normalized target package name
    version: str | None  # set when the target is locked at several versions (forks)
    marker: str | None
    extras: tuple[str, ...] = ()
    group: str = (
        "main"  # "main", "extra:<name>" or a dependency group name (same labels as project)
    )


@dataclass(frozen=True)
class LockedRequirement:
    """One requirement uv locked against ([package.metadata] requires-dist / requires-dev).

    This is what pyproject.toml said when the lock was made; `lock_mismatch` compares it.
    """

    name: str  # normalized
    specifier: str | None  # e.g. ">=0.27"; None when unconstrained or for a non-registry source
    marker: str | None  # as uv rewrote it (e.g. python_version -> python_full_version)
    extras: tuple[str, ...] = ()
    group: str = "main"  # "main", "extra:<name>" or a dependency group name
    source_kind: str | None = None  # "editable", "git", "path", ... when not from an index


@dataclass(frozen=True)
class LockedPackage:
    """One [[package]] entry of uv.lock."""

    name: str  # normalized
    # As written in uv.lock (normalized by uv, e.g. "4.2"); None for some virtual/dynamic ones.
    version: str | None
    source_kind: str
    source: str  # registry URL, git URL, path, ... as recorded
    resolution_markers: tuple[str, ...] = ()
    dependencies: tuple[LockDependency, ...] = ()  # all edges incl. optional and dev groups
    # [package.metadata]: only local projects (root, members, path dependencies) carry it.
    requires: tuple[LockedRequirement, ...] = field(default=(), repr=False)

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.name, self.version)


@dataclass
class Lockfile:
    """A parsed uv.lock with O(1) lookups by name and by (name, version)."""

    packages: list[LockedPackage]
    requires_python: str | None
    resolution_markers: tuple[str, ...] = ()
    members: list[str] = field(default_factory=list)  # normalized workspace member names
    # [manifest.dependency-groups]: what a virtual workspace root declared.
    manifest_requires: tuple[LockedRequirement, ...] = ()
    revision: int | None = None
    # [manifest] constraints / overrides: uv's record of [tool.uv] constraint/override-dependencies.
    constraints: tuple[LockedRequirement, ...] = ()
    overrides: tuple[LockedRequirement, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)  # [options], e.g. exclude-newer
    _by_name: dict[str, list[LockedPackage]] = field(init=False, repr=False, compare=False)
    _by_key: dict[tuple[str, str | None], LockedPackage] = field(
        init=False, repr=False, compare=False
    )
    _dependents: dict[str, list[tuple[LockedPackage, LockDependency]]] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        self._by_name = defaultdict(list)
        self._by_key = {}
        self._dependents = defaultdict(list)
        for package in self.packages:
            self._by_name[package.name].append(package)
            self._by_key[package.key] = package
            for dependency in package.dependencies:
                self._dependents[dependency.name].append((package, dependency))

    def by_name(self, name: str) -> list[LockedPackage]:
        """Every locked version of `name` (several when the resolution forked)."""
        return list(self._by_name.get(canonicalize_name(name), ()))

    def get(self, name: str, version: str | None) -> LockedPackage | None:
        """The package locked as exactly (name, version), if any."""
        return self._by_key.get((canonicalize_name(name), version))

    def resolve(self, dependency: LockDependency) -> list[LockedPackage]:
        """The package(s) an edge points at: the exact version if the edge names one."""
        if dependency.version is None:
            return self.by_name(dependency.name)
        package = self._by_key.get((dependency.name, dependency.version))
        return [package] if package is not None else []

    def roots(self) -> list[LockedPackage]:
        """The project itself and the workspace members, the one at "." first."""
        members = set(self.members)
        found = [
            package
            for package in self.packages
            if package.name in members
            or (package.source_kind in ("editable", "virtual") and package.source == ".")
        ]
        return sorted(found, key=lambda package: (package.source != ".", package.name))

    def reverse_dependencies(
        self, name: str, version: str | None = None
    ) -> list[tuple[LockedPackage, LockDependency]]:
        """(dependent package, its edge) for every edge into `name` ("why is this installed").

        With `version`, edges pinned to another version of a forked package are left out.
        """
        edges = self._dependents.get(canonicalize_name(name), ())
        return [
            (package, dependency)
            for package, dependency in edges
            if version is None or dependency.version in (None, version)
        ]

    def is_forked(self, name: str) -> bool:
        """True when `name` is locked at more than one version."""
        return len(self._by_name.get(canonicalize_name(name), ())) > 1

    def package_markers(self, package: LockedPackage) -> str | None:
        """The environment marker under which this version of a forked package is used.

        None when the name is locked at one version only. Otherwise the distinct markers of
        the edges pinned to this exact version, joined with "or" (uv writes the short fork
        marker there, e.g. "python_full_version < '3.12'"). Edges without a marker come from
        a parent that is itself forked and add nothing, so they are skipped; when no edge
        carries a marker, the package's own resolution-markers are joined instead.
        """
        if not self.is_forked(package.name):
            return None
        markers: list[str] = []
        for _, dependency in self._dependents.get(package.name, ()):
            marker = dependency.marker
            if dependency.version == package.version and marker and marker not in markers:
                markers.append(marker)
        return _any_of(markers or list(package.resolution_markers))


def _any_of(markers: list[str]) -> str | None:
    if not markers:
        return None
    if len(markers) == 1:
        return markers[0]
    return " or ".join(f"({marker})" for marker in markers)


def load_lock(root: Path) -> Lockfile | None:
    """Read `root`/uv.lock; None when there is none. Raises LockError when it cannot be read.

    Reads only; never writes.
    """
    path = root / LOCK_FILE
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise LockError(f"Cannot read {path}: {error.strerror or error}.") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise LockError(f"{path} is not valid UTF-8 (byte {error.start}).") from None
    return parse_lock(text, path)


def parse_lock(text: str, path: Path = Path(LOCK_FILE)) -> Lockfile:
    """Parse uv.lock text; `path` only names the file in error messages."""
    data = _loads_uv_lock(text)
    if data is None:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as error:
            raise LockError(f"{path} is not valid TOML: {error}.") from None
    version = data.get("version")
    if version != SUPPORTED_LOCK_VERSION:
        raise LockError(
            f"{path} has lock format version {version!r}, but uvtui reads version "
            f"{SUPPORTED_LOCK_VERSION} only."
        )
    try:
        return _lockfile(data)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise LockError(f"{path} is malformed ({_describe(error)}); run `uv lock` again.") from None


def _describe(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"missing key {error.args[0]!r}"
    return str(error)


def _lockfile(data: dict[str, Any]) -> Lockfile:
    manifest = data.get("manifest", {})
    manifest_requires = tuple(
        _requirement(entry, group)
        for group, entries in manifest.get("dependency-groups", {}).items()
        for entry in entries
    )
    revision = data.get("revision")
    return Lockfile(
        packages=[_package(entry) for entry in data.get("package", [])],
        requires_python=data.get("requires-python"),
        resolution_markers=tuple(data.get("resolution-markers", ())),
        members=[canonicalize_name(name) for name in manifest.get("members", ())],
        manifest_requires=manifest_requires,
        revision=revision if isinstance(revision, int) else None,
        constraints=tuple(_requirement(item, _MAIN) for item in manifest.get("constraints", ())),
        overrides=tuple(_requirement(item, _MAIN) for item in manifest.get("overrides", ())),
        options=dict(data.get("options", {})),
    )


def _package(entry: dict[str, Any]) -> LockedPackage:
    source_table = entry["source"]
    if not isinstance(source_table, dict) or len(source_table) != 1:
        raise ValueError(f"package {entry['name']!r} has no single source")
    ((source_kind, source),) = source_table.items()
    edges = [_edge(item, _MAIN) for item in entry.get("dependencies", ())]
    for extra, items in entry.get("optional-dependencies", {}).items():
        edges.extend(_edge(item, _EXTRA_PREFIX + extra) for item in items)
    for group, items in entry.get("dev-dependencies", {}).items():
        edges.extend(_edge(item, group) for item in items)
    metadata = entry.get("metadata", {})
    requires = [_requirement(item, _MAIN) for item in metadata.get("requires-dist", ())]
    for group, items in metadata.get("requires-dev", {}).items():
        requires.extend(_requirement(item, group) for item in items)
    version = entry.get("version")
    return LockedPackage(
        name=_normalized(entry["name"]),
        version=str(version) if version is not None else None,
        source_kind=source_kind,
        source=str(source),
        resolution_markers=tuple(entry.get("resolution-markers", ())),
        dependencies=tuple(edges),
        requires=tuple(requires),
    )


@lru_cache(maxsize=8192)
def _normalized(name: str) -> str:
    return canonicalize_name(name)


def _edge(item: dict[str, Any], group: str) -> LockDependency:
    return LockDependency(
        name=_normalized(item["name"]),
        version=item.get("version"),
        marker=item.get("marker"),
        extras=tuple(item.get("extra", ())),
        group=group,
    )


# `extra == 'name'`, which uv adds to the marker of an optional dependency in requires-dist.
_EXTRA_MARKER = re.compile(
    r"^extra == '([^']+)'$|^extra == '([^']+)' and | and extra == '([^']+)'$"
)


def _requirement(item: dict[str, Any], group: str) -> LockedRequirement:
    marker = item.get("marker")
    if group == _MAIN and marker:
        match = _EXTRA_MARKER.search(marker)
        if match is not None:
            group = _EXTRA_PREFIX + next(extra for extra in match.groups() if extra)
            marker = (marker[: match.start()] + marker[match.end() :]) or None
    source_kind = next((kind for kind in SOURCE_KINDS if kind in item), None)
    return LockedRequirement(
        name=_normalized(item["name"]),
        specifier=item.get("specifier"),
        marker=marker,
        extras=tuple(item.get("extras", ())),
        group=group,
        source_kind=source_kind,
    )


# --- A fast reader for the TOML subset uv writes -------------------------------------------
# tomllib needs about half a second for a 1.3 MB lock, mostly on the `wheels` and `sdist` hash
# lists that uvtui never reads. This reader follows uv's line layout, skips those two keys
# without parsing them, reads every other value through the C JSON decoder, and returns None
# on anything outside that layout so that the caller falls back to tomllib (which then also
# reports real syntax errors).

# A TOML basic string (JSON reads it the same), or a bare key followed by " = ".
_INLINE_PART = re.compile(r'("(?:[^"\\\n]|\\[^eU\n])*")|([A-Za-z0-9_-]+) = ')
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_HEADER = re.compile(r"(\[\[?)([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)(\]\]?)")
_SKIPPED_KEYS = frozenset({"wheels", "sdist"})
# Dropping those keys with one regex pass first is ten times faster than skipping them per line.
_SKIPPED_LINES = re.compile(
    r"^(?:wheels = \[\n(?:    [^\n]*\n)*\]|(?:wheels|sdist) = [^\n]*)\n", re.MULTILINE
)


class _Unsupported(Exception):
    """The text leaves uv's layout; parse it with tomllib instead."""


def _reject_constant(name: str) -> Any:
    raise _Unsupported


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def _loads_uv_lock(text: str) -> dict[str, Any] | None:
    try:
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        return _read_layout(_SKIPPED_LINES.sub("", text))
    except _Unsupported:
        return None


def _read_layout(text: str) -> dict[str, Any]:
    document: dict[str, Any] = {}
    table = document
    position, end = 0, len(text)
    while position < end:
        newline = text.find("\n", position)
        if newline == -1:
            newline = end
        line = text[position:newline]
        position = newline + 1
        if not line:
            continue
        if line[0] == "[":
            table = _open_table(document, line)
            continue
        key, _, value = line.partition(" = ")
        if key in table or _BARE_KEY.fullmatch(key) is None:
            raise _Unsupported
        if value == "[":
            # A multi-line array: "    item," lines, closed by "]" alone on a line.
            close = text.find("\n]", newline)
            if close == -1 or text[close + 2 : close + 3] not in ("\n", ""):
                raise _Unsupported
            if key not in _SKIPPED_KEYS:
                table[key] = _array_block(text[position:close])
            position = close + 3
        elif key not in _SKIPPED_KEYS:
            table[key] = _inline_value(value)
    return document


def _open_table(document: dict[str, Any], line: str) -> dict[str, Any]:
    match = _HEADER.fullmatch(line)
    if match is None or len(match[1]) != len(match[3]):
        raise _Unsupported
    *parents, last = match[2].split(".")
    table = document
    for key in parents:
        value = table.get(key)
        if isinstance(value, list) and value and isinstance(value[-1], dict):
            value = value[-1]
        if not isinstance(value, dict):
            raise _Unsupported
        table = value
    if match[1] == "[[":
        array = table.setdefault(last, [])
        if not isinstance(array, list):
            raise _Unsupported
        array.append({})
        return array[-1]
    if last in table:
        raise _Unsupported
    table[last] = {}
    return table[last]


def _array_block(block: str) -> list[Any]:
    if not block:
        return []
    lines = block.split("\n")
    if not all(line.startswith("    ") and line.endswith(",") for line in lines):
        raise _Unsupported
    return _inline_value("[" + "".join(lines)[:-1] + "]")


def _quote_key(match: re.Match[str]) -> str:
    return match[1] if match[1] is not None else f'"{match[2]}": '


def _inline_value(text: str) -> Any:
    try:
        return _DECODER.decode(_INLINE_PART.sub(_quote_key, text))
    except ValueError:
        raise _Unsupported from None
